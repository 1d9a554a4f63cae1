// Neural networks: every activation and its derivative against central differences and dual numbers; MLP
// forward against a hand-computed network; MLP::vjp against central differences and forward-mode duals (in x
// and in theta) for 2-50-2 tanh, 2-5-5-5-2 rbf and a network using every activation, and against the reverse-mode
// tape scalar run through forward; Glorot initialisation and the counter-based generator.
#include <gtest/gtest.h>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <type_traits>
#include <vector>
#include <sciml/core/dual.hpp>
#include <sciml/nn/activation.hpp>
#include <sciml/nn/mlp.hpp>
#include <sciml/nn/rng.hpp>
#if __has_include(<sciml/ad/tape.hpp>)
#include <sciml/ad/tape.hpp>
#define SCIML_TEST_HAVE_TAPE 1
#endif

using sciml::nn::Activation;
using sciml::nn::MLP;
using D1 = sciml::Dual<double, 1>;

namespace {

const Activation all_acts[] = {Activation::Identity, Activation::Tanh,  Activation::Relu, Activation::Sigmoid,
                               Activation::Softplus, Activation::Gelu, Activation::Rbf};

double reference(Activation a, double x) {
  switch (a) {
    case Activation::Identity: return x;
    case Activation::Tanh: return std::tanh(x);
    case Activation::Relu: return x > 0 ? x : 0;
    case Activation::Sigmoid: return 1 / (1 + std::exp(-x));
    case Activation::Softplus: return std::log1p(std::exp(x));
    case Activation::Gelu: return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    case Activation::Rbf: return std::exp(-x * x);
  }
  return 0;
}

// theta with Glorot weights and random (non-zero) biases, so every parameter matters
std::vector<double> random_theta(const MLP& net, std::uint64_t seed) {
  std::vector<double> th = net.init_glorot(seed);
  sciml::nn::Rng rng(seed + 1000);
  for (int l = 0; l < net.num_layers(); ++l)
    for (std::size_t i = 0; i < net.width(l + 1); ++i) th[net.bias_offset(l) + i] = rng.uniform(-0.5, 0.5);
  return th;
}

std::vector<double> fwd(const MLP& net, const std::vector<double>& x, const std::vector<double>& th) {
  std::vector<double> y(net.output_size()), w(net.work_size());
  net.forward(x.data(), th.data(), y.data(), w.data());
  return y;
}

// checks vjp against central differences of L = c . y in x and theta
void check_vjp_fd(const MLP& net, std::uint64_t seed, double tol) {
  const auto th = random_theta(net, seed);
  sciml::nn::Rng rng(seed + 7);
  std::vector<double> x(net.input_size()), c(net.output_size());
  for (auto& v : x) v = rng.uniform(-1.5, 1.5);
  for (auto& v : c) v = rng.uniform(-1, 1);
  std::vector<double> xbar(x.size(), 1.0), thbar(th.size(), -2.0), work(net.work_size());
  net.vjp(x.data(), th.data(), c.data(), xbar.data(), thbar.data(), work.data());
  auto L = [&](const std::vector<double>& xx, const std::vector<double>& tt) {
    const auto y = fwd(net, xx, tt);
    return std::inner_product(y.begin(), y.end(), c.begin(), 0.0);
  };
  const double h = 1e-6;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    const double fd = (L(xp, th) - L(xm, th)) / (2 * h);
    EXPECT_NEAR(xbar[i] - 1.0, fd, tol * (1 + std::abs(fd))) << "x[" << i << "]";  // vjp adds to xbar
  }
  for (std::size_t k = 0; k < th.size(); ++k) {
    auto tp = th, tm = th;
    tp[k] += h;
    tm[k] -= h;
    const double fd = (L(x, tp) - L(x, tm)) / (2 * h);
    EXPECT_NEAR(thbar[k] + 2.0, fd, tol * (1 + std::abs(fd))) << "theta[" << k << "]";
  }
}

