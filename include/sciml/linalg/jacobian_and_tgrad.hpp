// The derivatives of the problem's f that implicit methods need, by whichever route f offers: J = df/du from
// the user's jac when f is an ODEFunction that has one (a dynamic matrix's size checked), forward-mode AD
// otherwise; dT = df/dt from the user's tgrad, one difference in t when f has a jac, AD in t otherwise. Shared
// by the fixed-size iteration matrix and the dense LU solver of dynamic states.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include "../core/dual.hpp"
#include "../core/state.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "jacobian.hpp"

namespace sciml::detail {

// dT = df/dt at (t, u): the user's tgrad, else one forward difference in t when f has a user jac (f need not
// be generic then; work: scratch), else forward-mode AD in t.
template <bool Inplace, class F, class State, class P, class Time, class DS1>
SCIML_HD void time_gradient(const F& f, const State& u, const P& p, Time t, State& dT, State& scratch, DS1& ud1,
                            DS1& dud1) {
  using std::abs;
  using std::sqrt;
  using T = scalar_t<State>;
  if constexpr (has_user_tgrad_v<F>) {
    f.tgrad(dT, u, p, t);
  } else if constexpr (has_user_jacobian_v<F>) {
    const Time dt = Time(sqrt(std::numeric_limits<T>::epsilon())) * (abs(t) > Time(1) ? abs(t) : Time(1));
    eval_rhs<Inplace>(f, dT, u, p, t + dt);
    eval_rhs<Inplace>(f, scratch, u, p, t);
    for (std::size_t i = 0; i < state_size(u); ++i) dT[i] = (dT[i] - scratch[i]) / T(dt);
  } else {
    time_derivative_ad<Inplace>(f, u, p, t, dT, ud1, dud1);
  }
}

// J = df/du at (t, u): the user's jac when f is an ODEFunction that has one, forward-mode AD otherwise (f called
// with dual numbers; ud, dud: work states of Dual<T, Chunk>).
template <bool Inplace, int Chunk, class F, class State, class P, class Time, class Jac, class DS>
SCIML_HD void jacobian_of_f(const F& f, const State& u, const P& p, Time t, Jac& J, DS& ud, DS& dud) {
  if constexpr (has_user_jacobian_v<F>) {
    f.jac(J, u, p, t);
#if !defined(__CUDA_ARCH__)  // dynamic matrices only, never on a device
    if constexpr (requires { J.rows(); J.cols(); }) {
      const auto n = state_size(u);
      if (std::size_t(J.rows()) != n || std::size_t(J.cols()) != n)
        throw std::invalid_argument("jac: the user Jacobian is " + std::to_string(J.rows()) + " x " +
                                    std::to_string(J.cols()) + " but the state has length " + std::to_string(n) +
                                    "; jac(J, u, p, t) must fill the n x n matrix it is given without resizing it");
    }
#endif
  } else {
    jacobian_ad<Inplace, Chunk>(f, u, p, t, J, ud, dud);
  }
}

// J (and, with Tgrad, dT = df/dt) at (t, u).
template <bool Inplace, bool Tgrad, int Chunk, class F, class State, class P, class Time, class Jac, class DS,
          class DS1>
SCIML_HD void jacobian_and_tgrad(const F& f, const State& u, const P& p, Time t, Jac& J, State& dT, State& scratch,
                        DS& ud, DS& dud, DS1& ud1, DS1& dud1) {
  jacobian_of_f<Inplace, Chunk>(f, u, p, t, J, ud, dud);
  if constexpr (Tgrad) time_gradient<Inplace>(f, u, p, t, dT, scratch, ud1, dud1);
}

}  // namespace sciml::detail
