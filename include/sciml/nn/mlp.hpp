// MLP: a multilayer perceptron as a pure function y = f(x; theta) of its input and a flat parameter vector,
// for neural networks inside ODE right-hand sides (universal differential equations). Trivially copyable and
// heap-free (at most 8 layers); forward runs on any scalar types (double, Dual for x or theta, a tape scalar)
// without allocating, also in a CUDA thread; vjp is the hand-written O(params) reverse pass in double.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#include "../config.hpp"
#include "activation.hpp"
#include "rng.hpp"

namespace sciml::nn {

namespace detail {
// z[i] = b[i] + sum_j W[i][j] a[j], W row-major (out x in) at wb, b right after it.
template <class A, class P, class S>
SCIML_HD SCIML_INLINE void dense(const A* a, const P* wb, std::size_t in, std::size_t out, S* z) {
  const P* b = wb + in * out;
  for (std::size_t i = 0; i < out; ++i) {
    const P* w = wb + i * in;
    S s = S(b[i]);
    for (std::size_t j = 0; j < in; ++j) s += w[j] * a[j];
    z[i] = s;
  }
}
}  // namespace detail

class MLP {
 public:
  static constexpr int max_layers = 8;

  MLP() = default;
  // sizes: the widths from input to output (at least 2, at most max_layers + 1 entries, all positive);
  // acts: one activation per layer (sizes.size() - 1 of them; the last is usually Identity).
  MLP(std::initializer_list<std::size_t> sizes, std::initializer_list<Activation> acts) {
    init(sizes.begin(), sizes.size(), acts.begin(), acts.size());
  }
  MLP(const std::vector<std::size_t>& sizes, const std::vector<Activation>& acts) {
    init(sizes.data(), sizes.size(), acts.data(), acts.size());
  }

  SCIML_HD std::size_t num_params() const { return nparams_; }
  SCIML_HD std::size_t input_size() const { return nlayers_ ? sizes_[0] : 0; }
  SCIML_HD std::size_t output_size() const { return nlayers_ ? sizes_[nlayers_] : 0; }
  SCIML_HD int num_layers() const { return int(nlayers_); }
  // the width at layer boundary i (0: input, num_layers(): output) and the activation of layer l (from 0)
  SCIML_HD std::size_t width(int i) const { return sizes_[i]; }
  SCIML_HD Activation activation(int l) const { return acts_[l]; }
  // offset in theta of layer l's weights (row-major width(l + 1) x width(l)) and of its biases, which follow
  SCIML_HD std::size_t weight_offset(int l) const {
    std::size_t off = 0;
    for (int k = 0; k < l; ++k) off += (std::size_t(sizes_[k]) + 1) * sizes_[k + 1];
    return off;
  }
  SCIML_HD std::size_t bias_offset(int l) const {
    return weight_offset(l) + std::size_t(sizes_[l]) * sizes_[l + 1];
  }
  // scratch scalars that forward and vjp need: 2 per neuron (pre- and post-activations) + the widest hidden
  // layer (the backward sweep's cotangent)
  SCIML_HD std::size_t work_size() const { return 2 * std::size_t(nunits_) + maxhidden_; }
  // the part of it forward alone touches: one per hidden neuron
  SCIML_HD std::size_t forward_work_size() const { return std::size_t(nunits_) - output_size(); }

  // y = f(x; theta). Layer l: z = W_l a + b_l, a' = act_l(z). X, P: the input's and the parameters' scalar
  // types; S: the output's (and scratch's), which both must convert to, e.g. (double, double, double),
  // (Dual, double, Dual) for d/dx, (double, Dual, Dual) for d/dtheta, or the tape scalar throughout.
  // work: at least forward_work_size() scalars. No allocation.
  template <class X, class P, class S>
  SCIML_HD void forward(const X* x, const P* theta, S* y, S* work) const {
    if (nlayers_ == 0) return;
    const std::size_t L = nlayers_;
    S* dst = L == 1 ? y : work;
    detail::dense(x, theta, sizes_[0], sizes_[1], dst);
    detail::activate_n(acts_[0], dst, sizes_[1]);
    const P* wb = theta + (std::size_t(sizes_[0]) + 1) * sizes_[1];
    for (std::size_t l = 1; l < L; ++l) {
      const S* src = dst;
      dst = l + 1 == L ? y : dst + sizes_[l];
      detail::dense(src, wb, sizes_[l], sizes_[l + 1], dst);
      detail::activate_n(acts_[l], dst, sizes_[l + 1]);
      wb += (std::size_t(sizes_[l]) + 1) * sizes_[l + 1];
    }
  }

  // forward with its own scratch (on the stack for small networks of arithmetic types, else a std::vector)
  template <class X, class P, class Out>
  void operator()(const X* x, const P* theta, Out* y) const {
    if constexpr (std::is_arithmetic_v<Out>) {
      constexpr std::size_t cap = 512;
      if (forward_work_size() <= cap) {
        Out buf[cap];
        forward(x, theta, y, buf);
        return;
      }
    }
    std::vector<Out> buf(forward_work_size());
    forward(x, theta, y, buf.data());
  }

