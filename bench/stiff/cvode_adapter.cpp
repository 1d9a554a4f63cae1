// SUNDIALS CVODE contestants: BDF (CV_BDF, orders 1-5), Newton iteration (CVODE's default nonlinear solver)
// with the dense direct linear solver (SUNDenseMatrix + SUNLinSol_Dense); the Jacobian either by CVODE's
// internal difference quotients ("CVODE_BDF") or the analytic one of stiff.hpp ("CVODE_BDF_jac").
// reltol = tol, abstol = abstol_factor * tol, stop time tf.
#include <cvode/cvode.h>
#include "../common/sundials_context.hpp"
#include <nvector/nvector_serial.h>
#include <sundials/sundials_version.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <cstdlib>
#include "stiff.hpp"

namespace bench {
namespace {

template <StiffId Id>
int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void*) {
  using K = StiffKernel<Id>;
  const double* u = N_VGetArrayPointer(y);
  double* du = N_VGetArrayPointer(ydot);
  const auto r = K::f(RawView{u}, K::p, t);
  for (std::size_t i = 0; i < K::N; ++i) du[i] = r[i];
  return 0;
}

template <StiffId Id>
int jac(sunrealtype, N_Vector y, N_Vector, SUNMatrix J, void*, N_Vector, N_Vector, N_Vector) {
  const double* u = N_VGetArrayPointer(y);
  StiffKernel<Id>::jac(RawView{u}, [&](std::size_t i, std::size_t j, double v) {
    SM_ELEMENT_D(J, sunindextype(i), sunindextype(j)) = v;
  });
  return 0;
}

template <StiffId Id>
Outcome solve(const StiffProblem& P, double tol, bool analytic) {
  SUNContext ctx = sundials_context();
  const auto n = sunindextype(P.u0.size());
  N_Vector y = N_VNew_Serial(n, ctx);
  std::copy(P.u0.begin(), P.u0.end(), N_VGetArrayPointer(y));
  void* mem = CVodeCreate(CV_BDF, ctx);
  CVodeInit(mem, rhs<Id>, P.t0, y);
  CVodeSStolerances(mem, tol, tol * P.abstol_factor);
  SUNMatrix A = SUNDenseMatrix(n, n, ctx);
  SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
  CVodeSetLinearSolver(mem, LS, A);
  if (analytic) CVodeSetJacFn(mem, jac<Id>);
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
  long nst = 0, nfe = 0, nfeLS = 0, netf = 0, ncf = 0, nje = 0, nsetups = 0;
  CVodeGetNumSteps(mem, &nst);
  CVodeGetNumRhsEvals(mem, &nfe);
  CVodeGetNumLinRhsEvals(mem, &nfeLS);
  CVodeGetNumErrTestFails(mem, &netf);
  CVodeGetNumNonlinSolvConvFails(mem, &ncf);
  CVodeGetNumJacEvals(mem, &nje);
  CVodeGetNumLinSolvSetups(mem, &nsetups);
  out.nf = nfe + nfeLS;  // difference-quotient Jacobians' calls included
  out.steps = nst;
  out.rejects = netf + ncf;
  out.njac = nje;
  out.nlu = nsetups;
  const double* yp = N_VGetArrayPointer(y);
  out.u.assign(yp, yp + n);
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  return out;
}

}  // namespace

std::vector<Contestant> cvode_stiff_contestants(const StiffProblem& P) {
  std::vector<Contestant> out;
  with_stiff(P.id, [&](auto id) {
    constexpr StiffId Id = decltype(id)::value;
    out.push_back({"CVODE_BDF", "SUNDIALS", [P](double tol) { return solve<Id>(P, tol, false); }});
    out.push_back({"CVODE_BDF_jac", "SUNDIALS", [P](double tol) { return solve<Id>(P, tol, true); }});
  });
  return out;
}

std::string sundials_stiff_version() { return SUNDIALS_VERSION; }

}  // namespace bench
