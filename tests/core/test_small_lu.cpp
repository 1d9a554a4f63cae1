// SmallLU: solves against known solutions (including ones that need pivoting, every row order of a 4 x 4
// matrix, and ill-conditioned Hilbert matrices), detects singular and non-finite matrices, works in float, and
// solves a ROBER Newton matrix built from the AD Jacobian.
#include <gtest/gtest.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sciml/core/smatrix.hpp>
#include <sciml/linalg/jacobian.hpp>
#include <sciml/linalg/small_lu.hpp>

TEST(SmallLU, SolvesWithPivoting) {
  sciml::SMatrix<double, 3> A{{0.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 0.0}};  // a zero leading pivot
  const sciml::SVector<double, 3> x{1.0, -2.0, 3.0};
  const auto b = A * x;
  sciml::SmallLU<double, 3> lu;
  ASSERT_TRUE(lu.factorize(A));
  const auto y = lu.solve(b);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(y[i], x[i], 1e-14);
}

TEST(SmallLU, EveryRowOrderOfAMatrix) {
  // the rows of a matrix whose pivots are its large entries, in all 24 orders: each factorisation swaps rows at
  // different steps and to different places, and every solve must still return x
  const double base[4][4] = {{9, 1, 2, 1}, {1, 1, 8, 2}, {2, 7, 1, 1}, {1, 2, 1, 6}};
  const sciml::SVector<double, 4> x{1.0, -2.0, 3.0, 0.5};
  int order[4] = {0, 1, 2, 3};
  int tried = 0;
  do {
    sciml::SMatrix<double, 4> A{};
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t j = 0; j < 4; ++j) A(i, j) = base[order[i]][j];
    sciml::SmallLU<double, 4> lu;
    ASSERT_TRUE(lu.factorize(A));
    const auto y = lu.solve(A * x);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(y[i], x[i], 1e-13) << "row order " << order[0] << order[1] << order[2] << order[3];
    ++tried;
  } while (std::next_permutation(order, order + 4));
  EXPECT_EQ(tried, 24);
}

TEST(SmallLU, HilbertAccuracy) {
  sciml::SMatrix<double, 6> H{};
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < 6; ++j) H(i, j) = 1.0 / double(i + j + 1);
  const auto x = sciml::SVector<double, 6>::filled(1.0);
  sciml::SmallLU<double, 6> lu;
  ASSERT_TRUE(lu.factorize(H));
  const auto y = lu.solve(H * x);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(y[i], 1.0, 1e-8);  // cond(H6) ~ 1.5e7
}

TEST(SmallLU, SingularAndNonFinite) {
  sciml::SMatrix<double, 3> S{{1, 2, 3, 2, 4, 6, 1, 0, 1}};  // row 2 = 2 x row 1
  sciml::SmallLU<double, 3> lu;
  EXPECT_FALSE(lu.factorize(S));
  EXPECT_TRUE(lu.singular);
  auto I = sciml::SMatrix<double, 3>::identity();
  I(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(lu.factorize(I));
}

TEST(SmallLU, Float) {
  sciml::SMatrix<float, 2> A{{4.0f, 3.0f, 6.0f, 3.0f}};
  sciml::SmallLU<float, 2> lu;
  ASSERT_TRUE(lu.factorize(A));
  const auto x = lu.solve(sciml::SVector<float, 2>{10.0f, 12.0f});  // solution (1, 2)
  EXPECT_NEAR(x[0], 1.0f, 1e-6f);
  EXPECT_NEAR(x[1], 2.0f, 1e-6f);
}

TEST(SmallLU, NewtonMatrixOfRober) {
  // W = I - gamma h J for ROBER at a stiff point: solve W x = b and check the residual
  auto rober = [](const auto& u, const auto& k, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], k[2] * u[1] * u[1]};
  };
  const std::array<double, 3> k{0.04, 1e4, 3e7};
  const sciml::SVector<double, 3> u{0.9, 3e-5, 0.1};
  sciml::SMatrix<double, 3> J{};
  sciml::jacobian_ad<false>(rober, u, k, 0.0, J);
  const double gh = 0.25 * 10.0;
  auto W = sciml::SMatrix<double, 3>::identity();
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) W(i, j) -= gh * J(i, j);
  sciml::SmallLU<double, 3> lu;
  ASSERT_TRUE(lu.factorize(W));
  const sciml::SVector<double, 3> b{1.0, -2.0, 0.5};
  const auto x = lu.solve(b);
  const auto r = W * x - b;
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(r[i], 0.0, 1e-9);
}
