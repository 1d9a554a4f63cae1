// solve(ensemble, alg, backend, trajectories, opts[, callback]): solves trajectories 0 .. trajectories-1 of an
// EnsembleProblem with one algorithm and options on a CPU backend (EnsembleSerial, EnsembleThreads,
// EnsembleDistributed). Solver failures are per-trajectory ReturnCodes and the rest run on; an exception from
// user code is rethrown after all workers stop, as "trajectory i: ..." for the lowest such i.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include "../callback/no_callback.hpp"
#include "../core/return_code.hpp"
#include "../core/stats.hpp"
#include "../integrator/integrator.hpp"
#include "../integrator/solve_options.hpp"
#include "ensemble_problem.hpp"
#include "ensemble_solution.hpp"
#include "trajectory_error.hpp"

namespace sciml {

namespace detail {

// The types an ensemble solve works with: trajectory problem, its solution, and output_func's result.
template <class Ens, class Alg, class Callback>
struct ensemble_types {
  using traj_problem = decltype(std::declval<const Ens&>().prob_func(std::declval<const Ens&>().prob, std::size_t{}));
  using solution = decltype(solve(std::declval<traj_problem>(), std::declval<Alg>(), std::declval<const SolveOptions&>(),
                                  std::declval<Callback>()));
  using output = std::remove_cvref_t<decltype(std::declval<const Ens&>().output_func(std::declval<solution&&>(),
                                                                                     std::size_t{}))>;
};

// Solves one trajectory and stores its results at its slot. The slots of a batch are [first, first + count):
// slot k holds trajectory first + k. Backends call kernel(k); EnsembleDistributed also reads and fills the slots.
template <class Ens, class Alg, class Callback, class Out>
struct TrajectoryKernel {
  const Ens& ens;
  const Alg& alg;
  const SolveOptions& opts;
  const Callback& cb;
  TrajectoryError& err;
  std::size_t first = 0;
  Out* out = nullptr;
  ReturnCode* retcodes = nullptr;
  std::string* messages = nullptr;
  Stats* stats = nullptr;