  // Reverse mode: with ybar = dL/dy (output_size()), ADD dL/dx to xbar (input_size(); may be nullptr) and
  // dL/dtheta to thetabar (num_params(); may be nullptr). work: work_size() doubles. Cost: one forward pass
  // plus about two multiply-adds per weight.
  void vjp(const double* x, const double* theta, const double* ybar, double* xbar, double* thetabar,
           double* work) const {
    if (nlayers_ == 0) return;
    const int L = int(nlayers_);
    std::size_t poff[max_layers], uoff[max_layers];
    // forward, keeping z_l at work + 2 uoff[l] and a_l = act(z_l) right after it
    std::size_t p = 0, u = 0;
    const double* a_prev = x;
    for (int l = 0; l < L; ++l) {
      const std::size_t in = sizes_[l], n = sizes_[l + 1];
      poff[l] = p;
      uoff[l] = u;
      double* z = work + 2 * u;
      double* a = z + n;
      detail::dense(a_prev, theta + p, in, n, z);
      for (std::size_t i = 0; i < n; ++i) a[i] = z[i];
      detail::activate_n(acts_[l], a, n);
      a_prev = a;
      p += (in + 1) * n;
      u += n;
    }
    // backward: delta_l = abar_l * act_l'(z_l) (into z_l's slot), then theta's and a_{l-1}'s cotangents
    double* gbuf = work + 2 * std::size_t(nunits_);  // abar of the hidden layer below
    const double* abar = ybar;
    for (int l = L - 1; l >= 0; --l) {
      const std::size_t in = sizes_[l], n = sizes_[l + 1];
      double* delta = work + 2 * uoff[l];
      const double* a = delta + n;
      const Activation act = acts_[l];
      if (act == Activation::Identity) {
        for (std::size_t i = 0; i < n; ++i) delta[i] = abar[i];
      } else {
        for (std::size_t i = 0; i < n; ++i)
          delta[i] = abar[i] * detail::activation_derivative_from(act, delta[i], a[i]);
      }
      const double* ain = l == 0 ? x : work + 2 * uoff[l - 1] + in;
      const double* W = theta + poff[l];
      double* out = l == 0 ? xbar : gbuf;  // cotangent of this layer's input
      if (l > 0)
        for (std::size_t j = 0; j < in; ++j) out[j] = 0.0;
      if (thetabar) {
        double* __restrict tW = thetabar + poff[l];
        double* __restrict tb = tW + in * n;
        for (std::size_t i = 0; i < n; ++i) {
          const double d = delta[i];
          for (std::size_t j = 0; j < in; ++j) tW[i * in + j] += d * ain[j];
          tb[i] += d;
        }
      }
      if (out) {
        double* __restrict o = out;
        if (in < n) {  // narrow input (the first layer): one register accumulator per input
          for (std::size_t j = 0; j < in; ++j) {
            double s = 0;
            for (std::size_t i = 0; i < n; ++i) s += W[i * in + j] * delta[i];
            o[j] += s;
          }
        } else {
          for (std::size_t i = 0; i < n; ++i) {
            const double d = delta[i];
            for (std::size_t j = 0; j < in; ++j) o[j] += W[i * in + j] * d;
          }
        }
      }
      abar = gbuf;
    }
  }

  // Glorot/Xavier uniform weights U(-sqrt(6 / (in + out)), +sqrt(6 / (in + out))) and zero biases, drawn in
  // theta's order from Rng(seed): the same seed gives the same parameters everywhere.
  std::vector<double> init_glorot(std::uint64_t seed) const {
    std::vector<double> theta(nparams_, 0.0);
    Rng rng(seed);
    std::size_t p = 0;
    for (std::size_t l = 0; l < nlayers_; ++l) {
      const std::size_t in = sizes_[l], out = sizes_[l + 1];
      const double lim = std::sqrt(6.0 / double(in + out));
      for (std::size_t k = 0; k < in * out; ++k) theta[p + k] = rng.uniform(-lim, lim);
      p += (in + 1) * out;
    }
    return theta;
  }

 private:
  template <class SizeT>
  void init(const SizeT* sizes, std::size_t ns, const Activation* acts, std::size_t na) {
    if (ns < 2 || ns > std::size_t(max_layers) + 1)
      throw std::invalid_argument("MLP: sizes must list 2 to " + std::to_string(max_layers + 1) +
                                  " layer widths (input, hidden..., output), got " + std::to_string(ns));
    if (na != ns - 1)
      throw std::invalid_argument("MLP: acts must have sizes.size() - 1 = " + std::to_string(ns - 1) +
                                  " entries (one activation per layer), got " + std::to_string(na));
    std::size_t np = 0, nu = 0, mh = 0;
    for (std::size_t i = 0; i < ns; ++i) {
      if (sizes[i] == 0 || sizes[i] > 0xFFFFFFu)
        throw std::invalid_argument("MLP: sizes[" + std::to_string(i) + "] = " + std::to_string(sizes[i]) +
                                    " must be a positive width (at most 2^24 - 1)");
      sizes_[i] = std::uint32_t(sizes[i]);
    }
    for (std::size_t l = 0; l < na; ++l) {
      if (std::uint8_t(acts[l]) > std::uint8_t(Activation::Rbf))
        throw std::invalid_argument("MLP: acts[" + std::to_string(l) + "] is not an Activation");
      acts_[l] = acts[l];
      np += (std::size_t(sizes_[l]) + 1) * sizes_[l + 1];
      nu += sizes_[l + 1];
      if (l + 1 < na && sizes_[l + 1] > mh) mh = sizes_[l + 1];
    }
    if (np > 0xFFFFFFFFu) throw std::invalid_argument("MLP: more than 2^32 - 1 parameters");
    nlayers_ = std::uint32_t(na);
    nparams_ = std::uint32_t(np);
    nunits_ = std::uint32_t(nu);
    maxhidden_ = std::uint32_t(mh);
  }

  std::uint32_t sizes_[max_layers + 1]{};
  Activation acts_[max_layers]{};
  std::uint32_t nlayers_ = 0;
  std::uint32_t nparams_ = 0;
  std::uint32_t nunits_ = 0;    // neurons over all layers, output included
  std::uint32_t maxhidden_ = 0;  // widest hidden layer
};

}  // namespace sciml::nn
