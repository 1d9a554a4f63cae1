// IterationMatrix<State>: what every implicit method needs of linear algebra. It holds the Jacobian J = df/du
// (the user's jac when f is an ODEFunction that has one, forward-mode AD otherwise), optionally df/dt, and the
// LU of the iteration matrix W = I - gh J, with solve(b, x) = W^-1 b. Fixed-size states (SVector) keep all of
// it in registers (SmallLU); dynamic states (std::vector, Eigen vectors) use Eigen's partial-pivoting LU, with
// every buffer made once per solve. Counters (Jacobians, factorisations, solves) go to the solution's Stats.
// With a mass matrix M (problems M u' = f(u, p, t), see with_mass_matrix) the iteration matrix is M - gh J,
// apply_mass(x, out) gives M x, and factor_algebraic / solve serve the consistent initialisation of the
// algebraic variables (linalg/dae_init.hpp). The sparse LU and GMRES forms are for double states; any other
// scalar (dual numbers: forward sensitivities through an implicit method) takes the dense LU, which runs on it
// entry by entry.
#pragma once
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/dual.hpp"
#include "../core/smatrix.hpp"
#include "../core/state.hpp"
#include "../core/stats.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "jacobian.hpp"
#include "gmres.hpp"
#include "small_lu.hpp"
#include "sparse_iteration.hpp"
#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#define SCIML_HAVE_EIGEN 1
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

// dT = df/dt at (t, u): the user's tgrad, else one forward difference in t when f has a user jac (f need not
// be generic then; work: scratch), else forward-mode AD in t.
template <bool Inplace, class F, class State, class P, class Time, class DS1>
SCIML_HD void time_gradient(const F& f, const State& u, const P& p, Time t, State& dT, State& scratch, DS1& ud1, DS1& dud1) {
  using std::abs;
  using std::sqrt;
  using T = scalar_t<State>;
  if constexpr (has_user_tgrad_v<F>) {
    f.tgrad(dT, u, p, t);
  } else if constexpr (has_user_jacobian_v<F>) {
    const Time dt = Time(sqrt(std::numeric_limits<T>::epsilon())) * (abs(t) > Time(1) ? abs(t) : Time(1));
    eval_rhs<Inplace>(f, dT, u, p, t + dt);
    eval_rhs<Inplace>(f, scratch, u, p, t);
    for (std::size_t i = 0; i < state_size(u); ++i) dT[i] = (dT[i] - scratch[i]) / T(dt);
  } else {
    time_derivative_ad<Inplace>(f, u, p, t, dT, ud1, dud1);
  }
}

// J (and, with Tgrad, dT = df/dt) at (t, u): the user's jac when f is an ODEFunction that has one, forward-mode
// AD otherwise (f called with dual numbers).
template <bool Inplace, bool Tgrad, int Chunk, class F, class State, class P, class Time, class Jac, class DS,
          class DS1>
