// SparseIteration: the sparse form of an implicit method's linear algebra, used by IterationMatrix for
// dynamic states when f has a sparsity pattern (with_sparse_jacobian). J = df/du is kept as the nonzeros of
// its pattern (detected once by running f on the dependency tracer, or given by the user), evaluated by
// compressed AD over a column colouring (ceil(colours / 8) dual-number evaluations of f instead of n / 8) or
// by the user's jac through a SparseJacobianView; W = M - gh J (M diagonal or I) lives on the pattern of J
// plus the diagonal and is factored by SparseLU (KLU, reusing the pivot order). Every buffer is made in
// setup(), once per solve.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>
#include "../core/dual.hpp"
#include "../core/state.hpp"
#include "../problem/ode_function.hpp"
#include "sparse_lu.hpp"
#include "sparsity.hpp"

namespace sciml {

// What a user's jac(J, u, p, t) receives with a sparse Jacobian: J(i, j) = value for (i, j) in the pattern
// (all other entries are zero); writing outside the pattern throws.
template <class T>
struct SparseJacobianView {
  const SparsityPattern* s;
  T* values;
  std::size_t rows() const { return s->n; }
  std::size_t cols() const { return s->n; }
  T& operator()(std::size_t i, std::size_t j) {
    if (i < s->n) {
      const auto b = s->col.begin() + std::ptrdiff_t(s->row_ptr[i]), e = s->col.begin() + std::ptrdiff_t(s->row_ptr[i + 1]);
      const auto it = std::lower_bound(b, e, j);
      if (it != e && *it == j) return values[it - s->col.begin()];
    }
    throw std::invalid_argument("jac: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                ") is outside the sparsity pattern given to with_sparse_jacobian");
  }
};

namespace detail {

template <class T>
struct SparseIteration {
  SparsityPattern jpat, wpat;  // the patterns of J and of W (J's plus the diagonal)
  std::vector<std::size_t> color, j_in_w, diag_in_w;
  std::size_t ncolors = 0;
  std::vector<T> jval, wval;
  SparseLU lu;
  bool ready = false;

  template <bool Inplace, class F, class State, class P, class Time>
  void setup(const F& f, const State& u, const P& p, Time t) {
    const std::size_t n = state_size(u);
    if constexpr (!has_sparse_jacobian_v<F> || requires { requires F::detect_sparsity; }) {  // else: the given pattern
      jpat = detect_sparsity<Inplace>(f, u, p, t);
    } else {
      jpat = f.jac_prototype;
      if (jpat.n != n)
        throw std::invalid_argument("with_sparse_jacobian: the pattern is for " + std::to_string(jpat.n) +
                                    " states but the state has length " + std::to_string(n));
      check_sparse_pattern(jpat, "with_sparse_jacobian");
    }
    color = color_columns(jpat);
    ncolors = n ? *std::max_element(color.begin(), color.end()) + 1 : 0;
    // W's pattern: each row of J with the diagonal merged in
    wpat = SparsityPattern{};
    wpat.n = n;
    j_in_w.assign(jpat.nnz(), 0);
    diag_in_w.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      bool diag_done = false;
      for (std::size_t k = jpat.row_ptr[i]; k < jpat.row_ptr[i + 1]; ++k) {
        const std::size_t j = jpat.col[k];
        if (!diag_done && j >= i) {
          diag_in_w[i] = wpat.col.size();
          if (j != i) wpat.col.push_back(i);
          diag_done = true;
        }
        j_in_w[k] = wpat.col.size();
        wpat.col.push_back(j);
      }
      if (!diag_done) {
        diag_in_w[i] = wpat.col.size();
        wpat.col.push_back(i);
      }
      wpat.row_ptr.push_back(wpat.col.size());
    }
    jval.assign(jpat.nnz(), T(0));
    wval.assign(wpat.nnz(), T(0));
    lu.analyze(wpat);
    ready = true;
  }

  // J's nonzeros at (t, u): the user's jac, or compressed AD (ud, dud: dual work states of chunk Chunk).
  template <bool Inplace, int Chunk, class F, class State, class P, class Time, class DState>
  void jacobian(const F& f, const State& u, const P& p, Time t, DState& ud, DState& dud) {
    if constexpr (has_user_jacobian_v<F>) {
      std::fill(jval.begin(), jval.end(), T(0));
      SparseJacobianView<T> view{&jpat, jval.data()};
      f.jac(view, u, p, t);
    } else {
      sparse_jacobian_ad<Inplace, Chunk>(f, u, p, t, jpat, color, ncolors, jval.data(), ud, dud);
    }
  }

  // The LU of W = M - gh J; mdiag: M's diagonal (nullptr: M = I).
  template <class V>
  bool factor(T gh, const V* mdiag) {
    const std::size_t n = jpat.n;
    std::fill(wval.begin(), wval.end(), T(0));
    for (std::size_t i = 0; i < n; ++i) wval[diag_in_w[i]] = mdiag ? T((*mdiag)[i]) : T(1);
    for (std::size_t k = 0; k < jval.size(); ++k) wval[j_in_w[k]] -= gh * jval[k];
    return lu.factor(wval.data());
  }
  // The consistent-initialisation matrix (algebraic rows: J on the algebraic columns; other rows: 1 on the
  // diagonal). Needs the differential rows and columns to coincide (a diagonal mass matrix).
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    if (drow != dcol)
      throw std::invalid_argument("mass_matrix: with a sparse Jacobian the mass matrix must be diagonal");
    std::vector<char> is_acol(jpat.n, 0);
    for (std::size_t j : acol) is_acol[j] = 1;
    std::fill(wval.begin(), wval.end(), T(0));
    for (std::size_t i : drow) wval[diag_in_w[i]] = T(1);
    for (std::size_t i : arow)
      for (std::size_t k = jpat.row_ptr[i]; k < jpat.row_ptr[i + 1]; ++k)
        if (is_acol[jpat.col[k]]) wval[j_in_w[k]] = jval[k];
    return lu.factor(wval.data());
  }
  // max_i sum_j |J_ij|
  T norm_inf() const {
    using std::abs;
    T best = 0;
    for (std::size_t i = 0; i < jpat.n; ++i) {
      T row = 0;
      for (std::size_t k = jpat.row_ptr[i]; k < jpat.row_ptr[i + 1]; ++k) row += abs(jval[k]);
      best = std::max(best, row);
    }
    return best;
  }
};

}  // namespace detail
}  // namespace sciml
