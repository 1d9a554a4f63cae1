// IterationMatrix<State>: what every implicit method needs of linear algebra. It holds the Jacobian J = df/du
// (the user's jac when f is an ODEFunction that has one, forward-mode AD otherwise), optionally df/dt, and the
// factored iteration matrix W = M - gh J, with solve(b, x) = W^-1 b (M: the mass matrix of a problem
// M u' = f, see with_mass_matrix; I otherwise). Fixed-size states (SVector) keep all of it in registers
// (SmallLU). Dynamic states (std::vector, Eigen vectors) hold one linear solver, chosen at run time in
// `linsolve` (LinearSolverChoice) among DenseLUSolver (Eigen's partial-pivoting LU; any scalar, dual numbers
// included), SparseLUSolver (KLU on J's sparsity pattern) and KrylovSolver (matrix-free GMRES, with an optional
// user preconditioner), each in its own header; every buffer is made once per solve. Counters (Jacobians,
// factorisations, solves, Krylov iterations) go to the solution's Stats. apply_mass(x, out) gives M x, and
// factor_algebraic / solve serve the consistent initialisation of the algebraic variables (linalg/dae_init.hpp).
// ComplexIterationMatrix factors M - c J for complex c (RadauIIA5), densely or on the sparse pattern.
#pragma once
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>
#include "../core/dual.hpp"
#include "../core/smatrix.hpp"
#include "../core/state.hpp"
#include "../core/stats.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "jacobian_and_tgrad.hpp"
#include "linear_solver_choice.hpp"
#include "small_lu.hpp"
#include "sparse_lu.hpp"
#include "sparsity.hpp"
#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#define SCIML_HAVE_EIGEN 1
#endif
#ifdef SCIML_HAVE_EIGEN
#include "dense_lu_solver.hpp"
#include "krylov_solver.hpp"
#include "mass_matrix.hpp"
#include "sparse_lu_solver.hpp"
#endif

namespace sciml::detail {

// The sparse LU (KLU) and GMRES take double only; other scalars use the dense LU.
template <class T>
inline constexpr bool sparse_krylov_scalar_v = std::is_same_v<T, double>;

struct ImplicitCounters {
  long njac = 0, nw = 0, nsolve = 0;
  bool singular = false;
  void add_stats(Stats& s) const {  // the step contract: caches report their own counters
    s.njac = njac;
    s.nw = nw;
    s.nsolve = nsolve;
  }
};

template <class State, bool Fixed = is_fixed_size<State>::value>
struct IterationMatrix;

// Fixed-size states: everything in registers.
template <class State>
struct IterationMatrix<State, true> : ImplicitCounters {
  using T = scalar_t<State>;
  static constexpr std::size_t N = State{}.size();
  static constexpr int chunk = N <= 16 ? int(N) : 8;
  SMatrix<T, N, N> J{};
  SmallLU<T, N> lu{};
  State dT{}, rhs{};  // df/dt, and a work vector for the step
  SMatrix<T, N, N> mass = SMatrix<T, N, N>::identity();
  bool has_mass = false;
  SCIML_HD void init(const State&) {}
  template <class MM>
  void set_mass(const MM& m) {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) mass(i, j) = T(m(i, j));
    has_mass = true;
  }
  SCIML_HD T mass_entry(std::size_t i, std::size_t j) const { return mass(i, j); }
  SCIML_HD real_t<T> jacobian_norm_inf() const {  // max_i sum_j |J_ij|
    using std::abs;
    real_t<T> best = 0;
    for (std::size_t i = 0; i < N; ++i) {
      real_t<T> row = 0;
      for (std::size_t j = 0; j < N; ++j) row += abs(value_of(J(i, j)));
      best = row > best ? row : best;
    }
    return best;
  }
  // out = M x
  SCIML_HD void apply_mass(const State& x, State& out) const {
    for (std::size_t i = 0; i < N; ++i) {
      T acc = T(0);
      for (std::size_t j = 0; j < N; ++j) acc += mass(i, j) * x[j];
      out[i] = acc;
    }
  }

