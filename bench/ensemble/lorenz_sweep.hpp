// The ensemble benchmark problem of DiffEqGPU.jl: Lorenz with rho swept linearly over [0, 21], sigma = 10,
// beta = 8/3, u0 = (1, 0, 0), t in [0, 1]; only the end state is kept. Tsit5 with a fixed dt = 0.001 or
// adaptive at reltol = abstol = 1e-8; float or double. Shared by bench_ensemble_cpu and its MPI driver.
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>
#include <sciml/ensemble.hpp>

namespace bench_ensemble {

inline constexpr auto lorenz = [](const auto& u, const auto& p, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 3>{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
};

template <class T>
auto rho_sweep(std::size_t n) {
  std::vector<std::array<T, 3>> ps(n);
  for (std::size_t i = 0; i < n; ++i)
    ps[i] = {T(10), n > 1 ? T(21.0 * double(i) / double(n - 1)) : T(0), T(8.0 / 3.0)};
  return ps;
}

template <class T>
auto ensemble(std::size_t n) {
  auto prob = sciml::ODEProblem(lorenz, sciml::SVector<T, 3>{T(1), T(0), T(0)}, {T(0), T(1)},
                                std::array<T, 3>{T(10), T(28), T(8.0 / 3.0)});
  auto end_state = [](auto&& sol, std::size_t) { return sol.u.back(); };
  return sciml::with_output_func(sciml::ensemble_from_params(prob, rho_sweep<T>(n)), end_state);
}

inline sciml::SolveOptions options(bool adaptive) {
  sciml::SolveOptions o;
  o.save_everystep = false;
  o.save_start = false;
  if (adaptive) {
    o.reltol = 1e-8;
    o.abstol = 1e-8;
  } else {
    o.adaptive = false;
    o.dt = 0.001;
  }
  return o;
}

struct Timed {
  double median = 0;  // seconds per ensemble solve
  int repeats = 0;
  std::uint64_t hash = 0;  // FNV-1a of every end state's bytes: equal hashes, bitwise equal results
  std::size_t failures = 0;
  long nf = 0;  // right-hand-side calls over all trajectories
};

// Median over repeats (at least min_repeats, and until min_total seconds); sync() runs before each repeat
// (MPI_Barrier in the MPI driver).
template <class T, class Backend>
Timed time_ensemble(const Backend& backend, std::size_t n, bool adaptive, double min_total, int min_repeats,
                    const std::function<void()>& sync = {}) {
  const auto ens = ensemble<T>(n);
  const auto opts = options(adaptive);
  std::vector<double> ts;
  double total = 0;
  Timed r;
  while (int(ts.size()) < min_repeats || total < min_total) {
    if (sync) sync();
    const auto t0 = std::chrono::steady_clock::now();
    const auto esol = sciml::solve(ens, sciml::Tsit5{}, backend, opts);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ts.push_back(dt);
    total += dt;
    if (ts.size() == 1) {
      std::uint64_t h = 1469598103934665603ull;
      for (const auto& u : esol.u) {
        unsigned char b[sizeof u];
        std::memcpy(b, &u, sizeof u);
        for (unsigned char c : b) h = (h ^ c) * 1099511628211ull;
      }
      r.hash = h;
      r.failures = esol.failures;
      for (const auto& s : esol.stats) r.nf += s.nf;
    }
    if (ts.size() >= 1000) break;
  }
  std::sort(ts.begin(), ts.end());
  r.median = ts[ts.size() / 2];
  r.repeats = int(ts.size());
  return r;
}

}  // namespace bench_ensemble
