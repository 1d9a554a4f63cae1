// Ensembles on the CPU: every trajectory equals its single solve bitwise (serial and threads, Tsit5 on the
// DiffEqGPU Lorenz rho sweep, Rodas5P on Lotka-Volterra with per-trajectory u0 and p); results do not depend on
// the thread count; a failing trajectory keeps its ReturnCode while the rest succeed; exceptions name the lowest
// failing trajectory; summary statistics against numpy; reductions over batches; refused input.
#include <gtest/gtest.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>
#include <sciml/ensemble.hpp>
#include "common/expect_invalid.hpp"
#include "common/lorenz_sweep.hpp"
#include "common/problems.hpp"

namespace {

using sciml::SVector;
using V3 = SVector<double, 3>;
using P3 = std::array<double, 3>;

using sciml::testing::expect_invalid;
using sciml::testing::lorenz_base;
using sciml::testing::rho_sweep;
using sciml::testing::tight;

// Bitwise the same solution: saved points, ReturnCode, counters, dense output.
template <class Sol>
void expect_same(const Sol& a, const Sol& b, std::size_t i) {
  SCOPED_TRACE("trajectory " + std::to_string(i));
  EXPECT_EQ(a.retcode, b.retcode);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.stats.nf, b.stats.nf);
  EXPECT_EQ(a.stats.naccept, b.stats.naccept);
  ASSERT_EQ(a.t, b.t);
  ASSERT_EQ(a.u.size(), b.u.size());
  for (std::size_t k = 0; k < a.u.size(); ++k) ASSERT_TRUE(a.u[k] == b.u[k]) << "saved point " << k;
  EXPECT_EQ(a.dense, b.dense);
  EXPECT_EQ(a.dense_h, b.dense_h);
  ASSERT_EQ(a.dense_k.size(), b.dense_k.size());
  for (std::size_t k = 0; k < a.dense_k.size(); ++k) ASSERT_TRUE(a.dense_k[k] == b.dense_k[k]);
}

}  // namespace

TEST(Ensemble, LorenzRhoSweepSerialEqualsSingleSolves) {
  const auto ps = rho_sweep(24);
  const auto ens = sciml::ensemble_from_params(lorenz_base(), ps);
  const auto opts = tight();
  const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, opts);
  ASSERT_EQ(esol.size(), ps.size());
  EXPECT_TRUE(esol.success());
  EXPECT_EQ(esol.failures, 0u);
  EXPECT_GE(esol.elapsed, 0.0);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    auto prob = lorenz_base();
    prob.p = ps[i];
    expect_same(esol[i], sciml::solve(prob, sciml::Tsit5{}, opts), i);
    EXPECT_EQ(esol.retcodes[i], sciml::ReturnCode::Success);
    EXPECT_EQ(esol.stats[i].nf, esol[i].stats.nf);
  }
  // rho < 1: the origin attracts; rho = 21 > 1: it does not
  EXPECT_LT(std::abs(esol[1].u.back()[0]), 1.0);
  EXPECT_GT(std::abs(esol[23].u.back()[0]), 1.0);
}

TEST(Ensemble, ThreadsGiveTheSameResultsForAnyThreadCount) {
  const auto ps = rho_sweep(37);  // not a multiple of any thread count
  const auto ens = sciml::ensemble_from_params(lorenz_base(), ps);
  const auto opts = tight();
  const auto serial = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, opts);
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(5)}) {
      SCOPED_TRACE("threads " + std::to_string(threads) + ", chunk " + std::to_string(chunk));
      const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{threads, chunk}, opts);
      ASSERT_EQ(esol.size(), ps.size());
      EXPECT_EQ(esol.retcodes, serial.retcodes);
      for (std::size_t i = 0; i < ps.size(); ++i) expect_same(esol[i], serial[i], i);
    }
  }
  // the trajectory count given explicitly: a prefix of the arrays
  const auto part = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{2}, 5, opts);
  ASSERT_EQ(part.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) expect_same(part[i], serial[i], i);
}