SCIML_HD void jacobian_and_tgrad(const F& f, const State& u, const P& p, Time t, Jac& J, State& dT, State& scratch,
                        DS& ud, DS& dud, DS1& ud1, DS1& dud1) {
  if constexpr (has_user_jacobian_v<F>) {
    f.jac(J, u, p, t);
#if !defined(__CUDA_ARCH__)  // dynamic matrices only, never on a device
    if constexpr (requires { J.rows(); J.cols(); }) {
      const auto n = state_size(u);
      if (std::size_t(J.rows()) != n || std::size_t(J.cols()) != n)
        throw std::invalid_argument("jac: the user Jacobian is " + std::to_string(J.rows()) + " x " +
                                    std::to_string(J.cols()) + " but the state has length " + std::to_string(n) +
                                    "; jac(J, u, p, t) must fill the n x n matrix it is given without resizing it");
    }
#endif
  } else {
    jacobian_ad<Inplace, Chunk>(f, u, p, t, J, ud, dud);
  }
  if constexpr (Tgrad) time_gradient<Inplace>(f, u, p, t, dT, scratch, ud1, dud1);
}

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
// Dynamic states: Eigen matrices and LU, AD work vectors kept between steps (no allocation per step); with a
// sparse Jacobian (f from with_sparse_jacobian: the integrator sets `sparse` before init) the SparseIteration
// form instead, and no n x n matrix is ever made.
template <class State>
struct IterationMatrix<State, false> : ImplicitCounters {
  using T = scalar_t<State>;
  static constexpr int chunk = 8;
  static constexpr bool sparse_krylov = sparse_krylov_scalar_v<T>;  // else init refuses sparse and krylov
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Mat J, W;
  Eigen::PartialPivLU<Mat> lu;
  Vec b, x;
  State dT, rhs;
  rebind_state_t<State, Dual<T, chunk>> ud, dud;
  rebind_state_t<State, Dual<T, 1>> ud1, dud1;
  Mat mass;         // the mass matrix when it is not diagonal
  Vec mass_diag;    // its diagonal when it is
  bool has_mass = false, mass_is_diagonal = true;
  bool sparse = false;
  SparseIteration<T> sp;
  // matrix-free mode (LinearSolver::GMRES): J v at (tJ, uJ) by AD (or differences of f, with f0 = f(tJ, uJ))
  bool krylov = false;
  real_t<T> krylov_rtol = real_t<T>(1e-4), krylov_gh = 0, tJ = 0;
  long nkrylov = 0;
  Gmres<T> gmres;
  void add_stats(Stats& s) const {
    ImplicitCounters::add_stats(s);
    s.nkrylov = nkrylov;
  }
  State uJ, f0, uv;
  Vec kw;
  const void* fptr = nullptr;
  const void* pptr = nullptr;
  void (*jvp)(IterationMatrix&, const T*, T*) = nullptr;

