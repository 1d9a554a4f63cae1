// GSL contestants: gsl_odeiv2 rk8pd and rkf45 through gsl_odeiv2_driver with y-control
// (gsl_odeiv2_driver_alloc_y_new, epsabs = epsrel = tol). First step: 1e-6 (tf - t0).
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_version.h>
#include "bench.hpp"

namespace bench {
namespace {

struct Params {
  long nf = 0;
};

template <ProblemId Id>
int rhs(double t, const double y[], double dydt[], void* params) {
  ++static_cast<Params*>(params)->nf;
  if constexpr (Id == ProblemId::Linear) {
    Kernel<Id>::apply(dydt, y, Kernel<Id>::N);
  } else {
    small_rhs<Id>(PtrView{y}, dydt, t);
  }
  return GSL_SUCCESS;
}

template <ProblemId Id>
Outcome solve(const Problem& P, const gsl_odeiv2_step_type* type, double tol) {
  Params par;
  gsl_odeiv2_system sys{rhs<Id>, nullptr, P.u0.size(), &par};
  gsl_odeiv2_driver* d = gsl_odeiv2_driver_alloc_y_new(&sys, type, 1e-6 * (P.tf - P.t0), tol, tol);
  Outcome out;
  out.u = P.u0;
  double t = P.t0;
  const int status = gsl_odeiv2_driver_apply(d, &t, P.tf, out.u.data());
  out.ok = status == GSL_SUCCESS;
  if (!out.ok) out.msg = std::string("gsl_odeiv2_driver_apply: ") + gsl_strerror(status);
  out.nf = par.nf;
  out.steps = long(d->e->count - d->e->failed_steps);
  out.rejects = long(d->e->failed_steps);
  gsl_odeiv2_driver_free(d);
  return out;
}

template <ProblemId Id>
void add_all(std::vector<Contestant>& out, const Problem& P) {
  out.push_back({"rk8pd", "GSL", [P](double tol) { return solve<Id>(P, gsl_odeiv2_step_rk8pd, tol); }});
  out.push_back({"rkf45", "GSL", [P](double tol) { return solve<Id>(P, gsl_odeiv2_step_rkf45, tol); }});
}

}  // namespace

std::vector<Contestant> gsl_contestants(const Problem& P) {
  gsl_set_error_handler_off();
  std::vector<Contestant> out;
  with_problem(P.id, [&](auto id) { add_all<decltype(id)::value>(out, P); });
  return out;
}

std::string gsl_version() { return GSL_VERSION; }

}  // namespace bench
