// The meaning of every symbolic Op on a scalar, shared by the graph's constant folding, the bytecode VM, the
// GPU kernels EnsembleGPUKernel generates (python/src/gpu_codegen.hpp includes this header) and (mirrored in C
// text) the code generator: Python semantics (floored Mod, Sign(0) = 0, comparisons and logic give 1 / 0, NaN
// is truthy) on float and double, and on sciml::Dual<T, N> with exact derivatives for every Op. Everything is
// SCIML_HD: no allocation, no exceptions, no static tables.
#pragma once
#include <cmath>
#include <type_traits>
#include <utility>
#include "../config.hpp"
#include "../core/dual.hpp"

namespace sciml::symbolic::detail {

template <class S>
struct is_dual : std::false_type {};
template <class T, int N>
struct is_dual<Dual<T, N>> : std::true_type {};

// The value of a scalar: itself on float / double, .val on dual numbers.
template <class S>
SCIML_HD constexpr S primal(const S& x) {
  return x;
}
template <class T, int N>
SCIML_HD constexpr T primal(const Dual<T, N>& x) {
  return x.val;
}
// The real type under a scalar (float, double; T for Dual<T, N>).
template <class S>
using real_of = std::remove_cv_t<std::remove_reference_t<decltype(primal(std::declval<const S&>()))>>;

// g(x) given v = g(x.val) and dv(x.val, v) = g'(x.val); on float / double just v.
template <class S, class V, class D>
SCIML_HD S unary_chain(const S& x, V v, D dv) {
  if constexpr (is_dual<S>::value) {
    using T = decltype(x.val);
    const T xv = x.val;
    const T r = T(v(xv));
    return sciml::detail::chain(x, r, T(dv(xv, r)));
  } else {
    (void)dv;
    return v(x);
  }
}
// g(x, y) with partial derivatives dx, dy at the values.
template <class T, int N>
SCIML_HD Dual<T, N> binary_chain(const Dual<T, N>& x, const Dual<T, N>& y, T v, T dx, T dy) {
  Dual<T, N> r(v);
  for (int i = 0; i < N; ++i) r.der[i] = dx * x.der[i] + dy * y.der[i];
  return r;
}

// ---- real semantics of the non-IEEE-trivial ops (R = float or double) ----
template <class R>
SCIML_HD constexpr R sign_r(R x) {  // keeps ±0 and NaN
  return x > R(0) ? R(1) : x < R(0) ? R(-1) : x;
}
template <class R>
SCIML_HD R mod_r(R a, R b) {  // Python's float %
  using std::copysign;
  using std::fmod;
  R r = fmod(a, b);
  if (r != R(0)) {
    if ((r < R(0)) != (b < R(0))) r += b;
  } else {
    r = copysign(R(0), b);
  }
  return r;
}
// NaN-propagating; a tie returns b.
template <class R>
SCIML_HD constexpr bool min_takes_a(R a, R b) {
  return a < b || a != a;
}
template <class R>
SCIML_HD constexpr bool max_takes_a(R a, R b) {
  return a > b || a != a;
}
template <class R = double>
SCIML_HD constexpr R truth(bool c) {
  return c ? R(1) : R(0);
}

// ---- unary ----
template <class S>
SCIML_HD S f_neg(const S& x) {
  return -x;
}
// f_NAME(x): std::NAME on float / double; on dual numbers with the derivative DERIV, an expression in the
// argument's value a and the result's value v, of real type R.
#define SCIML_SYMBOLIC_UNARY(NAME, DERIV)                                               \
  template <class S>                                                                     \
  SCIML_HD S f_##NAME(const S& x) {                                                      \
    return unary_chain(                                                                  \
        x,                                                                               \
        [](auto a) {                                                                     \
          using std::NAME;                                                               \
          return NAME(a);                                                                \
        },                                                                               \
        [](auto a, auto v) {                                                             \
          using std::sqrt, std::cos, std::sin, std::cosh, std::sinh, std::exp;            \
          using R [[maybe_unused]] = decltype(a);                                        \
          (void)a, (void)v;                                                              \
          return DERIV;                                                                  \
        });                                                                              \
  }
