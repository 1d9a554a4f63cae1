// FBDF: variable-order (1..MaxOrder, at most 5), variable-step backward differentiation formulas in the
// quasi-constant step-size form of Shampine & Reichelt's ode15s (with kappa = 0: plain BDF, not NDF), the
// form SciPy's BDF also uses. The history is the array D of modified divided differences of the solution on
// an equally spaced grid t, t - h, t - 2h, ...: when the step size changes by a factor r, D is re-interpolated
// onto the new grid (D <- (R(r) U)^T D), so every step uses the fixed-leading-coefficient BDF formula
//   sum_{j=1..k} (1/j) nabla^j u_{n+1} = h f(t_{n+1}, u_{n+1}),
// solved by simplified Newton (linalg/newton.hpp) for the correction d = u_{n+1} - u_pred with the LU of
// I - (h / alpha_k) J. The error estimate is d / (k + 1); after k + 1 steps of one size the estimates of the
// orders k - 1 and k + 1 (from D) pick the order and the next step size, as in ode15s. The method controls
// its own step size and order (accept_factor / reject_factor), restarts at order 1 when a callback changes
// u (reset_history), and its dense output is the interpolating polynomial through the grid.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include "../../config.hpp"
#include "../step_result.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../core/tolerance.hpp"
#include "../../linalg/dae_init.hpp"
#include "../../linalg/iteration_matrix.hpp"
#include "../../linalg/newton.hpp"
#include "../../problem/ode_problem.hpp"

namespace sciml {

namespace detail {

inline constexpr int bdf_max_order = 5;

// gamma_k = sum_{j=1..k} 1/j: the leading coefficient of the order-k formula in backward differences.
inline constexpr double bdf_gammas[bdf_max_order + 1] = {0.0, 1.0, 1.5, 11.0 / 6.0, 25.0 / 12.0, 137.0 / 60.0};
template <class R>
constexpr R bdf_gamma(int k) {
  return R(bdf_gammas[k]);
}

// The (k+1) x (k+1) matrix that re-interpolates the differences D[0..k] from step h to step r h:
// D_new[j] = sum_i RU[i][j] D[i] with RU = R(r) R(1), R(r)[i][j] = prod_{l=1..i} (l - 1 - r j) / l.
template <class R>
void bdf_rescale_matrix(int k, R r, R (&RU)[bdf_max_order + 1][bdf_max_order + 1]) {
  R A[bdf_max_order + 1][bdf_max_order + 1], U[bdf_max_order + 1][bdf_max_order + 1];
  for (int j = 0; j <= k; ++j) {
    A[0][j] = U[0][j] = R(1);
    for (int i = 1; i <= k; ++i) {
      A[i][j] = A[i - 1][j] * (R(i - 1) - r * R(j)) / R(i);
      U[i][j] = U[i - 1][j] * (R(i - 1) - R(j)) / R(i);
    }
  }
  for (int i = 0; i <= k; ++i)
    for (int j = 0; j <= k; ++j) {
      R acc = 0;
      for (int l = 0; l <= k; ++l) acc += A[i][l] * U[l][j];
      RU[i][j] = acc;
    }
}

// BDF work data: the Newton cache, the differences D[0..MaxOrder+2] (D[0] = u at the current point), the
// current order and the step size D is scaled to (0: no history yet).
template <class State, int MaxOrder>
struct BDFCache : NewtonCache<State> {
  using R = real_t<scalar_t<State>>;
  std::array<State, MaxOrder + 3> D;
  State z, y, fz, dz, d, err, psi, pred;
  int order = 1;
  int n_equal = 0;       // steps taken with this step size and order
  int newton_iters = 0;  // in the last attempt
  R h_d = 0;
  void init(const State& u) {
    NewtonCache<State>::init(u);
    this->settings.maxiter = 4;  // as ode15s / SciPy: a cheap step is retried smaller rather than iterated long
    this->settings.kappa = R(0.1);
    this->key_rtol = R(0.3);  // keep the LU while h / alpha_k changes by less than 30% (as CVODE)
    for (auto& x : D) x = u;
    z = y = fz = dz = d = err = psi = pred = u;
    reset_history();
  }
  // A callback changed u (or the state was resized): start again at order 1 from f(t, u).
  void reset_history() {
    h_d = 0;
    order = 1;
    n_equal = 0;
  }

