// RadauIIA5 (RADAU5's design): convergence order 5 with fixed steps, ROBER and HIRES against their references
// at tolerances 1e-4..1e-10, the collocation dense output, the same answer on dynamic states (Eigen real and
// complex LUs) as on SVector states (SmallLU), and the constants' 50-digit check (ctest: radau_tableau).
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/problems.hpp"
#include "common/stiff_checks.hpp"

namespace pr = sciml::problems;

// from dt = 1/16: at larger fixed steps Newton cannot reach the 1e-17 tolerance from a cold start
TEST(Radau, Order) { sciml::testing::check_order<sciml::RadauIIA5>(0.3, 32); }
TEST(Radau, StiffReferences) { sciml::testing::check_stiff_references<sciml::RadauIIA5>(); }

TEST(Radau, DenseOutput) { sciml::testing::check_dense_output<sciml::RadauIIA5>(); }

#ifdef SCIML_HAVE_EIGEN
TEST(Radau, DynamicStatesMatchFixedSize) {
  auto hires_inplace = [](auto& du, const auto& y, const auto& p, auto t) {
    const auto v = pr::hires(y, p, t);
    for (std::size_t i = 0; i < 8; ++i) du[i] = v[i];
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  const sciml::SVector<double, 8> u0{1, 0, 0, 0, 0, 0, 0, 0.0057};
  auto fixed = sciml::solve(sciml::ODEProblem(pr::hires, u0, {0.0, 321.8122}), sciml::RadauIIA5{}, o);
  auto dyn = sciml::solve(sciml::ODEProblem(hires_inplace, std::vector<double>(u0.begin(), u0.end()), {0.0, 321.8122}),
                          sciml::RadauIIA5{}, o);
  ASSERT_EQ(dyn.retcode, sciml::ReturnCode::Success) << dyn.message;
  EXPECT_NEAR(double(dyn.stats.naccept), double(fixed.stats.naccept), 2.0);
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(dyn.u.back()[i], fixed.u.back()[i], 1e-9 * (1e-4 + std::abs(fixed.u.back()[i])));
}
#endif
