// SparseLUSolver<State>: the linear solver of implicit methods on dynamic double states whose f has a sparse
// Jacobian (with_sparse_jacobian, or a pattern the default algorithm detected). J is kept on its pattern and
// W = M - gh J (M diagonal or I) is factored by SparseLU (KLU when available), all through SparseIteration
// (linalg/sparse_iteration.hpp); the pattern is found, or the given one checked, at the first Jacobian, and
// no n x n matrix is ever made. One of the solvers IterationMatrix holds (linalg/iteration_matrix.hpp).
#pragma once
#include <complex>
#include <cstddef>
#include <stdexcept>
#include <vector>
#include <Eigen/Dense>
#include "../core/state.hpp"
#include "../problem/ode_function.hpp"
#include "mass_matrix.hpp"
#include "sparse_iteration.hpp"

namespace sciml::detail {

template <class State>
struct ComplexSparseLU;

template <class State>
struct SparseLUSolver {
  using T = scalar_t<State>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  static constexpr bool forms_jacobian = true;
  static constexpr const char* diagonal_mass_only = "with a sparse Jacobian";
  using complex_form = ComplexSparseLU<State>;  // its M - c J for complex c
  SparseIteration<T> sp;

  void init(const State&) {}  // the pattern comes with the first Jacobian
  bool resized(const State&) const { return false; }
  template <bool Inplace, int Chunk, class F, class P, class Time, class DS>
  void jacobian(const F& f, const P& p, const State& u, Time t, DS& ud, DS& dud) {
    if constexpr (sparse_capable_v<F>) {
      if (!sp.ready) sp.template setup<Inplace>(f, u, p, t);
      sp.template jacobian<Inplace, Chunk>(f, u, p, t, ud, dud);
    } else {  // neither the integrator nor the default algorithm picks it for an f with a dense user jac
      throw std::logic_error("SparseLUSolver: f has a dense user jac and no sparsity pattern");
    }
  }
  real_t<T> norm_inf() const { return value_of(sp.norm_inf()); }
  bool factor(real_t<T> gh, const MassMatrix<T>& m) { return sp.factor(T(gh), m.diagonal_or_identity()); }
  int solve(const Vec& b, Vec& x, const MassMatrix<T>&) {
    sp.lu.solve(b.data(), x.data());
    return 0;
  }
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    return sp.factor_algebraic(arow, acol, drow, dcol);
  }
};

// M - c J for complex c = a + ib from a SparseLUSolver's J (RadauIIA5's complex block), as the 2n x 2n real
// system [[M - aJ, bJ], [-bJ, M - aJ]] factored by SparseLU; its pattern is made (and analysed) once.
template <class State>
struct ComplexSparseLU {
  using T = scalar_t<State>;
  using C = std::complex<T>;
  SparsityPattern rpat;
  std::vector<T> rval, rb, rx;
  SparseLU rlu;
  bool analyzed = false;

  bool factor(const SparseLUSolver<State>& s, const MassMatrix<T>& m, C c) {
    const auto& sp = s.sp;
    const std::size_t n = sp.jpat.n;
    if (!analyzed) {  // the pattern, once
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
      analyzed = true;
    }
    const T a = c.real(), bb = c.imag();
    std::size_t e = 0;
    for (int half = 0; half < 2; ++half)
      for (std::size_t i = 0; i < n; ++i) {
        // the M - aJ block (on W's pattern) and the -+bJ block (on J's pattern), in row order
        auto put_w = [&] {
          const std::size_t w0 = sp.wpat.row_ptr[i], w1 = sp.wpat.row_ptr[i + 1];
          for (std::size_t k = w0; k < w1; ++k) rval[e + k - w0] = T(0);
          rval[e + sp.diag_in_w[i] - w0] = m.given ? m.diag[Eigen::Index(i)] : T(1);
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
  void solve(const State& br, const State& bi, State& xr, State& xi) {
    const std::size_t n = state_size(br);
    for (std::size_t i = 0; i < n; ++i) {
      rb[i] = br[i];
      rb[n + i] = bi[i];
    }
    rlu.solve(rb.data(), rx.data());
    for (std::size_t i = 0; i < n; ++i) {
      xr[i] = rx[i];
      xi[i] = rx[n + i];
    }
  }
};

}  // namespace sciml::detail
