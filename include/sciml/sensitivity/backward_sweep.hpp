// The backward sweep the continuous adjoints (interpolating, quadrature, backsolve) share: the forward solve
// saving at ts, the loss and dl_i/du there, then one backward integration of the strategy's adjoint system from
// the last saved time to t0 that stops on every saved time, where dl_i/du is added to lambda and the integration
// goes on with the step size it had (as SciMLSensitivity's callbacks do). The strategy gives the adjoint system
// and what runs at each stop and after each step; lambda at t0 is dL/du0.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "../core/return_code.hpp"
#include "../integrator/integrator.hpp"
#include "gradient_result.hpp"
#include "vjp.hpp"

namespace sciml::detail {

// What a strategy's adjoint solve reads and writes. The knots are t0 and the saved times after it.
template <class Prob, class Alg, class FwdSol>
struct BackwardSweep {
  const Prob& prob;
  const Alg& alg;
  const SolveOptions& opts;
  const FwdSol& fsol;  // the forward solution: every step's dense output when keep_dense
  bool keep_dense;
  GradientResult& res;
  std::vector<double> knots;
  std::vector<long> save_at;                 // each knot's index in ts (-1: t0, not a saved time)
  std::vector<double> hk;                    // the forward solve's step size at each knot
  std::vector<std::vector<double>> us, gus;  // u(ts[i]) and dl_i/du
  SolveOptions ao;                           // the adjoint solves' options (stops at the knots)
  std::vector<double> lam, mu;               // lambda (from dl/du at the last knot) and mu = dL/dp (from 0)

  const std::vector<double>& u_at_knot(std::size_t kk) const {
    return kk == 0 ? prob.u0 : us[std::size_t(save_at[kk])];
  }

  // One backward integration from the last knot to t0 with a stop at every knot, where dl_i/du is added to
  // lambda (stored from offset `off` of the adjoint state); at_knot(kk, integ) runs when it stands on knots[kk]
  // (kk >= 1) before going on (false: stop), after_step(integ) after every step. lambda at t0 lands in lam.
  template <class Integ, class AtKnot, class AfterStep>
  bool backward(Integ& integ, std::size_t off, AtKnot&& at_knot, AfterStep&& after_step) {
    const std::size_t n = prob.u0.size();
    for (std::size_t kk = knots.size() - 1; kk > 0;) {
      integ.step();
      if (integ.sol.retcode != ReturnCode::Default && !successful_retcode(integ.sol.retcode)) {
        add_stats(res.adjoint, integ.sol.stats);
        fail_gradient(res, integ.sol.retcode, "the adjoint solve failed: " + integ.sol.message);
        return false;
      }
      after_step(integ);
      if (integ.t == knots[kk - 1]) {
        --kk;
        if (kk == 0) break;
        const auto& g = gus[std::size_t(save_at[kk])];
        for (std::size_t q = 0; q < n; ++q) integ.u[off + q] += g[q];
        if (!at_knot(kk, integ)) return false;
        integ.u_modified();
      }
    }
    add_stats(res.adjoint, integ.sol.stats);
    for (std::size_t q = 0; q < n; ++q) lam[q] = integ.u[off + q];
    if (integ.sol.retcode != ReturnCode::Success) {  // stopped early without a failure code
      fail_gradient(res, ReturnCode::Failure,
                    "the adjoint solve stopped at t = " + std::to_string(integ.t) + ": " + integ.sol.message);
      return false;
    }
    return true;
  }
};

// A continuous adjoint's gradient: the forward solve (keep_dense: with dense output instead of saving at ts only),
// then, when a saved time lies after t0, adjoint(sweep) -> false on failure (the result then says why), which
// solves backwards through sweep.backward and leaves dL/dp in sweep.mu.
template <class Prob, class Alg, class Loss, class Adjoint>
void continuous_adjoint(GradientResult& res, const Prob& prob, const Alg& alg, const std::vector<double>& ts,
                        Loss& loss, const SolveOptions& opts, bool keep_dense, Adjoint&& adjoint) {
  const std::size_t n = prob.u0.size(), np = param_count(prob.p), m = ts.size();
  // forward solve, saving at ts; the step size at each knot is kept to start the checkpoint re-solves
  SolveOptions fo = opts;
  fo.saveat = SaveAt(ts);
  if (keep_dense) {
    fo.save_everystep = false;
    fo.dense = true;
  }
  // knots: t0 and the saved times
  std::vector<double> knots{prob.tspan[0]};
  std::vector<long> save_at(1, ts[0] == prob.tspan[0] ? 0 : -1);
  for (std::size_t i = 0; i < m; ++i) {
    if (ts[i] == prob.tspan[0]) continue;
    knots.push_back(ts[i]);
    save_at.push_back(long(i));
  }
  const std::size_t K = knots.size();
  auto fint = init(prob, alg, fo);
  std::vector<double> hk(K, 0.0);
  for (std::size_t j = 0;;) {
    const bool more = fint.step();
    while (j < K && knots[j] <= fint.t) hk[j++] = std::abs(fint.last_dt());
    if (!more) break;
  }
  const auto& fsol = fint.sol;
  res.forward = fsol.stats;
  if (!fsol.success()) return fail_gradient(res, fsol.retcode, "the forward solve failed: " + fsol.message);
  std::vector<std::vector<double>> us(m);
  if (keep_dense) {  // dense output keeps every step: u at ts from the interpolant (as saveat does)
    for (std::size_t i = 0; i < m; ++i) us[i] = fsol(ts[i]);
  } else {
    if (fsol.u.size() != m)
      return fail_gradient(res, ReturnCode::Failure, "the forward solve did not save at every time in ts");
    us = fsol.u;
  }
  std::vector<std::vector<double>> gus(m, std::vector<double>(n));
  double l = 0;
  for (std::size_t i = 0; i < m; ++i) l += loss(i, ts[i], us[i], gus[i]);
  res.loss = l;
  SolveOptions ao = opts;
  ao.saveat = SaveAt{};
  if (knots.size() > 1) ao.tstops.assign(knots.begin() + 1, knots.end() - 1);  // one knot: t0 alone, no solve
  ao.save_everystep = false;
  ao.save_start = false;
  ao.save_end = false;
  ao.dense = false;
  ao.dt = opts.adaptive ? 0.0 : opts.dt;  // fixed steps: the forward solve's step size, backwards
  if (!ao.abstol.per_component.empty())  // the adjoint state is not u: one abstol, the smallest given
    ao.abstol = Tolerance(*std::min_element(ao.abstol.per_component.begin(), ao.abstol.per_component.end()));
  std::vector<double> lam(K > 1 ? gus[std::size_t(save_at[K - 1])] : std::vector<double>(n, 0.0));
  using Sweep = BackwardSweep<Prob, Alg, std::remove_cvref_t<decltype(fsol)>>;
  Sweep sw{prob, alg, opts, fsol, keep_dense, res, std::move(knots), std::move(save_at), std::move(hk), std::move(us),
           std::move(gus), std::move(ao), std::move(lam), std::vector<double>(np, 0.0)};
  if (K > 1 && !adjoint(sw)) return;
  if (sw.save_at[0] == 0)
    for (std::size_t q = 0; q < n; ++q) sw.lam[q] += sw.gus[0][q];
  res.du0 = sw.lam;
  res.dp = sw.mu;
  res.retcode = ReturnCode::Success;
}

}  // namespace sciml::detail
