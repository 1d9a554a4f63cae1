// DenseLUSolver<State>: the default linear solver of implicit methods on dynamic states. J = df/du is an n x n
// Eigen matrix (the user's jac, or forward-mode AD), W = M - gh J is factored by Eigen's partial-pivoting LU
// and every solve uses that LU. Any scalar works (dual numbers too, entry by entry). Buffers are made in init;
// jacobian, factor and solve allocate nothing. One of the solvers IterationMatrix holds; the interface they
// share is described there (linalg/iteration_matrix.hpp).
#pragma once
#include <cmath>
#include <complex>
#include <cstddef>
#include <vector>
#include <Eigen/Dense>
#include "../core/state.hpp"
#include "jacobian_and_tgrad.hpp"
#include "mass_matrix.hpp"

namespace sciml::detail {

// An LU with no zero or non-finite pivot (Eigen's partial-pivoting LU, real or complex).
template <class LU>
bool lu_is_regular(const LU& lu) {
  using std::isfinite;
  const auto dmin = lu.matrixLU().diagonal().cwiseAbs().minCoeff();
  return dmin > decltype(dmin)(0) && isfinite(dmin);
}

template <class State>
struct ComplexDenseLU;

template <class State>
struct DenseLUSolver {
  using T = scalar_t<State>;
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  static constexpr bool forms_jacobian = true;
  static constexpr const char* diagonal_mass_only = nullptr;  // any mass matrix
  using complex_form = ComplexDenseLU<State>;                 // its M - c J for complex c
  Mat J, W;
  Eigen::PartialPivLU<Mat> lu;

  void init(const State& u) {
    const Eigen::Index n = Eigen::Index(state_size(u));
    J.setZero(n, n);
    W.setZero(n, n);
    lu = Eigen::PartialPivLU<Mat>(n);
  }
  bool resized(const State& u) const { return std::size_t(J.rows()) != state_size(u); }
  template <bool Inplace, int Chunk, class F, class P, class Time, class DS>
  void jacobian(const F& f, const P& p, const State& u, Time t, DS& ud, DS& dud) {
    jacobian_of_f<Inplace, Chunk>(f, u, p, t, J, ud, dud);
  }
  real_t<T> norm_inf() const {  // max_i sum_j |J_ij| (of the values, for dual numbers)
    return value_of(J.rows() ? J.cwiseAbs().rowwise().sum().maxCoeff() : T(0));
  }
  // w = M - c J (real or complex c; RadauIIA5's complex matrix too)
  template <class WM, class C>
  void iteration_matrix(WM& w, C c, const MassMatrix<T>& m) const {
    using S = typename WM::Scalar;
    w.noalias() = -c * J.template cast<S>();
    if (!m.given) {
      w.diagonal().array() += S(1);
    } else if (m.diagonal) {
      w.diagonal() += m.diag.template cast<S>();
    } else {
      w += m.full.template cast<S>();
    }
  }
  bool factor(real_t<T> gh, const MassMatrix<T>& m) {
    iteration_matrix(W, gh, m);
    lu.compute(W);
    return lu_is_regular(lu);
  }
  int solve(const Vec& b, Vec& x, const MassMatrix<T>&) {
    x.noalias() = lu.solve(b);
    return 0;
  }
  // The consistent-initialisation matrix: J on (algebraic rows, algebraic columns), 1 pairing each
  // differential row with a differential column, 0 elsewhere.
  bool factor_algebraic(const std::vector<std::size_t>& arow, const std::vector<std::size_t>& acol,
                        const std::vector<std::size_t>& drow, const std::vector<std::size_t>& dcol) {
    W.setZero();
    for (std::size_t k = 0; k < drow.size(); ++k) W(Eigen::Index(drow[k]), Eigen::Index(dcol[k])) = T(1);
    for (std::size_t i : arow)
      for (std::size_t j : acol) W(Eigen::Index(i), Eigen::Index(j)) = J(Eigen::Index(i), Eigen::Index(j));
    lu.compute(W);
    return lu_is_regular(lu);
  }
};

// The LU of the complex matrix M - c J from a DenseLUSolver's J (RadauIIA5's complex block); solve:
// (xr + i xi) = (M - c J)^-1 (br + i bi). Sized by the first factor, and again when the state is resized.
template <class State>
struct ComplexDenseLU {
  using T = scalar_t<State>;
  using C = std::complex<T>;
  using Mat = Eigen::Matrix<C, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<C, Eigen::Dynamic, 1>;
  Mat W;
  Eigen::PartialPivLU<Mat> lu;
  Vec b, x;
  bool factor(const DenseLUSolver<State>& s, const MassMatrix<T>& m, C c) {
    if (W.rows() != s.J.rows()) {
      W.setZero(s.J.rows(), s.J.cols());
      lu = Eigen::PartialPivLU<Mat>(s.J.rows());
      b.setZero(s.J.rows());
      x.setZero(s.J.rows());
    }
    s.iteration_matrix(W, c, m);
    lu.compute(W);
    return lu_is_regular(lu);
  }
  void solve(const State& br, const State& bi, State& xr, State& xi) {
    const std::size_t n = state_size(br);
    for (std::size_t i = 0; i < n; ++i) b[Eigen::Index(i)] = C(br[i], bi[i]);
    x.noalias() = lu.solve(b);
    for (std::size_t i = 0; i < n; ++i) {
      xr[i] = x[Eigen::Index(i)].real();
      xi[i] = x[Eigen::Index(i)].imag();
    }
  }
};

}  // namespace sciml::detail
