// Regression (issue 14, found by the property suite): RadauIIA5 with LinearSolver::GMRES crashed (segmentation
// fault) on any problem: its cache took the matrix-free flag, but its complex iteration matrix has no
// matrix-free form and solved with a factorisation never computed. Now refused, naming linsolve.
#include <gtest/gtest.h>
#include <vector>
#include <sciml/ode.hpp>
#include "common/expect_invalid.hpp"

TEST(RadauGmresRefused, InvalidArgumentNamingLinsolve) {
  auto f = [](auto& du, const auto& u, const auto&, auto) {
    du[0] = -u[0];
    du[1] = u[0] - u[1];
  };
  auto prob = sciml::ODEProblem(f, std::vector<double>{1.0, 0.0}, {0.0, 1.0});
  sciml::SolveOptions o;
  o.linsolve = sciml::LinearSolver::GMRES;
  sciml::testing::expect_invalid([&] { sciml::solve(prob, sciml::RadauIIA5{}, o); }, "linsolve");
  // the other implicit families take GMRES on the same problem
  auto sol = sciml::solve(prob, sciml::FBDF{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
}
