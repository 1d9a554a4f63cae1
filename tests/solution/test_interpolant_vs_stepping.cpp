// The dense output against stepping, for every adaptive method: the values saveat gives (the method's
// interpolant between steps) and the same solve forced to step onto those times (tstops), both against a
// reference, on a non-stiff problem (Lotka-Volterra) and on stiff ones with fast transients (ROBER's initial
// layer, the diurnal kinetics problem's sunrise and sunset, Van der Pol mu = 1e3 through a jump). Errors are in
// units of the tolerance: the max over output times and components of |u - ref| / (abstol + reltol |ref|) (the
// diurnal problem in its own measure, diurnal_error). The check: E_saveat <= K max(E_tstops, 1) with K = 20 for
// every family. Why 20: a dense output is usually one order below its method (Tsit5 and DP5: 4 under 5; the SDIRK
// family's cubic Hermite: 3 under KenCarp4's 4 and Kvaerno5's 5; RadauIIA5's collocation polynomial: 3 under 5),
// so at tight tolerances the interpolant is a few to ten tolerance units off where the steps are within one: the
// largest ratios measured are 10.4 (RadauIIA5, diurnal), 10.2 (KenCarp4, ROBER's initial layer at reltol 1e-6)
// and 9.0 (Tsit5 in AutoTsit5, Lotka-Volterra at 1e-4). Bugs of the kind this guards against give far larger
// ratios: issue 14 (KenCarp4 on the diurnal problem) was 2e3 (2.9e4 against 14.7); Rodas5P's and Rodas4's dense
// output on the same problem are 2.4e4 and 6e2 (KNOWN below: rosenbrock.hpp has no dense-output check yet; the
// one the report of issue 14 proposes, sdirk.hpp's applied to the Rosenbrock step, brings them to 21 and 49).
// Tolerances per method follow its order (low-order methods at looser ones, so that each solve stays short).
// Euler, Midpoint and RK4 have no error estimate (fixed steps only) and are not here.
#include <gtest/gtest.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include <sciml/ode.hpp>
#include "common/diurnal.hpp"
#include "common/problems.hpp"

namespace {
namespace pr = sciml::problems;
using Times = std::vector<double>;

struct Errors {
  double saveat = 0, tstops = 0;
  long steps_saveat = 0, steps_tstops = 0;
};

// Solve twice (saveat only; saveat + tstops at the same times) and measure both against ref(i) with err(u, ref).
template <class Alg, class Prob, class Ref, class Err>
Errors compare(const Prob& prob, sciml::SolveOptions o, const Times& ts, const Ref& ref, const Err& err) {
  Errors e;
  o.saveat = ts;
  o.maxiters = 2'000'000;
  for (bool stepped : {false, true}) {
    if (stepped) o.tstops = ts;
    const auto sol = sciml::solve(prob, Alg{}, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success) << Alg::name() << ": " << sol.message;
    EXPECT_EQ(sol.u.size(), ts.size()) << Alg::name();
    if (sol.u.size() != ts.size()) return e;
    double worst = 0;
    for (std::size_t i = 0; i < ts.size(); ++i) worst = std::max(worst, err(sol.u[i], ref(i)));
    (stepped ? e.tstops : e.saveat) = worst;
    (stepped ? e.steps_tstops : e.steps_saveat) = sol.stats.naccept;
  }
  return e;
}

template <class U, class V>
double scaled_error(const U& u, const V& ref, double rtol, double atol) {
  double e = 0;
  for (std::size_t m = 0; m < std::size_t(ref.size()); ++m)
    e = std::max(e, std::abs(u[m] - ref[m]) / (atol + rtol * std::abs(ref[m])));
  return e;
}

// The bound on E_saveat / max(E_tstops, 1); `known`: a measured larger ratio with its reason, checked so that it
// does not get worse, and printed as KNOWN.
struct Bound {
  double K;
  const char* known = nullptr;
};

void report_and_check(const char* problem, const char* method, const Errors& e, Bound b) {
  const double ratio = e.saveat / std::max(e.tstops, 1.0);
  std::printf("  %-9s %-22s saveat %9.2f (%5ld steps)  tstops %9.2f (%5ld steps)  ratio %8.2f  (bound %g)%s%s\n",
              problem, method, e.saveat, e.steps_saveat, e.tstops, e.steps_tstops, ratio, b.K,
              b.known ? "  KNOWN: " : "", b.known ? b.known : "");
  EXPECT_LE(ratio, b.K) << method << " on " << problem;
}

// ---- (a) non-stiff: Lotka-Volterra (SciMLBenchmarks' set-up), reference by Vern9 at 1e-14 --------------------
Times lv_times() {
  Times ts;
  for (int i = 0; i < 40; ++i) ts.push_back(0.13 + 0.245 * i);  // off any natural step grid
  return ts;
}
const std::array<double, 4> lv_p{1.5, 1.0, 3.0, 1.0};
const std::vector<sciml::SVector<double, 2>>& lv_reference() {
  static const auto ref = [] {
    sciml::SolveOptions o;
    o.reltol = 1e-14;
    o.abstol = 1e-14;
    o.saveat = lv_times();
    o.tstops = lv_times();
    return sciml::solve(sciml::ODEProblem(pr::lotka_volterra, sciml::SVector{1.0, 1.0}, {0.0, 10.0}, lv_p),
                        sciml::Vern9{}, o).u;
  }();
  return ref;
}
template <class Alg>
void lotka_volterra(Bound K, double tol) {
  const auto prob = sciml::ODEProblem(pr::lotka_volterra, sciml::SVector{1.0, 1.0}, {0.0, 10.0}, lv_p);
  const auto& ref = lv_reference();
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol;
  const auto e = compare<Alg>(
      prob, o, lv_times(), [&](std::size_t i) { return ref[i]; },
      [&](const auto& u, const auto& r) { return scaled_error(u, r, tol, tol); });
  report_and_check("LV", Alg::name(), e, K);
}

// ---- (b) ROBER through its initial transient (y2 rises to 3.6e-5 by t ~ 1e-3, then decays) ------------------
const std::vector<sciml::SVector<double, 3>>& rober_reference(const Times& ts) {
  static const auto ref = [&] {
    sciml::SolveOptions o;
    o.reltol = 1e-12;
    o.abstol = 1e-16;
    o.saveat = ts;
    o.tstops = ts;
    auto prob = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 40.0}, pr::rober_k);
    return sciml::solve(prob, sciml::RadauIIA5{}, o).u;
  }();
  return ref;
}
Times rober_times() {
  Times ts;
  for (double d = 1e-5; d < 20; d *= 10)
    for (double m : {1.0, 3.0}) ts.push_back(m * d);
  ts.push_back(40.0);
  return ts;
}
template <class Alg>
void rober(Bound K, double rtol) {
  const auto ts = rober_times();
  const auto& ref = rober_reference(ts);
  const double atol = rtol * 1e-6;  // y2 is ~1e-5: absolute tolerance well below it
  const auto prob = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 40.0}, pr::rober_k);
  sciml::SolveOptions o;
  o.reltol = rtol;
  o.abstol = atol;
  const auto e = compare<Alg>(
      prob, o, ts, [&](std::size_t i) { return ref[i]; },
      [&](const auto& u, const auto& r) { return scaled_error(u, r, rtol, atol); });
  report_and_check("ROBER", Alg::name(), e, K);
}