  // J = df/du (and dT = df/dt with Tgrad) at (t, u).
  template <bool Inplace, bool Tgrad, class F, class P, class Time>
  SCIML_HD void jacobian(const F& f, const P& p, const State& u, Time t) {
    rebind_state_t<State, Dual<T, chunk>> ud{}, dud{};
    rebind_state_t<State, Dual<T, 1>> ud1{}, dud1{};
    jacobian_and_tgrad<Inplace, Tgrad, chunk>(f, u, p, t, J, dT, rhs, ud, dud, ud1, dud1);
    ++njac;
  }
  // The LU of W = I - gh J. False if W is singular.
  SCIML_HD bool factor(real_t<T> gh) {
    SMatrix<T, N, N> W;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) W(i, j) = mass(i, j) - gh * J(i, j);
    ++nw;
    singular = !lu.factorize(W);
    return !singular;
  }
  // The LU of the consistent-initialisation matrix: J on (algebraic rows, algebraic columns), 1 pairing each
  // differential row with a differential column, 0 elsewhere.
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    SMatrix<T, N, N> B = SMatrix<T, N, N>::zero();
    for (std::size_t k = 0; k < drow.size(); ++k) B(drow[k], dcol[k]) = T(1);
    for (std::size_t i : arow)
      for (std::size_t j : acol) B(i, j) = J(i, j);
    return lu.factorize(B);
  }
  SCIML_HD void solve(const State& b, State& x) {
    x = lu.solve(b);
    ++nsolve;
  }
  // J and dT at (t, u), then the LU of W = I - gh J (a Rosenbrock step's linear algebra).
  template <bool Inplace, class F, class P, class Time>
  SCIML_HD bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    jacobian<Inplace, true>(f, p, u, t);
    return factor(gh);
  }
};

// The LU of the complex matrix I - c J (c complex, J real), for methods whose Newton system splits into complex
// blocks (RadauIIA5). solve: (xr + i xi) = (I - c J)^-1 (br + i bi).
template <class State, bool Fixed = is_fixed_size<State>::value>
struct ComplexIterationMatrix;

template <class State>
struct ComplexIterationMatrix<State, true> {
  using T = scalar_t<State>;
  using C = std::complex<T>;
  static constexpr std::size_t N = State{}.size();
  SmallLU<C, N> lu{};
  void init(const State&) {}
  // the LU of M - c J (M: the real iteration matrix's mass matrix)
  template <class IM>
  bool factor(const IM& im, C c) {
    SMatrix<C, N, N> W;
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) W(i, j) = C(im.mass(i, j)) - c * im.J(i, j);
    return lu.factorize(W);
  }
  void solve(const State& br, const State& bi, State& xr, State& xi) const {
    SVector<C, N> b{};
    for (std::size_t i = 0; i < N; ++i) b[i] = C(br[i], bi[i]);
    const auto x = lu.solve(b);
    for (std::size_t i = 0; i < N; ++i) {
      xr[i] = x[i].real();
      xi[i] = x[i].imag();
    }
  }
};

#ifdef SCIML_HAVE_EIGEN
// The linear solvers of a dynamic state: DenseLUSolver for any scalar; SparseLUSolver and KrylovSolver too for
// double (in the order of LinearSolverKind).
template <class State, bool = sparse_krylov_scalar_v<scalar_t<State>>>
struct linear_solvers {
  using type = std::variant<DenseLUSolver<State>>;
};
template <class State>
struct linear_solvers<State, true> {
  using type = std::variant<DenseLUSolver<State>, SparseLUSolver<State>, KrylovSolver<State>>;
};

