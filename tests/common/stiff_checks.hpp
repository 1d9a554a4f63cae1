// Checks shared by the stiff method families' tests: the convergence order with fixed steps (Kepler in long
// double), and ROBER and HIRES against their references over a range of tolerances, with ROBER's linear
// invariant u1 + u2 + u3 = 1.
#pragma once
#include <gtest/gtest.h>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <sciml/ode.hpp>
#include "order.hpp"
#include "problems.hpp"

namespace sciml::testing {

namespace pr = sciml::problems;

template <class Alg>
void check_order(double tol = 0.3, int n0 = 8, int nmax = 1 << 13) {
  using LD = long double;  // roundoff out of the way, as for the explicit methods
  const LD e = 0.1L, tf = 2.0L;
  auto prob = sciml::ODEProblem(pr::kepler, pr::kepler_exact<LD>(e, 0.0L), {0.0L, tf});
  auto error_of = [&](int n) {
    sciml::SolveOptions o;
    o.adaptive = false;
    o.dt = double(tf / n);
    o.save_everystep = false;
    o.maxiters = 10'000'000;
    o.reltol = 1e-17;  // implicit methods: Newton converged to roundoff
    o.abstol = 1e-17;
    auto sol = sciml::solve(prob, Alg{}, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    const auto ex = pr::kepler_exact<LD>(e, tf);
    double err = 0;
    for (int i = 0; i < 4; ++i) err = std::max(err, double(std::abs(sol.u.back()[i] - ex[i])));
    return err;
  };
  // the tableaus' 16-17 digit coefficients satisfy the order conditions to ~1e-15: fit above 1e-13
  const auto fit = sciml::testing::asymptotic_slope(error_of, double(tf), Alg::order, n0, nmax, 1e-13);
  ASSERT_GE(fit.dts.size(), 2u) << Alg::name();
  std::printf("  %s: measured order %.2f\n", Alg::name(), fit.slope);
  EXPECT_NEAR(fit.slope, Alg::order, tol) << Alg::name();
}
template <class Alg>
void check_stiff_references(std::initializer_list<double> tols = {1e-4, 1e-6, 1e-8, 1e-10}, double factor = 1000) {
  auto rober = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  auto hires = sciml::ODEProblem(pr::hires, sciml::SVector<double, 8>{1, 0, 0, 0, 0, 0, 0, 0.0057}, {0.0, 321.8122});
  double prev_r = 1e300, prev_h = 1e300;
  for (double tol : tols) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol * 1e-4;
    auto sol = sciml::solve(rober, Alg{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    double err = 0;
    for (int i = 0; i < 3; ++i) err = std::max(err, std::abs(sol.u.back()[i] - pr::rober_ref[i]) / pr::rober_ref[i]);
    for (const auto& u : sol.u) EXPECT_NEAR(u[0] + u[1] + u[2], 1.0, 1e-12);
    EXPECT_LT(err, std::max(factor * tol, 2e-9)) << Alg::name() << " ROBER tol " << tol;  // ref good to ~1e-10
    if (tol > 1e-9) {
      EXPECT_LT(err, prev_r) << Alg::name() << " ROBER tol " << tol;
    }
    prev_r = err;
    o.save_everystep = false;
    auto hs = sciml::solve(hires, Alg{}, o);
    ASSERT_EQ(hs.retcode, sciml::ReturnCode::Success) << hs.message;
    double num = 0, den = 0;
    for (int i = 0; i < 8; ++i) {
      num += std::pow(hs.u.back()[i] - pr::hires_ref[i], 2);
      den += pr::hires_ref[i] * pr::hires_ref[i];
    }
    const double herr = std::sqrt(num / den);
    EXPECT_LT(herr, factor * tol) << Alg::name() << " HIRES tol " << tol;
    EXPECT_LT(herr, prev_h) << Alg::name() << " HIRES tol " << tol;
    prev_h = herr;
    std::printf("  %s tol %.0e: ROBER err %.1e (%ld steps, %ld jac), HIRES err %.1e (%ld steps)\n", Alg::name(), tol,
                err, sol.stats.naccept, sol.stats.njac, herr, hs.stats.naccept);
  }
}
// Dense output on u' = -50 (u - sin t), u(0) = 0 (a fast transient, then u follows sin t): at the steps and
// between them, against the exact solution.
template <class Alg>
void check_dense_output() {
  auto f = [](const auto& u, const auto&, auto t) {
    using std::sin;
    using S = std::remove_cvref_t<decltype(u[0] * t)>;
    return sciml::SVector<S, 1>{-50.0 * (u[0] - sin(t))};
  };
  auto exact = [](double t) {
    const double a = 50.0;
    return a * (a * std::sin(t) - std::cos(t) + std::exp(-a * t)) / (a * a + 1);
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{0.0}, {0.0, 5.0}), Alg{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  ASSERT_TRUE(sol.dense);
  double at_steps = 0, between = 0;
  for (std::size_t i = 0; i < sol.t.size(); ++i) at_steps = std::max(at_steps, std::abs(sol.u[i][0] - exact(sol.t[i])));
  for (double t = 0.013; t < 5.0; t += 0.05) between = std::max(between, std::abs(sol(t)[0] - exact(t)));
  EXPECT_LT(at_steps, 1e-6) << Alg::name();
  EXPECT_LT(between, 1e-5) << Alg::name();
}

// ROBER on std::vector (Eigen LU) against SVector (in-register LU): the same steps (within `slack`) and answer.
template <class Alg>
void check_dynamic_matches_fixed(double reltol, double abstol, double slack, double rel) {
  sciml::SolveOptions o;
  o.reltol = reltol;
  o.abstol = abstol;
  o.save_everystep = false;
  auto fixed = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                            Alg{}, o);
  auto dyn = sciml::solve(sciml::ODEProblem(pr::rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          Alg{}, o);
  ASSERT_EQ(dyn.retcode, sciml::ReturnCode::Success) << dyn.message;
  EXPECT_NEAR(double(dyn.stats.naccept), double(fixed.stats.naccept), slack) << Alg::name();
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(dyn.u.back()[i], fixed.u.back()[i], rel * (1e-6 + fixed.u.back()[i]));
}

}  // namespace sciml::testing
