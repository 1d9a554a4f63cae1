// Regression: the explicit RK dense output b_i(theta) was stored as monomial coefficients, which reach 1e6
// for Verner's methods while b_i(theta) = O(1); in double this lost ~10 digits: sol(t) at a step's end
// missed the step's own state by up to 1.5e-10 (Vern8) and the dense output was far less accurate than
// the steps at tight tolerances. The coefficients are now in the Bernstein basis (tableau/erk/FORMAT.md).
#include <gtest/gtest.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <sciml/ode.hpp>

namespace {

template <class Alg>
class ErkInterpolant : public ::testing::Test {};
// every explicit RK method with its own interpolant (interp_degree > 0)
using Methods = ::testing::Types<sciml::Tsit5, sciml::DP5, sciml::Vern6, sciml::Vern7, sciml::Vern8, sciml::Vern9,
                                 sciml::DP8>;
TYPED_TEST_SUITE(ErkInterpolant, Methods);

// The weights b_i(theta) as the step evaluates them: the interpolant with u0 = 0, h = 1 and k_j = e_j.
template <class Alg>
auto weights(double theta) {
  using Step = typename Alg::step_type;
  using V = sciml::SVector<double, Step::TOT>;
  std::array<V, Step::TOT> k{};
  for (int j = 0; j < Step::TOT; ++j) k[j][j] = 1.0;
  V out{}, u0{};
  Step::interpolate(out, u0, k, 1.0, theta);
  return out;
}

// At theta = 0 and 1 the weights are exactly 0 and the step's own weights (so sol(t) at a step's ends is the
// step's states); in between they satisfy sum_i b_i(theta) c_i^(k-1) = theta^k / k (k <= the interpolant's
// order) to roundoff of the weights' size, as the exact polynomials do.
TYPED_TEST(ErkInterpolant, WeightsToRoundoff) {
  using Tab = typename TypeParam::tableau;
  static_assert(Tab::interp_degree > 0);
  constexpr int S = Tab::stages, TOT = Tab::total, P = std::min(Tab::interp_degree, Tab::order);
  const auto w0 = weights<TypeParam>(0.0), w1 = weights<TypeParam>(1.0);
  for (int i = 0; i < TOT; ++i) {
    const double b = i < S - 1 ? sciml::detail::fitted_a<Tab>[(S - 1) * (S - 2) / 2 + i] : 0.0;  // the step's b_i
    EXPECT_EQ(w0[i], 0.0) << "b_" << i + 1 << "(0)";
    EXPECT_EQ(w1[i], b) << "b_" << i + 1 << "(1)";
  }
  double scale = 0;  // sum_i max |b_i(theta)| on [0, 1], sampled
  for (int i = 0; i < TOT; ++i) {
    double m = 0;
    for (int q = 0; q <= 64; ++q) m = std::max(m, std::abs(weights<TypeParam>(q / 64.0)[i]));
    scale += m;
  }
  double worst = 0;
  for (int q = 1; q < 64; ++q) {
    const double th = q / 64.0;
    const auto w = weights<TypeParam>(th);
    for (int k = 1; k <= P; ++k) {
      double sum = 0;
      for (int i = 0; i < TOT; ++i) sum += w[i] * std::pow(Tab::c[i], k - 1);
      worst = std::max(worst, std::abs(sum - std::pow(th, k) / k));
    }
  }
  EXPECT_LE(worst, 2e-15 * scale) << "sum_i |b_i| = " << scale;
}

// u'' = -u, u(0) = (1, 0) on [0, 20]: sol(t) at every step's end is the step's own state, and the dense
// output between steps is as accurate as the steps.
TYPED_TEST(ErkInterpolant, DenseOutputAsAccurateAsTheSteps) {
  auto f = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 2>{u[1], -u[0]};
  };
  for (double tol : {1e-10, 1e-13}) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol;
    o.save_everystep = true;
    const auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0, 0.0}, {0.0, 20.0}), TypeParam{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
    ASSERT_GT(sol.t.size(), 10u);
    double end_dev = 0, step_err = 0, mid_err = 0;
    for (std::size_t i = 0; i + 1 < sol.t.size(); ++i) {
      const double t1 = sol.t[i + 1], tm = 0.5 * (sol.t[i] + t1);
      const auto u1 = sol(t1), um = sol(tm);  // at t1: the step ending there, theta = 1
      for (int m = 0; m < 2; ++m) {
        end_dev = std::max(end_dev, std::abs(u1[m] - sol.u[i + 1][m]));
        step_err = std::max(step_err, std::abs(sol.u[i + 1][m] - (m == 0 ? std::cos(t1) : -std::sin(t1))));
        mid_err = std::max(mid_err, std::abs(um[m] - (m == 0 ? std::cos(tm) : -std::sin(tm))));
      }
    }
    EXPECT_LE(end_dev, 1e-13) << "tol " << tol;  // |u| <= 1
    EXPECT_LE(mid_err, 10 * step_err) << "tol " << tol;
  }
}

// The property test's reproducer (tests/python/test_properties.py): long steps at loose tolerances.
TYPED_TEST(ErkInterpolant, StepEndsAtLooseTolerance) {
  auto f = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 1>{-2.0 * u[0] - std::tanh(u[0])};
  };
  sciml::SolveOptions o;
  o.reltol = 1e-2;
  o.abstol = 1e-3;
  const auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{-1.0}, {-2.0, 1.0}), TypeParam{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  for (std::size_t i = 0; i < sol.t.size(); ++i)
    EXPECT_NEAR(sol(sol.t[i])[0], sol.u[i][0], 1e-13 * (1 + std::abs(sol.u[i][0]))) << "t = " << sol.t[i];
}

}  // namespace
