// Regression (issue 14): a NaN produced by f mid-solve was reported as "looks stiff, try Rodas5P", even to
// Rodas5P users; a sliding-mode chatter reaching maxiters gave the same stiffness hint. Now the message says
// what happened and suggests a stiff method only to users of an explicit one.
#include <gtest/gtest.h>
#include <cmath>
#include <string>
#include <sciml/ode.hpp>

namespace {
// sqrt(1 - t) is NaN after t = 1
auto nan_after_one = [](const auto& u, const auto&, auto t) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  using std::sqrt;
  return sciml::SVector<S, 1>{-u[0] + sqrt(1.0 - t)};
};
bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

template <class Alg>
void check_nan_message(Alg alg, bool explicit_method) {
  auto sol = sciml::solve(sciml::ODEProblem(nan_after_one, sciml::SVector{1.0}, {0.0, 2.0}), alg);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Unstable) << sol.message;
  EXPECT_TRUE(has(sol.message, "f(u, p, t) returned NaN")) << sol.message;
  EXPECT_FALSE(has(sol.message, "looks stiff")) << sol.message;
  if (!explicit_method) {
    EXPECT_FALSE(has(sol.message, "Rodas5P")) << sol.message;
  }
  ASSERT_FALSE(sol.t.empty());
  EXPECT_LE(sol.t.back(), 1.0 + 1e-9);  // the partial solution stops where f stopped being finite
  EXPECT_GT(sol.t.back(), 0.9);
}
}  // namespace

TEST(FailureMessages, NanFromFIsNamed) {
  check_nan_message(sciml::Tsit5{}, true);
  check_nan_message(sciml::Vern9{}, true);
  check_nan_message(sciml::Rodas5P{}, false);
  check_nan_message(sciml::KenCarp4{}, false);
  check_nan_message(sciml::FBDF{}, false);
}

TEST(FailureMessages, MaxitersSuggestsStiffMethodsOnlyToExplicitOnes) {
  auto vdp = [](const auto& u, const auto& mu, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 2>{u[1], mu * ((1 - u[0] * u[0]) * u[1] - u[0])};
  };
  sciml::SolveOptions o;
  o.maxiters = 200;
  auto a = sciml::solve(sciml::ODEProblem(vdp, sciml::SVector{2.0, 0.0}, {0.0, 3000.0}, 1000.0), sciml::Tsit5{}, o);
  EXPECT_EQ(a.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_TRUE(has(a.message, "stiff")) << a.message;
  o.maxiters = 20;
  auto b = sciml::solve(sciml::ODEProblem(vdp, sciml::SVector{2.0, 0.0}, {0.0, 3000.0}, 1000.0), sciml::Rodas5P{}, o);
  EXPECT_EQ(b.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_FALSE(has(b.message, "Rodas5P")) << b.message;
}

// u' = -sign(u): both sides push onto u = 0 (sliding mode); explicit and Rosenbrock steps settle into a period-2
// cycle across u = 0 until maxiters. The message names the chattering instead of only suggesting a stiff method.
TEST(FailureMessages, ChatteringIsNamed) {
  auto f = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 2>{(sciml::value_of(u[0]) > 0 ? S(-1.0) : S(1.0)) + 0.0 * u[0], -u[1]};
  };
  sciml::SolveOptions o;
  o.maxiters = 20000;
  auto prob = sciml::ODEProblem(f, sciml::SVector{1.0, 1.0}, {0.0, 10.0});
  auto a = sciml::solve(prob, sciml::Tsit5{}, o);
  EXPECT_EQ(a.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_TRUE(has(a.message, "chattering")) << a.message;
  EXPECT_NEAR(a.u.back()[0], 0.0, 1e-4);  // stuck on the switching surface
  auto b = sciml::solve(prob, sciml::Rodas5P{}, o);
  EXPECT_EQ(b.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_TRUE(has(b.message, "chattering")) << b.message;
  EXPECT_FALSE(has(b.message, "try Rodas5P")) << b.message;
}
