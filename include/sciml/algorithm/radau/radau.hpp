// RadauIIA5, in the design of Hairer's RADAU5 (Hairer & Wanner II, Sec. IV.8): the three stage increments
// Z_i = Y_i - u of the 3-stage Radau IIA collocation method solve Z = h (A x I) F(u + Z) by simplified Newton
// on the transformed unknowns W = (T^-1 x I) Z, which splits each iteration into one real solve with
// (gamma/h) I - J and one complex solve with ((alpha + i beta)/h) I - J (two LUs per step, J reused across
// steps while Newton contracts fast). Newton starts from the previous step's collocation polynomial; the
// error estimate is RADAU5's ((gamma/h) I - J)^-1 (f0 + sum e_i Z_i / h), refined once on the first step and
// after a rejection; the dense output is the collocation polynomial (order 3 uniformly, exact at the nodes).
#pragma once
#include <cmath>
#include <complex>
#include <cstddef>
#include <stdexcept>
#include "../../config.hpp"
#include "../implicit_method.hpp"
#include "../step_result.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../core/tolerance.hpp"
#include "../../linalg/dae_init.hpp"
#include "../../linalg/iteration_matrix.hpp"
#include "../../linalg/newton.hpp"
#include "../../problem/ode_problem.hpp"
#include "../../tableau/radau/radau_iia5.hpp"

namespace sciml {

namespace detail {

template <class State>
struct RadauCache : NewtonCache<State> {
  using R = real_t<scalar_t<State>>;
  ComplexIterationMatrix<State> clu;
  State w[3], fz[3], dw[3], zacc[3], y, err, cont;
  enum class Verdict : unsigned char { None, Accepted, Rejected };
  Verdict last = Verdict::None;  // of the last attempted step, told by the loop (on_accept / on_reject)
  R h_attempt = 0, h_acc = 0;
  bool have_acc = false;
  void on_accept() { last = Verdict::Accepted; }
  void on_reject() { last = Verdict::Rejected; }
  void init(const State& u) {
    // the complex iteration matrix M - (a + ib) J is factored (dense or sparse LU); there is no matrix-free form
    if constexpr (requires(RadauCache& c) { c.linsolve; })
      if (this->linsolve.kind == LinearSolverKind::Krylov)
        throw std::invalid_argument("linsolve: LinearSolver::GMRES is not available for RadauIIA5 (its complex "
                                    "linear systems need a factorisation): use the default linsolve, a sparse "
                                    "Jacobian (jac_prototype), or FBDF / KenCarp4 with GMRES");
    NewtonCache<State>::init(u);
    clu.init(u);
    for (int i = 0; i < 3; ++i) w[i] = fz[i] = dw[i] = zacc[i] = u;
    y = err = cont = u;
    last = Verdict::None;
    have_acc = false;
  }
  void restart() {
    NewtonCache<State>::restart();
    last = Verdict::None;
    have_acc = false;
  }
};

// Integrator layout: k[0] = f(t, u), k[1..3] = Z_1..Z_3, k[4] = f(t + h, u_new) (the next k[0]).
template <class Tab>
struct RadauStep : MassMatrixInitialization {
  template <class State>
  using cache_type = RadauCache<State>;
  static constexpr int order = Tab::order;
  static constexpr int embedded_order = Tab::embedded_order;
  static constexpr int S = 5;
  static constexpr int TOT = 5;

