// bench_ensemble_mpi: the MPI part of bench_ensemble_cpu, run by it as `mpirun -np 2 bench_ensemble_mpi
// --max-k K [--wait S]`: EnsembleDistributed (one thread per rank) on the Lorenz rho sweep, N = 8 * 4^k, k = 0..K.
// A point measured while other processes used more than 5% of the machine is measured again after an idle wait
// (S seconds of waiting in all). Rank 0 prints one line per point:
// "<float|double> <fixed|adaptive> N median_seconds repeats hash failures others_share attempts".
#include <mpi.h>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include "cpu_share.hpp"
#include "lorenz_sweep.hpp"

namespace {

// All ranks sleep while rank 0 watches the machine, so waiting ranks do not spin inside MPI.
void wait_idle_all(double max_wait) {
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    const double busy = bench_ensemble::busy_share(1.0);
    int idle = busy <= 0.05 ||
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= max_wait;
    MPI_Bcast(&idle, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (idle) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int max_k = 5;
  unsigned threads = 1;
  double wait = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-k" && i + 1 < argc) max_k = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = unsigned(std::atoi(argv[++i]));
    else if (a == "--wait" && i + 1 < argc) wait = std::atof(argv[++i]);
  }
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (rank == 0) std::printf("ranks %d threads %u\n", ranks, threads);
  const auto barrier = [] { MPI_Barrier(MPI_COMM_WORLD); };
  const sciml::EnsembleDistributed backend{MPI_COMM_WORLD, threads};
  const bench_ensemble::WaitBudget budget(wait);
  if (wait > 0) wait_idle_all(budget.left());
  auto point = [&](auto zero, const char* type, bool adaptive) {
    using T = decltype(zero);
    for (int k = 0; k <= max_k; ++k) {
      const std::size_t n = std::size_t(8) << (2 * k);
      // a repeat count every rank agrees on (timing-driven loops could differ between ranks)
      const int repeats = int(std::max<std::size_t>(3, std::min<std::size_t>(100, 4096 / n)));
      bench_ensemble::Timed r;
      double others = 0;
      int attempt = 1;
      for (;; ++attempt) {
        barrier();
        const auto a = bench_ensemble::cpu_sample();
        r = bench_ensemble::time_ensemble<T>(backend, n, adaptive, 0.0, repeats, barrier);
        const auto b = bench_ensemble::cpu_sample();
        double own = b.self - a.self, own_all = 0;
        MPI_Reduce(&own, &own_all, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        others = bench_ensemble::others_share(a, b, own_all);
        int again = others > 0.05 && attempt < 10 && budget.left() > 0;
        MPI_Bcast(&again, 1, MPI_INT, 0, MPI_COMM_WORLD);
        MPI_Bcast(&others, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        if (!again) break;
        wait_idle_all(budget.left());
      }
      if (rank == 0)
        std::printf("%s %s %zu %.9e %d %016" PRIx64 " %zu %.4f %d\n", type, adaptive ? "adaptive" : "fixed", n,
                    r.median, r.repeats, r.hash, r.failures, others, attempt);
      std::fflush(stdout);
    }
  };
  point(float{}, "float", false);
  point(float{}, "float", true);
  point(double{}, "double", false);
  point(double{}, "double", true);
  MPI_Finalize();
  return 0;
}
