// The one generic (E)SDIRK step, driven by tableau data (include/sciml/tableau/sdirk/): each implicit stage
// Y_i = u + h sum_{j<i} a_ij F_j + h gamma F_i is solved for z_i = h gamma F_i by the simplified Newton
// iteration (linalg/newton.hpp) with one LU of W = I - h gamma J shared by all stages; J is kept across steps
// while Newton converges fast and refreshed when it does not. The stage derivatives are F_i = z_i / (h gamma)
// (not f(Y_i), which would amplify the Newton error by ||J||). The error estimate h sum btilde_i F_i is passed
// through W^-1 as in Hairer's and OrdinaryDiffEq's SDIRK codes, so stiff components do not inflate it.
// Dense output: the method's own interpolant when the tableau has one, the cubic Hermite interpolant otherwise.
// The error estimate also bounds the dense output's error at mid-step (dense_output_error): the embedded
// estimate sees only the end of the step, and in a fast transient (a stiff component following a quasi-steady
// state that changes by orders of magnitude within the step) the end is accurate while no polynomial through
// the step is (issue 14: KenCarp4's saveat values on the diurnal kinetics problem were 3e4 times the tolerance
// off while the step ends were within 15 times it).
// `SDIRK<Tableau>` is the algorithm type; ImplicitEuler, TRBDF2, KenCarp4 and Kvaerno5 are aliases.
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include "../../config.hpp"
#include "../implicit_method.hpp"
#include "../step_result.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../linalg/iteration_matrix.hpp"
#include "../../linalg/newton.hpp"
#include "../../problem/ode_problem.hpp"
#include "../../solution/hermite.hpp"
#include "../../tableau/sdirk/implicit_euler.hpp"
#include "../../tableau/sdirk/kencarp4.hpp"
#include "../../tableau/sdirk/kvaerno5.hpp"
#include "../../tableau/sdirk/trbdf2.hpp"
#include "../erk/explicit_rk.hpp"

namespace sciml {

namespace detail {

// SDIRK work data: the Newton cache plus the stage increment, its correction and f at the iterate, and the
// error estimate.
template <class State>
struct SDIRKCache : NewtonCache<State> {
  State z, y, fz, dz, err;
  SCIML_HD void init(const State& u) {
    NewtonCache<State>::init(u);
    // large systems keep W while h gamma changes by < 30% (as CVODE); small ones refactor, which is cheaper
    // than the extra Newton iterations a stale W costs
    this->key_rtol = real_t<scalar_t<State>>(state_size(u) > 16 ? 0.3 : 0.0);
    z = y = fz = dz = err = u;
  }
};

// Integrator layout: k[0] = f(t, u); the stages F_i at k[off + i] (off = 0 for an ESDIRK, whose explicit first
// stage is k[0]); k[S-1] = f at the new point, which is the last stage of a stiffly accurate method.
template <class Tab>
struct SDIRKStep {
  template <class State>
  using cache_type = SDIRKCache<State>;
  static constexpr int s = Tab::stages;
  static constexpr int off = Tab::explicit_first ? 0 : 1;
  static constexpr bool sa = Tab::stiffly_accurate;
  static constexpr int order = Tab::order;
  static constexpr int embedded_order = Tab::embedded_order;
  static constexpr int S = off + s + (sa ? 0 : 1);
  static constexpr int TOT = S;
  static constexpr int tri(int i) { return i * (i - 1) / 2; }
  static constexpr int first_implicit = Tab::explicit_first ? 1 : 0;

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_HD SCIML_FLATTEN static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp,
                                           State& unew, Cache& c) {
    using R = real_t<scalar_t<State>>;
    // local copies of the tableau: a device may not index a class's static arrays
    constexpr auto a = Tab::a;
    constexpr auto cc = Tab::c;
    constexpr auto b = Tab::b;
    constexpr auto btilde = Tab::btilde;
    const std::size_t N = state_size(u);
    const R hr = R(h), gh = R(Tab::gamma) * hr;
    int nf = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      // a failure with an old J retries once with J at (t, u)
      if (!c.template prepare<Inplace>(f, p, u, t, gh, attempt > 0, [&] { return c.factor(gh); })) break;
      R theta_max = 0;
      bool ok = true;
      for (int i = first_implicit; i < s && ok; ++i) {
        for (std::size_t m = 0; m < N; ++m) {
          scalar_t<State> acc = u[m];
          for (int j = 0; j < i; ++j) acc += R(a[std::size_t(tri(i) + j)]) * hr * k[off + j][m];
          tmp[m] = acc;
        }
        const State& prev = k[i == 0 ? 0 : off + i - 1];  // guess: F_i = F_{i-1}
        for (std::size_t m = 0; m < N; ++m) c.z[m] = gh * prev[m];
        ok = newton_stage<Inplace>(f, p, t + T(cc[std::size_t(i)]) * h, tmp, c.z, gh, c, c.y, c.fz, c.dz, theta_max, nf);
        for (std::size_t m = 0; m < N; ++m) k[off + i][m] = c.z[m] / gh;
        if (i == s - 1 && sa)
          for (std::size_t m = 0; m < N; ++m) unew[m] = tmp[m] + c.z[m];
      }
      if (!ok) {
        if (!c.jac_is_current(double(t))) continue;  // J was old: refresh it and try again
        break;
      }
      if constexpr (!sa) {
        for (std::size_t m = 0; m < N; ++m) {
          scalar_t<State> acc = u[m];
          for (int i = 0; i < s; ++i) acc += R(b[std::size_t(i)]) * hr * k[off + i][m];
          unew[m] = acc;
        }
      }
      // error estimate W^-1 (h sum btilde_i F_i)
      for (std::size_t m = 0; m < N; ++m) {
        scalar_t<State> e = scalar_t<State>(R(0));
        for (int i = 0; i < s; ++i)
          if (btilde[std::size_t(i)] != 0.0) e += R(btilde[std::size_t(i)]) * hr * k[off + i][m];
        c.fz[m] = e;
      }
      c.solve(c.fz, c.err);
      nf += dense_output_error<Inplace>(f, p, u, t, h, k, unew, c);
      c.need_jac = theta_max > R(0.2);  // slow contraction: a fresh J next step
      return nf;
    }
    return {nf, StepStatus::NewtonFailed};  // the loop halves h
  }

