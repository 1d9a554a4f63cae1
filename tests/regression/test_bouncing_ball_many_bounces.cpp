// Regression (issue 14): the bouncing ball (restitution 0.9) fell through the floor after 12 bounces and ended
// at u = -31810 with ReturnCode::Success. Tsit5 integrates a parabola exactly, so steps grew until one step
// spanned a whole bounce, and the sign of the condition just after an event was judged at a fixed h/100 into
// the step, past the next bounce. It is now judged at the first offset where the condition is clearly off the
// root. Every bounce time up to t = 25 is checked against the analytic one (the bounces accumulate at
// t* = 27.13, the Zeno point, beyond which no event-based model can continue: docs/reliability.md).
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <sciml/ode.hpp>

TEST(BouncingBall, EveryBounceUpToTheZenoPointIsFound) {
  auto ball = [](const auto& u, const auto& g, auto) { return sciml::SVector<double, 2>{u[1], -g}; };
  std::vector<double> te;
  auto bounce = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; },
                                          [&](auto& integ) {
                                            te.push_back(double(integ.t));
                                            integ.u[1] = -0.9 * integ.u[1];
                                          });
  const double g = 9.81, h0 = 10.0, e = 0.9, tf = 25.0;
  for (bool dense : {true, false}) {
    te.clear();
    sciml::SolveOptions o;
    o.dense = dense;
    auto sol = sciml::solve(sciml::ODEProblem(ball, sciml::SVector{h0, 0.0}, {0.0, tf}, g), sciml::Tsit5{}, o, bounce);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    // analytic bounce times: first impact at sqrt(2 h0 / g), then flights of 2 v_k / g with v_k = e^k v1
    std::vector<double> exact;
    const double v1 = std::sqrt(2 * g * h0);
    double t = std::sqrt(2 * h0 / g);
    for (int k = 1; t < tf; ++k) {
      exact.push_back(t);
      t += 2 * v1 * std::pow(e, k) / g;
    }
    ASSERT_EQ(te.size(), exact.size()) << "bounces found vs expected";
    for (std::size_t k = 0; k < te.size(); ++k) EXPECT_NEAR(te[k], exact[k], 1e-8) << "bounce " << k;
    for (const auto& u : sol.u) EXPECT_GT(u[0], -1e-9);  // never below the floor
    // the final state from the last bounce
    const double vk = v1 * std::pow(e, double(exact.size())), dt = tf - exact.back();
    EXPECT_NEAR(sol.u.back()[0], vk * dt - 0.5 * g * dt * dt, 1e-6);
  }
}
