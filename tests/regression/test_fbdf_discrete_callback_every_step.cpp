// Regression (issue 14, found by the property suite): FBDF with a DiscreteCallback that fires after every step
// never grew its step (its history was restarted after every affect, even one that changed nothing, and the
// step only grows after order + 1 steps of one size): MaxIters. An affect that leaves u unchanged keeps the
// history; one that changes u still restarts it.
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <sciml/ode.hpp>

namespace {
auto decay = [](auto& du, const auto& u, const auto&, auto) { du[0] = -u[0]; };
}

TEST(FbdfDiscreteCallbackEveryStep, NoOpAffectKeepsTheHistory) {
  auto prob = sciml::ODEProblem(decay, std::vector<double>{1.0}, {0.0, 10.0});
  sciml::SolveOptions o;
  o.maxiters = 1000;
  o.reltol = 1e-6;
  o.abstol = 1e-9;
  const auto plain = sciml::solve(prob, sciml::FBDF{}, o);
  long affects = 0;
  auto cb = sciml::DiscreteCallback([](const auto&, auto, auto&) { return true; }, [&](auto&) { ++affects; });
  const auto sol = sciml::solve(prob, sciml::FBDF{}, o, cb);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_EQ(affects, sol.stats.naccept);
  EXPECT_LE(sol.stats.naccept, 2 * plain.stats.naccept);  // measured: the same as without the callback
  EXPECT_NEAR(sol.u.back()[0], std::exp(-10.0), 1e-6);
}

TEST(FbdfDiscreteCallbackEveryStep, ChangingUStillRestarts) {
  // u' = -u with u halved at every tstop: the history must restart there, or the solution is wrong
  auto prob = sciml::ODEProblem(decay, std::vector<double>{1.0}, {0.0, 4.0});
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-10;
  o.tstops = {1.0, 2.0, 3.0};
  auto cb = sciml::DiscreteCallback([](const auto&, auto t, auto&) { return t == 1.0 || t == 2.0 || t == 3.0; },
                                    [](auto& integ) { integ.u[0] *= 0.5; });
  const auto sol = sciml::solve(prob, sciml::FBDF{}, o, cb);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_NEAR(sol.u.back()[0], std::exp(-4.0) / 8.0, 1e-6);
}

TEST(FbdfDiscreteCallbackEveryStep, ChangingOnlyPStillReevaluatesF) {
  // u' = -p u, p doubled at t = 1 by an affect that leaves u alone: u(2) = e^-1 e^-2
  auto f = [](auto& du, const auto& u, const auto& p, auto) { du[0] = -p[0] * u[0]; };
  auto prob = sciml::ODEProblem(f, std::vector<double>{1.0}, {0.0, 2.0}, std::vector<double>{1.0});
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-10;
  o.tstops = {1.0};
  auto cb = sciml::DiscreteCallback([](const auto&, auto t, auto&) { return t == 1.0; },
                                    [](auto& integ) { integ.p[0] = 2.0; });
  for (auto&& sol : {sciml::solve(prob, sciml::FBDF{}, o, cb)}) {
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    EXPECT_NEAR(sol.u.back()[0], std::exp(-3.0), 1e-6);
  }
  const auto tsit = sciml::solve(prob, sciml::Tsit5{}, o, cb);
  EXPECT_NEAR(tsit.u.back()[0], std::exp(-3.0), 1e-6);
}