  void operator()(std::size_t k) const {
    const std::size_t i = first + k;
    if (err.skip(i)) return;  // a lower trajectory threw: the solve will throw anyway
    if (opts.interrupt && opts.interrupt->load(std::memory_order_relaxed)) {  // cancelled: do not start
      retcodes[k] = ReturnCode::Interrupted;
      messages[k] = "interrupted before this trajectory started";
      return;
    }
    try {
      decltype(auto) prob = ens.prob_func(ens.prob, i);
      auto sol = solve(prob, alg, opts, cb);
      retcodes[k] = sol.retcode;
      messages[k] = sol.message;
      stats[k] = sol.stats;
      out[k] = ens.output_func(std::move(sol), i);
    } catch (...) {
      err.record(i, std::current_exception());
    }
  }
};

template <class Out, class U>
void finish_ensemble(EnsembleSolution<Out, U>& es, std::chrono::steady_clock::time_point t0) {
  es.failures = 0;
  for (ReturnCode r : es.retcodes) es.failures += successful_retcode(r) ? 0 : 1;
  es.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline std::size_t check_trajectories(long long trajectories, std::size_t fixed) {
  if (trajectories <= 0)
    throw std::invalid_argument("trajectories must be > 0 (got " + std::to_string(trajectories) + ")");
  if (fixed > 0 && static_cast<unsigned long long>(trajectories) > fixed)
    throw std::invalid_argument("trajectories: " + std::to_string(trajectories) + " asked for, but the ensemble's arrays hold " +
                                std::to_string(fixed));
  return static_cast<std::size_t>(trajectories);
}

// The ensemble solve, for any backend with run(count, kernel).
template <class Backend, class Ens, class Alg, class Callback>
auto solve_ensemble(const Backend& backend, const Ens& ens, const Alg& alg, std::size_t n, const SolveOptions& opts,
                    const Callback& cb) {
  using Out = typename ensemble_types<Ens, Alg, Callback>::output;
  static_assert(std::is_default_constructible_v<Out> && std::is_move_assignable_v<Out>,
                "EnsembleProblem: output_func must return a default-constructible, move-assignable type");
  static_assert(!std::is_same_v<Out, bool>,
                "EnsembleProblem: output_func returns bool; std::vector<bool> packs bits, so threads cannot fill it "
                "independently: return char or int");
  const auto t0 = std::chrono::steady_clock::now();
  TrajectoryError err;
  TrajectoryKernel<Ens, Alg, Callback, Out> kernel{ens, alg, opts, cb, err};
  if constexpr (!Ens::has_reduction) {
    EnsembleSolution<Out> es;
    es.u.resize(n);
    es.retcodes.assign(n, ReturnCode::Default);
    es.messages.resize(n);
    es.stats.resize(n);
    kernel.out = es.u.data();
    kernel.retcodes = es.retcodes.data();
    kernel.messages = es.messages.data();
    kernel.stats = es.stats.data();
    backend.run(n, kernel);
    if (err.failed()) err.rethrow();
    finish_ensemble(es, t0);
    return es;
  } else {
    using U = typename Ens::reduced_type;
    EnsembleSolution<Out, U> es{ens.u_init, {}, {}, {}};
    const std::size_t batch = ens.batch_size > 0 ? std::min(ens.batch_size, n) : n;
    std::vector<Out> outputs(batch);
    for (std::size_t first = 0; first < n && !es.converged; first += batch) {
      const std::size_t count = std::min(batch, n - first);
      es.retcodes.resize(first + count, ReturnCode::Default);
      es.messages.resize(first + count);
      es.stats.resize(first + count);
      kernel.first = first;
      kernel.out = outputs.data();
      kernel.retcodes = es.retcodes.data() + first;
      kernel.messages = es.messages.data() + first;
      kernel.stats = es.stats.data() + first;
      backend.run(count, kernel);
      if (err.failed()) err.rethrow();
      auto r = ens.reduction(std::move(es.u), std::span<const Out>(outputs.data(), count), first);
      if constexpr (requires { std::get<1>(r); }) {
        es.u = std::move(std::get<0>(r));
        es.converged = static_cast<bool>(std::get<1>(r));
      } else {
        es.u = std::move(r);
      }
    }
    finish_ensemble(es, t0);
    return es;
  }
}

}  // namespace detail

// Solves trajectories 0 .. trajectories-1 (trajectories > 0; at most the count of the arrays the ensemble was
// built from). `cb` (optional) is copied into every trajectory's solve.
template <class Ens, class Alg, class Backend, class Callback = NoCallback>
  requires is_ensemble_problem_v<Ens> && (Backend::is_cpu_ensemble_backend) && requires { typename Alg::step_type; }
auto solve(const Ens& ensemble, Alg alg, const Backend& backend, long long trajectories, const SolveOptions& opts = {},
           Callback cb = Callback{}) {
  if constexpr (requires { backend.all_agree(true); }) {
    // a backend spanning processes (EnsembleDistributed): every rank learns whether any rank's count was bad,
    // so all of them throw instead of the good ones waiting for the bad one in a collective call
    std::size_t n = 0;
    std::exception_ptr bad;
    try {
      n = detail::check_trajectories(trajectories, ensemble.trajectories);
    } catch (const std::invalid_argument&) {
      bad = std::current_exception();
    }
    if (!backend.all_agree(!bad)) {
      if (bad) std::rethrow_exception(bad);
      throw std::invalid_argument("trajectories: another rank was given an invalid count; call solve with the same "
                                  "ensemble and trajectories on every rank");
    }
    return detail::solve_ensemble(backend, ensemble, alg, n, opts, cb);
  } else {
    const std::size_t n = detail::check_trajectories(trajectories, ensemble.trajectories);
    return detail::solve_ensemble(backend, ensemble, alg, n, opts, cb);
  }
}

// An ensemble built from arrays (ensemble_from_params, ...): one trajectory per entry.
template <class Ens, class Alg, class Backend, class Callback = NoCallback>
  requires is_ensemble_problem_v<Ens> && (Backend::is_cpu_ensemble_backend) && requires { typename Alg::step_type; }
auto solve(const Ens& ensemble, Alg alg, const Backend& backend, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  if (ensemble.trajectories == 0)
    throw std::invalid_argument("trajectories: this ensemble was not built from arrays, so pass the number of trajectories "
                                "(solve(ensemble, alg, backend, trajectories, opts))");
  return detail::solve_ensemble(backend, ensemble, alg, ensemble.trajectories, opts, cb);
}

}  // namespace sciml
