// Regression (issue 14): sol(t) on a solution that holds no step (tspan of zero length, an InitialFailure)
// dereferenced an empty dense-output array; it must give the saved point, or refuse a time outside it.
#include <gtest/gtest.h>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>
#include <sciml/ode.hpp>

namespace {
auto decay = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 2>{-u[0], -2 * u[1]}; };
}

TEST(InterpolateWithoutSteps, ZeroLengthTspanGivesTheInitialState) {
  auto sol = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0, 3.0}, {1.0, 1.0}), sciml::Tsit5{});
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  ASSERT_TRUE(sol.dense);  // the default asks for dense output, but no step was stored
  const auto u = sol(1.0);
  EXPECT_EQ(u[0], 1.0);
  EXPECT_EQ(u[1], 3.0);
  EXPECT_THROW(sol(1.5), std::out_of_range);
}

TEST(InterpolateWithoutSteps, InitialFailureKeepsItsPointAndRefusesOthers) {
  auto nan_rhs = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 1>{std::numeric_limits<double>::quiet_NaN() * u[0]};
  };
  auto sol = sciml::solve(sciml::ODEProblem(nan_rhs, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Rodas5P{});
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::InitialFailure);
  EXPECT_EQ(sol(0.0)[0], 1.0);
  EXPECT_THROW(sol(0.5), std::out_of_range);
}

TEST(InterpolateWithoutSteps, DynamicStateAndNothingSaved) {
  auto g = [](auto& du, const auto& u, const auto&, auto) { du[0] = -u[0]; };
  sciml::SolveOptions o;
  o.save_start = false;
  o.save_end = false;
  o.save_everystep = false;
  o.dense = false;
  auto sol = sciml::solve(sciml::ODEProblem(g, std::vector<double>{1.0}, {0.0, 0.0}), sciml::Tsit5{}, o);
  EXPECT_TRUE(sol.t.empty());
  EXPECT_THROW(sol(0.0), std::logic_error);  // a clear error, not a read of memory that is not there
}