SCIML_SYMBOLIC_UNARY(sin, cos(a))
SCIML_SYMBOLIC_UNARY(cos, -sin(a))
SCIML_SYMBOLIC_UNARY(tan, R(1) + v * v)
SCIML_SYMBOLIC_UNARY(asin, R(1) / sqrt(R(1) - a * a))
SCIML_SYMBOLIC_UNARY(acos, R(-1) / sqrt(R(1) - a * a))
SCIML_SYMBOLIC_UNARY(atan, R(1) / (R(1) + a * a))
SCIML_SYMBOLIC_UNARY(sinh, cosh(a))
SCIML_SYMBOLIC_UNARY(cosh, sinh(a))
SCIML_SYMBOLIC_UNARY(tanh, R(1) - v * v)
SCIML_SYMBOLIC_UNARY(exp, v)
SCIML_SYMBOLIC_UNARY(expm1, exp(a))
SCIML_SYMBOLIC_UNARY(log, R(1) / a)
SCIML_SYMBOLIC_UNARY(log1p, R(1) / (R(1) + a))
SCIML_SYMBOLIC_UNARY(sqrt, R(0.5) / v)
SCIML_SYMBOLIC_UNARY(cbrt, R(1) / (R(3) * v * v))
SCIML_SYMBOLIC_UNARY(fabs, sign_r(a))
SCIML_SYMBOLIC_UNARY(floor, R(0))
SCIML_SYMBOLIC_UNARY(ceil, R(0))
#undef SCIML_SYMBOLIC_UNARY
template <class S>
SCIML_HD S f_sign(const S& x) {
  return S(sign_r(primal(x)));
}
template <class S>
SCIML_HD S f_not(const S& x) {
  return S(truth<real_of<S>>(primal(x) == 0));
}

// ---- powers ----
// Constant exponents the VM, the generated C and the generated GPU kernels special-case; folding uses the same
// (so all agree).
enum class PowKind : unsigned char { General, Square, Cube, Fourth, Recip, RecipSquare, Sqrt, RecipSqrt };
SCIML_HD constexpr PowKind pow_kind(double k) {
  if (k == 2) return PowKind::Square;
  if (k == 3) return PowKind::Cube;
  if (k == 4) return PowKind::Fourth;
  if (k == -1) return PowKind::Recip;
  if (k == -2) return PowKind::RecipSquare;
  if (k == 0.5) return PowKind::Sqrt;
  if (k == -0.5) return PowKind::RecipSqrt;
  return PowKind::General;
}
// Division with the value rounded as in a / b (Dual's own operator/ multiplies by a reciprocal).
template <class S>
SCIML_HD S f_div(const S& a, const S& b) {
  if constexpr (is_dual<S>::value) {
    S r(a.val / b.val);
    for (int i = 0; i < int(sizeof(a.der) / sizeof(a.der[0])); ++i) r.der[i] = (a.der[i] - r.val * b.der[i]) / b.val;
    return r;
  } else {
    return a / b;
  }
}
template <class S>
SCIML_HD S f_div_k(const S& a, double k) {  // a / k
  using R = real_of<S>;
  if constexpr (is_dual<S>::value) {
    S r(a.val / R(k));
    for (int i = 0; i < int(sizeof(a.der) / sizeof(a.der[0])); ++i) r.der[i] = a.der[i] / R(k);
    return r;
  } else {
    return a / R(k);
  }
}
template <class S>
SCIML_HD S f_square(const S& x) {
  return x * x;
}
template <class S>
SCIML_HD S f_cube(const S& x) {
  return x * x * x;
}
template <class S>
SCIML_HD S f_fourth(const S& x) {
  const S s = x * x;
  return s * s;
}
template <class S>
SCIML_HD S f_recip(const S& x) {
  return f_div(S(1.0), x);
}
template <class S>
SCIML_HD S f_recip_square(const S& x) {
  return f_div(S(1.0), x * x);
}
template <class S>
SCIML_HD S f_recip_sqrt(const S& x) {
  return f_div(S(1.0), f_sqrt(x));
}
// x^k, k a constant not special-cased
template <class S>
SCIML_HD S f_pow_general_k(const S& x, double k) {
  return unary_chain(
      x,
      [k](auto a) {
        using std::pow;
        return pow(a, decltype(a)(k));
      },
      [k](auto a, auto) {
        using std::pow;
        return decltype(a)(k) * pow(a, decltype(a)(k - 1));
      });
}
template <class S>
SCIML_HD S f_pow_k(const S& x, double k) {
  switch (pow_kind(k)) {
    case PowKind::Square: return f_square(x);
    case PowKind::Cube: return f_cube(x);
    case PowKind::Fourth: return f_fourth(x);
    case PowKind::Recip: return f_recip(x);
    case PowKind::RecipSquare: return f_recip_square(x);
    case PowKind::Sqrt: return f_sqrt(x);
    case PowKind::RecipSqrt: return f_recip_sqrt(x);
    default: return f_pow_general_k(x, k);
  }
}
// x^y, y not a constant: std::pow; d/dx = y x^(y-1), d/dy = x^y log x, the latter only in the partials where y
// varies (so a negative x, where log x is NaN, spoils no partial in which y is constant).
template <class S>
SCIML_HD S f_pow(const S& x, const S& y) {
  using std::pow;
  if constexpr (is_dual<S>::value) {
    using T = decltype(x.val);
    const T v = pow(x.val, y.val), dx = y.val * pow(x.val, y.val - T(1));
    bool y_varies = false;
    for (T d : y.der) y_varies = y_varies || d != T(0);
    using std::log;
    const T dy = y_varies ? T(v * log(x.val)) : T(0);
    S r(v);
    for (int i = 0; i < int(sizeof(r.der) / sizeof(r.der[0])); ++i)
      r.der[i] = y.der[i] != T(0) ? T(dx * x.der[i] + dy * y.der[i]) : T(dx * x.der[i]);
    return r;
  } else {
    return pow(x, y);
  }
}

