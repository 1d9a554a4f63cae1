// Rosenbrock23: second-order convergence (fixed steps), ROBER and HIRES against their reference values,
// exact conservation of ROBER's linear invariant, a stiff problem an explicit method cannot afford, the
// dense output, and the implicit-method counters.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"

namespace {
auto rober = [](const auto& u, const auto& k, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
                              k[2] * u[1] * u[1]};
};
constexpr std::array<double, 3> rober_k{0.04, 1e4, 3e7};
constexpr std::array<double, 3> rober_ref{1.786592114e-02, 7.274751468e-08, 9.821340061e-01};  // y(1e5)

auto hires = [](const auto& y, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(y[0])>;
  return sciml::SVector<S, 8>{
      -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
      -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
      -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6], -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
      280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]};
};
constexpr std::array<double, 8> hires_ref{0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                                          0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2,
                                          0.2849998395185769e-2, 0.2850001604814231e-2};
}  // namespace

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
