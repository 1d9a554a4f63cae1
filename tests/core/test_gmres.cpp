// Gmres: a nonsymmetric diagonally dominant system solved to the tolerance (against a direct solve); at most n
// iterations without restart; the restart path (small m) and a user initial guess; a Jacobi preconditioner on
// a badly column-scaled system; b = 0; NaN from the operator, the preconditioner or the data (no hang); a
// singular operator stalls without converging; solve allocates nothing; float works.
#include <gtest/gtest.h>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>
#include <sciml/linalg/gmres.hpp>

// Counting replacements of global new/delete (GCC takes the malloc/free pair inside them for a mismatch).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
static std::atomic<long> g_allocs{0};
void* operator new(std::size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {
// Dense row-major matrix with y = A x and a partial-pivoting solve for the reference.
struct Dense {
  std::size_t n;
  std::vector<double> a;
  explicit Dense(std::size_t n_) : n(n_), a(n_ * n_, 0.0) {}
  double& operator()(std::size_t i, std::size_t j) { return a[i * n + j]; }
  double operator()(std::size_t i, std::size_t j) const { return a[i * n + j]; }
  void apply(const double* x, double* y) const {
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (std::size_t j = 0; j < n; ++j) s += a[i * n + j] * x[j];
      y[i] = s;
    }
  }
  std::vector<double> solve(std::vector<double> b) const {
    std::vector<double> m = a;
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t p = k;
      for (std::size_t i = k + 1; i < n; ++i)
        if (std::abs(m[i * n + k]) > std::abs(m[p * n + k])) p = i;
      for (std::size_t j = 0; j < n; ++j) std::swap(m[k * n + j], m[p * n + j]);
      std::swap(b[k], b[p]);
      for (std::size_t i = k + 1; i < n; ++i) {
        const double l = m[i * n + k] / m[k * n + k];
        for (std::size_t j = k; j < n; ++j) m[i * n + j] -= l * m[k * n + j];
        b[i] -= l * b[k];
      }
    }
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = i + 1; j < n; ++j) b[i] -= m[i * n + j] * b[j];
      b[i] /= m[i * n + i];
    }
    return b;
  }
};
// Nonsymmetric, diagonally dominant: diagonal in [2, 3], sparse random off-diagonal entries.
Dense dominant(std::size_t n, std::mt19937& rng, double off_scale = 1.0) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Dense A(n);
  for (std::size_t i = 0; i < n; ++i) {
    double off = 0;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && (rng() % 4 == 0 || j + 1 == i)) {
        A(i, j) = off_scale * u(rng);
        off += std::abs(A(i, j));
      }
    A(i, i) = off + 0.5 + std::abs(u(rng));
  }
  return A;
}
std::vector<double> random_vector(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> b(n);
  for (auto& x : b) x = u(rng);
  return b;
}
double residual(const Dense& A, const std::vector<double>& x, const std::vector<double>& b) {
  std::vector<double> r(A.n);
  A.apply(x.data(), r.data());
  double s = 0;
  for (std::size_t i = 0; i < A.n; ++i) s += (b[i] - r[i]) * (b[i] - r[i]);
  return std::sqrt(s);
}
double norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}
double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}
}  // namespace

TEST(Gmres, NonsymmetricDominantToTolerance) {
  std::mt19937 rng(1);
  const std::size_t n = 120;
  const Dense A = dominant(n, rng);
  const auto b = random_vector(n, rng);
  const auto ref = A.solve(b);
  sciml::Gmres<double> g;
  g.init(n, 30);
  std::vector<double> x(n, 0.0);
  const double rtol = 1e-10;
  const auto r = g.solve([&](const double* v, double* w) { A.apply(v, w); }, sciml::IdentityPreconditioner{},
                         b.data(), x.data(), rtol, 0.0, 1000);
  ASSERT_TRUE(r.converged);
  EXPECT_GT(r.iterations, 1);
  const double true_res = residual(A, x, b);
  EXPECT_LE(true_res, 1.05 * rtol * norm(b));
  EXPECT_NEAR(r.residual, true_res, 1e-3 * rtol * norm(b));  // the Arnoldi estimate is the true residual
  EXPECT_LT(max_diff(x, ref), 1e-8);
}

