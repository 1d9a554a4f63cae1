// Regression (issue 14): on std::vector states an out-of-place f returning the wrong length, or an in-place f
// resizing du, overflowed the heap in the step's loops; it is refused with std::invalid_argument naming f.
#include <gtest/gtest.h>
#include <cmath>
#include <type_traits>
#include <vector>
#include <sciml/ode.hpp>
#include "common/expect_invalid.hpp"

using sciml::testing::expect_invalid;

TEST(RhsWrongLength, OutOfPlaceReturningTooFewOrTooMany) {
  auto short_f = [](const auto& u, const auto&, auto) { return std::remove_cvref_t<decltype(u)>(1, -u[0]); };
  auto long_f = [](const auto& u, const auto&, auto) { return std::remove_cvref_t<decltype(u)>(7, -u[0]); };
  const std::vector<double> u0{1.0, 2.0, 3.0};
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(short_f, u0, {0.0, 1.0}, 0.0), sciml::Tsit5{}); }, "f(u, p, t)");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(long_f, u0, {0.0, 1.0}, 0.0), sciml::Tsit5{}); }, "f(u, p, t)");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(short_f, u0, {0.0, 1.0}, 0.0), sciml::Rodas5P{}); }, "f(u, p, t)");
}

TEST(RhsWrongLength, InPlaceResizingDu) {
  auto grow = [](auto& du, const auto& u, const auto&, auto) {
    du.resize(u.size() + 5);
    for (auto& x : du) x = -1.0 + 0.0 * u[0];
  };
  auto shrink = [](auto& du, const auto& u, const auto&, auto) {
    du.resize(1);
    du[0] = -u[0];
  };
  const std::vector<double> u0{1.0, 2.0};
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(grow, u0, {0.0, 1.0}, 0.0), sciml::Tsit5{}); }, "resized du");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(shrink, u0, {0.0, 1.0}, 0.0), sciml::Tsit5{}); }, "resized du");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(grow, u0, {0.0, 1.0}, 0.0), sciml::FBDF{}); }, "resized du");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(shrink, u0, {0.0, 1.0}, 0.0), sciml::FBDF{}); }, "resized du");
}

TEST(RhsWrongLength, CorrectLengthStillSolves) {
  auto f = [](const auto& u, const auto&, auto) { return std::remove_cvref_t<decltype(u)>{-u[0], -2 * u[1]}; };
  auto sol = sciml::solve(sciml::ODEProblem(f, std::vector<double>{1.0, 1.0}, {0.0, 1.0}, 0.0), sciml::Tsit5{});
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  EXPECT_NEAR(sol.u.back()[1], std::exp(-2.0), 1e-5);
}
