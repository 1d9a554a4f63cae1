// The one generic explicit Runge–Kutta step. `ExplicitRK<Tableau>` is the algorithm type (Tsit5, Vern9, ...
// are aliases); `detail::ERK<Tableau>` holds the step, error estimate, extra dense stages and interpolant,
// all SCIML_HD, allocation-free, unrolled at compile time over the constexpr tableau (zero entries vanish).
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <utility>
#include "../../config.hpp"
#include "../../solution/hermite.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../core/tolerance.hpp"
#include "../../problem/ode_problem.hpp"
#include "../step_protocol.hpp"

namespace sciml {

namespace detail {
// Controller defaults of an explicit RK method; specialised where the method's authors give others.
template <class Tab>
struct erk_controller_defaults {
  static StepController get() {
    const double p = Tab::order;
    return {.kind = StepController::Kind::PI, .beta1 = 7.0 / (10.0 * p), .beta2 = 2.0 / (5.0 * p), .qmin = 0.2,
            .qmax = 10.0, .gamma = 0.9};
  }
};
}  // namespace detail

namespace detail {
template <class Tab>
struct ERK;
}

template <class Tab>
struct ExplicitRK {
  using tableau = Tab;
  using step_type = detail::ERK<Tab>;  // the family's step (see integrator/integrator.hpp for the protocol)
  static constexpr int order = Tab::order;
  static constexpr bool is_adaptive = Tab::embedded_order > 0;
  static constexpr const char* name() { return Tab::name; }
  static StepController default_controller() { return detail::erk_controller_defaults<Tab>::get(); }
};

namespace detail {

// Error-free sum of two doubles (Knuth's TwoSum): s + err == a + b exactly.
constexpr void two_sum(double a, double b, double& s, double& err) {
  s = a + b;
  const double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

// The tableau's `a` as the step uses it: rounded to double, a row of a tableau with large cancelling entries
// (Verner's: |a_ij| ~ 100-4000) sums to c_i only within ~1e-14, and weights b ~ 170 turn that into an O(h^2)
// local defect: a global error floor ~1e-11 (measured for Vern6). So, at compile time, each row's exact
// double sum (double-double) is compared with c_i and the defect moved into the row's smallest nonzero entry,
// whose ulp is tiny. The tableau headers keep the published digits.
template <class Tab>
constexpr auto fit_row_sums() {
  auto a = Tab::a;
  for (int i = 1; i < Tab::total; ++i) {
    const int base = i * (i - 1) / 2;
    double s = 0, e = 0;
    int jmin = -1;
    for (int j = 0; j < i; ++j) {
      double t = 0, err = 0;
      two_sum(s, a[base + j], t, err);
      s = t;
      e += err;
      const double m = a[base + j] < 0 ? -a[base + j] : a[base + j];
      const double mmin = jmin < 0 ? 0 : (a[base + jmin] < 0 ? -a[base + jmin] : a[base + jmin]);
      if (m != 0 && (jmin < 0 || m < mmin)) jmin = j;
    }
    const double defect = (s - Tab::c[i]) + e;
    if (jmin >= 0) a[base + jmin] -= defect;
  }
  return a;
}
template <class Tab>
inline constexpr auto fitted_a = fit_row_sums<Tab>();

// The tableau's dense output `bi` (Bernstein basis) as the step uses it: its last column is b_i(1), which is b_i
// only to the published digits (and the step's b is fitted_a's new-point row); set it to that row (0 for the
// stages after it), so that sol(t) at a step's end is the step's own u_{n+1}, summed in the same order.
template <class Tab>
constexpr auto fit_dense_end() {
  auto bi = Tab::bi;
  constexpr int S = Tab::stages, D = Tab::interp_degree;
  for (int i = 0; D > 0 && i < Tab::total; ++i)
    bi[std::size_t(i * D + D - 1)] = i < S - 1 ? fitted_a<Tab>[std::size_t((S - 1) * (S - 2) / 2 + i)] : 0.0;
  return bi;
}
template <class Tab>
inline constexpr auto fitted_bi = fit_dense_end<Tab>();

// Per-integrator work data of a family beyond the stage vectors (explicit RK needs none).
struct NoStepCache {
  template <class State>
  SCIML_HD void init(const State&) {}
};

template <class Tab>
struct ERK {
  template <class State>
  using cache_type = NoStepCache;
  static constexpr int order = Tab::order;
  static constexpr int embedded_order = Tab::embedded_order;
  static constexpr int S = Tab::stages;
  static constexpr int E = Tab::extra_stages;
  static constexpr int TOT = Tab::total;
  static constexpr int D = Tab::interp_degree;
  // Does the error estimate need f at the new point (FSAL methods, RK4)? Then it is evaluated before the
  // accept/reject decision; otherwise only after acceptance.
  static constexpr bool fsal_error = Tab::btilde[S - 1] != 0.0;
  static constexpr bool has_second_estimate = requires { Tab::btilde3; };

  static_assert(Tab::c.size() == TOT, "tableau: c must have stages + extra_stages entries");
  static_assert(Tab::a.size() == TOT * (TOT - 1) / 2, "tableau: a must hold the strict lower triangle");
  static_assert(Tab::btilde.size() == S, "tableau: btilde must have `stages` entries");
  static_assert(Tab::bi.size() == std::size_t(TOT * D), "tableau: bi must have total * interp_degree entries");

  static constexpr int tri(int i) { return i * (i - 1) / 2; }

  // out = u + h * sum_{j<I} a[I][j] k[j], one pass over the state.
  template <int I, class State, class K, class T>
  SCIML_HD SCIML_INLINE static void combine(State& out, const State& u, const K& k, T h) {
    using S_ = scalar_t<State>;
    using R = real_t<S_>;
    const std::size_t n = state_size(u);
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      for (std::size_t m = 0; m < n; ++m) {
        S_ s = S_(R(-0.0));
        ((fitted_a<Tab>[tri(I) + J] != 0.0 ? (void)(s += R(fitted_a<Tab>[tri(I) + J]) * k[J][m]) : (void)0), ...);
        out[m] = u[m] + R(h) * s;
      }
    }(std::make_index_sequence<I>{});
  }

  // Stages 1..S-2 and the new solution `unew`; with fsal_error also k[S-1] = f(t+h, unew).
  // k[0] = f(t, u) must be set. Returns the number of f evaluations.
  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_HD SCIML_FLATTEN static int stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp,
                                           State& unew, Cache&) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((combine<int(I) + 1>(tmp, u, k, h),
        eval_rhs<Inplace>(f, k[I + 1], tmp, p, t + T(Tab::c[I + 1]) * h)),
       ...);
    }(std::make_index_sequence<std::size_t(S - 2)>{});
    combine<S - 1>(unew, u, k, h);
    if constexpr (fsal_error) {
      eval_rhs<Inplace>(f, k[S - 1], unew, p, t + h);
      return S - 1;
    } else {
      return S - 2;
    }
  }

  // k[S-1] = f(t+h, unew) after acceptance (methods whose estimate did not need it). Returns evaluations.
  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD SCIML_FLATTEN static int new_point(const F& f, const P& p, const State& unew, T t_new, K& k) {
    if constexpr (!fsal_error) {
      eval_rhs<Inplace>(f, k[S - 1], unew, p, t_new);
      return 1;
    } else {
      return 0;
    }
  }

  // Square of the scaled RMS norm of the local error estimate (Hairer's 3/5 combination when the tableau has
  // btilde3). The square: the step is accepted when it is <= 1 and the controller takes its log, so no square
  // root sits on the step's critical path.
  template <class State, class K, class T, class R>
  SCIML_HD static R error_squared(const State& u, const State& unew, const K& k, T h, const TolView<R>& tol) {
    using std::abs;
    const std::size_t n = state_size(u);
    R acc = 0, acc3 = 0;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      for (std::size_t m = 0; m < n; ++m) {
        R e = R(-0.0);
        ((Tab::btilde[J] != 0.0 ? (void)(e += R(Tab::btilde[J]) * value_of(k[J][m])) : (void)0), ...);
        const R au = abs(value_of(u[m])), an = abs(value_of(unew[m]));
        const R sc = tol.atol(m) + tol.reltol * (au > an ? au : an);
        const R r = R(h) * e / sc;
        acc += r * r;
        if constexpr (has_second_estimate) {
          R e3 = R(-0.0);
          ((Tab::btilde3[J] != 0.0 ? (void)(e3 += R(Tab::btilde3[J]) * value_of(k[J][m])) : (void)0), ...);
          const R r3 = R(h) * e3 / sc;
          acc3 += r3 * r3;
        }
      }
    }(std::make_index_sequence<std::size_t(S)>{});
    if constexpr (has_second_estimate) {  // EEst = acc / sqrt(n (acc + 0.01 acc3)) as DOP853
      const R deno = acc + R(0.01) * acc3;
      return deno > 0 ? acc * acc / (R(n) * deno) : R(0);
    } else {
      return acc / R(n);
    }
  }

  // The stages only dense output needs (Verner, DP8). Returns evaluations.
  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD SCIML_FLATTEN static int extra_stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp) {
    if constexpr (E > 0) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((combine<S + int(I)>(tmp, u, k, h), eval_rhs<Inplace>(f, k[S + I], tmp, p, t + T(Tab::c[S + I]) * h)),
         ...);
      }(std::make_index_sequence<std::size_t(E)>{});
    }
    return E;
  }

  // out = u(t + theta h) from the step's start u0 and its stages: the method's own interpolant, or the
  // cubic Hermite interpolant through (u0, k0) and (u1, k[S-1]).
  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State& u0, const K& k, T h, T theta) {
    using S_ = scalar_t<State>;
    using R = real_t<S_>;
    const std::size_t n = state_size(u0);
    const R th = R(theta);
    if constexpr (D > 0) {
      // b_i(theta) = sum_{m=1..D} bi[i*D + m-1] theta^m (1-theta)^(D-m) (scaled Bernstein basis, FORMAT.md): the
      // basis values are products of D nonnegative factors, so b_i(0) = 0 and b_i(1) = bi[i*D + D-1] exactly
      constexpr auto bi = fitted_bi<Tab>;  // a local copy: a device may not index the tableau's static array
      R tp[D + 1], op[D + 1], basis[D];     // theta^m, (1-theta)^m, theta^m (1-theta)^(D-m)
      tp[0] = op[0] = R(1);
      for (int m = 1; m <= D; ++m) {
        tp[m] = tp[m - 1] * th;
        op[m] = op[m - 1] * (R(1) - th);
      }
      for (int m = 1; m <= D; ++m) basis[m - 1] = tp[m] * op[D - m];
      R w[TOT];
      for (int i = 0; i < TOT; ++i) {
        R acc = 0;
        for (int m = 0; m < D; ++m) acc += R(bi[std::size_t(i * D + m)]) * basis[m];
        w[i] = acc;
      }
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        for (std::size_t m = 0; m < n; ++m) {
          S_ s = S_(R(-0.0));
          ((s += w[J] * k[J][m]), ...);
          out[m] = u0[m] + R(h) * s;
        }
      }(std::make_index_sequence<std::size_t(TOT)>{});
    } else {
      combine<S - 1>(out, u0, k, h);  // out = u1
      hermite_in_place(out, u0, k[0], k[S - 1], h, theta);
    }
  }
};

}  // namespace detail
}  // namespace sciml
