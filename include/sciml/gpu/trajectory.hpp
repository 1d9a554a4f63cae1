// The whole solve of one trajectory in one function that a CUDA thread can run (SCIML_HD: no allocation, no
// exceptions, fixed-size states): the step of the CPU integrator (the same Step::stages, error estimate,
// controller and interpolant) of an explicit Runge-Kutta, Rosenbrock or SDIRK method (Jacobians by dual numbers,
// LU in registers, SDIRK's Newton iterations), over [t0, tf], writing the state at the `saveat` times through
// a callback. EnsembleGPUKernel's kernel calls it once per thread; on the host it is the kernel body the tests
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
#include "../controller/step_judge.hpp"
#include "../core/return_code.hpp"
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "../integrator/solve_options.hpp"
#include "../integrator/validate_options.hpp"
#include "../callback/root_find.hpp"
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
// which may change u and p or terminate. The step sequence is the CPU integrator's for the same options and
// callbacks, so the results agree with `solve` to rounding.
template <class Alg, bool Inplace, class F, class State, class P, class T, class Save, class Callback = NoKernelCallback>
SCIML_HD TrajectoryStats solve_trajectory(const F& f, State& u, P p, T t0, T t1, const KernelOptions<T>& o,
                                          const T* saveat, int nsave, Save&& save, const Callback& cb = {}) {
  using Step = typename Alg::step_type;
  using R = real_t<scalar_t<State>>;
  using std::abs;
  constexpr int S = Step::S, TOT = Step::TOT;
  TrajectoryStats st;
  const detail::TolView<R> tol{R(o.abstol), nullptr, R(o.reltol)};
  const T tdir = t1 >= t0 ? T(1) : T(-1);
  const T span = abs(t1 - t0);
  const T dtmax = o.dtmax < span ? o.dtmax : span;
  detail::StepJudge<R> judge{o.controller};
  typename Step::template cache_type<State> cache;
  if constexpr (requires { cache.tol; }) cache.tol = tol;
  cache.init(u);
  std::array<State, TOT> k;
  State tmp = u, unew = u;
  T t = t0;
  auto finish = [&](ReturnCode rc) {  // where the solve ends; st.t is set only here, not in the step loop
    st.retcode = rc;
    st.t = double(t);
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
  detail::eval_rhs<Inplace>(f, k[0], u, p, t);
  ++st.nf;
  if (!all_finite(k[0])) return finish(ReturnCode::InitialFailure);
  T dt;
  if (o.dt > 0) {
    dt = tdir * (o.dt < dtmax ? o.dt : dtmax);
  } else {
    dt = tdir * detail::initial_dt<Inplace>(f, p, u, t, tdir, k[0], Step::order, tol, dtmax, tmp, unew, st.nf);
  }
  int iters = 0;
  int newton_fails = 0;
  bool k0_stale = false, nudge = false;
  T g_prev = 0;  // the continuous callback's condition at the current point
  if constexpr (Callback::has_continuous) {
    KernelIntegratorView<State, P, T> view0{u, t, p};
    g_prev = T(detail::continuous_of(cb).condition(u, t, view0));
  }
  for (;;) {
    if (iters >= o.maxiters) return finish(ReturnCode::MaxIters);
    ++iters;
    T h = dt;
    const bool hit = detail::clip_step(t, h, t1, tdir);
    st.nf += Step::template stages<Inplace>(f, p, u, t, h, k, tmp, unew, cache);
    bool newton_failed = false;  // implicit stages (SDIRK): the Newton iteration did not converge
    if constexpr (requires { cache.newton_failed; }) newton_failed = cache.newton_failed;
    if (newton_failed && !o.adaptive) return finish(ReturnCode::ConvergenceFailure);
    R factor = 1;
    if (o.adaptive) {
      bool reject = true;
      if (newton_failed) {  // halve the step, as the CPU integrator does
        factor = R(0.5);
        if (++newton_fails > 60) return finish(ReturnCode::ConvergenceFailure);
      } else {
        R EEst;
        if constexpr (requires { Step::error_squared(u, unew, k, h, tol, cache); }) {
          EEst = Step::error_squared(u, unew, k, h, tol, cache);
        } else {
          EEst = Step::error_squared(u, unew, k, h, tol);
        }
        const auto v = judge.judge(EEst, factor);
        if (v == detail::StepJudge<R>::Unstable) return finish(ReturnCode::Unstable);
        reject = v == detail::StepJudge<R>::Reject;
      }
      if (reject) {
        ++st.nreject;
        dt = h * T(factor);
        if (abs(dt) < detail::min_step(o.dtmin, t))
          return finish(newton_failed ? ReturnCode::ConvergenceFailure : ReturnCode::DtLessThanMin);
        continue;
      }
      newton_fails = 0;
    }
    const T tnew = hit ? t1 : t + h;
    st.nf += Step::template new_point<Inplace>(f, p, unew, tnew, k);
    ++st.naccept;
    const State uprev = u;
    const T tprev = t;
    u = unew;
    t = tnew;
    if (!all_finite(u)) return finish(ReturnCode::Unstable);
    if (o.adaptive) dt = detail::next_step(h, factor, dtmax, tdir, hit, dt);
    // the step's interpolant (interpolation-only stages made at the first use)
    bool extra_done = false;
    auto interp = [&](T tq, State& out) {
      if constexpr (TOT > S) {
        if (!extra_done) st.nf += Step::template extra_stages<Inplace>(f, p, uprev, tprev, h, k, tmp);
        extra_done = true;
      }
      Step::interpolate(out, uprev, k, h, (tq - tprev) / h);
    };
    KernelIntegratorView<State, P, T> view{u, t, p};
    // a continuous event in (tprev, t]: cut the step there
    bool fired = false, fired_up = true;
    R event_scale = 0;
    if constexpr (Callback::has_continuous) {
      const auto& cc = detail::continuous_of(cb);
      auto g = [&](T tq) -> T {
        if (tq == t) return T(cc.condition(u, t, view));
        interp(tq, tmp);
        return T(cc.condition(tmp, tq, view));
      };
      T last = g_prev, tstart = tprev;
      if (nudge) {
        tstart = tprev + (t - tprev) / T(100);
        last = g(tstart);
        nudge = false;
      }
      T ta = tstart;
      for (int jp = 1; jp <= cc.interp_points; ++jp) {
        const T tb = jp == cc.interp_points ? t : tstart + (t - tstart) * T(jp) / T(cc.interp_points);
        const T gb = g(tb);
        if (last != 0 && (last < 0 ? gb >= 0 : gb <= 0)) {
          const bool up = last < 0;
          const bool on = up ? !std::is_same_v<std::remove_cvref_t<decltype(cc.affect)>, NoKernelAffect>
                             : !std::is_same_v<std::remove_cvref_t<decltype(cc.affect_neg)>, NoKernelAffect>;
          if (on) {
            const T te = gb != 0 ? detail::find_root_after_crossing(g, ta, tb, last, gb) : tb;
            event_scale = R(abs(g_prev) > abs(gb) ? abs(g_prev) : abs(gb));
            if (te != t) {
              interp(te, tmp);
              u = tmp;
              t = te;
              view.t = te;
            }
            fired = true;
            fired_up = up;
            break;
          }
        }
        if (gb != 0) last = gb;
        ta = tb;
      }
    }
    // saveat times in (tprev, t]: the step's end point itself, or its interpolant (the next one is kept in a
    // register: no memory read on the step's path)
    while (isave < nsave && tdir * (next_save - t) <= 0) {
      if (next_save == t) {
        keep(isave, u);
      } else {
        interp(next_save, tmp);
        keep(isave, tmp);
      }
      if (++isave < nsave) next_save = saveat[isave];
    }
    if constexpr (Callback::has_continuous) {
      const auto& cc = detail::continuous_of(cb);
      if (fired) {
        if (fired_up) {
          detail::apply_kernel_affect(cc.affect, view);
        } else {
          detail::apply_kernel_affect(cc.affect_neg, view);
        }
        ++st.nevents;
        k0_stale = true;
        g_prev = T(cc.condition(u, t, view));
        if (R(abs(g_prev)) <= R(cc.abstol) + R(1e-9) * event_scale) nudge = true;
      } else {
        g_prev = T(cc.condition(u, t, view));
      }
    }
    if constexpr (Callback::has_discrete) {
      const auto& dc = detail::discrete_of(cb);
      if (dc.condition(u, t, view)) {
        dc.affect(view);
        ++st.nevents;
        k0_stale = true;
        if constexpr (Callback::has_continuous) g_prev = T(detail::continuous_of(cb).condition(u, t, view));
      }
    }
    if (view.terminated) return finish(ReturnCode::Terminated);
    if (t == t1) return finish(ReturnCode::Success);
    if (k0_stale) {  // something changed u (or p): f afresh at the new point
      detail::eval_rhs<Inplace>(f, k[0], u, p, t);
      ++st.nf;
      k0_stale = false;
      if (!all_finite(k[0])) return finish(ReturnCode::Unstable);
    } else {
      k[0] = k[S - 1];
    }
  }
}

}  // namespace sciml
