// Regressions (issue 15, found while splitting sensitivity/adjoint.hpp): the continuous adjoints (interpolating,
// quadrature, backsolve) threw "cannot create std::vector larger than max_size()" when the only saved time was
// t0 (the stops between the knots were taken from an empty range), and "a fixed-step solve needs dt > 0" for a
// fixed-step forward solve (the adjoint solve's dt was reset to 0). Both now give the gradient: for ts = {t0},
// dL/du0 = dl/du and dL/dp = 0; with fixed RK4 steps the continuous adjoints agree with the discrete adjoint
// (exact for the RK4 steps) to the steps' error, and with central differences.
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <sciml/ode.hpp>
#include <sciml/sensitivity/adjoint.hpp>

namespace {
auto decay = [](auto& du, const auto& u, const auto& p, auto) {
  du[0] = -p[0] * u[0];
  du[1] = p[1] * u[0] - u[1];
};
sciml::SquaredErrorLoss loss_for(const std::vector<double>& ts) {
  sciml::SquaredErrorLoss l;
  for (double t : ts) l.data.push_back({0.5 + 0.1 * t, 0.2});
  return l;
}

template <class Sense>
void only_t0(Sense sense) {
  const auto prob = sciml::ODEProblem(decay, std::vector<double>{1.0, 0.5}, {0.0, 2.0}, std::vector<double>{0.7, 1.3});
  const std::vector<double> ts{0.0};
  const auto g = sciml::gradient(prob, sciml::Tsit5{}, ts, loss_for(ts), sense);
  ASSERT_EQ(g.retcode, sciml::ReturnCode::Success) << g.message;
  // l = (u1 - 0.5)^2 + (u2 - 0.2)^2 at t0: dl/du0 = 2 (u0 - data), nothing depends on p
  EXPECT_NEAR(g.loss, 0.25 + 0.09, 1e-15);
  EXPECT_NEAR(g.du0[0], 2 * (1.0 - 0.5), 1e-15);
  EXPECT_NEAR(g.du0[1], 2 * (0.5 - 0.2), 1e-15);
  EXPECT_EQ(g.dp[0], 0.0);
  EXPECT_EQ(g.dp[1], 0.0);
}

template <class Sense>
void fixed_steps(Sense sense) {
  const auto prob = sciml::ODEProblem(decay, std::vector<double>{1.0, 0.5}, {0.0, 2.0}, std::vector<double>{0.7, 1.3});
  const std::vector<double> ts{0.5, 1.0, 2.0};
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.01;
  const auto g = sciml::gradient(prob, sciml::RK4{}, ts, loss_for(ts), sense, o);
  ASSERT_EQ(g.retcode, sciml::ReturnCode::Success) << g.message;
  const auto exact = sciml::gradient(prob, sciml::RK4{}, ts, loss_for(ts), sciml::DiscreteAdjoint{}, o);
  ASSERT_EQ(exact.retcode, sciml::ReturnCode::Success) << exact.message;
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_NEAR(g.dp[j], exact.dp[j], 1e-7 * (1 + std::abs(exact.dp[j]))) << j;
    EXPECT_NEAR(g.du0[j], exact.du0[j], 1e-7 * (1 + std::abs(exact.du0[j]))) << j;
  }
  // and central differences of the fixed-step loss in p
  for (std::size_t j = 0; j < 2; ++j) {
    auto a = prob.p, b = prob.p;
    const double h = 1e-6;
    a[j] += h;
    b[j] -= h;
    auto L = [&](const std::vector<double>& pp) {
      return sciml::gradient(sciml::ODEProblem(decay, prob.u0, {0.0, 2.0}, pp), sciml::RK4{}, ts, loss_for(ts),
                             sciml::DiscreteAdjoint{}, o)
          .loss;
    };
    EXPECT_NEAR(g.dp[j], (L(a) - L(b)) / (2 * h), 1e-6) << j;
  }
}
}  // namespace

TEST(AdjointEdgeCases, OnlyT0Saved) {
  only_t0(sciml::InterpolatingAdjoint{});
  only_t0(sciml::QuadratureAdjoint{});
  only_t0(sciml::BacksolveAdjoint{});
}

TEST(AdjointEdgeCases, FixedStepForwardSolve) {
  fixed_steps(sciml::InterpolatingAdjoint{});
  fixed_steps(sciml::QuadratureAdjoint{});
  fixed_steps(sciml::BacksolveAdjoint{});
}
