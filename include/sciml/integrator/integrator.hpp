// Integrator: the host's solve (init / step / solve) for every method family: the device-safe step loop
// (step_loop.hpp: the attempt of a step, step-size control, the family's status) plus what only the host does:
// tstops, saveat, dense output, callbacks (events located on the dense output), ReturnCodes with messages. It
// allocates nothing while stepping unless it saves; all work arrays are made in the constructor.
//
// The step contract (checked piece by piece below; algorithm/step_protocol.hpp, docs/devdocs/step_protocol.md):
// a family's step type (Alg::step_type) provides: constants order, embedded_order, S (stages of a step; stage
// S-1 is f at the new point, reused as stage 0 of the next step) and TOT (S plus interpolation-only stages);
// cache_type<State> (extra work data, with init(u)); stages<inplace>(f, p, u, t, h, k, tmp, unew, cache) ->
// f calls; error_squared(u, unew, k, h, tol[, cache]); new_point<inplace>(f, p, unew, t_new, k) -> f calls;
// extra_stages<inplace>(f, p, u, t, h, k, tmp) -> f calls; interpolate(out, u0, k, h, theta). Implicit
// families' caches may also have: tol (set here), add_stats(Stats&), which reports njac, nw, nsolve,
// nnonliniter, nnonlinconvfail, and on_accept() / on_reject(), the loop's verdict on each attempt; stages
// returns a StepResult (f calls and a StepStatus: NewtonFailed halves h, Singular shrinks it 4x). Composite
// steps (tagged = true) switch methods between steps: cache.tag() names the method of the last step, and
// interpolate and extra_stages take it as a last argument. Multistep families (BDF) keep their history in the
// cache: cache.reset_history() is called when something outside the step changed u, extra_stages may take
// the cache as a last argument, and cache.reject_factor / accept_factor choose the step size (and order),
// always or, for a composite, while cache.controls_step() says so.
#pragma once
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "../algorithm/erk/explicit_rk.hpp"
#include "../algorithm/step_protocol.hpp"
#include "../callback/no_callback.hpp"
#include "../controller/initial_dt.hpp"
#include "../controller/step_controller.hpp"
#include "../core/return_code.hpp"
#include "../core/state.hpp"
#include "../core/stats.hpp"
#include "../linalg/linear_solver_choice.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "../solution/ode_solution.hpp"
#include "solve_options.hpp"
#include "step_loop.hpp"
#include "validate_options.hpp"

namespace sciml {

template <class Alg, class Prob, class Callback = NoCallback>
class Integrator : detail::StepLoop<Alg, typename Prob::state_type, typename Prob::time_type> {
  using Loop = detail::StepLoop<Alg, typename Prob::state_type, typename Prob::time_type>;

 public:
  using State = typename Prob::state_type;
  using T = typename Prob::time_type;
  using R = real_t<scalar_t<State>>;
  using P = typename Prob::param_type;
  using Step = typename Alg::step_type;
  using Solution = ODESolution<State, Alg>;
  static constexpr int S = Step::S;
  static constexpr int TOT = Step::TOT;
  static constexpr bool inplace = Prob::inplace;

  // ---- what callbacks and manual stepping see ----
  using Loop::u;      // current state (an affect may change it)
  using Loop::t;      // current time
  using Loop::uprev;  // state at the start of the last step
  using Loop::tprev;  // start of the last step
  using Loop::dt;     // proposed next step (signed)
  P p;                // parameters (an affect may change them)
  Solution sol;

  Integrator(const Prob& prob, Alg, const SolveOptions& opts, Callback cb = Callback{})
      : Loop(prob.u0, prob.tspan[0]), p(prob.p), f_(prob.f), t0_(prob.tspan[0]), t1_(prob.tspan[1]),
        cb_(std::move(cb)) {
    validate(opts);
    setup(opts);
  }

  bool done() const { return finished_; }
  ReturnCode retcode() const { return sol.retcode; }
  T tend() const { return t1_; }
  // Step size of the last accepted step (signed).
  T last_dt() const { return hlast; }

  // Stop after the current callback: the solution ends here with ReturnCode::Terminated.
  void terminate() { terminate_ = true; }

  // Say that u was changed between steps (manual stepping): the next step re-evaluates f there, and multistep
  // methods restart their history. The step size proposed so far is kept.
  void u_modified() { k0_stale = true; }

