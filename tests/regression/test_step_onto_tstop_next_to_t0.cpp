// Regression (issue 14, found by the property suite): a tstop a hair after t0 forces a first step of that
// length. SDIRK methods wrote out of bounds when h gamma underflowed to 0 (tstop 5e-324: the Newton cache took
// gamma h = 0 for "already factored" and solved with an LU never computed); Rodas4/5P, FBDF and RadauIIA5
// failed (1 / h overflowed, or the next step extrapolated over (h_next / h)^3 = Inf) with a wrong diagnosis.
// A step that changes no component of u beyond its rounding now moves t onto the tstop without a method step.
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <sciml/ode.hpp>

namespace {
auto decay = [](const auto& u, const auto&, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 1>{-u[0]};
};
auto decay_inplace = [](auto& du, const auto& u, const auto&, auto) { du[0] = -u[0]; };

template <class Alg, class Prob>
void expect_decay_solved(const Prob& prob, double tstop) {
  const double t0 = prob.tspan[0], tf = prob.tspan[1];
  sciml::SolveOptions o;
  o.tstops = {tstop};
  o.reltol = 1e-6;
  o.abstol = 1e-8;
  long fired = 0;
  auto at_tstop = sciml::DiscreteCallback([&](const auto&, auto t, auto&) { return t == tstop; },
                                          [&](auto&) { ++fired; });
  auto sol = sciml::solve(prob, Alg{}, o, at_tstop);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << Alg::name() << ": " << sol.message;
  EXPECT_NEAR(sol.u.back()[0], std::exp(-(tf - t0)), 1e-5) << Alg::name();
  EXPECT_EQ(fired, 1) << Alg::name() << ": the callback at the tstop";
  EXPECT_EQ(sol.t[1], tstop) << Alg::name() << " did not step onto the tstop";
  // the dense output covers [t0, tf], the tiny first interval included
  EXPECT_DOUBLE_EQ(sol(t0)[0], 1.0) << Alg::name();
  EXPECT_NEAR(sol(tstop)[0], 1.0, 1e-12) << Alg::name();
  EXPECT_NEAR(sol(0.5 * (t0 + tf))[0], std::exp(-0.5 * (tf - t0)), 1e-4) << Alg::name();
}
}  // namespace

TEST(StepOntoTstopNextToT0, SdirkWithSubnormalStep) {
  auto prob = sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 2.0});
  expect_decay_solved<sciml::TRBDF2>(prob, 5e-324);  // gamma * 5e-324 underflows to 0
  expect_decay_solved<sciml::Kvaerno5>(prob, 5e-324);
  expect_decay_solved<sciml::KenCarp4>(sciml::ODEProblem(decay_inplace, std::vector<double>{1.0}, {0.0, 2.0}),
                                       5e-324);
}

TEST(StepOntoTstopNextToT0, EveryFamily) {
  auto prob = sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 2.0});
  for (double tiny : {5e-324, 1e-121}) {
    expect_decay_solved<sciml::RadauIIA5>(prob, tiny);
    expect_decay_solved<sciml::Rodas5P>(prob, tiny);
    expect_decay_solved<sciml::FBDF<>>(prob, tiny);
    expect_decay_solved<sciml::Tsit5>(prob, tiny);
  }
}

TEST(StepOntoTstopNextToT0, RadauStartingValuesAfterAShortStep) {
  // u' = 1e6 cos t - u, u(0) = 0: a first step onto a tstop 1e-200 after t0 is not negligible (|h f| = 1e-194 is
  // above u's rounding), so RadauIIA5 takes it; its next step extrapolated its starting values over
  // (h / h_prev)^3 = Inf (61 rejections, then Unstable); now it starts from zero beyond 8 times the last step
  auto g = [](const auto& u, const auto&, auto t) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 1>{S(1e6) * std::cos(t) - u[0]};
  };
  const double exact = 1e6 * 0.5 * (std::cos(1.0) + std::sin(1.0) - std::exp(-1.0));
  for (double ts : {1e-100, 1e-200}) {
    sciml::SolveOptions o;
    o.tstops = {ts};
    auto sol = sciml::solve(sciml::ODEProblem(g, sciml::SVector{0.0}, {0.0, 1.0}), sciml::RadauIIA5{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    EXPECT_EQ(sol.stats.nreject, 0);  // measured before the fix: 35 (1e-100)
    EXPECT_NEAR(sol.u.back()[0], exact, 1e-3 * exact);
  }
  // backward in time, the step ratio test looks at |h|
  sciml::SolveOptions o;
  o.tstops = {1.0 - 1e-15};
  auto back = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {1.0, 0.0}), sciml::RadauIIA5{}, o);
  ASSERT_EQ(back.retcode, sciml::ReturnCode::Success) << back.message;
  EXPECT_NEAR(back.u.back()[0], std::exp(1.0), 1e-3);
}
