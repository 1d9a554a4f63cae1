// Time derivatives of sampled data for SINDy, on uniform or non-uniform sample times: finite differences of any
// order (Fornberg weights; central inside, one-sided at the ends), Savitzky–Golay (a local least-squares
// polynomial per sample, which also smooths), and total-variation regularised differentiation for noisy data.
// Every function maps X (rows = samples at times t, cols = variables) to dX/dt of the same shape.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>
#include <Eigen/Dense>
#include <Eigen/Sparse>

namespace sciml::sindy {

namespace detail {

// Fornberg (1988): weights c[j][k] such that f^(k)(z) ~ sum_j c[j][k] f(x[j]), k = 0..m, on any distinct x.
inline std::vector<std::vector<double>> fornberg_weights(double z, const double* x, std::size_t npts, int m) {
  std::vector<std::vector<double>> c(npts, std::vector<double>(static_cast<std::size_t>(m) + 1, 0.0));
  double c1 = 1.0, c4 = x[0] - z;
  c[0][0] = 1.0;
  for (std::size_t i = 1; i < npts; ++i) {
    const int mn = std::min(static_cast<int>(i), m);
    double c2 = 1.0;
    const double c5 = c4;
    c4 = x[i] - z;
    for (std::size_t j = 0; j < i; ++j) {
      const double c3 = x[i] - x[j];
      c2 *= c3;
      if (j == i - 1) {
        for (int k = mn; k >= 1; --k) c[i][k] = c1 * (k * c[i - 1][k - 1] - c5 * c[i - 1][k]) / c2;
        c[i][0] = -c1 * c5 * c[i - 1][0] / c2;
      }
      for (int k = mn; k >= 1; --k) c[j][k] = (c4 * c[j][k] - k * c[j][k - 1]) / c3;
      c[j][0] = c4 * c[j][0] / c3;
    }
    c1 = c2;
  }
  return c;
}

inline void check_times(const Eigen::VectorXd& t, const Eigen::MatrixXd& X, const char* who, Eigen::Index min_n) {
  if (t.size() != X.rows())
    throw std::invalid_argument(std::string(who) + ": t has " + std::to_string(t.size()) + " times, X " +
                                std::to_string(X.rows()) + " rows");
  if (t.size() < min_n)
    throw std::invalid_argument(std::string(who) + ": needs at least " + std::to_string(min_n) + " samples");
  for (Eigen::Index i = 1; i < t.size(); ++i)
    if (!(t[i] > t[i - 1])) throw std::invalid_argument(std::string(who) + ": t must be strictly increasing");
}

inline Eigen::VectorXd to_eigen(const std::vector<double>& t) {
  return Eigen::Map<const Eigen::VectorXd>(t.data(), static_cast<Eigen::Index>(t.size()));
}

}  // namespace detail

// dX/dt by finite differences of accuracy `order` (>= 1): each derivative is that of the interpolating
// polynomial through order + 1 neighbouring samples, centred where possible (order 2: the three-point central
// difference inside, the three-point one-sided formulas at both ends; order 1: forward, backward at the end).
// The error is O(h^order) on smooth data; differences amplify noise by ~1/h, so smooth noisy data first.
inline Eigen::MatrixXd finite_difference(const Eigen::VectorXd& t, const Eigen::MatrixXd& X, int order = 2) {
  if (order < 1) throw std::invalid_argument("sindy::finite_difference: order must be >= 1");
  detail::check_times(t, X, "sindy::finite_difference", order + 1);
  const Eigen::Index n = t.size(), w = order + 1;
  Eigen::MatrixXd dX(n, X.cols());
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index start = std::clamp<Eigen::Index>(i - order / 2, 0, n - w);
    auto c = detail::fornberg_weights(t[i], t.data() + start, static_cast<std::size_t>(w), 1);
    for (Eigen::Index col = 0; col < X.cols(); ++col) {
      double s = 0.0;
      for (Eigen::Index j = 0; j < w; ++j) s += c[static_cast<std::size_t>(j)][1] * X(start + j, col);
      dX(i, col) = s;
    }
  }
  return dX;
}
inline Eigen::MatrixXd finite_difference(const std::vector<double>& t, const Eigen::MatrixXd& X, int order = 2) {
  return finite_difference(detail::to_eigen(t), X, order);
}

