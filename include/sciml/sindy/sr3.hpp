// SR3: sparse relaxed regularised regression (Zheng, Askham, Brunton, Kutz & Aravkin 2018; Champion et al.
// 2020), per output: min over (xi, w) of (1/2n)|y - Theta xi|^2 + lambda R(w) + (1/2nu)|xi - w|^2 with R the
// L0 or L1 norm, by alternating a linear solve for xi and the proximal step (hard or soft threshold) for w.
// Returns the sparse w (or, with unbias, least squares refit on its support) in the original scale.
#pragma once
#include <cmath>
#include <stdexcept>
#include <vector>
#include <Eigen/Dense>
#include "detail/regression.hpp"

namespace sciml::sindy {

struct SR3 {
  enum class Regularizer { L0, L1 };
  // The proximal threshold: L0 zeroes |xi| < threshold (lambda = threshold^2 / (2 nu)); L1 shrinks every
  // coefficient by threshold (lambda = threshold / nu). In the normalised scale when normalize_columns.
  double threshold = 0.1;
  // Relaxation: small nu ties xi to w tightly (slow, close to the regularised problem); large nu lets xi be
  // the least-squares fit (fast, close to a single thresholding of least squares).
  double nu = 1.0;
  Regularizer regularizer = Regularizer::L0;
  // Stop when max|xi_k - xi_{k-1}| <= tol * max|xi_k| (and the support of w is unchanged), or after max_iter.
  double tol = 1e-8;
  int max_iter = 10000;
  bool normalize_columns = false;
  // Refit the kept terms by plain least squares (removes the L1 shrinkage and the relaxation bias).
  bool unbias = true;

  Eigen::MatrixXd solve(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& y) const {
    detail::check_regression(theta, y, "sindy::SR3");
    if (!(threshold >= 0.0)) throw std::invalid_argument("sindy::SR3: threshold must be >= 0");
    if (!(nu > 0.0)) throw std::invalid_argument("sindy::SR3: nu must be positive");
    if (!(tol > 0.0)) throw std::invalid_argument("sindy::SR3: tol must be positive");
    if (max_iter < 1) throw std::invalid_argument("sindy::SR3: max_iter must be >= 1");
    const Eigen::Index n = theta.rows(), m = theta.cols(), k = y.cols();
    const Eigen::VectorXd scale = normalize_columns ? detail::column_rms(theta) : Eigen::VectorXd::Ones(m);
    const Eigen::MatrixXd th = theta * scale.cwiseInverse().asDiagonal();
    // (Theta^T Theta / n + I / nu) = R^T R, R from the QR factorisation of [Theta / sqrt(n); I / sqrt(nu)].
    Eigen::MatrixXd a(n + m, m);
    a.topRows(n) = th / std::sqrt(static_cast<double>(n));
    a.bottomRows(m).setZero();
    a.bottomRows(m).diagonal().setConstant(1.0 / std::sqrt(nu));
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
    const Eigen::MatrixXd r = qr.matrixQR().topRows(m).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd b = th.transpose() * y / static_cast<double>(n);
    auto solve_h = [&](const Eigen::MatrixXd& rhs) {
      Eigen::MatrixXd z = r.transpose().triangularView<Eigen::Lower>().solve(rhs);
      return Eigen::MatrixXd(r.triangularView<Eigen::Upper>().solve(z));
    };
    auto prox = [&](const Eigen::MatrixXd& x) {
      Eigen::MatrixXd w = x;
      for (Eigen::Index i = 0; i < w.size(); ++i) {
        const double v = x.data()[i];
        if (regularizer == Regularizer::L0)
          w.data()[i] = std::abs(v) >= threshold ? v : 0.0;
        else
          w.data()[i] = std::abs(v) > threshold ? v - std::copysign(threshold, v) : 0.0;
      }
      return w;
    };
    // Start from least squares (w = xi = the nu -> infinity solution).
    Eigen::MatrixXd xi = least_squares(th, y);
    Eigen::MatrixXd w = prox(xi);
    for (int it = 0; it < max_iter; ++it) {
      const Eigen::MatrixXd xi_new = solve_h(b + w / nu);
      const Eigen::MatrixXd w_new = prox(xi_new);
      const double change = (xi_new - xi).cwiseAbs().maxCoeff();
      const double size = xi_new.cwiseAbs().maxCoeff();
      const bool same_support = ((w_new.array() != 0.0) == (w.array() != 0.0)).all();
      xi = xi_new;
      w = w_new;
      if (same_support && change <= tol * size) break;
    }
    if (unbias) {
      for (Eigen::Index out = 0; out < k; ++out) {
        std::vector<bool> support(static_cast<std::size_t>(m));
        for (Eigen::Index j = 0; j < m; ++j) support[static_cast<std::size_t>(j)] = w(j, out) != 0.0;
        w.col(out) = detail::ridge_on_support(th, y.col(out), support, 0.0);
      }
    }
    return scale.cwiseInverse().asDiagonal() * w;
  }

 private:
  static Eigen::MatrixXd least_squares(const Eigen::MatrixXd& th, const Eigen::MatrixXd& y) {
    return th.colPivHouseholderQr().solve(y);
  }
};

}  // namespace sciml::sindy
