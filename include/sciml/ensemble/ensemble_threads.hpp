// EnsembleThreads: the ensemble backend that spreads trajectories over a thread pool (ThreadPool::shared). Each
// trajectory's result is stored at its index and trajectories never share data, so the results are bitwise the
// same for any thread count.
#pragma once
#include <algorithm>
#include <cstddef>
#include "thread_pool.hpp"

namespace sciml {

struct EnsembleThreads {
  static constexpr bool is_cpu_ensemble_backend = true;

  unsigned threads = 0;   // threads solving, the caller included; 0: std::thread::hardware_concurrency()
  std::size_t chunk = 0;  // trajectories a thread takes at a time; 0: count / (16 * threads), in [1, 64]

  // kernel(k) for k in [0, count), spread over the pool; returns when all are done.
  template <class Kernel>
  void run(std::size_t count, Kernel& kernel) const {
    ThreadPool& pool = ThreadPool::shared(threads);
    const std::size_t c = chunk > 0 ? chunk : std::clamp<std::size_t>(count / (16 * std::size_t(pool.size())), 1, 64);
    pool.parallel_for(count, c, kernel);
  }
};

}  // namespace sciml
