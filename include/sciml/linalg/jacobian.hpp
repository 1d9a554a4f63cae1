// Dense Jacobians J = df/du of a right-hand side at (u, p, t): by forward-mode AD (Dual numbers, in chunks of
// `Chunk` directions, so a state of any length costs ceil(n / Chunk) evaluations) or by finite differences,
// plus the time derivative df/dt that Rosenbrock methods need. J is written through J(i, j) = value, so any
// matrix type with an (i, j) accessor works (Eigen, a row-major view, ...).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>
#include "../core/dual.hpp"
#include "../core/state.hpp"
#include "../core/svector.hpp"

namespace sciml {

namespace detail {
// The same container with a different scalar: SVector<T, N> -> SVector<S, N>, std::vector<T> -> std::vector<S>.
template <class State, class S>
struct rebind_state;
template <class T, std::size_t N, class S>
struct rebind_state<SVector<T, N>, S> {
  using type = SVector<S, N>;
};
template <class T, std::size_t N, class S>
struct rebind_state<std::array<T, N>, S> {
  using type = std::array<S, N>;
};
template <class T, class A, class S>
struct rebind_state<std::vector<T, A>, S> {
  using type = std::vector<S>;
};
template <class State, class S>
using rebind_state_t = typename rebind_state<State, S>::type;

template <class Out, class State>
Out make_rebound(const State& u) {
  if constexpr (is_resizable_v<Out>) {
    return Out(state_size(u));
  } else {
    return Out{};
  }
}
}  // namespace detail

// J(i, j) = d f_i / d u_j by forward-mode AD. `Inplace`: f(du, u, p, t) instead of du = f(u, p, t).
// ud, dud: work states of dual numbers of u's length (kept by callers that Jacobian every step).
template <bool Inplace, int Chunk = 8, class F, class State, class P, class T, class Jac, class DState>
SCIML_HD void jacobian_ad(const F& f, const State& u, const P& p, T t, Jac& J, DState& ud, DState& dud) {
  using S = scalar_t<State>;
  using D = Dual<S, Chunk>;
  const std::size_t n = state_size(u);
  for (std::size_t j0 = 0; j0 < n; j0 += Chunk) {
    for (std::size_t j = 0; j < n; ++j) {
      ud[j] = D(u[j]);
      if (j >= j0 && j < j0 + Chunk) ud[j].der[j - j0] = S(1);
    }
    if constexpr (Inplace) {
      f(dud, ud, p, t);
    } else {
      dud = f(ud, p, t);
    }
    const std::size_t jend = std::min(n, j0 + std::size_t(Chunk));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = j0; j < jend; ++j) J(i, j) = dud[i].der[j - j0];
  }
}
template <bool Inplace, int Chunk = 8, class F, class State, class P, class T, class Jac>
void jacobian_ad(const F& f, const State& u, const P& p, T t, Jac& J) {
  using DState = detail::rebind_state_t<State, Dual<scalar_t<State>, Chunk>>;
  DState ud = detail::make_rebound<DState>(u), dud = detail::make_rebound<DState>(u);
  jacobian_ad<Inplace, Chunk>(f, u, p, t, J, ud, dud);
}

// J(i, j) by forward differences with the usual step sqrt(eps) * max(|u_j|, 1) (n + 1 evaluations), or
// central differences (2n evaluations, error O(h^2)) with `central`. up, f0, f1: work states of u's shape.
template <bool Inplace, class F, class State, class P, class T, class Jac>
void jacobian_fd(const F& f, const State& u, const P& p, T t, Jac& J, State& up, State& f0, State& f1,
                 bool central = false) {
  using S = scalar_t<State>;
  const std::size_t n = state_size(u);
  auto eval = [&](State& out, const State& x) {
    if constexpr (Inplace) {
      f(out, x, p, t);
    } else {
      out = f(x, p, t);
    }
  };
  for (std::size_t j = 0; j < n; ++j) up[j] = u[j];
  if (!central) eval(f0, u);
  const S eps = std::numeric_limits<S>::epsilon();
  for (std::size_t j = 0; j < n; ++j) {
    using std::abs;
    using std::cbrt;
    using std::sqrt;
    const S scale = std::max(abs(u[j]), S(1));
    const S h = (central ? cbrt(eps) : sqrt(eps)) * scale;
    up[j] = u[j] + h;
    eval(f1, up);
    if (central) {
      up[j] = u[j] - h;
      eval(f0, up);
    }
    up[j] = u[j];
    for (std::size_t i = 0; i < n; ++i) J(i, j) = (f1[i] - f0[i]) / (central ? 2 * h : h);
  }
}
template <bool Inplace, class F, class State, class P, class T, class Jac>
void jacobian_fd(const F& f, const State& u, const P& p, T t, Jac& J, bool central = false) {
  State up = u, f0 = u, f1 = u;
  jacobian_fd<Inplace>(f, u, p, t, J, up, f0, f1, central);
}

// dfdt_i = d f_i / d t at (u, p, t) by forward-mode AD in t (ud, dud: work states of Dual<S, 1>).
template <bool Inplace, class F, class State, class P, class T, class Out, class DState>
SCIML_HD void time_derivative_ad(const F& f, const State& u, const P& p, T t, Out& dfdt, DState& ud, DState& dud) {
  using S = scalar_t<State>;
  using D = Dual<S, 1>;
  const std::size_t n = state_size(u);
  for (std::size_t j = 0; j < n; ++j) ud[j] = D(u[j]);
  const D td = D::variable(S(t), 0);
  if constexpr (Inplace) {
    f(dud, ud, p, td);
  } else {
    dud = f(ud, p, td);
  }
  for (std::size_t i = 0; i < n; ++i) dfdt[i] = dud[i].der[0];
}
template <bool Inplace, class F, class State, class P, class T, class Out>
void time_derivative_ad(const F& f, const State& u, const P& p, T t, Out& dfdt) {
  using DState = detail::rebind_state_t<State, Dual<scalar_t<State>, 1>>;
  DState ud = detail::make_rebound<DState>(u), dud = detail::make_rebound<DState>(u);
  time_derivative_ad<Inplace>(f, u, p, t, dfdt, ud, dud);
}

}  // namespace sciml