// Dynamic states: the linear solver chosen in `linsolve` (set before init: the integrator, or the default
// algorithm at its first stiff step), held in `solver`, plus the mass matrix, df/dt and the AD work vectors,
// kept between steps (no allocation per step). Each solver S has one interface: init(u); resized(u) (the
// state's length changed under it); jacobian<Inplace, Chunk>(f, p, u, t, ud, dud) (J at (t, u), or what the
// solver keeps of it); factor(gh, M) (W = M - gh J; false if singular); solve(b, x, M) (x = W^-1 b, returning
// the Krylov iterations it took, 0 for a direct solve); norm_inf() (||J||_inf for the stiffness test, when
// S::forms_jacobian); factor_algebraic (the DAE initialisation); S::diagonal_mass_only (what refuses a
// non-diagonal M, or nullptr).
template <class State>
struct IterationMatrix<State, false> : ImplicitCounters {
  using T = scalar_t<State>;
  static constexpr int chunk = 8;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using Solver = typename linear_solvers<State>::type;
  LinearSolverChoice linsolve;
  Solver solver;
  MassMatrix<T> mass;
  Vec b, x;
  State dT, rhs;
  rebind_state_t<State, Dual<T, chunk>> ud, dud;
  rebind_state_t<State, Dual<T, 1>> ud1, dud1;
  long nkrylov = 0;
  void add_stats(Stats& s) const {
    ImplicitCounters::add_stats(s);
    s.nkrylov = nkrylov;
  }
  template <class Fn>
  decltype(auto) visit(Fn&& fn) {
    return std::visit(std::forward<Fn>(fn), solver);
  }
  template <class Fn>
  decltype(auto) visit(Fn&& fn) const {
    return std::visit(std::forward<Fn>(fn), solver);
  }

  // The solver of `linsolve` (the one held is kept, and re-initialised, when it is already that one).
  void init(const State& u) {
    const Eigen::Index n = Eigen::Index(state_size(u));
    if constexpr (std::variant_size_v<Solver> == 1) {
      if (linsolve.kind == LinearSolverKind::Krylov)
        throw std::invalid_argument("linsolve: LinearSolver::GMRES needs double states; other scalars (dual numbers, "
                                    "as in ForwardDiffSensitivity) use the default dense LU (LinearSolver::Auto)");
      if (linsolve.kind == LinearSolverKind::SparseLU)
        throw std::invalid_argument("with_sparse_jacobian: the sparse LU needs double states; other scalars (dual "
                                    "numbers, as in ForwardDiffSensitivity) need f without with_sparse_jacobian");
    } else {
      if (solver.index() != std::size_t(linsolve.kind)) switch (linsolve.kind) {
          case LinearSolverKind::DenseLU: solver.template emplace<DenseLUSolver<State>>(); break;
          case LinearSolverKind::SparseLU: solver.template emplace<SparseLUSolver<State>>(); break;
          case LinearSolverKind::Krylov: solver.template emplace<KrylovSolver<State>>(); break;
        }
      if (auto* k = std::get_if<KrylovSolver<State>>(&solver)) {
        if (linsolve.krylov_rtol > 0) k->rtol = linsolve.krylov_rtol;
        k->preconditioner = linsolve.preconditioner;
      }
    }
    visit([&](auto& s) { s.init(u); });
    b.setZero(n);
    x.setZero(n);
    dT = u;
    rhs = u;
    ud.resize(std::size_t(n));
    dud.resize(std::size_t(n));
    ud1.resize(std::size_t(n));
    dud1.resize(std::size_t(n));
  }
  bool forms_jacobian() const {
    return visit([](const auto& s) { return std::remove_cvref_t<decltype(s)>::forms_jacobian; });
  }
  template <class MM>
  void set_mass(const MM& m) {
    mass.set(m, b.size());
    const char* only = visit([](const auto& s) { return std::remove_cvref_t<decltype(s)>::diagonal_mass_only; });
    if (!mass.diagonal && only)
      throw std::invalid_argument(std::string("mass_matrix: ") + only + " the mass matrix must be diagonal");
  }
  T mass_entry(std::size_t i, std::size_t j) const { return mass.entry(i, j); }
  void apply_mass(const State& in, State& out) {
    const std::size_t n = state_size(in);
    if (!mass.given) {
      for (std::size_t i = 0; i < n; ++i) out[i] = in[i];
    } else if (mass.diagonal) {
      for (std::size_t i = 0; i < n; ++i) out[i] = mass.diag[Eigen::Index(i)] * in[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = in[i];
      x.noalias() = mass.full * b;
      for (std::size_t i = 0; i < n; ++i) out[i] = x[Eigen::Index(i)];
    }
  }
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    return visit([&](auto& s) { return s.factor_algebraic(arow, acol, drow, dcol); });
  }

