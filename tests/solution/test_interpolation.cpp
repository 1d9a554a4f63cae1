// Dense output: each method's own interpolant (or cubic Hermite) converges at min(order, interp order + 1)
// between the steps; sol(t) reproduces the saved points; linear interpolation when dense output is off.
#include <gtest/gtest.h>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"

namespace {
using LD = long double;

template <class Alg>
void check_interpolation_order(int expected) {
  const LD ecc = 0.1L, tf = 2.0L;
  auto prob = sciml::ODEProblem(sciml::problems::kepler, sciml::problems::kepler_exact<LD>(ecc, 0.0L), {0.0L, tf});
  auto error_of = [&](int n) {  // max error of sol(t) between the step points
    sciml::SolveOptions o;
    o.adaptive = false;
    o.dt = double(tf / n);
    auto sol = sciml::solve(prob, Alg{}, o);
    EXPECT_TRUE(sol.dense);
    double err = 0;
    for (int i = 0; i < n; ++i)
      for (LD theta : {0.3L, 0.5L, 0.85L}) {
        const LD t = (LD(i) + theta) * tf / n;
        const auto u = sol(t);
        const auto ex = sciml::problems::kepler_exact<LD>(ecc, t);
        for (int m = 0; m < 4; ++m) err = std::max(err, double(std::abs(u[m] - ex[m])));
      }
    return err;
  };
  const auto fit = sciml::testing::asymptotic_slope(error_of, double(tf), expected, 4, 1 << 16);
  ASSERT_GE(fit.dts.size(), 2u) << Alg::name();
  std::printf("  %-8s interpolation: expected %d, measured %.2f over errors %.1e .. %.1e\n", Alg::name(), expected,
              fit.slope, fit.errs.front(), fit.errs.back());
  EXPECT_GE(fit.slope, expected - 0.3) << Alg::name();
  EXPECT_LE(fit.slope, expected + (expected <= 5 ? 0.3 : 1.7)) << Alg::name();
}
}  // namespace

TEST(Interpolation, HermiteFallback) {
  check_interpolation_order<sciml::Midpoint>(2);
  check_interpolation_order<sciml::BS3>(3);
  check_interpolation_order<sciml::RK4>(4);
}
TEST(Interpolation, DP5) { check_interpolation_order<sciml::DP5>(5); }
TEST(Interpolation, Tsit5) { check_interpolation_order<sciml::Tsit5>(5); }
TEST(Interpolation, Vern6) { check_interpolation_order<sciml::Vern6>(6); }
TEST(Interpolation, Vern7) { check_interpolation_order<sciml::Vern7>(7); }
TEST(Interpolation, Vern8) { check_interpolation_order<sciml::Vern8>(8); }
TEST(Interpolation, Vern9) { check_interpolation_order<sciml::Vern9>(9); }
TEST(Interpolation, DP8) { check_interpolation_order<sciml::DP8>(8); }

TEST(Interpolation, ReproducesSavedPointsAndRejectsOutside) {
  auto prob = sciml::ODEProblem(sciml::problems::lotka_volterra, sciml::SVector{1.0, 1.0}, {0.0, 10.0},
                                std::array{1.5, 1.0, 3.0, 1.0});
  auto sol = sciml::solve(prob, sciml::Vern7{}, {});
  ASSERT_TRUE(sol.dense);
  for (std::size_t i = 0; i < sol.t.size(); ++i) {
    const auto u = sol(sol.t[i]);
    EXPECT_NEAR(u[0], sol.u[i][0], 1e-12 * (1 + std::abs(sol.u[i][0])));
    EXPECT_NEAR(u[1], sol.u[i][1], 1e-12 * (1 + std::abs(sol.u[i][1])));
  }
  EXPECT_THROW(sol(10.5), std::out_of_range);
  EXPECT_THROW(sol(-1.0), std::out_of_range);
}

TEST(Interpolation, LinearWhenNotDense) {
  auto f = [](const auto& u, const auto&, auto) { return sciml::SVector{2.0 + 0 * u[0]}; };  // u = 2t
  sciml::SolveOptions o;
  o.saveat = 0.5;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{0.0}, {0.0, 2.0}), sciml::Tsit5{}, o);
  ASSERT_FALSE(sol.dense);
  ASSERT_EQ(sol.t.size(), 5u);
  EXPECT_NEAR(sol(0.75)[0], 1.5, 1e-12);
}
