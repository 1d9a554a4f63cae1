// The step loop: the state of a solve between steps (u, uprev, t, tprev, dt, the stages, the method's cache, the
// controller) and the one attempt of a step every problem class and every place goes through. Device-safe
// (SCIML_HD: no allocation, no exceptions, no messages): the host Integrator (integrator.hpp) is this loop plus
// saving, tstops, callbacks and messages; the GPU trajectory solve (gpu/trajectory.hpp) is this loop plus a
// saveat cursor and in-kernel callbacks. docs/devdocs/step_protocol.md describes the contract with a family.
//
// One step: begin() makes k[0] = f(t, u) (the last step's stage S-1 when nothing changed u since), the caller
// clips h to its next stop, then attempt() runs the family's stages, reads its StepStatus and error estimate,
// and either accepts (u, t and the proposed dt advance; the stages keep the step's interpolant until the next
// begin()) or rejects (dt shrinks) or fails (failure says why; u and t stay where they were).
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include "../algorithm/step_protocol.hpp"
#include "../algorithm/step_result.hpp"
#include "../config.hpp"
#include "../controller/initial_dt.hpp"
#include "../controller/step_controller.hpp"
#include "../controller/step_limits.hpp"
#include "../core/return_code.hpp"
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "../problem/ode_problem.hpp"

namespace sciml::detail {

// Why a solve cannot go on (the host names it in a message, a kernel reports its ReturnCode).
enum class StepFailure : unsigned char {
  None,
  NonFiniteDerivative,  // f(t, u) at the start of a step is NaN or Inf: Unstable
  NonFiniteSolution,    // the accepted u is NaN or Inf: Unstable
  Newton,               // the implicit stages' Newton iteration kept failing: ConvergenceFailure (or Unstable, f NaN)
  Singular,             // W stayed singular while h shrank: Unstable
  NaNEstimate,          // the error estimate stayed NaN while h shrank: Unstable
  DtLessThanMin,        // the step size fell below dtmin: DtLessThanMin
};

// The ReturnCode of a failure (the host also says why in a message, and names f when f gave NaN in Newton).
SCIML_HD constexpr ReturnCode return_code_of(StepFailure why) {
  switch (why) {
    case StepFailure::Newton: return ReturnCode::ConvergenceFailure;
    case StepFailure::DtLessThanMin: return ReturnCode::DtLessThanMin;
    case StepFailure::None: return ReturnCode::Default;
    default: return ReturnCode::Unstable;
  }
}

enum class Attempt : unsigned char { Accepted, Rejected, Failed };

// A step of the last accepted size h onto a stop so close that it changes no component of u beyond its rounding
// (|h f_i| <= eps (|u_i| + abstol_i), and |h| within 100 eps of the span's scale tscale): no method can take it
// (a subnormal h underflows gamma h and overflows 1 / h), and none need: u += h f(t, u) (take_negligible_step).
template <class Alg, class State, class T>
struct StepLoop {
  using Step = typename Alg::step_type;
  using R = real_t<scalar_t<State>>;
  using Cache = typename Step::template cache_type<State>;
  static constexpr int S = Step::S;
  static constexpr int TOT = Step::TOT;
  // steps that choose their own step size (and order): cache.reject_factor(err2), cache.accept_factor(u, unew)
  static constexpr bool own_control = requires(Cache& c, const State& x, R e) {
    c.reject_factor(e);
    c.accept_factor(x, x);
  };

  // ---- what callbacks and manual stepping see (the Integrator makes these public) ----
  State u;      // current state
  T t;          // current time
  State uprev;  // state at the start of the last accepted step
  T tprev;      // start of the last accepted step
  T dt = 0;     // proposed next step (signed)

  // ---- the loop's own state ----
  State unew{}, tmp{};
  std::array<State, TOT> k{};  // the stages of the current step (k[0] = f(t, u) once begin() ran)
  Cache cache{};
  ControllerState<R> ctrl{};
  T tdir = 1, hlast = 0;  // direction of integration; size of the last accepted step (signed)
  T dtmin = 0, dtmax = std::numeric_limits<T>::infinity();
  bool adaptive = true;
  int nan_rejects = 0, newton_fails = 0;  // rejections in a row with a NaN estimate / a failed Newton iteration
  bool k0_stale = false;      // something outside the step changed u (or p): f afresh at the next begin()
  bool keep_history = false;  // with k0_stale: u did not change, so a multistep history stays valid
  bool fsal_pending = false;  // k[0] of the next step is stage S-1 of the last (swapped in at begin())
  bool extra_done = false;    // the interpolation-only stages of the last step are made
  StepStatus status = StepStatus::Ok;  // of the last attempt
  StepFailure failure = StepFailure::None;