  // The interpolant's weights at theta: u(t + theta h) = u + h sum_i w_i F_i, and its derivative
  // u'(t + theta h) = sum_i wd_i F_i (tableaus with their own dense output).
  static constexpr std::array<double, s> bi_weights(double th, bool derivative) {
    std::array<double, s> w{};
    if constexpr (Tab::interp_degree > 0) {
      for (int i = 0; i < s; ++i) {
        double acc = 0;
        for (int r = Tab::interp_degree - 1; r >= 0; --r)
          acc = acc * th + (derivative ? double(r + 1) : 1.0) * Tab::bi[std::size_t(r * s + i)];
        w[std::size_t(i)] = derivative ? acc : acc * th;
      }
    }
    return w;
  }

  // The dense output's error at mid-step, folded into the error estimate c.err (componentwise, the larger of
  // the two): e = W^-1 h gamma (f(t + h/2, u_p) - M u_p') with u_p, u_p' the interpolant and its derivative at
  // theta = 1/2 and W = M - h gamma J the step's iteration matrix; one f call and one solve. It measures the
  // interpolation error in both regimes. On a stiff component (|h gamma lambda| >> 1), e ~ -J^-1 (f(u_p) - u_p')
  // is the Newton correction that takes u_p back to the solution's quasi-steady state, i.e. the error itself
  // (u' = lambda (u - g(t)) + g', u_p = g + d: e = -d + d'/lambda + O(d / (h gamma lambda))). On a non-stiff one,
  // e ~ h gamma (f(u_p) - u_p') = O(h^4), the order of the interpolant's own error; the cubic Hermite
  // interpolant's leading term there, theta^2 (1 - theta)^2 h^4 u^(4) / 24, has a zero derivative at
  // theta = 1/2, so on non-stiff problems the check costs one f call a step and no extra steps (Kepler: the
  // same step counts at reltol 1e-4..1e-8). Measured with KenCarp4, without -> with the check: the diurnal
  // kinetics problem (tests/common/diurnal.hpp, 5 x 5 mesh, default tolerances, saveat every 2 hours) 52 -> 127
  // steps, the extra ones in the sunrise and sunset transients, saveat errors 3.0e4 -> 12 times the tolerance
  // (stepping onto the same times: 14 -> 5.5); ROBER 7-14% more steps at reltol 1e-4..1e-8, as accurate; HIRES
  // 8-19% more, 6-85 times more accurate; stiff Van der Pol (eps = 1e-6) 14-24% more. Needs k[S-1] = f at the
  // new point, known here for stiffly accurate tableaus (all of tableau/sdirk/) or with an own interpolant;
  // other tableaus skip the check.
  template <bool Inplace, class F, class P, class State, class T, class K, class Cache>
  SCIML_HD static int dense_output_error(const F& f, const P& p, const State& u, T t, T h, const K& k,
                                         const State& unew, Cache& c) {
    if constexpr (!sa && Tab::interp_degree == 0) {
      return 0;
    } else {
      using R = real_t<scalar_t<State>>;
      using S_ = scalar_t<State>;
      const std::size_t N = state_size(u);
      const R hr = R(h), gh = R(Tab::gamma) * hr;
      constexpr auto w = bi_weights(0.5, false);
      constexpr auto wd = bi_weights(0.5, true);
      for (std::size_t m = 0; m < N; ++m) {  // u_p into y, u_p' into z
        if constexpr (Tab::interp_degree > 0) {
          S_ acc = u[m], dacc = S_(R(0));
          for (int i = 0; i < s; ++i) {
            acc += R(w[std::size_t(i)]) * hr * k[off + i][m];
            dacc += R(wd[std::size_t(i)]) * k[off + i][m];
          }
          c.y[m] = acc;
          c.z[m] = dacc;
        } else {  // the cubic Hermite interpolant (hermite.hpp) and its derivative at theta = 1/2
          c.y[m] = (u[m] + unew[m]) / R(2) + hr * (k[0][m] - k[S - 1][m]) / R(8);
          c.z[m] = R(1.5) * (unew[m] - u[m]) / hr - (k[0][m] + k[S - 1][m]) / R(4);
        }
      }
      eval_rhs<Inplace>(f, c.fz, c.y, p, t + h / T(2));
      if constexpr (has_mass_matrix_v<F>) {
        c.apply_mass(c.z, c.dz);
        for (std::size_t m = 0; m < N; ++m) c.fz[m] = gh * (c.fz[m] - c.dz[m]);
      } else {
        for (std::size_t m = 0; m < N; ++m) c.fz[m] = gh * (c.fz[m] - c.z[m]);
      }
      c.solve(c.fz, c.dz);
      using std::abs;
      for (std::size_t m = 0; m < N; ++m)
        if (abs(value_of(c.dz[m])) > abs(value_of(c.err[m]))) c.err[m] = c.dz[m];
      return 1;
    }
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int new_point(const F& f, const P& p, const State& unew, T t_new, K& k) {
    if constexpr (sa) {
      return 0;  // the last stage is f at the new point
    } else {
      eval_rhs<Inplace>(f, k[S - 1], unew, p, t_new);
      return 1;
    }
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int extra_stages(const F&, const P&, const State&, T, T, K&, State&) {
    return 0;
  }

  template <class State, class K, class T, class R, class Cache>
  SCIML_HD static R error_squared(const State& u, const State& unew, const K&, T, const TolView<R>& tol, const Cache& c) {
    return error_norm_squared(u, unew, c.err, tol);
  }

  // u(t + theta h) = u + h sum_i b_i(theta) F_i with the tableau's interpolant, else cubic Hermite.
  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State& u0, const K& k, T h, T theta) {
    using S_ = scalar_t<State>;
    using R = real_t<S_>;
    const std::size_t n = state_size(u0);
    const R th = R(theta), hr = R(h);
    if constexpr (Tab::interp_degree > 0) {
      constexpr int D = Tab::interp_degree;
      constexpr auto bi = Tab::bi;
      R w[s];
      for (int i = 0; i < s; ++i) {
        R acc = 0;
        for (int r = D - 1; r >= 0; --r) acc = acc * th + R(bi[std::size_t(r * s + i)]);
        w[i] = acc * th;
      }
      for (std::size_t m = 0; m < n; ++m) {
        S_ acc = u0[m];
        for (int i = 0; i < s; ++i) acc += w[i] * hr * k[off + i][m];
        out[m] = acc;
      }
    } else {
      for (std::size_t m = 0; m < n; ++m) {  // out = u1
        S_ acc = u0[m];
        constexpr auto b = Tab::b;
        for (int i = 0; i < s; ++i) acc += R(b[std::size_t(i)]) * hr * k[off + i][m];
        out[m] = acc;
      }
      hermite_in_place(out, u0, k[0], k[S - 1], h, theta);
    }
  }
};

}  // namespace detail

template <class Tab>
struct SDIRK : detail::ImplicitMethod<Tab, detail::SDIRKStep<Tab>> {};

using ImplicitEuler = SDIRK<tableau::ImplicitEulerTableau>;
using TRBDF2 = SDIRK<tableau::TRBDF2Tableau>;
using KenCarp4 = SDIRK<tableau::KenCarp4Tableau>;
using Kvaerno5 = SDIRK<tableau::Kvaerno5Tableau>;

}  // namespace sciml
