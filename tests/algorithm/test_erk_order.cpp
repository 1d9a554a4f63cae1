// Empirical order of every explicit RK method: fixed steps on the Kepler problem (nonlinear, exact solution),
// solved in long double (the step is generic over the scalar) so roundoff stays out of the way. The slope of
// log(error) vs log(dt) is taken over the last dt-halvings before the error reaches the floor set by the
// double-precision coefficients. Low-order methods must match their order within 0.3. The 6th-9th order
// Verner/DP8 pairs have tiny principal error terms and reach that floor while still pre-asymptotic
// (Vern6 shows ~7.2 here), so for them the slope must be at least order - 0.3; their exact orders (+-0.3) are
// checked in 50-digit arithmetic by tools/check_erk_tableau.py, which ctest also runs.
#include <gtest/gtest.h>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"

namespace {

using LD = long double;

template <class Alg>
double fixed_step_error(int n, LD ecc, LD tf) {
  auto prob = sciml::ODEProblem(sciml::problems::kepler, sciml::problems::kepler_exact<LD>(ecc, 0.0L), {0.0L, tf});
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = double(tf / n);
  o.save_everystep = false;
  o.maxiters = 10'000'000;
  auto sol = sciml::solve(prob, Alg{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
  EXPECT_EQ(sol.stats.naccept, n);
  const auto exact = sciml::problems::kepler_exact<LD>(ecc, tf);
  double err = 0;
  for (int i = 0; i < 4; ++i) err = std::max(err, double(std::abs(sol.u.back()[i] - exact[i])));
  return err;
}

template <class Alg>
void check_order() {
  const LD ecc = 0.1L, tf = 2.0L;
  const double p = Alg::order;
  const auto fit = sciml::testing::asymptotic_slope([&](int n) { return fixed_step_error<Alg>(n, ecc, tf); },
                                                    double(tf), p);
  ASSERT_GE(fit.dts.size(), 2u) << Alg::name();
  if (p <= 5) {
    EXPECT_NEAR(fit.slope, p, 0.3) << Alg::name();
  } else {
    EXPECT_GE(fit.slope, p - 0.3) << Alg::name();
    EXPECT_LE(fit.slope, p + 1.7) << Alg::name();
  }
  std::printf("  %-8s order %d: measured %.2f over errors %.1e .. %.1e\n", Alg::name(), Alg::order, fit.slope,
              fit.errs.front(), fit.errs.back());
}

}  // namespace

TEST(ERKOrder, Euler) { check_order<sciml::Euler>(); }
TEST(ERKOrder, Midpoint) { check_order<sciml::Midpoint>(); }
TEST(ERKOrder, RK4) { check_order<sciml::RK4>(); }
TEST(ERKOrder, BS3) { check_order<sciml::BS3>(); }
TEST(ERKOrder, DP5) { check_order<sciml::DP5>(); }
TEST(ERKOrder, Tsit5) { check_order<sciml::Tsit5>(); }
TEST(ERKOrder, Vern6) { check_order<sciml::Vern6>(); }
TEST(ERKOrder, Vern7) { check_order<sciml::Vern7>(); }
TEST(ERKOrder, Vern8) { check_order<sciml::Vern8>(); }
TEST(ERKOrder, Vern9) { check_order<sciml::Vern9>(); }
TEST(ERKOrder, DP8) { check_order<sciml::DP8>(); }

// Row sums of the coefficients the step runs are consistent in double (see detail::fit_row_sums).
template <class Tab>
void check_fitted_rows() {
  const auto& a = sciml::detail::fitted_a<Tab>;
  for (int i = 1; i < Tab::total; ++i) {
    long double s = 0;
    for (int j = 0; j < i; ++j) s += (long double)a[i * (i - 1) / 2 + j];
    EXPECT_NEAR(double(s - (long double)Tab::c[i]), 0.0, 2.5e-16) << Tab::name << " row " << i;
    // the fit only moves entries by rounding-level amounts
    for (int j = 0; j < i; ++j)
      EXPECT_NEAR(a[i * (i - 1) / 2 + j], Tab::a[i * (i - 1) / 2 + j], 1e-13) << Tab::name << " row " << i;
  }
}
TEST(ERKTableau, FittedRowSums) {
  check_fitted_rows<sciml::tableau::Tsit5Tableau>();
  check_fitted_rows<sciml::tableau::DP5Tableau>();
  check_fitted_rows<sciml::tableau::Vern6Tableau>();
  check_fitted_rows<sciml::tableau::Vern7Tableau>();
  check_fitted_rows<sciml::tableau::Vern8Tableau>();
  check_fitted_rows<sciml::tableau::Vern9Tableau>();
  check_fitted_rows<sciml::tableau::DP8Tableau>();
}

// Adaptive stepping: tightening the tolerance by 10^3 must shrink the actual error, and the error must stay
// within a modest factor of the tolerance.
template <class Alg>
void check_tolerance_proportionality() {
  const double e = 0.5, tf = 6.0;
  const auto exact = sciml::problems::kepler_exact(e, tf);
  auto prob = sciml::ODEProblem(sciml::problems::kepler, sciml::problems::kepler_exact(e, 0.0), {0.0, tf});
  double prev = 1e300;
  for (double tol : {1e-5, 1e-8, 1e-11}) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol;
    o.save_everystep = false;
    auto sol = sciml::solve(prob, Alg{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << Alg::name();
    double err = 0;
    for (int i = 0; i < 4; ++i) err = std::max(err, std::abs(sol.u.back()[i] - exact[i]));
    EXPECT_LT(err, prev) << Alg::name() << " tol " << tol;
    EXPECT_LT(err, 2000 * tol) << Alg::name() << " tol " << tol;
    prev = err;
  }
}
TEST(ERKAdaptive, ErrorFallsWithTolerance) {
  check_tolerance_proportionality<sciml::BS3>();
  check_tolerance_proportionality<sciml::RK4>();
  check_tolerance_proportionality<sciml::DP5>();
  check_tolerance_proportionality<sciml::Tsit5>();
  check_tolerance_proportionality<sciml::Vern6>();
  check_tolerance_proportionality<sciml::Vern7>();
  check_tolerance_proportionality<sciml::Vern8>();
  check_tolerance_proportionality<sciml::Vern9>();
  check_tolerance_proportionality<sciml::DP8>();
}
