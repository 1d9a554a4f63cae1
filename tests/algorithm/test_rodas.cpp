// The generic Rosenbrock step with the Rodas4 and Rodas5P tableaus: convergence orders (fixed steps),
// ROBER and HIRES against their references at tolerances 1e-4..1e-10, ROBER's linear invariant, the
// stiff-aware dense output, and no allocation in the step loop.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"
#include "common/stiff_checks.hpp"

namespace pr = sciml::problems;

TEST(Rodas, Rodas4Order) { sciml::testing::check_order<sciml::Rodas4>(); }
TEST(Rodas, Rodas5POrder) { sciml::testing::check_order<sciml::Rodas5P>(); }

TEST(Rodas, Rodas4StiffReferences) { sciml::testing::check_stiff_references<sciml::Rodas4>(); }
TEST(Rodas, Rodas5PStiffReferences) { sciml::testing::check_stiff_references<sciml::Rodas5P>(); }

TEST(Rodas, DenseOutput) { sciml::testing::check_dense_output<sciml::Rodas5P>(); }

#ifdef SCIML_HAVE_EIGEN
TEST(Rodas, DynamicStatesMatchFixedSize) {
  // ROBER in place on std::vector (Eigen LU) gives the same steps and answer as on SVector (SmallLU)
  const auto rober_inplace = pr::rober_inplace;
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto fixed = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                            sciml::Rodas5P{}, o);
  auto dyn = sciml::solve(sciml::ODEProblem(rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::Rodas5P{}, o);
  ASSERT_EQ(dyn.retcode, sciml::ReturnCode::Success) << dyn.message;
  EXPECT_EQ(dyn.stats.naccept, fixed.stats.naccept);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(dyn.u.back()[i], fixed.u.back()[i], 1e-12 * (1 + fixed.u.back()[i]));
  auto r23 = sciml::solve(sciml::ODEProblem(rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::Rosenbrock23{}, o);
  EXPECT_EQ(r23.retcode, sciml::ReturnCode::Success);
}
#endif

TEST(Rodas, UserJacobian) {
  // ROBER with its analytic Jacobian through ODEFunction: the same steps as with the AD Jacobian, and f need not
  // be generic (it only ever sees doubles)
  auto f = [](const sciml::SVector<double, 3>& u, const std::array<double, 3>& k, double) {
    return sciml::SVector<double, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                     k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], k[2] * u[1] * u[1]};
  };
  int jac_calls = 0;
  auto jac = [&jac_calls](auto& J, const auto& u, const auto& k, auto) {
    ++jac_calls;
    J(0, 0) = -k[0], J(0, 1) = k[1] * u[2], J(0, 2) = k[1] * u[1];
    J(1, 0) = k[0], J(1, 1) = -k[1] * u[2] - 2 * k[2] * u[1], J(1, 2) = -k[1] * u[1];
    J(2, 0) = 0, J(2, 1) = 2 * k[2] * u[1], J(2, 2) = 0;
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto user = sciml::solve(sciml::ODEProblem(sciml::ODEFunction(f, jac), sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                           sciml::Rodas5P{}, o);
  auto ad = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                         sciml::Rodas5P{}, o);
  ASSERT_EQ(user.retcode, sciml::ReturnCode::Success) << user.message;
  EXPECT_EQ(jac_calls, user.stats.njac);
  EXPECT_EQ(user.stats.naccept, ad.stats.naccept);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(user.u.back()[i], ad.u.back()[i], 1e-10 * (1e-8 + ad.u.back()[i]));
}

// A right-hand side written for double only (it could not take dual numbers): with_fd_jacobian gives the
// implicit methods a finite-difference Jacobian, on SVector and std::vector states.
TEST(Rodas, FiniteDifferenceJacobian) {
  auto f = [](const sciml::SVector<double, 3>& u, const std::array<double, 3>& k, double) {
    return sciml::SVector<double, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                     k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], k[2] * u[1] * u[1]};
  };
  sciml::SolveOptions o;
  o.reltol = 1e-7;
  o.abstol = 1e-11;
  o.save_everystep = false;
  auto sol = sciml::solve(sciml::ODEProblem(sciml::with_fd_jacobian(f), sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::Rodas5P{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-5 * pr::rober_ref[i]);
#ifdef SCIML_HAVE_EIGEN
  auto g = [](std::vector<double>& du, const std::vector<double>& u, const std::array<double, 3>& k, double) {
    du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
    du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
    du[2] = k[2] * u[1] * u[1];
  };
  auto prob = sciml::ODEProblem(sciml::with_fd_jacobian(g), std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  auto check = [&](const auto& s) {
    ASSERT_EQ(s.retcode, sciml::ReturnCode::Success) << s.message;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(s.u.back()[i], pr::rober_ref[i], 1e-5 * pr::rober_ref[i]);
  };
  check(sciml::solve(prob, sciml::Rodas5P{}, o));
  check(sciml::solve(prob, sciml::FBDF<>{}, o));
  check(sciml::solve(prob, sciml::KenCarp4{}, o));
#endif
}
