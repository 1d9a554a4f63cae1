// lbfgs: limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4/7.5) with a strong-Wolfe
// line search (their Alg. 3.5 bracketing + Alg. 3.6 zoom with safeguarded cubic interpolation). A
// non-finite f or gradient counts as "too far" and the step backtracks; when nothing finite can be found,
// or no decrease is possible, it stops with converged = false and a message, never looping without bound.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "optim_result.hpp"

namespace sciml::optim {

struct LBFGSOptions {
  int history = 10;        // stored (s, y) pairs
  long maxiters = 1000;    // accepted steps
  double gtol = 1e-8;      // converged when max |grad_i| <= gtol
  double ftol = 1e-12;     // converged when (f_prev - f) <= ftol * max(|f_prev|, |f|)
  int max_linesearch = 40;  // objective calls per line search
};

namespace detail {

struct NoCallback {
  bool operator()(long, const std::vector<double>&, double) const { return true; }
};

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
inline double norm_inf(const std::vector<double>& a) {
  double s = 0;
  for (double v : a) s = std::max(s, std::abs(v));
  return s;
}
inline bool all_finite(const std::vector<double>& a) {
  for (double v : a)
    if (!std::isfinite(v)) return false;
  return true;
}
inline std::string fmt_e(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

enum class LineSearchStatus { Wolfe, Armijo, NoDecrease, NonFinite };

// Minimiser of the cubic through (a, fa, da) and (b, fb, db) (N&W eq. 3.59), kept inside the middle 80% of
// [a, b]; bisection when the cubic has no minimiser there.
inline double cubic_step(double a, double fa, double da, double b, double fb, double db) {
  const double lo = std::min(a, b), hi = std::max(a, b), w = hi - lo;
  const double d1 = da + db - 3.0 * (fa - fb) / (a - b);
  const double d2sq = d1 * d1 - da * db;
  double t = 0.5 * (a + b);
  if (d2sq >= 0) {
    const double d2 = std::copysign(std::sqrt(d2sq), b - a);
    const double c = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    if (std::isfinite(c)) t = c;
  }
  return std::clamp(t, lo + 0.1 * w, hi - 0.1 * w);
}

// Strong-Wolfe line search along p from (x, f0, g0), dphi0 = g0.p < 0. On Wolfe/Armijo, (xt, ft, gt) hold the
// accepted point. Armijo: only sufficient decrease could be verified within the budget.
// nonfinite counts the trial points where f or the gradient was NaN/Inf.
template <class Fun>
LineSearchStatus line_search(Fun& fg, const std::vector<double>& x, double f0, const std::vector<double>& p,
                             double dphi0, double a_init, int max_evals, std::vector<double>& xt, double& ft,
                             std::vector<double>& gt, long& evals, int& nonfinite) {
  constexpr double c1 = 1e-4, c2 = 0.9;
  const std::size_t n = x.size();
  std::vector<double> x_lo = x, g_lo;  // best point satisfying sufficient decrease (a = 0: the start)
  double a_lo = 0, f_lo = f0, d_lo = dphi0;
  int used = 0;
  bool any_finite = false;
  nonfinite = 0;
  const double pnorm = norm_inf(p), xnorm = norm_inf(x);
  double dt = 0;
  auto eval = [&](double a) {
    for (std::size_t i = 0; i < n; ++i) {
      xt[i] = x[i] + a * p[i];
      gt[i] = 0.0;
    }
    ft = fg(static_cast<const std::vector<double>&>(xt), gt);
    ++evals;
    ++used;
    dt = dot(gt, p);
    const bool ok = std::isfinite(ft) && std::isfinite(dt) && all_finite(gt);
    any_finite = any_finite || ok;
    nonfinite += !ok;
    return ok;
  };
  auto armijo = [&](double a) { return ft <= f0 + c1 * a * dphi0; };
  auto curvature = [&] { return std::abs(dt) <= -c2 * dphi0; };
  auto save_lo = [&](double a) {
    a_lo = a;
    f_lo = ft;
    d_lo = dt;
    x_lo = xt;
    g_lo = gt;
  };
  auto finish_lo = [&] {
    if (a_lo > 0) {
      xt = x_lo;
      gt = g_lo;
      ft = f_lo;
      return LineSearchStatus::Armijo;
    }
    return any_finite ? LineSearchStatus::NoDecrease : LineSearchStatus::NonFinite;
  };

  // Alg. 3.6: [lo, hi] brackets a strong-Wolfe step; lo satisfies sufficient decrease with the lowest f.
  auto zoom = [&](double a_hi, double f_hi, double d_hi, bool hi_finite) {
    while (used < max_evals) {
      const double w = std::abs(a_hi - a_lo);
      if (w <= 1e-15 * std::max(std::abs(a_lo), std::abs(a_hi)) ||  // the bracket collapsed,
          w * pnorm <= std::numeric_limits<double>::epsilon() * xnorm)  // or no longer moves x
        break;
      const double a = hi_finite ? cubic_step(a_lo, f_lo, d_lo, a_hi, f_hi, d_hi)
                                 : a_lo + 0.25 * (a_hi - a_lo);  // non-finite beyond: shrink faster
      const bool ok = eval(a);
      if (!ok || !armijo(a) || ft >= f_lo) {
        a_hi = a;
        f_hi = ft;
        d_hi = dt;
        hi_finite = ok;
      } else {
        if (curvature()) return LineSearchStatus::Wolfe;
        if (dt * (a_hi - a_lo) >= 0) {
          a_hi = a_lo;
          f_hi = f_lo;
          d_hi = d_lo;
          hi_finite = true;
        }
        save_lo(a);
      }
    }
    return finish_lo();
  };

  // Alg. 3.5: grow the step until it brackets an acceptable one.
  double a = a_init;
  for (int k = 0; used < max_evals; ++k) {
    const bool ok = eval(a);
    if (!ok || !armijo(a) || (k > 0 && ft >= f_lo)) return zoom(a, ft, dt, ok);
    if (curvature()) return LineSearchStatus::Wolfe;
    if (dt >= 0) {
      const double a_prev = a_lo, f_prev = f_lo, d_prev = d_lo;
      save_lo(a);
      return zoom(a_prev, f_prev, d_prev, true);
    }
    save_lo(a);
    a = std::min(4.0 * a, 1e30);
  }
  return finish_lo();
}

}  // namespace detail

// Minimise f from x0. fg(x, grad) returns f(x) and writes its gradient into grad (sized like x; it arrives
// zeroed, so fg may accumulate into it, e.g. with MLP::vjp); cb(iteration, x, f) runs after every accepted step
// and stops the run by returning false.
template <class Fun, class Callback = detail::NoCallback>
OptimResult lbfgs(Fun&& fg, std::vector<double> x0, const LBFGSOptions& opt = {}, Callback&& cb = Callback{}) {
  if (opt.history < 1) throw std::invalid_argument("lbfgs: history must be at least 1");
  if (opt.max_linesearch < 2) throw std::invalid_argument("lbfgs: max_linesearch must be at least 2");
  if (opt.maxiters < 0) throw std::invalid_argument("lbfgs: maxiters must be non-negative");
  const std::size_t n = x0.size();
  const int m = opt.history;
  OptimResult r;
  r.x = std::move(x0);
  std::vector<double> g(n), d(n), xt(n), gt(n), q(n), alpha(m), rho(m);
  std::vector<std::vector<double>> S(m), Y(m);
  int stored = 0, head = 0;  // the newest pair sits at (head - 1) mod m

  double f = fg(static_cast<const std::vector<double>&>(r.x), g);
  r.evaluations = 1;
  r.f = f;
  if (!std::isfinite(f) || !detail::all_finite(g)) {
    r.message = "f or its gradient is not finite at the starting point (f = " + detail::fmt_e(f) + ")";
    return r;
  }
  double gnorm = detail::norm_inf(g);
  r.grad_norm = gnorm;
  if (gnorm <= opt.gtol) {
    r.converged = true;
    r.message = "converged: max |grad| = " + detail::fmt_e(gnorm) + " <= gtol at the starting point";
    return r;
  }

  bool restarted = false;  // this iteration already retried along -grad
  while (r.iterations < opt.maxiters) {
    // d = -H g (two-loop recursion), H0 = (s'y / y'y) I
    for (std::size_t i = 0; i < n; ++i) q[i] = g[i];
    for (int k = 0; k < stored; ++k) {
      const int j = (head - 1 - k + 2 * m) % m;
      alpha[j] = rho[j] * detail::dot(S[j], q);
      for (std::size_t i = 0; i < n; ++i) q[i] -= alpha[j] * Y[j][i];
    }
    if (stored > 0) {
      const int j = (head - 1 + m) % m;
      const double gamma = detail::dot(S[j], Y[j]) / detail::dot(Y[j], Y[j]);
      for (std::size_t i = 0; i < n; ++i) q[i] *= gamma;
    }
    for (int k = stored - 1; k >= 0; --k) {
      const int j = (head - 1 - k + 2 * m) % m;
      const double beta = rho[j] * detail::dot(Y[j], q);
      for (std::size_t i = 0; i < n; ++i) q[i] += S[j][i] * (alpha[j] - beta);
    }
    for (std::size_t i = 0; i < n; ++i) d[i] = -q[i];
    double dphi0 = detail::dot(g, d);
    if (!(dphi0 < 0) || !std::isfinite(dphi0)) {  // not a descent direction: forget the memory
      stored = 0;
      for (std::size_t i = 0; i < n; ++i) d[i] = -g[i];
      dphi0 = -detail::dot(g, g);
    }
    const double a0 = stored > 0 ? 1.0 : std::min(1.0, 1.0 / std::sqrt(-dphi0));  // first step: |a d| <= 1

    double ft = 0;
    int nonfinite = 0;
    const auto status = detail::line_search(fg, r.x, f, d, dphi0, a0, opt.max_linesearch, xt, ft, gt,
                                            r.evaluations, nonfinite);
    if (status == detail::LineSearchStatus::NoDecrease || status == detail::LineSearchStatus::NonFinite) {
      if (stored > 0 && !restarted) {  // retry once along the steepest descent from scratch
        stored = 0;
        restarted = true;
        continue;
      }
      r.converged = false;
      if (status == detail::LineSearchStatus::NonFinite)
        r.message = "stopped: f or its gradient stayed non-finite along the search direction after " +
                    std::to_string(opt.max_linesearch) + " backtracking steps (iteration " +
                    std::to_string(r.iterations) + "); the last finite point is returned";
      else
        r.message = "stopped: the line search found no decrease of f (iteration " + std::to_string(r.iterations) +
                    ", max |grad| = " + detail::fmt_e(gnorm) +
                    (nonfinite ? ", f or its gradient non-finite at " + std::to_string(nonfinite) + " trial points" : "") +
                    "): f is at rounding level, not smooth, or its gradient is inconsistent with it";
      return r;
    }
    restarted = false;

    // accept; update the memory with s = xt - x, y = gt - g when the curvature is positive
    {
      std::vector<double>& s = S[head];
      std::vector<double>& y = Y[head];
      s.resize(n);
      y.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        s[i] = xt[i] - r.x[i];
        y[i] = gt[i] - g[i];
      }
      const double sy = detail::dot(s, y), yy = detail::dot(y, y);
      if (sy > std::numeric_limits<double>::epsilon() * yy && yy > 0) {
        rho[head] = 1.0 / sy;
        head = (head + 1) % m;
        stored = std::min(stored + 1, m);
      }
    }
    const double f_prev = f;
    std::swap(r.x, xt);
    std::swap(g, gt);
    f = ft;
    r.f = f;
    ++r.iterations;
    gnorm = detail::norm_inf(g);
    r.grad_norm = gnorm;

    if (!cb(r.iterations, static_cast<const std::vector<double>&>(r.x), f)) {
      r.message = "stopped by the callback at iteration " + std::to_string(r.iterations);
      return r;
    }
    if (gnorm <= opt.gtol) {
      r.converged = true;
      r.message = "converged: max |grad| = " + detail::fmt_e(gnorm) + " <= gtol";
      return r;
    }
    if (f_prev - f <= opt.ftol * std::max(std::abs(f_prev), std::abs(f))) {
      r.converged = true;
      r.message = "converged: relative decrease of f " + detail::fmt_e((f_prev - f) / std::max(std::abs(f_prev), std::abs(f))) +
                  " <= ftol (max |grad| = " + detail::fmt_e(gnorm) + ")";
      return r;
    }
  }
  r.message = "maximum number of iterations (" + std::to_string(opt.maxiters) + ") reached; max |grad| = " +
              detail::fmt_e(gnorm);
  return r;
}

}  // namespace sciml::optim