  // Also stop exactly at time ts.
  void add_tstop(T ts) {
    if (tdir * (ts - t) <= 0) return;
    auto pos = std::lower_bound(tstops_.begin() + std::ptrdiff_t(itstop_), tstops_.end(), ts,
                                [this](T a, T b) { return tdir * a < tdir * b; });
    tstops_.insert(pos, ts);
  }

  // Change the state's length (dynamic states only), e.g. a cell divides; new entries are zero-initialised
  // by the container. Work arrays follow; the next step re-evaluates f.
  void resize(std::size_t n) {
    if constexpr (has_mass_matrix_v<F>) {
      (void)n;
      throw std::invalid_argument("resize: a problem with a mass matrix cannot change its size");
    } else if constexpr (is_resizable_v<State>) {
      if (n == 0) throw std::invalid_argument("resize: the state cannot become empty");
      if (!abstol_vec_.empty())
        throw std::invalid_argument("resize: per-component abstol cannot follow a resize; use a scalar abstol");
      u.resize(n);
      uprev.resize(n);
      unew.resize(n);
      tmp.resize(n);
      work_.resize(n);
      for (int j = 0; j < S; ++j) k[j].resize(n);
      for (int j = S; j < TOT; ++j) k[j] = State{};  // interpolation-only stages: made again when needed
      cache.init(u);
      k0_stale = true;
    } else {
      (void)n;
      throw std::invalid_argument("resize: this state type has a fixed size; use std::vector for a growing state");
    }
  }

  // u at time tq inside the last step [tprev, t] (for callbacks and manual stepping).
  void interpolate(T tq, State& out) { Loop::template interpolate_step<inplace>(f_, p, tq, out, sol.stats); }
  State operator()(T tq) {
    State out = u;
    interpolate(tq, out);
    return out;
  }
  // A work vector of the state's size that callbacks may use for interpolated states.
  State& work() { return work_; }

  // Take one accepted step (with its rejections), then saving and callbacks. Returns false when finished.
  bool step() {
    if (finished_) return false;
    for (;;) {
      if (interrupt_ && interrupt_->load(std::memory_order_relaxed))
        return fail(ReturnCode::Interrupted, "interrupted at t = " + num(double(t)) + " (SolveOptions::interrupt was set)");
      if (iters_ >= maxiters_) return fail(ReturnCode::MaxIters, maxiters_message());
      ++iters_;
      while (itstop_ + 1 < tstops_.size() && tdir * (tstops_[itstop_] - t) <= 0) ++itstop_;
      bool swapped = false;
      if (!Loop::template begin<inplace>(f_, p, sol.stats, swapped)) return fail_step(dt);
      // clip the step to the next tstop
      T h = dt;
      const T ts = tstops_[itstop_];
      const bool hit = detail::clip_step(t, h, ts, tdir);
      if (hit && Loop::negligible_step(h, std::max(std::abs(t0_), std::abs(t1_)), tolview())) {
        Loop::take_negligible_step(h, ts, swapped, sol.stats);
        negligible_ = true;
        after_step();  // saving and discrete callbacks; no event search over the tiny interval
        negligible_ = false;
        return !finished_;
      }
      const auto a = Loop::template attempt<inplace>(f_, p, h, hit, hit ? ts : t + h, tolview(), sol.stats);
      if (a == detail::Attempt::Rejected) continue;
      if (a == detail::Attempt::Failed) return fail_step(h);
      after_step();  // saving, dense output and callbacks of the accepted step, then the dtmin check of the next
      if (!finished_ && Loop::next_below_dtmin()) return fail(ReturnCode::DtLessThanMin, dtmin_message(dt));
      // the stages stay in place until the next step begins, so the step can still be interpolated between steps
      return !finished_;
    }
  }

  // Step until the end of tspan (or a failure / termination) and return the solution.
  Solution& solve_to_end() {
    while (step()) {
    }
    return sol;
  }

