// Dual<T, N>: forward-mode dual numbers (a value and N partial derivatives), device-safe and allocation-free.
// Any templated right-hand side runs on them: Jacobians by AD, and sensitivities by solving with dual states
// through any method (the step is generic over the scalar).
#pragma once
#include <cmath>
#include <type_traits>
#include "../config.hpp"
#include "state.hpp"

namespace sciml {

template <class T, int N>
struct Dual {
  static_assert(N >= 1, "Dual: N must be at least 1");
  T val{};
  T der[N]{};

  constexpr Dual() = default;
  SCIML_HD constexpr Dual(T v) : val(v) {}  // a constant: zero partials (implicit, so 2.0 * d works)
  template <class U, class = std::enable_if_t<std::is_arithmetic_v<U> && !std::is_same_v<U, T>>>
  SCIML_HD constexpr Dual(U v) : val(T(v)) {}
  // the i-th independent variable with value v
  SCIML_HD static constexpr Dual variable(T v, int i) {
    Dual d(v);
    d.der[i] = T(1);
    return d;
  }
  SCIML_HD constexpr T value() const { return val; }

  SCIML_HD constexpr Dual& operator+=(const Dual& o) {
    val += o.val;
    for (int i = 0; i < N; ++i) der[i] += o.der[i];
    return *this;
  }
  SCIML_HD constexpr Dual& operator-=(const Dual& o) {
    val -= o.val;
    for (int i = 0; i < N; ++i) der[i] -= o.der[i];
    return *this;
  }
  SCIML_HD constexpr Dual& operator*=(const Dual& o) {
    for (int i = 0; i < N; ++i) der[i] = der[i] * o.val + val * o.der[i];
    val *= o.val;
    return *this;
  }
  SCIML_HD constexpr Dual& operator/=(const Dual& o) {
    const T inv = T(1) / o.val, q = val * inv;
    for (int i = 0; i < N; ++i) der[i] = (der[i] - q * o.der[i]) * inv;
    val = q;
    return *this;
  }
  SCIML_HD friend constexpr Dual operator+(Dual a, const Dual& b) { return a += b; }
  SCIML_HD friend constexpr Dual operator-(Dual a, const Dual& b) { return a -= b; }
  SCIML_HD friend constexpr Dual operator*(Dual a, const Dual& b) { return a *= b; }
  SCIML_HD friend constexpr Dual operator/(Dual a, const Dual& b) { return a /= b; }
  SCIML_HD friend constexpr Dual operator+(const Dual& a) { return a; }
  SCIML_HD friend constexpr Dual operator-(Dual a) {
    a.val = -a.val;
    for (int i = 0; i < N; ++i) a.der[i] = -a.der[i];
    return a;
  }
  // scalar on either side (cheaper than promoting to a Dual)
  SCIML_HD friend constexpr Dual operator*(Dual a, T s) {
    a.val *= s;
    for (int i = 0; i < N; ++i) a.der[i] *= s;
    return a;
  }
  SCIML_HD friend constexpr Dual operator*(T s, Dual a) { return a * s; }
  SCIML_HD friend constexpr Dual operator/(Dual a, T s) { return a * (T(1) / s); }
  SCIML_HD friend constexpr Dual operator+(Dual a, T s) { a.val += s; return a; }
  SCIML_HD friend constexpr Dual operator+(T s, Dual a) { a.val += s; return a; }
  SCIML_HD friend constexpr Dual operator-(Dual a, T s) { a.val -= s; return a; }
  SCIML_HD friend constexpr Dual operator-(T s, const Dual& a) { return -a + s; }

