// SparseLU, every backend this build has (KLU, Eigen): solutions equal a dense partial-pivoting solve on random
// diagonally dominant sparse matrices (n = 1, 5, 200) and on I - gh * (2-D 5-point Laplacian); refactorisation
// with new values on the same pattern (including values where the old pivot order meets a zero pivot); singular
// and non-finite matrices give false and the object recovers; moved-from / moved-to objects; bad patterns throw.
#include <gtest/gtest.h>
#include <cmath>
#include <random>
#include <vector>
#include <sciml/linalg/sparse_lu.hpp>

namespace {
// A dense copy of the CSR matrix, solved by Gaussian elimination with partial pivoting (the reference).
std::vector<double> dense_solve(const sciml::SparsityPattern& s, const std::vector<double>& vals,
                                std::vector<double> b) {
  const std::size_t n = s.n;
  std::vector<double> a(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) a[i * n + s.col[k]] = vals[k];
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (std::abs(a[i * n + k]) > std::abs(a[p * n + k])) p = i;
    if (p != k) {
      for (std::size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
      std::swap(b[k], b[p]);
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      const double l = a[i * n + k] / a[k * n + k];
      if (l == 0.0) continue;
      for (std::size_t j = k; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
      b[i] -= l * b[k];
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    double t = b[i];
    for (std::size_t j = i + 1; j < n; ++j) t -= a[i * n + j] * b[j];
    b[i] = t / a[i * n + i];
  }
  return b;
}

// Random pattern: the diagonal plus about `per_row` off-diagonal entries per row (sorted, unique).
sciml::SparsityPattern random_pattern(std::size_t n, std::size_t per_row, std::mt19937& rng) {
  sciml::SparsityPattern s;
  s.n = n;
  std::uniform_int_distribution<std::size_t> col(0, n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<bool> on(n, false);
    on[i] = true;
    for (std::size_t r = 0; r < per_row; ++r) on[col(rng)] = true;
    for (std::size_t j = 0; j < n; ++j)
      if (on[j]) s.col.push_back(j);
    s.row_ptr.push_back(s.col.size());
  }
  return s;
}
// Nonsymmetric values, strictly diagonally dominant (diagonal of random sign).
std::vector<double> dominant_values(const sciml::SparsityPattern& s, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(s.nnz());
  for (std::size_t i = 0; i < s.n; ++i) {
    double off = 0;
    std::size_t d = 0;
    for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) {
      v[k] = u(rng);
      if (s.col[k] == i) d = k;
      else off += std::abs(v[k]);
    }
    v[d] = (u(rng) < 0 ? -1.0 : 1.0) * (off + 0.5 + std::abs(u(rng)));
  }
  return v;
}
std::vector<double> random_vector(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> b(n);
  for (auto& x : b) x = u(rng);
  return b;
}
double max_rel_diff(const std::vector<double>& x, const std::vector<double>& ref) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    num = std::max(num, std::abs(x[i] - ref[i]));
    den = std::max(den, std::abs(ref[i]));
  }
  return num / std::max(den, 1e-300);
}
// W = I - gh * L on an N x N grid, L the 5-point Laplacian (Dirichlet), in CSR with the diagonal.
void laplacian_w(std::size_t N, double gh, sciml::SparsityPattern& s, std::vector<double>& v) {
  s = {};
  s.n = N * N;
  v.clear();
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      auto add = [&](std::size_t c, double val) {
        s.col.push_back(c);
        v.push_back(val);
      };
      const std::size_t r = i * N + j;
      if (i > 0) add(r - N, -gh);
      if (j > 0) add(r - 1, -gh);
      add(r, 1.0 + 4.0 * gh);
      if (j + 1 < N) add(r + 1, -gh);
      if (i + 1 < N) add(r + N, -gh);
      s.row_ptr.push_back(s.col.size());
    }
}
}  // namespace

template <class LU>
class SparseLUTest : public ::testing::Test {};
using Backends = ::testing::Types<
#if defined(SCIML_HAVE_KLU)
    sciml::KluSparseLU,
#endif
    sciml::EigenSparseLU<double>>;
TYPED_TEST_SUITE(SparseLUTest, Backends);

