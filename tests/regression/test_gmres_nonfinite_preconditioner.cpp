// Regression (issue 15 review): a user preconditioner returning NaN made GMRES stop with x = 0, which the Newton
// iteration read as a converged zero correction: FBDF "succeeded" on u' = -1000 u with u(1) = -999. A non-finite
// GMRES iteration now gives a NaN correction, so Newton fails and the solve ends with a ReturnCode and a message;
// an exception thrown by the preconditioner reaches the caller.
#include <gtest/gtest.h>
#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>
#include <sciml/ode.hpp>

TEST(GmresNonfinitePreconditioner, FailsInsteadOfSucceedingWrongly) {
  auto f = [](auto& du, const auto& u, const auto&, auto) {
    for (std::size_t i = 0; i < u.size(); ++i) du[i] = -1e3 * u[i];
  };
  const auto prob = sciml::ODEProblem(f, std::vector<double>(4, 1.0), {0.0, 1.0});
  sciml::SolveOptions o;
  o.linsolve = sciml::LinearSolver::GMRES;
  o.preconditioner.solve = [](std::span<const double> r, std::span<double> z) {
    for (std::size_t i = 0; i < r.size(); ++i) z[i] = NAN;
  };
  const auto sol = sciml::solve(prob, sciml::FBDF<>{}, o);
  EXPECT_FALSE(sol.success());
  EXPECT_FALSE(sol.message.empty());
  o.preconditioner.solve = [](std::span<const double>, std::span<double>) { throw std::runtime_error("user"); };
  EXPECT_THROW(sciml::solve(prob, sciml::FBDF<>{}, o), std::runtime_error);
}
