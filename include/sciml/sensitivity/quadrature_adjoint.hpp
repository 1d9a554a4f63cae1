// QuadratureAdjoint: lambda alone backwards (the interpolating adjoint's solve without mu), then
// dL/dp = integral of lambda^T df/dp by 4-point Gauss-Legendre quadrature on each adjoint step.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>
#include "backward_sweep.hpp"
#include "gradient_result.hpp"
#include "interpolating_adjoint.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml::detail {

// Gauss-Legendre nodes and weights on [0, 1] (4 points, exact to degree 7).
inline constexpr std::array<double, 4> gl_nodes{0.0694318442029737, 0.3300094782075719, 0.6699905217924281,
                                                0.9305681557970263};
inline constexpr std::array<double, 4> gl_weights{0.1739274225687269, 0.3260725774312731, 0.3260725774312731,
                                                  0.1739274225687269};

template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(QuadratureAdjoint, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts,
                          const AdjointAlg& adjoint_alg) {
  using P = typename Prob::param_type;
  const std::size_t n = prob.u0.size(), np = param_count(prob.p);
  continuous_adjoint(res, prob, alg, ts, loss, opts, false, [&](auto& sw) {
    VjpWork<P> qw;
    std::vector<double> qu(n), ql(n), qub(n), pb(np);
    // mu += int lambda^T df/dp dt on each adjoint step [it.t, it.tprev] (the adjoint runs backwards)
    auto quadrature = [&](const auto& view, auto& it) {
      const double s0 = it.t, s1 = it.tprev;
      for (std::size_t g = 0; g < gl_nodes.size(); ++g) {
        const double tq = s0 + gl_nodes[g] * (s1 - s0);
        view.interpolate(tq, qu);
        it.interpolate(tq, ql);
        std::fill(qub.begin(), qub.end(), 0.0);
        std::fill(pb.begin(), pb.end(), 0.0);
        vjp<Prob::inplace>(prob.f, qu, prob.p, tq, ql.data(), qub.data(), pb.data(), qw);
        for (std::size_t j = 0; j < np; ++j) sw.mu[j] += gl_weights[g] * (s1 - s0) * pb[j];
        ++res.adjoint.nf;
      }
    };
    return interpolated_adjoint<false>(sw, adjoint_alg, quadrature);
  });
}

}  // namespace sciml::detail
