// The one generic Rosenbrock step (Hairer & Wanner II, Sec. IV.7, the "RODAS" form), driven by tableau data
// (include/sciml/tableau/rosenbrock/): one Jacobian and time derivative by AD and one LU of I - gamma h J per
// step, one solve per stage, each method's own stiff-aware dense output. `Rosenbrock<Tableau>` is the algorithm
// type; Rodas4 and Rodas5P are aliases. SVector states solve in registers (SmallLU), dynamic ones with Eigen.
#pragma once
#include <cmath>
#include <cstddef>
#include "../../config.hpp"
#include "../implicit_method.hpp"
#include "../step_result.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../problem/ode_problem.hpp"
#include "../../tableau/rosenbrock/rodas4.hpp"
#include "../../tableau/rosenbrock/rodas5p.hpp"
#include "../erk/explicit_rk.hpp"
#include "../../linalg/dae_init.hpp"
#include "../../linalg/iteration_matrix.hpp"

namespace sciml {

namespace detail {

// With W = M/(gamma h) - J (M = I without a mass matrix; with one, the sum below is multiplied by M):
//   stage i: U_i = u + sum_{j<i} a_ij k_j,  k_i = W^-1 ( f(t + c_i h, U_i) + sum_{j<i} C_ij/h k_j + d_i h f_t )
//   u_new = u + sum_i m_i k_i,  error = sum_i btilde_i k_i,
//   u(t + theta h) = (1-theta) u + theta (u_new + (1-theta)(D_1 + theta (D_2 + theta D_3))), D_r = sum_i H_ri k_i.
// Integrator layout: k[0] = f(t, u), k[1..s] = the stages, k[s+1] = f(t + h, u_new) (the next k[0]).
template <class Tab>
struct RosenbrockStep : MassMatrixInitialization {
  template <class State>
  using cache_type = IterationMatrix<State>;
  static constexpr int s = Tab::stages;
  static constexpr int order = Tab::order;
  static constexpr int embedded_order = Tab::embedded_order;
  static constexpr int S = s + 2;
  static constexpr int TOT = S;
  static constexpr int tri(int i) { return i * (i - 1) / 2; }

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_HD SCIML_FLATTEN static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp,
                                           State& unew, Cache& c) {
    using R = real_t<scalar_t<State>>;
    // local copies of the tableau: a device may not index a class's static arrays
    constexpr auto a = Tab::a;
    constexpr auto C = Tab::C;
    constexpr auto d = Tab::d;
    constexpr auto cc = Tab::c;
    constexpr auto mm = Tab::m;
    const std::size_t N = state_size(u);
    const R gh = R(Tab::gamma) * R(h), inv_h = R(1) / R(h), dh = R(h);
    if (!c.template factorize<Inplace>(f, p, u, t, gh)) return {0, StepStatus::Singular};  // the loop shrinks h
    // (I/(gamma h) - J)^-1 = gamma h (I - gamma h J)^-1
    int nf = 0;
    SCIML_UNROLL
    for (int i = 0; i < s; ++i) {
      State& fi = k[S - 1];  // the new-point slot is free until the step is accepted
      if (i == 0) {
        fi = k[0];
      } else {
        SCIML_UNROLL
        for (std::size_t m = 0; m < N; ++m) {
          scalar_t<State> acc = u[m];
          SCIML_UNROLL
          for (int j = 0; j < i; ++j) acc += R(a[std::size_t(tri(i) + j)]) * k[1 + j][m];
          tmp[m] = acc;
        }
        eval_rhs<Inplace>(f, fi, tmp, p, t + T(cc[std::size_t(i)]) * h);
        ++nf;
      }
      State& rhs = c.rhs;
      if constexpr (has_mass_matrix_v<F>) {  // M sum_j C_ij/h k_j
        SCIML_UNROLL
        for (std::size_t m = 0; m < N; ++m) {
          scalar_t<State> acc = scalar_t<State>(R(0));
          SCIML_UNROLL
          for (int j = 0; j < i; ++j) acc += R(C[std::size_t(tri(i) + j)]) * inv_h * k[1 + j][m];
          tmp[m] = acc;
        }
        c.apply_mass(tmp, rhs);
        SCIML_UNROLL
        for (std::size_t m = 0; m < N; ++m) rhs[m] = gh * (rhs[m] + fi[m] + R(d[std::size_t(i)]) * dh * c.dT[m]);
      } else {
        SCIML_UNROLL
        for (std::size_t m = 0; m < N; ++m) {
          scalar_t<State> acc = fi[m] + R(d[std::size_t(i)]) * dh * c.dT[m];
          SCIML_UNROLL
          for (int j = 0; j < i; ++j) acc += R(C[std::size_t(tri(i) + j)]) * inv_h * k[1 + j][m];
          rhs[m] = gh * acc;
        }
      }
      c.solve(rhs, k[1 + i]);
    }
    SCIML_UNROLL
    for (std::size_t m = 0; m < N; ++m) {
      scalar_t<State> acc = u[m];
      SCIML_UNROLL
      for (int i = 0; i < s; ++i) acc += R(mm[std::size_t(i)]) * k[1 + i][m];
      unew[m] = acc;
    }
    return nf;
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int new_point(const F& f, const P& p, const State& unew, T t_new, K& k) {
    eval_rhs<Inplace>(f, k[S - 1], unew, p, t_new);
    return 1;
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  SCIML_HD static int extra_stages(const F&, const P&, const State&, T, T, K&, State&) {
    return 0;
  }

  template <class State, class K, class T, class R>
  SCIML_HD static R error_squared(const State& u, const State& unew, const K& k, T, const TolView<R>& tol) {
    using std::abs;
    constexpr auto btilde = Tab::btilde;
    const std::size_t n = state_size(u);
    R acc = 0;
    SCIML_UNROLL
    for (std::size_t m = 0; m < n; ++m) {
      R e = 0;
      SCIML_UNROLL
      for (int i = 0; i < s; ++i)
        if (btilde[std::size_t(i)] != 0.0) e += R(btilde[std::size_t(i)]) * value_of(k[1 + i][m]);
      const R au = abs(value_of(u[m])), an = abs(value_of(unew[m]));
      const R r = e / (tol.atol(m) + tol.reltol * (au > an ? au : an));
      acc += r * r;
    }
    return acc / R(n);
  }

  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State& u0, const K& k, T, T theta) {
    using R = real_t<scalar_t<State>>;
    const R th = R(theta), th1 = R(1) - th;
    constexpr auto mm = Tab::m;
    constexpr auto H = Tab::H;
    SCIML_UNROLL
    for (std::size_t m = 0; m < state_size(u0); ++m) {
      scalar_t<State> u1 = u0[m];
      SCIML_UNROLL
      for (int i = 0; i < s; ++i) u1 += R(mm[std::size_t(i)]) * k[1 + i][m];
      scalar_t<State> nest = scalar_t<State>(R(0));
      SCIML_UNROLL
      for (int r = Tab::ndense - 1; r >= 0; --r) {
        scalar_t<State> D = scalar_t<State>(R(0));
        SCIML_UNROLL
        for (int i = 0; i < s; ++i) D += R(H[std::size_t(r * s + i)]) * k[1 + i][m];
        nest = r == Tab::ndense - 1 ? D : D + th * nest;
      }
      out[m] = th1 * u0[m] + th * (u1 + th1 * nest);
    }
  }
};

}  // namespace detail

template <class Tab>
struct Rosenbrock : detail::ImplicitMethod<Tab, detail::RosenbrockStep<Tab>> {};

using Rodas4 = Rosenbrock<tableau::Rodas4Tableau>;
using Rodas5P = Rosenbrock<tableau::Rodas5PTableau>;

}  // namespace sciml
