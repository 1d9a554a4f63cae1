// BacksolveAdjoint: u solved backwards together with lambda and mu (the backward sweep), u reset to the saved
// forward solution at each saved time with checkpointing; unstable when the forward problem is dissipative (the
// backward one then blows up).
#pragma once
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>
#include "../integrator/integrator.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "adjoint_rhs.hpp"
#include "backward_sweep.hpp"
#include "gradient_result.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml::detail {

// BacksolveAdjoint's system over a = [u (n), lambda (n), mu (np)]: u' = f, lambda' = -J^T lambda,
// mu' = -(df/dp)^T lambda.
template <bool Inplace, class F, class P>
struct BacksolveRHS {
  const F* f;
  const P* p;
  std::size_t n = 0, np = 0;
  mutable std::vector<double> u, fu, ubar, pbar;
  mutable VjpWork<P> w;
  BacksolveRHS(const F* f_, const P* p_, std::size_t n_, std::size_t np_)
      : f(f_), p(p_), n(n_), np(np_), u(n_), fu(n_), ubar(n_), pbar(np_) {}
  void operator()(std::vector<double>& da, const std::vector<double>& a, const NoParams&, double t) const {
    std::copy(a.begin(), a.begin() + std::ptrdiff_t(n), u.begin());
    eval_rhs<Inplace>(*f, fu, u, *p, t);
    std::fill(ubar.begin(), ubar.end(), 0.0);
    std::fill(pbar.begin(), pbar.end(), 0.0);
    vjp<Inplace>(*f, u, *p, t, a.data() + n, ubar.data(), pbar.data(), w);
    for (std::size_t q = 0; q < n; ++q) {
      da[q] = fu[q];
      da[n + q] = -ubar[q];
    }
    for (std::size_t j = 0; j < np; ++j) da[2 * n + j] = -pbar[j];
  }
};

// [u, lambda, mu] backwards from the last knot, u reset to the forward solution at every knot (checkpointing);
// solved as a black box (its Jacobian, for stiff adjoint methods, by differences)
template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(BacksolveAdjoint sense, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts,
                          const AdjointAlg& adjoint_alg) {
  using P = typename Prob::param_type;
  const std::size_t n = prob.u0.size(), np = param_count(prob.p);
  continuous_adjoint(res, prob, alg, ts, loss, opts, false, [&](auto& sw) {
    const auto& uK = sw.u_at_knot(sw.knots.size() - 1);
    std::vector<double> a0(2 * n + np, 0.0);
    std::copy(uK.begin(), uK.end(), a0.begin());
    std::copy(sw.lam.begin(), sw.lam.end(), a0.begin() + std::ptrdiff_t(n));
    BacksolveRHS<Prob::inplace, std::remove_cvref_t<decltype(prob.f)>, P> rhs(&prob.f, &prob.p, n, np);
    auto integ = init(ODEProblem(with_fd_jacobian(rhs), a0, {sw.knots.back(), sw.knots.front()}, NoParams{}),
                      adjoint_alg, sw.ao);
    auto reset_u = [&](std::size_t kk, auto& it) {
      if (sense.checkpointing) std::copy(sw.u_at_knot(kk).begin(), sw.u_at_knot(kk).end(), it.u.begin());
      return true;
    };
    if (!sw.backward(integ, n, reset_u, [](auto&) {})) return false;
    std::copy(integ.u.begin() + std::ptrdiff_t(2 * n), integ.u.end(), sw.mu.begin());
    return true;
  });
}

}  // namespace sciml::detail
