// Multiple shooting (optim::multiple_shooting_loss): its gradient against central differences on
// Lotka-Volterra with the segment initial states fixed to the data and free; one segment over all points equals
// single shooting; training from a poor guess recovers the parameters where single shooting stalls in a local
// minimum; bad input throws; a failing solve is an Inf loss whose reason train() reports.
#include <gtest/gtest.h>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>
#include <sciml/ode.hpp>
#include <sciml/optim/multiple_shooting.hpp>
#include <sciml/optim/train.hpp>
#include <sciml/sensitivity/adjoint.hpp>

using sciml::optim::MultipleShootingOptions;
using sciml::optim::SegmentU0;
using Vec = std::vector<double>;

namespace {

auto lv = [](auto& du, const auto& u, const auto& p, auto) {
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
};

Vec times(double tf, double dt) {
  Vec ts;
  for (int i = 0; i * dt <= tf + 1e-12; ++i) ts.push_back(i * dt);
  return ts;
}

// the data: a tight Vern9 solve from u0 = (1, 1) with parameters p
std::vector<Vec> lv_data(const Vec& p, const Vec& ts) {
  sciml::SolveOptions o;
  o.reltol = 1e-12;
  o.abstol = 1e-12;
  o.saveat = sciml::SaveAt(ts);
  auto sol = sciml::solve(sciml::ODEProblem(lv, Vec{1.0, 1.0}, {ts.front(), ts.back()}, p), sciml::Vern9{}, o);
  EXPECT_TRUE(sol.success());
  EXPECT_EQ(sol.u.size(), ts.size());
  return sol.u;
}

sciml::SolveOptions tol(double t) {
  sciml::SolveOptions o;
  o.reltol = t;
  o.abstol = t;
  return o;
}

template <class Loss>
Vec fd_gradient(const Loss& loss, const Vec& theta) {
  Vec g(theta.size()), scratch(theta.size());
  for (std::size_t j = 0; j < theta.size(); ++j) {
    const double h = 1e-5 * std::max(std::abs(theta[j]), 0.1);
    Vec a = theta, b = theta;
    a[j] += h;
    b[j] -= h;
    g[j] = (loss(a, scratch) - loss(b, scratch)) / (2 * h);
  }
  return g;
}

void expect_close(const Vec& a, const Vec& b, double rtol, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  double scale = 0;
  for (double x : b) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], rtol * scale) << what << "[" << i << "]";
}

const Vec p_model{1.5, 1.0, 3.0, 1.0};

}  // namespace

TEST(MultipleShooting, Segments) {
  const Vec ts = times(10, 0.5);  // 21 points
  const auto data = lv_data(p_model, ts);
  auto prob = sciml::ODEProblem(lv, Vec{1.0, 1.0}, {0.0, 10.0}, p_model);
  auto l5 = sciml::optim::multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{});
  ASSERT_EQ(l5.num_segments(), 5u);  // 0-4, 4-8, 8-12, 12-16, 16-20: boundaries shared
  for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(l5.segment(k), std::make_pair(4 * k, 4 * k + 4));
  EXPECT_EQ(l5.size(), 4u);
  EXPECT_EQ(l5.initial_theta(), p_model);
  auto l7 = sciml::optim::multiple_shooting_loss(prob, ts, data, 7, sciml::Tsit5{}, {},
                                                 MultipleShootingOptions{.segment_u0 = SegmentU0::Free});
  ASSERT_EQ(l7.num_segments(), 4u);  // 0-6, 6-12, 12-18, 18-20 (a shorter last one)
  EXPECT_EQ(l7.segment(3), std::make_pair(std::size_t(18), std::size_t(20)));
  EXPECT_EQ(l7.size(), 4u + 4 * 2);
  const Vec th = l7.initial_theta();
  EXPECT_EQ(l7.params(th), p_model);
  EXPECT_EQ(l7.segment_start(th, 2), data[12]);
}

// (1) the gradient against central differences, both segment_u0 modes
void check_fd(SegmentU0 mode) {
  const Vec ts = times(10, 0.5);
  const auto data = lv_data({1.4, 1.1, 3.2, 0.9}, ts);  // data from perturbed parameters
  auto prob = sciml::ODEProblem(lv, Vec{1.0, 1.0}, {0.0, 10.0}, p_model);
  MultipleShootingOptions o{.segment_u0 = mode, .weights = {1.0, 0.5}, .solve_options = tol(1e-12)};
  auto loss = sciml::optim::multiple_shooting_loss(prob, ts, data, 5, sciml::Vern9{}, sciml::InterpolatingAdjoint{}, o);
  Vec theta = loss.initial_theta();
  for (std::size_t j = 4; j < theta.size(); ++j) theta[j] += 0.03 * std::sin(double(j));  // off the data
  Vec g(theta.size());
  const double L = loss(theta, g);
  ASSERT_TRUE(std::isfinite(L)) << loss.failure_message();
  EXPECT_GT(L, 1.0);
  EXPECT_EQ(loss.failure_message(), "");
  expect_close(g, fd_gradient(loss, theta), 1e-6, mode == SegmentU0::Data ? "data mode" : "free mode");
  // another sensitivity method through the same segments
  auto fwd = sciml::optim::multiple_shooting_loss(prob, ts, data, 5, sciml::Vern9{}, sciml::ForwardDiffSensitivity{}, o);
  Vec gf(theta.size());
  EXPECT_NEAR(fwd(theta, gf), L, 1e-9 * L);
  expect_close(gf, g, 1e-7, "ForwardDiffSensitivity");
}
TEST(MultipleShooting, GradientMatchesFiniteDifferencesDataMode) { check_fd(SegmentU0::Data); }
TEST(MultipleShooting, GradientMatchesFiniteDifferencesFreeMode) { check_fd(SegmentU0::Free); }

