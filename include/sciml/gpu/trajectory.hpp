// The whole solve of one trajectory in one function that a CUDA thread can run (SCIML_HD: no allocation, no
// exceptions, fixed-size states): the CPU integrator's step loop (integrator/step_loop.hpp) with an explicit
// Runge-Kutta, Rosenbrock or SDIRK method (Jacobians by dual numbers, LU in registers, SDIRK's Newton
// iterations), over [t0, tf], writing the state at the `saveat` times through a callback. EnsembleGPUKernel's kernel calls it once per thread; on the host it is the kernel body the tests
// compare with `solve`. Device-side options are plain data (KernelOptions), resolved on the host by
// kernel_options<Alg>(SolveOptions).
#pragma once
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include "../config.hpp"
#include "../controller/initial_dt.hpp"
#include "../controller/step_controller.hpp"
#include "../core/return_code.hpp"
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "../integrator/solve_options.hpp"
#include "../integrator/step_loop.hpp"
#include "../integrator/validate_options.hpp"
#include "../callback/event_search.hpp"
#include "../problem/ode_problem.hpp"
#include "kernel_callbacks.hpp"

namespace sciml {

// What a trajectory solve needs, as plain data (copied to the device by value).
template <class T>
struct KernelOptions {
  T reltol = T(1e-3), abstol = T(1e-6);
  T dt = 0;  // the fixed step (adaptive = false), or the first step (0: Hairer's estimate)
  T dtmin = 0, dtmax = std::numeric_limits<T>::infinity();
  bool adaptive = true;
  int maxiters = 100000;
  detail::ControllerState<T> controller{};  // configured for the method (kernel_options)
};

// What a trajectory reports (32 bytes: 32-bit counters are cheaper in a GPU thread's step loop and in the copy
// back; kernel_options bounds maxiters so that they cannot overflow).
struct TrajectoryStats {
  double t = 0;  // where the solve ended
  int nf = 0, naccept = 0, nreject = 0, nevents = 0;
  int saved = 0;  // how many of the saveat times were reached (all of them on success)
  ReturnCode retcode = ReturnCode::Default;
};

// The most steps a kernel trajectory may take (maxiters): its f-call count stays below 2^31 for any method.
inline constexpr long kernel_max_iters = 50'000'000;

// SolveOptions -> KernelOptions for method Alg on scalars T. Options a kernel cannot honour (callbacks aside:
// per-component abstol, tstops, dense output, every-step saving) throw std::invalid_argument naming them.
template <class Alg, class T>
KernelOptions<T> kernel_options(const SolveOptions& o) {
  using Step = typename Alg::step_type;
  if (!o.abstol.per_component.empty())
    throw std::invalid_argument("abstol: a per-component abstol is not supported in a GPU kernel; give a scalar");
  if (!o.tstops.empty()) throw std::invalid_argument("tstops: not supported in a GPU kernel");
  // a kernel's states are fixed-size: its implicit methods factor W in registers (as the host does for SVector)
  if (o.linsolve == LinearSolver::GMRES)
    throw std::invalid_argument("linsolve: LinearSolver::GMRES (and a preconditioner) is not available in a GPU "
                                "kernel, whose implicit methods factor W in registers; use the default linsolve");
  if (o.dense.value_or(false)) throw std::invalid_argument("dense: a GPU kernel keeps no dense output; use saveat");
  if (o.save_everystep.value_or(false))
    throw std::invalid_argument("save_everystep: a GPU kernel saves at saveat times (or the end point) only");
  // the host's rules and messages (saveat is checked against tspan later), except that a float kernel accepts a
  // reltol below float's epsilon: DiffEqGPU's published float32 benchmarks use 1e-8 (bench/gpu_ensemble races them)
  detail::validate_options<Alg, double>(o, 0);
  if (o.maxiters > kernel_max_iters)
    throw std::invalid_argument("maxiters: at most " + std::to_string(kernel_max_iters) +
                                " steps per trajectory in a GPU kernel (its counters are 32-bit); got " +
                                std::to_string(o.maxiters));
  const bool adaptive = o.adaptive && Alg::is_adaptive;
  KernelOptions<T> k;
  k.reltol = T(o.reltol);
  k.abstol = T(o.abstol.scalar);
  k.dt = T(o.dt);
  k.dtmin = T(o.dtmin);
  k.dtmax = std::isfinite(o.dtmax) ? T(o.dtmax) : std::numeric_limits<T>::infinity();
  k.adaptive = adaptive;
  k.maxiters = int(o.maxiters);
  k.controller = detail::ControllerState<T>::configure(o.controller, Alg::default_controller(),
                                                       T((Step::order < Step::embedded_order ? Step::order
                                                                                               : Step::embedded_order) + 1));
  return k;
}

// Solve u' = f(u, p, t) from (t0, u) to tf with the explicit Runge-Kutta, Rosenbrock or SDIRK method Alg; save(j,
// u_j) receives the state at saveat[j] (sorted in the direction of integration, inside [t0, tf]) in order; u ends
// as the final state (at stats.t: tf, or where the solve stopped). cb: kernel callbacks (kernel_callbacks.hpp),
// which may change u and p or terminate. This is the host integrator's step loop (integrator/step_loop.hpp:
// the same attempt, controller, negligible-step rule and failures) plus a saveat cursor and the one event
// locator (callback/event_search.hpp), so the results agree with `solve` to rounding.
template <class Alg, bool Inplace, class F, class State, class P, class T, class Save, class Callback = NoKernelCallback>
SCIML_HD TrajectoryStats solve_trajectory(const F& f, State& u, P p, T t0, T t1, const KernelOptions<T>& o,
                                          const T* saveat, int nsave, Save&& save, const Callback& cb = {}) {
  using R = real_t<scalar_t<State>>;
  using std::abs;
  TrajectoryStats st;
  const detail::TolView<R> tol{R(o.abstol), nullptr, R(o.reltol)};
  detail::StepLoop<Alg, State, T> L(u, t0);
  L.tdir = t1 >= t0 ? T(1) : T(-1);
  const T span = abs(t1 - t0);
  L.dtmax = o.dtmax < span ? o.dtmax : span;
  L.dtmin = o.dtmin;
  L.adaptive = o.adaptive;
  L.ctrl = o.controller;
  L.unew = u;
  L.tmp = u;
  if constexpr (requires { L.cache.tol; }) L.cache.tol = tol;
  L.cache.init(u);
  const T tscale = abs(t0) > abs(t1) ? abs(t0) : abs(t1);
  auto finish = [&](ReturnCode rc) {  // where the solve ends; st.t is set only here, not in the step loop
    st.retcode = rc;
    st.t = double(L.t);
    u = L.u;
    return st;
  };
  int isave = 0;
  auto keep = [&](int j, const State& x) {
    save(j, x);
    st.saved = j + 1;
  };
  while (isave < nsave && saveat[isave] == t0) keep(isave++, u);
  T next_save = isave < nsave ? saveat[isave] : t1;
  if (t0 == t1) return finish(ReturnCode::Success);
  if (!L.template start<Inplace>(f, p, o.dt, tol, st)) return finish(ReturnCode::InitialFailure);
  // the continuous callback's condition at the current point, and whether its last event left it on the root
  T g_prev = 0;
  char nudge = 0;
  if constexpr (Callback::has_continuous) {
    KernelIntegratorView<State, P, T> view0{L.u, L.t, p};
    g_prev = T(detail::continuous_of(cb).condition(L.u, L.t, view0));
  }
  int iters = 0;
  for (;;) {
    if (iters >= o.maxiters) return finish(ReturnCode::MaxIters);
    ++iters;
    bool swapped = false;
    if (!L.template begin<Inplace>(f, p, st, swapped)) return finish(ReturnCode::Unstable);
    T h = L.dt;
    const bool hit = detail::clip_step(L.t, h, t1, L.tdir);
    const bool negligible = hit && L.negligible_step(h, tscale, tol);
    if (negligible) {
      L.take_negligible_step(h, t1, swapped, st);
    } else {
      const auto a = L.template attempt<Inplace>(f, p, h, hit, hit ? t1 : L.t + h, tol, st);
      if (a == detail::Attempt::Rejected) continue;
      if (a == detail::Attempt::Failed) return finish(detail::return_code_of(L.failure));
    }
    KernelIntegratorView<State, P, T> view{L.u, L.t, p};
    // a continuous event in (tprev, t]: cut the step there
    bool fired = false, fired_up = true;
    T event_scale = 0;
    if constexpr (Callback::has_continuous) {
      const auto& cc = detail::continuous_of(cb);
      if (!negligible) {
        auto eval = [&](T tq, detail::OneValue<T>& out) {
          if (tq == L.t) {
            out.v = T(cc.condition(L.u, L.t, view));
          } else {
            L.template interpolate_step<Inplace>(f, p, tq, L.tmp, st);
            out.v = T(cc.condition(L.tmp, tq, view));
          }
        };
        auto on = [&](bool up, std::size_t) {
          return up ? !std::is_same_v<std::remove_cvref_t<decltype(cc.affect)>, NoKernelAffect>
                    : !std::is_same_v<std::remove_cvref_t<decltype(cc.affect_neg)>, NoKernelAffect>;
        };
        detail::OneValue<T> prev{g_prev}, last, cur, tmp;
        detail::OneValue<char> nudges{nudge};
        detail::EventHit<T> ev;
        fired = detail::locate_event(eval, on, L.tprev, L.t, 1, cc.interp_points, T(cc.abstol), prev, last, cur, tmp,
                                     nudges, ev);
        nudge = nudges.v;
        if (fired) {
          fired_up = ev.up;
          event_scale = ev.scale;
          if (ev.t != L.t) {
            L.template interpolate_step<Inplace>(f, p, ev.t, L.tmp, st);
            L.u = L.tmp;
            L.t = ev.t;
            view.t = ev.t;
          }
        }
      }
    }
    // saveat times in (tprev, t]: the step's end point itself, or its interpolant (the next one is kept in a
    // register: no memory read on the step's path)
    while (isave < nsave && L.tdir * (next_save - L.t) <= 0) {
      if (next_save == L.t || negligible) {
        keep(isave, L.u);
      } else {
        L.template interpolate_step<Inplace>(f, p, next_save, L.tmp, st);
        keep(isave, L.tmp);
      }
      if (++isave < nsave) next_save = saveat[isave];
    }
    bool changed = false;  // something changed u (or p): f afresh at the next step
    if constexpr (Callback::has_continuous) {
      const auto& cc = detail::continuous_of(cb);
      if (fired) {
        if (fired_up) {
          detail::apply_kernel_affect(cc.affect, view);
        } else {
          detail::apply_kernel_affect(cc.affect_neg, view);
        }
        ++st.nevents;
        changed = true;
        g_prev = T(cc.condition(L.u, L.t, view));
        if (detail::still_at_root(g_prev, T(cc.abstol), event_scale)) nudge = 1;
      } else {
        g_prev = T(cc.condition(L.u, L.t, view));
      }
    }
    if constexpr (Callback::has_discrete) {
      const auto& dc = detail::discrete_of(cb);
      if (dc.condition(L.u, L.t, view)) {
        dc.affect(view);
        ++st.nevents;
        changed = true;
        if constexpr (Callback::has_continuous) g_prev = T(detail::continuous_of(cb).condition(L.u, L.t, view));
      }
    }
    if (view.terminated) return finish(ReturnCode::Terminated);
    if (L.t == t1) return finish(ReturnCode::Success);
    if (L.next_below_dtmin()) return finish(ReturnCode::DtLessThanMin);
    if (changed) L.k0_stale = true;
  }
}

}  // namespace sciml