TEST(Gmres, AtMostNIterationsWithoutRestart) {
  std::mt19937 rng(2);
  for (std::size_t n : {1u, 3u, 8u, 16u}) {
    const Dense A = dominant(n, rng, 3.0);  // strongly nonnormal enough not to converge early
    const auto b = random_vector(n, rng);
    sciml::Gmres<double> g;
    g.init(n, int(n));
    std::vector<double> x(n, 0.0);
    const auto r = g.solve([&](const double* v, double* w) { A.apply(v, w); }, sciml::IdentityPreconditioner{},
                           b.data(), x.data(), 1e-13, 0.0, int(n));
    EXPECT_TRUE(r.converged) << n;
    EXPECT_LE(r.iterations, int(n)) << n;
    EXPECT_LT(max_diff(x, A.solve(b)), 1e-10) << n;
  }
  // three distinct eigenvalues: the Krylov space is invariant after three iterations
  {
    const std::size_t n = 30;
    std::vector<double> d(n), b(n), x(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) d[i] = 1.0 + double(i % 3) * 4.7, b[i] = std::sin(1.0 + 5.0 * double(i));
    sciml::Gmres<double> g;
    g.init(n, int(n));
    const auto r = g.solve([&](const double* v, double* w) { for (std::size_t i = 0; i < n; ++i) w[i] = d[i] * v[i]; },
                           sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-14, 0.0, 100);
    EXPECT_TRUE(r.converged);
    EXPECT_EQ(r.iterations, 3);
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(x[i], b[i] / d[i], 1e-14);
  }
  // the identity: a happy breakdown after one iteration
  sciml::Gmres<double> g;
  g.init(5, 5);
  std::vector<double> b = {1, 2, 3, 4, 5}, x(5, 0.0);
  const auto r = g.solve([](const double* v, double* w) { std::copy(v, v + 5, w); }, sciml::IdentityPreconditioner{},
                         b.data(), x.data(), 1e-14, 0.0, 50);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.iterations, 1);
  EXPECT_LT(max_diff(x, b), 1e-15);
}

TEST(Gmres, RestartAndInitialGuess) {
  std::mt19937 rng(3);
  const std::size_t n = 80;
  const Dense A = dominant(n, rng);
  const auto b = random_vector(n, rng);
  const auto ref = A.solve(b);
  auto op = [&](const double* v, double* w) { A.apply(v, w); };
  sciml::Gmres<double> g;
  g.init(n, 3);
  EXPECT_EQ(g.restart(), 3);
  std::vector<double> x(n, 0.0);
  const auto r = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-10, 0.0, 2000);
  ASSERT_TRUE(r.converged);
  EXPECT_GT(r.iterations, 3);  // it needed restarts
  EXPECT_LE(residual(A, x, b), 1.05e-10 * norm(b));
  EXPECT_LT(max_diff(x, ref), 1e-8);
  // starting from the solution: converged at once, no Arnoldi step
  std::vector<double> x2 = ref;
  const auto r2 = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x2.data(), 1e-10, 0.0, 100);
  EXPECT_TRUE(r2.converged);
  EXPECT_EQ(r2.iterations, 0);
  // absolute tolerance dominates; maxiter too small gives converged = false with the true residual
  std::vector<double> x3(n, 0.0);
  const auto r3 = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x3.data(), 0.0, 1e-3, 2000);
  EXPECT_TRUE(r3.converged);
  EXPECT_LE(residual(A, x3, b), 1.05e-3);
  std::vector<double> x4(n, 0.0);
  const auto r4 = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x4.data(), 1e-12, 0.0, 4);
  EXPECT_FALSE(r4.converged);
  EXPECT_EQ(r4.iterations, 4);
  EXPECT_NEAR(r4.residual, residual(A, x4, b), 1e-12);
}

TEST(Gmres, JacobiPreconditionerOnBadlyScaledSystem) {
  std::mt19937 rng(4);
  const std::size_t n = 100;
  Dense A = dominant(n, rng, 0.3);
  std::vector<double> d(n);
  for (std::size_t j = 0; j < n; ++j) {  // column scaling over six decades
    d[j] = std::pow(10.0, 6.0 * double(j) / double(n - 1));
    for (std::size_t i = 0; i < n; ++i) A(i, j) *= d[j];
  }
  const auto b = random_vector(n, rng);
  auto op = [&](const double* v, double* w) { A.apply(v, w); };
  auto jacobi = [&](const double* v, double* w) {
    for (std::size_t i = 0; i < n; ++i) w[i] = v[i] / A(i, i);
  };
  sciml::Gmres<double> g;
  g.init(n, 20);
  std::vector<double> x0(n, 0.0), x1(n, 0.0);
  const auto plain = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x0.data(), 1e-8, 0.0, 400);
  const auto prec = g.solve(op, jacobi, b.data(), x1.data(), 1e-8, 0.0, 400);
  ASSERT_TRUE(prec.converged);
  EXPECT_LE(residual(A, x1, b), 1.05e-8 * norm(b));
  EXPECT_LE(prec.iterations, 20);
  EXPECT_GT(plain.iterations, 4 * prec.iterations);
  const auto ref = A.solve(b);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(x1[i] * d[i], ref[i] * d[i], 1e-6) << i;
}

TEST(Gmres, ZeroRightHandSide) {
  sciml::Gmres<double> g;
  g.init(4, 4);
  std::vector<double> b(4, 0.0), x = {1, 2, 3, 4};
  int calls = 0;
  const auto r = g.solve([&](const double* v, double* w) { ++calls, std::copy(v, v + 4, w); },
                         sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-8, 0.0, 10);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.iterations, 0);
  EXPECT_EQ(r.residual, 0.0);
  EXPECT_EQ(calls, 0);
  for (double v : x) EXPECT_EQ(v, 0.0);
}

