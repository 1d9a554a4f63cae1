// Hairer's initial step-size selection (Hairer, Nørsett & Wanner, Solving ODEs I, Sec. II.4): one explicit
// Euler probe, dt ~ (0.01 / max(|f0|, |f'|))^(1/(order+1)) in the tolerance-scaled norm, bounded by dtmax.
#pragma once
#include <cmath>
#include "../algorithm/erk/explicit_rk.hpp"
#include "../core/state.hpp"

namespace sciml::detail {

// f0 = f(t0, u0) must be given; u1/f1 are work vectors of u0's size. Adds its f calls to nf.
template <bool Inplace, class F, class P, class State, class T, class R, class Count>
SCIML_HD T initial_dt(const F& f, const P& p, const State& u0, T t0, T tdir, const State& f0, int order,
             const TolView<R>& tol, T dtmax, State& u1, State& f1, Count& nf) {
  using std::abs;
  using std::fmax;
  using std::fmin;
  using std::pow;
  using std::sqrt;
  const std::size_t n = state_size(u0);
  R d0 = 0, d1 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const R sk = tol.atol(i) + tol.reltol * abs(value_of(u0[i]));
    d0 += (value_of(u0[i]) / sk) * (value_of(u0[i]) / sk);
    d1 += (value_of(f0[i]) / sk) * (value_of(f0[i]) / sk);
  }
  d0 = sqrt(d0 / R(n));
  d1 = sqrt(d1 / R(n));
  T dt0 = (d0 < R(1e-5) || d1 < R(1e-5)) ? T(1e-6) : T(0.01) * T(d0 / d1);
  dt0 = fmin(dt0, dtmax);
  R d2 = 0;
  for (int attempt = 0; attempt < 10; ++attempt) {
    for (std::size_t i = 0; i < n; ++i) u1[i] = u0[i] + R(tdir * dt0) * f0[i];
    eval_rhs<Inplace>(f, f1, u1, p, t0 + tdir * dt0);
    ++nf;
    if (all_finite(f1)) break;
    dt0 /= 10;  // the probe left the region where f is defined: shrink it
  }
  for (std::size_t i = 0; i < n; ++i) {
    const R sk = tol.atol(i) + tol.reltol * abs(value_of(u0[i]));
    const R di = value_of(f1[i] - f0[i]) / sk;
    d2 += di * di;
  }
  d2 = sqrt(d2 / R(n)) / R(dt0);
  const R dmax = fmax(d1, d2);
  const T dt1 = dmax <= R(1e-15) ? fmax(T(1e-6), dt0 * T(1e-3)) : T(pow(R(0.01) / dmax, R(1) / R(order)));
  T dt = fmin(fmin(T(100) * dt0, dt1), dtmax);
  if (!(dt > 0)) dt = T(1e-6);
  return dt;
}

}  // namespace sciml::detail