  // comparisons look at values only (branches in f follow the primal computation)
  SCIML_HD friend constexpr bool operator<(const Dual& a, const Dual& b) { return a.val < b.val; }
  SCIML_HD friend constexpr bool operator>(const Dual& a, const Dual& b) { return a.val > b.val; }
  SCIML_HD friend constexpr bool operator<=(const Dual& a, const Dual& b) { return a.val <= b.val; }
  SCIML_HD friend constexpr bool operator>=(const Dual& a, const Dual& b) { return a.val >= b.val; }
  SCIML_HD friend constexpr bool operator==(const Dual& a, const Dual& b) { return a.val == b.val; }
  SCIML_HD friend constexpr bool operator!=(const Dual& a, const Dual& b) { return a.val != b.val; }
};

template <class T, int N>
struct real_scalar<Dual<T, N>> {
  using type = real_t<T>;
};

namespace detail {
// g(a) with g(a.val) = v and g'(a.val) = d: the chain rule for every elementary function.
template <class T, int N>
SCIML_HD constexpr Dual<T, N> chain(const Dual<T, N>& a, T v, T d) {
  Dual<T, N> r(v);
  for (int i = 0; i < N; ++i) r.der[i] = d * a.der[i];
  return r;
}
}  // namespace detail

template <class T, int N>
SCIML_HD Dual<T, N> sqrt(const Dual<T, N>& a) {
  using std::sqrt;
  const T s = sqrt(a.val);
  return detail::chain(a, s, T(0.5) / s);
}
template <class T, int N>
SCIML_HD Dual<T, N> exp(const Dual<T, N>& a) {
  using std::exp;
  const T e = exp(a.val);
  return detail::chain(a, e, e);
}
template <class T, int N>
SCIML_HD Dual<T, N> log(const Dual<T, N>& a) {
  using std::log;
  return detail::chain(a, log(a.val), T(1) / a.val);
}
template <class T, int N>
SCIML_HD Dual<T, N> sin(const Dual<T, N>& a) {
  using std::cos;
  using std::sin;
  return detail::chain(a, sin(a.val), cos(a.val));
}
template <class T, int N>
SCIML_HD Dual<T, N> cos(const Dual<T, N>& a) {
  using std::cos;
  using std::sin;
  return detail::chain(a, cos(a.val), -sin(a.val));
}
template <class T, int N>
SCIML_HD Dual<T, N> tan(const Dual<T, N>& a) {
  using std::tan;
  const T t = tan(a.val);
  return detail::chain(a, t, T(1) + t * t);
}
template <class T, int N>
SCIML_HD Dual<T, N> tanh(const Dual<T, N>& a) {
  using std::tanh;
  const T t = tanh(a.val);
  return detail::chain(a, t, T(1) - t * t);
}
template <class T, int N>
SCIML_HD Dual<T, N> atan(const Dual<T, N>& a) {
  using std::atan;
  return detail::chain(a, atan(a.val), T(1) / (T(1) + a.val * a.val));
}
template <class T, int N>
SCIML_HD Dual<T, N> abs(const Dual<T, N>& a) {
  return a.val < T(0) ? -a : a;
}
template <class T, int N>
SCIML_HD Dual<T, N> fabs(const Dual<T, N>& a) {
  return abs(a);
}
// a^b for a real exponent b
template <class T, int N>
SCIML_HD Dual<T, N> pow(const Dual<T, N>& a, T b) {
  using std::pow;
  if (b == T(0)) return Dual<T, N>(T(1));
  const T p = pow(a.val, b - T(1));
  return detail::chain(a, p * a.val, b * p);
}
template <class T, int N>
SCIML_HD Dual<T, N> pow(const Dual<T, N>& a, int b) {
  return pow(a, T(b));
}
// a^b with a dual exponent: exp(b log a)
template <class T, int N>
SCIML_HD Dual<T, N> pow(const Dual<T, N>& a, const Dual<T, N>& b) {
  return exp(b * log(a));
}
template <class T, int N>
SCIML_HD Dual<T, N> pow(T a, const Dual<T, N>& b) {
  using std::log;
  return exp(b * log(a));
}
template <class T, int N>
SCIML_HD bool isfinite(const Dual<T, N>& a) {
  using std::isfinite;
  if (!isfinite(a.val)) return false;
  for (int i = 0; i < N; ++i)
    if (!isfinite(a.der[i])) return false;
  return true;
}
template <class T, int N>
SCIML_HD bool isnan(const Dual<T, N>& a) {
  using std::isnan;
  return isnan(a.val);
}

}  // namespace sciml
