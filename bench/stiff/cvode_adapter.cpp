// SUNDIALS CVODE contestants: BDF (CV_BDF, orders 1-5), Newton iteration (CVODE's default nonlinear solver)
// with the dense direct linear solver (SUNDenseMatrix + SUNLinSol_Dense); the Jacobian either by CVODE's
// internal difference quotients ("CVODE_BDF") or the analytic one of stiff.hpp ("CVODE_BDF_jac").
// reltol = tol, abstol = abstol_factor * tol, stop time tf.
// The large problems (large_problems.hpp): the analytic Jacobian either in a SUNSparseMatrix (CSR) solved by
// KLU (SUNLinSol_KLU with AMD ordering, "CVODE_BDF_KLU") or, where n <= cvode_dense_max, in a dense matrix
// ("CVODE_BDF_jac"); each tstop is a CVodeSetStopTime before the stop time tf.
#include <cvode/cvode.h>
#include "../common/sundials_context.hpp"
#include <nvector/nvector_serial.h>
#include <sundials/sundials_version.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <cstdio>
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

// ---- the large problems -------------------------------------------------------------------------------

// The user data of a large solve: the system, its CSR pattern with every diagonal entry present (CVODE forms
// I - gamma J in place, which needs the diagonal), where each analytic nonzero goes in it, and the deadline.
struct LargeData {
  LargeSystem sys;
  std::vector<sunindextype> row_ptr, col;
  std::vector<std::size_t> slot;  // analytic nonzero e -> its index in (row_ptr, col)
  std::vector<double> vals;       // the analytic nonzeros
  Clock::time_point deadline;
  bool limited = false, expired = false;
  long calls = 0;

  explicit LargeData(const StiffProblem& P) : sys(large_system(P)) {
    const auto& s = sys.pattern;
    row_ptr.push_back(0);
    slot.resize(s.nnz());
    for (std::size_t i = 0; i < s.n; ++i) {
      bool diag = false;
      for (std::size_t e = s.row_ptr[i]; e < s.row_ptr[i + 1]; ++e) {
        if (!diag && s.col[e] > i) {
          col.push_back(sunindextype(i));
          diag = true;
        }
        diag = diag || s.col[e] == i;
        slot[e] = col.size();
        col.push_back(sunindextype(s.col[e]));
      }
      if (!diag) col.push_back(sunindextype(i));
      row_ptr.push_back(sunindextype(col.size()));
    }
    vals.resize(s.nnz());
  }
};

int large_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* ud) {
  auto* d = static_cast<LargeData*>(ud);
  if (d->limited && (++d->calls & 15) == 0 && Clock::now() > d->deadline) {
    d->expired = true;
    return -1;  // unrecoverable: CVode returns CV_RHSFUNC_FAIL
  }
  d->sys.rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return 0;
}

// CVODE's error messages, except the one for a solve the deadline stopped.
void large_err(int, const char* module, const char* function, char* msg, void* ud) {
  if (!static_cast<LargeData*>(ud)->expired) std::fprintf(stderr, "[%s ERROR] %s: %s\n", module, function, msg);
}

int large_jac_sparse(sunrealtype, N_Vector y, N_Vector, SUNMatrix J, void* ud, N_Vector, N_Vector, N_Vector) {
  auto* d = static_cast<LargeData*>(ud);
  d->sys.jac_values(N_VGetArrayPointer(y), d->vals.data());
  sunindextype* rp = SUNSparseMatrix_IndexPointers(J);
  sunindextype* ci = SUNSparseMatrix_IndexValues(J);
  double* v = SUNSparseMatrix_Data(J);
  std::copy(d->row_ptr.begin(), d->row_ptr.end(), rp);
  std::copy(d->col.begin(), d->col.end(), ci);
  std::fill(v, v + d->col.size(), 0.0);
  for (std::size_t e = 0; e < d->vals.size(); ++e) v[d->slot[e]] = d->vals[e];
  return 0;
}

