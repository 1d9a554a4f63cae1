// The four problems, their references, and the long-double check of the references.
#include <boost/numeric/odeint.hpp>
#include <cstdio>
#include <random>
#include <sciml/ode.hpp>
#include "bench.hpp"

namespace bench {

std::vector<Problem> make_problems() {
  namespace pr = sciml::problems;
  std::vector<double> decades;
  for (int e = 4; e <= 12; ++e) decades.push_back(std::pow(10.0, -e));
  std::vector<Problem> ps;
  {
    Problem p;
    p.id = ProblemId::Lorenz;
    p.name = "Lorenz";
    p.key = "lorenz";
    p.summary = "Lorenz (sigma 10, rho 28, beta 8/3), u0 = (1, 0, 0), t in [0, 100]; chaotic, so timing only";
    p.t0 = 0;
    p.tf = 100;
    p.u0 = {1.0, 0.0, 0.0};
    p.tols = {1e-8};
    ps.push_back(p);
  }
  {
    Problem p;
    p.id = ProblemId::Arenstorf;
    p.name = "Arenstorf";
    p.key = "arenstorf";
    p.summary = "Arenstorf orbit (4 states), t in [0, 2T]; reference u(2T) = u0";
    p.t0 = 0;
    p.tf = 2 * pr::arenstorf_T;
    p.u0.assign(pr::arenstorf_u0.begin(), pr::arenstorf_u0.end());
    p.ref = p.u0;
    p.nmeasured = 4;
    p.tols = decades;
    ps.push_back(p);
  }
  {
    Problem p;
    p.id = ProblemId::Pleiades;
    p.name = "Pleiades";
    p.key = "pleiades";
    p.summary = "Pleiades (7 bodies, 28 states), t in [0, 3]; error over the 14 positions at t = 3";
    p.t0 = 0;
    p.tf = 3;
    p.u0.assign(pr::pleiades_u0.begin(), pr::pleiades_u0.end());
    p.ref.assign(pr::pleiades_ref_xy.begin(), pr::pleiades_ref_xy.end());
    p.nmeasured = 14;
    p.tols = decades;
    ps.push_back(p);
  }
  {
    Problem p;
    p.id = ProblemId::Linear;
    p.name = "Linear 100x100";
    p.key = "linear";
    p.summary = "u' = 1.01 u, 100 x 100 = 10000 states, u0 uniform in (0, 1) (mt19937_64, seed 1), t in [0, 10]; "
                "exact u0 e^10.1";
    p.t0 = 0;
    p.tf = 10;
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    p.u0.resize(Kernel<ProblemId::Linear>::N);
    for (auto& x : p.u0) {
      do x = uni(rng);
      while (x == 0.0);
    }
    const double g = std::exp(Kernel<ProblemId::Linear>::lambda * (p.tf - p.t0));
    for (double x : p.u0) p.ref.push_back(x * g);
    p.nmeasured = p.u0.size();
    p.tols = decades;
    ps.push_back(p);
  }
  return ps;
}

double relative_error(const Problem& prob, const std::vector<double>& u) {
  if (!prob.has_error()) return NAN;
  double num = 0, den = 0;
  for (std::size_t i = 0; i < prob.nmeasured; ++i) {
    const double d = u[i] - prob.ref[i];
    num += d * d;
    den += prob.ref[i] * prob.ref[i];
  }
  return std::sqrt(num / den);
}

namespace {

using LD = long double;

// u(tf) in long double by sciml's highest-order Verner method at a tolerance near long double's epsilon.
template <ProblemId Id>
std::vector<LD> reference_sciml(const Problem& P, LD tol) {
  using K = Kernel<Id>;
  sciml::SVector<LD, K::N> u0;
  for (std::size_t i = 0; i < K::N; ++i) u0[i] = LD(P.u0[i]);
  auto f = [](const auto& u, const auto& p, auto t) { return K::f(u, p, t); };
  auto prob = sciml::ODEProblem(f, u0, {LD(P.t0), LD(P.tf)}, K::p);
  sciml::SolveOptions o;
  o.reltol = double(tol);
  o.abstol = double(tol);
  o.save_everystep = false;
  o.maxiters = 100'000'000;
#ifdef SCIML_HAVE_VERN9
  auto sol = sciml::solve(prob, sciml::Vern9{}, o);
#else
  auto sol = sciml::solve(prob, sciml::Vern7{}, o);
#endif
  return {sol.u.back().begin(), sol.u.back().end()};
}

// The same by Boost.Odeint's Bulirsch–Stoer extrapolation in long double.
template <ProblemId Id>
std::vector<LD> reference_bs(const Problem& P, LD tol) {
  using K = Kernel<Id>;
  using S = std::array<LD, K::N>;
  S x;
  for (std::size_t i = 0; i < K::N; ++i) x[i] = LD(P.u0[i]);
  auto sys = [](const S& u, S& du, LD t) {
    const auto r = K::f(u, K::p, t);
    for (std::size_t i = 0; i < K::N; ++i) du[i] = r[i];
  };
  boost::numeric::odeint::bulirsch_stoer<S, LD> st(tol, tol);
  boost::numeric::odeint::integrate_adaptive(st, sys, x, LD(P.t0), LD(P.tf), LD(1e-6) * LD(P.tf - P.t0));
  return {x.begin(), x.end()};
}

LD rel_diff(const std::vector<LD>& a, const std::vector<LD>& b, std::size_t n) {
  LD num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return std::sqrt(num / den);
}

std::string fmt(const char* f, double a, double b = 0, double c = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

template <ProblemId Id>
void check(Problem& P, ReferenceCheck& rc, const char* what) {
  const LD tol = 1e-17L;
  const auto a = reference_sciml<Id>(P, tol);
  const auto b = reference_bs<Id>(P, tol);
  std::vector<LD> ref(P.ref.begin(), P.ref.end());
  const double agree = double(rel_diff(a, b, P.nmeasured));
  const double given = double(rel_diff(ref, a, P.nmeasured));
#ifdef SCIML_HAVE_VERN9
  const char* m = "Vern9";
#else
  const char* m = "Vern7";
#endif
  rc.notes.push_back(P.name + ": long-double solutions of the benchmark's IVP (double u0 and tf), sciml " + m +
                     " and Boost bulirsch_stoer at tol 1e-17, agree to " + fmt("%.1e", agree) + " relative; " +
                     what + " differs from them by " + fmt("%.1e", given) + ".");
  // Use the long-double solution where the two agree far better than the given reference does: errors
  // below the given reference's own error would otherwise be meaningless.
  if (agree < 1e-15 && given > 10 * agree && given > 1e-15) {
    for (std::size_t i = 0; i < P.nmeasured; ++i) P.ref[i] = double((a[i] + b[i]) / 2);
    rc.notes.back() += " The errors below are measured against the long-double solution.";
  } else {
    rc.notes.back() += " The errors below are measured against " + std::string(what) + ".";
  }
}

}  // namespace

ReferenceCheck check_references(std::vector<Problem>& problems) {
  ReferenceCheck rc;
  for (auto& P : problems) {
    if (P.id == ProblemId::Arenstorf) check<ProblemId::Arenstorf>(P, rc, "the exact reference u0");
    if (P.id == ProblemId::Pleiades) check<ProblemId::Pleiades>(P, rc, "the reference in tests/common/problems.hpp");
  }
  return rc;
}

}  // namespace bench
