// Rosenbrock23: second-order convergence (fixed steps), ROBER and HIRES against their reference values,
// exact conservation of ROBER's linear invariant, a stiff problem an explicit method cannot afford, the
// dense output, and the implicit-method counters.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"

using sciml::problems::hires;
using sciml::problems::hires_ref;
using sciml::problems::rober;
using sciml::problems::rober_k;
using sciml::problems::rober_ref;

TEST(Rosenbrock23, SecondOrder) {
  const double e = 0.1, tf = 2.0;
  auto prob = sciml::ODEProblem(sciml::problems::kepler, sciml::problems::kepler_exact(e, 0.0), {0.0, tf});
  auto error_of = [&](int n) {
    sciml::SolveOptions o;
    o.adaptive = false;
    o.dt = tf / n;
    o.save_everystep = false;
    auto sol = sciml::solve(prob, sciml::Rosenbrock23{}, o);
    const auto ex = sciml::problems::kepler_exact(e, tf);
    double err = 0;
    for (int i = 0; i < 4; ++i) err = std::max(err, std::abs(sol.u.back()[i] - ex[i]));
    return err;
  };
  const auto fit = sciml::testing::asymptotic_slope(error_of, tf, 2.0, 16, 1 << 14);
  ASSERT_GE(fit.dts.size(), 2u);
  EXPECT_NEAR(fit.slope, 2.0, 0.3);
}

TEST(Rosenbrock23, RoberReferenceAndConservation) {
  auto prob = sciml::ODEProblem(rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, rober_k);
  double prev = 1e300;
  for (double tol : {1e-4, 1e-6, 1e-8}) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol * 1e-4;  // y2 is ~1e-5 at most
    auto sol = sciml::solve(prob, sciml::Rosenbrock23{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    const auto& y = sol.u.back();
    double err = 0;
    for (int i = 0; i < 3; ++i) err = std::max(err, std::abs(y[i] - rober_ref[i]) / rober_ref[i]);
    // an order-2 method controlled per step: the global error scales like tol^(2/3)
    EXPECT_LT(err, 10 * std::pow(tol, 2.0 / 3.0)) << tol;
    EXPECT_LT(err, prev);
    prev = err;
    for (const auto& u : sol.u) EXPECT_NEAR(u[0] + u[1] + u[2], 1.0, 1e-12);  // linear invariant, to roundoff
    EXPECT_GT(sol.stats.njac, 0);
    EXPECT_EQ(sol.stats.nsolve, 3 * sol.stats.nsteps);
    EXPECT_LT(sol.stats.naccept, 20000);
  }
}

TEST(Rosenbrock23, HiresReference) {
  auto prob = sciml::ODEProblem(hires, sciml::SVector<double, 8>{1, 0, 0, 0, 0, 0, 0, 0.0057}, {0.0, 321.8122});
  sciml::SolveOptions o;
  o.reltol = 1e-7;
  o.abstol = 1e-10;
  o.save_everystep = false;
  auto sol = sciml::solve(prob, sciml::Rosenbrock23{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  double num = 0, den = 0;
  for (int i = 0; i < 8; ++i) {
    num += std::pow(sol.u.back()[i] - hires_ref[i], 2);
    den += hires_ref[i] * hires_ref[i];
  }
  EXPECT_LT(std::sqrt(num / den), 1e-4);
}

TEST(Rosenbrock23, StiffWhereExplicitMethodsStall) {
  auto prob = sciml::ODEProblem(rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, rober_k);
  sciml::SolveOptions o;
  o.maxiters = 20000;
  o.save_everystep = false;
  auto explicit_sol = sciml::solve(prob, sciml::Tsit5{}, o);
  EXPECT_EQ(explicit_sol.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_NE(explicit_sol.message.find("stiff"), std::string::npos);
  auto implicit_sol = sciml::solve(prob, sciml::Rosenbrock23{}, o);
  EXPECT_EQ(implicit_sol.retcode, sciml::ReturnCode::Success);
  EXPECT_LT(implicit_sol.stats.naccept, 1000);
}

TEST(Rosenbrock23, DenseOutput) {
  // u' = -u + sin t (non-autonomous: the time derivative enters W's right-hand side); the free interpolant adds
  // no error beyond the solution's own between the steps
  auto f = [](const auto& u, const auto&, auto t) {
    using std::sin;
    using S = std::remove_cvref_t<decltype(u[0] * t)>;
    return sciml::SVector<S, 1>{-u[0] + sin(t)};
  };
  auto exact = [](double t) { return 1.5 * std::exp(-t) + (std::sin(t) - std::cos(t)) / 2; };
  double prev = 1e300;
  for (double tol : {1e-4, 1e-6, 1e-8}) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol;
    auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 3.0}), sciml::Rosenbrock23{}, o);
    ASSERT_TRUE(sol.dense);
    double at_steps = 0, between = 0;
    for (std::size_t i = 0; i < sol.t.size(); ++i) at_steps = std::max(at_steps, std::abs(sol.u[i][0] - exact(sol.t[i])));
    for (double t = 0.05; t < 3.0; t += 0.1) between = std::max(between, std::abs(sol(t)[0] - exact(t)));
    EXPECT_LT(between, 2 * at_steps + 1e-12) << tol;
    EXPECT_LT(at_steps, 10 * std::pow(tol, 2.0 / 3.0)) << tol;
    EXPECT_LT(at_steps, prev);
    prev = at_steps;
  }
}
