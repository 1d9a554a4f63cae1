// solve / init options: saving (saveat spacing and list, save_start/save_end, every step), tstops, dtmax,
// backward integration, state types (SVector, std::vector in place, Eigen, span, float), per-component
// abstol, the I / PI / PID controllers and manual stepping with init/step.
#include <gtest/gtest.h>
#include <cmath>
#include <span>
#include <sciml/ode.hpp>
#include "common/problems.hpp"
#ifdef SCIML_TEST_EIGEN
#include <Eigen/Dense>
#endif

namespace {
// u' = -u + sin(t)... exact: u = (u0 + 1/2) e^{-t} + (sin t - cos t)/2
auto decay = [](const auto& u, const auto&, auto t) { return sciml::SVector<double, 1>{-u[0] + std::sin(t)}; };
double decay_exact(double u0, double t) { return (u0 + 0.5) * std::exp(-t) + (std::sin(t) - std::cos(t)) / 2; }
auto lv_prob() {
  return sciml::ODEProblem(sciml::problems::lotka_volterra, sciml::SVector{1.0, 1.0}, {0.0, 10.0},
                           std::array{1.5, 1.0, 3.0, 1.0});
}
}  // namespace

TEST(Options, IssueExampleCompilesAndRuns) {
  auto f = [](const auto& u, const auto& p, auto t) {
    return sciml::SVector<double, 2>{p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1]};
  };
  auto prob = sciml::ODEProblem(f, sciml::SVector<double, 2>{1.0, 1.0}, {0.0, 10.0}, std::array{1.5, 1.0, 3.0, 1.0});
  sciml::SolveOptions opts;
  opts.reltol = 1e-8;
  opts.abstol = 1e-8;
  opts.save_everystep = false;
  auto sol = sciml::solve(prob, sciml::Vern9{}, opts);
  bool ok = sol.retcode == sciml::ReturnCode::Success;
  double x = sol.u.back()[0];
  long nf = sol.stats.nf;
  EXPECT_TRUE(ok);
  EXPECT_EQ(sol.t.size(), 2u);  // start and end only
  EXPECT_GT(nf, 0);
  auto g = [](auto& du, const auto& u, const auto& p, auto t) { du[0] = -u[0]; };  // in-place
  auto sol2 = sciml::solve(sciml::ODEProblem(g, std::vector<double>{1.0}, {0.0, 1.0}, 0.0), sciml::Tsit5{}, opts);
  EXPECT_NEAR(sol2.u.back()[0], std::exp(-1.0), 1e-8);
  // the same LV answer from two different methods
  auto sol3 = sciml::solve(prob, sciml::DP5{}, opts);
  EXPECT_NEAR(x, sol3.u.back()[0], 1e-6);
}

TEST(Options, SaveatSpacingAndList) {
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  o.saveat = 0.25;
  auto prob = sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 2.0});
  auto sol = sciml::solve(prob, sciml::Tsit5{}, o);
  ASSERT_EQ(sol.t.size(), 9u);
  for (std::size_t i = 0; i < sol.t.size(); ++i) {
    EXPECT_DOUBLE_EQ(sol.t[i], 0.25 * double(i));
    EXPECT_NEAR(sol.u[i][0], decay_exact(1.0, sol.t[i]), 1e-9);
  }
  o.saveat = {0.3, 1.7, 0.9};  // unsorted on purpose; t0 and tf not in the list: not saved
  sol = sciml::solve(prob, sciml::Tsit5{}, o);
  ASSERT_EQ(sol.t.size(), 3u);
  EXPECT_DOUBLE_EQ(sol.t[1], 0.9);
  EXPECT_NEAR(sol.u[2][0], decay_exact(1.0, 1.7), 1e-9);
  o.save_start = true;
  o.save_end = true;
  sol = sciml::solve(prob, sciml::Tsit5{}, o);
  ASSERT_EQ(sol.t.size(), 5u);
  EXPECT_DOUBLE_EQ(sol.t.front(), 0.0);
  EXPECT_DOUBLE_EQ(sol.t.back(), 2.0);
}