TEST(Ensemble, LotkaVolterraPerTrajectoryU0AndPStiffSolver) {
  using V2 = SVector<double, 2>;
  using P4 = std::array<double, 4>;
  auto base = sciml::ODEProblem(sciml::problems::lotka_volterra, V2{1.0, 1.0}, {0.0, 10.0}, P4{1.5, 1.0, 3.0, 1.0});
  std::vector<V2> u0s;
  std::vector<P4> ps;
  for (int i = 0; i < 12; ++i) {
    u0s.push_back(V2{0.5 + 0.1 * i, 1.0 + 0.05 * i});
    ps.push_back(P4{1.5 - 0.02 * i, 1.0, 3.0 + 0.1 * i, 1.0});
  }
  const auto ens = sciml::ensemble_from_arrays(base, u0s, ps);
  sciml::SolveOptions opts;
  opts.reltol = 1e-6;
  opts.abstol = 1e-6;
  opts.saveat = 0.5;
  const auto esol = sciml::solve(ens, sciml::Rodas5P{}, sciml::EnsembleThreads{3}, opts);
  ASSERT_EQ(esol.size(), 12u);
  EXPECT_TRUE(esol.success());
  for (std::size_t i = 0; i < 12; ++i) {
    const auto single = sciml::solve(sciml::ODEProblem(sciml::problems::lotka_volterra, u0s[i], {0.0, 10.0}, ps[i]),
                                     sciml::Rodas5P{}, opts);
    expect_same(esol[i], single, i);
    EXPECT_EQ(esol[i].t.size(), 21u);
    EXPECT_TRUE(esol[i].u.front() == u0s[i]);
  }
  // per-trajectory u0 only
  const auto e2 = sciml::solve(sciml::ensemble_from_u0s(base, u0s), sciml::Rodas5P{}, sciml::EnsembleSerial{}, opts);
  for (std::size_t i = 0; i < 12; ++i) {
    auto prob = base;
    prob.u0 = u0s[i];
    expect_same(e2[i], sciml::solve(prob, sciml::Rodas5P{}, opts), i);
  }
}

TEST(Ensemble, AFailingTrajectoryKeepsItsReturnCodeAndTheRestSucceed) {
  // rho = 1e6: oscillations far too fast for 2000 steps of Tsit5 -> MaxIters; the others need a few hundred.
  std::vector<P3> ps = rho_sweep(9);
  ps[4][1] = 1e6;
  const auto ens = sciml::ensemble_from_params(lorenz_base(), ps);
  auto opts = tight();
  opts.maxiters = 2000;
  for (unsigned threads : {1u, 2u, 3u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{threads}, opts);
    ASSERT_EQ(esol.size(), 9u);
    EXPECT_EQ(esol.retcodes[4], sciml::ReturnCode::MaxIters);
    EXPECT_FALSE(esol.messages[4].empty());
    EXPECT_FALSE(esol.success());
    EXPECT_FALSE(esol.success(4));
    EXPECT_EQ(esol.failures, 1u);
    EXPECT_EQ(esol.failed(), std::vector<std::size_t>{4});
    EXPECT_FALSE(esol[4].t.empty());  // the partial solution is kept
    for (std::size_t i = 0; i < 9; ++i) {
      if (i == 4) continue;
      EXPECT_EQ(esol.retcodes[i], sciml::ReturnCode::Success) << i;
      auto prob = lorenz_base();
      prob.p = ps[i];
      expect_same(esol[i], sciml::solve(prob, sciml::Tsit5{}, opts), i);
    }
    // statistics leave the failed trajectory out
    auto o2 = opts;
    o2.saveat = 0.25;
    const auto s = sciml::summarize(sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{threads}, o2));
    EXPECT_EQ(s.trajectories, 8u);
    EXPECT_EQ(s.failures, 1u);
  }
}

