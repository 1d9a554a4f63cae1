// Dual numbers: derivatives of the elementary functions against analytic ones; AD Jacobians (chunked, in- and
// out-of-place) against analytic and finite-difference ones; df/dt; and a sensitivity computed by solving
// with dual numbers through the adaptive solver, against finite differences of solves.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/core/dual.hpp>
#include <sciml/linalg/jacobian.hpp>
#include <sciml/ode.hpp>
#include "common/problems.hpp"

using D1 = sciml::Dual<double, 1>;
using D2 = sciml::Dual<double, 2>;

TEST(Dual, ElementaryDerivatives) {
  const double x = 0.7;
  const D1 a = D1::variable(x, 0);
  auto d = [](const D1& r) { return r.der[0]; };
  EXPECT_NEAR(d(sin(a)), std::cos(x), 1e-15);
  EXPECT_NEAR(d(cos(a)), -std::sin(x), 1e-15);
  EXPECT_NEAR(d(exp(a)), std::exp(x), 1e-15);
  EXPECT_NEAR(d(log(a)), 1 / x, 1e-15);
  EXPECT_NEAR(d(sqrt(a)), 0.5 / std::sqrt(x), 1e-15);
  EXPECT_NEAR(d(tanh(a)), 1 - std::tanh(x) * std::tanh(x), 1e-15);
  EXPECT_NEAR(d(atan(a)), 1 / (1 + x * x), 1e-15);
  EXPECT_NEAR(d(tan(a)), 1 / (std::cos(x) * std::cos(x)), 1e-14);
  EXPECT_NEAR(d(pow(a, 2.5)), 2.5 * std::pow(x, 1.5), 1e-15);
  EXPECT_NEAR(d(pow(a, a)), std::pow(x, x) * (std::log(x) + 1), 1e-15);
  EXPECT_NEAR(d(abs(-a)), 1.0, 0);
  EXPECT_NEAR(d(a * a / (1.0 + a) - 3.0 * a), (x * x + 2 * x) / ((1 + x) * (1 + x)) - 3, 1e-15);
  // two directions at once: f(x, y) = x y^2
  const D2 X = D2::variable(2.0, 0), Y = D2::variable(3.0, 1);
  const D2 f = X * Y * Y;
  EXPECT_EQ(f.val, 18.0);
  EXPECT_EQ(f.der[0], 9.0);
  EXPECT_EQ(f.der[1], 12.0);
  EXPECT_FALSE(isfinite(log(D1(-1.0))));
}

namespace {
auto rober = [](const auto& u, const auto& k, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
                              k[2] * u[1] * u[1]};
};
struct Mat {
  std::size_t n;
  std::vector<double> a;
  explicit Mat(std::size_t n_) : n(n_), a(n_ * n_, 0.0) {}
  double& operator()(std::size_t i, std::size_t j) { return a[i * n + j]; }
};
}  // namespace

TEST(Jacobian, ADMatchesAnalyticAndFD) {
  const std::array<double, 3> k{0.04, 1e4, 3e7};
  const sciml::SVector<double, 3> u{0.8, 2e-5, 0.2};
  Mat J(3), Jfd(3);
  sciml::jacobian_ad<false>(rober, u, k, 0.0, J);
  const double exact[3][3] = {{-k[0], k[1] * u[2], k[1] * u[1]},
                              {k[0], -k[1] * u[2] - 2 * k[2] * u[1], -k[1] * u[1]},
                              {0, 2 * k[2] * u[1], 0}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(J(i, j), exact[i][j], 1e-12 * (1 + std::abs(exact[i][j])));
  sciml::jacobian_fd<false>(rober, u, k, 0.0, Jfd, true);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(Jfd(i, j), exact[i][j], 1e-6 * (1 + std::abs(exact[i][j])));
}

TEST(Jacobian, ChunkedInPlaceOnALongState) {
  // f_i = sin(u_{i-1}) u_i - u_{i+1}^2 on a ring of 37 states: 5 chunks of 8 directions
  const std::size_t n = 37;
  auto f = [](auto& du, const auto& u, const auto&, auto) {
    const std::size_t m = u.size();
    for (std::size_t i = 0; i < m; ++i) du[i] = sin(u[(i + m - 1) % m]) * u[i] - u[(i + 1) % m] * u[(i + 1) % m];
  };
  auto f_real = [](auto& du, const auto& u, const auto& p, auto t) {
    using std::sin;
    const std::size_t m = u.size();
    for (std::size_t i = 0; i < m; ++i) du[i] = sin(u[(i + m - 1) % m]) * u[i] - u[(i + 1) % m] * u[(i + 1) % m];
  };
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) u[i] = 0.1 * double(i) - 1.3;
  Mat J(n), Jfd(n);
  sciml::jacobian_ad<true>(f, u, 0, 0.0, J);
  sciml::jacobian_fd<true>(f_real, u, 0, 0.0, Jfd, true);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      EXPECT_NEAR(J(i, j), Jfd(i, j), 1e-8) << i << "," << j;
      const bool structural = j == i || j == (i + n - 1) % n || j == (i + 1) % n;
      if (!structural) EXPECT_EQ(J(i, j), 0.0);
    }
  EXPECT_NEAR(J(5, 4), std::cos(u[4]) * u[5], 1e-15);
  EXPECT_NEAR(J(5, 6), -2 * u[6], 1e-15);
}

TEST(Jacobian, TimeDerivative) {
  auto f = [](const auto& u, const auto&, auto t) {
    using S = std::remove_cvref_t<decltype(u[0] * t)>;
    return sciml::SVector<S, 2>{u[0] * sin(t), u[1] * t * t};
  };
  const sciml::SVector<double, 2> u{2.0, 3.0};
  std::array<double, 2> dfdt{};
  sciml::time_derivative_ad<false>(f, u, 0, 0.5, dfdt);
  EXPECT_NEAR(dfdt[0], 2.0 * std::cos(0.5), 1e-15);
  EXPECT_NEAR(dfdt[1], 3.0 * 2 * 0.5, 1e-15);
}

TEST(Dual, SensitivityThroughTheAdaptiveSolver) {
  // d x(10) / d alpha for Lotka–Volterra: solve once with a dual parameter, compare with central FD of solves
  using S = sciml::Dual<double, 1>;
  auto solve_x = [](auto alpha) {
    using T = decltype(alpha);
    const std::array<T, 4> p{alpha, T(1.0), T(3.0), T(1.0)};
    sciml::SolveOptions o;
    o.reltol = 1e-12;
    o.abstol = 1e-12;
    o.save_everystep = false;
    auto sol = sciml::solve(sciml::ODEProblem(sciml::problems::lotka_volterra, sciml::SVector<T, 2>{T(1.0), T(1.0)},
                                              {0.0, 10.0}, p),
                            sciml::Vern9{}, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
    return sol.u.back()[0];
  };
  const S x = solve_x(S::variable(1.5, 0));
  const double h = 1e-5;
  const double fd = (solve_x(1.5 + h) - solve_x(1.5 - h)) / (2 * h);
  EXPECT_NEAR(x.val, solve_x(1.5), 1e-12);
  EXPECT_NEAR(x.der[0], fd, 1e-5 * std::abs(fd));
}