// checks vjp against forward-mode duals: d y / d x with Dual<double, nin> inputs (S = Dual, P = double) and
// d (c . y) / d theta with Dual<double, NP> parameters (S = double input, P = Dual, output Dual)
template <int NP>
void check_vjp_dual(const MLP& net, std::uint64_t seed) {
  ASSERT_EQ(net.num_params(), std::size_t(NP));
  ASSERT_EQ(net.input_size(), 2u);
  using DX = sciml::Dual<double, 2>;
  using DP = sciml::Dual<double, NP>;
  const auto th = random_theta(net, seed);
  const std::vector<double> x = {0.3, -0.8};
  const std::size_t no = net.output_size();
  // Jacobian in x, row by row through vjp with ybar = e_r
  std::vector<DX> xd = {DX::variable(x[0], 0), DX::variable(x[1], 1)}, yd(no), wd(net.forward_work_size());
  net.forward(xd.data(), th.data(), yd.data(), wd.data());
  const auto y = fwd(net, x, th);
  std::vector<double> work(net.work_size());
  for (std::size_t r = 0; r < no; ++r) {
    EXPECT_NEAR(yd[r].val, y[r], 1e-15 * (1 + std::abs(y[r])));
    std::vector<double> e(no, 0.0), xbar(2, 0.0);
    e[r] = 1.0;
    net.vjp(x.data(), th.data(), e.data(), xbar.data(), nullptr, work.data());
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(xbar[j], yd[r].der[j], 1e-13 * (1 + std::abs(xbar[j])));
  }
  // gradient in theta
  std::vector<DP> thd(NP), yp(no), wp(net.forward_work_size());
  for (int k = 0; k < NP; ++k) thd[k] = DP::variable(th[k], k);
  net.forward(x.data(), thd.data(), yp.data(), wp.data());
  std::vector<double> c(no), thbar(NP, 0.0);
  for (std::size_t r = 0; r < no; ++r) c[r] = 0.7 - 0.9 * double(r);
  net.vjp(x.data(), th.data(), c.data(), nullptr, thbar.data(), work.data());
  for (int k = 0; k < NP; ++k) {
    double ad = 0;
    for (std::size_t r = 0; r < no; ++r) ad += c[r] * yp[r].der[k];
    EXPECT_NEAR(thbar[k], ad, 1e-13 * (1 + std::abs(ad))) << "theta[" << k << "]";
  }
}

}  // namespace

TEST(Activation, MatchesReferenceFormulas) {
  for (Activation a : all_acts)
    for (double x : {-3.0, -1.1, -0.2, 0.0, 0.4, 1.3, 2.9}) {
      EXPECT_NEAR(sciml::nn::activate(a, x), reference(a, x), 1e-15) << int(a) << " at " << x;
      EXPECT_NEAR(sciml::nn::activate(a, float(x)), reference(a, x), 2e-6) << int(a) << " (float) at " << x;
    }
}

TEST(Activation, DerivativeMatchesFiniteDifferencesAndDuals) {
  const double h = 1e-6;
  for (Activation a : all_acts)
    for (double x : {-2.7, -1.0, -0.3, 0.05, 0.6, 1.4, 3.1}) {
      const double fd = (sciml::nn::activate(a, x + h) - sciml::nn::activate(a, x - h)) / (2 * h);
      const double d = sciml::nn::activate_derivative(a, x);
      EXPECT_NEAR(d, fd, 1e-8) << int(a) << " at " << x;
      const D1 y = sciml::nn::activate(a, D1::variable(x, 0));
      EXPECT_NEAR(y.val, sciml::nn::activate(a, x), 1e-15);
      EXPECT_NEAR(y.der[0], d, 1e-14) << int(a) << " (dual) at " << x;
    }
}

TEST(Activation, StableInTheTails) {
  using sciml::nn::activate;
  EXPECT_EQ(activate(Activation::Softplus, 800.0), 800.0);
  EXPECT_EQ(activate(Activation::Softplus, -800.0), 0.0);
  EXPECT_EQ(activate(Activation::Sigmoid, 800.0), 1.0);
  EXPECT_EQ(activate(Activation::Sigmoid, -800.0), 0.0);
  EXPECT_EQ(activate(Activation::Rbf, 40.0), 0.0);
  for (Activation a : all_acts)
    for (double x : {-800.0, 800.0}) {
      const D1 y = activate(a, D1::variable(x, 0));
      EXPECT_TRUE(std::isfinite(y.val) && std::isfinite(y.der[0])) << int(a) << " at " << x;
      EXPECT_TRUE(std::isfinite(sciml::nn::activate_derivative(a, x)));
    }
  EXPECT_EQ(activate(Activation::Softplus, D1::variable(800.0, 0)).der[0], 1.0);
  EXPECT_EQ(activate(Activation::Softplus, D1::variable(-800.0, 0)).der[0], 0.0);
}