  template <bool Inplace, bool Tgrad, class F, class P, class Time>
  void jacobian(const F& f, const P& p, const State& u, Time t) {
    if (visit([&](const auto& s) { return s.resized(u); })) init(u);
    visit([&](auto& s) { s.template jacobian<Inplace, chunk>(f, p, u, t, ud, dud); });
    if constexpr (Tgrad) time_gradient<Inplace>(f, u, p, t, dT, rhs, ud1, dud1);
    ++njac;
  }
  // f and p for a solver that evaluates f while solving (their addresses can change when the integrator moves)
  template <bool Inplace, class F, class P>
  void bind(const F& f, const P& p) {
    visit([&](auto& s) {
      if constexpr (requires { s.template bind<Inplace>(f, p); }) s.template bind<Inplace>(f, p);
    });
  }
  real_t<T> jacobian_norm_inf() const {  // max_i sum_j |J_ij| (0 when J is not formed)
    return visit([](const auto& s) { return s.norm_inf(); });
  }
  bool factor(real_t<T> gh) {
    ++nw;
    singular = !visit([&](auto& s) { return s.factor(gh, mass); });
    return !singular;
  }
  void solve(const State& in, State& out) {
    const std::size_t n = state_size(in);
    for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = in[i];
    nkrylov += visit([&](auto& s) { return s.solve(b, x, mass); });
    for (std::size_t i = 0; i < n; ++i) out[i] = x[Eigen::Index(i)];
    ++nsolve;
  }
  template <bool Inplace, class F, class P, class Time>
  bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    jacobian<Inplace, true>(f, p, u, t);
    return factor(gh);
  }
};
// The complex form of whichever solver the real matrix holds (ComplexDenseLU or ComplexSparseLU; KrylovSolver
// has none: RadauIIA5 refuses GMRES), made at the first factor.
template <class State>
struct ComplexIterationMatrix<State, false> {
  using T = scalar_t<State>;
  using C = std::complex<T>;
  using Form = std::conditional_t<sparse_krylov_scalar_v<T>,
                                  std::variant<ComplexDenseLU<State>, ComplexSparseLU<State>>,
                                  std::variant<ComplexDenseLU<State>>>;
  Form form;
  void init(const State&) {}  // sized by the first factor()

  // the LU of M - c J (J and M: the real iteration matrix's)
  template <class IM>
  bool factor(const IM& im, C c) {
    return im.visit([&](const auto& s) {
      using S = std::remove_cvref_t<decltype(s)>;
      if constexpr (requires { typename S::complex_form; }) {
        using L = typename S::complex_form;
        L* lu = std::get_if<L>(&form);
        return (lu ? *lu : form.template emplace<L>()).factor(s, im.mass, c);
      } else {
        return false;
      }
    });
  }
  void solve(const State& br, const State& bi, State& xr, State& xi) {
    std::visit([&](auto& lu) { lu.solve(br, bi, xr, xi); }, form);
  }
};
#else
template <class State>
struct IterationMatrix<State, false> {
  static_assert(is_fixed_size<State>::value,
                "implicit methods on dynamic states (std::vector, Eigen) need Eigen (Debian: libeigen3-dev); "
                "fixed-size sciml::SVector states work without it");
};
template <class State>
struct ComplexIterationMatrix<State, false> : IterationMatrix<State, false> {};
#endif

}  // namespace sciml::detail