  // Re-interpolate the history onto the grid of step h.
  void rescale(R h) {
    const R r = h / h_d;
    h_d = h;
    n_equal = 0;
    if (r == R(1)) return;
    R RU[bdf_max_order + 1][bdf_max_order + 1];
    bdf_rescale_matrix(order, r, RU);
    const std::size_t n = state_size(D[0]);
    for (std::size_t m = 0; m < n; ++m) {
      scalar_t<State> v[bdf_max_order + 1];
      for (int i = 0; i <= order; ++i) v[i] = D[i][m];
      for (int j = 1; j <= order; ++j) {  // RU[i][0] = delta_i0: D[0] is unchanged
        scalar_t<State> acc = v[0] * RU[0][j];
        for (int i = 1; i <= order; ++i) acc += v[i] * RU[i][j];
        D[j][m] = acc;
      }
    }
  }

  // ode15s' safety factor: smaller when Newton needed many iterations.
  R safety() const {
    const int mi = this->settings.maxiter;
    return R(0.9) * R(2 * mi + 1) / R(2 * mi + newton_iters);
  }

  // The step failed its error test (EEst = squared scaled norm): shrink h.
  R reject_factor(R EEst) {
    using std::pow;
    return std::max(R(0.2), safety() * pow(EEst, R(-0.5) / R(order + 1)));
  }

