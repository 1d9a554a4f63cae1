// STLSQ: sequentially thresholded least squares (Brunton, Proctor & Kutz, PNAS 2016), with an optional ridge
// term and optional normalisation of the library's columns. Fits each output column of Y ~ Theta * Xi
// independently: least squares, zero every coefficient below `threshold`, refit on the rest, until the
// support stops changing; coefficients are returned in the original (unnormalised) scale.
#pragma once
#include <cmath>
#include <stdexcept>
#include <vector>
#include <Eigen/Dense>
#include "detail/regression.hpp"

namespace sciml::sindy {

struct STLSQ {
  // Coefficients with |xi| < threshold are dropped. With normalize_columns the comparison is on the
  // coefficient times its column's RMS (the RMS size of that term's contribution to the target), so one
  // threshold serves terms of very different magnitudes.
  double threshold = 0.1;
  // Ridge weight: each least-squares fit minimises (1/n)|y - Theta_S xi|^2 + alpha |xi|^2 (in the normalised
  // scale when normalize_columns); 0 = plain least squares by pivoted QR.
  double alpha = 0.0;
  int max_iter = 20;
  bool normalize_columns = false;

  // Xi (candidates x outputs) for Y (samples x outputs) ~ Theta (samples x candidates) * Xi.
  Eigen::MatrixXd solve(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& y) const {
    detail::check_regression(theta, y, "sindy::STLSQ");
    if (!(threshold >= 0.0)) throw std::invalid_argument("sindy::STLSQ: threshold must be >= 0");
    if (!(alpha >= 0.0)) throw std::invalid_argument("sindy::STLSQ: alpha must be >= 0");
    if (max_iter < 1) throw std::invalid_argument("sindy::STLSQ: max_iter must be >= 1");
    const Eigen::Index m = theta.cols();
    const Eigen::VectorXd scale = normalize_columns ? detail::column_rms(theta) : Eigen::VectorXd::Ones(m);
    const Eigen::MatrixXd th = theta * scale.cwiseInverse().asDiagonal();
    Eigen::MatrixXd xi = Eigen::MatrixXd::Zero(m, y.cols());
    for (Eigen::Index out = 0; out < y.cols(); ++out) {
      std::vector<bool> support(static_cast<std::size_t>(m), true);
      Eigen::VectorXd c = detail::ridge_on_support(th, y.col(out), support, alpha);
      for (int it = 0; it < max_iter; ++it) {
        bool changed = false;
        for (Eigen::Index j = 0; j < m; ++j) {
          const bool keep = support[static_cast<std::size_t>(j)] && std::abs(c[j]) >= threshold;
          if (keep != support[static_cast<std::size_t>(j)]) changed = true;
          support[static_cast<std::size_t>(j)] = keep;
        }
        if (!changed) break;
        c = detail::ridge_on_support(th, y.col(out), support, alpha);
      }
      for (Eigen::Index j = 0; j < m; ++j)
        if (!support[static_cast<std::size_t>(j)]) c[j] = 0.0;
      xi.col(out) = c.cwiseQuotient(scale);
    }
    return xi;
  }
};

}  // namespace sciml::sindy
