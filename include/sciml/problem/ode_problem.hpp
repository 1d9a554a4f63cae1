// ODEProblem: the data of an initial value problem u' = f(u, p, t), u(t0) = u0, t in tspan.
// f is out-of-place `f(u, p, t) -> du` (small SVector states) or in-place `f(du, u, p, t)` (vectors, Eigen).
#pragma once
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include "../config.hpp"
#include "../core/state.hpp"

namespace sciml {

// The parameter object of a problem without parameters.
struct NullParameters {};

template <class F, class State, class P>
inline constexpr bool is_inplace_rhs_v =
    std::is_invocable_v<const F&, State&, const State&, const P&, time_t_of<State>>;

template <class F, class State, class P = NullParameters>
struct ODEProblem {
  using state_type = State;
  using scalar_type = scalar_t<State>;
  using time_type = time_t_of<State>;
  using param_type = P;
  static constexpr bool inplace = is_inplace_rhs_v<F, State, P>;

  F f;
  State u0;
  std::array<time_type, 2> tspan;
  P p;

  template <class U>
  ODEProblem(F f_, const U& u0_, std::array<time_type, 2> tspan_, P p_ = P{})
      : f(std::move(f_)), u0(to_storage<State>(u0_)), tspan(tspan_), p(std::move(p_)) {
    static_assert(inplace || std::is_invocable_v<const F&, const State&, const P&, time_type>,
                  "ODEProblem: f must be callable as f(u, p, t) (out-of-place) or f(du, u, p, t) (in-place)");
  }
};

namespace detail {
template <class U>
struct tspan_arg {
  using type = std::array<time_t_of<state_storage_t<U>>, 2>;
};
}  // namespace detail

template <class F, class U>
ODEProblem(F, U, typename detail::tspan_arg<U>::type) -> ODEProblem<F, state_storage_t<U>, NullParameters>;
template <class F, class U, class P>
ODEProblem(F, U, typename detail::tspan_arg<U>::type, P) -> ODEProblem<F, state_storage_t<U>, P>;

namespace detail {
// du = f(u, p, t) for either form of f.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable  // host-only right-hand sides (std::vector states) reach it on the host only
#endif
template <bool Inplace, class F, class State, class P, class T>
SCIML_HD SCIML_INLINE void eval_rhs(const F& f, State& du, const State& u, const P& p, T t) {
  if constexpr (Inplace) {
    f(du, u, p, t);
  } else {
    du = f(u, p, t);
  }
#ifndef __CUDA_ARCH__
  // A dynamic state's f can return the wrong length (out of place) or resize du (in place); every later loop
  // runs over u's length, so that would read or write past the end. One comparison per call.
  if constexpr (is_resizable_v<State>) {
    if (state_size(du) != state_size(u)) [[unlikely]]
      throw std::invalid_argument(std::string(Inplace ? "f(du, u, p, t) resized du to length "
                                                       : "f(u, p, t) returned a state of length ") +
                                  std::to_string(state_size(du)) + " for a state of length " +
                                  std::to_string(state_size(u)) +
                                  (Inplace ? ": write du[i] for i < u.size() without resizing du"
                                           : ": return one derivative per state component"));
  }
#endif
}
}  // namespace detail

}  // namespace sciml
