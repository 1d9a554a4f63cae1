// Activation: the pointwise nonlinearities of an MLP layer, evaluated on any scalar (double, float, Dual,
// a reverse-mode tape scalar: anything with + - * /, exp, log, tanh and comparisons), and their derivatives
// in double for hand-written VJPs. Rbf is exp(-x^2); Gelu is the tanh approximation; Sigmoid and Softplus
// are written so they neither overflow nor lose their derivative for large |x|.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include "../config.hpp"

namespace sciml::nn {

enum class Activation : std::uint8_t { Identity, Tanh, Relu, Sigmoid, Softplus, Gelu, Rbf };

namespace detail {
inline constexpr double gelu_k = 0.7978845608028654;  // sqrt(2 / pi)
inline constexpr double gelu_c = 0.044715;
}  // namespace detail

// act(x) for any scalar type S.
template <class S>
SCIML_HD S activate(Activation a, const S& x) {
  using std::exp;
  using std::log;
  using std::tanh;
  switch (a) {
    case Activation::Identity:
      return x;
    case Activation::Tanh:
      return tanh(x);
    case Activation::Relu:
      return x > S(0.0) ? x : S(0.0);
    case Activation::Sigmoid:  // 1 / (1 + e^-x), through tanh: no overflow, exact tails
      return S(0.5) + S(0.5) * tanh(S(0.5) * x);
    case Activation::Softplus:  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)
      return x > S(0.0) ? x + log(S(1.0) + exp(-x)) : log(S(1.0) + exp(x));
    case Activation::Gelu:  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      return S(0.5) * x * (S(1.0) + tanh(S(detail::gelu_k) * (x + S(detail::gelu_c) * x * x * x)));
    case Activation::Rbf:
      return exp(-(x * x));
  }
  return x;
}

// d act / dx at the pre-activation x.
SCIML_HD inline double activate_derivative(Activation a, double x) {
  using std::exp;
  using std::tanh;
  switch (a) {
    case Activation::Identity:
      return 1.0;
    case Activation::Tanh: {
      const double t = tanh(x);
      return 1.0 - t * t;
    }
    case Activation::Relu:
      return x > 0.0 ? 1.0 : 0.0;
    case Activation::Sigmoid: {
      const double s = 0.5 + 0.5 * tanh(0.5 * x);
      return s * (1.0 - s);
    }
    case Activation::Softplus:  // the logistic sigmoid
      return 0.5 + 0.5 * tanh(0.5 * x);
    case Activation::Gelu: {
      const double x2 = x * x;
      const double t = tanh(detail::gelu_k * (x + detail::gelu_c * x2 * x));
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * detail::gelu_k * (1.0 + 3.0 * detail::gelu_c * x2);
    }
    case Activation::Rbf:
      return -2.0 * x * exp(-x * x);
  }
  return 1.0;
}

namespace detail {
// d act / dx from the pre-activation z and the already computed a = act(z): most activations need no new
// transcendental call (the VJP's backward sweep).
SCIML_HD inline double activation_derivative_from(Activation act, double z, double a) {
  switch (act) {
    case Activation::Identity:
      return 1.0;
    case Activation::Tanh:
      return 1.0 - a * a;
    case Activation::Relu:
      return z > 0.0 ? 1.0 : 0.0;
    case Activation::Sigmoid:
      return a * (1.0 - a);
    case Activation::Rbf:
      return -2.0 * z * a;
    case Activation::Softplus:
    case Activation::Gelu:
      return activate_derivative(act, z);
  }
  return 1.0;
}

// a[i] = act(z[i]), i < n: the switch hoisted out of the loop.
template <class S>
SCIML_HD void activate_n(Activation act, S* z, std::size_t n) {
  switch (act) {
    case Activation::Identity:
      return;
    case Activation::Tanh:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Tanh, z[i]);
      return;
    case Activation::Relu:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Relu, z[i]);
      return;
    case Activation::Sigmoid:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Sigmoid, z[i]);
      return;
    case Activation::Softplus:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Softplus, z[i]);
      return;
    case Activation::Gelu:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Gelu, z[i]);
      return;
    case Activation::Rbf:
      for (std::size_t i = 0; i < n; ++i) z[i] = activate(Activation::Rbf, z[i]);
      return;
  }
}
}  // namespace detail

}  // namespace sciml::nn