  template <bool Inplace, class F, class P>
  static void jvp_of(IterationMatrix& m, const T* v, T* out) {
    const F& f = *static_cast<const F*>(m.fptr);
    const P& p = *static_cast<const P*>(m.pptr);
    const std::size_t n = state_size(m.uJ);
    if constexpr (has_user_jacobian_v<F>) {  // f need not be generic: a forward difference
      using std::abs;
      using std::sqrt;
      real_t<T> vn = 0, un = 0;
      for (std::size_t i = 0; i < n; ++i) {
        vn += abs(v[i]) * abs(v[i]);
        un += abs(m.uJ[i]) * abs(m.uJ[i]);
      }
      vn = sqrt(vn);
      if (vn == 0) {
        for (std::size_t i = 0; i < n; ++i) out[i] = T(0);
        return;
      }
      const real_t<T> eps = sqrt(std::numeric_limits<real_t<T>>::epsilon()) * (real_t<T>(1) + sqrt(un)) / vn;
      for (std::size_t i = 0; i < n; ++i) m.uv[i] = m.uJ[i] + eps * v[i];
      eval_rhs<Inplace>(f, m.rhs, m.uv, p, m.tJ);
      for (std::size_t i = 0; i < n; ++i) out[i] = (m.rhs[i] - m.f0[i]) / eps;
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        m.ud1[i] = Dual<T, 1>(m.uJ[i]);
        m.ud1[i].der[0] = v[i];
      }
      eval_rhs<Inplace>(f, m.dud1, m.ud1, p, m.tJ);
      for (std::size_t i = 0; i < n; ++i) out[i] = m.dud1[i].der[0];
    }
  }

  void init(const State& u) {
    const Eigen::Index n = Eigen::Index(state_size(u));
    if constexpr (!sparse_krylov) {
      if (krylov)
        throw std::invalid_argument("linsolve: LinearSolver::GMRES needs double states; other scalars (dual numbers, "
                                    "as in ForwardDiffSensitivity) use the default dense LU (LinearSolver::Auto)");
      if (sparse)
        throw std::invalid_argument("with_sparse_jacobian: the sparse LU needs double states; other scalars (dual "
                                    "numbers, as in ForwardDiffSensitivity) need f without with_sparse_jacobian");
    }
    if (krylov) {
      gmres.init(std::size_t(n), 30);
      uJ = f0 = uv = u;
      kw.setZero(n);
    } else if (!sparse) {
      J.setZero(n, n);
      W.setZero(n, n);
      lu = Eigen::PartialPivLU<Mat>(n);
    }
    b.setZero(n);
    x.setZero(n);
    dT = u;
    rhs = u;
    ud.resize(std::size_t(n));
    dud.resize(std::size_t(n));
    ud1.resize(std::size_t(n));
    dud1.resize(std::size_t(n));
  }
  template <class MM>
  void set_mass(const MM& m) {
    const Eigen::Index n = b.size();
    mass_diag.setZero(n);
    mass_is_diagonal = true;
    for (Eigen::Index i = 0; i < n && mass_is_diagonal; ++i)
      for (Eigen::Index j = 0; j < n; ++j)
        if (i != j && T(m(i, j)) != T(0)) {
          mass_is_diagonal = false;
          break;
        }
    for (Eigen::Index i = 0; i < n; ++i) mass_diag[i] = T(m(i, i));
    if (!mass_is_diagonal) {
      if (krylov) throw std::invalid_argument("mass_matrix: with LinearSolver::GMRES the mass matrix must be diagonal");
      if (sparse) throw std::invalid_argument("mass_matrix: with a sparse Jacobian the mass matrix must be diagonal");
      mass.setZero(n, n);
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) mass(i, j) = T(m(i, j));
    }
    has_mass = true;
  }
  T mass_entry(std::size_t i, std::size_t j) const {
    if (!has_mass) return i == j ? T(1) : T(0);
    if (mass_is_diagonal) return i == j ? mass_diag[Eigen::Index(i)] : T(0);
    return mass(Eigen::Index(i), Eigen::Index(j));
  }
  void apply_mass(const State& in, State& out) {
    const std::size_t n = state_size(in);
    if (!has_mass) {
      for (std::size_t i = 0; i < n; ++i) out[i] = in[i];
    } else if (mass_is_diagonal) {
      for (std::size_t i = 0; i < n; ++i) out[i] = mass_diag[Eigen::Index(i)] * in[i];
    } else {
      for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = in[i];
      x.noalias() = mass * b;
      for (std::size_t i = 0; i < n; ++i) out[i] = x[Eigen::Index(i)];
    }
  }
  // W = M - c J into the matrix w (real or complex; dense form only)
  template <class WM, class C>
  void iteration_matrix(WM& w, C c) const {
    using S = typename WM::Scalar;
    w.noalias() = -c * J.template cast<S>();
    if (!has_mass) {
      w.diagonal().array() += S(1);
    } else if (mass_is_diagonal) {
      w.diagonal() += mass_diag.template cast<S>();
    } else {
      w += mass.template cast<S>();
    }
  }
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    using std::isfinite;
    if (krylov)
      throw std::invalid_argument("linsolve: LinearSolver::GMRES cannot initialise the algebraic variables of a "
                                  "DAE; use the default (dense or sparse) linear solver");
    if constexpr (sparse_krylov) {
      if (sparse) return sp.factor_algebraic(arow, acol, drow, dcol);
    }
    W.setZero();
    for (std::size_t k = 0; k < drow.size(); ++k) W(Eigen::Index(drow[k]), Eigen::Index(dcol[k])) = T(1);
    for (std::size_t i : arow)
      for (std::size_t j : acol) W(Eigen::Index(i), Eigen::Index(j)) = J(Eigen::Index(i), Eigen::Index(j));
    lu.compute(W);
    const T dmin = lu.matrixLU().diagonal().cwiseAbs().minCoeff();
    return dmin > T(0) && isfinite(dmin);
  }

  template <bool Inplace, bool Tgrad, class F, class P, class Time>
  void jacobian(const F& f, const P& p, const State& u, Time t) {
    if constexpr (sparse_krylov) {
      if (krylov) {
        bind<Inplace>(f, p);
        uJ = u;
        tJ = real_t<T>(t);
        if constexpr (has_user_jacobian_v<F>) eval_rhs<Inplace>(f, f0, u, p, t);
        if constexpr (Tgrad) time_gradient<Inplace>(f, u, p, t, dT, rhs, ud1, dud1);
        ++njac;
        return;
      }
      if constexpr (sparse_capable_v<F>) {
        if (sparse) {  // with_sparse_jacobian, or a pattern the default algorithm detected
          if (!sp.ready) sp.template setup<Inplace>(f, u, p, t);
          sp.template jacobian<Inplace, chunk>(f, u, p, t, ud, dud);
          if constexpr (Tgrad) time_gradient<Inplace>(f, u, p, t, dT, rhs, ud1, dud1);
          ++njac;
          return;
        }
      }
    }
    {
      if (std::size_t(J.rows()) != state_size(u)) init(u);  // the state was resized
      jacobian_and_tgrad<Inplace, Tgrad, chunk>(f, u, p, t, J, dT, rhs, ud, dud, ud1, dud1);
    }
    ++njac;
  }
  // f and p for the Jacobian-vector products (their addresses can change when the integrator is moved)
  template <bool Inplace, class F, class P>
  void bind(const F& f, const P& p) {
    fptr = &f;
    pptr = &p;
    if constexpr (sparse_krylov) jvp = &jvp_of<Inplace, F, P>;
  }
  real_t<T> jacobian_norm_inf() const {  // max_i sum_j |J_ij| (of the values, for dual numbers)
    if (krylov) return 0;  // not formed
    return value_of(sparse ? sp.norm_inf() : (J.rows() ? J.cwiseAbs().rowwise().sum().maxCoeff() : T(0)));
  }
  bool factor(real_t<T> gh) {
    using std::isfinite;
    ++nw;
    if constexpr (sparse_krylov) {
      if (krylov) {
        krylov_gh = gh;
        return true;
      }
      if (sparse) {
        singular = !sp.factor(T(gh), has_mass ? &mass_diag : nullptr);
        return !singular;
      }
    }
    iteration_matrix(W, gh);
    lu.compute(W);
    const T dmin = lu.matrixLU().diagonal().cwiseAbs().minCoeff();
    singular = !(dmin > T(0)) || !isfinite(dmin);
    return !singular;
  }
  void solve(const State& in, State& out) {
    const std::size_t n = state_size(in);
    for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = in[i];
    if (!krylov && !sparse) {
      x.noalias() = lu.solve(b);
    } else if constexpr (sparse_krylov) {
      if (krylov) {  // (M - gh J) x = b by GMRES from x = 0
        auto op = [this, n](const T* v, T* out) {
          jvp(*this, v, out);
          for (std::size_t i = 0; i < n; ++i) {
            const T mv = has_mass ? mass_diag[Eigen::Index(i)] * v[i] : v[i];
            out[i] = mv - krylov_gh * out[i];
          }
        };
        x.setZero();
        const auto r = gmres.solve(op, IdentityPreconditioner{}, b.data(), x.data(), T(krylov_rtol), T(0),
                                   std::max(100, int(std::min<std::size_t>(n, 1000))));
        nkrylov += r.iterations;
      } else {
        sp.lu.solve(b.data(), x.data());
      }
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = x[Eigen::Index(i)];
    ++nsolve;
  }
  template <bool Inplace, class F, class P, class Time>
  bool factorize(const F& f, const P& p, const State& u, Time t, real_t<T> gh) {
    jacobian<Inplace, true>(f, p, u, t);
    return factor(gh);
  }
};
template <class State>
struct ComplexIterationMatrix<State, false> {
  using T = scalar_t<State>;
  using C = std::complex<T>;
  using Mat = Eigen::Matrix<C, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<C, Eigen::Dynamic, 1>;
  Mat W;
  Eigen::PartialPivLU<Mat> lu;
  Vec b, x;
  // sparse J: the 2n x 2n real form [[M - aJ, bJ], [-bJ, M - aJ]] of M - (a + ib) J, factored by SparseLU
  bool sparse = false;
  SparsityPattern rpat;
  std::vector<T> rval, rb, rx;
  SparseLU rlu;
  void init(const State&) {}  // sized by the first factor()