 private:
  using F = decltype(Prob::f);
  using Cache = typename Step::template cache_type<State>;
  // the step contract (algorithm/step_protocol.hpp, docs/devdocs/step_protocol.md), piece by piece
  static_assert(detail::step_contract::Constants<Step>,
                "step contract: the step type needs static constexpr int order, embedded_order, S >= 1, TOT >= S");
  static_assert(detail::step_contract::HasCache<Step, State>,
                "step contract: the step type needs template <class State> using cache_type = ..., with init(u)");
  static_assert(detail::step_contract::TakesStages<Step, State, F, P, T>,
                "step contract: the step type needs stages<inplace>(f, p, u, t, h, k, tmp, unew, cache) -> StepResult");
  static_assert(detail::step_contract::EstimatesError<Step, State, T>,
                "step contract: the step type needs error_squared(u, unew, k, h, tol[, cache]) -> squared norm");
  static_assert(detail::step_contract::CompletesNewPoint<Step, State, F, P, T>,
                "step contract: the step type needs new_point<inplace>(f, p, unew, t_new, k) -> f calls");
  static_assert(detail::step_contract::Interpolates<Step, State, T>,
                "step contract: the step type needs interpolate(out, u0, k, h, theta[, tag])");
  static_assert(!has_mass_matrix_v<F> || requires { Step::supports_mass_matrix; },
                "mass_matrix: this method cannot solve M u' = f(u, p, t); use Rodas5P, Rodas4, Rosenbrock23, "
                "RadauIIA5 or FBDF");
  using Loop::k;  // the loop's state (step_loop.hpp)
  using Loop::cache;
  using Loop::unew;
  using Loop::tmp;
  using Loop::ctrl;
  using Loop::tdir;
  using Loop::hlast;
  using Loop::dtmin;
  using Loop::dtmax;
  using Loop::adaptive;
  using Loop::k0_stale;
  using Loop::keep_history;
  using Loop::extra_done;
  using Loop::step_tag;
  F f_;
  T t0_, t1_;
  Callback cb_;
  State work_;
  State u_before_affect_;  // u before the discrete callbacks' affects (only with discrete callbacks)
  std::vector<R> abstol_vec_;
  R abstol_ = 0, reltol_ = 0;
  std::vector<T> tstops_, saveat_;
  std::size_t itstop_ = 0, isaveat_ = 0;
  long maxiters_ = 0, iters_ = 0;
  const std::atomic<bool>* interrupt_ = nullptr;
  bool save_everystep_ = true, save_end_ = true, dense_ = false;
  bool finished_ = false, terminate_ = false;
  bool negligible_ = false;  // in after_step() of a negligible step onto a tstop (step_loop.hpp)

