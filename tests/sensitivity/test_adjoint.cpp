// Gradients of a loss over the solution at saved times (sciml::gradient) by every sensitivity method against
// central finite differences: Lotka-Volterra (non-stiff), ROBER (stiff, stiff adjoint solves), the discrete
// adjoint of fixed RK4 steps exactly; bad input and failing solves.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include <sciml/nn/mlp.hpp>
#include <sciml/sensitivity/adjoint.hpp>

namespace {
auto lv = [](auto& du, const auto& u, const auto& p, auto) {
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
};
auto rober = [](auto& du, const auto& u, const auto& k, auto) {
  du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
  du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
  du[2] = k[2] * u[1] * u[1];
};

std::vector<double> lv_times() {
  std::vector<double> ts;
  for (int i = 1; i <= 10; ++i) ts.push_back(double(i));
  return ts;
}
sciml::SquaredErrorLoss lv_loss() {
  sciml::SquaredErrorLoss l;
  for (double t : lv_times()) l.data.push_back({1.0 + 0.1 * std::sin(t), 1.0 + 0.1 * t});
  return l;
}

// central differences of the loss in p and u0 (a tight Vern9 solve)
template <class F, class Loss>
std::pair<std::vector<double>, std::vector<double>> fd_gradient(F f, std::vector<double> u0, std::vector<double> p,
                                                                double tf, const std::vector<double>& ts,
                                                                Loss loss, bool stiff) {
  sciml::SolveOptions o;
  o.reltol = 1e-12;
  o.abstol = stiff ? 1e-16 : 1e-12;
  auto L = [&](const std::vector<double>& uu, const std::vector<double>& pp) {
    auto prob = sciml::ODEProblem(f, uu, {0.0, tf}, pp);
    return stiff ? sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::QuadratureAdjoint{}, o).loss
                 : sciml::gradient(prob, sciml::Vern9{}, ts, loss, sciml::QuadratureAdjoint{}, o).loss;
  };
  std::vector<double> dp(p.size()), du(u0.size());
  for (std::size_t j = 0; j < p.size(); ++j) {
    const double h = 1e-5 * std::max(std::abs(p[j]), 1e-3);
    auto a = p, b = p;
    a[j] += h;
    b[j] -= h;
    dp[j] = (L(u0, a) - L(u0, b)) / (2 * h);
  }
  for (std::size_t j = 0; j < u0.size(); ++j) {
    const double h = stiff ? 1e-9 : 1e-6;  // ROBER's y2 lives near 1e-5: a larger step is not small
    auto a = u0, b = u0;
    a[j] += h;
    b[j] -= h;
    du[j] = (L(a, p) - L(b, p)) / (2 * h);
  }
  return {dp, du};
}

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double rtol, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  double scale = 0;
  for (double x : b) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], rtol * scale) << what << "[" << i << "]";
}
}  // namespace

template <class Sense>
void check_lv(Sense sense, double rtol) {
  const std::vector<double> p{1.5, 1.0, 3.0, 1.0}, u0{1.0, 1.0};
  const auto ts = lv_times();
  auto prob = sciml::ODEProblem(lv, u0, {0.0, 10.0}, p);
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  const auto r = sciml::gradient(prob, sciml::Tsit5{}, ts, lv_loss(), sense, o);
  ASSERT_TRUE(r.success()) << Sense::name() << ": " << r.message;
  static const auto fd = fd_gradient(lv, u0, p, 10.0, ts, lv_loss(), false);
  expect_close(r.dp, fd.first, rtol, Sense::name());
  expect_close(r.du0, fd.second, rtol, Sense::name());
  std::printf("  %-24s dL/dp = (%.6f, %.6f, %.6f, %.6f), f calls forward %ld, adjoint %ld\n", Sense::name(), r.dp[0],
              r.dp[1], r.dp[2], r.dp[3], r.forward.nf, r.adjoint.nf);
}

TEST(Gradient, LotkaVolterraEveryMethod) {
  check_lv(sciml::ForwardDiffSensitivity{}, 1e-6);
  check_lv(sciml::ForwardSensitivity{}, 1e-6);
  check_lv(sciml::InterpolatingAdjoint{}, 1e-6);
  check_lv(sciml::InterpolatingAdjoint{false}, 1e-6);
  check_lv(sciml::QuadratureAdjoint{}, 1e-6);
  check_lv(sciml::BacksolveAdjoint{}, 1e-5);
  check_lv(sciml::DiscreteAdjoint{}, 1e-5);
}