TEST(Ensemble, AnExceptionFromUserCodeNamesTheLowestFailingTrajectory) {
  const auto ps = rho_sweep(40);
  auto throwing = [ps](const auto& base, std::size_t i) {
    if (i == 13 || i == 29) throw std::invalid_argument("rho: trajectory parameters refused");
    auto p = base;
    p.p = ps[i];
    return p;
  };
  const sciml::EnsembleProblem ens(lorenz_base(), throwing);
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    try {
      sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{threads, 1}, 40, tight());
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), "trajectory 13: rho: trajectory parameters refused") << threads;
      try {
        std::rethrow_if_nested(e);
        ADD_FAILURE() << "the original is not nested";
      } catch (const std::invalid_argument& orig) {
        EXPECT_EQ(std::string(orig.what()), "rho: trajectory parameters refused");
      }
    }
  }
  // refused input inside a trajectory: a NaN initial value
  std::vector<V3> u0s(6, V3{1.0, 0.0, 0.0});
  u0s[3][0] = std::numeric_limits<double>::quiet_NaN();
  expect_invalid([&] { sciml::solve(sciml::ensemble_from_u0s(lorenz_base(), u0s), sciml::Tsit5{}, sciml::EnsembleThreads{2}); },
                 "trajectory 3: u0");
  // output_func throwing something else keeps its class
  auto bad_out = [](auto&& sol, std::size_t i) -> double {
    if (i == 2) throw std::runtime_error("output refused");
    return sol.u.back()[0];
  };
  try {
    sciml::solve(sciml::EnsembleProblem(lorenz_base(), sciml::DefaultProbFunc{}, bad_out), sciml::Tsit5{},
                 sciml::EnsembleSerial{}, 4);
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "trajectory 2: output refused");
  }
}

TEST(Ensemble, OutputFuncKeepsWhatIsAskedFor) {
  const auto ps = rho_sweep(10);
  auto end_state = [](auto&& sol, std::size_t) { return sol.u.back(); };
  const auto ens = sciml::with_output_func(sciml::ensemble_from_params(lorenz_base(), ps), end_state);
  auto opts = tight();
  opts.save_everystep = false;
  const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{2}, opts);
  static_assert(std::is_same_v<decltype(esol.u), std::vector<V3>>);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    auto prob = lorenz_base();
    prob.p = ps[i];
    EXPECT_TRUE(esol[i] == sciml::solve(prob, sciml::Tsit5{}, opts).u.back()) << i;
  }
  // statistics of states: one row
  const auto s = sciml::summarize(esol, {0.5});
  EXPECT_TRUE(s.t.empty());
  ASSERT_EQ(s.mean.size(), 1u);
  double m0 = 0;
  for (const auto& u : esol.u) m0 += u[0];
  EXPECT_NEAR(s.mean[0][0], m0 / 10, 1e-14);
}

