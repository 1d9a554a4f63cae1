// Regression (issue 14): a compiled solve or an ensemble could not be stopped (Ctrl-C from Python did nothing
// while C++ stepped). SolveOptions::interrupt is read before every step attempt and before every ensemble
// trajectory starts; the Python package points it at its SIGINT flag.
#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>
#include <sciml/ensemble.hpp>
#include <sciml/ode.hpp>

namespace {
auto lorenz = [](const auto& u, const auto& p, auto) {
  return sciml::SVector<double, 3>{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
};
const std::array<double, 3> lp{10.0, 28.0, 8.0 / 3.0};
}  // namespace

TEST(InterruptFlag, SetBeforeTheSolveStopsAtOnceKeepingThePartialSolution) {
  std::atomic<bool> stop{true};
  sciml::SolveOptions o;
  o.interrupt = &stop;
  auto sol = sciml::solve(sciml::ODEProblem(lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 100.0}, lp), sciml::Tsit5{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Interrupted);
  EXPECT_FALSE(sol.success());
  EXPECT_NE(sol.message.find("interrupt"), std::string::npos);
  ASSERT_FALSE(sol.t.empty());
  EXPECT_EQ(sol.t.front(), 0.0);
}

TEST(InterruptFlag, SetFromAnotherThreadStopsALongSolveQuickly) {
  std::atomic<bool> stop{false};
  sciml::SolveOptions o;
  o.interrupt = &stop;
  o.reltol = 1e-12;
  o.abstol = 1e-12;
  o.maxiters = 1L << 40;
  o.save_everystep = false;
  std::chrono::steady_clock::time_point set_at;
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    set_at = std::chrono::steady_clock::now();
    stop = true;
  });
  // about 10^9 steps: minutes without the flag
  auto sol = sciml::solve(sciml::ODEProblem(lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e8}, lp), sciml::Vern9{}, o);
  const auto done = std::chrono::steady_clock::now();
  setter.join();
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Interrupted);
  EXPECT_LT(std::chrono::duration<double>(done - set_at).count(), 0.2);
  EXPECT_GT(sol.t.back(), 0.0);  // stopped midway, where it was
}

TEST(InterruptFlag, EnsembleSkipsTrajectoriesNotStarted) {
  std::atomic<bool> stop{false};
  sciml::SolveOptions o;
  o.interrupt = &stop;
  o.save_everystep = false;
  auto base = sciml::ODEProblem(lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 50.0}, lp);
  std::atomic<int> started{0};
  auto ens = sciml::EnsembleProblem(base, [&](const auto& prob, std::size_t i) {
    if (++started == 5) stop = true;  // Ctrl-C arrives during the fifth trajectory's set-up
    return prob;
  });
  auto es = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{2}, 10000, o);
  std::size_t interrupted = 0;
  for (auto r : es.retcodes) interrupted += r == sciml::ReturnCode::Interrupted;
  EXPECT_GT(interrupted, 9000u);
  EXPECT_LT(started.load(), 100);  // the rest never started
}