// ---- (c) the diurnal kinetics problem (5 x 5 mesh), the user's set-up: default tolerances, every 2 hours --------
Times diurnal_times() {
  Times ts;
  for (int i = 1; i <= 12; ++i) ts.push_back(7200.0 * i);
  return ts;
}
const pr::DiurnalReference& diurnal_ref() {
  static const auto ref = pr::diurnal_reference(pr::diurnal_params(5, 5), diurnal_times());
  return ref;
}
template <class Alg>
void diurnal(Bound K) {
  const auto p = pr::diurnal_params(5, 5);
  const auto prob = sciml::ODEProblem(pr::diurnal, pr::diurnal_u0(p), {0.0, pr::diurnal_tf}, p);
  const auto& ref = diurnal_ref();
  ASSERT_LT(ref.agreement, 1e-6);
  const auto e = compare<Alg>(
      prob, sciml::SolveOptions{}, diurnal_times(), [&](std::size_t i) { return ref.u[i]; },
      [&](const auto& u, const auto& r) { return pr::diurnal_error(u, r, 1e-3); });
  report_and_check("diurnal", Alg::name(), e, K);
}

// ---- (d) Van der Pol, mu = 1e3, through its first fast jump ---------------------------------------------------
// Hairer & Wanner's scaling (Solving ODEs II, Sec. IV.1): y1' = y2, y2' = ((1 - y1^2) y2 - y1) / eps with
// eps = 1/mu^2 = 1e-6 (time in units of mu), y(0) = (2, -0.66); y1 drifts from 2 to ~1 and jumps to ~-2 at
// t ~ 0.81, within ~1e-3. Output every 0.05 up to t = 1.5.
inline constexpr auto vdp = [](const auto& u, const double& eps, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 2>{u[1], ((1 - u[0] * u[0]) * u[1] - u[0]) / eps};
};
Times vdp_times() {
  Times ts;
  for (int i = 1; i <= 30; ++i) ts.push_back(0.05 * i);
  return ts;
}
const std::vector<sciml::SVector<double, 2>>& vdp_reference() {
  static const auto ref = [] {
    sciml::SolveOptions o;
    o.reltol = 1e-12;
    o.abstol = 1e-12;
    o.saveat = vdp_times();
    o.tstops = vdp_times();
    return sciml::solve(sciml::ODEProblem(vdp, sciml::SVector{2.0, -0.66}, {0.0, 1.5}, 1e-6), sciml::RadauIIA5{}, o).u;
  }();
  return ref;
}
template <class Alg>
void vanderpol(Bound K, double tol) {
  const auto& ref = vdp_reference();
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol;
  const auto e = compare<Alg>(
      sciml::ODEProblem(vdp, sciml::SVector{2.0, -0.66}, {0.0, 1.5}, 1e-6), o, vdp_times(),
      [&](std::size_t i) { return ref[i]; }, [&](const auto& u, const auto& r) { return scaled_error(u, r, tol, tol); });
  report_and_check("VdP", Alg::name(), e, K);
}