TEST(Ensemble, ReductionOverBatches) {
  const auto ps = rho_sweep(40);
  auto end_x = [](auto&& sol, std::size_t) { return sol.u.back()[0]; };
  std::vector<std::size_t> firsts;
  auto sum = [&firsts](double acc, std::span<const double> batch, std::size_t first) {
    firsts.push_back(first);
    for (double v : batch) acc += v;
    return std::pair{acc, false};
  };
  auto opts = tight();
  opts.save_everystep = false;
  const auto ens = sciml::with_reduction(sciml::with_output_func(sciml::ensemble_from_params(lorenz_base(), ps), end_x),
                                         sum, 0.0, 7);
  const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{3}, opts);
  static_assert(std::is_same_v<decltype(esol.u), double>);
  EXPECT_EQ(firsts, (std::vector<std::size_t>{0, 7, 14, 21, 28, 35}));
  EXPECT_EQ(esol.size(), 40u);
  EXPECT_FALSE(esol.converged);
  double direct = 0;  // the same order of additions: bitwise equal
  for (std::size_t i = 0; i < ps.size(); ++i) {
    auto prob = lorenz_base();
    prob.p = ps[i];
    direct += sciml::solve(prob, sciml::Tsit5{}, opts).u.back()[0];
  }
  EXPECT_EQ(esol.u, direct);

  // converged after three batches: the rest are not solved
  auto mean_until = [](std::pair<double, std::size_t> acc, std::span<const double> batch, std::size_t first) {
    for (double v : batch) acc.first += v;
    acc.second += batch.size();
    return std::pair{acc, first + batch.size() >= 21};
  };
  const auto ens2 = sciml::with_reduction(ens, mean_until, std::pair<double, std::size_t>{0.0, 0}, 7);
  const auto e2 = sciml::solve(ens2, sciml::Tsit5{}, sciml::EnsembleSerial{}, opts);
  EXPECT_TRUE(e2.converged);
  EXPECT_EQ(e2.size(), 21u);
  EXPECT_EQ(e2.u.second, 21u);
  // a reduction returning only the value never converges
  auto count = [](int acc, std::span<const double> batch, std::size_t) { return acc + int(batch.size()); };
  const auto e3 = sciml::solve(sciml::with_reduction(ens, count, 0, 16), sciml::Tsit5{}, sciml::EnsembleSerial{}, opts);
  EXPECT_EQ(e3.u, 40);
}

TEST(Ensemble, ACallbackIsCopiedIntoEveryTrajectory) {
  // a kick of x at t = 0.5 in every trajectory, the same as in the single solves
  const auto ps = rho_sweep(6);
  auto kick = sciml::PresetTimeCallback({0.5}, [](auto& integ) { integ.u[0] += 1.0; });
  const auto esol = sciml::solve(sciml::ensemble_from_params(lorenz_base(), ps), sciml::Tsit5{},
                                 sciml::EnsembleThreads{2}, tight(), kick);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    auto prob = lorenz_base();
    prob.p = ps[i];
    const auto single = sciml::solve(prob, sciml::Tsit5{}, tight(), kick);
    expect_same(esol[i], single, i);
    EXPECT_EQ(esol[i].stats.nevents, 1);
  }
}

TEST(Ensemble, SummaryMatchesNumpy) {
  // x = [3, 1, 4, 1, 5, 9, 2, 6, 5.5, 3.25] (component 0) and 2x (component 1) as state outputs:
  // numpy: mean 3.975, var(ddof=1) 6.200694444444445, quantile(x, [0, .05, .3, .5, .95, 1]) =
  // [1.0, 1.0, 2.6999999999999997, 3.625, 7.649999999999997, 9.0]
  const std::vector<double> x{3, 1, 4, 1, 5, 9, 2, 6, 5.5, 3.25};
  sciml::EnsembleSolution<SVector<double, 2>> es;
  for (double v : x) {
    es.u.push_back(SVector<double, 2>{v, 2 * v});
    es.retcodes.push_back(sciml::ReturnCode::Success);
  }
  // a failed trajectory with an outlier is left out
  es.u.push_back(SVector<double, 2>{1e9, 1e9});
  es.retcodes.push_back(sciml::ReturnCode::Unstable);
  const std::vector<double> levels{0, 0.05, 0.3, 0.5, 0.95, 1};
  const std::vector<double> np_q{1.0, 1.0, 2.6999999999999997, 3.625, 7.649999999999997, 9.0};
  const auto s = sciml::summarize(es, levels);
  EXPECT_EQ(s.trajectories, 10u);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_NEAR(s.mean[0][0], 3.975, 1e-15);
  EXPECT_NEAR(s.mean[0][1], 2 * 3.975, 1e-14);
  EXPECT_NEAR(s.variance[0][0], 6.200694444444445, 1e-14);
  EXPECT_NEAR(s.variance[0][1], 4 * 6.200694444444445, 1e-13);
  for (std::size_t j = 0; j < levels.size(); ++j) {
    EXPECT_NEAR(s.quantiles[j][0][0], np_q[j], 1e-14) << levels[j];
    EXPECT_NEAR(s.quantiles[j][0][1], 2 * np_q[j], 1e-14) << levels[j];
  }
  // one trajectory: variance NaN (numpy's var(ddof=1) of one value), quantiles the value
  sciml::EnsembleSolution<SVector<double, 2>> one;
  one.u = {SVector<double, 2>{2.0, 3.0}};
  one.retcodes = {sciml::ReturnCode::Success};
  const auto s1 = sciml::summarize(one);
  EXPECT_TRUE(std::isnan(s1.variance[0][0]));
  EXPECT_EQ(s1.quantiles[0][0][1], 3.0);
  // nothing left to summarize
  one.retcodes = {sciml::ReturnCode::MaxIters};
  expect_invalid([&] { sciml::summarize(one); }, "esol");
}

