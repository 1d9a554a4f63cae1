// EnsembleSerial: the ensemble backend that solves every trajectory on the calling thread, in index order.
#pragma once
#include <cstddef>

namespace sciml {

struct EnsembleSerial {
  static constexpr bool is_cpu_ensemble_backend = true;

  // kernel(k) for k in [0, count), in order.
  template <class Kernel>
  void run(std::size_t count, Kernel& kernel) const {
    for (std::size_t k = 0; k < count; ++k) kernel(k);
  }
};

}  // namespace sciml