// The four problems; the diurnal one at the default tolerances (the set-up), the others at `tol`
// (ROBER: reltol; abstol tol * 1e-6).
template <class Alg>
void suite(Bound K, double tol, Bound K_diurnal) {
  lotka_volterra<Alg>(K, tol);
  rober<Alg>(K, tol);
  diurnal<Alg>(K_diurnal);
  vanderpol<Alg>(K, tol);
}
template <class Alg>
void suite(Bound K, double tol) {
  suite<Alg>(K, tol, K);
}
}  // namespace

TEST(InterpolantVsStepping, References) {
  EXPECT_LT(diurnal_ref().agreement, 1e-6);
  // the others against a second method at the same tolerance: DP8 (Lotka-Volterra), Rodas5P (ROBER, VdP)
  sciml::SolveOptions o;
  o.reltol = 1e-14;
  o.abstol = 1e-14;
  o.saveat = lv_times();
  o.tstops = lv_times();
  auto l = sciml::solve(sciml::ODEProblem(pr::lotka_volterra, sciml::SVector{1.0, 1.0}, {0.0, 10.0}, lv_p),
                        sciml::DP8{}, o);
  ASSERT_EQ(l.u.size(), lv_times().size());
  for (std::size_t i = 0; i < l.u.size(); ++i) EXPECT_LT(scaled_error(l.u[i], lv_reference()[i], 1e-11, 1e-11), 1.0);
  o.reltol = 1e-12;
  o.abstol = 1e-16;
  o.saveat = rober_times();
  o.tstops = rober_times();
  auto r = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 40.0}, pr::rober_k),
                        sciml::Rodas5P{}, o);
  ASSERT_EQ(r.u.size(), rober_times().size());
  for (std::size_t i = 0; i < r.u.size(); ++i)
    EXPECT_LT(scaled_error(r.u[i], rober_reference(rober_times())[i], 1e-9, 1e-13), 1.0);
  o.abstol = 1e-12;
  o.saveat = vdp_times();
  o.tstops = vdp_times();
  auto v = sciml::solve(sciml::ODEProblem(vdp, sciml::SVector{2.0, -0.66}, {0.0, 1.5}, 1e-6), sciml::Rodas5P{}, o);
  ASSERT_EQ(v.u.size(), vdp_times().size());
  for (std::size_t i = 0; i < v.u.size(); ++i) EXPECT_LT(scaled_error(v.u[i], vdp_reference()[i], 1e-9, 1e-9), 1.0);
}

TEST(InterpolantVsStepping, ExplicitRK) {
  lotka_volterra<sciml::BS3>({20}, 1e-6);
  lotka_volterra<sciml::DP5>({20}, 1e-6);
  lotka_volterra<sciml::Tsit5>({20}, 1e-6);
  lotka_volterra<sciml::Vern6>({20}, 1e-8);
  lotka_volterra<sciml::Vern7>({20}, 1e-8);
  lotka_volterra<sciml::Vern8>({20}, 1e-8);
  lotka_volterra<sciml::Vern9>({20}, 1e-8);
  lotka_volterra<sciml::DP8>({20}, 1e-8);
}

constexpr const char* rosenbrock_known =
    "rosenbrock.hpp: the step size does not bound the dense output (no mid-step check as sdirk.hpp's)";

TEST(InterpolantVsStepping, Rosenbrock) {
  suite<sciml::Rosenbrock23>({20}, 1e-4);
  suite<sciml::Rodas4>({20}, 1e-6, {800, rosenbrock_known});   // measured 606
  suite<sciml::Rodas5P>({20}, 1e-6, {3e4, rosenbrock_known});  // measured 2.4e4
}

TEST(InterpolantVsStepping, SDIRK) {
  suite<sciml::ImplicitEuler>({20}, 1e-3);
  suite<sciml::TRBDF2>({20}, 1e-4);
  suite<sciml::KenCarp4>({20}, 1e-6);
  suite<sciml::Kvaerno5>({20}, 1e-6);
}

TEST(InterpolantVsStepping, RadauAndBDF) {
  suite<sciml::RadauIIA5>({20}, 1e-6);
  suite<sciml::FBDF<>>({20}, 1e-6);
}

TEST(InterpolantVsStepping, AutoSwitching) {
  suite<sciml::AutoTsit5<sciml::Rosenbrock23>>({20}, 1e-4);
  suite<sciml::AutoVern7<sciml::Rodas5P>>({20}, 1e-6, {400, rosenbrock_known});  // measured 241 (Rodas5P)
  suite<sciml::DefaultODEAlgorithm>({20}, 1e-6);
}
