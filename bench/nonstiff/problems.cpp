// The four problems, their references, and the long-double check of the references.
#include <boost/numeric/odeint.hpp>
#include <cstdio>
#include <random>
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

template <ProblemId Id, class Stepper>
std::vector<LD> reference_odeint(const Problem& P, Stepper st) {
  using K = Kernel<Id>;
  using S = std::array<LD, K::N>;
  S x;
  for (std::size_t i = 0; i < K::N; ++i) x[i] = LD(P.u0[i]);
  auto sys = [](const S& u, S& du, LD t) {
    const auto r = K::f(u, K::p, t);
    for (std::size_t i = 0; i < K::N; ++i) du[i] = r[i];
  };
  boost::numeric::odeint::integrate_adaptive(st, sys, x, LD(P.t0), LD(P.tf), LD(1e-6) * LD(P.tf - P.t0));
  return {x.begin(), x.end()};
}

// u(tf) in long double by two different methods whose coefficients are exact in long double (Boost.Odeint's
// Bulirsch-Stoer extrapolation and Fehlberg 7(8); sciml's tableaus are stored in double, which limits them
// to ~1e-16 per step even in long double).
template <ProblemId Id>
std::pair<std::vector<LD>, std::vector<LD>> reference_pair(const Problem& P, LD tol) {
  namespace odeint = boost::numeric::odeint;
  using S = std::array<LD, Kernel<Id>::N>;
  auto a = reference_odeint<Id>(P, odeint::bulirsch_stoer<S, LD>(tol, tol));
  auto b = reference_odeint<Id>(P, odeint::make_controlled(tol, tol, odeint::runge_kutta_fehlberg78<S, LD>()));
  return {a, b};
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
  const LD tol = 1e-18L;
  const auto [a, b] = reference_pair<Id>(P, tol);
  std::vector<LD> ref(P.ref.begin(), P.ref.end());
  const double agree = double(rel_diff(a, b, P.nmeasured));
  const double given = double(rel_diff(ref, a, P.nmeasured));
  rc.notes.push_back(P.name + ": two long-double solutions of the benchmark's IVP (u0 and tf as doubles), Boost " +
                     "bulirsch_stoer and fehlberg78 at tol 1e-18, agree to " + fmt("%.1e", agree) + " relative; " +
                     what + " differs from them by " + fmt("%.1e", given) + ".");
  // Use the long-double solution where the two agree far better than the given reference: errors
  // below the given reference's own error would otherwise be meaningless.
  if (agree < 1e-14 && given > 10 * agree && given > 1e-14) {
    for (std::size_t i = 0; i < P.nmeasured; ++i) P.ref[i] = double((a[i] + b[i]) / 2);
    rc.notes.back() += " Errors are measured against the long-double solution.";
  } else {
    rc.notes.back() += " Errors are measured against " + std::string(what) + ".";
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
