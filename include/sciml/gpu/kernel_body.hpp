// One thread's work in EnsembleGPUKernel, shared by the CUDA kernel and the host: trajectory i solved by
// solve_trajectory, its saved states written to out in the coalesced layout out[(j * n + c) * N + i] (save j,
// component c, trajectory i: neighbouring threads write neighbouring addresses), its ReturnCode to rc[i].
// run_kernel_on_host runs the same body over all trajectories on the CPU (tests, machines without a GPU).
#pragma once
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>
#include "../ensemble/thread_pool.hpp"
#include "trajectory.hpp"

namespace sciml {

// Saved states of an ensemble solved by the kernel: value(i, j, c) = component c of trajectory i at t[j].
template <class T>
struct KernelEnsembleResult {
  std::size_t trajectories = 0, n = 0;
  std::vector<T> t;                  // the saved times (saveat, or tf alone)
  std::vector<T> u;                  // out[(j * n + c) * trajectories + i]
  std::vector<T> u_end;              // the final state: u_end[c * trajectories + i] (at stats[i].t)
  std::vector<ReturnCode> retcodes;  // per trajectory
  std::vector<TrajectoryStats> stats;
  double seconds = 0;  // kernel (or host loop) time, transfers excluded
  T value(std::size_t i, std::size_t j, std::size_t c) const { return u[(j * n + c) * trajectories + i]; }
  T final_value(std::size_t i, std::size_t c) const { return u_end[c * trajectories + i]; }
  std::size_t failures() const {
    std::size_t k = 0;
    for (auto r : retcodes) k += successful_retcode(r) ? 0 : 1;
    return k;
  }
};

namespace detail {

template <class Alg, bool Inplace, class F, class State, class P, class T, class Callback>
SCIML_HD void kernel_body(std::size_t i, std::size_t N, const F& f, const State* u0, const P* p, T t0, T t1,
                          const KernelOptions<T>& o, const T* saveat, int nsave, T* out, T* u_end,
                          TrajectoryStats* stats, const Callback& cb) {
  const std::size_t n = state_size(u0[i]);
  auto save = [&](int j, const State& u) {
    for (std::size_t c = 0; c < n; ++c) out[(std::size_t(j) * n + c) * N + i] = u[c];
  };
  State u = u0[i];
  stats[i] = solve_trajectory<Alg, Inplace>(f, u, p[i], t0, t1, o, saveat, nsave, save, cb);
  for (std::size_t c = 0; c < n; ++c) u_end[c * N + i] = u[c];
}

// The saved times of a kernel solve: saveat, or tf alone; checked against tspan.
template <class T>
std::vector<T> kernel_save_times(const SolveOptions& o, T t0, T t1) {
  std::vector<T> ts;
  const T lo = t0 < t1 ? t0 : t1, hi = t0 < t1 ? t1 : t0;
  if (o.saveat.every > 0) {
    const double sp = o.saveat.every;
    const auto steps = static_cast<long>(std::floor(std::abs(double(t1 - t0)) / sp * (1 + 1e-12)));
    for (long k = 0; k <= steps; ++k) ts.push_back(T(double(t0) + (t1 >= t0 ? 1 : -1) * sp * double(k)));
    if (ts.back() != t1) ts.push_back(t1);
  } else if (!o.saveat.times.empty()) {
    for (double s : o.saveat.times) {
      if (!(T(s) >= lo && T(s) <= hi))
        throw std::invalid_argument("saveat: time " + std::to_string(s) + " is outside tspan");
      ts.push_back(T(s));
    }
    for (std::size_t k = 1; k < ts.size(); ++k)
      if (!((t1 >= t0) ? ts[k] > ts[k - 1] : ts[k] < ts[k - 1]))
        throw std::invalid_argument("saveat: the times must be strictly monotone in the direction of tspan");
  } else {
    ts.push_back(t1);
  }
  return ts;
}

}  // namespace detail

// The kernel body over trajectories 0..N-1 on the host: what each GPU thread computes. threads: CPU threads
// sharing the trajectories (ThreadPool::shared; 0: all cores); the results do not depend on it.
template <class Alg, class Prob, class State, class P, class Callback = NoKernelCallback>
KernelEnsembleResult<typename Prob::time_type> run_kernel_on_host(const Prob& prob, Alg, const std::vector<State>& u0,
                                                                  const std::vector<P>& p, const SolveOptions& opts,
                                                                  const Callback& cb = {}, unsigned threads = 1) {
  using T = typename Prob::time_type;
  if (u0.size() != p.size())
    throw std::invalid_argument("u0 / p: " + std::to_string(u0.size()) + " initial states for " +
                                std::to_string(p.size()) + " parameter sets");
  if (u0.empty()) throw std::invalid_argument("trajectories: at least one is needed");
  const T t0 = prob.tspan[0], t1 = prob.tspan[1];
  const auto o = kernel_options<Alg, T>(opts);
  KernelEnsembleResult<T> r;
  r.trajectories = u0.size();
  r.n = state_size(u0[0]);
  r.t = detail::kernel_save_times<T>(opts, t0, t1);
  r.u.assign(r.t.size() * r.n * r.trajectories, T(0));
  r.u_end.assign(r.n * r.trajectories, T(0));
  r.stats.resize(r.trajectories);
  const auto start = std::chrono::steady_clock::now();
  ThreadPool::shared(threads).parallel_for(r.trajectories, 64, [&](std::size_t i) {
    detail::kernel_body<Alg, Prob::inplace>(i, r.trajectories, prob.f, u0.data(), p.data(), t0, t1, o, r.t.data(),
                                            int(r.t.size()), r.u.data(), r.u_end.data(), r.stats.data(), cb);
  });
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.retcodes.resize(r.trajectories);
  for (std::size_t i = 0; i < r.trajectories; ++i) r.retcodes[i] = r.stats[i].retcode;
  return r;
}

}  // namespace sciml
