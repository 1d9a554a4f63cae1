// The one generic (E)SDIRK step, driven by tableau data (include/sciml/tableau/sdirk/): each implicit stage
// Y_i = u + h sum_{j<i} a_ij F_j + h gamma F_i is solved for z_i = h gamma F_i by the simplified Newton
// iteration (linalg/newton.hpp) with one LU of W = I - h gamma J shared by all stages; J is kept across steps
// while Newton converges fast and refreshed when it does not. The stage derivatives are F_i = z_i / (h gamma)
// (not f(Y_i), which would amplify the Newton error by ||J||). The error estimate h sum btilde_i F_i is passed
// through W^-1 as in Hairer's and OrdinaryDiffEq's SDIRK codes, so stiff components do not inflate it.
// Dense output: the method's own interpolant when the tableau has one, the cubic Hermite interpolant otherwise.
// `SDIRK<Tableau>` is the algorithm type; ImplicitEuler, TRBDF2, KenCarp4 and Kvaerno5 are aliases.
#pragma once
#include <cmath>
#include <cstddef>
#include "../../config.hpp"
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
  SCIML_HD SCIML_FLATTEN static int stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp,
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
    c.newton_failed = false;
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
      c.need_jac = theta_max > R(0.2);  // slow contraction: a fresh J next step
      return nf;
    }
    c.newton_failed = true;
    for (std::size_t m = 0; m < N; ++m) unew[m] = R(NAN);
    return nf;
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
struct SDIRK {
  using tableau = Tab;
  using step_type = detail::SDIRKStep<Tab>;
  static constexpr int order = Tab::order;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return Tab::name; }
  static StepController default_controller() { return {StepController::Kind::I, 0, 0, 0, 0.2, 10.0, 0.9}; }
};

using ImplicitEuler = SDIRK<tableau::ImplicitEulerTableau>;
using TRBDF2 = SDIRK<tableau::TRBDF2Tableau>;
using KenCarp4 = SDIRK<tableau::KenCarp4Tableau>;
using Kvaerno5 = SDIRK<tableau::Kvaerno5Tableau>;

}  // namespace sciml