  static bool same_state(const State& a, const State& b) {
    if (state_size(a) != state_size(b)) return false;
    for (std::size_t i = 0; i < state_size(a); ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }

  detail::TolView<R> tolview() const {
    return {abstol_, abstol_vec_.empty() ? nullptr : abstol_vec_.data(), reltol_};
  }
  // implicit families (and the stiffness-switching composites) report Jacobians and Newton iterations:
  // suggesting a stiff method makes sense only for the others
  static constexpr bool stiff_method = requires(const Cache& c, Stats& s) { c.add_stats(s); };
  std::string dtmin_message(T dtnext) const {
    std::ostringstream m;
    m << "dt = " << std::abs(dtnext) << " fell below dtmin = " << dtmin_eff() << " at t = " << t;
    if constexpr (stiff_method) {
      m << ": the solution may have a singularity or a discontinuity here; check f near this t, add the time of a "
        << "known discontinuity to tstops, or loosen the tolerances";
    } else {
      m << ": the problem looks stiff or the solution has a singularity here; try Rodas5P, or Rosenbrock23 "
        << "at loose tolerances";
    }
    return m.str();
  }
  std::string maxiters_message() {
    std::ostringstream m;
    m << "maxiters = " << maxiters_ << " reached at t = " << t << " before tf = " << tend();
    if (chattering_last_step()) {
      m << ": f reverses direction across the last step. If f switches discontinuously here (a sign, abs, "
        << "min/max or ifelse), the solution is chattering along the switching surface (sliding mode): smooth the "
        << "switch (e.g. tanh(x / eps) for sign(x)) or model the sliding motion with a callback";
      if constexpr (!stiff_method) m << "; if f is smooth, the problem may be stiff: try Rodas5P or FBDF";
      m << "; if the solve is simply long, raise maxiters";
    } else if constexpr (stiff_method) {
      m << ": raise maxiters or loosen the tolerances";
    } else {
      m << ": raise maxiters, loosen the tolerances, or the problem may be stiff (try Rodas5P, or Rosenbrock23 at "
        << "loose tolerances)";
    }
    return m.str();
  }
  // A sign of chattering (sliding mode) in the last accepted step: some component's derivative has opposite
  // signs at the step's two ends (u' = -sign(u) under Tsit5 or Rodas5P settles into a period-2 cycle across
  // u = 0; an explicit method at its stability limit on a stiff problem looks the same, and a smooth turning
  // point can fall in the last step, so the message names all three). Only evaluated when a solve fails.
  bool chattering_last_step() {
    if (sol.stats.naccept == 0 || hlast == 0 || state_size(uprev) != state_size(u)) return false;
    detail::eval_rhs<inplace>(f_, tmp, uprev, p, tprev);  // f at both ends of the last step (work arrays:
    detail::eval_rhs<inplace>(f_, work_, u, p, t);         // free at this point, the solve is ending)
    sol.stats.nf += 2;
    for (std::size_t m = 0; m < state_size(u); ++m) {
      const auto k0 = value_of(tmp[m]), k1 = value_of(work_[m]);
      if (k0 * k1 < 0) return true;
    }
    return false;
  }
  // Whether f itself gave NaN or Inf in the failed step from t with size h: a stage derivative that is not
  // finite, or f at the step's end time (an f undefined beyond some t). Called once, when the solve fails.
  bool f_gave_nonfinite(T h) {
    for (int j = 0; j < S; ++j)
      if (state_size(k[j]) == state_size(u) && !all_finite(k[j])) return true;
    if (h == 0) return false;
    detail::eval_rhs<inplace>(f_, tmp, u, p, t + h);
    ++sol.stats.nf;
    return !all_finite(tmp);
  }
  // the step from t with size h kept producing NaN or Inf: name f when it was f
  std::string nan_message(T h) {
    const bool f_nan = f_gave_nonfinite(h);
    std::ostringstream m;
    if (f_nan) {
      m << "f(u, p, t) returned NaN or Inf in the step from t = " << t << " (last dt = " << std::abs(h)
        << "), and smaller steps did not avoid it: check f and p for divisions by zero, sqrt or log of negative "
        << "values, or overflow near this t";
    } else {
      m << "NaN or Inf in the solution or its error estimate in the step from t = " << t << " (last dt = "
        << std::abs(h) << "), and smaller steps did not avoid it";
      if constexpr (stiff_method) {
        m << ": check f, p and a user-supplied jac near this t";
      } else {
        m << ": check f and p, or the problem may be stiff (try Rodas5P)";
      }
    }
    return m.str();
  }
  // The Newton iteration failed for good: because f gave NaN/Inf (Unstable, naming f), or otherwise.
  bool fail_newton(T h) {
    if (f_gave_nonfinite(h)) return fail(ReturnCode::Unstable, nan_message(h));
    return fail(ReturnCode::ConvergenceFailure, newton_message(h));
  }
  std::string newton_message(T h) const {
    std::ostringstream m;
    m << "the Newton iteration of the implicit stages did not converge at t = " << t << " (last dt = " << std::abs(h)
      << ", fresh Jacobian): check a user-supplied jac, look for a discontinuity or singularity in f here, "
      << "or try a Rosenbrock method (Rodas5P), which needs no Newton iteration";
    return m.str();
  }
  std::string nonfinite_message(const char* what) const {
    std::ostringstream m;
    m << "NaN or Inf in " << what << " at t = " << t
      << ": check f and p for divisions by zero or domain errors, or the solution blows up here";
    return m.str();
  }

  void ensure_extra_stages() { Loop::template ensure_extra_stages<inplace>(f_, p, sol.stats); }
  T dtmin_eff() const { return detail::min_step(dtmin, t); }
  // the step loop's failure (step_loop.hpp) as a ReturnCode and a message; h: the step last attempted
  bool fail_step(T h) {
    using detail::StepFailure;
    switch (this->failure) {
      case StepFailure::NonFiniteDerivative:
        return fail(ReturnCode::Unstable, nonfinite_message("the derivative f(u, p, t)"));
      case StepFailure::NonFiniteSolution:
        return fail(ReturnCode::Unstable, nonfinite_message("the solution"));
      case StepFailure::Newton:
        return fail_newton(h);
      case StepFailure::Singular:
        return fail(ReturnCode::Unstable, "the iteration matrix W = I - h*gamma*J stayed singular at t = " +
                                              num(double(t)) + ": check the Jacobian of f");
      case StepFailure::NaNEstimate:
        return fail(ReturnCode::Unstable, nan_message(h));
      case StepFailure::DtLessThanMin:
        return fail(ReturnCode::DtLessThanMin, dtmin_message(dt));
      case StepFailure::None:
        break;
    }
    return fail(ReturnCode::Failure, "the step failed at t = " + num(double(t)));
  }

  bool fail(ReturnCode rc, std::string msg) {
    sol.retcode = rc;
    sol.message = std::move(msg);
    finished_ = true;
    if (save_end_ && (sol.t.empty() || sol.t.back() != t)) push_save(t, u);
    return false;
  }

  // Grow a saving vector to the size the whole solve will likely need (from the fraction of tspan done), so
  // long solves do not copy and re-touch their saved data at every doubling.
  template <class V>
  void reserve_for(V& v, std::size_t per_step) const {
    if (v.size() + per_step <= v.capacity()) return;
    const T done = std::abs(t - t0_), span = std::abs(t1_ - t0_);
    std::size_t want = 2 * v.capacity() + per_step;
    if (done > 0 && span > 0) {  // at most 8x at once, and never beyond what maxiters steps can save
      const double cap = std::min(8.0 * double(v.capacity() + per_step), double(maxiters_ + 2) * double(per_step));
      const double estimate = std::min(double(v.size() + per_step) * double(span / done) * 1.1, cap);
      if (estimate > double(want)) want = std::size_t(estimate);
    }
    v.reserve(want);
  }

  void push_save(T ts, const State& us) {
    reserve_for(sol.t, 1);
    reserve_for(sol.u, 1);
    sol.t.push_back(ts);
    sol.u.push_back(us);
  }

  // saveat points in (tprev, t], every-step saving and dense output of the step just taken.
  void save_step() {
    while (isaveat_ < saveat_.size() && tdir * (saveat_[isaveat_] - t) <= 0) {
      const T ts = saveat_[isaveat_++];
      if (ts == t || negligible_) {
        push_save(ts, u);
      } else {
        interpolate(ts, work_);
        push_save(ts, work_);
      }
    }
    const bool at_end = t == tend();
    if (save_everystep_ && !(at_end && (!save_end_ || (!sol.t.empty() && sol.t.back() == t)))) push_save(t, u);
    if (dense_ && negligible_) {  // the last step's interpolant covers the tiny interval
      if (!sol.dense_tend.empty()) sol.dense_tend.back() = t;
    } else if (dense_) {
      ensure_extra_stages();
      reserve_for(sol.dense_t0, 1);
      reserve_for(sol.dense_h, 1);
      reserve_for(sol.dense_tend, 1);
      reserve_for(sol.dense_u0, 1);
      reserve_for(sol.dense_k, TOT);
      sol.dense_t0.push_back(sol.dense_t0.empty() ? t0_ : tprev);  // t0_: after a negligible first step
      sol.dense_h.push_back(hlast);
      sol.dense_tend.push_back(t);
      sol.dense_u0.push_back(uprev);
      for (int j = 0; j < TOT; ++j) sol.dense_k.push_back(k[j]);
      if constexpr (detail::is_tagged_step_v<Step>) sol.dense_tag.push_back(static_cast<signed char>(step_tag()));
    }
  }

  void after_step() {
    if constexpr (Callback::has_continuous) {
      if (!negligible_ && cb_.find_event(*this)) {
        const T te = T(cb_.event_time());
        if (te != t) {  // cut the step at the event
          interpolate(te, u);
          t = te;
          k0_stale = true;
        }
        save_step();
        cb_.apply_event(*this);
        ++sol.stats.nevents;
        k0_stale = true;
        if (save_everystep_) push_save(t, u);
        cb_.refresh(*this, true);
      } else {
        save_step();
        cb_.refresh(*this, false);
      }
    } else {
      save_step();
    }
    bool discrete_now = Callback::has_discrete;
    if constexpr (requires { cb_.discrete_active(); }) discrete_now = cb_.discrete_active();  // runtime sets
    if (Callback::has_discrete && discrete_now) {
      const bool event_before = k0_stale;  // a continuous event changed u in this step
      u_before_affect_ = u;  // one copy of u per step, only when discrete callbacks exist
      if (cb_.apply_discrete(*this)) {
        ++sol.stats.nevents;
        // an affect that left u as it was (it changed p, counted, or did nothing) keeps a multistep method's
        // history: restarting it after every step (a condition true at every step) stalled FBDF at its first step
        keep_history = !event_before && same_state(u_before_affect_, u);
        k0_stale = true;
        if (save_everystep_) push_save(t, u);
        if constexpr (Callback::has_continuous) cb_.refresh(*this, false);
      }
    }
    if (terminate_) {
      sol.retcode = ReturnCode::Terminated;
      sol.message = "terminated by a callback";
      finished_ = true;
      if (sol.t.empty() || sol.t.back() != t) push_save(t, u);
    } else if (t == tend()) {
      sol.retcode = ReturnCode::Success;
      finished_ = true;
      if (save_end_ && (sol.t.empty() || sol.t.back() != t)) push_save(t, u);
    }
  }

  static std::string num(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
  }

  void validate(const SolveOptions& o) {
    const std::size_t n = state_size(u);
    if (n == 0) throw std::invalid_argument("u0: the initial state is empty");
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(double(value_of(u[i]))))
        throw std::invalid_argument("u0: entry " + std::to_string(i) + " is NaN or Inf");
    if constexpr (has_mass_matrix_v<F>) {
      const auto& M = f_.mass_matrix;
      if constexpr (requires { M.rows(); M.cols(); }) {
        if (std::size_t(M.rows()) != n || std::size_t(M.cols()) != n)
          throw std::invalid_argument("mass_matrix: it is " + std::to_string(M.rows()) + " x " +
                                      std::to_string(M.cols()) + " but the state has length " + std::to_string(n));
      }
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          if (!std::isfinite(double(M(i, j))))
            throw std::invalid_argument("mass_matrix: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                        ") is NaN or Inf");
    }
    const T t0 = t0_, t1 = t1_;
    if (!std::isfinite(double(t0)) || !std::isfinite(double(t1)))
      throw std::invalid_argument("tspan: the endpoints must be finite (got [" + num(t0) + ", " + num(t1) + "])");
    detail::validate_options<Alg, R>(o, n, true, double(t0), double(t1));
  }

