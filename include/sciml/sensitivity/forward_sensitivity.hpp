// ForwardSensitivity: the augmented system u' = f, S' = J S + df/d(p, u0), S = du/d(p, u0), S(t0) = [0, I],
// solved as one error-controlled ODE (its right-hand side: one dual-number pass of f per 8 columns of S;
// implicit methods: its Jacobian by differences), and the loss's dl_i/du chained with S(t_i).
#pragma once
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>
#include "../core/dual.hpp"
#include "../integrator/integrator.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "adjoint_rhs.hpp"
#include "gradient_result.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml::detail {

// ForwardSensitivity's system over z = [u (n), S (n x (np + n), column j at n + j n)]: u' = f(u, p, t),
// S_j' = J S_j + df/dtheta_j (theta = (p, u0): the u0 columns have no explicit term), each 8 columns one pass of
// f on Dual<double, 8> with u seeded by the columns and p by unit directions.
template <bool Inplace, class F, class P>
struct ForwardSensitivityRHS {
  using D = Dual<double, 8>;
  const F* f;
  const P* p;
  std::size_t n = 0, np = 0;
  mutable std::vector<D> ud, dud;
  mutable rebind_state_t<P, D> pd;
  ForwardSensitivityRHS(const F* f_, const P* p_, std::size_t n_, std::size_t np_)
      : f(f_), p(p_), n(n_), np(np_), ud(n_), dud(n_), pd(make_rebound<rebind_state_t<P, D>>(*p_)) {}
  void operator()(std::vector<double>& dz, const std::vector<double>& z, const NoParams&, double t) const {
    const std::size_t nth = np + n;
    for (std::size_t j0 = 0; j0 < nth; j0 += 8) {
      const std::size_t w = std::min<std::size_t>(8, nth - j0);
      for (std::size_t k = 0; k < n; ++k) {
        ud[k] = D(z[k]);
        for (std::size_t c = 0; c < w; ++c) ud[k].der[c] = z[n + (j0 + c) * n + k];
      }
      for (std::size_t j = 0; j < np; ++j) {
        pd[j] = D(double((*p)[j]));
        if (j >= j0 && j < j0 + w) pd[j].der[j - j0] = 1.0;
      }
      if constexpr (Inplace) {
        (*f)(dud, ud, pd, t);
      } else {
        const auto r = (*f)(ud, pd, t);
        for (std::size_t k = 0; k < n; ++k) dud[k] = r[k];
      }
      for (std::size_t k = 0; k < n; ++k) {
        if (j0 == 0) dz[k] = dud[k].val;
        for (std::size_t c = 0; c < w; ++c) dz[n + (j0 + c) * n + k] = dud[k].der[c];
      }
    }
  }
};

template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(ForwardSensitivity, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts, const AdjointAlg&) {
  const std::size_t n = prob.u0.size(), np = param_count(prob.p), m = ts.size(), nth = np + n;
  std::vector<double> gu(n);
  std::vector<double> z0(n * (1 + nth), 0.0);
  std::copy(prob.u0.begin(), prob.u0.end(), z0.begin());
  for (std::size_t k = 0; k < n; ++k) z0[n + (np + k) * n + k] = 1.0;  // du/du0 = I at t0
  SolveOptions fo = opts;
  fo.saveat = SaveAt(ts);
  if (!fo.abstol.per_component.empty()) {  // the sensitivities get the smallest abstol given
    const double a = *std::min_element(fo.abstol.per_component.begin(), fo.abstol.per_component.end());
    fo.abstol.per_component.resize(z0.size(), a);
  }
  ForwardSensitivityRHS<Prob::inplace, std::remove_cvref_t<decltype(prob.f)>, typename Prob::param_type> rhs(
      &prob.f, &prob.p, n, np);
  // implicit methods: the augmented Jacobian by differences
  auto sol = solve(ODEProblem(with_fd_jacobian(rhs), z0, {prob.tspan[0], prob.tspan[1]}, NoParams{}), alg, fo);
  res.forward = sol.stats;
  if (!sol.success()) return fail_gradient(res, sol.retcode, "the forward sensitivity solve failed: " + sol.message);
  if (sol.u.size() != m)
    return fail_gradient(res, ReturnCode::Failure, "the forward solve did not save at every time in ts");
  std::vector<double> ui(n);
  double l = 0;
  for (std::size_t i = 0; i < m; ++i) {
    std::copy(sol.u[i].begin(), sol.u[i].begin() + std::ptrdiff_t(n), ui.begin());
    std::fill(gu.begin(), gu.end(), 0.0);
    l += loss(i, ts[i], ui, gu);
    for (std::size_t j = 0; j < nth; ++j) {
      double acc = 0;
      for (std::size_t k = 0; k < n; ++k) acc += gu[k] * sol.u[i][n + j * n + k];
      (j < np ? res.dp[j] : res.du0[j - np]) += acc;
    }
  }
  res.loss = l;
  res.retcode = ReturnCode::Success;
}

}  // namespace sciml::detail
