// Consistent initial values for mass-matrix DAEs M u' = f(u, p, t) of index 1: rows of M that are all zero
// are algebraic equations 0 = f_i(u), columns that are all zero are algebraic variables. Keeping the
// differential variables as given, Newton's method (Jacobian by AD or the user's jac at every iteration)
// solves the algebraic equations for the algebraic variables, as DifferentialEquations.jl's
// BrownFullBasicInit does. A consistent u0 is left unchanged (the first correction is zero).
#pragma once
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "../problem/ode_problem.hpp"
#include "newton.hpp"

namespace sciml::detail {

// Returns "" on success (u updated), else a message for the caller's InitialFailure. fu, dx: work vectors.
template <bool Inplace, class F, class P, class State, class T, class Cache, class R>
std::string initialize_algebraic(const F& f, const P& p, State& u, T t, Cache& c, const TolView<R>& tol, State& fu,
                                 State& dx, long& nf) {
  using S = scalar_t<State>;
  const std::size_t n = state_size(u);
  std::vector<std::size_t> arow, acol, drow, dcol;
  for (std::size_t i = 0; i < n; ++i) {
    bool row_zero = true, col_zero = true;
    for (std::size_t j = 0; j < n; ++j) {
      if (c.mass_entry(i, j) != S(0)) row_zero = false;
      if (c.mass_entry(j, i) != S(0)) col_zero = false;
    }
    (row_zero ? arow : drow).push_back(i);
    (col_zero ? acol : dcol).push_back(i);
  }
  if (arow.empty() || arow.size() != acol.size()) return "";  // an ODE, or no zero rows/columns to pair up
  R norm = 0;
  for (int it = 0; it < 20; ++it) {
    eval_rhs<Inplace>(f, fu, u, p, t);
    ++nf;
    if (!all_finite(fu)) {
      std::ostringstream m;
      m << "mass_matrix: f(u0, p, t0) is NaN or Inf while solving the algebraic equations for consistent initial "
        << "values (Newton iteration " << it << "): check f and u0";
      return m.str();
    }
    c.template jacobian<Inplace, false>(f, p, u, t);
    if (!c.factor_algebraic(arow, acol, drow, dcol))
      return "mass_matrix: the Jacobian of the algebraic equations with respect to the algebraic variables is "
             "singular at t0, so they cannot be solved for consistent initial values: the DAE may have index > 1, "
             "or u0 is far from a consistent point";
    for (std::size_t i = 0; i < n; ++i) fu[i] = -fu[i];
    for (std::size_t i : drow) fu[i] = S(0);
    c.solve(fu, dx);
    for (std::size_t j : acol) u[j] += dx[j];
    for (std::size_t j : dcol) dx[j] = S(0);
    norm = scaled_norm(dx, u, tol);
    if (!std::isfinite(double(norm))) break;
    if (norm < R(1e-6)) return "";
  }
  std::ostringstream m;
  m << "mass_matrix: Newton's method did not find consistent values of the algebraic variables at t0 (last "
    << "scaled correction " << norm << "): give a u0 closer to satisfying the algebraic equations";
  return m.str();
}

// The step contract's initialisation hook (Step::initialize, called once before the first step) of the families
// that solve M u' = f(u, p, t): the cache takes the mass matrix and the algebraic variables are made consistent.
// Returns "" or the message of an InitialFailure. A family whose initial problem differs (an implicit DAE
// F(u', u, p, t) = 0) brings its own initialize.
struct MassMatrixInitialization {
  static constexpr bool supports_mass_matrix = true;
  template <bool Inplace, class F, class P, class State, class T, class Cache, class R>
  static std::string initialize(const F& f, const P& p, State& u, T t, Cache& c, const TolView<R>& tol, State& w1,
                                State& w2, long& nf) {
    if constexpr (has_mass_matrix_v<F>) {
      c.set_mass(f.mass_matrix);
      return initialize_algebraic<Inplace>(f, p, u, t, c, tol, w1, w2, nf);
    } else {
      return {};
    }
  }
};

}  // namespace sciml::detail
