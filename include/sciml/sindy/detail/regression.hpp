// Shared pieces of the SINDy regressions (STLSQ, SR3): column scales for normalisation, (ridge) least squares
// on a subset of the library's columns by pivoted QR, and input checks.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>
#include <Eigen/Dense>

namespace sciml::sindy::detail {

inline void check_regression(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& y, const char* who) {
  if (theta.rows() != y.rows())
    throw std::invalid_argument(std::string(who) + ": Theta has " + std::to_string(theta.rows()) +
                                " rows, the targets " + std::to_string(y.rows()));
  if (theta.rows() == 0 || theta.cols() == 0) throw std::invalid_argument(std::string(who) + ": empty Theta");
  if (!theta.allFinite() || !y.allFinite())
    throw std::invalid_argument(std::string(who) + ": Theta or the targets contain NaN or infinity");
}

// Root-mean-square of each column (1 where a column is zero), so that Theta * diag(1/scale) has unit-RMS columns.
inline Eigen::VectorXd column_rms(const Eigen::MatrixXd& theta) {
  Eigen::VectorXd s(theta.cols());
  const double n = static_cast<double>(theta.rows());
  for (Eigen::Index j = 0; j < theta.cols(); ++j) {
    const double r = theta.col(j).norm() / std::sqrt(n);
    s[j] = r > 0.0 ? r : 1.0;
  }
  return s;
}

// argmin_xi (1/n) |y - Theta_S xi|^2 + alpha |xi|^2 over the columns S (support[j] true), zeros elsewhere.
inline Eigen::VectorXd ridge_on_support(const Eigen::MatrixXd& theta, const Eigen::VectorXd& y,
                                        const std::vector<bool>& support, double alpha) {
  std::vector<Eigen::Index> cols;
  for (Eigen::Index j = 0; j < theta.cols(); ++j)
    if (support[static_cast<std::size_t>(j)]) cols.push_back(j);
  Eigen::VectorXd xi = Eigen::VectorXd::Zero(theta.cols());
  if (cols.empty()) return xi;
  const Eigen::Index n = theta.rows(), k = static_cast<Eigen::Index>(cols.size());
  const bool ridge = alpha > 0.0;
  Eigen::MatrixXd a(ridge ? n + k : n, k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(a.rows());
  for (Eigen::Index c = 0; c < k; ++c) a.col(c).head(n) = theta.col(cols[static_cast<std::size_t>(c)]);
  b.head(n) = y;
  if (ridge) {
    // (1/n)|r|^2 + alpha |xi|^2 = (1/n) |[Theta_S; sqrt(n alpha) I] xi - [y; 0]|^2
    a.bottomRows(k).setZero();
    a.bottomRows(k).diagonal().setConstant(std::sqrt(alpha * static_cast<double>(n)));
  }
  const Eigen::VectorXd sol = a.colPivHouseholderQr().solve(b);
  for (Eigen::Index c = 0; c < k; ++c) xi[cols[static_cast<std::size_t>(c)]] = sol[c];
  return xi;
}

}  // namespace sciml::sindy::detail
