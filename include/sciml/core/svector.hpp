// SVector<T, N>: a fixed-size, stack-allocated state vector (lives in registers for small N), usable on the
// device. Arithmetic is element-wise so out-of-place right-hand sides read like the maths.
#pragma once
#include <cstddef>
#include <type_traits>
#include "../config.hpp"

namespace sciml {

template <class T, std::size_t N>
struct SVector {
  static_assert(N > 0, "SVector: N must be positive");
  T data[N];

  using value_type = T;
  SCIML_HD static constexpr std::size_t size() { return N; }
  SCIML_HD constexpr T& operator[](std::size_t i) { return data[i]; }
  SCIML_HD constexpr const T& operator[](std::size_t i) const { return data[i]; }
  SCIML_HD constexpr T* begin() { return data; }
  SCIML_HD constexpr T* end() { return data + N; }
  SCIML_HD constexpr const T* begin() const { return data; }
  SCIML_HD constexpr const T* end() const { return data + N; }

  SCIML_HD static constexpr SVector filled(T v) {
    SVector r{};
    for (std::size_t i = 0; i < N; ++i) r.data[i] = v;
    return r;
  }
  SCIML_HD constexpr SVector& operator+=(const SVector& o) {
    for (std::size_t i = 0; i < N; ++i) data[i] += o.data[i];
    return *this;
  }
  SCIML_HD constexpr SVector& operator-=(const SVector& o) {
    for (std::size_t i = 0; i < N; ++i) data[i] -= o.data[i];
    return *this;
  }
  SCIML_HD constexpr SVector& operator*=(T s) {
    for (std::size_t i = 0; i < N; ++i) data[i] *= s;
    return *this;
  }
  SCIML_HD friend constexpr SVector operator+(SVector a, const SVector& b) { return a += b; }
  SCIML_HD friend constexpr SVector operator-(SVector a, const SVector& b) { return a -= b; }
  SCIML_HD friend constexpr SVector operator-(SVector a) {
    for (std::size_t i = 0; i < N; ++i) a.data[i] = -a.data[i];
    return a;
  }
  SCIML_HD friend constexpr SVector operator*(SVector a, T s) { return a *= s; }
  SCIML_HD friend constexpr SVector operator*(T s, SVector a) { return a *= s; }
  SCIML_HD friend constexpr SVector operator/(SVector a, T s) {
    for (std::size_t i = 0; i < N; ++i) a.data[i] /= s;
    return a;
  }
  SCIML_HD friend constexpr bool operator==(const SVector& a, const SVector& b) {
    for (std::size_t i = 0; i < N; ++i)
      if (!(a.data[i] == b.data[i])) return false;
    return true;
  }
};

// SVector{1.0, 2.0, 3.0} deduces SVector<double, 3>.
template <class T, class... U>
SVector(T, U...) -> SVector<T, 1 + sizeof...(U)>;

}  // namespace sciml
