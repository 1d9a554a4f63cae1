// ODEFunction: a right-hand side together with its Jacobian (and optionally its time derivative), as
// DifferentialEquations.jl's ODEFunction(f; jac, tgrad). Implicit methods call jac(J, u, p, t) (writing J(i, j))
// instead of differentiating f, so f need not be generic; df/dt then comes from tgrad(dT, u, p, t) when given,
// else from one finite difference in t.
#pragma once
#include <any>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include "../config.hpp"
#include "../linalg/jacobian.hpp"
#include "../linalg/sparsity.hpp"

namespace sciml {

struct NoTgrad {};

template <class F, class Jac, class Tgrad = NoTgrad>
struct ODEFunction {
  F f;
  Jac jac;
  Tgrad tgrad{};

  ODEFunction(F f_, Jac jac_, Tgrad tgrad_ = Tgrad{}) : f(std::move(f_)), jac(std::move(jac_)), tgrad(std::move(tgrad_)) {}

  // called exactly like f: f(u, p, t) or f(du, u, p, t)
  template <class... A>
  SCIML_HD auto operator()(A&&... a) const -> decltype(f(std::forward<A>(a)...)) {
    return f(std::forward<A>(a)...);
  }
};

// A right-hand side with a constant mass matrix: M u' = f(u, p, t), as DifferentialEquations.jl's
// ODEFunction(f; mass_matrix = M). M may be singular (a DAE of index 1: rows of zeros are algebraic equations,
// columns of zeros algebraic variables). The function stays callable as f, and keeps f's jac / tgrad.
// M: an SMatrix<double, N, N> for SVector states, an Eigen matrix (or anything with M(i, j), rows(), cols())
// for dynamic ones. Solved by Rosenbrock (Rodas4, Rodas5P, Rosenbrock23), RadauIIA5 and FBDF.
template <class F, class M>
struct MassMatrixFunction : F {
  M mass_matrix;
  MassMatrixFunction(F f, M m) : F(std::move(f)), mass_matrix(std::move(m)) {}
};

template <class F, class M>
auto with_mass_matrix(F f, M m) {
  static_assert(std::is_class_v<F>, "with_mass_matrix: f must be a lambda or function object (not a function pointer)");
  return MassMatrixFunction<F, M>(std::move(f), std::move(m));
}

// A right-hand side whose Jacobian is sparse, as DifferentialEquations.jl's ODEFunction(f; jac_prototype):
// implicit methods on dynamic states (std::vector) then keep J as its nonzeros, evaluate it by compressed AD
// (or the user's jac, which receives a SparseJacobianView), and factor M - gh J with sparse LU (KLU).
// with_sparse_jacobian(f) detects the pattern by running f once on a dependency tracer (f must be generic in
// its scalar type, as for AD); with_sparse_jacobian(f, pattern) takes the user's pattern.
template <class F, bool Detect>
struct SparseJacobianFunction : F {
  static constexpr bool detect_sparsity = Detect;
  SparsityPattern jac_prototype;
  bool enabled = true;  // false: the dense path after all (a run-time model that decides by its size)
  SparseJacobianFunction(F f, SparsityPattern s) : F(std::move(f)), jac_prototype(std::move(s)) {}
};

template <class F>
auto with_sparse_jacobian(F f) {
  static_assert(std::is_class_v<F>, "with_sparse_jacobian: f must be a lambda or function object");
  return SparseJacobianFunction<F, true>(std::move(f), SparsityPattern{});
}
template <class F>
auto with_sparse_jacobian(F f, SparsityPattern pattern) {
  static_assert(std::is_class_v<F>, "with_sparse_jacobian: f must be a lambda or function object");
  return SparseJacobianFunction<F, false>(std::move(f), std::move(pattern));
}

template <class F>
inline constexpr bool has_sparse_jacobian_v = requires(const F& f) { f.jac_prototype; };

template <class F>
inline constexpr bool has_mass_matrix_v = requires(const F& f) { f.mass_matrix; };

// A Jacobian by finite differences of f, for right-hand sides that cannot take dual numbers (f calls compiled
// code, or is written for double only): with_fd_jacobian(f) is ODEFunction(f, jac) with jac(J, u, p, t) the
// forward differences of f (n + 1 calls of f, step sqrt(eps) max(|u_j|, 1)); the implicit methods then take
// df/dt by one more difference. Dense Jacobians; the three work states are made at the first call and kept.
template <class F>
struct FiniteDiffJacobian {
  F f;
  template <class J, class U, class P, class T>
  void operator()(J& jac, const U& u, const P& p, T t) const {
    using Work = std::array<U, 3>;  // jacobian_fd's u + h e_j, f(u), f(u + h e_j)
    Work* w = std::any_cast<Work>(&work_);
    if (!w || std::size_t((*w)[0].size()) != std::size_t(u.size())) {
      work_ = Work{u, u, u};
      w = std::any_cast<Work>(&work_);
    }
    constexpr bool inplace = std::is_invocable_v<const F&, U&, const U&, const P&, T>;
    jacobian_fd<inplace>(f, u, p, t, jac, (*w)[0], (*w)[1], (*w)[2]);
  }
  mutable std::any work_;
};

template <class F>
auto with_fd_jacobian(F f) {
  return ODEFunction<F, FiniteDiffJacobian<F>>(f, FiniteDiffJacobian<F>{f, {}});
}

template <class F>
inline constexpr bool has_user_jacobian_v = requires(const F& f) { f.jac; };
// The Jacobian can be formed on a sparsity pattern: a given or detected one (with_sparse_jacobian), or one the
// default algorithm detects for a large system whose f has no dense user jac.
template <class F>
inline constexpr bool sparse_capable_v = has_sparse_jacobian_v<F> || !has_user_jacobian_v<F>;

template <class F>
constexpr bool has_user_tgrad() {
  if constexpr (requires(const F& f) { f.tgrad; }) {
    return !std::is_same_v<std::remove_cvref_t<decltype(std::declval<F>().tgrad)>, NoTgrad>;
  } else {
    return false;
  }
}
template <class F>
inline constexpr bool has_user_tgrad_v = has_user_tgrad<F>();

}  // namespace sciml