  StepLoop() = default;
  SCIML_HD StepLoop(const State& u0, T t0) : u(u0), t(t0), uprev(u0), tprev(t0) {}

  // whether the family chooses the step size of the last attempt itself (a composite decides per step)
  SCIML_HD bool own_control_now() const {
    if constexpr (!own_control) {
      return false;
    } else if constexpr (requires { cache.controls_step(); }) {
      return cache.controls_step();
    } else {
      return true;
    }
  }
  // which method took the last step (composite steps; 0 otherwise)
  SCIML_HD int step_tag() const {
    if constexpr (is_tagged_step_v<Step>) {
      return cache.tag();
    } else {
      return 0;
    }
  }

  // f at the start, then the first step size: dt0 > 0 is the user's, else Hairer's estimate. False: f(t0, u0)
  // is NaN or Inf.
  template <bool Inplace, class F, class P, class Stats>
  SCIML_HD bool start(const F& f, const P& p, T dt0, const TolView<R>& tol, Stats& st) {
    eval_rhs<Inplace>(f, k[0], u, p, t);
    ++st.nf;
    if (!all_finite(k[0])) return false;
    if (dt0 > 0) {
      dt = tdir * (dt0 < dtmax ? dt0 : dtmax);
    } else {
      dt = tdir * initial_dt<Inplace>(f, p, u, t, tdir, k[0], Step::order, tol, dtmax, tmp, unew, st.nf);
    }
    using std::abs;
    if (adaptive && abs(dt) < dtmin) dt = tdir * dtmin;  // the first guess respects dtmin too
    return true;
  }

  // k[0] = f(t, u) for the step about to be attempted. Returns whether the FSAL stage was swapped in (undone by
  // take_negligible_step); failure NonFiniteDerivative when f is not finite.
  template <bool Inplace, class F, class P, class Stats>
  SCIML_HD bool begin(const F& f, const P& p, Stats& st, bool& swapped) {
    swapped = false;
    if (fsal_pending) {
      fsal_pending = false;
      if (!k0_stale) {
        using std::swap;
        swap(k[0], k[S - 1]);
        swapped = true;
      }
    }
    if (k0_stale) {
      eval_rhs<Inplace>(f, k[0], u, p, t);
      ++st.nf;
      k0_stale = false;
      if constexpr (requires { cache.reset_history(); })
        if (!keep_history) cache.reset_history();  // multistep: u changed
      keep_history = false;
      if (!all_finite(k[0])) {
        failure = StepFailure::NonFiniteDerivative;
        return false;
      }
    }
    return true;
  }

  SCIML_HD bool negligible_step(T h, T tscale, const TolView<R>& tol) const {
    using std::abs;
    const R eps = std::numeric_limits<R>::epsilon();
    if (!(abs(h) <= T(100) * T(eps) * tscale)) return false;
    for (std::size_t i = 0; i < state_size(u); ++i)
      if (!(abs(value_of(R(h) * k[0][i])) <= eps * (abs(value_of(u[i])) + tol.atol(i)))) return false;
    return true;
  }
  // u += h f(t, u), t = ts; tprev, uprev, hlast and the stages still describe the last step (its interpolant
  // covers the tiny interval, with an error below the same rounding); dt is kept.
  template <class Stats>
  SCIML_HD void take_negligible_step(T h, T ts, bool swapped, Stats& st) {
    for (std::size_t i = 0; i < state_size(u); ++i) u[i] += R(h) * k[0][i];
    t = ts;
    if (swapped) {
      using std::swap;
      swap(k[0], k[S - 1]);
      fsal_pending = true;
    }
    ++st.naccept;
    if constexpr (requires { st.nsteps; }) ++st.nsteps;
  }

