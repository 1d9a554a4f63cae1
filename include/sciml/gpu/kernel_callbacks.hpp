// Callbacks inside a GPU kernel (and its CPU twin, run_kernel_on_host): plain-data SCIML_HD functors, no
// allocation. The condition and affect take the same arguments as the CPU ContinuousCallback / DiscreteCallback
// (condition(u, t, integ), affect(integ) with integ.u, integ.t, integ.p and integ.terminate()), so one generic
// lambda pair serves both. A continuous event is located the CPU's way: the sign of the condition checked at
// interp_points points of the step's interpolant, the crossing found by the same bracketing root solve
// (find_root_after_crossing), the step cut there and the affect applied; an affect that leaves the condition
// on its root (a bounce) takes its next starting sign from 1/100 of a step later.
#pragma once
#include <type_traits>
#include "../config.hpp"

namespace sciml {

// What cond and affect see inside the kernel.
template <class State, class P, class T>
struct KernelIntegratorView {
  State& u;
  T t;
  P& p;
  bool terminated = false;
  SCIML_HD void terminate() { terminated = true; }
};

struct NoKernelCallback {
  static constexpr bool has_continuous = false, has_discrete = false;
};

// Pass as an affect to ignore crossings in that direction.
struct NoKernelAffect {};

template <class Cond, class Affect, class AffectNeg>
struct KernelContinuousCallback {
  static constexpr bool has_continuous = true, has_discrete = false;
  Cond condition;
  Affect affect;         // upcrossings (- to +)
  AffectNeg affect_neg;  // downcrossings
  int interp_points = 10;
  double abstol = 1e-12;
};

template <class Cond, class Affect>
struct KernelDiscreteCallback {
  static constexpr bool has_continuous = false, has_discrete = true;
  Cond condition;  // condition(u, t, integ) -> bool, after every step
  Affect affect;
};

// A continuous and a discrete callback together.
template <class C, class D>
struct KernelCallbackSet {
  static constexpr bool has_continuous = true, has_discrete = true;
  C continuous;
  D discrete;
};

template <class Cond, class Affect, class AffectNeg>
KernelContinuousCallback<Cond, Affect, AffectNeg> kernel_continuous_callback(Cond c, Affect a, AffectNeg an,
                                                                             int interp_points = 10) {
  return {c, a, an, interp_points < 1 ? 1 : interp_points, 1e-12};
}
template <class Cond, class Affect>
KernelContinuousCallback<Cond, Affect, Affect> kernel_continuous_callback(Cond c, Affect a) {
  return {c, a, a, 10, 1e-12};
}
template <class Cond, class Affect>
KernelDiscreteCallback<Cond, Affect> kernel_discrete_callback(Cond c, Affect a) {
  return {c, a};
}
template <class C, class D>
KernelCallbackSet<C, D> kernel_callback_set(C c, D d) {
  static_assert(C::has_continuous && D::has_discrete, "kernel_callback_set(continuous, discrete)");
  return {c, d};
}

namespace detail {
template <class CB>
SCIML_HD const auto& continuous_of(const CB& cb) {
  if constexpr (requires { cb.continuous; }) {
    return cb.continuous;
  } else {
    return cb;
  }
}
template <class CB>
SCIML_HD const auto& discrete_of(const CB& cb) {
  if constexpr (requires { cb.discrete; }) {
    return cb.discrete;
  } else {
    return cb;
  }
}
template <class A, class I>
SCIML_HD void apply_kernel_affect(const A& a, I& integ) {
  if constexpr (!std::is_same_v<A, NoKernelAffect>) a(integ);
}
}  // namespace detail

}  // namespace sciml