// (2) one segment over all points is single shooting: same loss, same gradient, no continuity term
TEST(MultipleShooting, OneSegmentIsSingleShooting) {
  const Vec ts = times(10, 0.5);
  const auto data = lv_data({1.4, 1.1, 3.2, 0.9}, ts);
  auto prob = sciml::ODEProblem(lv, data[0], {0.0, 10.0}, p_model);
  const auto so = tol(1e-10);
  sciml::SquaredErrorLoss sq;
  sq.data = data;
  const auto single = sciml::gradient(prob, sciml::Tsit5{}, ts, sq, sciml::InterpolatingAdjoint{}, so);
  ASSERT_TRUE(single.success());
  for (auto mode : {SegmentU0::Data, SegmentU0::Free}) {
    MultipleShootingOptions o{.segment_u0 = mode, .solve_options = so};
    auto ms = sciml::optim::multiple_shooting_loss(prob, ts, data, ts.size(), sciml::Tsit5{}, sciml::InterpolatingAdjoint{}, o);
    ASSERT_EQ(ms.num_segments(), 1u);
    const Vec theta = ms.initial_theta();
    Vec g(theta.size());
    EXPECT_DOUBLE_EQ(ms(theta, g), single.loss);
    for (std::size_t j = 0; j < 4; ++j) EXPECT_DOUBLE_EQ(g[j], single.dp[j]);
    if (mode == SegmentU0::Free) {
      for (std::size_t q = 0; q < 2; ++q) EXPECT_DOUBLE_EQ(g[4 + q], single.du0[q]);
    }
  }
}

// (3) training from a poor guess over a long span (t in [0, 30], about 8 periods, 61 points): single shooting
// stalls in a local minimum, multiple shooting recovers the parameters (data mode: Adam, then L-BFGS through
// train(); free mode: L-BFGS, whose penalty-coupled segment states need a longer history and more iterations)
TEST(MultipleShooting, TrainingRecoversParameters) {
  const Vec ts = times(30, 0.5);
  const Vec p_true = p_model, guess{1.2, 0.8, 2.5, 0.8};
  const auto data = lv_data(p_true, ts);
  auto prob = sciml::ODEProblem(lv, data[0], {0.0, 30.0}, guess);
  const auto so = tol(1e-8);
  sciml::optim::TrainOptions to;
  to.print_every = 0;
  auto rel_err = [&](const Vec& p) {
    double e = 0;
    for (std::size_t j = 0; j < 4; ++j) e = std::max(e, std::abs(p[j] / p_true[j] - 1));
    return e;
  };

  // single shooting from the same guess
  sciml::SquaredErrorLoss sq;
  sq.data = data;
  auto single = [&](const Vec& th, Vec& g) {
    auto r = sciml::gradient(sciml::ODEProblem(lv, data[0], {0.0, 30.0}, th), sciml::Tsit5{}, ts, sq,
                             sciml::InterpolatingAdjoint{}, so);
    if (!r.success()) return std::numeric_limits<double>::infinity();
    g = r.dp;
    return r.loss;
  };
  to.maxiters = 300;
  const auto rs = sciml::optim::train_lbfgs(single, guess, {}, to);
  EXPECT_GT(rel_err(rs.theta), 0.1) << "single shooting was expected to stall in a local minimum: " << rs.message;
  EXPECT_GT(rs.loss, 1.0);

  {  // segment states fixed to the data: Adam, then L-BFGS
    MultipleShootingOptions o{.solve_options = so};
    auto ms = sciml::optim::multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{}, sciml::InterpolatingAdjoint{}, o);
    to.maxiters = 100;
    const auto r1 = sciml::optim::train(ms, ms.initial_theta(), sciml::optim::Adam{.lr = 0.05}, to);
    ASSERT_TRUE(r1.finished) << r1.message;
    to.maxiters = 300;
    const auto r2 = sciml::optim::train_lbfgs(ms, r1.theta, {}, to);
    ASSERT_TRUE(std::isfinite(r2.loss)) << r2.message;
    EXPECT_LT(rel_err(ms.params(r2.theta)), 1e-3) << r2.message;
    EXPECT_LT(r2.loss, 1e-8);
  }
  {  // free segment states
    MultipleShootingOptions o{.segment_u0 = SegmentU0::Free, .solve_options = so};
    auto ms = sciml::optim::multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{}, sciml::InterpolatingAdjoint{}, o);
    to.maxiters = 1000;
    const auto r = sciml::optim::train_lbfgs(ms, ms.initial_theta(), {.history = 30}, to);
    ASSERT_TRUE(std::isfinite(r.loss)) << r.message;
    EXPECT_LT(rel_err(ms.params(r.theta)), 1e-3) << r.message;
    double err_u = 0;  // the segment states end on the data
    for (std::size_t k = 0; k < ms.num_segments(); ++k) {
      const Vec z = ms.segment_start(r.theta, k), d = data[ms.segment(k).first];
      for (std::size_t q = 0; q < 2; ++q) err_u = std::max(err_u, std::abs(z[q] - d[q]));
    }
    EXPECT_LT(err_u, 1e-3);
  }
}

