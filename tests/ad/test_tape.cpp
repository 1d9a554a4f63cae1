// The reverse-mode tape (ad::Var): gradients of scalar functions and VJPs of right-hand sides against central
// finite differences and against forward-mode dual numbers; the tape reuses its memory.
#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include <sciml/ad/tape.hpp>
#include <sciml/core/dual.hpp>
#include <sciml/sensitivity/vjp.hpp>

namespace {
template <class S>
S scalar_fn(const S& x, const S& y) {
  using std::cos;
  using std::exp;
  using std::log;
  using std::pow;
  using std::sin;
  using std::sqrt;
  using std::tanh;
  using std::atan;
  return sin(x) * exp(y) / (1.0 + x * x) + log(2.0 + y * y) * tanh(x - y) - sqrt(1.0 + x * x * y * y) +
         pow(1.5 + cos(y), 2.5) + atan(x * y) + pow(2.0 + x * x, y);
}

auto brusselator_like = [](auto& du, const auto& u, const auto& p, auto t) {
  using std::sin;
  const std::size_t n = u.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto left = u[(i + n - 1) % n], right = u[(i + 1) % n];
    du[i] = p[0] * (left - 2.0 * u[i] + right) + p[1] * u[i] * u[i] * u[(i + 2) % n] - p[2] * u[i] + sin(t * p[3] + u[i]);
  }
};
}  // namespace

TEST(Tape, ScalarGradientMatchesDualAndDifferences) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  sciml::ad::Tape tape;
  for (int trial = 0; trial < 20; ++trial) {
    const double x = d(rng), y = d(rng);
    sciml::ad::Tape::Scope scope(tape);
    tape.clear();
    auto vx = tape.variable(x), vy = tape.variable(y);
    auto r = scalar_fn(vx, vy);
    tape.zero_adjoints();
    tape.seed_adjoint(r, 1.0);
    tape.backward();
    EXPECT_NEAR(r.val, scalar_fn(x, y), 1e-14);
    using D = sciml::Dual<double, 2>;
    D dx(x), dy(y);
    dx.der[0] = 1;
    dy.der[1] = 1;
    const D fd = scalar_fn(dx, dy);
    EXPECT_NEAR(tape.adjoint(vx), fd.der[0], 1e-12 * (1 + std::abs(fd.der[0])));
    EXPECT_NEAR(tape.adjoint(vy), fd.der[1], 1e-12 * (1 + std::abs(fd.der[1])));
    const double h = 1e-6;
    EXPECT_NEAR(tape.adjoint(vx), (scalar_fn(x + h, y) - scalar_fn(x - h, y)) / (2 * h), 1e-7);
  }
}

TEST(Tape, RightHandSideVjpMatchesFiniteDifferences) {
  const std::size_t n = 12;
  std::vector<double> u(n), lambda(n), p{2.0, 0.7, 1.3, 0.9};
  for (std::size_t i = 0; i < n; ++i) {
    u[i] = 0.5 + 0.1 * double(i % 5);
    lambda[i] = std::cos(double(i));
  }
  sciml::detail::VjpWork<std::vector<double>> w;
  std::vector<double> ubar(n, 0.0), pbar(4, 0.0);
  sciml::detail::vjp<true>(brusselator_like, u, p, 0.3, lambda.data(), ubar.data(), pbar.data(), w);
  auto dot = [&](const std::vector<double>& uu, const std::vector<double>& pp) {
    std::vector<double> du(n);
    brusselator_like(du, uu, pp, 0.3);
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += lambda[i] * du[i];
    return s;
  };
  const double h = 1e-6;
  for (std::size_t j = 0; j < n; ++j) {
    auto up = u, um = u;
    up[j] += h;
    um[j] -= h;
    EXPECT_NEAR(ubar[j], (dot(up, p) - dot(um, p)) / (2 * h), 1e-7) << "u " << j;
  }
  for (std::size_t j = 0; j < 4; ++j) {
    auto pp = p, pm = p;
    pp[j] += h;
    pm[j] -= h;
    EXPECT_NEAR(pbar[j], (dot(u, pp) - dot(u, pm)) / (2 * h), 1e-7) << "p " << j;
  }
  // a second VJP reuses the tape's memory and adds to the outputs
  const std::size_t cap = w.tape.nodes.capacity();
  sciml::detail::vjp<true>(brusselator_like, u, p, 0.3, lambda.data(), ubar.data(), nullptr, w);
  EXPECT_EQ(w.tape.nodes.capacity(), cap);
  const double expect0 = 2 * ((dot([&] { auto a = u; a[0] += h; return a; }(), p) - dot([&] { auto a = u; a[0] -= h; return a; }(), p)) / (2 * h));
  EXPECT_NEAR(ubar[0], expect0, 2e-7);
}

TEST(Tape, ParameterJacobianByDuals) {
  const std::size_t n = 5;
  std::vector<double> u{0.3, 0.5, 0.7, 0.9, 1.1}, p{2.0, 0.7, 1.3, 0.9};
  struct M {
    std::vector<double> v = std::vector<double>(20);
    double& operator()(std::size_t i, std::size_t j) { return v[i * 4 + j]; }
  } J;
  sciml::detail::param_jacobian<true>(brusselator_like, u, p, 0.2, J);
  const double h = 1e-6;
  for (std::size_t j = 0; j < 4; ++j) {
    auto pp = p, pm = p;
    pp[j] += h;
    pm[j] -= h;
    std::vector<double> fp(n), fm(n);
    brusselator_like(fp, u, pp, 0.2);
    brusselator_like(fm, u, pm, 0.2);
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(J(i, j), (fp[i] - fm[i]) / (2 * h), 1e-7);
  }
}

TEST(Tape, OperationOutsideAScopeIsAnError) {
  sciml::ad::Tape tape;
  sciml::ad::Var x;
  {
    sciml::ad::Tape::Scope scope(tape);
    x = tape.variable(1.0);
  }
  EXPECT_THROW((void)(x * x), std::logic_error);
}