TEST(Options, SaveEverystepAndEnds) {
  auto prob = lv_prob();
  sciml::SolveOptions o;
  auto sol = sciml::solve(prob, sciml::Tsit5{}, o);
  EXPECT_EQ(long(sol.t.size()), sol.stats.naccept + 1);
  EXPECT_TRUE(sol.dense);
  o.save_start = false;
  o.save_end = false;
  sol = sciml::solve(prob, sciml::Tsit5{}, o);
  EXPECT_EQ(long(sol.t.size()), sol.stats.naccept - 1);
  EXPECT_GT(sol.t.front(), 0.0);
  EXPECT_LT(sol.t.back(), 10.0);
  o.save_everystep = false;
  o.save_start = std::nullopt;
  o.save_end = std::nullopt;
  sol = sciml::solve(prob, sciml::Tsit5{}, o);
  EXPECT_EQ(sol.t.size(), 2u);
  EXPECT_FALSE(sol.dense);
}

TEST(Options, TstopsAreHitExactly) {
  sciml::SolveOptions o;
  o.tstops = {0.123456789, 1.5, 7.77};
  auto sol = sciml::solve(lv_prob(), sciml::Tsit5{}, o);
  for (double ts : o.tstops) EXPECT_NE(std::find(sol.t.begin(), sol.t.end(), ts), sol.t.end()) << ts;
}

TEST(Options, DtmaxAndFixedDt) {
  sciml::SolveOptions o;
  o.dtmax = 0.01;
  auto sol = sciml::solve(lv_prob(), sciml::Tsit5{}, o);
  for (std::size_t i = 1; i < sol.t.size(); ++i) EXPECT_LE(sol.t[i] - sol.t[i - 1], 0.01 + 1e-12);
  EXPECT_GE(sol.stats.naccept, 1000);
  sciml::SolveOptions f;
  f.adaptive = false;
  f.dt = 0.3;  // does not divide 10: the last step is shortened onto tf
  auto fsol = sciml::solve(lv_prob(), sciml::RK4{}, f);
  EXPECT_EQ(fsol.stats.naccept, 34);
  EXPECT_DOUBLE_EQ(fsol.t.back(), 10.0);
  EXPECT_EQ(fsol.stats.nreject, 0);
}