template <class Alg>
void check_discrete_exact(Alg alg) {
  // the gradient of the fixed-step map itself (steps of 0.07, the saved times inside steps: from the method's
  // interpolant, extra stages included): equal to differences of the fixed-step solution, not of the ODE
  const std::vector<double> p{1.5, 1.0, 3.0, 1.0}, u0{1.0, 1.0};
  std::vector<double> ts;
  for (int i = 0; i <= 10; ++i) ts.push_back(0.93 * i);  // t = 0 too
  sciml::SquaredErrorLoss loss;
  for (double t : ts) loss.data.push_back({1.0 + 0.1 * t, 1.0 - 0.05 * t});
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.07;
  auto L = [&](const std::vector<double>& u, const std::vector<double>& q) {
    return sciml::gradient(sciml::ODEProblem(lv, u, {0.0, 10.0}, q), alg, ts, loss, sciml::DiscreteAdjoint{}, o).loss;
  };
  const auto r = sciml::gradient(sciml::ODEProblem(lv, u0, {0.0, 10.0}, p), alg, ts, loss, sciml::DiscreteAdjoint{}, o);
  ASSERT_TRUE(r.success()) << r.message;
  const double h = 1e-6;
  for (std::size_t j = 0; j < p.size(); ++j) {
    auto a = p, b = p;
    a[j] += h;
    b[j] -= h;
    EXPECT_NEAR(r.dp[j], (L(u0, a) - L(u0, b)) / (2 * h), 1e-7 * std::abs(r.dp[j]) + 1e-7) << Alg::name() << " p" << j;
  }
  for (std::size_t j = 0; j < u0.size(); ++j) {
    auto a = u0, b = u0;
    a[j] += h;
    b[j] -= h;
    EXPECT_NEAR(r.du0[j], (L(a, p) - L(b, p)) / (2 * h), 1e-7 * std::abs(r.du0[j]) + 1e-7) << Alg::name() << " u0" << j;
  }
}

TEST(Gradient, DiscreteAdjointIsExactForFixedSteps) {
  check_discrete_exact(sciml::RK4{});    // Hermite interpolation
  check_discrete_exact(sciml::Tsit5{});  // its own interpolant over the 7 stages
  check_discrete_exact(sciml::Vern9{});  // interpolation-only stages
}

TEST(Gradient, RoberStiffAdjoints) {
  const std::vector<double> k{0.04, 1e4, 3e7}, u0{1.0, 0.0, 0.0};
  const std::vector<double> ts{1e-3, 1e-1, 1.0, 10.0, 100.0, 1e3};
  // a quantity of interest: y1 + 1e4 y2 at each time
  auto loss = [](std::size_t, double, const std::vector<double>& u, std::vector<double>& g) {
    g[0] = 1;
    g[1] = 1e4;
    g[2] = 0;
    return u[0] + 1e4 * u[1];
  };
  auto prob = sciml::ODEProblem(rober, u0, {0.0, 1e3}, k);
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-14;
  const auto fd = fd_gradient(rober, u0, k, 1e3, ts, loss, true);
  const auto ri = sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::InterpolatingAdjoint{}, o);
  const auto rq = sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::QuadratureAdjoint{}, o);
  const auto rb = sciml::gradient(prob, sciml::FBDF<>{}, ts, loss, sciml::InterpolatingAdjoint{}, o, sciml::Rodas5P{});
  const auto rf = sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::ForwardSensitivity{}, o);  // augmented system
  for (const auto* r : {&ri, &rq, &rb, &rf}) {
    ASSERT_TRUE(r->success()) << r->message;
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(r->dp[j], fd.first[j], 1e-5 * std::abs(fd.first[j])) << j;
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(r->du0[j], fd.second[j], 1e-5 * std::abs(fd.second[j]) + 1e-6) << j;
  }
  // BacksolveAdjoint integrates ROBER backwards in time, which is unstable: a failure code, not a crash
  const auto rs = sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::BacksolveAdjoint{}, o);
  if (rs.success()) {  // should it get through, its gradient must still be right
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(rs.dp[j], fd.first[j], 1e-4 * std::abs(fd.first[j])) << j;
  } else {
    EXPECT_NE(rs.message.find("adjoint solve failed"), std::string::npos) << rs.message;
  }
}

TEST(Gradient, BadInputAndFailures) {
  auto prob = sciml::ODEProblem(lv, std::vector<double>{1.0, 1.0}, {0.0, 10.0}, std::vector<double>{1.5, 1.0, 3.0, 1.0});
  EXPECT_THROW(sciml::gradient(prob, sciml::Tsit5{}, {}, lv_loss()), std::invalid_argument);
  EXPECT_THROW(sciml::gradient(prob, sciml::Tsit5{}, {2.0, 1.0}, lv_loss()), std::invalid_argument);
  EXPECT_THROW(sciml::gradient(prob, sciml::Tsit5{}, {11.0}, lv_loss()), std::invalid_argument);
  // a forward solve that fails (finite-time blow-up) returns its code and message
  auto blow = [](auto& du, const auto& u, const auto& p, auto) { du[0] = p[0] * u[0] * u[0]; };
  auto bp = sciml::ODEProblem(blow, std::vector<double>{1.0}, {0.0, 2.0}, std::vector<double>{1.0});
  auto sq = [](std::size_t, double, const std::vector<double>& u, std::vector<double>& g) {
    g[0] = 2 * u[0];
    return u[0] * u[0];
  };
  const auto r = sciml::gradient(bp, sciml::Tsit5{}, {0.5, 1.5}, sq);
  EXPECT_FALSE(r.success());
  EXPECT_NE(r.message.find("forward solve failed"), std::string::npos) << r.message;
}

