// The simplified Newton iteration of implicit methods (Hairer & Wanner II, Sec. IV.8): the iteration matrix is
// factored once per step (J possibly from an earlier step) and every iteration is one solve. Convergence is
// judged from the contraction rate theta of successive corrections in the solver's scaled norm: stop when
// eta ||dz|| <= kappa (eta = theta / (1 - theta)), give up when theta >= 1 or when the rate predicts no
// convergence within maxiter iterations; the caller then refreshes J or the integrator halves the step.
// NewtonCache is the work data every Newton-based step shares: the iteration matrix, Newton memory, counters,
// and the rule for when J is recomputed.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "../problem/ode_problem.hpp"
#include "iteration_matrix.hpp"

namespace sciml::detail {

struct NewtonCounters {
  long nnonliniter = 0;      // Newton iterations
  long nnonlinconvfail = 0;  // Newton solves that did not converge
  void add_stats(Stats& s) const {
    s.nnonliniter = nnonliniter;
    s.nnonlinconvfail = nnonlinconvfail;
  }
};

template <class R>
struct NewtonSettings {
  R kappa = R(0.01);  // stop when the estimated iteration error is below kappa times the tolerance
  int maxiter = 10;
};

// Scaled RMS norm of dz with weights atol_i + reltol |y_i|.
template <class State, class Tol>
SCIML_HD auto scaled_norm(const State& dz, const State& y, const Tol& tol) {
  using std::abs;
  using std::sqrt;
  using R = real_t<scalar_t<State>>;
  const std::size_t n = state_size(dz);
  R acc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const R r = value_of(dz[i]) / (tol.atol(i) + tol.reltol * abs(value_of(y[i])));
    acc += r * r;
  }
  return sqrt(acc / R(n));
}

// The convergence test of one Newton solve: feed it the norm of each correction.
template <class R>
struct NewtonMonitor {
  enum Verdict { Continue, Converged, Failed };
  R& eta;  // the rate memory carried between solves (Hairer's faccon)
  R kappa, ndz_prev = 0, theta_max = 0;
  int maxiter;
  template <class Tol>
  SCIML_HD NewtonMonitor(R& eta_, const NewtonSettings<R>& set, const Tol& tol) : eta(eta_), maxiter(set.maxiter) {
    using std::pow;
    // corrections below about 10 roundoffs of y cannot shrink further (Hairer's lower bound on fnewt)
    kappa = std::max(set.kappa, R(10) * std::numeric_limits<R>::epsilon() / tol.reltol);
    eta = pow(std::max(eta, std::numeric_limits<R>::epsilon()), R(0.8));
  }
  SCIML_HD Verdict check(int it, R ndz) {
    using std::isfinite;
    using std::pow;
    if (!isfinite(ndz)) return fail();
    if (it > 0) {
      const R theta = ndz / ndz_prev;
      theta_max = std::max(theta_max, theta);
      if (!(theta < R(1))) return fail();
      // the rate predicts the error after the remaining iterations still too large
      R thp = R(1);
      for (int r = it + 1; r < maxiter; ++r) thp *= theta;
      if (thp / (R(1) - theta) * ndz > kappa) return fail();
      eta = theta / (R(1) - theta);
    }
    if (eta * ndz <= kappa || ndz == R(0)) return Converged;
    if (it + 1 >= maxiter) return fail();
    ndz_prev = ndz;
    return Continue;
  }
  SCIML_HD Verdict fail() {
    eta = R(1);
    return Failed;
  }
};