  template <class IM>
  bool factor_sparse(const IM& im, C c) {
    const auto& sp = im.sp;
    const std::size_t n = sp.jpat.n;
    if (!sparse) {  // the pattern, once
      rpat = SparsityPattern{};
      rpat.n = 2 * n;
      for (int half = 0; half < 2; ++half)
        for (std::size_t i = 0; i < n; ++i) {
          const SparsityPattern& left = half == 0 ? sp.wpat : sp.jpat;
          const SparsityPattern& right = half == 0 ? sp.jpat : sp.wpat;
          for (std::size_t k = left.row_ptr[i]; k < left.row_ptr[i + 1]; ++k) rpat.col.push_back(left.col[k]);
          for (std::size_t k = right.row_ptr[i]; k < right.row_ptr[i + 1]; ++k) rpat.col.push_back(n + right.col[k]);
          rpat.row_ptr.push_back(rpat.col.size());
        }
      rval.assign(rpat.nnz(), T(0));
      rb.assign(2 * n, T(0));
      rx.assign(2 * n, T(0));
      rlu.analyze(rpat);
      sparse = true;
    }
    const T a = c.real(), bb = c.imag();
    std::size_t e = 0;
    for (int half = 0; half < 2; ++half)
      for (std::size_t i = 0; i < n; ++i) {
        // the M - aJ block (on W's pattern) and the -+bJ block (on J's pattern), in row order
        auto put_w = [&] {
          const std::size_t w0 = sp.wpat.row_ptr[i], w1 = sp.wpat.row_ptr[i + 1];
          for (std::size_t k = w0; k < w1; ++k) rval[e + k - w0] = T(0);
          rval[e + sp.diag_in_w[i] - w0] = im.has_mass ? im.mass_diag[Eigen::Index(i)] : T(1);
          for (std::size_t k = sp.jpat.row_ptr[i]; k < sp.jpat.row_ptr[i + 1]; ++k)
            rval[e + sp.j_in_w[k] - w0] -= a * sp.jval[k];
          e += w1 - w0;
        };
        auto put_j = [&](T sign) {
          for (std::size_t k = sp.jpat.row_ptr[i]; k < sp.jpat.row_ptr[i + 1]; ++k) rval[e++] = sign * bb * sp.jval[k];
        };
        if (half == 0) {
          put_w();
          put_j(T(1));
        } else {
          put_j(T(-1));
          put_w();
        }
      }
    return rlu.factor(rval.data());
  }