int large_jac_dense(sunrealtype, N_Vector y, N_Vector, SUNMatrix J, void* ud, N_Vector, N_Vector, N_Vector) {
  auto* d = static_cast<LargeData*>(ud);
  d->sys.jac_values(N_VGetArrayPointer(y), d->vals.data());
  SUNMatZero(J);
  const auto& s = d->sys.pattern;
  for (std::size_t i = 0; i < s.n; ++i)
    for (std::size_t e = s.row_ptr[i]; e < s.row_ptr[i + 1]; ++e)
      SM_ELEMENT_D(J, sunindextype(i), sunindextype(s.col[e])) = d->vals[e];
  return 0;
}

Outcome solve_large(const StiffProblem& P, double rtol, double atol, bool sparse, double budget_s) {
  SUNContext ctx = sundials_context();
  LargeData d(P);
  if (budget_s > 0) {
    d.limited = true;
    d.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budget_s));
  }
  const auto n = sunindextype(P.n());
  N_Vector y = N_VNew_Serial(n, ctx);
  std::copy(P.u0.begin(), P.u0.end(), N_VGetArrayPointer(y));
  void* mem = CVodeCreate(CV_BDF, ctx);
  CVodeInit(mem, large_rhs, P.t0, y);
  CVodeSetUserData(mem, &d);
  CVodeSetErrHandlerFn(mem, large_err, &d);
  CVodeSStolerances(mem, rtol, atol);
  SUNMatrix A = sparse ? SUNSparseMatrix(n, n, sunindextype(d.col.size()), CSR_MAT, ctx) : SUNDenseMatrix(n, n, ctx);
  SUNLinearSolver LS = sparse ? SUNLinSol_KLU(y, A, ctx) : SUNLinSol_Dense(y, A, ctx);
  // AMD: the Jacobians here are structurally symmetric, and SUNDIALS' default COLAMD fills in far more (the
  // Brusselator N = 128 at tol 1e-4: 197 s with COLAMD, 21 s with AMD).
  if (sparse) SUNLinSol_KLUSetOrdering(LS, 0);
  CVodeSetLinearSolver(mem, LS, A);
  CVodeSetJacFn(mem, sparse ? large_jac_sparse : large_jac_dense);
  CVodeSetMaxNumSteps(mem, 100'000'000);
  sunrealtype t = P.t0;
  int flag = 0;
  for (double ts : P.tstops) {
    if (!(ts > P.t0 && ts < P.tf)) continue;
    CVodeSetStopTime(mem, ts);
    flag = CVode(mem, ts, y, &t, CV_NORMAL);
    if (flag < 0) break;
  }
  if (flag >= 0) {
    CVodeSetStopTime(mem, P.tf);
    flag = CVode(mem, P.tf, y, &t, CV_NORMAL);
  }
  Outcome out;
  out.ok = flag >= 0 && t == P.tf;
  if (d.expired) {
    out.ok = false;
    out.msg = "over budget: abandoned at t = " + fmtd("%.3g", t) + " after " + fmtd("%.0f", budget_s) + " s";
  } else if (!out.ok) {
    char* name = CVodeGetReturnFlagName(flag);
    out.msg = std::string("CVode returned ") + name;
    free(name);
  }
  long nst = 0, nfe = 0, netf = 0, ncf = 0, nje = 0, nsetups = 0;
  CVodeGetNumSteps(mem, &nst);
  CVodeGetNumRhsEvals(mem, &nfe);
  CVodeGetNumErrTestFails(mem, &netf);
  CVodeGetNumNonlinSolvConvFails(mem, &ncf);
  CVodeGetNumJacEvals(mem, &nje);
  CVodeGetNumLinSolvSetups(mem, &nsetups);
  out.nf = nfe;
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

std::vector<Contestant> cvode_large_contestants(const StiffProblem& P) {
  std::vector<Contestant> out;
  if (P.n() <= cvode_dense_max)
    out.push_back({"CVODE_BDF_jac", "SUNDIALS",
                   [P](double tol) { return solve_large(P, tol, tol * P.abstol_factor, false, P.budget_s); }});
  out.push_back({"CVODE_BDF_KLU", "SUNDIALS",
                 [P](double tol) { return solve_large(P, tol, tol * P.abstol_factor, true, P.budget_s); }});
  return out;
}

std::vector<double> cvode_large_reference(const StiffProblem& P, double rtol, double atol) {
  Outcome o = solve_large(P, rtol, atol, true, 0);
  if (!o.ok) return {};
  return o.u;
}

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
