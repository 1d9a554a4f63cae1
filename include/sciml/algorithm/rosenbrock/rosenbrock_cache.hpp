// The work data of a Rosenbrock step on a fixed-size state: Jacobian, time derivative, LU of the iteration
// matrix W (in registers, SmallLU), and the implicit-method counters the integrator reports.
#pragma once
#include <cstddef>
#include <type_traits>
#include "../../core/smatrix.hpp"
#include "../../core/state.hpp"
#include "../../linalg/jacobian.hpp"
#include "../../linalg/small_lu.hpp"

namespace sciml::detail {

// Jacobian, time derivative and LU of W for a fixed-size state, plus the implicit-method counters.
template <class State>
struct RosenbrockSmallCache {
  static_assert(is_fixed_size<State>::value,
                "Rosenbrock methods run on fixed-size states (sciml::SVector) for now; dense and sparse linear solvers "
                "for std::vector / Eigen states come with the rest of the stiff solvers");
  using T = scalar_t<State>;
  static constexpr std::size_t N = State{}.size();
  SMatrix<T, N, N> J{};
  SmallLU<T, N> lu{};
  State dT{};
  long njac = 0, nw = 0, nsolve = 0;
  bool singular = false;
  void init(const State&) {}

  // J = df/du and dT = df/dt at (t, u) by forward-mode AD, then the LU of W = I - gh J. False if W is singular.
  template <bool Inplace, class F, class P, class Time>
  bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    constexpr int chunk = N <= 16 ? int(N) : 8;
    jacobian_ad<Inplace, chunk>(f, u, p, t, J);
    time_derivative_ad<Inplace>(f, u, p, t, dT);
    ++njac;
    auto W = J;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) W(i, j) = (i == j ? T(1) : T(0)) - gh * J(i, j);
    ++nw;
    singular = !lu.factorize(W);
    return !singular;
  }
};

}  // namespace sciml::detail
