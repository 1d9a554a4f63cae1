// sciml.cpp contestants on the large stiff problems (tests/common/large_problems.hpp: the 2D Brusselator and
// the stacked ROBER), on std::vector<double> states with the in-place right-hand sides; reltol = tol,
// abstol = abstol_factor * tol, save_everystep = false, the problem's tstops. Sparse contestants wrap f with
// with_sparse_jacobian: the pattern detected by tracing f, J by compressed AD over a column colouring, KLU
// (FBDF, KenCarp4, Rodas5P, and RadauIIA5 where n <= 300); "_jac" gives the analytic sparse Jacobian of
// large_problems.hpp instead (as CVODE + KLU gets). "(dense)": Eigen's dense LU, only where n is small.
#include <chrono>
#include <string>
#include <sciml/ode.hpp>
#include "stiff.hpp"

namespace bench {
namespace {

// Thrown by the right-hand side once a solve has used its time budget (the integrator unwinds; the contestant
// reports "over budget").
struct OverBudget {};

enum class Mode { Dense, Sparse, SparseJac };

template <class Alg, Mode M, class F, class Pm, class Jv>
Outcome solve_vec(const StiffProblem& P, double tol, const F& f, const Pm& p, const sciml::SparsityPattern& pattern,
                  const Jv& jac_values) {
  const bool limited = P.budget_s > 0;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(P.budget_s));
  long calls = 0;
  auto g = [&f, &calls, limited, deadline](auto& du, const auto& u, const auto& pp, auto t) {
    if (limited && (++calls & 15) == 0 && Clock::now() > deadline) throw OverBudget{};
    f(du, u, pp, t);
  };
  // the analytic Jacobian's values, written through the SparseJacobianView entry by entry
  std::vector<std::size_t> row_of(pattern.nnz());
  for (std::size_t i = 0; i < pattern.n; ++i)
    for (std::size_t k = pattern.row_ptr[i]; k < pattern.row_ptr[i + 1]; ++k) row_of[k] = i;
  auto jac = [&](auto& view, const auto& u, const auto& pp, double) {
    struct Writer {
      std::remove_reference_t<decltype(view)>& J;
      const sciml::SparsityPattern& s;
      const std::vector<std::size_t>& row_of;
      double& operator[](std::size_t k) const { return J(row_of[k], s.col[k]); }
    };
    jac_values(u, pp, Writer{view, pattern, row_of});
  };
  auto prob = [&] {
    if constexpr (M == Mode::Dense) {
      return sciml::ODEProblem(g, P.u0, {P.t0, P.tf}, p);
    } else if constexpr (M == Mode::Sparse) {
      return sciml::ODEProblem(sciml::with_sparse_jacobian(g), P.u0, {P.t0, P.tf}, p);
    } else {
      return sciml::ODEProblem(sciml::with_sparse_jacobian(sciml::ODEFunction(g, jac), pattern), P.u0, {P.t0, P.tf}, p);
    }
  }();
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol * P.abstol_factor;
  o.save_everystep = false;
  o.maxiters = 100'000'000;
  o.tstops = P.tstops;
  Outcome out;
  try {
    const auto sol = sciml::solve(prob, Alg{}, o);
    out.u.assign(sol.u.back().begin(), sol.u.back().end());
    out.nf = sol.stats.nf;
    out.steps = sol.stats.naccept;
    out.rejects = sol.stats.nreject;
    out.njac = sol.stats.njac;
    out.nlu = sol.stats.nw;
    out.ok = sol.retcode == sciml::ReturnCode::Success;
    if (!out.ok) out.msg = sol.message;
  } catch (const OverBudget&) {
    out.ok = false;
    out.msg = "over budget: abandoned after " + fmtd("%.0f", P.budget_s) + " s";
  }
  return out;
}

template <class Alg, Mode M>
Outcome solve_large(const StiffProblem& P, double tol) {
  namespace pr = sciml::problems;
  if (P.id == StiffId::Bruss) {
    const auto p = pr::brusselator_params(P.size);
    const auto pattern = pr::brusselator_jac_pattern(P.size);
    return solve_vec<Alg, M>(P, tol, pr::brusselator_2d, p, pattern, [&](const auto& u, const auto& q, auto&& vals) {
      pr::brusselator_jac_values(u, q, pattern, vals);
    });
  }
  const auto pattern = pr::rober_scaled_jac_pattern(P.size);
  return solve_vec<Alg, M>(P, tol, pr::rober_scaled, pr::rober_k, pattern, [](const auto& u, const auto& k, auto&& vals) {
    pr::rober_scaled_jac_values(u, k, vals);
  });
}

template <class Alg, Mode M>
void add(std::vector<Contestant>& out, const StiffProblem& P) {
  const char* suffix = M == Mode::Dense ? " (dense)" : M == Mode::SparseJac ? "_jac" : "";
  out.push_back({std::string(Alg::name()) + suffix, "sciml.cpp", [P](double tol) { return solve_large<Alg, M>(P, tol); }});
}

bool small(const StiffProblem& P) {
  return (P.id == StiffId::Bruss && P.size == 8) || (P.id == StiffId::RoberScaled && P.size == 10);
}

}  // namespace

std::vector<Contestant> sciml_large_contestants(const StiffProblem& P) {
  std::vector<Contestant> out;
  add<sciml::FBDF<>, Mode::Sparse>(out, P);
  add<sciml::FBDF<>, Mode::SparseJac>(out, P);
  add<sciml::KenCarp4, Mode::Sparse>(out, P);
  add<sciml::Rodas5P, Mode::Sparse>(out, P);
  if (P.n() <= 300) add<sciml::RadauIIA5, Mode::Sparse>(out, P);  // its complex LU as a 2n real one: small n only
  if (small(P)) add<sciml::Rodas5P, Mode::Dense>(out, P);
  return out;
}

std::string sciml_large_note() {
  return "sciml.cpp on the large problems: `FBDF`, `KenCarp4`, `Rodas5P` with with_sparse_jacobian (pattern detected "
         "by tracing f once, J by compressed forward-mode AD over a column colouring, SuiteSparse KLU refactorisation "
         "of M - gh J); `FBDF_jac`: the analytic sparse Jacobian of tests/common/large_problems.hpp through "
         "ODEFunction(f, jac) + with_sparse_jacobian(f, pattern), as CVODE + KLU gets it; RadauIIA5 (sparse, its "
         "complex matrix as a 2n real one) only at n <= 300; `(dense)`: Eigen's dense LU, only at n <= 128";
}

}  // namespace bench
