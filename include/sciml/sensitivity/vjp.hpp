// Vector-Jacobian products of a right-hand side, the building block of adjoints: ubar += lambda^T df/du and
// pbar += lambda^T df/dp at (u, p, t). A right-hand side may bring its own (`f.vjp(lambda, u, p, t, ubar,
// pbar)`, e.g. hand-written for a neural network); otherwise, when u and p together have at most 8 entries,
// one forward-mode pass on Dual<double, 8> gives the whole Jacobian (cheaper than a tape for small systems),
// else f is recorded once on the reverse-mode tape (ad::Var) and swept back. Also the Jacobians the stiff adjoint solves need, by forward-mode AD: df/du (n x n)
// and df/dp (n x np). States are contiguous doubles (std::vector<double>); p a std::vector or std::array of
// doubles (the parameters differentiated).
#pragma once
#include <cstddef>
#include <vector>
#include "../ad/tape.hpp"
#include "../core/dual.hpp"
#include "../linalg/jacobian.hpp"

namespace sciml {

// f.vjp(lambda, u, p, t, ubar, pbar): the user's VJP (both outputs are added to; pbar may be nullptr).
template <class F, class P>
inline constexpr bool has_user_vjp_v =
    requires(const F& f, const double* l, const std::vector<double>& u, const P& p, double t, double* ub, double* pb) {
      f.vjp(l, u, p, t, ub, pb);
    };

namespace detail {

template <class P>
constexpr std::size_t param_count(const P& p) {
  if constexpr (requires { p.size(); }) {
    return std::size_t(p.size());
  } else {
    return 0;
  }
}

// Work of one VJP: the tape and the recorded states, or the dual numbers of the forward-mode pass (kept
// between calls: no allocation after the first).
inline constexpr std::size_t vjp_forward_max = 8;
template <class P>
struct VjpWork {
  using D = Dual<double, int(vjp_forward_max)>;
  ad::Tape tape;
  std::vector<ad::Var> u, du;
  rebind_state_t<P, ad::Var> p{};
  std::vector<D> ud, dud;
  rebind_state_t<P, D> pd{};
};

// ubar += lambda^T df/du, pbar += lambda^T df/dp (pbar: nullptr to skip) at (u, p, t).
template <bool Inplace, class F, class P>
void vjp(const F& f, const std::vector<double>& u, const P& p, double t, const double* lambda, double* ubar,
         double* pbar, VjpWork<P>& w) {
  const std::size_t n = u.size(), np = param_count(p);
  if constexpr (has_user_vjp_v<F, P>) {
    f.vjp(lambda, u, p, t, ubar, pbar);
  } else if (n + (pbar ? np : 0) <= vjp_forward_max) {
    // one pass with a derivative direction per entry of u (and of p), contracted with lambda
    using D = typename VjpWork<P>::D;
    w.ud.resize(n);
    w.dud.resize(n);
    if constexpr (is_resizable_v<decltype(w.pd)>) w.pd.resize(np);
    for (std::size_t i = 0; i < n; ++i) {
      w.ud[i] = D(u[i]);
      w.ud[i].der[i] = 1.0;
    }
    for (std::size_t j = 0; j < np; ++j) {
      w.pd[j] = D(double(p[j]));
      if (pbar) w.pd[j].der[n + j] = 1.0;
    }
    if constexpr (Inplace) {
      f(w.dud, w.ud, w.pd, t);
    } else {
      const auto r = f(w.ud, w.pd, t);
      for (std::size_t i = 0; i < n; ++i) w.dud[i] = r[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      double acc = 0;
      for (std::size_t k = 0; k < n; ++k) acc += lambda[k] * w.dud[k].der[i];
      ubar[i] += acc;
    }
    if (pbar)
      for (std::size_t j = 0; j < np; ++j) {
        double acc = 0;
        for (std::size_t k = 0; k < n; ++k) acc += lambda[k] * w.dud[k].der[n + j];
        pbar[j] += acc;
      }
  } else {
    ad::Tape& tape = w.tape;
    ad::Tape::Scope scope(tape);
    tape.clear();
    w.u.resize(n);
    w.du.resize(n);
    if constexpr (is_resizable_v<decltype(w.p)>) w.p.resize(np);
    for (std::size_t i = 0; i < n; ++i) w.u[i] = tape.variable(u[i]);
    for (std::size_t j = 0; j < np; ++j) w.p[j] = tape.variable(double(p[j]));
    if constexpr (Inplace) {
      f(w.du, w.u, w.p, t);
    } else {
      const auto r = f(w.u, w.p, t);
      for (std::size_t i = 0; i < n; ++i) w.du[i] = r[i];
    }
    tape.zero_adjoints();
    for (std::size_t i = 0; i < n; ++i) tape.seed_adjoint(w.du[i], lambda[i]);
    tape.backward();
    for (std::size_t i = 0; i < n; ++i) ubar[i] += tape.adjoint(w.u[i]);
    if (pbar)
      for (std::size_t j = 0; j < np; ++j) pbar[j] += tape.adjoint(w.p[j]);
  }
}

// Jp(i, j) = d f_i / d p_j at (u, p, t) by forward-mode AD over p, in chunks of 8.
template <bool Inplace, class F, class P, class M>
void param_jacobian(const F& f, const std::vector<double>& u, const P& p, double t, M& Jp) {
  constexpr int C = 8;
  using D = Dual<double, C>;
  const std::size_t n = u.size(), np = param_count(p);
  std::vector<D> ud(n), dud(n);
  auto pd = make_rebound<rebind_state_t<P, D>>(p);
  for (std::size_t i = 0; i < n; ++i) ud[i] = D(u[i]);
  for (std::size_t j0 = 0; j0 < np; j0 += C) {
    for (std::size_t j = 0; j < np; ++j) {
      pd[j] = D(double(p[j]));
      if (j >= j0 && j < j0 + C) pd[j].der[j - j0] = 1.0;
    }
    if constexpr (Inplace) {
      f(dud, ud, pd, D(t));
    } else {
      const auto r = f(ud, pd, D(t));
      for (std::size_t i = 0; i < n; ++i) dud[i] = r[i];
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = j0; j < std::min(np, j0 + C); ++j) Jp(i, j) = dud[i].der[j - j0];
  }
}

}  // namespace detail
}  // namespace sciml