TEST(Gmres, NaNStopsWithoutConverging) {
  std::mt19937 rng(5);
  const std::size_t n = 30;
  const Dense A = dominant(n, rng);
  const auto b = random_vector(n, rng);
  sciml::Gmres<double> g;
  g.init(n, 10);
  // the operator turns NaN at its 4th call
  int calls = 0;
  auto bad = [&](const double* v, double* w) {
    A.apply(v, w);
    if (++calls >= 4) w[n / 2] = std::nan("");
  };
  std::vector<double> x(n, 0.0);
  auto r = g.solve(bad, sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-12, 0.0, 1000000);
  EXPECT_FALSE(r.converged);
  EXPECT_LE(calls, 5);
  EXPECT_TRUE(std::isnan(r.residual));
  for (double v : x) EXPECT_TRUE(std::isfinite(v));
  // NaN in the preconditioner, in b, in the initial guess
  auto op = [&](const double* v, double* w) { A.apply(v, w); };
  auto nan_prec = [&](const double*, double* w) { std::fill(w, w + n, std::nan("")); };
  std::fill(x.begin(), x.end(), 0.0);
  r = g.solve(op, nan_prec, b.data(), x.data(), 1e-12, 0.0, 1000000);
  EXPECT_FALSE(r.converged);
  EXPECT_LE(r.iterations, 1);
  // the preconditioner turns NaN only when applied to the update (its 3rd call with m = 2): x stays finite
  sciml::Gmres<double> g2;
  g2.init(n, 2);
  int pcalls = 0;
  auto late_nan = [&](const double* v, double* w) {
    std::copy(v, v + n, w);
    if (++pcalls >= 3) w[0] = std::nan("");
  };
  std::fill(x.begin(), x.end(), 0.0);
  r = g2.solve(op, late_nan, b.data(), x.data(), 1e-12, 0.0, 1000000);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 2);
  for (double v : x) EXPECT_EQ(v, 0.0);
  auto bn = b;
  bn[0] = std::nan("");
  r = g.solve(op, sciml::IdentityPreconditioner{}, bn.data(), x.data(), 1e-12, 0.0, 1000000);
  EXPECT_FALSE(r.converged);
  std::fill(x.begin(), x.end(), 0.0);
  x[3] = INFINITY;
  r = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-12, 0.0, 1000000);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 0);
}

TEST(Gmres, SingularOperatorStalls) {
  // A = diag(1, 0): b = (1, 1) is not in the range; GMRES reduces the residual to 1 and stops
  sciml::Gmres<double> g;
  g.init(2, 2);
  std::vector<double> b = {1, 1}, x = {0, 0};
  const auto r = g.solve([](const double* v, double* w) { w[0] = v[0], w[1] = 0.0; },
                         sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-10, 0.0, 1000);
  EXPECT_FALSE(r.converged);
  EXPECT_LE(r.iterations, 4);
  EXPECT_NEAR(x[0], 1.0, 1e-14);
  EXPECT_NEAR(r.residual, 1.0, 1e-14);
}

TEST(Gmres, SolveAllocatesNothing) {
  std::mt19937 rng(6);
  const std::size_t n = 60;
  const Dense A = dominant(n, rng);
  const auto b = random_vector(n, rng);
  std::vector<double> x(n, 0.0);
  sciml::Gmres<double> g;
  g.init(n, 5);
  auto op = [&](const double* v, double* w) { A.apply(v, w); };
  auto jacobi = [&](const double* v, double* w) {
    for (std::size_t i = 0; i < n; ++i) w[i] = v[i] / A(i, i);
  };
  const long before = g_allocs.load();
  const auto r1 = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-10, 0.0, 500);
  std::fill(x.begin(), x.end(), 0.0);
  const auto r2 = g.solve(op, jacobi, b.data(), x.data(), 1e-10, 0.0, 500);
  EXPECT_EQ(g_allocs.load() - before, 0);
  EXPECT_TRUE(r1.converged && r2.converged);
}

TEST(Gmres, Float) {
  const std::size_t n = 20;
  std::vector<float> b(n), x(n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) b[i] = float(i + 1);
  // tridiagonal (-1, 4, -0.5)
  auto op = [&](const float* v, float* w) {
    for (std::size_t i = 0; i < n; ++i)
      w[i] = 4.0f * v[i] - (i > 0 ? v[i - 1] : 0.0f) - 0.5f * (i + 1 < n ? v[i + 1] : 0.0f);
  };
  sciml::Gmres<float> g;
  g.init(n, 10);
  const auto r = g.solve(op, sciml::IdentityPreconditioner{}, b.data(), x.data(), 1e-5f, 0.0f, 200);
  EXPECT_TRUE(r.converged);
  std::vector<float> ax(n);
  op(x.data(), ax.data());
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(ax[i], b[i], 1e-3f * float(n));
}