TEST(MLP, ShapeAndValidation) {
  static_assert(std::is_trivially_copyable_v<MLP>);
  const MLP net({2, 50, 2}, {Activation::Tanh, Activation::Identity});
  EXPECT_EQ(net.num_params(), 2u * 50 + 50 + 50 * 2 + 2);
  EXPECT_EQ(net.input_size(), 2u);
  EXPECT_EQ(net.output_size(), 2u);
  EXPECT_EQ(net.num_layers(), 2);
  EXPECT_EQ(net.forward_work_size(), 50u);
  EXPECT_GE(net.work_size(), net.forward_work_size());
  EXPECT_EQ(net.weight_offset(1), 150u);
  EXPECT_EQ(net.bias_offset(1), 250u);
  const MLP deep(std::vector<std::size_t>{2, 5, 5, 5, 2}, std::vector<Activation>(4, Activation::Rbf));
  EXPECT_EQ(deep.num_params(), 15u + 30 + 30 + 12);
  EXPECT_THROW(MLP({2, 3}, {Activation::Tanh, Activation::Identity}), std::invalid_argument);
  EXPECT_THROW(MLP({2}, {}), std::invalid_argument);
  EXPECT_THROW(MLP({2, 0, 1}, {Activation::Tanh, Activation::Identity}), std::invalid_argument);
  EXPECT_THROW(MLP(std::vector<std::size_t>(10, 3), std::vector<Activation>(9, Activation::Tanh)),
               std::invalid_argument);
  try {
    MLP({2, 3, 1}, {Activation::Tanh});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("acts"), std::string::npos) << e.what();
  }
  const MLP copy = net;  // plain copy, no heap
  EXPECT_EQ(std::memcmp(&copy, &net, sizeof(MLP)), 0);
}

TEST(MLP, ForwardMatchesHandComputed) {
  // 2 -> 3 (tanh) -> 1 (identity)
  const MLP net({2, 3, 1}, {Activation::Tanh, Activation::Identity});
  const std::vector<double> th = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6,  // W1 (3 x 2), row-major
                                  0.01, 0.02, -0.03,               // b1
                                  0.7, -0.8, 0.9,                  // W2 (1 x 3)
                                  0.05};                           // b2
  ASSERT_EQ(th.size(), net.num_params());
  const double x0 = 1.5, x1 = -0.5;
  const double h0 = std::tanh(0.1 * x0 - 0.2 * x1 + 0.01), h1 = std::tanh(0.3 * x0 + 0.4 * x1 + 0.02),
               h2 = std::tanh(-0.5 * x0 + 0.6 * x1 - 0.03);
  const double expected = 0.7 * h0 - 0.8 * h1 + 0.9 * h2 + 0.05;
  const double x[2] = {x0, x1};
  double y = 0, work[3];
  net.forward(x, th.data(), &y, work);
  EXPECT_NEAR(y, expected, 1e-15);
  double y2 = 0;
  net(x, th.data(), &y2);  // convenience form
  EXPECT_EQ(y2, y);
  const float xf[2] = {float(x0), float(x1)};  // float input, double parameters, double output
  double y3 = 0;
  net(xf, th.data(), &y3);
  EXPECT_NEAR(y3, expected, 1e-7);
}

TEST(MLP, VjpMatchesFiniteDifferences_2_50_2_Tanh) {
  check_vjp_fd(MLP({2, 50, 2}, {Activation::Tanh, Activation::Identity}), 1, 1e-7);
}

TEST(MLP, VjpMatchesFiniteDifferences_2_5_5_5_2_Rbf) {
  check_vjp_fd(MLP({2, 5, 5, 5, 2}, {Activation::Rbf, Activation::Rbf, Activation::Rbf, Activation::Identity}), 2,
               1e-7);
}

