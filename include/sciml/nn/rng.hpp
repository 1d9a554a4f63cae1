// Rng: a small counter-based random generator (SplitMix64, Steele, Lea & Flood 2014): the k-th number of a
// stream is a pure function of (seed, k), so the same seed gives the same numbers on every platform and
// compiler, and one CUDA thread can draw its own stream. Used for parameter initialisation.
#pragma once
#include <cstdint>
#include "../config.hpp"

namespace sciml::nn {

struct Rng {
  std::uint64_t seed = 0;
  std::uint64_t counter = 0;  // how many numbers this stream has produced

  constexpr Rng() = default;
  SCIML_HD constexpr explicit Rng(std::uint64_t s, std::uint64_t start = 0) : seed(s), counter(start) {}

  // the k-th 64-bit number of the stream of `seed` (SplitMix64's output function on seed + (k + 1) * gamma)
  SCIML_HD static constexpr std::uint64_t at(std::uint64_t seed, std::uint64_t k) {
    std::uint64_t z = seed + (k + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  SCIML_HD constexpr std::uint64_t next_u64() { return at(seed, counter++); }
  // uniform on [0, 1) with 53 random bits
  SCIML_HD constexpr double uniform() { return double(next_u64() >> 11) * 0x1.0p-53; }
  // uniform on [lo, hi)
  SCIML_HD constexpr double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
};

}  // namespace sciml::nn
