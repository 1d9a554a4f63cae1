// The work data of a Rosenbrock step: Jacobian and time derivative (forward-mode AD), the LU of the iteration
// matrix W = I - gh J, a right-hand-side buffer, and the implicit-method counters the integrator reports.
// Fixed-size states (SVector) keep all of it in registers (SmallLU); dynamic states (std::vector, Eigen
// vectors) use Eigen's partial-pivoting LU, with every buffer made once per solve.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include "../../core/dual.hpp"
#include "../../core/smatrix.hpp"
#include "../../core/state.hpp"
#include "../../linalg/jacobian.hpp"
#include "../../linalg/small_lu.hpp"
#include "../../problem/ode_function.hpp"
#include "../../problem/ode_problem.hpp"
#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#define SCIML_HAVE_EIGEN 1
#endif

namespace sciml::detail {

struct ImplicitCounters {
  long njac = 0, nw = 0, nsolve = 0;
  bool singular = false;
};

// J and dT at (t, u): the user's jac / tgrad when f is an ODEFunction that has them, forward-mode AD otherwise
// (f called with dual numbers); without tgrad but with jac, dT is one forward difference in t (work: scratch).
template <bool Inplace, int Chunk, class F, class State, class P, class Time, class Jac, class DS, class DS1>
void jacobian_and_tgrad(const F& f, const State& u, const P& p, Time t, Jac& J, State& dT, State& scratch,
                        DS& ud, DS& dud, DS1& ud1, DS1& dud1) {
  using std::abs;
  using std::sqrt;
  using T = scalar_t<State>;
  if constexpr (has_user_jacobian_v<F>) {
    f.jac(J, u, p, t);
    if constexpr (has_user_tgrad_v<F>) {
      f.tgrad(dT, u, p, t);
    } else {
      const Time dt = Time(sqrt(std::numeric_limits<T>::epsilon())) * (abs(t) > Time(1) ? abs(t) : Time(1));
      eval_rhs<Inplace>(f, dT, u, p, t + dt);
      eval_rhs<Inplace>(f, scratch, u, p, t);
      for (std::size_t i = 0; i < state_size(u); ++i) dT[i] = (dT[i] - scratch[i]) / T(dt);
    }
  } else {
    jacobian_ad<Inplace, Chunk>(f, u, p, t, J, ud, dud);
    time_derivative_ad<Inplace>(f, u, p, t, dT, ud1, dud1);
  }
}

template <class State, bool Fixed = is_fixed_size<State>::value>
struct RosenbrockCache;

// Fixed-size states: everything in registers.
template <class State>
struct RosenbrockCache<State, true> : ImplicitCounters {
  using T = scalar_t<State>;
  static constexpr std::size_t N = State{}.size();
  SMatrix<T, N, N> J{};
  SmallLU<T, N> lu{};
  State dT{}, rhs{};
  void init(const State&) {}

  // J = df/du and dT = df/dt at (t, u) by forward-mode AD, then the LU of W = I - gh J. False if W is singular.
  template <bool Inplace, class F, class P, class Time>
  bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    constexpr int chunk = N <= 16 ? int(N) : 8;
    rebind_state_t<State, Dual<T, chunk>> ud{}, dud{};
    rebind_state_t<State, Dual<T, 1>> ud1{}, dud1{};
    jacobian_and_tgrad<Inplace, chunk>(f, u, p, t, J, dT, rhs, ud, dud, ud1, dud1);
    ++njac;
    auto W = J;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) W(i, j) = (i == j ? T(1) : T(0)) - gh * J(i, j);
    ++nw;
    singular = !lu.factorize(W);
    return !singular;
  }
  void solve(const State& b, State& x) {
    x = lu.solve(b);
    ++nsolve;
  }
};

#ifdef SCIML_HAVE_EIGEN
// Dynamic states: Eigen matrices and LU, AD work vectors kept between steps (no allocation per step).
template <class State>
struct RosenbrockCache<State, false> : ImplicitCounters {
  using T = scalar_t<State>;
  static constexpr int chunk = 8;
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Mat J, W;
  Eigen::PartialPivLU<Mat> lu;
  Vec b, x;
  State dT, rhs;
  rebind_state_t<State, Dual<T, chunk>> ud, dud;
  rebind_state_t<State, Dual<T, 1>> ud1, dud1;

  void init(const State& u) {
    const Eigen::Index n = Eigen::Index(state_size(u));
    J.setZero(n, n);
    W.setZero(n, n);
    lu = Eigen::PartialPivLU<Mat>(n);
    b.setZero(n);
    x.setZero(n);
    dT = u;
    rhs = u;
    ud.resize(std::size_t(n));
    dud.resize(std::size_t(n));
    ud1.resize(std::size_t(n));
    dud1.resize(std::size_t(n));
  }

  template <bool Inplace, class F, class P, class Time>
  bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    using std::isfinite;
    const std::size_t n = state_size(u);
    if (std::size_t(J.rows()) != n) init(u);  // the state was resized
    jacobian_and_tgrad<Inplace, chunk>(f, u, p, t, J, dT, rhs, ud, dud, ud1, dud1);
    ++njac;
    W.noalias() = -gh * J;
    W.diagonal().array() += T(1);
    ++nw;
    lu.compute(W);
    const T dmin = lu.matrixLU().diagonal().cwiseAbs().minCoeff();
    singular = !(dmin > T(0)) || !isfinite(dmin);
    return !singular;
  }
  void solve(const State& in, State& out) {
    const std::size_t n = state_size(in);
    for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = in[i];
    x.noalias() = lu.solve(b);
    for (std::size_t i = 0; i < n; ++i) out[i] = x[Eigen::Index(i)];
    ++nsolve;
  }
};
#else
template <class State>
struct RosenbrockCache<State, false> {
  static_assert(is_fixed_size<State>::value,
                "implicit methods on dynamic states (std::vector, Eigen) need Eigen (Debian: libeigen3-dev); "
                "fixed-size sciml::SVector states work without it");
};
#endif

}  // namespace sciml::detail
