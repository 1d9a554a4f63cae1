// Rosenbrock23: the L-stable Rosenbrock-W pair of order 2(3) of Shampine & Reichelt (MATLAB's ode23s), for
// stiff problems at loose tolerances. One Jacobian (forward-mode AD) and one LU of W = I - h d J per step,
// three linear solves, two new f calls (the third, at the new point, is reused by the next step), and a free
// second-order dense output.
#pragma once
#include <cmath>
#include <cstddef>
#include "../../config.hpp"
#include "../step_result.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../erk/explicit_rk.hpp"
#include "../../linalg/dae_init.hpp"
#include "../../linalg/iteration_matrix.hpp"

namespace sciml {

namespace detail {

struct Rosenbrock23Step : MassMatrixInitialization {
  template <class State>
  using cache_type = IterationMatrix<State>;
  static constexpr int order = 2;
  static constexpr int embedded_order = 3;  // the estimate is the local error of the order-2 solution
  // k[0] = f(t, u), k[1..3] = the stages k1, k2, k3, k[4] = f(t + h, u_new) (the next step's k[0])
  static constexpr int S = 5;
  static constexpr int TOT = 5;
  static constexpr double d = 0.29289321881345247559915563789515;  // 1 / (2 + sqrt 2)
  static constexpr double e32 = 7.4142135623730950488016887242097;  // 6 + sqrt 2

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_HD SCIML_FLATTEN static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp,
                                  State& unew, Cache& c) {
    using R = real_t<scalar_t<State>>;
    const std::size_t N = state_size(u);
    const R hd = R(h) * R(d);
    if (!c.template factorize<Inplace>(f, p, u, t, hd)) return {0, StepStatus::Singular};  // the loop shrinks h
    State& rhs = c.rhs;
    for (std::size_t i = 0; i < N; ++i) rhs[i] = k[0][i] + hd * c.dT[i];
    c.solve(rhs, k[1]);
    for (std::size_t i = 0; i < N; ++i) tmp[i] = u[i] + R(h) / 2 * k[1][i];
    eval_rhs<Inplace>(f, k[3], tmp, p, t + h / 2);  // F1, kept in k[3] until k3 replaces it
    if constexpr (has_mass_matrix_v<F>) {  // with a mass matrix M: W = M - h d J and M k in place of k
      c.apply_mass(k[1], rhs);
      for (std::size_t i = 0; i < N; ++i) rhs[i] = k[3][i] - rhs[i];
    } else {
      for (std::size_t i = 0; i < N; ++i) rhs[i] = k[3][i] - k[1][i];
    }
    c.solve(rhs, k[2]);
    for (std::size_t i = 0; i < N; ++i) {
      k[2][i] += k[1][i];
      unew[i] = u[i] + R(h) * k[2][i];
    }
    eval_rhs<Inplace>(f, k[4], unew, p, t + h);  // F2
    if constexpr (has_mass_matrix_v<F>) {
      c.apply_mass(k[2], tmp);
      c.apply_mass(k[1], rhs);
      for (std::size_t i = 0; i < N; ++i)
        rhs[i] = k[4][i] - R(e32) * (tmp[i] - k[3][i]) - R(2) * (rhs[i] - k[0][i]) + hd * c.dT[i];
    } else {
      for (std::size_t i = 0; i < N; ++i)
        rhs[i] = k[4][i] - R(e32) * (k[2][i] - k[3][i]) - R(2) * (k[1][i] - k[0][i]) + hd * c.dT[i];
    }
    c.solve(rhs, k[3]);
    return 2;
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int new_point(const F&, const P&, const State&, T, K&) {
    return 0;  // f at the new point was needed by the third stage
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int extra_stages(const F&, const P&, const State&, T, T, K&, State&) {
    return 0;
  }

  // Square of the scaled RMS norm of h/6 (k1 - 2 k2 + k3).
  template <class State, class K, class T, class R>
  SCIML_HD static R error_squared(const State& u, const State& unew, const K& k, T h, const TolView<R>& tol) {
    using std::abs;
    const std::size_t n = state_size(u);
    R acc = 0;
    for (std::size_t m = 0; m < n; ++m) {
      const R e = R(h) / 6 * value_of(k[1][m] - R(2) * k[2][m] + k[3][m]);
      const R au = abs(value_of(u[m])), an = abs(value_of(unew[m]));
      const R r = e / (tol.atol(m) + tol.reltol * (au > an ? au : an));
      acc += r * r;
    }
    return acc / R(n);
  }

  // u(t + theta h) = u + h (theta (1 - theta) k1 + theta (theta - 2d) k2) / (1 - 2d)
  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State& u0, const K& k, T h, T theta) {
    using R = real_t<scalar_t<State>>;
    const R th = R(theta), s = R(1) / (R(1) - R(2) * R(d));
    const R w1 = th * (R(1) - th) * s, w2 = th * (th - R(2) * R(d)) * s;
    for (std::size_t m = 0; m < state_size(u0); ++m) out[m] = u0[m] + R(h) * (w1 * k[1][m] + w2 * k[2][m]);
  }
};

}  // namespace detail

struct Rosenbrock23 {
  using step_type = detail::Rosenbrock23Step;
  static constexpr int order = 2;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return "Rosenbrock23"; }
  // the I controller, as OrdinaryDiffEq uses for Rosenbrock methods
  static StepController default_controller() { return implicit_default_controller; }
};

}  // namespace sciml
