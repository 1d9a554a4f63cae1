// Callbacks: event times against analytic ones (bouncing ball, termination, crossing directions, vector
// conditions, a growing cell population that resizes the state), discrete and preset-time callbacks (dosing,
// parameter changes), and sets of callbacks.
#include <gtest/gtest.h>
#include <cmath>
#include <queue>
#include <sciml/ode.hpp>

namespace {
// times at which the solution holds a duplicated point: an event saved before and after its affect
template <class Sol>
std::vector<double> event_times(const Sol& sol) {
  std::vector<double> out;
  for (std::size_t i = 1; i < sol.t.size(); ++i)
    if (sol.t[i] == sol.t[i - 1]) out.push_back(sol.t[i]);
  return out;
}
}  // namespace

template <class Alg>
void bouncing_ball() {
  const double g = 9.81, h0 = 10.0, e = 0.9;
  auto ball = [](const auto& u, const auto& g, auto) { return sciml::SVector{u[1], -g}; };
  auto cb = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; },
                                      [e](auto& integ) { integ.u[1] = -e * integ.u[1]; });
  auto sol = sciml::solve(sciml::ODEProblem(ball, sciml::SVector{h0, 0.0}, {0.0, 12.0}, g), Alg{}, {}, cb);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  const auto times = event_times(sol);
  double t = std::sqrt(2 * h0 / g), v = std::sqrt(2 * g * h0);
  std::vector<double> exact;
  while (t < 12.0) {
    exact.push_back(t);
    v *= e;
    t += 2 * v / g;
  }
  ASSERT_EQ(times.size(), exact.size()) << Alg::name();
  EXPECT_EQ(sol.stats.nevents, long(exact.size()));
  for (std::size_t i = 0; i < exact.size(); ++i) EXPECT_NEAR(times[i], exact[i], 1e-11 * (i + 1)) << i;
  // the first bounce is located to machine precision
  EXPECT_NEAR(times[0], exact[0], 4 * std::numeric_limits<double>::epsilon() * exact[0]);
  // dense output after the last bounce follows the parabola
  const double tl = exact.back();
  (void)tl;
  const std::size_t j = exact.size() - 2;  // between the last two bounces
  const double vj = std::sqrt(2 * g * h0) * std::pow(e, double(j + 1)), dt = (exact[j + 1] - exact[j]) / 3;
  EXPECT_NEAR(sol(exact[j] + dt)[0], vj * dt - g / 2 * dt * dt, 1e-9);
}
TEST(ContinuousCallback, BouncingBallTsit5) { bouncing_ball<sciml::Tsit5>(); }
TEST(ContinuousCallback, BouncingBallVern7) { bouncing_ball<sciml::Vern7>(); }
TEST(ContinuousCallback, BouncingBallBS3Hermite) { bouncing_ball<sciml::BS3>(); }

TEST(ContinuousCallback, TerminateAtExactTime) {
  // u = e^t reaches 2 at t = ln 2; stop there
  auto f = [](const auto& u, const auto&, auto) { return u; };
  auto cb = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0] - 2.0; },
                                      [](auto& integ) { integ.terminate(); });
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 5.0}), sciml::Vern7{}, o, cb);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Terminated);
  EXPECT_NEAR(sol.t.back(), std::log(2.0), 1e-10);
  EXPECT_NEAR(sol.u.back()[0], 2.0, 1e-9);
}

TEST(ContinuousCallback, CrossingDirections) {
  // u = sin t on [0, 10]: downcrossings at pi and 3pi, upcrossings at 2pi
  auto f = [](const auto& u, const auto&, auto t) { return sciml::SVector{std::cos(t)}; };
  int ups = 0, downs = 0;
  auto both = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; }, [&](auto&) { ++ups; },
                                        [&](auto&) { ++downs; });
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  auto prob = sciml::ODEProblem(f, sciml::SVector{0.0}, {0.0, 10.0});
  auto sol = sciml::solve(prob, sciml::Tsit5{}, o, both);
  EXPECT_EQ(ups, 1);
  EXPECT_EQ(downs, 2);
  auto times = event_times(sol);
  ASSERT_EQ(times.size(), 3u);
  EXPECT_NEAR(times[0], M_PI, 1e-9);
  EXPECT_NEAR(times[1], 2 * M_PI, 1e-9);
  EXPECT_NEAR(times[2], 3 * M_PI, 1e-9);
  int only = 0;
  auto down_only = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; }, sciml::NoAffect{},
                                             [&](auto&) { ++only; });
  sciml::solve(prob, sciml::Tsit5{}, o, down_only);
  EXPECT_EQ(only, 2);
}

TEST(VectorContinuousCallback, WhichConditionFired) {
  auto f = [](const auto& u, const auto&, auto) { return sciml::SVector{1.0 + 0 * u[0]}; };  // u = t
  std::vector<std::pair<double, std::size_t>> fired;
  auto cb = sciml::VectorContinuousCallback(
      [](auto& out, const auto& u, auto, auto&) {
        out[0] = u[0] - 0.3;
        out[1] = u[0] - 0.7;
        out[2] = u[0] - 5.0;  // never reached
      },
      [&](auto& integ, std::size_t i) { fired.emplace_back(integ.t, i); }, 3);
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{0.0}, {0.0, 1.0}), sciml::Tsit5{}, {}, cb);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_NEAR(fired[0].first, 0.3, 1e-14);
  EXPECT_EQ(fired[0].second, 0u);
  EXPECT_NEAR(fired[1].first, 0.7, 1e-14);
  EXPECT_EQ(fired[1].second, 1u);
}

