// The adjoint system of the interpolating and quadrature adjoints, lambda' = -J^T lambda, mu' = -(df/dp)^T lambda,
// with u(t) read from a view of the forward solution (DenseView), and its Jacobian for stiff adjoint methods.
// The augmented systems of the sensitivity methods hold f and p themselves: their problems' parameter is NoParams.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>
#include "../problem/ode_function.hpp"
#include "vjp.hpp"

namespace sciml::detail {

struct NoParams {};

// What the adjoint system over a = [lambda (n), mu (np_mu)] reads: f and p, u(t) from `fwd` (mu omitted when
// np_mu = 0).
template <class F, class P, class Fwd>
struct AdjointSystem {
  const F* f;
  const P* p;
  const Fwd* fwd;
  std::size_t n = 0, np_mu = 0;
};

// Its right-hand side.
template <bool Inplace, class F, class P, class Fwd>
struct AdjointRHS {
  AdjointSystem<F, P, Fwd> sys;
  mutable std::vector<double> u, ubar, pbar;
  mutable VjpWork<P> w;
  void operator()(std::vector<double>& da, const std::vector<double>& a, const NoParams&, double t) const {
    const std::size_t n = sys.n, np_mu = sys.np_mu;
    sys.fwd->interpolate(t, u);
    std::fill(ubar.begin(), ubar.end(), 0.0);
    std::fill(pbar.begin(), pbar.end(), 0.0);
    vjp<Inplace>(*sys.f, u, *sys.p, t, a.data(), ubar.data(), np_mu ? pbar.data() : nullptr, w);
    for (std::size_t i = 0; i < n; ++i) da[i] = -ubar[i];
    for (std::size_t j = 0; j < np_mu; ++j) da[n + j] = -pbar[j];
  }
};

// Its Jacobian (stiff adjoint methods): d/d lambda = [-J^T; -Jp^T], d/d mu = 0.
template <bool Inplace, class F, class P, class Fwd>
struct AdjointJac {
  AdjointSystem<F, P, Fwd> sys;
  struct Dense {
    std::size_t rows = 0, cols = 0;
    std::vector<double> v;
    double& operator()(std::size_t i, std::size_t j) { return v[i * cols + j]; }
  };
  mutable std::vector<double> u;  // work kept between calls (sized at the first)
  mutable Dense Ju, Jp;
  template <class M>
  void operator()(M& J, const std::vector<double>&, const NoParams&, double t) const {
    const F* f = sys.f;
    const P* p = sys.p;
    const std::size_t n = sys.n, np_mu = sys.np_mu;
    u.resize(n);
    sys.fwd->interpolate(t, u);
    Ju.rows = Ju.cols = n;
    Ju.v.assign(n * n, 0.0);
    if constexpr (has_user_jacobian_v<F>) {  // the right-hand side's own (e.g. symbolic) Jacobian
      f->jac(Ju, u, *p, t);
    } else {
      jacobian_ad<Inplace>(*f, u, *p, t, Ju);
    }
    for (std::size_t i = 0; i < n + np_mu; ++i)
      for (std::size_t j = 0; j < n + np_mu; ++j) J(i, j) = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) J(i, j) = -Ju(j, i);
    if (np_mu) {
      Jp.rows = n;
      Jp.cols = np_mu;
      Jp.v.assign(n * np_mu, 0.0);
      if constexpr (requires { f->paramjac(Jp, u, *p, t); }) {
        f->paramjac(Jp, u, *p, t);
      } else {
        param_jacobian<Inplace>(*f, u, *p, t, Jp);
      }
      for (std::size_t j = 0; j < np_mu; ++j)
        for (std::size_t i = 0; i < n; ++i) J(n + j, i) = -Jp(i, j);
    }
  }
};

// A segment's forward solution as the adjoint reads it: u(t) = sol(t).
template <class Sol>
struct DenseView {
  const Sol* sol;
  void interpolate(double t, std::vector<double>& out) const {
    // the adjoint's stage times may stray past the interval's ends by rounding
    const double a = sol->dense_t0.front(), b = sol->dense_tend.back();
    sol->interpolate(std::clamp(t, std::min(a, b), std::max(a, b)), out);
  }
};

}  // namespace sciml::detail