// The spiral neural ODE of DiffEqFlux's examples: u' = NN(u^3) with a 2 -> 50 -> 2 tanh network (252
// parameters), through the tape (generic f) and through the network's hand-written VJP (f.vjp).
namespace {
struct SpiralNODE {
  sciml::nn::MLP net{{2, 50, 2}, {sciml::nn::Activation::Tanh, sciml::nn::Activation::Identity}};
  template <class DU, class U, class P, class T>
  void operator()(DU& du, const U& u, const P& th, T) const {
    using S = std::remove_cvref_t<decltype(du[0])>;
    const S x[2] = {S(u[0] * u[0] * u[0]), S(u[1] * u[1] * u[1])};
    S y[2], work[64];
    net.forward(x, th.data(), y, work);
    du[0] = y[0];
    du[1] = y[1];
  }
};
struct SpiralNODEWithVjp : SpiralNODE {
  void vjp(const double* lambda, const std::vector<double>& u, const std::vector<double>& th, double, double* ubar,
           double* pbar) const {
    const double x[2] = {u[0] * u[0] * u[0], u[1] * u[1] * u[1]};
    double xbar[2] = {0, 0}, work[256];
    net.vjp(x, th.data(), lambda, xbar, pbar, work);
    ubar[0] += 3 * u[0] * u[0] * xbar[0];
    ubar[1] += 3 * u[1] * u[1] * xbar[1];
  }
};
}  // namespace

TEST(Gradient, NeuralODE) {
  SpiralNODE f;
  const auto theta = f.net.init_glorot(7);
  const std::vector<double> u0{2.0, 0.0};
  std::vector<double> ts;
  for (int i = 1; i <= 10; ++i) ts.push_back(0.15 * i);
  sciml::SquaredErrorLoss loss;
  for (double t : ts) loss.data.push_back({2.0 * std::cos(t), 2.0 * std::sin(t)});
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  auto prob = sciml::ODEProblem(f, u0, {0.0, 1.5}, theta);
  auto probv = sciml::ODEProblem(SpiralNODEWithVjp{}, u0, {0.0, 1.5}, theta);
  const auto ri = sciml::gradient(prob, sciml::Tsit5{}, ts, loss, sciml::InterpolatingAdjoint{}, o);
  const auto rv = sciml::gradient(probv, sciml::Tsit5{}, ts, loss, sciml::InterpolatingAdjoint{}, o);
  const auto rq = sciml::gradient(probv, sciml::Tsit5{}, ts, loss, sciml::QuadratureAdjoint{}, o);
  const auto rd = sciml::gradient(probv, sciml::Tsit5{}, ts, loss, sciml::DiscreteAdjoint{}, o);
  const auto rf = sciml::gradient(prob, sciml::Tsit5{}, ts, loss, sciml::ForwardDiffSensitivity{}, o);
  for (const auto* r : {&ri, &rv, &rq, &rd, &rf}) ASSERT_TRUE(r->success()) << r->message;
  // central differences on a spread of parameters (first layer weights, biases, output layer)
  sciml::SolveOptions t = o;
  t.reltol = 1e-12;
  t.abstol = 1e-12;
  double scale = 0;
  for (double g : rf.dp) scale = std::max(scale, std::abs(g));
  for (std::size_t j : {std::size_t(0), std::size_t(3), std::size_t(77), std::size_t(120), std::size_t(151), std::size_t(251)}) {
    auto a = theta, b = theta;
    const double h = 1e-6;
    a[j] += h;
    b[j] -= h;
    const double La = sciml::gradient(sciml::ODEProblem(f, u0, {0.0, 1.5}, a), sciml::Vern9{}, ts, loss, sciml::QuadratureAdjoint{}, t).loss;
    const double Lb = sciml::gradient(sciml::ODEProblem(f, u0, {0.0, 1.5}, b), sciml::Vern9{}, ts, loss, sciml::QuadratureAdjoint{}, t).loss;
    const double fd = (La - Lb) / (2 * h);
    for (const auto* r : {&ri, &rv, &rq, &rd, &rf}) EXPECT_NEAR(r->dp[j], fd, 1e-5 * scale) << j;
  }
  for (std::size_t j = 0; j < theta.size(); ++j) EXPECT_NEAR(rv.dp[j], ri.dp[j], 1e-8 * scale) << j;  // tape == hand VJP
  std::printf("  neural ODE (252 parameters): forward f calls %ld, interpolating adjoint %ld\n", rv.forward.nf,
              rv.adjoint.nf);
}
