// Stats: the counters a solve reports (right-hand-side calls, accepted and rejected steps, and the
// Jacobian / linear-solve counters implicit methods fill in).
#pragma once

namespace sciml {

struct Stats {
  long nf = 0;         // right-hand-side evaluations
  long naccept = 0;    // accepted steps
  long nreject = 0;    // rejected steps
  long nsteps = 0;     // naccept + nreject
  long njac = 0;       // Jacobian evaluations (implicit methods)
  long nsolve = 0;     // linear solves (implicit methods)
  long nw = 0;         // factorisations (implicit methods)
  long nnonliniter = 0;      // Newton iterations (implicit methods)
  long nnonlinconvfail = 0;  // Newton solves that did not converge (implicit methods)
  long nkrylov = 0;           // GMRES iterations, each one Jacobian-vector product (LinearSolver::GMRES)
  long nswitch = 0;          // switches between the non-stiff and the stiff method (AutoSwitch)
  long nevents = 0;    // callback affects applied
};

}  // namespace sciml