TEST(MLP, VjpMatchesFiniteDifferences_EveryActivation) {
  check_vjp_fd(MLP({3, 6, 5, 6, 5, 6, 4, 3, 2},
                   {Activation::Gelu, Activation::Softplus, Activation::Sigmoid, Activation::Relu, Activation::Tanh,
                    Activation::Rbf, Activation::Identity, Activation::Tanh}),
               3, 1e-7);
}

TEST(MLP, VjpMatchesDuals_2_50_2_Tanh) {
  check_vjp_dual<252>(MLP({2, 50, 2}, {Activation::Tanh, Activation::Identity}), 4);
}

TEST(MLP, VjpMatchesDuals_2_5_5_5_2_Rbf) {
  check_vjp_dual<87>(MLP({2, 5, 5, 5, 2}, {Activation::Rbf, Activation::Rbf, Activation::Rbf, Activation::Identity}),
                     5);
}

TEST(MLP, VjpMatchesDuals_GeluSoftplusSigmoid) {
  // 2 -> 4 -> 3 -> 3 -> 1: 12 + 15 + 12 + 4 = 43 parameters
  check_vjp_dual<43>(
      MLP({2, 4, 3, 3, 1}, {Activation::Gelu, Activation::Softplus, Activation::Sigmoid, Activation::Identity}), 6);
}