  // The step u -> unew was accepted: update the differences, then (after order + 1 equal steps) choose the
  // order and the factor for the next step size.
  R accept_factor(const State& u, const State& unew) {
    using std::pow;
    using std::sqrt;
    const int k = order;
    const std::size_t n = state_size(u);
    for (std::size_t m = 0; m < n; ++m) {
      D[k + 2][m] = d[m] - D[k + 1][m];
      D[k + 1][m] = d[m];
    }
    for (int i = k; i >= 0; --i)
      for (std::size_t m = 0; m < n; ++m) D[i][m] += D[i + 1][m];
    ++n_equal;
    if (n_equal < k + 1) return R(1);
    // scaled norms of the error estimates of orders k - 1, k, k + 1 (error constant 1 / (order + 1))
    const R inf = std::numeric_limits<R>::infinity();
    const R e_k = sqrt(error_norm_squared(u, unew, err, this->tol));
    R e_m = inf, e_p = inf;
    if (k > 1) e_m = sqrt(error_norm_squared(u, unew, D[k], this->tol)) / R(k);
    if (k < MaxOrder) e_p = sqrt(error_norm_squared(u, unew, D[k + 2], this->tol)) / R(k + 2);
    auto fac = [](R e, int q) { return e == R(0) ? R(1e10) : pow(e, R(-1) / R(q + 1)); };
    const R fm = k > 1 ? fac(e_m, k - 1) : R(0), fk = fac(e_k, k), fp = k < MaxOrder ? fac(e_p, k + 1) : R(0);
    int knew = k;
    R best = fk;
    if (fm > best) knew = k - 1, best = fm;
    if (fp > best) knew = k + 1, best = fp;
    order = knew;
    n_equal = 0;
    const R factor = std::min(R(10), safety() * best);
    // a small increase is not worth a new factorisation and re-interpolation
    if (factor >= R(1) && factor < R(1.5)) return R(1);
    return factor;
  }
};

// Integrator layout: k[0] = f at the start of the history (used to start it); k[1] = u at the end of the step
// and k[2..6] = the differences D[1..5] scaled to the step (zero above the order), filled on demand for
// interpolation (extra_stages) from the cache.
template <int MaxOrder>
struct BDFStep : MassMatrixInitialization {
  static_assert(MaxOrder >= 1 && MaxOrder <= bdf_max_order, "FBDF: the maximum order must be 1..5");
  template <class State>
  using cache_type = BDFCache<State, MaxOrder>;
  static constexpr int order = 1;  // the starting order (the first step size is chosen for it)
  static constexpr int embedded_order = 1;
  static constexpr int S = 1;
  static constexpr int TOT = 2 + bdf_max_order;
  static constexpr bool f_at_new_point = false;  // new_point evaluates nothing

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  SCIML_FLATTEN static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& base,
                                  State& unew, Cache& c) {
    using R = real_t<scalar_t<State>>;
    const std::size_t n = state_size(u);
    const R hr = R(h);
    if (c.h_d == R(0)) {  // start: D[0] = u, D[1] = h u'(t) (h f / M_ii with a mass matrix, 0 if M_ii = 0)
      for (std::size_t m = 0; m < n; ++m) {
        c.D[0][m] = u[m];
        c.D[1][m] = hr * k[0][m];
        if constexpr (has_mass_matrix_v<F>) {
          const auto mii = c.mass_entry(m, m);
          c.D[1][m] = mii != decltype(mii)(0) ? c.D[1][m] / mii : scalar_t<State>(R(0));
        }
        for (int j = 2; j < MaxOrder + 3; ++j) c.D[j][m] = R(0);
      }
      c.h_d = hr;
      c.order = 1;
      c.n_equal = 0;
    } else if (hr != c.h_d) {
      c.rescale(hr);
    }
    const int ord = c.order;
    const R alpha = bdf_gamma<R>(ord), gh = hr / alpha;
    // predictor sum_{j<=k} D[j]; psi = sum_{j=1..k} gamma_j D[j] / alpha; base = pred - psi, z = psi
    R w[bdf_max_order + 1];
    for (int j = 1; j <= ord; ++j) w[j] = bdf_gamma<R>(j) / alpha;
    for (std::size_t m = 0; m < n; ++m) {
      scalar_t<State> pr = c.D[0][m], ps = scalar_t<State>(R(0));
      for (int j = 1; j <= ord; ++j) {
        pr += c.D[j][m];
        ps += w[j] * c.D[j][m];
      }
      c.pred[m] = pr;
      c.psi[m] = ps;
    }
    int nf = 0;
    const long it0 = c.nnonliniter;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!c.template prepare<Inplace>(f, p, u, t, gh, attempt > 0, [&] { return c.factor(gh); })) break;
      for (std::size_t m = 0; m < n; ++m) {
        base[m] = c.pred[m] - c.psi[m];
        c.z[m] = c.psi[m];
      }
      R theta_max = 0;
      const bool ok = newton_stage<Inplace>(f, p, t + h, base, c.z, gh, c, c.y, c.fz, c.dz, theta_max, nf);
      if (!ok) {
        if (!c.jac_is_current(double(t))) continue;  // J was old: refresh it and try again
        break;
      }
      const R econst = R(1) / R(ord + 1);  // the error constant of order ord
      for (std::size_t m = 0; m < n; ++m) {
        c.d[m] = c.z[m] - c.psi[m];
        unew[m] = base[m] + c.z[m];
        c.err[m] = econst * c.d[m];
      }
      c.newton_iters = int(c.nnonliniter - it0);
      c.need_jac = theta_max > R(0.3);  // slow contraction: a fresh J next step
      return nf;
    }
    return {nf, StepStatus::NewtonFailed};  // the loop halves h
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F&, const P&, const State&, T, K&) {
    return 0;  // BDF needs no f at the new point
  }
  // The interpolant's data from the history (after accept_factor updated it).
  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static int extra_stages(const F&, const P&, const State&, T, T, K& k, State&, const Cache& c) {
    const std::size_t n = state_size(c.D[0]);
    for (int j = 0; j <= bdf_max_order; ++j)
      for (std::size_t m = 0; m < n; ++m) k[1 + j][m] = j <= c.order ? c.D[j][m] : scalar_t<State>(0);
    return 0;
  }

  template <class State, class K, class T, class R, class Cache>
  static R error_squared(const State& u, const State& unew, const K&, T, const TolView<R>& tol, const Cache& c) {
    return error_norm_squared(u, unew, c.err, tol);
  }

  // u(t_new + x h), x = theta - 1 in [-1, 0]: sum_j D[j] prod_{m<j} (x + m) / (m + 1).
  template <class State, class K, class T>
  SCIML_HD static void interpolate(State& out, const State&, const K& k, T, T theta) {
    using R = real_t<scalar_t<State>>;
    const std::size_t n = state_size(out);
    R w[bdf_max_order + 1];
    w[0] = R(1);
    const R x = R(theta) - R(1);
    for (int j = 1; j <= bdf_max_order; ++j) w[j] = w[j - 1] * (x + R(j - 1)) / R(j);
    for (std::size_t m = 0; m < n; ++m) {
      scalar_t<State> acc = k[1][m];
      for (int j = 1; j <= bdf_max_order; ++j) acc += w[j] * k[1 + j][m];
      out[m] = acc;
    }
  }
};

}  // namespace detail

// FBDF<MaxOrder>: the variable-order BDF method; FBDF<> uses orders 1..5.
template <int MaxOrder = 5>
struct FBDF {
  using step_type = detail::BDFStep<MaxOrder>;
  static constexpr int order = MaxOrder;
  static constexpr int max_order = MaxOrder;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return "FBDF"; }
  static StepController default_controller() { return implicit_default_controller; }
};

}  // namespace sciml