// (4) bad input throws std::invalid_argument naming the argument; a failing solve is an Inf loss
TEST(MultipleShooting, BadInputAndFailures) {
  const Vec ts = times(10, 0.5);
  const auto data = lv_data(p_model, ts);
  auto prob = sciml::ODEProblem(lv, Vec{1.0, 1.0}, {0.0, 10.0}, p_model);
  auto throws = [](auto&& make, const std::string& word) {
    try {
      make();
      ADD_FAILURE() << "no exception; expected one naming " << word;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
    }
  };
  using sciml::optim::multiple_shooting_loss;
  throws([&] { multiple_shooting_loss(prob, ts, data, 1, sciml::Tsit5{}); }, "group_size");
  throws([&] { multiple_shooting_loss(prob, ts, data, 22, sciml::Tsit5{}); }, "group_size");
  throws([&] { multiple_shooting_loss(prob, ts, std::vector<Vec>(data.begin(), data.end() - 1), 5, sciml::Tsit5{}); }, "data");
  throws([&] {
    auto d = data;
    d[3].push_back(0.0);
    multiple_shooting_loss(prob, ts, d, 5, sciml::Tsit5{});
  }, "data[3]");
  throws([&] {
    auto t = ts;
    t.back() = 10.5;
    multiple_shooting_loss(prob, t, data, 5, sciml::Tsit5{});
  }, "outside tspan");
  throws([&] {
    auto t = ts;
    t[5] = t[4];
    multiple_shooting_loss(prob, t, data, 5, sciml::Tsit5{});
  }, "increasing");
  throws([&] { multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{}, {}, {.weights = {1.0}}); }, "weights");
  throws([&] { multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{}, {}, {.continuity_weight = -1}); },
         "continuity_weight");
  auto ms = multiple_shooting_loss(prob, ts, data, 5, sciml::Tsit5{});
  Vec g(4), bad(3);
  throws([&] { ms(bad, g); }, "theta");
  // a non-finite theta: NaN, with the reason
  EXPECT_TRUE(std::isnan(ms(Vec{1.5, NAN, 3.0, 1.0}, g)));
  EXPECT_NE(ms.failure_message().find("theta[1]"), std::string::npos) << ms.failure_message();

  // a solve that fails (finite-time blow-up of u' = p u^2 at t = 1/p): an Inf loss, and train() says why
  auto blow = [](auto& du, const auto& u, const auto& p, auto) { du[0] = p[0] * u[0] * u[0]; };
  const Vec bt{0.0, 0.5, 1.0, 1.5, 2.0};
  std::vector<Vec> bd;
  for (double t : bt) bd.push_back({1.0 / (1.0 - 0.1 * t)});  // the solution for p = 0.1
  auto bp = sciml::ODEProblem(blow, Vec{1.0}, {0.0, 2.0}, Vec{1.0});
  auto bl = multiple_shooting_loss(bp, bt, bd, 3, sciml::Tsit5{});
  Vec bg(1, 7.0);
  EXPECT_EQ(bl(Vec{1.0}, bg), std::numeric_limits<double>::infinity());
  EXPECT_EQ(bg[0], 0.0);
  EXPECT_NE(bl.failure_message().find("segment 0"), std::string::npos) << bl.failure_message();
  EXPECT_EQ(bl.failures(), 1);
  std::ostringstream out;
  sciml::optim::TrainOptions to;
  to.out = &out;
  const auto r = sciml::optim::train(bl, Vec{1.0}, sciml::optim::Adam{.lr = 0.01}, to);
  EXPECT_FALSE(r.finished);
  EXPECT_NE(r.message.find("starting parameters"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("forward solve failed"), std::string::npos) << r.message;
  // from a good start: finite, and the gradient is zero at the truth
  Vec g1(1);
  EXPECT_LT(bl(Vec{0.1}, g1), 1e-10);
  EXPECT_EQ(bl.failure_message(), "");
}