  // l_j(theta): the collocation polynomial's weight of Z_j
  template <class R>
  SCIML_HD static R ell(int j, R th) {
    return th * (R(Tab::bi[j]) + th * (R(Tab::bi[3 + j]) + th * R(Tab::bi[6 + j])));
  }

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_FLATTEN static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State&, State& unew,
                                  Cache& c) {
    using R = real_t<scalar_t<State>>;
    using C = std::complex<R>;
    const std::size_t N = state_size(u);
    const R hr = R(h), fac1 = R(Tab::gamma) / hr, alphn = R(Tab::alpha) / hr, betan = R(Tab::beta) / hr;
    const C s2 = C(hr) / C(R(Tab::alpha), R(Tab::beta));  // ((alpha + i beta)/h)^-1
    using Verdict = typename Cache::Verdict;
    const bool rejected = c.last == Verdict::Rejected;
    if (c.last == Verdict::Accepted) {  // the last attempt was accepted: its polynomial predicts this step's stages
      for (int i = 0; i < 3; ++i) c.zacc[i] = k[1 + i];
      c.h_acc = c.h_attempt;
      c.have_acc = true;
    }
    c.last = Verdict::None;
    c.h_attempt = hr;
    int nf = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto factor = [&] { return c.factor(hr / R(Tab::gamma)) && c.clu.factor(c, s2); };
      if (!c.template prepare<Inplace>(f, p, u, t, hr, attempt > 0, factor)) break;
      // starting values: Z from the last accepted step's collocation polynomial, else 0; then W = T^-1 Z. Not
      // extrapolated beyond 8 times the last step (the controller's growth limit, exceeded only after a step
      // shortened onto a tstop or an event): the cubic grows as (h / h_acc)^3, to Inf after a 1e-121 step
      using std::abs;
      const bool extrapolate = c.have_acc && abs(hr) <= R(8) * abs(c.h_acc);
      for (int i = 0; i < 3; ++i) {
        if (extrapolate) {
          const R th = R(1) + R(Tab::c[i]) * hr / c.h_acc;
          const R l0 = ell(0, th), l1 = ell(1, th), l2 = ell(2, th) - R(1);
          for (std::size_t m = 0; m < N; ++m) k[1 + i][m] = l0 * c.zacc[0][m] + l1 * c.zacc[1][m] + l2 * c.zacc[2][m];
        } else {
          for (std::size_t m = 0; m < N; ++m) k[1 + i][m] = R(0);
        }
      }
      transform<Tab::TI>(c.w[0], c.w[1], c.w[2], k[1], k[2], k[3], N);
      NewtonMonitor<R> mon(c.eta, c.settings, c.tol);
      bool ok = false;
      for (int it = 0;; ++it) {
        for (int i = 0; i < 3; ++i) {
          for (std::size_t m = 0; m < N; ++m) c.y[m] = u[m] + k[1 + i][m];
          eval_rhs<Inplace>(f, c.fz[i], c.y, p, t + T(Tab::c[i]) * h);
        }
        nf += 3;
        ++c.nnonliniter;
        transform<Tab::TI>(c.dw[0], c.dw[1], c.dw[2], c.fz[0], c.fz[1], c.fz[2], N);  // dw = T^-1 F, then the Newton right-hand sides
        const State* mw = c.w;  // M W (W itself without a mass matrix)
        if constexpr (has_mass_matrix_v<F>) {
          for (int i = 0; i < 3; ++i) c.apply_mass(c.w[i], c.fz[i]);
          mw = c.fz;
        }
        for (std::size_t m = 0; m < N; ++m) {
          c.dw[0][m] -= fac1 * mw[0][m];
          const auto w1 = mw[1][m], w2 = mw[2][m];
          c.dw[1][m] -= alphn * w1 - betan * w2;
          c.dw[2][m] -= betan * w1 + alphn * w2;
        }
        c.solve(c.dw[0], c.fz[0]);  // (M - h/gamma J)^-1: the real block, times h/gamma below
        c.clu.solve(c.dw[1], c.dw[2], c.fz[1], c.fz[2]);
        R acc = 0;
        for (std::size_t m = 0; m < N; ++m) {
          const auto d0 = c.fz[0][m] / fac1;
          const auto d1 = s2.real() * c.fz[1][m] - s2.imag() * c.fz[2][m];
          const auto d2 = s2.real() * c.fz[2][m] + s2.imag() * c.fz[1][m];
          c.w[0][m] += d0;
          c.w[1][m] += d1;
          c.w[2][m] += d2;
          const R sc = c.tol.atol(m) + c.tol.reltol * std::abs(value_of(u[m]));
          acc += (value_of(d0) * value_of(d0) + value_of(d1) * value_of(d1) + value_of(d2) * value_of(d2)) / (sc * sc);
        }
        transform<Tab::T>(k[1], k[2], k[3], c.w[0], c.w[1], c.w[2], N);  // Z = T W
        const auto v = mon.check(it, std::sqrt(acc / R(3 * N)));
        if (v == NewtonMonitor<R>::Converged) {
          ok = true;
          break;
        }
        if (v == NewtonMonitor<R>::Failed) {
          ++c.nnonlinconvfail;
          break;
        }
      }
      if (!ok) {
        if (!c.jac_is_current(double(t))) continue;  // J was old: refresh it and try again
        break;
      }
      for (std::size_t m = 0; m < N; ++m) unew[m] = u[m] + k[3][m];
      // error estimate; on the first step and after a rejection a large one is refined with f at u + err
      for (std::size_t m = 0; m < N; ++m)
        c.cont[m] = (R(Tab::e[0]) * k[1][m] + R(Tab::e[1]) * k[2][m] + R(Tab::e[2]) * k[3][m]) / hr;
      if constexpr (has_mass_matrix_v<F>) {  // M (e . Z) / h
        c.apply_mass(c.cont, c.y);
        for (std::size_t m = 0; m < N; ++m) c.cont[m] = c.y[m];
      }
      for (std::size_t m = 0; m < N; ++m) c.fz[0][m] = c.cont[m] + k[0][m];
      solve_e1(c, c.fz[0], c.err, fac1);
      if ((!c.have_acc || rejected) && !(error_norm_squared(u, unew, c.err, c.tol) < R(1))) {
        for (std::size_t m = 0; m < N; ++m) c.y[m] = u[m] + c.err[m];
        eval_rhs<Inplace>(f, c.fz[1], c.y, p, t);
        ++nf;
        for (std::size_t m = 0; m < N; ++m) c.fz[0][m] = c.cont[m] + c.fz[1][m];
        solve_e1(c, c.fz[0], c.err, fac1);
      }
      c.need_jac = mon.theta_max > R(0.1);  // slow contraction: a fresh J next step
      return nf;
    }
    return {nf, StepStatus::NewtonFailed};  // the loop halves h
  }