  // One try of the step of size h from (t, u) to tnew (t + h, or the stop h was clipped to: hit).
  template <bool Inplace, class F, class P, class Stats>
  SCIML_HD Attempt attempt(const F& f, const P& p, T h, bool hit, T tnew, const TolView<R>& tol, Stats& st) {
    using std::abs;
    const StepResult r = Step::template stages<Inplace>(f, p, u, t, h, k, tmp, unew, cache);
    st.nf += r.nf;
    // implicit and composite families report their counters (Jacobians, factorisations, solves, Newton)
    if constexpr (requires { cache.add_stats(st); }) cache.add_stats(st);
    status = r.status;
    const bool newton_failed = r.status == StepStatus::NewtonFailed;
    R factor = 1;
    if (!adaptive) {
      if (r.status != StepStatus::Ok) return fail(newton_failed ? StepFailure::Newton : StepFailure::Singular);
    } else {
      // the squared scaled RMS norm of the error estimate; NaN when the step made no point
      R err2 = std::numeric_limits<R>::quiet_NaN();
      if (r.status == StepStatus::Ok) {
        if constexpr (requires { Step::error_squared(u, unew, k, h, tol, cache); }) {
          err2 = Step::error_squared(u, unew, k, h, tol, cache);  // estimates made in the step
        } else {
          err2 = Step::error_squared(u, unew, k, h, tol);
        }
      }
      if (!(err2 <= R(1))) {  // reject (NaN estimates too)
        ++st.nreject;
        if constexpr (requires { st.nsteps; }) ++st.nsteps;
        if (newton_failed) {  // halve the step, as Hairer's codes do
          factor = R(0.5);
          if (++newton_fails > 60) return fail(StepFailure::Newton);
        } else if (err2 != err2) {
          ++nan_rejects;
          factor = R(0.25);
        } else if (own_control_now()) {
          nan_rejects = 0;
          if constexpr (own_control) factor = cache.reject_factor(err2);
        } else {
          nan_rejects = 0;
          ctrl.propose(err2);
          factor = ctrl.reject_factor(err2);
        }
        dt = h * T(factor);
        if (nan_rejects > 30)
          return fail(r.status == StepStatus::Singular ? StepFailure::Singular : StepFailure::NaNEstimate);
        if (abs(dt) < min_step(dtmin, t)) {
          if (newton_failed) return fail(StepFailure::Newton);
          return fail(nan_rejects > 0 ? StepFailure::NaNEstimate : StepFailure::DtLessThanMin);
        }
        if constexpr (requires { cache.on_reject(); }) cache.on_reject();
        return Attempt::Rejected;
      }
      nan_rejects = 0;
      newton_fails = 0;
      if (!own_control_now()) {
        factor = ctrl.propose(err2);
        ctrl.accept(err2);
      }
    }
    if constexpr (own_control) {  // the step updates its history and proposes the next step size
      if (own_control_now()) {
        const R fac = cache.accept_factor(u, unew);
        if (adaptive) factor = fac;
      }
    }
    st.nf += Step::template new_point<Inplace>(f, p, unew, tnew, k);
    ++st.naccept;
    if constexpr (requires { st.nsteps; }) ++st.nsteps;
    if constexpr (requires { cache.on_accept(); }) cache.on_accept();
    using std::swap;
    swap(uprev, u);
    swap(u, unew);
    tprev = t;
    t = tnew;
    hlast = h;
    extra_done = false;
    if (!all_finite(u)) return fail(StepFailure::NonFiniteSolution);
    if (adaptive) dt = next_step(h, factor, dtmax, tdir, hit, dt);  // a step cut short by a stop keeps dt
    fsal_pending = true;  // stage S-1 is f(t, u): the next k[0], swapped in at begin()
    return Attempt::Accepted;
  }

  // The interpolation-only stages of the last accepted step, made at the first use.
  template <bool Inplace, class F, class P, class Stats>
  SCIML_HD void ensure_extra_stages(const F& f, const P& p, Stats& st) {
    if constexpr (TOT > S) {
      if (extra_done) return;
      if constexpr (is_resizable_v<State>) {  // allocated at the first interpolation only
        if (state_size(k[S]) != state_size(u))
          for (int j = S; j < TOT; ++j) k[j] = u;
      }
      if constexpr (is_tagged_step_v<Step>) {
        st.nf += Step::template extra_stages<Inplace>(f, p, uprev, tprev, hlast, k, tmp, step_tag(), cache);
      } else if constexpr (requires { Step::template extra_stages<Inplace>(f, p, uprev, tprev, hlast, k, tmp,
                                                                            cache); }) {
        st.nf += Step::template extra_stages<Inplace>(f, p, uprev, tprev, hlast, k, tmp, cache);
      } else {
        st.nf += Step::template extra_stages<Inplace>(f, p, uprev, tprev, hlast, k, tmp);
      }
      extra_done = true;
    }
  }
  // out = u(tq) for tq in the last accepted step [tprev, t] (its interpolant).
  template <bool Inplace, class F, class P, class Stats>
  SCIML_HD void interpolate_step(const F& f, const P& p, T tq, State& out, Stats& st) {
    ensure_extra_stages<Inplace>(f, p, st);
    const T theta = hlast != 0 ? (tq - tprev) / hlast : T(0);
    step_interpolate<Step>(out, uprev, k, hlast, theta, step_tag());
  }

  // After an accepted step: whether the proposed next step fell below dtmin (the caller fails after saving).
  SCIML_HD bool next_below_dtmin() const {
    using std::abs;
    return adaptive && abs(dt) < (dtmin < dtmax ? dtmin : dtmax);
  }

 private:
  SCIML_HD Attempt fail(StepFailure why) {
    failure = why;
    return Attempt::Failed;
  }
};

}  // namespace sciml::detail