// Savitzky–Golay: at each sample, the least-squares polynomial of degree `polyorder` through the `window`
// nearest samples (centred; shifted inside at the ends), evaluated in time, is differentiated `deriv` times at
// that sample (deriv = 0: smoothed values, 1: dX/dt, ...). Works on non-uniform t (one small fit per sample).
// window: odd, > polyorder, <= number of samples. Error on smooth data O(h^polyorder) for the first derivative
// at a fixed window in samples; a wider window averages more noise away and biases curved data more.
inline Eigen::MatrixXd savitzky_golay(const Eigen::VectorXd& t, const Eigen::MatrixXd& X, int window, int polyorder,
                                      int deriv = 1) {
  if (polyorder < 0) throw std::invalid_argument("sindy::savitzky_golay: polyorder must be >= 0");
  if (window <= polyorder || window % 2 == 0)
    throw std::invalid_argument("sindy::savitzky_golay: window must be odd and larger than polyorder");
  if (deriv < 0 || deriv > polyorder)
    throw std::invalid_argument("sindy::savitzky_golay: deriv must lie in [0, polyorder]");
  detail::check_times(t, X, "sindy::savitzky_golay", window);
  const Eigen::Index n = t.size(), w = window, p = polyorder;
  double factorial = 1.0;
  for (int k = 2; k <= deriv; ++k) factorial *= k;
  Eigen::MatrixXd out(n, X.cols());
  Eigen::MatrixXd V(w, p + 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index start = std::clamp<Eigen::Index>(i - w / 2, 0, n - w);
    double h = 0.0;
    for (Eigen::Index j = 0; j < w; ++j) h = std::max(h, std::abs(t[start + j] - t[i]));
    for (Eigen::Index j = 0; j < w; ++j) {
      const double s = (t[start + j] - t[i]) / h;
      double pw = 1.0;
      for (Eigen::Index k = 0; k <= p; ++k, pw *= s) V(j, k) = pw;
    }
    // Row `deriv` of the pseudo-inverse of V: the weights of that coefficient of the local polynomial.
    Eigen::MatrixXd pinv = V.colPivHouseholderQr().solve(Eigen::MatrixXd::Identity(w, w));
    const Eigen::RowVectorXd weights = pinv.row(deriv) * (factorial / std::pow(h, deriv));
    out.row(i) = weights * X.middleRows(start, w);
  }
  return out;
}
inline Eigen::MatrixXd savitzky_golay(const std::vector<double>& t, const Eigen::MatrixXd& X, int window,
                                      int polyorder, int deriv = 1) {
  return savitzky_golay(detail::to_eigen(t), X, window, polyorder, deriv);
}

// Total-variation regularised differentiation (Rudin–Osher–Fatemi on the derivative, as in Chartrand 2011):
// per column, v = argmin 1/2 sum_i (v_i - x_i)^2 + alpha * sum_k |s_{k+1} - s_k|, s_k = (v_{k+1} - v_k) / h_k,
// solved by lagged diffusivity (`iterations` sparse pentadiagonal solves); returns the central differences of
// v. The result's derivative is piecewise constant where the data are noisy; alpha (units of x times t) trades
// fidelity for flatness: start near noise_std * (t_end - t_0) / sqrt(n) and sweep.
inline Eigen::MatrixXd tv_regularized(const Eigen::VectorXd& t, const Eigen::MatrixXd& X, double alpha,
                                      int iterations = 30) {
  if (!(alpha >= 0.0)) throw std::invalid_argument("sindy::tv_regularized: alpha must be >= 0");
  if (iterations < 1) throw std::invalid_argument("sindy::tv_regularized: iterations must be >= 1");
  detail::check_times(t, X, "sindy::tv_regularized", 3);
  const Eigen::Index n = t.size(), ng = n - 2;
  // G v = slope jumps: g_k = (v_{k+2} - v_{k+1}) / h_{k+1} - (v_{k+1} - v_k) / h_k.
  std::vector<Eigen::Triplet<double>> gt;
  for (Eigen::Index k = 0; k < ng; ++k) {
    const double h0 = t[k + 1] - t[k], h1 = t[k + 2] - t[k + 1];
    gt.emplace_back(k, k, 1.0 / h0);
    gt.emplace_back(k, k + 1, -1.0 / h0 - 1.0 / h1);
    gt.emplace_back(k, k + 2, 1.0 / h1);
  }
  Eigen::SparseMatrix<double> G(ng, n), I(n, n);
  G.setFromTriplets(gt.begin(), gt.end());
  I.setIdentity();
  Eigen::MatrixXd V = X;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt;
  for (Eigen::Index col = 0; col < X.cols(); ++col) {
    Eigen::VectorXd v = X.col(col);
    const Eigen::VectorXd x = X.col(col);
    for (int it = 0; it < iterations; ++it) {
      const Eigen::VectorXd g = G * v;
      const double gscale = g.cwiseAbs().maxCoeff();
      const double eps = 1e-6 * gscale + 1e-300;
      Eigen::VectorXd e(ng);
      for (Eigen::Index k = 0; k < ng; ++k) e[k] = alpha / std::sqrt(g[k] * g[k] + eps * eps);
      Eigen::SparseMatrix<double> A = I + Eigen::SparseMatrix<double>(G.transpose() * e.asDiagonal() * G);
      if (it == 0) ldlt.analyzePattern(A);
      ldlt.factorize(A);
      if (ldlt.info() != Eigen::Success) throw std::runtime_error("sindy::tv_regularized: factorisation failed");
      v = ldlt.solve(x);
    }
    V.col(col) = v;
  }
  return finite_difference(t, V, 2);
}
inline Eigen::MatrixXd tv_regularized(const std::vector<double>& t, const Eigen::MatrixXd& X, double alpha,
                                      int iterations = 30) {
  return tv_regularized(detail::to_eigen(t), X, alpha, iterations);
}

}  // namespace sciml::sindy
