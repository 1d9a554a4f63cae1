// Gradients of a loss over the solution at saved times, L = sum_i l_i(u(t_i)), with respect to p and u0, as
// SciMLSensitivity does: `gradient(prob, alg, ts, loss, sensealg, opts)`.
//   InterpolatingAdjoint (default): lambda' = -J^T lambda, mu' = -(df/dp)^T lambda backwards, u(t) from a
//     forward re-solve of each interval between saved times (checkpointing) or from the dense output;
//   QuadratureAdjoint: lambda alone backwards, then mu by Gauss-Legendre quadrature of lambda^T df/dp;
//   BacksolveAdjoint: u solved backwards with lambda and mu (reset to the saved u at each saved time with
//     checkpointing); unstable when the forward problem is dissipative (the backward one then blows up);
//   DiscreteAdjoint: the exact gradient of the explicit Runge-Kutta steps taken (step sizes held fixed);
//   ForwardDiffSensitivity: dual numbers through the solve (chunks of 8 over p and u0): few parameters;
//   ForwardSensitivity: the augmented system u' = f, S' = J S + df/d(p, u0), S = du/d(p, u0), solved as one
//     error-controlled ODE (its right-hand side: one dual-number pass of f per 8 columns of S).
// The adjoint is one backward integration from the last saved time to t0 that stops on every saved time, where
// dl_i/du is added to lambda and the integration goes on with the step size it had (as SciMLSensitivity's
// callbacks do). The adjoint solves use `adjoint_alg` (the forward method by default; give a stiff one for stiff problems):
// their Jacobians come from f.jac / f.paramjac when f has them, else forward-mode AD of f; the VJPs from
// f.vjp, else the reverse tape.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/return_code.hpp"
#include "../core/stats.hpp"
#include "../integrator/integrator.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "vjp.hpp"

