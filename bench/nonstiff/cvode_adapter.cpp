// SUNDIALS CVODE contestant: Adams–Moulton (CV_ADAMS, orders 1-12) with the fixed-point nonlinear solver
// (SUNNonlinSol_FixedPoint, no Jacobian), serial N_Vector, rtol = atol = tol, stop time tf.
#include <cvode/cvode.h>
#include "../common/sundials_context.hpp"
#include <nvector/nvector_serial.h>
#include <sundials/sundials_version.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <cstdlib>
#include "bench.hpp"

namespace bench {
namespace {

template <ProblemId Id>
int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void*) {
  const double* u = N_VGetArrayPointer(y);
  double* du = N_VGetArrayPointer(ydot);
  if constexpr (Id == ProblemId::Linear) {
    Kernel<Id>::apply(du, u, Kernel<Id>::N);
  } else {
    small_rhs<Id>(PtrView{u}, du, t);
  }
  return 0;
}

template <ProblemId Id>
Outcome solve(const Problem& P, double tol) {
  SUNContext ctx = sundials_context();
  const auto n = sunindextype(P.u0.size());
  N_Vector y = N_VNew_Serial(n, ctx);
  std::copy(P.u0.begin(), P.u0.end(), N_VGetArrayPointer(y));
  void* mem = CVodeCreate(CV_ADAMS, ctx);
  CVodeInit(mem, rhs<Id>, P.t0, y);
  CVodeSStolerances(mem, tol, tol);
  SUNNonlinearSolver nls = SUNNonlinSol_FixedPoint(y, 0, ctx);
  CVodeSetNonlinearSolver(mem, nls);
  CVodeSetMaxNumSteps(mem, 100'000'000);
  CVodeSetStopTime(mem, P.tf);
  sunrealtype t = P.t0;
  const int flag = CVode(mem, P.tf, y, &t, CV_NORMAL);
  Outcome out;
  out.ok = flag >= 0 && t == P.tf;
  if (!out.ok) {
    char* name = CVodeGetReturnFlagName(flag);
    out.msg = std::string("CVode returned ") + name;
    free(name);
  }
  long nst = 0, nfe = 0, netf = 0, ncf = 0;
  CVodeGetNumSteps(mem, &nst);
  CVodeGetNumRhsEvals(mem, &nfe);
  CVodeGetNumErrTestFails(mem, &netf);
  CVodeGetNumNonlinSolvConvFails(mem, &ncf);
  out.nf = nfe;
  out.steps = nst;
  out.rejects = netf + ncf;
  const double* yp = N_VGetArrayPointer(y);
  out.u.assign(yp, yp + n);
  CVodeFree(&mem);
  SUNNonlinSolFree(nls);
  N_VDestroy(y);
  return out;
}

template <ProblemId Id>
void add_all(std::vector<Contestant>& out, const Problem& P) {
  out.push_back({"CVODE_Adams", "SUNDIALS", [P](double tol) { return solve<Id>(P, tol); }});
}

}  // namespace

std::vector<Contestant> cvode_contestants(const Problem& P) {
  std::vector<Contestant> out;
  with_problem(P.id, [&](auto id) { add_all<decltype(id)::value>(out, P); });
  return out;
}

std::string sundials_version() { return SUNDIALS_VERSION; }

}  // namespace bench
