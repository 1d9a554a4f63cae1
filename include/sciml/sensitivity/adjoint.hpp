// Gradients of a loss over the solution at saved times, L = sum_i l_i(u(t_i)), with respect to p and u0, as
// SciMLSensitivity does: `gradient(prob, alg, ts, loss, sensealg, opts, adjoint_alg)`.
//   InterpolatingAdjoint (default): lambda' = -J^T lambda, mu' = -(df/dp)^T lambda backwards, u(t) from a
//     forward re-solve of each interval between saved times (checkpointing) or from the dense output;
//   QuadratureAdjoint: lambda alone backwards, then mu by Gauss-Legendre quadrature of lambda^T df/dp;
//   BacksolveAdjoint: u solved backwards with lambda and mu (reset to the saved u at each saved time with
//     checkpointing); unstable when the forward problem is dissipative (the backward one then blows up);
//   DiscreteAdjoint: the exact gradient of the explicit Runge-Kutta steps taken (step sizes held fixed);
//   ForwardDiffSensitivity: dual numbers through the solve (chunks of 8 over p and u0): few parameters;
//   ForwardSensitivity: the augmented system u' = f, S' = J S + df/d(p, u0), S = du/d(p, u0), solved as one
//     error-controlled ODE (its right-hand side: one dual-number pass of f per 8 columns of S).
// The continuous adjoints share one backward integration from the last saved time to t0 that stops on every
// saved time, where dl_i/du is added to lambda (backward_sweep.hpp). The adjoint solves use `adjoint_alg` (the
// forward method by default; give a stiff one for stiff problems): their Jacobians come from f.jac / f.paramjac
// when f has them, else forward-mode AD of f; the VJPs from f.vjp, else the reverse tape.
// This umbrella header checks the inputs and hands over to the strategy's own header (forward_diff.hpp,
// forward_sensitivity.hpp, discrete_adjoint.hpp, interpolating_adjoint.hpp, quadrature_adjoint.hpp,
// backsolve_adjoint.hpp); the strategy tags are in strategies.hpp, GradientResult in gradient_result.hpp,
// SquaredErrorLoss in loss.hpp.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#include "../integrator/integrator.hpp"
#include "backsolve_adjoint.hpp"
#include "discrete_adjoint.hpp"
#include "forward_diff.hpp"
#include "forward_sensitivity.hpp"
#include "gradient_result.hpp"
#include "interpolating_adjoint.hpp"
#include "loss.hpp"
#include "quadrature_adjoint.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml {

namespace detail {

template <class Prob>
void check_gradient_inputs(const Prob& prob, const std::vector<double>& ts) {
  static_assert(std::is_same_v<typename Prob::state_type, std::vector<double>>,
                "gradient: the state must be a std::vector<double>");
  if (ts.empty()) throw std::invalid_argument("gradient: ts (the saved times of the loss) is empty");
  const double t0 = prob.tspan[0], t1 = prob.tspan[1];
  if (!(t1 > t0)) throw std::invalid_argument("gradient: tspan must run forwards (t0 < tf)");
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!(ts[i] >= t0 && ts[i] <= t1))
      throw std::invalid_argument("gradient: ts[" + std::to_string(i) + "] = " + std::to_string(ts[i]) +
                                  " lies outside tspan");
    if (i && !(ts[i] > ts[i - 1])) throw std::invalid_argument("gradient: ts must be strictly increasing");
  }
}

}  // namespace detail

template <class Prob, class Alg, class Loss, class Sense = InterpolatingAdjoint, class AdjointAlg = Alg>
GradientResult gradient(const Prob& prob, Alg alg, const std::vector<double>& ts, Loss loss, Sense sense = {},
                        SolveOptions opts = {}, AdjointAlg adjoint_alg = AdjointAlg{}) {
  detail::check_gradient_inputs(prob, ts);
  GradientResult res;
  res.dp.assign(detail::param_count(prob.p), 0.0);
  res.du0.assign(prob.u0.size(), 0.0);
  // one overload a strategy, in its header
  detail::sensitivity_gradient(sense, res, prob, alg, ts, loss, opts, adjoint_alg);
  return res;
}

}  // namespace sciml
