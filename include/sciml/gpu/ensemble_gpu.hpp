// EnsembleGPUKernel as an ensemble backend: solve(ensemble, alg, EnsembleGPUKernel{}, trajectories, opts).
// prob_func runs on the host for every trajectory and its u0 and p are gathered into arrays (f and tspan are the
// ensemble's own: a prob_func that changes tspan is refused); one kernel solves all trajectories, one CUDA thread
// each (ensemble_gpu_kernel.cuh, so the calling file must be compiled by nvcc); each trajectory then becomes an
// ODESolution holding the saveat times it reached (or the end point), its ReturnCode and counters, and goes
// through output_func as on the CPU backends. EnsembleGPUKernel{.on_host = true} runs the same kernel body on
// the CPU instead (no device, no nvcc needed). Reductions run on the CPU backends only.
#pragma once
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "../ensemble/ensemble_problem.hpp"
#include "../ensemble/ensemble_solution.hpp"
#include "../ensemble/solve_ensemble.hpp"
#include "../solution/ode_solution.hpp"
#include "kernel_body.hpp"
#if defined(__CUDACC__)
#include "ensemble_gpu_kernel.cuh"
#endif

namespace sciml {

struct EnsembleGPUKernel {
  bool on_host = false;       // run the kernel body on the CPU (tests, machines without a device)
  int block_size = 64;        // CUDA threads per block
  unsigned host_threads = 0;  // on_host: CPU threads sharing the trajectories (0: all cores)
};

namespace detail {

template <class Ens, class Alg, class Callback>
auto solve_gpu_ensemble(const Ens& ens, Alg alg, const EnsembleGPUKernel& backend, std::size_t n,
                        const SolveOptions& opts, const Callback& cb) {
  static_assert(!Ens::has_reduction, "EnsembleGPUKernel: reductions are supported by the CPU backends only");
  using Prob = typename Ens::problem_type;
  using State = typename Prob::state_type;
  using TrajProb = std::remove_cvref_t<decltype(ens.prob_func(ens.prob, std::size_t{}))>;
  using P = typename TrajProb::param_type;
  using Sol = ODESolution<State, Alg>;
  using Out = std::remove_cvref_t<decltype(ens.output_func(std::declval<Sol&&>(), std::size_t{}))>;
  static_assert(std::is_same_v<typename TrajProb::state_type, State>,
                "EnsembleGPUKernel: prob_func must keep the state type of the ensemble's problem");
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<State> u0(n);
  std::vector<P> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const TrajProb pi = ens.prob_func(ens.prob, i);
    if (pi.tspan != ens.prob.tspan)
      throw std::invalid_argument("prob_func: trajectory " + std::to_string(i) +
                                  " changes tspan; EnsembleGPUKernel solves every trajectory over the ensemble's tspan");
    u0[i] = pi.u0;
    p[i] = pi.p;
  }
  // the kernel runs the ensemble's f with each trajectory's p
  const ODEProblem<decltype(ens.prob.f), State, P> base(ens.prob.f, u0[0], ens.prob.tspan, p[0]);
  KernelEnsembleResult<typename Prob::time_type> r;
  if (backend.on_host) {
    r = run_kernel_on_host(base, alg, u0, p, opts, cb, backend.host_threads);
  } else {
#if defined(__CUDACC__)
    r = solve_gpu_kernel(base, alg, u0, p, opts, backend.block_size, cb);
#else
    throw std::runtime_error("EnsembleGPUKernel: this file was not compiled by nvcc, so it has no kernel; compile it "
                             "with nvcc (docs/gpu.md) or use EnsembleGPUKernel{.on_host = true}");
#endif
  }
  EnsembleSolution<Out> es;
  es.u.resize(n);
  es.retcodes.resize(n);
  es.messages.resize(n);
  es.stats.resize(n);
  const std::size_t dim = r.n;
  for (std::size_t i = 0; i < n; ++i) {
    const TrajectoryStats& st = r.stats[i];
    Sol sol;
    sol.retcode = st.retcode;
    if (!successful_retcode(st.retcode))
      sol.message = "the kernel's solve stopped with " + std::string(to_string(st.retcode)) +
                    " (the GPU kernel keeps no message; solve this trajectory on the CPU for the details)";
    sol.stats.nf = st.nf;
    sol.stats.naccept = st.naccept;
    sol.stats.nreject = st.nreject;
    sol.stats.nsteps = st.naccept + st.nreject;
    sol.stats.nevents = st.nevents;
    for (int j = 0; j < st.saved; ++j) {
      sol.t.push_back(r.t[std::size_t(j)]);
      State x = u0[i];
      for (std::size_t c = 0; c < dim; ++c) x[c] = r.value(i, std::size_t(j), c);
      sol.u.push_back(x);
    }
    if (st.retcode == ReturnCode::Terminated && (sol.t.empty() || double(sol.t.back()) != st.t)) {
      State x = u0[i];  // as on the CPU: a terminated solve ends with the state where it stopped
      for (std::size_t c = 0; c < dim; ++c) x[c] = r.final_value(i, c);
      sol.t.push_back(typename Prob::time_type(st.t));
      sol.u.push_back(x);
      sol.message = "terminated by a callback";
    }
    es.retcodes[i] = sol.retcode;
    es.messages[i] = sol.message;
    es.stats[i] = sol.stats;
    es.u[i] = ens.output_func(std::move(sol), i);
  }
  finish_ensemble(es, t0);
  return es;
}

}  // namespace detail

// cb: kernel callbacks (kernel_callbacks.hpp), run in every trajectory.
template <class Ens, class Alg, class Callback = NoKernelCallback>
  requires is_ensemble_problem_v<Ens> && requires { typename Alg::step_type; }
auto solve(const Ens& ensemble, Alg alg, const EnsembleGPUKernel& backend, long long trajectories,
           const SolveOptions& opts = {}, const Callback& cb = {}) {
  return detail::solve_gpu_ensemble(ensemble, alg, backend, detail::check_trajectories(trajectories, ensemble.trajectories),
                                    opts, cb);
}

template <class Ens, class Alg, class Callback = NoKernelCallback>
  requires is_ensemble_problem_v<Ens> && requires { typename Alg::step_type; }
auto solve(const Ens& ensemble, Alg alg, const EnsembleGPUKernel& backend, const SolveOptions& opts = {},
           const Callback& cb = {}) {
  if (ensemble.trajectories == 0)
    throw std::invalid_argument("trajectories: this ensemble was not built from arrays, so pass the number of trajectories");
  return detail::solve_gpu_ensemble(ensemble, alg, backend, ensemble.trajectories, opts, cb);
}

}  // namespace sciml