TEST(Ensemble, SummaryOverTimeOfALorenzSweep) {
  const auto ps = rho_sweep(15);
  auto opts = tight();
  opts.saveat = 0.1;
  const auto esol = sciml::solve(sciml::ensemble_from_params(lorenz_base(), ps), sciml::Tsit5{}, sciml::EnsembleThreads{2}, opts);
  const auto s = sciml::summarize(esol, {0.1, 0.5, 0.9});
  ASSERT_EQ(s.t.size(), 11u);
  EXPECT_EQ(s.t, std::vector<double>(esol[0].t.begin(), esol[0].t.end()));
  for (std::size_t i = 0; i < s.t.size(); ++i) {
    for (std::size_t k = 0; k < 3; ++k) {
      std::vector<double> v;
      for (std::size_t m = 0; m < ps.size(); ++m) v.push_back(esol[m].u[i][k]);
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
      double ss = 0;
      for (double a : v) ss += (a - mean) * (a - mean);
      std::sort(v.begin(), v.end());
      const double tol = 1e-13 * (1 + std::abs(mean));
      EXPECT_NEAR(s.mean[i][k], mean, tol);
      EXPECT_NEAR(s.variance[i][k], ss / double(v.size() - 1), 1e-12 * (1 + ss));
      // numpy linear: h = (n - 1) q = 14 q
      EXPECT_NEAR(s.quantiles[1][i][k], v[7], 0);
      EXPECT_NEAR(s.quantiles[0][i][k], v[1] + 0.4 * (v[2] - v[1]), tol + 1e-13 * std::abs(v[2]));
      EXPECT_NEAR(s.quantiles[2][i][k], v[12] + 0.6 * (v[13] - v[12]), tol + 1e-13 * std::abs(v[13]));
    }
  }
  // at t = 0 every trajectory is (1, 0, 0)
  EXPECT_EQ(s.mean[0][0], 1.0);
  EXPECT_EQ(s.variance[0][0], 0.0);
  // summarize_at interpolates each solution (the saveat points are exact)
  const auto sa = sciml::summarize_at(esol, {0.0, 0.5, 1.0});
  EXPECT_NEAR(sa.mean[1][0], s.mean[5][0], 1e-12);
  EXPECT_NEAR(sa.mean[2][2], s.mean[10][2], 1e-12);
  // adaptive saving: the grids differ and summarize says what to do
  const auto adaptive = sciml::solve(sciml::ensemble_from_params(lorenz_base(), ps), sciml::Tsit5{}, sciml::EnsembleSerial{}, tight());
  expect_invalid([&] { sciml::summarize(adaptive); }, "saveat");
  const auto sd = sciml::summarize_at(adaptive, {0.5});  // dense output: fine
  EXPECT_NEAR(sd.mean[0][0], s.mean[5][0], 1e-6);
  expect_invalid([&] { sciml::summarize(esol, {1.5}); }, "quantiles");
}

