// Regression (issue 14): dtmin was not enforced on accepted steps, and dtmin > dtmax, reltol = inf, a reltol
// below machine epsilon and an infinite abstol were accepted silently. Now: refused naming the argument, and a
// step size below dtmin ends the solve with DtLessThanMin.
#include <gtest/gtest.h>
#include <cmath>
#include <limits>
#include <vector>
#include <sciml/ode.hpp>
#include "common/expect_invalid.hpp"

using sciml::testing::expect_invalid;

namespace {
auto decay = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 1>{-u[0]}; };
// Van der Pol, mu = 1000: stiff, so Tsit5 needs steps far below 1e-3 on the slow manifold
auto vdp = [](const auto& u, const auto& mu, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 2>{u[1], mu * ((1 - u[0] * u[0]) * u[1] - u[0])};
};
}  // namespace

TEST(StepSizeOptions, RefusedCombinations) {
  const double inf = std::numeric_limits<double>::infinity();
  auto prob = sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 1.0});
  sciml::SolveOptions o;
  o.dtmin = 0.5;
  o.dtmax = 0.1;
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "dtmin");
  o = {};
  o.dtmin = inf;
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "dtmin");
  o = {};
  o.reltol = inf;
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "reltol");
  o.reltol = 1e-20;  // below double's epsilon: no step can meet it
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "reltol");
  o = {};
  o.abstol = inf;
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "abstol");
  o.abstol = {inf};
  expect_invalid([&] { sciml::solve(prob, sciml::Tsit5{}, o); }, "abstol");
  // float states: epsilon 1.2e-7
  auto fdecay = [](const auto& u, const auto&, auto) { return sciml::SVector<float, 1>{-u[0]}; };
  o = {};
  o.reltol = 1e-9;
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(fdecay, sciml::SVector{1.0f}, {0.0f, 1.0f}), sciml::Tsit5{}, o); },
                 "reltol");
  // a tiny abstol is legitimate (solutions of tiny magnitude): accepted
  o = {};
  o.abstol = 1e-30;
  EXPECT_EQ(sciml::solve(prob, sciml::Tsit5{}, o).retcode, sciml::ReturnCode::Success);
}

TEST(StepSizeOptions, DtminIsEnforcedOnAcceptedSteps) {
  sciml::SolveOptions o;
  o.dtmin = 1e-4;  // the initial transient needs smaller steps (measured: Tsit5 takes 5e-5 without dtmin)
  o.reltol = 1e-6;
  o.abstol = 1e-6;
  auto sol = sciml::solve(sciml::ODEProblem(vdp, sciml::SVector{2.0, 0.0}, {0.0, 3000.0}, 1000.0), sciml::Tsit5{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::DtLessThanMin) << sol.message;
  EXPECT_NE(sol.message.find("dtmin"), std::string::npos) << sol.message;
  EXPECT_NE(sol.message.find("stiff"), std::string::npos) << sol.message;  // explicit method: suggest a stiff one
  for (std::size_t i = 1; i + 1 < sol.t.size(); ++i)  // every step taken was at least dtmin (the last may be cut)
    EXPECT_GE(sol.t[i] - sol.t[i - 1], o.dtmin * (1 - 1e-12)) << "step " << i;
  ASSERT_GE(sol.t.size(), 2u);  // the partial solution is kept
}

TEST(StepSizeOptions, FirstStepRespectsDtmin) {
  sciml::SolveOptions o;  // default tolerances: Hairer's first guess is about 0.15 here
  auto free = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Tsit5{}, o);
  ASSERT_LT(free.t[1] - free.t[0], 0.2);
  o.dtmin = 0.2;
  auto sol = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Tsit5{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_GE(sol.t[1] - sol.t[0], 0.2 * (1 - 1e-12));
  EXPECT_NEAR(sol.u.back()[0], std::exp(-1.0), 1e-4);
}
