// The generic SDIRK step with the ImplicitEuler, TRBDF2, KenCarp4 and Kvaerno5 tableaus: convergence orders
// (fixed steps), ROBER and HIRES against their references, Jacobian reuse, dense output, and Newton failure
// reported as a ReturnCode.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/problems.hpp"
#include "common/stiff_checks.hpp"

namespace pr = sciml::problems;
using sciml::testing::check_order;
using sciml::testing::check_stiff_references;

// from dt = 1/16: at larger fixed steps Newton cannot reach the 1e-17 tolerance from a cold start
TEST(SDIRK, ImplicitEulerOrder) { check_order<sciml::ImplicitEuler>(0.3, 32, 1 << 19); }  // errors < 1e-4 count
TEST(SDIRK, TRBDF2Order) { check_order<sciml::TRBDF2>(0.3, 32); }
TEST(SDIRK, KenCarp4Order) { check_order<sciml::KenCarp4>(0.3, 32); }
TEST(SDIRK, Kvaerno5Order) { check_order<sciml::Kvaerno5>(0.3, 32); }

// order 1 with error-per-step control: the global error is ~tol^(1/2), hence the looser factor
TEST(SDIRK, ImplicitEulerStiffReferences) { check_stiff_references<sciml::ImplicitEuler>({1e-3, 1e-4, 1e-5}, 1e4); }
TEST(SDIRK, TRBDF2StiffReferences) { check_stiff_references<sciml::TRBDF2>({1e-4, 1e-6, 1e-8}, 1e4); }  // order 2
TEST(SDIRK, KenCarp4StiffReferences) { check_stiff_references<sciml::KenCarp4>({1e-4, 1e-6, 1e-8, 1e-10}, 1000); }
TEST(SDIRK, Kvaerno5StiffReferences) { check_stiff_references<sciml::Kvaerno5>({1e-4, 1e-6, 1e-8, 1e-10}, 1000); }

TEST(SDIRK, JacobianReuse) {
  // J is kept while Newton contracts fast: far fewer Jacobians than steps, and the answer is unchanged
  auto prob = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  auto sol = sciml::solve(prob, sciml::TRBDF2{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  std::printf("  TRBDF2 ROBER: %ld steps, %ld rejected, %ld jac, %ld LU, %ld Newton iterations, %ld failures\n",
              sol.stats.naccept, sol.stats.nreject, sol.stats.njac, sol.stats.nw, sol.stats.nnonliniter,
              sol.stats.nnonlinconvfail);
  EXPECT_LT(sol.stats.njac, sol.stats.naccept / 2);
  EXPECT_GT(sol.stats.nnonliniter, 0);
}

TEST(SDIRK, DenseOutput) {
  sciml::testing::check_dense_output<sciml::TRBDF2>();    // Hermite
  sciml::testing::check_dense_output<sciml::KenCarp4>();  // Hermite too (the paper's b*_ij: kencarp4.hpp)
  sciml::testing::check_dense_output<sciml::Kvaerno5>();
}

TEST(SDIRK, NewtonFailureIsAReturnCode) {
  // f is NaN from u = 1.5 on (u reaches it at t = 0.5): every stage iterate beyond it fails, the step shrinks
  // until it falls below dtmin, and the solve ends there keeping what it has. The Newton failures come from f's
  // NaN, so the code is Unstable and the message names f (issue 14; it said "Newton ... did not converge")
  auto f = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 1>{u[0] < 1.5 ? S(1.0) : S(NAN)};
  };
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 2.0}), sciml::TRBDF2{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Unstable);
  EXPECT_NE(sol.message.find("f(u, p, t) returned NaN"), std::string::npos) << sol.message;
  EXPECT_NEAR(sol.t.back(), 0.5, 1e-6);
  EXPECT_GT(sol.stats.nnonlinconvfail, 0);
  EXPECT_LT(sol.stats.nsteps, 10000);
}

#ifdef SCIML_HAVE_EIGEN
TEST(SDIRK, DynamicStatesMatchFixedSize) { sciml::testing::check_dynamic_matches_fixed<sciml::TRBDF2>(1e-7, 1e-11, 2.0, 1e-9); }

TEST(SDIRK, WrongSizeUserJacobianIsRefused) {
  auto f = [](auto& du, const auto& u, const auto&, double) {
    du[0] = -u[0];
    du[1] = -2 * u[1];
  };
  auto jac = [](auto& J, const auto&, const auto&, double) {
    J.resize(3, 3);  // wrong: the matrix given is 2 x 2
    J.setZero();
  };
  auto prob = sciml::ODEProblem(sciml::ODEFunction(f, jac), std::vector{1.0, 1.0}, {0.0, 1.0});
  try {
    sciml::solve(prob, sciml::TRBDF2{});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("jac"), std::string::npos) << e.what();
  }
}
#endif