  void setup(const SolveOptions& o) {
    const T t0 = t0_, t1 = t1_;
    tdir = t1 >= t0 ? T(1) : T(-1);
    reltol_ = R(o.reltol);
    abstol_ = R(o.abstol.scalar);
    for (double a : o.abstol.per_component) abstol_vec_.push_back(R(a));
    adaptive = o.adaptive && Alg::is_adaptive;
    maxiters_ = o.maxiters;
    interrupt_ = o.interrupt;
    dtmax = std::isfinite(o.dtmax) ? std::min(T(o.dtmax), std::abs(t1 - t0)) : std::abs(t1 - t0);
    if (!(dtmax > 0)) dtmax = std::numeric_limits<T>::max();
    dtmin = T(o.dtmin);
    // saving
    const bool has_saveat = !o.saveat.empty();
    save_everystep_ = o.save_everystep.value_or(!has_saveat);
    dense_ = o.dense.value_or(save_everystep_ && !has_saveat);
    if (dense_ && !save_everystep_) save_everystep_ = true;  // dense output lives on the step points
    sol.dense = dense_;
    if (o.saveat.every > 0) {
      const T sp = T(o.saveat.every);
      const auto nsteps = static_cast<long>(std::floor(std::abs(t1 - t0) / sp * (1 + 1e-12)));
      for (long i = 0; i <= nsteps; ++i) saveat_.push_back(t0 + tdir * sp * T(i));
      if (saveat_.back() != t1) saveat_.push_back(t1);
    } else {
      for (double s : o.saveat.times) saveat_.push_back(T(s));
      std::sort(saveat_.begin(), saveat_.end(), [this](T a, T b) { return tdir * a < tdir * b; });
      saveat_.erase(std::unique(saveat_.begin(), saveat_.end()), saveat_.end());
    }
    const bool list_has = [&](T x) { return std::find(saveat_.begin(), saveat_.end(), x) != saveat_.end(); }(t0);
    const bool list_has_end = std::find(saveat_.begin(), saveat_.end(), t1) != saveat_.end();
    const bool save_start = o.save_start.value_or(save_everystep_ || !has_saveat || list_has);
    save_end_ = o.save_end.value_or(save_everystep_ || !has_saveat || list_has_end);
    while (isaveat_ < saveat_.size() && saveat_[isaveat_] == t0) ++isaveat_;
    // tstops: sorted in the direction of integration, ending with tf
    for (double s : o.tstops)
      if (tdir * (T(s) - t0) > 0 && tdir * (T(s) - t1) < 0) tstops_.push_back(T(s));
    tstops_.push_back(t1);
    std::sort(tstops_.begin(), tstops_.end(), [this](T a, T b) { return tdir * a < tdir * b; });
    // work arrays
    unew = u;
    tmp = u;
    work_ = u;
    // the interpolation-only stages of a dynamic state are allocated when first needed (ensure_extra_stages)
    for (int j = 0; j < (is_resizable_v<State> ? S : TOT); ++j) k[j] = u;
    // controller
    ctrl = detail::ControllerState<R>::configure(o.controller, Alg::default_controller(),
                                                  R(std::min(Step::order, Step::embedded_order) + 1));
    if constexpr (requires { cache.tol; }) cache.tol = tolview();
    if constexpr (requires { cache.linsolve; }) {  // dynamic states: the implicit method's linear solver
      using Kind = detail::LinearSolverKind;
      cache.linsolve = {};
      if constexpr (has_sparse_jacobian_v<F>) cache.linsolve.kind = f_.enabled ? Kind::SparseLU : Kind::DenseLU;
      if (o.linsolve == LinearSolver::GMRES)
        cache.linsolve = {Kind::Krylov, o.krylov_rtol > 0 ? o.krylov_rtol : std::clamp(1e-2 * o.reltol, 1e-10, 1e-3),
                           o.preconditioner};
    } else if (o.linsolve == LinearSolver::GMRES) {
      throw std::invalid_argument(std::string("linsolve: LinearSolver::GMRES needs an implicit method on a dynamic "
                                              "state (std::vector); ") + Alg::name() + " on this state has no use for it");
    }
    cache.init(u);
    // the family's own initialisation (step contract): M u' = f takes consistent algebraic variables first
    if constexpr (requires { Step::template initialize<inplace>(f_, p, u, t, cache, tolview(), tmp, unew,
                                                                sol.stats.nf); }) {
      std::string msg = Step::template initialize<inplace>(f_, p, u, t, cache, tolview(), tmp, unew, sol.stats.nf);
      uprev = u;
      if (!msg.empty()) {
        sol.retcode = ReturnCode::InitialFailure;
        sol.message = std::move(msg);
        finished_ = true;
        push_save(t0, u);
        return;
      }
    }
    if (save_start) push_save(t0, u);
    if (t0 == t1) {
      sol.retcode = ReturnCode::Success;
      finished_ = true;
      return;
    }
    // f at the initial point, then the first step size
    if (!Loop::template start<inplace>(f_, p, T(o.dt), tolview(), sol.stats)) {
      sol.retcode = ReturnCode::InitialFailure;
      sol.message = "the derivative f(u0, p, t0) contains NaN or Inf: check f, u0 and p";
      finished_ = true;
      return;
    }
    cb_.init(*this);
  }
};

// Set up an integrator for manual stepping: `while (integ.step()) { ... integ.t, integ.u ... }`.
template <class Prob, class Alg, class Callback = NoCallback>
  requires requires { typename Alg::step_type; }
auto init(const Prob& prob, Alg alg, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return Integrator<Alg, Prob, Callback>(prob, alg, opts, std::move(cb));
}

// Solve the problem over tspan with the given algorithm, options and (optionally) callbacks.
template <class Prob, class Alg, class Callback = NoCallback>
  requires requires { typename Alg::step_type; }
auto solve(const Prob& prob, Alg alg, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  Integrator<Alg, Prob, Callback> integ(prob, alg, opts, std::move(cb));
  integ.solve_to_end();
  return std::move(integ.sol);
}

}  // namespace sciml