TEST(Ensemble, RefusesBadInputNamingTheArgument) {
  const auto ens = sciml::ensemble_from_params(lorenz_base(), rho_sweep(4));
  expect_invalid([&] { sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, 0); }, "trajectories");
  expect_invalid([&] { sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{}, -3); }, "trajectories");
  expect_invalid([&] { sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, 5); }, "trajectories");
  const sciml::EnsembleProblem plain(lorenz_base());
  expect_invalid([&] { sciml::solve(plain, sciml::Tsit5{}, sciml::EnsembleSerial{}); }, "trajectories");
  expect_invalid([&] { sciml::ensemble_from_arrays(lorenz_base(), std::vector<V3>(3), rho_sweep(4)); }, "u0s");
  expect_invalid([&] { sciml::ensemble_from_params(lorenz_base(), std::vector<P3>{}); }, "params");
  expect_invalid([&] { sciml::ensemble_from_u0s(lorenz_base(), std::vector<V3>{}); }, "u0s");
  expect_invalid([&] { sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{unsigned(-1)}); }, "threads");
  auto bad = tight();
  bad.reltol = -1;
  expect_invalid([&] { sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{2}, bad); }, "reltol");
  // the default ensemble: every trajectory solves the base problem
  const auto same = sciml::solve(plain, sciml::Tsit5{}, sciml::EnsembleThreads{2}, 3, tight());
  expect_same(same[2], sciml::solve(lorenz_base(), sciml::Tsit5{}, tight()), 2);
}

TEST(Ensemble, SerializationRoundTripsASolution) {
  auto prob = lorenz_base();
  const auto sol = sciml::solve(prob, sciml::Tsit5{}, tight());
  sciml::ByteWriter w;
  sciml::serialize(w, sol);
  const std::vector<std::pair<double, std::string>> extra{{1.5, "a"}, {-2.0, ""}, {3.0, "xyz"}};
  sciml::serialize(w, extra);
  sciml::ByteReader r(w.buf.data(), w.buf.size());
  std::decay_t<decltype(sol)> back;
  sciml::deserialize(r, back);
  std::vector<std::pair<double, std::string>> extra_back;
  sciml::deserialize(r, extra_back);
  EXPECT_EQ(r.remaining(), 0u);
  expect_same(back, sol, 0);
  EXPECT_TRUE(back(0.37) == sol(0.37));
  EXPECT_EQ(extra_back, extra);
  // a truncated message is refused, not read past its end
  sciml::ByteReader cut(w.buf.data(), 100);
  std::decay_t<decltype(sol)> part;
  EXPECT_THROW(sciml::deserialize(cut, part), std::runtime_error);
  static_assert(sciml::is_serializable_v<std::decay_t<decltype(sol)>>);
  static_assert(sciml::is_serializable_v<std::vector<V3>>);
  static_assert(!sciml::is_serializable_v<double*>);
  static_assert(!sciml::is_serializable_v<std::vector<std::vector<int*>>>);
}

TEST(ThreadPool, RunsEveryIndexOnceNestsAndRethrows) {
  sciml::ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  for (std::size_t chunk : {1, 4, 1000}) {
    std::vector<std::atomic<int>> hits(1001);
    pool.parallel_for(hits.size(), chunk, [&](std::size_t i) { hits[i]++; });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  }
  // nested: the inner loop runs serially instead of waiting on the busy pool
  std::atomic<int> inner{0};
  pool.parallel_for(8, 1, [&](std::size_t) { pool.parallel_for(5, 1, [&](std::size_t) { inner++; }); });
  EXPECT_EQ(inner.load(), 40);
  EXPECT_THROW(pool.parallel_for(100, 1, [](std::size_t i) { if (i == 50) throw std::runtime_error("x"); }),
               std::runtime_error);
  // usable afterwards, and the shared pools are reused
  std::atomic<int> n{0};
  pool.parallel_for(10, 2, [&](std::size_t) { n++; });
  EXPECT_EQ(n.load(), 10);
  EXPECT_EQ(&sciml::ThreadPool::shared(2), &sciml::ThreadPool::shared(2));
}