TEST(MLP, VjpNullOutputsAndAccumulation) {
  const MLP net({2, 5, 5, 5, 2}, {Activation::Tanh, Activation::Relu, Activation::Softplus, Activation::Identity});
  const auto th = random_theta(net, 9);
  const double x[2] = {0.4, -0.3}, ybar[2] = {1.0, -0.5};
  std::vector<double> work(net.work_size()), a(net.num_params(), 0.0), b(net.num_params(), 0.0);
  double xa[2] = {0, 0}, xb[2] = {0, 0};
  net.vjp(x, th.data(), ybar, xa, a.data(), work.data());
  net.vjp(x, th.data(), ybar, nullptr, b.data(), work.data());
  net.vjp(x, th.data(), ybar, xb, nullptr, work.data());
  net.vjp(x, th.data(), ybar, nullptr, nullptr, work.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(xa[0], xb[0]);
  EXPECT_EQ(xa[1], xb[1]);
  net.vjp(x, th.data(), ybar, xa, a.data(), work.data());  // adds a second copy
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_DOUBLE_EQ(a[k], 2 * b[k]);
  EXPECT_DOUBLE_EQ(xa[0], 2 * xb[0]);
}

TEST(MLP, SingleLayer) {
  const MLP net({3, 2}, {Activation::Sigmoid});
  const std::vector<double> th = {1, 2, 3, 4, 5, 6, 0.5, -0.5};
  const double x[3] = {0.1, 0.2, -0.3};
  double y[2];
  net(x, th.data(), y);
  EXPECT_NEAR(y[0], 1 / (1 + std::exp(-(0.1 + 0.4 - 0.9 + 0.5))), 1e-15);
  EXPECT_NEAR(y[1], 1 / (1 + std::exp(-(0.4 + 1.0 - 1.8 - 0.5))), 1e-15);
  check_vjp_fd(net, 11, 1e-7);
}

TEST(Rng, SplitMix64ReferenceValues) {
  // the first outputs of SplitMix64 seeded with 0 (Vigna's reference implementation)
  sciml::nn::Rng r(0);
  EXPECT_EQ(r.next_u64(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(r.next_u64(), 0x6E789E6AA1B965F4ull);
  EXPECT_EQ(r.next_u64(), 0x06C45D188009454Full);
  EXPECT_EQ(sciml::nn::Rng::at(0, 1), 0x6E789E6AA1B965F4ull);  // counter-based: random access
  sciml::nn::Rng u(42);
  for (int i = 0; i < 1000; ++i) {
    const double v = u.uniform();
    ASSERT_TRUE(v >= 0 && v < 1);
  }
}

TEST(MLP, InitGlorot) {
  const MLP net({100, 200, 3}, {Activation::Tanh, Activation::Identity});
  const auto a = net.init_glorot(123), b = net.init_glorot(123), c = net.init_glorot(124);
  ASSERT_EQ(a.size(), net.num_params());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::size_t differ = 0;
  for (std::size_t k = 0; k < a.size(); ++k) differ += a[k] != c[k];
  EXPECT_GT(differ, net.num_params() * 9 / 10);
  for (int l = 0; l < net.num_layers(); ++l) {
    const std::size_t in = net.width(l), out = net.width(l + 1), w0 = net.weight_offset(l), b0 = net.bias_offset(l);
    const double lim = std::sqrt(6.0 / double(in + out));
    double mean = 0, var = 0, maxabs = 0;
    for (std::size_t k = w0; k < b0; ++k) {
      mean += a[k];
      maxabs = std::max(maxabs, std::abs(a[k]));
    }
    const double nw = double(in * out);
    mean /= nw;
    for (std::size_t k = w0; k < b0; ++k) var += (a[k] - mean) * (a[k] - mean);
    var /= nw - 1;
    EXPECT_LE(maxabs, lim);
    EXPECT_GT(maxabs, 0.9 * lim);
    EXPECT_NEAR(mean, 0.0, 5 * lim / std::sqrt(3 * nw));  // 5 standard errors
    if (nw > 1000) {
      EXPECT_NEAR(var, lim * lim / 3, 0.05 * lim * lim / 3) << "layer " << l;
    }
    for (std::size_t i = 0; i < out; ++i) EXPECT_EQ(a[b0 + i], 0.0);
  }
  // a fixed value pins the generator: the same on every platform
  EXPECT_EQ(a[0], sciml::nn::Rng(123).uniform(-std::sqrt(6.0 / 300), std::sqrt(6.0 / 300)));
}

TEST(MLP, ForwardWithDualParameters) {
  // d y / d theta_k by P = Dual against central differences
  const MLP net({2, 4, 1}, {Activation::Softplus, Activation::Identity});
  const auto th = random_theta(net, 21);
  using DP = sciml::Dual<double, 17>;
  ASSERT_EQ(net.num_params(), 17u);
  std::vector<DP> thd(17);
  for (int k = 0; k < 17; ++k) thd[k] = DP::variable(th[k], k);
  const double x[2] = {0.9, -1.2};
  DP y;
  net(x, thd.data(), &y);
  const double h = 1e-6;
  for (int k = 0; k < 17; ++k) {
    auto tp = th, tm = th;
    tp[k] += h;
    tm[k] -= h;
    double yp, ym;
    net(x, tp.data(), &yp);
    net(x, tm.data(), &ym);
    EXPECT_NEAR(y.der[k], (yp - ym) / (2 * h), 1e-8);
  }
}

#ifdef SCIML_TEST_HAVE_TAPE
TEST(MLP, ForwardOnTheTapeScalarMatchesVjp) {
  // x and theta both recorded (S = P = ad::Var): the tape's gradient of c . y equals the hand-written VJP
  using sciml::ad::Var;
  const MLP net({2, 5, 5, 5, 2}, {Activation::Gelu, Activation::Sigmoid, Activation::Rbf, Activation::Identity});
  const auto th = random_theta(net, 31);
  const double x[2] = {0.7, -0.4}, c[2] = {0.3, -1.1};
  sciml::ad::Tape tape;
  sciml::ad::Tape::Scope scope(tape);
  std::vector<Var> xv = {tape.variable(x[0]), tape.variable(x[1])}, tv, yv(2), wv(net.forward_work_size());
  for (double t : th) tv.push_back(tape.variable(t));
  net.forward(xv.data(), tv.data(), yv.data(), wv.data());
  tape.zero_adjoints();
  tape.seed_adjoint(yv[0], c[0]);
  tape.seed_adjoint(yv[1], c[1]);
  tape.backward();
  std::vector<double> work(net.work_size()), thbar(net.num_params(), 0.0);
  double xbar[2] = {0, 0};
  net.vjp(x, th.data(), c, xbar, thbar.data(), work.data());
  for (int j = 0; j < 2; ++j) EXPECT_NEAR(tape.adjoint(xv[j]), xbar[j], 1e-14 * (1 + std::abs(xbar[j])));
  for (std::size_t k = 0; k < th.size(); ++k)
    EXPECT_NEAR(tape.adjoint(tv[k]), thbar[k], 1e-14 * (1 + std::abs(thbar[k]))) << "theta[" << k << "]";
}
#endif