namespace sciml {

struct InterpolatingAdjoint {
  bool checkpointing = true;  // false: keep the forward solution's dense output instead of re-solving
  static constexpr const char* name() { return "InterpolatingAdjoint"; }
};
struct QuadratureAdjoint {
  static constexpr const char* name() { return "QuadratureAdjoint"; }
};
struct BacksolveAdjoint {
  bool checkpointing = true;  // reset u to the forward solution at each saved time
  static constexpr const char* name() { return "BacksolveAdjoint"; }
};
struct DiscreteAdjoint {
  static constexpr const char* name() { return "DiscreteAdjoint"; }
};
struct ForwardDiffSensitivity {
  static constexpr const char* name() { return "ForwardDiffSensitivity"; }
};
struct ForwardSensitivity {
  static constexpr const char* name() { return "ForwardSensitivity"; }
};

struct GradientResult {
  double loss = std::numeric_limits<double>::quiet_NaN();  // NaN until a solve succeeds
  std::vector<double> dp, du0;  // dL/dp, dL/du0
  ReturnCode retcode = ReturnCode::Default;
  std::string message;
  Stats forward, adjoint;  // counters of the forward solve(s) and of the adjoint solves
  bool success() const { return successful_retcode(retcode); }
};

// L = sum_i sum_k w_k (u_i[k] - data_i[k])^2 (weights 1 unless given).
struct SquaredErrorLoss {
  std::vector<std::vector<double>> data;
  std::vector<double> weights;
  double operator()(std::size_t i, double, const std::vector<double>& u, std::vector<double>& gu) const {
    if (i >= data.size()) throw std::invalid_argument("SquaredErrorLoss: no data for saved time " + std::to_string(i));
    const auto& d = data[i];
    if (d.size() != u.size())
      throw std::invalid_argument("SquaredErrorLoss: data row " + std::to_string(i) + " has " + std::to_string(d.size()) +
                                  " values for " + std::to_string(u.size()) + " states");
    double l = 0;
    for (std::size_t k = 0; k < u.size(); ++k) {
      const double w = weights.empty() ? 1.0 : weights[k];
      const double r = u[k] - d[k];
      l += w * r * r;
      gu[k] = 2 * w * r;
    }
    return l;
  }
};

namespace detail {

struct NoParams {};

// The adjoint system over a = [lambda (n), mu (np)] (mu omitted when np_mu = 0), with u(t) from `fwd`.
template <bool Inplace, class F, class P, class Fwd>
struct AdjointRHS {
  const F* f;
  const P* p;
  const Fwd* fwd;
  std::size_t n = 0, np_mu = 0;
  mutable std::vector<double> u, ubar, pbar;
  mutable VjpWork<P> w;
  void operator()(std::vector<double>& da, const std::vector<double>& a, const NoParams&, double t) const {
    fwd->interpolate(t, u);
    std::fill(ubar.begin(), ubar.end(), 0.0);
    std::fill(pbar.begin(), pbar.end(), 0.0);
    vjp<Inplace>(*f, u, *p, t, a.data(), ubar.data(), np_mu ? pbar.data() : nullptr, w);
    for (std::size_t i = 0; i < n; ++i) da[i] = -ubar[i];
    for (std::size_t j = 0; j < np_mu; ++j) da[n + j] = -pbar[j];
  }
};

// Its Jacobian (stiff adjoint methods): d/d lambda = [-J^T; -Jp^T], d/d mu = 0.
template <bool Inplace, class F, class P, class Fwd>
struct AdjointJac {
  const F* f;
  const P* p;
  const Fwd* fwd;
  std::size_t n = 0, np_mu = 0;
  struct Dense {
    std::size_t rows = 0, cols = 0;
    std::vector<double> v;
    double& operator()(std::size_t i, std::size_t j) { return v[i * cols + j]; }
  };
  mutable std::vector<double> u;  // work kept between calls (sized at the first)
  mutable Dense Ju, Jp;
  template <class M>
  void operator()(M& J, const std::vector<double>&, const NoParams&, double t) const {
    u.resize(n);
    fwd->interpolate(t, u);
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

inline void add_stats(Stats& a, const Stats& b) {
  a.nf += b.nf;
  a.njac += b.njac;
  a.nw += b.nw;
  a.nsolve += b.nsolve;
  a.naccept += b.naccept;
  a.nreject += b.nreject;
  a.nsteps += b.nsteps;
}

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

// Gauss-Legendre nodes and weights on [0, 1] (4 points, exact to degree 7).
inline constexpr std::array<double, 4> gl_nodes{0.0694318442029737, 0.3300094782075719, 0.6699905217924281,
                                                0.9305681557970263};
inline constexpr std::array<double, 4> gl_weights{0.1739274225687269, 0.3260725774312731, 0.3260725774312731,
                                                  0.1739274225687269};

}  // namespace detail

template <class Prob, class Alg, class Loss, class Sense = InterpolatingAdjoint, class AdjointAlg = Alg>
GradientResult gradient(const Prob& prob, Alg alg, const std::vector<double>& ts, Loss loss, Sense sense = {},
                        SolveOptions opts = {}, AdjointAlg adjoint_alg = AdjointAlg{}) {
  using P = typename Prob::param_type;
  constexpr bool inplace = Prob::inplace;
  detail::check_gradient_inputs(prob, ts);
  const std::size_t n = prob.u0.size(), np = detail::param_count(prob.p), m = ts.size();
  GradientResult res;
  res.dp.assign(np, 0.0);
  res.du0.assign(n, 0.0);
  std::vector<double> gu(n);
  // a failed solve gives NaN, never a loss of 0 and a zero gradient that look like an optimum (the loss stays
  // NaN unless the forward solve succeeded; regression: test_gradient_of_failed_solve)
  auto fail = [&](ReturnCode rc, std::string msg) {
    res.retcode = rc;
    res.message = std::move(msg);
    std::fill(res.dp.begin(), res.dp.end(), std::numeric_limits<double>::quiet_NaN());
    std::fill(res.du0.begin(), res.du0.end(), std::numeric_limits<double>::quiet_NaN());
    return res;
  };

  if constexpr (std::is_same_v<Sense, ForwardDiffSensitivity>) {
    constexpr int C = 8;
    using D = Dual<double, C>;
    using DP = detail::rebind_state_t<P, D>;
    const std::size_t nth = np + n;
    SolveOptions fo = opts;
    fo.saveat = SaveAt(ts);
    for (std::size_t j0 = 0; j0 < nth; j0 += C) {
      DP pd = detail::make_rebound<DP>(prob.p);
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
      detail::add_stats(res.forward, sol.stats);
      if (!sol.success()) return fail(sol.retcode, "the forward solve failed: " + sol.message);
      if (sol.u.size() != m) return fail(ReturnCode::Failure, "the forward solve did not save at every time in ts");
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
    return res;
  } else if constexpr (std::is_same_v<Sense, ForwardSensitivity>) {
    const std::size_t nth = np + n;
    std::vector<double> z0(n * (1 + nth), 0.0);
    std::copy(prob.u0.begin(), prob.u0.end(), z0.begin());
    for (std::size_t k = 0; k < n; ++k) z0[n + (np + k) * n + k] = 1.0;  // du/du0 = I at t0
    SolveOptions fo = opts;
    fo.saveat = SaveAt(ts);
    if (!fo.abstol.per_component.empty()) {  // the sensitivities get the smallest abstol given
      const double a = *std::min_element(fo.abstol.per_component.begin(), fo.abstol.per_component.end());
      fo.abstol.per_component.resize(z0.size(), a);
    }
    detail::ForwardSensitivityRHS<inplace, std::remove_cvref_t<decltype(prob.f)>, P> rhs(&prob.f, &prob.p, n, np);
    // implicit methods: the augmented Jacobian by differences
    auto sol = solve(ODEProblem(with_fd_jacobian(rhs), z0, {prob.tspan[0], prob.tspan[1]}, detail::NoParams{}), alg, fo);
    res.forward = sol.stats;
    if (!sol.success()) return fail(sol.retcode, "the forward sensitivity solve failed: " + sol.message);
    if (sol.u.size() != m) return fail(ReturnCode::Failure, "the forward solve did not save at every time in ts");
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
    return res;
  } else if constexpr (std::is_same_v<Sense, DiscreteAdjoint>) {
    static_assert(requires { requires std::is_same_v<Alg, ExplicitRK<typename Alg::tableau>>; },
                  "DiscreteAdjoint: an explicit Runge-Kutta method is needed (Tsit5, Vern9, RK4, ...)");
    using Tab = typename Alg::tableau;
    using Step = typename Alg::step_type;
    constexpr int S = Step::S, TOT = Step::TOT;
    // forward: keep (t, h, u) of each step; u at the saved times from the method's interpolant (as saveat),
    // which is linear in the step's start and stages: u(t + theta h) = u_n + h sum_J w_J(theta) k_J
    SolveOptions fo = opts;
    fo.saveat = SaveAt{};
    fo.save_everystep = false;
    fo.save_start = false;
    fo.save_end = false;
    fo.dense = false;
    auto integ = init(prob, alg, fo);
    std::vector<double> step_t, step_h, step_u;
    std::vector<std::size_t> save_step;  // the step whose interpolant gives ts[i] (i >= first_saved)
    std::vector<double> save_theta;      // its theta in (0, 1]; 1: the step's end point itself
    std::size_t next = 0;
    double l = 0;
    std::vector<std::vector<double>> gus(m);
    std::vector<double> ui(n);
    auto take_loss = [&](std::size_t i, const std::vector<double>& u) {
      gus[i].assign(n, 0.0);
      l += loss(i, ts[i], u, gus[i]);
    };
    if (ts[0] == prob.tspan[0]) take_loss(next++, prob.u0);
    const std::size_t first_saved = next;
    while (next < m && !integ.done()) {
      const bool more = integ.step();
      if (integ.sol.retcode != ReturnCode::Default && !successful_retcode(integ.sol.retcode)) break;
      if (integ.t != integ.tprev) {
        const std::size_t s = step_t.size();
        step_t.push_back(integ.tprev);
        step_h.push_back(integ.t - integ.tprev);
        step_u.insert(step_u.end(), integ.uprev.begin(), integ.uprev.end());
        for (; next < m && ts[next] <= integ.t; ++next) {
          save_step.push_back(s);
          if (ts[next] == integ.t) {
            save_theta.push_back(1.0);
            take_loss(next, integ.u);
          } else {
            save_theta.push_back((ts[next] - integ.tprev) / (integ.t - integ.tprev));
            integ.interpolate(ts[next], ui);
            take_loss(next, ui);
          }
        }
      }
      if (!more) break;
    }
    res.forward = integ.sol.stats;
    if (next < m) {
      const auto rc = integ.sol.retcode == ReturnCode::Default ? ReturnCode::Failure : integ.sol.retcode;
      return fail(rc, "the forward solve failed: " + integ.sol.message);
    }
    res.loss = l;
    // the interpolant's weights w_J(theta), read off the method's own interpolation on one-entry states
    std::array<double, std::size_t(TOT)> wts{};
    auto weights = [&](double theta) {
      std::array<std::array<double, 1>, std::size_t(TOT)> e;
      std::array<double, 1> zero{0.0}, out{0.0};
      for (int J = 0; J < TOT; ++J) {
        for (int q = 0; q < TOT; ++q) e[std::size_t(q)][0] = q == J ? 1.0 : 0.0;
        Step::interpolate(out, zero, e, 1.0, theta);
        wts[std::size_t(J)] = out[0];
      }
    };
    // backward through the steps
    std::vector<double> ubar(n, 0.0), ubar0(n), un(n);
    const std::vector<std::vector<double>> stage_vectors(static_cast<std::size_t>(TOT), std::vector<double>(n));
    std::vector<std::vector<double>> k = stage_vectors, Y = stage_vectors, kbar = stage_vectors;
    detail::VjpWork<P> w;
    std::vector<double> ybar(n);
    auto a = [](int i, int j) { return detail::fitted_a<Tab>[std::size_t(i * (i - 1) / 2 + j)]; };
    // Y_i = u_n + h sum_{j<i} a(i, j) k_j, k_i = f(Y_i); and back: ybar = kbar_i^T df/du at Y_i, kbar_j += h a(i, j) ybar
    auto stage = [&](int i, double t, double h) {
      for (std::size_t q = 0; q < n; ++q) {
        double acc = 0;
        for (int j = 0; j < i; ++j) acc += a(i, j) * k[std::size_t(j)][q];
        Y[std::size_t(i)][q] = un[q] + h * acc;
      }
      detail::eval_rhs<inplace>(prob.f, k[std::size_t(i)], Y[std::size_t(i)], prob.p, t + Tab::c[std::size_t(i)] * h);
      ++res.adjoint.nf;
    };
    auto stage_back = [&](int i, double t, double h, bool through_stages = true) {
      std::fill(ybar.begin(), ybar.end(), 0.0);
      detail::vjp<inplace>(prob.f, Y[std::size_t(i)], prob.p, t + Tab::c[std::size_t(i)] * h, kbar[std::size_t(i)].data(),
                           ybar.data(), res.dp.data(), w);
      if (through_stages)
        for (int j = 0; j < i; ++j)
        for (std::size_t q = 0; q < n; ++q) kbar[std::size_t(j)][q] += h * a(i, j) * ybar[q];
    };
    std::size_t isave = save_step.size();
    for (std::size_t s = step_t.size(); s-- > 0;) {
      const double t = step_t[s], h = step_h[s];
      std::copy(step_u.begin() + std::ptrdiff_t(s * n), step_u.begin() + std::ptrdiff_t((s + 1) * n), un.begin());
      for (auto& kb : kbar) std::fill(kb.begin(), kb.end(), 0.0);
      std::fill(ubar0.begin(), ubar0.end(), 0.0);  // what reaches u_n directly (not through u_{n+1})
      bool interpolated = false;
      for (; isave > 0 && save_step[isave - 1] == s; --isave) {
        const auto& g = gus[first_saved + isave - 1];
        if (save_theta[isave - 1] == 1.0) {
          for (std::size_t q = 0; q < n; ++q) ubar[q] += g[q];
        } else {
          interpolated = true;
          weights(save_theta[isave - 1]);
          for (std::size_t q = 0; q < n; ++q) ubar0[q] += g[q];
          for (int J = 0; J < TOT; ++J)
            for (std::size_t q = 0; q < n; ++q) kbar[std::size_t(J)][q] += h * wts[std::size_t(J)] * g[q];
        }
      }
      const int last = interpolated ? TOT : S - 1;  // stages to recompute: the FSAL and extra ones when interpolated
      for (int i = 0; i < last; ++i) stage(i, t, h);
      if (interpolated) {
        for (int i = TOT - 1; i >= S; --i) {  // the interpolation-only stages
          stage_back(i, t, h);
          for (std::size_t q = 0; q < n; ++q) ubar0[q] += ybar[q];
        }
        stage_back(S - 1, t, h, false);  // k_{S-1} = f(u_{n+1}): on through u_{n+1} below
        for (std::size_t q = 0; q < n; ++q) ubar[q] += ybar[q];
      }
      // u_{n+1} = u_n + h sum_j b_j k_j, b_j = a(S-1, j)
      for (int j = 0; j < S - 1; ++j)
        for (std::size_t q = 0; q < n; ++q) kbar[std::size_t(j)][q] += h * a(S - 1, j) * ubar[q];
      for (int i = S - 2; i >= 0; --i) {
        stage_back(i, t, h);
        for (std::size_t q = 0; q < n; ++q) ubar[q] += ybar[q];
      }
      for (std::size_t q = 0; q < n; ++q) ubar[q] += ubar0[q];
    }
    if (first_saved == 1)
      for (std::size_t q = 0; q < n; ++q) ubar[q] += gus[0][q];
    res.du0 = ubar;
    res.retcode = ReturnCode::Success;
    return res;
  } else {
    // forward solve, saving at ts; the step size at each knot is kept to start the checkpoint re-solves
    SolveOptions fo = opts;
    fo.saveat = SaveAt(ts);
    bool keep_dense = false;
    if constexpr (std::is_same_v<Sense, InterpolatingAdjoint>) keep_dense = !sense.checkpointing;
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
    if (!fsol.success()) return fail(fsol.retcode, "the forward solve failed: " + fsol.message);
    std::vector<std::vector<double>> us(m);
    if (keep_dense) {  // dense output keeps every step: u at ts from the interpolant (as saveat does)
      for (std::size_t i = 0; i < m; ++i) us[i] = fsol(ts[i]);
    } else {
      if (fsol.u.size() != m) return fail(ReturnCode::Failure, "the forward solve did not save at every time in ts");
      us = fsol.u;
    }
    std::vector<std::vector<double>> gus(m, std::vector<double>(n));
    double l = 0;
    for (std::size_t i = 0; i < m; ++i) l += loss(i, ts[i], us[i], gus[i]);
    res.loss = l;
    auto u_at_knot = [&](std::size_t kk) -> const std::vector<double>& {
      return kk == 0 ? prob.u0 : us[std::size_t(save_at[kk])];
    };
    // One backward integration from the last knot to t0 with a stop at every knot, where dl_i/du is added to
    // lambda (stored from offset `off` of the adjoint state); at_knot(kk, integ) runs when it stands on knots[kk]
    // (kk >= 1) before going on (false: stop), after_step(integ) after every step.
    SolveOptions ao = opts;
    ao.saveat = SaveAt{};
    ao.tstops.assign(knots.begin() + 1, knots.end() - 1);
    ao.save_everystep = false;
    ao.save_start = false;
    ao.save_end = false;
    ao.dense = false;
    ao.dt = 0;
    if (!ao.abstol.per_component.empty())  // the adjoint state is not u: one abstol, the smallest given
      ao.abstol = Tolerance(*std::min_element(ao.abstol.per_component.begin(), ao.abstol.per_component.end()));
    std::vector<double> lam(K > 1 ? gus[std::size_t(save_at[K - 1])] : std::vector<double>(n, 0.0)), mu(np, 0.0);
    auto backward = [&](auto& integ, std::size_t off, auto&& at_knot, auto&& after_step) -> bool {
      for (std::size_t kk = K - 1; kk > 0;) {
        integ.step();
        if (integ.sol.retcode != ReturnCode::Default && !successful_retcode(integ.sol.retcode)) {
          detail::add_stats(res.adjoint, integ.sol.stats);
          fail(integ.sol.retcode, "the adjoint solve failed: " + integ.sol.message);
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
      detail::add_stats(res.adjoint, integ.sol.stats);
      for (std::size_t q = 0; q < n; ++q) lam[q] = integ.u[off + q];
      if (integ.sol.retcode != ReturnCode::Success) {  // stopped early without a failure code
        fail(ReturnCode::Failure, "the adjoint solve stopped at t = " + std::to_string(integ.t) + ": " + integ.sol.message);
        return false;
      }
      return true;
    };
    auto no_step = [](auto&) {};
    if (K > 1) {
      if constexpr (std::is_same_v<Sense, BacksolveAdjoint>) {
        // [u, lambda, mu] backwards from the last knot, u reset to the forward solution at every knot
        // (checkpointing); solved as a black box (its Jacobian, for stiff adjoint methods, by differences)
        std::vector<double> a0(2 * n + np, 0.0);
        std::copy(us[std::size_t(save_at[K - 1])].begin(), us[std::size_t(save_at[K - 1])].end(), a0.begin());
        std::copy(lam.begin(), lam.end(), a0.begin() + std::ptrdiff_t(n));
        detail::BacksolveRHS<inplace, std::remove_cvref_t<decltype(prob.f)>, P> rhs(&prob.f, &prob.p, n, np);
        auto integ = init(ODEProblem(with_fd_jacobian(rhs), a0, {knots.back(), knots.front()}, detail::NoParams{}),
                          adjoint_alg, ao);
        auto reset_u = [&](std::size_t kk, auto& it) {
          if (sense.checkpointing) std::copy(u_at_knot(kk).begin(), u_at_knot(kk).end(), it.u.begin());
          return true;
        };
        if (!backward(integ, n, reset_u, no_step)) return res;
        std::copy(integ.u.begin() + std::ptrdiff_t(2 * n), integ.u.end(), mu.begin());
      } else {
        constexpr bool with_mu = !std::is_same_v<Sense, QuadratureAdjoint>;
        detail::VjpWork<P> qw;
        std::vector<double> qu(n), ql(n), qub(n), pb(np);
        auto run = [&](const auto& view, auto&& at_knot) -> bool {
          using View = std::remove_cvref_t<decltype(view)>;
          using F = std::remove_cvref_t<decltype(prob.f)>;
          detail::AdjointRHS<inplace, F, P, View> rhs{&prob.f, &prob.p, &view, n, with_mu ? np : 0,
                                                      std::vector<double>(n), std::vector<double>(n),
                                                      std::vector<double>(np), {}};
          detail::AdjointJac<inplace, F, P, View> jac{&prob.f, &prob.p, &view, n, with_mu ? np : 0, {}, {}, {}};
          std::vector<double> a0(n + (with_mu ? np : 0), 0.0);
          std::copy(lam.begin(), lam.end(), a0.begin());
          auto integ = init(ODEProblem(ODEFunction(rhs, jac), a0, {knots.back(), knots.front()}, detail::NoParams{}),
                            adjoint_alg, ao);
          // QuadratureAdjoint: mu += int lambda^T df/dp dt, Gauss-Legendre on each adjoint step
          auto quadrature = [&](auto& it) {
            if constexpr (!with_mu) {
              const double s0 = it.t, s1 = it.tprev;  // the adjoint runs backwards
              for (std::size_t g = 0; g < detail::gl_nodes.size(); ++g) {
                const double tq = s0 + detail::gl_nodes[g] * (s1 - s0);
                view.interpolate(tq, qu);
                it.interpolate(tq, ql);
                std::fill(qub.begin(), qub.end(), 0.0);
                std::fill(pb.begin(), pb.end(), 0.0);
                detail::vjp<inplace>(prob.f, qu, prob.p, tq, ql.data(), qub.data(), pb.data(), qw);
                for (std::size_t j = 0; j < np; ++j) mu[j] += detail::gl_weights[g] * (s1 - s0) * pb[j];
                ++res.adjoint.nf;
              }
            } else {
              (void)it;
            }
          };
          if (!backward(integ, 0, at_knot, quadrature)) return false;
          if constexpr (with_mu) std::copy(integ.u.begin() + std::ptrdiff_t(n), integ.u.end(), mu.begin());
          return true;
        };
        if (keep_dense) {
          if (!run(detail::DenseView<std::remove_cvref_t<decltype(fsol)>>{&fsol}, [](std::size_t, auto&) { return true; }))
            return res;
        } else {
          // u(t) on [knots[kk-1], knots[kk]]: a re-solve from the checkpoint at knots[kk-1], started with the
          // forward solve's step size there
          SolveOptions so = opts;
          so.saveat = SaveAt{};
          so.tstops.clear();
          so.save_everystep = true;
          so.dense = true;
          std::string seg_msg;
          auto resolve = [&](std::size_t kk) {
            so.dt = hk[kk - 1];
            auto seg = solve(ODEProblem(prob.f, u_at_knot(kk - 1), {knots[kk - 1], knots[kk]}, prob.p), alg, so);
            detail::add_stats(res.forward, seg.stats);
            if (!seg.success()) seg_msg = "the forward re-solve of a checkpoint interval failed: " + seg.message;
            return seg;
          };
          auto seg = resolve(K - 1);
          if (!seg_msg.empty()) return fail(ReturnCode::Failure, seg_msg);
          auto next_segment = [&](std::size_t kk, auto&) {
            seg = resolve(kk);
            return seg_msg.empty();
          };
          if (!run(detail::DenseView<decltype(seg)>{&seg}, next_segment)) {
            if (!seg_msg.empty()) return fail(ReturnCode::Failure, seg_msg);
            return res;
          }
        }
      }
    }
    if (save_at[0] == 0)
      for (std::size_t q = 0; q < n; ++q) lam[q] += gus[0][q];
    res.du0 = lam;
    res.dp = mu;
    res.retcode = ReturnCode::Success;
    return res;
  }
}

}  // namespace sciml