  // the LU of M - c J (M: the real iteration matrix's mass matrix)
  template <class IM>
  bool factor(const IM& im, C c) {
    using std::isfinite;
    if constexpr (sparse_krylov_scalar_v<T>) {
      if (im.sparse) return factor_sparse(im, c);
    }
    if (W.rows() != im.J.rows()) {  // first use, or the state was resized
      W.setZero(im.J.rows(), im.J.cols());
      lu = Eigen::PartialPivLU<Mat>(im.J.rows());
      b.setZero(im.J.rows());
      x.setZero(im.J.rows());
    }
    im.iteration_matrix(W, c);
    lu.compute(W);
    const T dmin = lu.matrixLU().diagonal().cwiseAbs().minCoeff();
    return dmin > T(0) && isfinite(dmin);
  }
  void solve(const State& br, const State& bi, State& xr, State& xi) {
    const std::size_t n = state_size(br);
    if constexpr (sparse_krylov_scalar_v<T>) {
      if (sparse) {
        for (std::size_t i = 0; i < n; ++i) {
          rb[i] = br[i];
          rb[n + i] = bi[i];
        }
        rlu.solve(rb.data(), rx.data());
        for (std::size_t i = 0; i < n; ++i) {
          xr[i] = rx[i];
          xi[i] = rx[n + i];
        }
        return;
      }
    }
    for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = C(br[i], bi[i]);
    x.noalias() = lu.solve(b);
    for (std::size_t i = 0; i < n; ++i) {
      xr[i] = x[Eigen::Index(i)].real();
      xi[i] = x[Eigen::Index(i)].imag();
    }
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