TEST(ContinuousCallback, GrowingCellPopulationResizesTheState) {
  // cell i's protein grows as u_i' = r_i u_i; at u_i = 1 the cell divides: it keeps 0.4 and a new cell n gets
  // 0.6 and the growth rate r_n = 1 + 0.1 n (pushed onto p by the affect; distinct rates avoid ties)
  auto f = [](auto& du, const auto& u, const auto& r, auto) {
    for (std::size_t i = 0; i < u.size(); ++i) du[i] = r[i] * u[i];
  };
  auto divide = sciml::ContinuousCallback(
      [](const auto& u, auto, auto&) { return *std::max_element(u.begin(), u.end()) - 1.0; },
      [](auto& integ) {
        const auto it = std::max_element(integ.u.begin(), integ.u.end());
        const std::size_t i = std::size_t(it - integ.u.begin()), n = integ.u.size();
        integ.u[i] = 0.4;
        integ.resize(n + 1);
        integ.u[n] = 0.6;
        integ.p.push_back(1.0 + 0.1 * double(n));
      },
      sciml::NoAffect{});
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  const double tf = 3.0;
  auto sol = sciml::solve(sciml::ODEProblem(f, std::vector{0.5}, {0.0, tf}, std::vector{1.0}), sciml::Tsit5{}, o, divide);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  // exact division times: a cell of size v and rate r at time t divides at t + ln(1/v)/r
  using Ev = std::pair<double, std::size_t>;
  std::priority_queue<Ev, std::vector<Ev>, std::greater<>> q;
  std::vector<double> rate{1.0};
  q.push({std::log(2.0), 0});
  std::vector<double> exact;
  while (!q.empty() && q.top().first < tf) {
    const auto [t, i] = q.top();
    q.pop();
    exact.push_back(t);
    const std::size_t n = rate.size();
    rate.push_back(1.0 + 0.1 * double(n));
    q.push({t + std::log(1 / 0.4) / rate[i], i});
    q.push({t + std::log(1 / 0.6) / rate[n], n});
  }
  const auto times = event_times(sol);
  for (std::size_t i = 0; i < std::min(times.size(), exact.size()); ++i)
    EXPECT_NEAR(times[i], exact[i], 1e-8) << i << " " << (i + 1 < exact.size() ? exact[i + 1] - exact[i] : 0);
  ASSERT_EQ(times.size(), exact.size());
  EXPECT_EQ(sol.u.back().size(), exact.size() + 1);
  // every cell's size at tf from its own clock
  EXPECT_GT(exact.size(), 6u);
  // dense output before a division still has the old size
  EXPECT_EQ(sol(0.5).size(), 1u);
  EXPECT_EQ(sol(tf).size(), exact.size() + 1);
  EXPECT_EQ(sol(exact[3] + 1e-9).size(), 5u);  // after the 4th division: 5 cells
  EXPECT_NEAR(sol(0.5)[0], 0.5 * std::exp(0.5), 1e-9);
}

TEST(DiscreteCallback, ConditionCheckedEveryStep) {
  long calls = 0;
  auto cb = sciml::DiscreteCallback([&](const auto&, auto, auto&) { ++calls; return false; }, [](auto&) {});
  auto f = [](const auto& u, const auto&, auto) { return -u; };
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 5.0}), sciml::Tsit5{}, {}, cb);
  EXPECT_EQ(calls, sol.stats.naccept);
  EXPECT_EQ(sol.stats.nevents, 0);
}

TEST(PresetTimeCallback, DosingAndParameterChange) {
  // u' = -k u with a dose of +1 at t = 2 and t = 5 (the integrator steps onto them exactly)
  auto f = [](const auto& u, const auto& k, auto) { return sciml::SVector{-k * u[0]}; };
  auto dose = sciml::PresetTimeCallback({2.0, 5.0}, [](auto& integ) { integ.u[0] += 1.0; });
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 8.0}, 0.5), sciml::Tsit5{}, o, dose);
  const double k = 0.5;
  const double u8 = ((std::exp(-k * 2) + 1) * std::exp(-k * 3) + 1) * std::exp(-k * 3);
  EXPECT_NEAR(sol.u.back()[0], u8, 1e-9);
  EXPECT_EQ(sol.stats.nevents, 2);
  EXPECT_NEAR(sol(2.0)[0], std::exp(-k * 2), 1e-9);  // left limit at the dose
  // change a parameter: u' = p, p goes from 1 to 2 at t = 1
  auto g = [](const auto& u, const auto& p, auto) { return sciml::SVector{p + 0 * u[0]}; };
  auto switch_p = sciml::PresetTimeCallback({1.0}, [](auto& integ) { integ.p = 2.0; });
  auto s2 = sciml::solve(sciml::ODEProblem(g, sciml::SVector{0.0}, {0.0, 2.0}, 1.0), sciml::Tsit5{}, {}, switch_p);
  EXPECT_NEAR(s2.u.back()[0], 3.0, 1e-12);
}

TEST(CallbackSet, EventsAndDosesTogether) {
  auto ball = [](const auto& u, const auto& g, auto) { return sciml::SVector{u[1], -g}; };
  auto bounce = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; },
                                          [](auto& integ) { integ.u[1] = -integ.u[1]; });
  int kicks = 0;
  auto kick = sciml::PresetTimeCallback({0.5}, [&](auto& integ) { ++kicks; integ.u[1] += 0.0; });
  auto sol = sciml::solve(sciml::ODEProblem(ball, sciml::SVector{1.0, 0.0}, {0.0, 1.0}, 9.81), sciml::Tsit5{}, {},
                          sciml::CallbackSet(bounce, kick));
  EXPECT_EQ(kicks, 1);
  const auto times = event_times(sol);
  ASSERT_GE(times.size(), 2u);
  EXPECT_NEAR(times[0], std::sqrt(2 / 9.81), 1e-12);  // the bounce, then the preset time in the next step
  EXPECT_EQ(times[1], 0.5);
}