TYPED_TEST(SparseLUTest, RandomDiagonallyDominantMatchesDense) {
  std::mt19937 rng(42);
  for (std::size_t n : {1u, 2u, 5u, 200u}) {
    const auto s = random_pattern(n, n < 10 ? 2 : 4, rng);
    const auto vals = dominant_values(s, rng);
    const auto b = random_vector(n, rng);
    TypeParam lu;
    lu.analyze(s);
    ASSERT_TRUE(lu.factor(vals.data())) << n;
    std::vector<double> x(n);
    lu.solve(b.data(), x.data());
    EXPECT_LT(max_rel_diff(x, dense_solve(s, vals, b)), 1e-12) << n;
  }
}

TYPED_TEST(SparseLUTest, LaplacianPlusIdentity) {
  sciml::SparsityPattern s;
  std::vector<double> vals;
  laplacian_w(20, 37.5, s, vals);  // n = 400, condition ~ 1e3
  std::mt19937 rng(7);
  const auto b = random_vector(s.n, rng);
  TypeParam lu;
  lu.analyze(s);
  ASSERT_TRUE(lu.factor(vals.data()));
  std::vector<double> x(s.n);
  lu.solve(b.data(), x.data());
  EXPECT_LT(max_rel_diff(x, dense_solve(s, vals, b)), 1e-11);
  // in place (x = b) as well
  std::vector<double> y = b;
  lu.solve(y.data(), y.data());
  EXPECT_EQ(y, x);
}

TYPED_TEST(SparseLUTest, RefactorWithNewValues) {
  std::mt19937 rng(3);
  const auto s = random_pattern(150, 5, rng);
  TypeParam lu;
  lu.analyze(s);
  std::vector<double> x(s.n);
  for (int round = 0; round < 4; ++round) {
    const auto vals = dominant_values(s, rng);
    const auto b = random_vector(s.n, rng);
    ASSERT_TRUE(lu.factor(vals.data())) << round;
    lu.solve(b.data(), x.data());
    EXPECT_LT(max_rel_diff(x, dense_solve(s, vals, b)), 1e-12) << round;
  }
  EXPECT_EQ(lu.full_factorizations + lu.refactorizations, 4);
#if defined(SCIML_HAVE_KLU)
  if constexpr (std::is_same_v<TypeParam, sciml::KluSparseLU>) {
    EXPECT_EQ(lu.full_factorizations, 1);  // the pivot order is reused
    EXPECT_EQ(lu.refactorizations, 3);
    EXPECT_GT(lu.rcond(), 0.0);
  }
#endif
  // I - gh L for a sequence of gh on one pattern (what an implicit integrator does)
  sciml::SparsityPattern w;
  std::vector<double> wv;
  laplacian_w(12, 0.1, w, wv);
  lu.analyze(w);
  for (double gh : {0.1, 3.0, 0.01, 250.0}) {
    laplacian_w(12, gh, w, wv);
    const auto b = random_vector(w.n, rng);
    ASSERT_TRUE(lu.factor(wv.data())) << gh;
    std::vector<double> y(w.n);
    lu.solve(b.data(), y.data());
    EXPECT_LT(max_rel_diff(y, dense_solve(w, wv, b)), 1e-11) << gh;
  }
}

// The old pivot order meets a zero pivot with the new values: KLU falls back to a full factorisation.
TYPED_TEST(SparseLUTest, RefactorNeedingNewPivots) {
  sciml::SparsityPattern s;
  s.n = 3;
  s.row_ptr = {0, 3, 6, 9};
  s.col = {0, 1, 2, 0, 1, 2, 0, 1, 2};
  const std::vector<double> a = {4, 1, 0.5, 1, 5, 1, 0.5, 1, 6};  // diagonal pivots
  const std::vector<double> p = {0, 2, 1, 3, 0, 1, 1, 1, 0};      // zero diagonal, nonsingular
  const std::vector<double> b = {1, -2, 3};
  TypeParam lu;
  lu.analyze(s);
  std::vector<double> x(3);
  ASSERT_TRUE(lu.factor(a.data()));
  lu.solve(b.data(), x.data());
  EXPECT_LT(max_rel_diff(x, dense_solve(s, a, b)), 1e-14);
  ASSERT_TRUE(lu.factor(p.data()));
  lu.solve(b.data(), x.data());
  EXPECT_LT(max_rel_diff(x, dense_solve(s, p, b)), 1e-14);
  EXPECT_EQ(lu.full_factorizations, 2);
  EXPECT_EQ(lu.refactorizations, 0);
}

