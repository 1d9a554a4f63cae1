// Preconditioner: a user's preconditioner for GMRES (SolveOptions::preconditioner, with LinearSolver::GMRES),
// in the shape of CVODE's psetup / psolve, on double arrays. setup(t, u, gamma_h) is called whenever the
// iteration matrix W = M - gamma_h J is (re)formed, with (t, u) the point where J is taken (the point the
// Jacobian-vector products linearise about); solve(r, z) sets z = P^-1 r for a P that approximates W. It is
// applied on the right: GMRES solves (W P^-1) y = b and returns x = P^-1 y, so the residual it holds to
// krylov_rtol is the true ||b - W x||, and a preconditioner changes how fast GMRES gets there, not what it
// returns. setup may be empty (a P that does not change); both empty (the default): no preconditioning.
// Host-only; both are called from the thread that runs the solve (an ensemble calls them from several).
#pragma once
#include <functional>
#include <span>

namespace sciml {

struct Preconditioner {
  std::function<void(double t, std::span<const double> u, double gamma_h)> setup;
  std::function<void(std::span<const double> r, std::span<double> z)> solve;
  explicit operator bool() const { return setup || solve; }
};

}  // namespace sciml