TEST(Options, BackwardIntegration) {
  auto prob = sciml::ODEProblem(decay, sciml::SVector{decay_exact(1.0, 3.0)}, {3.0, 0.0});
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  o.saveat = {2.0, 1.0};
  o.save_end = true;
  auto sol = sciml::solve(prob, sciml::Vern7{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  ASSERT_EQ(sol.t.size(), 3u);
  EXPECT_DOUBLE_EQ(sol.t[0], 2.0);
  EXPECT_DOUBLE_EQ(sol.t[2], 0.0);
  EXPECT_NEAR(sol.u[2][0], 1.0, 1e-8);
  EXPECT_NEAR(sol.u[0][0], decay_exact(1.0, 2.0), 1e-9);
  // dense output backwards
  auto d = sciml::solve(prob, sciml::Tsit5{}, {});
  EXPECT_NEAR(d(1.5)[0], decay_exact(1.0, 1.5), 1e-3);
}

TEST(Options, StateTypes) {
  // in place on std::vector, the same answer as the SVector form
  auto lv_inplace = [](auto& du, const auto& u, const auto& p, auto) {
    du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
    du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
  };
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-9;
  const std::array p{1.5, 1.0, 3.0, 1.0};
  auto ref = sciml::solve(lv_prob(), sciml::Tsit5{}, o);
  auto vec = sciml::solve(sciml::ODEProblem(lv_inplace, std::vector{1.0, 1.0}, {0.0, 10.0}, p), sciml::Tsit5{}, o);
  EXPECT_EQ(vec.stats.naccept, ref.stats.naccept);
  EXPECT_DOUBLE_EQ(vec.u.back()[0], ref.u.back()[0]);
  // a span of the caller's data as u0
  std::array<double, 2> buf{1.0, 1.0};
  auto spn = sciml::solve(sciml::ODEProblem(lv_inplace, std::span<const double>(buf), {0.0, 10.0}, p), sciml::Tsit5{}, o);
  EXPECT_DOUBLE_EQ(spn.u.back()[1], ref.u.back()[1]);
  // float states: the same trajectory to float accuracy
  sciml::SolveOptions of;
  of.reltol = 1e-5;
  of.abstol = 1e-5;
  auto flt = sciml::solve(sciml::ODEProblem(sciml::problems::lotka_volterra, sciml::SVector<float, 2>{1.0f, 1.0f},
                                            {0.0f, 10.0f}, std::array{1.5f, 1.0f, 3.0f, 1.0f}),
                          sciml::Tsit5{}, of);
  ASSERT_EQ(flt.retcode, sciml::ReturnCode::Success);
  static_assert(std::is_same_v<decltype(flt.t)::value_type, float>);
  EXPECT_NEAR(flt.u.back()[0], ref.u.back()[0], 1e-3);
#ifdef SCIML_TEST_EIGEN
  auto eig = sciml::solve(sciml::ODEProblem(lv_inplace, Eigen::VectorXd{{1.0, 1.0}}, {0.0, 10.0}, p), sciml::Tsit5{}, o);
  EXPECT_DOUBLE_EQ(eig.u.back()[0], ref.u.back()[0]);
#endif
}

TEST(Options, PerComponentAbstol) {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = {1e-6, 1e-12};
  auto a = sciml::solve(lv_prob(), sciml::Tsit5{}, o);
  o.abstol = 1e-6;
  auto b = sciml::solve(lv_prob(), sciml::Tsit5{}, o);
  ASSERT_EQ(a.retcode, sciml::ReturnCode::Success);
  EXPECT_GT(a.stats.naccept, b.stats.naccept);  // the tighter component costs steps
}

TEST(Options, Controllers) {
  const auto exact = sciml::problems::kepler_exact(0.5, 6.0);
  auto prob = sciml::ODEProblem(sciml::problems::kepler, sciml::problems::kepler_exact(0.5, 0.0), {0.0, 6.0});
  for (auto ctrl : {sciml::IController(), sciml::PIController(), sciml::PIController(0.1, 0.04), sciml::PIDController(),
                    sciml::PIDController(1.0 / 6, 1.0 / 6, 0.0)}) {
    sciml::SolveOptions o;
    o.reltol = 1e-8;
    o.abstol = 1e-8;
    o.controller = ctrl;
    o.save_everystep = false;
    auto sol = sciml::solve(prob, sciml::Tsit5{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
    EXPECT_LT(std::abs(sol.u.back()[0] - exact[0]), 1e-5) << int(ctrl.kind);
    EXPECT_LT(sol.stats.nreject, sol.stats.naccept / 2) << int(ctrl.kind);
  }
}

TEST(Options, InitAndStep) {
  auto integ = sciml::init(lv_prob(), sciml::Tsit5{}, sciml::SolveOptions{});
  const auto dense = sciml::solve(lv_prob(), sciml::Tsit5{}, {});  // the same steps, with dense output
  int n = 0;
  double tlast = 0;
  while (integ.step()) {
    EXPECT_GT(integ.t, tlast);
    tlast = integ.t;
    // interpolation inside the step just taken: the solution's dense output over the same step
    const double tm = 0.5 * (integ.tprev + integ.t);
    const auto mid = integ(tm);
    EXPECT_NEAR(mid[0], dense(tm)[0], 1e-13);
    EXPECT_NEAR(mid[1], dense(tm)[1], 1e-13);
    ++n;
  }
  EXPECT_EQ(integ.retcode(), sciml::ReturnCode::Success);
  EXPECT_DOUBLE_EQ(integ.t, 10.0);
  EXPECT_EQ(n + 1, integ.sol.stats.naccept);
  auto sol = sciml::solve(lv_prob(), sciml::Tsit5{}, {});
  EXPECT_DOUBLE_EQ(integ.u[0], sol.u.back()[0]);
}

TEST(Options, ManualStepChangingU) {
  // u' = -u; at the first step past t = 1 u is doubled by hand: afterwards u = 2 u(t1) e^{-(t - t1)}
  auto f = [](auto& du, const auto& u, const auto&, auto) { du[0] = -u[0]; };
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-12;
  auto integ = sciml::init(sciml::ODEProblem(f, std::vector<double>{1.0}, {0.0, 3.0}), sciml::Tsit5{}, o);
  double t1 = -1;
  while (integ.step()) {
    if (t1 < 0 && integ.t > 1.0) {
      t1 = integ.t;
      integ.u[0] *= 2;
      integ.u_modified();
    }
  }
  EXPECT_NEAR(integ.u[0], 2 * std::exp(-3.0), 1e-9);
}

TEST(Options, ZeroLengthTspan) {
  auto sol = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {1.0, 1.0}), sciml::Tsit5{}, {});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
  ASSERT_EQ(sol.t.size(), 1u);
  EXPECT_EQ(sol.u[0][0], 1.0);
}
