// InterpolatingAdjoint: lambda' = -J^T lambda, mu' = -(df/dp)^T lambda backwards (the backward sweep) with u(t)
// from a forward re-solve of each interval between saved times, started from its checkpoint (checkpointing), or
// from the forward solution's dense output. QuadratureAdjoint runs the same solve without mu.
#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>
#include "../integrator/integrator.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "adjoint_rhs.hpp"
#include "backward_sweep.hpp"
#include "gradient_result.hpp"
#include "strategies.hpp"

namespace sciml::detail {

// The adjoint system of lambda (and mu = dL/dp when WithMu) backwards over the sweep's knots, u(t) from the
// forward solution's dense output (sw.keep_dense) or else, on [knots[kk-1], knots[kk]], a re-solve from the
// checkpoint at knots[kk-1] started with the forward solve's step size there. after_step(u_view, integ) runs
// after every adjoint step.
template <bool WithMu, class Prob, class Alg, class FwdSol, class AdjointAlg, class AfterStep>
bool interpolated_adjoint(BackwardSweep<Prob, Alg, FwdSol>& sw, const AdjointAlg& adjoint_alg, AfterStep&& after_step) {
  using P = typename Prob::param_type;
  using F = std::remove_cvref_t<decltype(sw.prob.f)>;
  constexpr bool inplace = Prob::inplace;
  const Prob& prob = sw.prob;
  const std::size_t n = prob.u0.size(), np = param_count(prob.p), K = sw.knots.size();
  auto run = [&](const auto& view, auto&& at_knot) -> bool {
    using View = std::remove_cvref_t<decltype(view)>;
    const AdjointSystem<F, P, View> sys{&prob.f, &prob.p, &view, n, WithMu ? np : 0};
    AdjointRHS<inplace, F, P, View> rhs{sys, std::vector<double>(n), std::vector<double>(n),
                                        std::vector<double>(np), {}};
    AdjointJac<inplace, F, P, View> jac{sys, {}, {}, {}};
    std::vector<double> a0(n + (WithMu ? np : 0), 0.0);
    std::copy(sw.lam.begin(), sw.lam.end(), a0.begin());
    auto integ = init(ODEProblem(ODEFunction(rhs, jac), a0, {sw.knots.back(), sw.knots.front()}, NoParams{}),
                      adjoint_alg, sw.ao);
    if (!sw.backward(integ, 0, at_knot, [&](auto& it) { after_step(view, it); })) return false;
    if constexpr (WithMu) std::copy(integ.u.begin() + std::ptrdiff_t(n), integ.u.end(), sw.mu.begin());
    return true;
  };
  if (sw.keep_dense) return run(DenseView<FwdSol>{&sw.fsol}, [](std::size_t, auto&) { return true; });
  SolveOptions so = sw.opts;
  so.saveat = SaveAt{};
  so.tstops.clear();
  so.save_everystep = true;
  so.dense = true;
  std::string seg_msg;
  auto resolve = [&](std::size_t kk) {
    so.dt = sw.hk[kk - 1];
    auto seg = solve(ODEProblem(prob.f, sw.u_at_knot(kk - 1), {sw.knots[kk - 1], sw.knots[kk]}, prob.p), sw.alg, so);
    add_stats(sw.res.forward, seg.stats);
    if (!seg.success()) seg_msg = "the forward re-solve of a checkpoint interval failed: " + seg.message;
    return seg;
  };
  auto seg = resolve(K - 1);
  auto next_segment = [&](std::size_t kk, auto&) {
    seg = resolve(kk);
    return seg_msg.empty();
  };
  if (seg_msg.empty() && run(DenseView<decltype(seg)>{&seg}, next_segment)) return true;
  if (!seg_msg.empty()) fail_gradient(sw.res, ReturnCode::Failure, seg_msg);
  return false;
}

template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(InterpolatingAdjoint sense, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts,
                          const AdjointAlg& adjoint_alg) {
  continuous_adjoint(res, prob, alg, ts, loss, opts, !sense.checkpointing, [&](auto& sw) {
    return interpolated_adjoint<true>(sw, adjoint_alg, [](const auto&, auto&) {});
  });
}

}  // namespace sciml::detail
