// KrylovSolver<State>: the matrix-free linear solver of implicit methods on dynamic double states
// (LinearSolver::GMRES, or the default algorithm for a large system without a sparse pattern). J is never
// formed: jacobian() records the point (tJ, uJ), and each solve runs restarted GMRES(30) (linalg/gmres.hpp) on
// W = M - gh J (M diagonal or I) from x = 0 to the relative tolerance rtol, with J v by one forward-mode AD
// evaluation of f in direction v (by a difference of f when f has a user jac, which need not be generic). The
// product is a closure over f and p, rebound at every prepare since the integrator may have moved them. A user
// Preconditioner (linalg/preconditioner.hpp) is set up at every factor and applied on the right; without one
// GMRES runs unpreconditioned. One of the solvers IterationMatrix holds (linalg/iteration_matrix.hpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>
#include <Eigen/Dense>
#include "../core/dual.hpp"
#include "../core/state.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "gmres.hpp"
#include "jacobian.hpp"
#include "mass_matrix.hpp"
#include "preconditioner.hpp"

namespace sciml::detail {

template <class State>
struct KrylovSolver {
  using T = scalar_t<State>;
  static_assert(std::is_same_v<T, double>, "KrylovSolver: GMRES takes double states");
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  static constexpr bool forms_jacobian = false;  // so no norm of J for the stiffness test
  static constexpr const char* diagonal_mass_only = "with LinearSolver::GMRES";
  T rtol = T(1e-4);  // relative tolerance of each solve
  Preconditioner preconditioner;
  Gmres<T> gmres;
  T gh = 0, tJ = 0;
  State uJ, f0, uv, fv;  // the linearisation point, f there (user jac only), u + eps v and f(u + eps v)
  rebind_state_t<State, Dual<T, 1>> ud1, dud1;
  std::function<void(KrylovSolver&, const T*, T*)> jvp;  // out = J v, bound to f and p by bind()

  void init(const State& u) {
    const std::size_t n = state_size(u);
    gmres.init(n, 30);
    uJ = f0 = uv = fv = u;
    ud1.resize(n);
    dud1.resize(n);
  }
  bool resized(const State&) const { return false; }
  // f and p for the products (captured by address: two pointers, which std::function keeps without allocating)
  template <bool Inplace, class F, class P>
  void bind(const F& f, const P& p) {
    jvp = [pf = &f, pp = &p](KrylovSolver& s, const T* v, T* out) { s.template product<Inplace>(*pf, *pp, v, out); };
  }
  template <bool Inplace, int Chunk, class F, class P, class Time, class DS>
  void jacobian(const F& f, const P& p, const State& u, Time t, DS&, DS&) {
    bind<Inplace>(f, p);
    uJ = u;
    tJ = T(t);
    if constexpr (has_user_jacobian_v<F>) eval_rhs<Inplace>(f, f0, u, p, t);
  }
  // out = J v at (tJ, uJ)
  template <bool Inplace, class F, class P>
  void product(const F& f, const P& p, const T* v, T* out) {
    const std::size_t n = state_size(uJ);
    if constexpr (has_user_jacobian_v<F>) {  // f need not be generic: a forward difference
      using std::abs;
      using std::sqrt;
      T vn = 0, un = 0;
      for (std::size_t i = 0; i < n; ++i) {
        vn += abs(v[i]) * abs(v[i]);
        un += abs(uJ[i]) * abs(uJ[i]);
      }
      vn = sqrt(vn);
      if (vn == 0) {
        for (std::size_t i = 0; i < n; ++i) out[i] = T(0);
        return;
      }
      const T eps = sqrt(std::numeric_limits<T>::epsilon()) * (T(1) + sqrt(un)) / vn;
      for (std::size_t i = 0; i < n; ++i) uv[i] = uJ[i] + eps * v[i];
      eval_rhs<Inplace>(f, fv, uv, p, tJ);
      for (std::size_t i = 0; i < n; ++i) out[i] = (fv[i] - f0[i]) / eps;
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        ud1[i] = Dual<T, 1>(uJ[i]);
        ud1[i].der[0] = v[i];
      }
      eval_rhs<Inplace>(f, dud1, ud1, p, tJ);
      for (std::size_t i = 0; i < n; ++i) out[i] = dud1[i].der[0];
    }
  }
  real_t<T> norm_inf() const { return 0; }  // J is not formed
  // W = M - gh J is never formed: gh is kept for the products, and the preconditioner set up for it
  bool factor(T gh_, const MassMatrix<T>&) {
    gh = gh_;
    if (preconditioner.setup) preconditioner.setup(tJ, std::span<const T>(uJ.data(), state_size(uJ)), gh);
    return true;
  }
  // (M - gh J) x = b by GMRES from x = 0; returns its iterations (each one product)
  int solve(const Vec& b, Vec& x, const MassMatrix<T>& m) {
    const std::size_t n = std::size_t(b.size());
    auto op = [&](const T* v, T* out) {
      jvp(*this, v, out);
      for (std::size_t i = 0; i < n; ++i) {
        const T mv = m.given ? m.diag[Eigen::Index(i)] * v[i] : v[i];
        out[i] = mv - gh * out[i];
      }
    };
    x.setZero();
    const int maxiter = std::max(100, int(std::min<std::size_t>(n, 1000)));
    GmresResult<T> r;
    if (preconditioner.solve) {
      auto prec = [&](const T* rr, T* z) { preconditioner.solve(std::span<const T>(rr, n), std::span<T>(z, n)); };
      r = gmres.solve(op, prec, b.data(), x.data(), rtol, T(0), maxiter);
    } else {
      r = gmres.solve(op, IdentityPreconditioner{}, b.data(), x.data(), rtol, T(0), maxiter);
    }
    // NaN or Inf met in the iteration (f, or the user's preconditioner): GMRES stops with x as it was, which the
    // Newton iteration would read as a zero correction, i.e. converged. A NaN x makes it fail instead (h shrinks).
    if (!std::isfinite(double(r.residual))) x.setConstant(std::numeric_limits<T>::quiet_NaN());
    return r.iterations;
  }
  bool factor_algebraic(const std::vector<std::size_t>&, const std::vector<std::size_t>&,
                        const std::vector<std::size_t>&, const std::vector<std::size_t>&) {
    throw std::invalid_argument("linsolve: LinearSolver::GMRES cannot initialise the algebraic variables of a "
                                "DAE; use the default (dense or sparse) linear solver");
  }
};

}  // namespace sciml::detail
