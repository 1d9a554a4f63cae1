// EnsembleDistributed under `mpirun -np 2`: every rank gets every trajectory's output, bitwise equal to the
// single solve (whole solutions with dense output, end states, reductions over batches), failing trajectories
// keep their ReturnCode, an exception names the same trajectory on every rank, and refused input is refused.
#include <gtest/gtest.h>
#include <mpi.h>
#include <cmath>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>
#include <sciml/ensemble.hpp>
#include <sciml/ensemble/distributed.hpp>
#include "common/lorenz_sweep.hpp"
#include "common/problems.hpp"

namespace {

using V3 = sciml::SVector<double, 3>;
using P3 = std::array<double, 3>;

using sciml::testing::lorenz_base;
using sciml::testing::rho_sweep;
using sciml::testing::tight;

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int world_size() {
  int r = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &r);
  return r;
}

template <class Sol>
void expect_same(const Sol& a, const Sol& b, std::size_t i) {
  SCOPED_TRACE("trajectory " + std::to_string(i) + " on rank " + std::to_string(world_rank()));
  EXPECT_EQ(a.retcode, b.retcode);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.stats.nf, b.stats.nf);
  ASSERT_EQ(a.t, b.t);
  ASSERT_EQ(a.u.size(), b.u.size());
  for (std::size_t k = 0; k < a.u.size(); ++k) ASSERT_TRUE(a.u[k] == b.u[k]);
  EXPECT_EQ(a.dense_h, b.dense_h);
  ASSERT_EQ(a.dense_k.size(), b.dense_k.size());
  for (std::size_t k = 0; k < a.dense_k.size(); ++k) ASSERT_TRUE(a.dense_k[k] == b.dense_k[k]);
  EXPECT_TRUE(a(0.3) == b(0.3));
}

}  // namespace

TEST(EnsembleDistributed, RunsOnTwoRanks) { EXPECT_EQ(world_size(), 2) << "run under mpirun -np 2"; }

TEST(EnsembleDistributed, EveryRankGetsEveryTrajectoryEqualToItsSingleSolve) {
  const auto ps = rho_sweep(25);  // odd: the ranks' shares differ by one
  const auto ens = sciml::ensemble_from_params(lorenz_base(), ps);
  for (unsigned threads : {1u, 2u}) {
    const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{MPI_COMM_WORLD, threads}, tight());
    ASSERT_EQ(esol.size(), ps.size());
    EXPECT_TRUE(esol.success());
    for (std::size_t i = 0; i < ps.size(); ++i) {
      auto prob = lorenz_base();
      prob.p = ps[i];
      expect_same(esol[i], sciml::solve(prob, sciml::Tsit5{}, tight()), i);
      EXPECT_EQ(esol.stats[i].nf, esol[i].stats.nf);
    }
  }
  // the same as the threads backend
  const auto local = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleThreads{2}, tight());
  const auto dist = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, tight());
  for (std::size_t i = 0; i < ps.size(); ++i) expect_same(dist[i], local[i], i);
  // fewer trajectories than ranks: one rank has nothing to do
  const auto one = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, 1, tight());
  ASSERT_EQ(one.size(), 1u);
  expect_same(one[0], local[0], 0);
}

TEST(EnsembleDistributed, EndStatesFailuresAndSummary) {
  std::vector<P3> ps = rho_sweep(11);
  ps[7][1] = 1e6;  // MaxIters
  auto end_state = [](auto&& sol, std::size_t) { return sol.u.back(); };
  const auto ens = sciml::with_output_func(sciml::ensemble_from_params(lorenz_base(), ps), end_state);
  auto opts = tight();
  opts.maxiters = 2000;
  opts.save_everystep = false;
  const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, opts);
  ASSERT_EQ(esol.size(), 11u);
  EXPECT_EQ(esol.failures, 1u);
  EXPECT_EQ(esol.retcodes[7], sciml::ReturnCode::MaxIters);
  EXPECT_FALSE(esol.messages[7].empty());
  for (std::size_t i = 0; i < ps.size(); ++i) {
    auto prob = lorenz_base();
    prob.p = ps[i];
    const auto single = sciml::solve(prob, sciml::Tsit5{}, opts);
    EXPECT_EQ(esol.retcodes[i], single.retcode) << i;
    EXPECT_TRUE(esol[i] == single.u.back()) << i;
  }
  const auto s = sciml::summarize(esol);
  EXPECT_EQ(s.trajectories, 10u);
  EXPECT_EQ(s.failures, 1u);
}