TYPED_TEST(SparseLUTest, SingularAndNonFiniteReturnFalse) {
  std::mt19937 rng(11);
  auto s = random_pattern(30, 3, rng);
  auto good = dominant_values(s, rng);
  TypeParam lu;
  lu.analyze(s);
  ASSERT_TRUE(lu.factor(good.data()));
  // row 7 = 2 * row 3 on a pattern where row 7 holds row 3's columns
  sciml::SparsityPattern d;
  d.n = 4;
  d.row_ptr = {0, 2, 4, 6, 8};
  d.col = {0, 1, 0, 1, 2, 3, 2, 3};
  const std::vector<double> dep = {1, 2, 2, 4, 1, 0.5, 0.5, 1};
  TypeParam ld;
  ld.analyze(d);
  EXPECT_FALSE(ld.factor(dep.data()));
  std::vector<double> x(4, 0.0);
  const std::vector<double> b4 = {1, 1, 1, 1};
  ld.solve(b4.data(), x.data());
  EXPECT_TRUE(std::isnan(x[0]));  // no factorisation to solve with
  // a zero row of values
  auto zero_row = good;
  for (std::size_t k = s.row_ptr[5]; k < s.row_ptr[6]; ++k) zero_row[k] = 0.0;
  EXPECT_FALSE(lu.factor(zero_row.data()));
  // NaN and Inf
  auto bad = good;
  bad[3] = std::nan("");
  EXPECT_FALSE(lu.factor(bad.data()));
  bad[3] = INFINITY;
  EXPECT_FALSE(lu.factor(bad.data()));
  // and it recovers
  const auto b = random_vector(s.n, rng);
  std::vector<double> y(s.n);
  ASSERT_TRUE(lu.factor(good.data()));
  lu.solve(b.data(), y.data());
  EXPECT_LT(max_rel_diff(y, dense_solve(s, good, b)), 1e-12);
  // structurally singular: an empty row
  sciml::SparsityPattern e;
  e.n = 3;
  e.row_ptr = {0, 2, 2, 4};
  e.col = {0, 1, 1, 2};
  const std::vector<double> ev = {1, 2, 3, 4};
  TypeParam le;
  le.analyze(e);
  EXPECT_FALSE(le.factor(ev.data()));
}

TYPED_TEST(SparseLUTest, MoveAndEmpty) {
  std::mt19937 rng(5);
  const auto s = random_pattern(40, 3, rng);
  const auto vals = dominant_values(s, rng);
  const auto b = random_vector(s.n, rng);
  TypeParam a;
  a.analyze(s);
  ASSERT_TRUE(a.factor(vals.data()));
  TypeParam c(std::move(a));
  std::vector<double> x(s.n);
  c.solve(b.data(), x.data());
  EXPECT_LT(max_rel_diff(x, dense_solve(s, vals, b)), 1e-12);
  TypeParam d;
  d.analyze(s);
  d = std::move(c);
  ASSERT_TRUE(d.factor(vals.data()));  // a refactorisation for KLU
  d.solve(b.data(), x.data());
  EXPECT_LT(max_rel_diff(x, dense_solve(s, vals, b)), 1e-12);
  // n = 0
  TypeParam z;
  z.analyze(sciml::SparsityPattern{});
  EXPECT_TRUE(z.factor(nullptr));
  z.solve(nullptr, nullptr);
}

TYPED_TEST(SparseLUTest, MalformedPatternThrows) {
  sciml::SparsityPattern s;
  s.n = 2;
  s.row_ptr = {0, 1, 2};
  s.col = {0, 5};  // out of range
  TypeParam lu;
  EXPECT_THROW(lu.analyze(s), std::invalid_argument);
  s.col = {0, 0};
  s.row_ptr = {0, 2, 2};  // duplicate column in row 0
  EXPECT_THROW(lu.analyze(s), std::invalid_argument);
}

TEST(SparseLU, DefaultBackend) {
#if defined(SCIML_HAVE_KLU) && !defined(SCIML_SPARSE_LU_EIGEN)
  EXPECT_TRUE((std::is_same_v<sciml::SparseLU, sciml::KluSparseLU>));
#else
  EXPECT_TRUE((std::is_same_v<sciml::SparseLU, sciml::EigenSparseLU<double>>));
#endif
}
