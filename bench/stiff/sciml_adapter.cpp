// sciml.cpp contestants: the Rosenbrock methods (Rosenbrock23, Rodas4, Rodas5P), the SDIRK methods TRBDF2,
// KenCarp4 and Kvaerno5, FBDF and RadauIIA5 on SVector states, the Jacobian by forward-mode AD (the library's
// default) and, for Rodas5P and RadauIIA5, the analytic one of stiff.hpp through ODEFunction ("_jac");
// reltol = tol, abstol = abstol_factor * tol, save_everystep = false.
#include <string>
#include <sciml/ode.hpp>
#include "stiff.hpp"

namespace bench {
namespace {

template <class Alg, StiffId Id, bool UserJac = false>
Outcome solve_small(const StiffProblem& P, double tol) {
  using K = StiffKernel<Id>;
  sciml::SVector<double, K::N> u0;
  for (std::size_t i = 0; i < K::N; ++i) u0[i] = P.u0[i];
  auto jac = [](auto& J, const auto& u, const auto&, auto) {
    K::jac(u, [&](std::size_t i, std::size_t j, double v) { J(i, j) = v; });
  };
  auto prob = [&] {
    if constexpr (UserJac) {
      return sciml::ODEProblem(sciml::ODEFunction(K::f, jac), u0, {P.t0, P.tf}, K::p);
    } else {
      return sciml::ODEProblem(K::f, u0, {P.t0, P.tf}, K::p);
    }
  }();
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol * P.abstol_factor;
  o.save_everystep = false;
  o.maxiters = 100'000'000;
  const auto sol = sciml::solve(prob, Alg{}, o);
  Outcome out;
  out.u.assign(sol.u.back().begin(), sol.u.back().end());
  out.nf = sol.stats.nf;
  out.steps = sol.stats.naccept;
  out.rejects = sol.stats.nreject;
  out.njac = sol.stats.njac;
  out.nlu = sol.stats.nw;
  out.ok = sol.retcode == sciml::ReturnCode::Success;
  if (!out.ok) out.msg = sol.message;
  return out;
}

template <class Alg, bool UserJac = false>
void add(std::vector<Contestant>& out, const StiffProblem& P) {
  std::function<Outcome(double)> fn;
  with_stiff(P.id, [&](auto id) {
    fn = [P](double tol) { return solve_small<Alg, decltype(id)::value, UserJac>(P, tol); };
  });
  out.push_back({std::string(Alg::name()) + (UserJac ? "_jac" : ""), "sciml.cpp", std::move(fn)});
}

}  // namespace

std::vector<Contestant> sciml_stiff_contestants(const StiffProblem& P) {
  std::vector<Contestant> out;
  add<sciml::Rosenbrock23>(out, P);
  add<sciml::Rodas4>(out, P);
  add<sciml::Rodas5P>(out, P);
  add<sciml::Rodas5P, true>(out, P);
  add<sciml::TRBDF2>(out, P);
  add<sciml::KenCarp4>(out, P);
  add<sciml::Kvaerno5>(out, P);
  add<sciml::FBDF<>>(out, P);
  add<sciml::RadauIIA5>(out, P);
  add<sciml::RadauIIA5, true>(out, P);
  return out;
}

}  // namespace bench