TEST(EnsembleDistributed, ReductionOverBatchesOnEveryRank) {
  const auto ps = rho_sweep(30);
  auto end_x = [](auto&& sol, std::size_t) { return sol.u.back()[0]; };
  auto sum = [](double acc, std::span<const double> batch, std::size_t first) {
    for (double v : batch) acc += v;
    return std::pair{acc, first + batch.size() >= 20};
  };
  auto opts = tight();
  opts.save_everystep = false;
  const auto ens = sciml::with_reduction(sciml::with_output_func(sciml::ensemble_from_params(lorenz_base(), ps), end_x),
                                         sum, 0.0, 10);
  const auto esol = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, opts);
  EXPECT_TRUE(esol.converged);
  EXPECT_EQ(esol.size(), 20u);
  const auto serial = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, opts);
  EXPECT_EQ(esol.u, serial.u);  // bitwise: same outputs, same order of additions
}

TEST(EnsembleDistributed, AnExceptionNamesTheSameTrajectoryOnEveryRank) {
  const auto ps = rho_sweep(20);
  // trajectories 3 and 15 (rank 1's) and 16 (rank 0's) refuse: every rank reports 3, rank 0 learning it from 1
  auto throwing = [ps](const auto& base, std::size_t i) {
    if (i == 3 || i == 15 || i == 16) throw std::invalid_argument("rho: refused");
    auto p = base;
    p.p = ps[i];
    return p;
  };
  const sciml::EnsembleProblem ens(lorenz_base(), throwing);
  try {
    sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, 20, tight());
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "trajectory 3: rho: refused");
  }
  // only rank 0's trajectory 18 fails: rank 1 learns of it too
  auto late = [ps](const auto& base, std::size_t i) {
    if (i == 18) throw std::runtime_error("late failure");
    auto p = base;
    p.p = ps[i];
    return p;
  };
  try {
    sciml::solve(sciml::EnsembleProblem(lorenz_base(), late), sciml::Tsit5{}, sciml::EnsembleDistributed{}, 20, tight());
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "trajectory 18: late failure");
  }
  // and the ranks still work together afterwards
  const auto ok = sciml::solve(sciml::ensemble_from_params(lorenz_base(), ps), sciml::Tsit5{}, sciml::EnsembleDistributed{}, tight());
  EXPECT_TRUE(ok.success());
}

TEST(EnsembleDistributed, RefusesBadInput) {
  const auto ens = sciml::ensemble_from_params(lorenz_base(), rho_sweep(4));
  EXPECT_THROW(sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, 0), std::invalid_argument);
  // ranks asking for different counts: refused on every rank, nothing hangs
  try {
    sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, world_rank() == 0 ? 3 : 4);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("trajectories"), std::string::npos) << e.what();
  }
  // one rank given an invalid count (0 here), the other a valid one: both throw, neither waits for the other
  try {
    sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleDistributed{}, world_rank() == 0 ? 0 : 4);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("trajectories"), std::string::npos) << e.what();
  }
  // the strided slots cover [0, count) once, counts differing by at most one
  for (std::size_t count : {0, 1, 2, 7, 100}) {
    for (int ranks : {1, 2, 3, 8}) {
      std::size_t total = 0;
      for (int r = 0; r < ranks; ++r) {
        const std::size_t s = sciml::EnsembleDistributed::slots_of(count, r, ranks);
        std::size_t direct = 0;
        for (std::size_t k = std::size_t(r); k < count; k += std::size_t(ranks)) ++direct;
        EXPECT_EQ(s, direct);
        EXPECT_LE(s, count / std::size_t(ranks) + 1);
        total += s;
      }
      EXPECT_EQ(total, count);
    }
  }
}

// On ranks other than 0: print failures only, marked with the rank.
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (r.failed())
      std::fprintf(stderr, "[rank %d] %s:%d: failure\n%s\n", world_rank(), r.file_name() ? r.file_name() : "?",
                   r.line_number(), r.summary());
  }
};

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  ::testing::InitGoogleTest(&argc, argv);
  // only rank 0 prints progress; failures on any rank still fail the run (nonzero exit)
  if (world_rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new RankFailurePrinter);
  }
  const int rc = RUN_ALL_TESTS();
  int worst = 0;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (world_rank() == 0 && rc == 0 && worst != 0) std::fprintf(stderr, "FAILED on another rank: see the [rank N] lines\n");
  MPI_Finalize();
  return worst;
}