// ---- binary ----
template <class S>
SCIML_HD S f_atan2(const S& y, const S& x) {
  using std::atan2;
  if constexpr (is_dual<S>::value) {
    using T = decltype(x.val);
    const T r2 = x.val * x.val + y.val * y.val;
    return binary_chain(y, x, T(atan2(y.val, x.val)), T(x.val / r2), T(-y.val / r2));
  } else {
    return atan2(y, x);
  }
}
template <class S>
SCIML_HD S f_min(const S& a, const S& b) {
  return min_takes_a(primal(a), primal(b)) ? a : b;
}
template <class S>
SCIML_HD S f_max(const S& a, const S& b) {
  return max_takes_a(primal(a), primal(b)) ? a : b;
}
template <class S>
SCIML_HD S f_mod(const S& a, const S& b) {
  if constexpr (is_dual<S>::value) {
    using T = decltype(a.val);
    using std::floor;
    return binary_chain(a, b, T(mod_r(a.val, b.val)), T(1), T(-floor(a.val / b.val)));
  } else {
    return mod_r(a, b);
  }
}
// comparisons and logic: 1 / 0 with zero derivatives
#define SCIML_SYMBOLIC_TRUTH(NAME, COND)                    \
  template <class S>                                       \
  SCIML_HD S NAME(const S& x, const S& y) {                \
    const auto a = primal(x), b = primal(y);               \
    return S(truth<real_of<S>>(COND));                     \
  }
SCIML_SYMBOLIC_TRUTH(f_lt, a < b)
SCIML_SYMBOLIC_TRUTH(f_le, a <= b)
SCIML_SYMBOLIC_TRUTH(f_gt, a > b)
SCIML_SYMBOLIC_TRUTH(f_ge, a >= b)
SCIML_SYMBOLIC_TRUTH(f_eq, a == b)
SCIML_SYMBOLIC_TRUTH(f_ne, a != b)
SCIML_SYMBOLIC_TRUTH(f_and, a != 0 && b != 0)
SCIML_SYMBOLIC_TRUTH(f_or, a != 0 || b != 0)
#undef SCIML_SYMBOLIC_TRUTH
template <class S>
SCIML_HD S f_ifelse(const S& c, const S& a, const S& b) {
  return primal(c) != 0 ? a : b;
}

}  // namespace sciml::symbolic::detail
