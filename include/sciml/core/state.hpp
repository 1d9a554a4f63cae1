// What the solvers need from a state type: its scalar, its size, a same-shaped copy and (for resizable
// states) resize. SVector/std::array are fixed-size; std::vector, Eigen vectors and the like are dynamic.
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>
#include "../config.hpp"
#include "svector.hpp"

namespace sciml {

// The element type of a state: whatever u[0] gives.
template <class State>
using scalar_t = std::remove_cvref_t<decltype(std::declval<State&>()[0])>;

// The real type underneath a scalar (double for double, double for Dual<double, N>). Specialised by Dual.
template <class T>
struct real_scalar {
  using type = T;
};
template <class T>
using real_t = typename real_scalar<T>::type;

// Time type of a problem over State.
template <class State>
using time_t_of = real_t<scalar_t<State>>;

template <class State>
struct is_fixed_size : std::false_type {};
template <class T, std::size_t N>
struct is_fixed_size<SVector<T, N>> : std::true_type {};
template <class T, std::size_t N>
struct is_fixed_size<std::array<T, N>> : std::true_type {};

template <class State>
inline constexpr bool is_resizable_v = requires(State& u) { u.resize(std::size_t{1}); };

// The type a solver stores: spans are views, so the solver keeps a std::vector of their elements.
template <class U>
struct state_storage {
  using type = std::remove_cvref_t<U>;
};
template <class T, std::size_t E>
struct state_storage<std::span<T, E>> {
  using type = std::vector<std::remove_cv_t<T>>;
};
template <class U>
using state_storage_t = typename state_storage<std::remove_cvref_t<U>>::type;

template <class State>
SCIML_HD constexpr std::size_t state_size(const State& u) {
  return static_cast<std::size_t>(u.size());
}

template <class Storage, class U>
Storage to_storage(const U& u) {
  if constexpr (std::is_same_v<Storage, std::remove_cvref_t<U>>) {
    return u;
  } else {
    return Storage(u.begin(), u.end());
  }
}

// Every entry finite? No early exit: the test runs once per step, where a NaN is the rare case, and without
// branches it is a few predicate operations in a GPU thread and vectorisable on a CPU.
template <class State>
SCIML_HD bool all_finite(const State& u) {
  using std::isfinite;
  const std::size_t n = state_size(u);
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) ok = ok & bool(isfinite(u[i]));
  return ok;
}

}  // namespace sciml

namespace sciml {
// The real value of a scalar (the primal part of a dual number); used by error norms and event tests.
template <class T>
SCIML_HD constexpr real_t<T> value_of(const T& x) {
  if constexpr (requires { x.value(); }) {
    return x.value();
  } else {
    return x;
  }
}
}  // namespace sciml
