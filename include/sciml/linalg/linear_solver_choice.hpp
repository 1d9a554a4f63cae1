// LinearSolverChoice: which linear solver the iteration matrix of a dynamic state holds (DenseLUSolver,
// SparseLUSolver or KrylovSolver), with the Krylov solver's settings. Set before the iteration matrix's init:
// by the integrator from SolveOptions (linsolve, krylov_rtol, preconditioner) and a sparse-Jacobian f, or by
// the default algorithm from the Jacobian's detected pattern and the system's size.
#pragma once
#include "preconditioner.hpp"

namespace sciml::detail {

enum class LinearSolverKind { DenseLU, SparseLU, Krylov };  // in the order of IterationMatrix's variant

struct LinearSolverChoice {
  LinearSolverKind kind = LinearSolverKind::DenseLU;
  double krylov_rtol = 0;         // Krylov: relative tolerance of each solve; 0: the solver's default (1e-4)
  Preconditioner preconditioner;  // Krylov: applied on the right; empty: none
};

}  // namespace sciml::detail
