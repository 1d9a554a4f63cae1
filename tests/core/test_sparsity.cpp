// Sparse Jacobians: the detected pattern of a 2-D reaction-diffusion (Brusselator-type) right-hand side equals
// the true 5-point-plus-coupling pattern; the greedy colouring is valid and small; the compressed AD Jacobian
// equals the dense AD Jacobian on every entry.
#include <gtest/gtest.h>
#include <set>
#include <sciml/linalg/jacobian.hpp>
#include <sciml/linalg/sparsity.hpp>

namespace {
// N x N periodic grid, two species (u at 2*(i*N+j), v at 2*(i*N+j)+1), diffusion + Brusselator kinetics
struct Bruss {
  std::size_t N;
  template <class DU, class U, class P, class T>
  void operator()(DU& du, const U& u, const P&, T) const {
    using std::sqrt;
    const double a = 3.4, b = 1.0, alpha = 10.0;
    auto id = [&](std::size_t i, std::size_t j, std::size_t s) { return 2 * ((i % N) * N + (j % N)) + s; };
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j)
        for (std::size_t s = 0; s < 2; ++s) {
          const auto lap = u[id(i + 1, j, s)] + u[id(i + N - 1, j, s)] + u[id(i, j + 1, s)] + u[id(i, j + N - 1, s)] -
                           4.0 * u[id(i, j, s)];
          const auto x = u[id(i, j, 0)], y = u[id(i, j, 1)];
          du[id(i, j, s)] = s == 0 ? alpha * lap + b + x * x * y - (a + 1.0) * x : alpha * lap + a * x - x * x * y;
        }
  }
};
struct Dense {
  std::size_t n;
  std::vector<double> a;
  explicit Dense(std::size_t n_) : n(n_), a(n_ * n_, 0.0) {}
  double& operator()(std::size_t i, std::size_t j) { return a[i * n + j]; }
};
}  // namespace

TEST(Sparsity, DetectedPatternIsTheTrueOne) {
  const std::size_t N = 6, n = 2 * N * N;
  Bruss f{N};
  std::vector<double> u(n);
  for (std::size_t k = 0; k < n; ++k) u[k] = 1.0 + 0.01 * double(k);
  const auto s = sciml::detect_sparsity<true>(f, u, 0, 0.0);
  ASSERT_EQ(s.n, n);
  std::size_t expected_nnz = 0;
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t sp = 0; sp < 2; ++sp) {
        std::set<std::size_t> truth;
        for (auto [di, dj] : {std::pair{0, 0}, {1, 0}, {N - 1, 0}, {0, 1}, {0, N - 1}})
          truth.insert(2 * (((i + di) % N) * N + (j + dj) % N) + sp);
        truth.insert(2 * (i * N + j) + (1 - sp));  // the local coupling
        const std::size_t row = 2 * (i * N + j) + sp;
        EXPECT_EQ(s.row_ptr[row + 1] - s.row_ptr[row], truth.size()) << row;
        for (std::size_t c : truth) EXPECT_TRUE(s.contains(row, c)) << row << "," << c;
        expected_nnz += truth.size();
      }
  EXPECT_EQ(s.nnz(), expected_nnz);
}

TEST(Sparsity, ColouringAndCompressedJacobian) {
  const std::size_t N = 8, n = 2 * N * N;
  Bruss f{N};
  std::vector<double> u(n);
  for (std::size_t k = 0; k < n; ++k) u[k] = 0.5 + 0.003 * double(k % 17);
  const auto s = sciml::detect_sparsity<true>(f, u, 0, 0.0);
  const auto color = sciml::color_columns(s);
  const std::size_t ncolors = *std::max_element(color.begin(), color.end()) + 1;
  // valid: no two columns of one row share a colour
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = s.row_ptr[i]; a < s.row_ptr[i + 1]; ++a)
      for (std::size_t b = a + 1; b < s.row_ptr[i + 1]; ++b) EXPECT_NE(color[s.col[a]], color[s.col[b]]);
  EXPECT_LE(ncolors, 20u);  // vs n = 128 columns
  std::vector<double> values;
  sciml::sparse_jacobian_ad<true>(f, u, 0, 0.0, s, color, values);
  Dense J(n);
  sciml::jacobian_ad<true>(f, u, 0, 0.0, J);
  std::size_t nz_dense = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) nz_dense += J(i, j) != 0.0;
    for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) EXPECT_DOUBLE_EQ(values[k], J(i, s.col[k]));
  }
  EXPECT_LE(nz_dense, s.nnz());  // every nonzero of J lies in the pattern
  EXPECT_THROW(sciml::sparse_jacobian_ad<true>(f, std::vector<double>(3, 1.0), 0, 0.0, s, color, values),
               std::invalid_argument);
}
