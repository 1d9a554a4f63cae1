// ODEFunction: a right-hand side together with its Jacobian (and optionally its time derivative), as
// DifferentialEquations.jl's ODEFunction(f; jac, tgrad). Implicit methods call jac(J, u, p, t) (writing J(i, j))
// instead of differentiating f, so f need not be generic; df/dt then comes from tgrad(dT, u, p, t) when given,
// else from one finite difference in t.
#pragma once
#include <type_traits>
#include <utility>
#include "../config.hpp"

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

template <class F>
inline constexpr bool has_mass_matrix_v = requires(const F& f) { f.mass_matrix; };

template <class F>
inline constexpr bool has_user_jacobian_v = requires(const F& f) { f.jac; };
template <class F>
inline constexpr bool has_user_tgrad_v = requires(const F& f) { f.tgrad; } &&
                                         !std::is_same_v<std::remove_cvref_t<decltype(std::declval<F>().tgrad)>, NoTgrad>;

}  // namespace sciml
