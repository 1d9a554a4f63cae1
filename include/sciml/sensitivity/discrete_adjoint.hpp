// DiscreteAdjoint: the exact gradient of the explicit Runge-Kutta steps the forward solve took (step sizes held
// fixed): a reverse sweep through the steps, each one recomputing its stages and taking one VJP per stage; u at
// a saved time inside a step from the method's interpolant, linear in the step's start and stages.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>
#include "../integrator/integrator.hpp"
#include "gradient_result.hpp"
#include "strategies.hpp"
#include "vjp.hpp"

namespace sciml::detail {

template <class Prob, class Alg, class Loss, class AdjointAlg>
void sensitivity_gradient(DiscreteAdjoint, GradientResult& res, const Prob& prob, const Alg& alg,
                          const std::vector<double>& ts, Loss& loss, const SolveOptions& opts, const AdjointAlg&) {
  static_assert(requires { requires std::is_same_v<Alg, ExplicitRK<typename Alg::tableau>>; },
                "DiscreteAdjoint: an explicit Runge-Kutta method is needed (Tsit5, Vern9, RK4, ...)");
  using P = typename Prob::param_type;
  constexpr bool inplace = Prob::inplace;
  const std::size_t n = prob.u0.size(), m = ts.size();
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
    return fail_gradient(res, rc, "the forward solve failed: " + integ.sol.message);
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
  VjpWork<P> w;
  std::vector<double> ybar(n);
  auto a = [](int i, int j) { return fitted_a<Tab>[std::size_t(i * (i - 1) / 2 + j)]; };
  // Y_i = u_n + h sum_{j<i} a(i, j) k_j, k_i = f(Y_i); and back: ybar = kbar_i^T df/du at Y_i, kbar_j += h a(i, j) ybar
  auto stage = [&](int i, double t, double h) {
    for (std::size_t q = 0; q < n; ++q) {
      double acc = 0;
      for (int j = 0; j < i; ++j) acc += a(i, j) * k[std::size_t(j)][q];
      Y[std::size_t(i)][q] = un[q] + h * acc;
    }
    eval_rhs<inplace>(prob.f, k[std::size_t(i)], Y[std::size_t(i)], prob.p, t + Tab::c[std::size_t(i)] * h);
    ++res.adjoint.nf;
  };
  auto stage_back = [&](int i, double t, double h, bool through_stages = true) {
    std::fill(ybar.begin(), ybar.end(), 0.0);
    vjp<inplace>(prob.f, Y[std::size_t(i)], prob.p, t + Tab::c[std::size_t(i)] * h, kbar[std::size_t(i)].data(),
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
}

}  // namespace sciml::detail