  // (o0, o1, o2) = M (a, b, c) for the 3 x 3 matrix M (T or T^-1), componentwise
  template <const auto& M, class State>
  static void transform(State& o0, State& o1, State& o2, const State& a, const State& b, const State& c,
                        std::size_t N) {
    using R = real_t<scalar_t<State>>;
    for (std::size_t m = 0; m < N; ++m) {
      const auto x = a[m], y = b[m], z = c[m];
      o0[m] = R(M[0]) * x + R(M[1]) * y + R(M[2]) * z;
      o1[m] = R(M[3]) * x + R(M[4]) * y + R(M[5]) * z;
      o2[m] = R(M[6]) * x + R(M[7]) * y + R(M[8]) * z;
    }
  }
  // x = ((gamma/h) I - J)^-1 b
  template <class Cache, class State, class R>
  static void solve_e1(Cache& c, const State& b, State& x, R fac1) {
    c.solve(b, x);
    for (std::size_t m = 0; m < state_size(b); ++m) x[m] /= fac1;
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F& f, const P& p, const State& unew, T t_new, K& k) {
    eval_rhs<Inplace>(f, k[S - 1], unew, p, t_new);
    return 1;
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  static int extra_stages(const F&, const P&, const State&, T, T, K&, State&) {
    return 0;
  }
  template <class State, class K, class T, class R, class Cache>
  static R error_squared(const State& u, const State& unew, const K&, T, const TolView<R>& tol, const Cache& c) {
    return error_norm_squared(u, unew, c.err, tol);
  }

  // the collocation polynomial u(t + theta h) = u + sum_j l_j(theta) Z_j
  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State& u0, const K& k, T, T theta) {
    using R = real_t<scalar_t<State>>;
    const R th = R(theta), l0 = ell(0, th), l1 = ell(1, th), l2 = ell(2, th);
    for (std::size_t m = 0; m < state_size(u0); ++m) out[m] = u0[m] + l0 * k[1][m] + l1 * k[2][m] + l2 * k[3][m];
  }
};

}  // namespace detail

template <class Tab>
struct Radau : detail::ImplicitMethod<Tab, detail::RadauStep<Tab>> {
  static StepController default_controller() {  // Hairer's RADAU5: dt_new / dt at most 8
    auto c = implicit_default_controller;
    c.qmax = 8.0;
    return c;
  }
};

using RadauIIA5 = Radau<tableau::RadauIIA5Tableau>;

}  // namespace sciml
