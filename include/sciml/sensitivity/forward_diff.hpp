// ForwardDiffSensitivity: the solve run on Dual<double, 8> numbers, in chunks of 8 directions over (p, u0), and the
// loss's dl_i/du chained with the derivative parts of u(t_i); suits few parameters.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>
#include "../core/dual.hpp"
#include "../integrator/integrator.hpp"
#include "../problem/ode_problem.hpp"
#include "gradient_result.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml::detail {

template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(ForwardDiffSensitivity, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts, const AdjointAlg&) {
  constexpr int C = 8;
  using D = Dual<double, C>;
  using DP = rebind_state_t<typename Prob::param_type, D>;
  const std::size_t n = prob.u0.size(), np = param_count(prob.p), m = ts.size(), nth = np + n;
  std::vector<double> gu(n);
  SolveOptions fo = opts;
  fo.saveat = SaveAt(ts);
  for (std::size_t j0 = 0; j0 < nth; j0 += C) {
    DP pd = make_rebound<DP>(prob.p);
    std::vector<D> ud(n);
    for (std::size_t j = 0; j < np; ++j) {
      pd[j] = D(double(prob.p[j]));
      if (j >= j0 && j < j0 + C) pd[j].der[j - j0] = 1.0;
    }
    for (std::size_t k = 0; k < n; ++k) {
      ud[k] = D(prob.u0[k]);
      if (np + k >= j0 && np + k < j0 + C) ud[k].der[np + k - j0] = 1.0;
    }
    auto sol = solve(ODEProblem(prob.f, ud, {prob.tspan[0], prob.tspan[1]}, pd), alg, fo);
    add_stats(res.forward, sol.stats);
    if (!sol.success()) return fail_gradient(res, sol.retcode, "the forward solve failed: " + sol.message);
    if (sol.u.size() != m)
      return fail_gradient(res, ReturnCode::Failure, "the forward solve did not save at every time in ts");
    double l = 0;
    std::vector<double> ui(n);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t k = 0; k < n; ++k) ui[k] = sol.u[i][k].val;
      std::fill(gu.begin(), gu.end(), 0.0);
      l += loss(i, ts[i], ui, gu);
      for (std::size_t j = j0; j < std::min(nth, j0 + C); ++j) {
        double acc = 0;
        for (std::size_t k = 0; k < n; ++k) acc += gu[k] * sol.u[i][k].der[j - j0];
        (j < np ? res.dp[j] : res.du0[j - np]) += acc;
      }
    }
    res.loss = l;
  }
  res.retcode = ReturnCode::Success;
}

}  // namespace sciml::detail