// Work data shared by Newton-based steps. J is recomputed at the first step, when the last step's Newton
// iterations contracted slowly (need_jac), and when Newton fails with a J from an earlier step; the iteration
// matrix is refactored whenever its step-size key changes.
template <class State>
struct NewtonCache : IterationMatrix<State>, NewtonCounters {
  using R = real_t<scalar_t<State>>;
  TolView<R> tol{};  // set by the integrator
  NewtonSettings<R> settings{};
  R eta = 1;                   // Newton rate memory
  R key_factored = 0;          // the step-size key of the current factorisation (0: none)
  R key_rtol = 0;              // keep the factorisation while |key / key_factored - 1| <= key_rtol (CVODE: 0.3)
  double t_jac = NAN;          // where J was last computed
  bool need_jac = true;        // refresh J at the next step
  void add_stats(Stats& s) const {
    IterationMatrix<State>::add_stats(s);
    NewtonCounters::add_stats(s);
  }
  SCIML_HD void init(const State& u) {
    IterationMatrix<State>::init(u);
    need_jac = true;
    key_factored = 0;
  }
  SCIML_HD bool jac_is_current(double t) const { return t == t_jac; }
  SCIML_HD void restart() { need_jac = true; }  // J is stale (e.g. after a stretch of steps by another method)
  // J at (t, u) if needed (or, with `force`, if it is from an earlier point), then factor() if J or key changed.
  template <bool Inplace, class F, class P, class T, class Factor>
  SCIML_HD bool prepare(const F& f, const P& p, const State& u, T t, R key, bool force, Factor&& factor) {
    if constexpr (requires { this->template bind<Inplace>(f, p); }) this->template bind<Inplace>(f, p);
    if (need_jac || (force && !jac_is_current(double(t)))) {
      this->template jacobian<Inplace, false>(f, p, u, t);
      t_jac = double(t);
      need_jac = false;
      key_factored = 0;
    }
    using std::abs;
    if (!(key != R(0) && abs(key) <= std::numeric_limits<R>::max())) return false;  // h gamma underflowed (or NaN)
    if (key != key_factored && !(key_factored != R(0) && abs(key / key_factored - R(1)) <= key_rtol)) {
      key_factored = 0;
      if (!factor()) return false;
      key_factored = key;
    }
    return true;
  }
};

// z (in: a guess) <- the solution of M z = gh f(t, base + z) (M = I without a mass matrix), with c's LU of
// M - gh' J, gh' = c.key_factored: when it was kept for a nearby gh' (key_rtol), every correction is scaled
// by 2 / (1 + gh / gh'), as CVODE does. Work: y (= base + z), fz, dz. nf counts f calls. Returns whether it
// converged; theta_max gets the slowest contraction seen.
template <bool Inplace, class F, class P, class State, class T, class R, class Cache>
SCIML_HD bool newton_stage(const F& f, const P& p, T t, const State& base, State& z, R gh, Cache& c, State& y, State& fz,
                  State& dz, R& theta_max, int& nf) {
  const std::size_t n = state_size(z);
  NewtonMonitor<R> mon(c.eta, c.settings, c.tol);
  for (int it = 0;; ++it) {
    for (std::size_t i = 0; i < n; ++i) y[i] = base[i] + z[i];
    eval_rhs<Inplace>(f, fz, y, p, t);
    ++nf;
    ++c.nnonliniter;
    if constexpr (has_mass_matrix_v<F>) {
      c.apply_mass(z, dz);
      for (std::size_t i = 0; i < n; ++i) fz[i] = gh * fz[i] - dz[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) fz[i] = gh * fz[i] - z[i];
    }
    c.solve(fz, dz);
    if (c.key_factored != gh && c.key_factored != R(0)) {
      const R scale = R(2) / (R(1) + gh / c.key_factored);
      for (std::size_t i = 0; i < n; ++i) dz[i] *= scale;
    }
    for (std::size_t i = 0; i < n; ++i) z[i] += dz[i];
    const auto v = mon.check(it, scaled_norm(dz, y, c.tol));
    theta_max = std::max(theta_max, mon.theta_max);
    if (v == NewtonMonitor<R>::Converged) return true;
    if (v == NewtonMonitor<R>::Failed) {
      ++c.nnonlinconvfail;
      return false;
    }
  }
}

}  // namespace sciml::detail
