// threshold_sweep: fits a SINDy model at each threshold of a list (default: 0 and a log-spaced grid up to the
// largest least-squares coefficient) and, optionally, by least squares on every small support (combinatorial
// search), scores every fit per output by AICc and BIC from its residual sum of squares and number of nonzero
// terms (Mangan et al. 2017), and returns the best model — each output's equation from its own best fit —
// together with the whole path.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include <Eigen/Dense>
#include "detail/regression.hpp"
#include "library.hpp"
#include "model.hpp"
#include "stlsq.hpp"

namespace sciml::sindy {

struct SweepOptions {
  enum class Criterion { AICc, BIC };
  // Thresholds to try (in the optimizer's scale: normalised when it normalises columns). Empty: 0 and
  // grid_points values log-spaced from grid_min_ratio * max|Xi_LS| to max|Xi_LS|.
  std::vector<double> thresholds;
  std::size_t grid_points = 40;
  double grid_min_ratio = 1e-3;
  Criterion criterion = Criterion::AICc;
  // Residuals below rss_floor * RMS(target) per sample count as zero (rounding), so exact data do not reward
  // terms that only fit rounding errors.
  double rss_floor = 1e-10;
  // Residuals of smoothed derivatives are correlated over about the smoothing window: the criteria count
  // n / correlation_length independent samples (1: every sample independent).
  double correlation_length = 1.0;
  // Parsimony margin: the sparsest fit whose criterion is within `parsimony` of the minimum wins (Burnham &
  // Anderson: a difference below 2 is no evidence for the larger model). 0: plain minimum.
  double parsimony = 2.0;
  // Combinatorial search: besides the thresholded fits, fit every support of at most max_subset_terms
  // candidates (and the empty model) by least squares, and let the criterion choose among all of them
  // (Mangan et al. 2017). Thresholding can miss the right model when candidates are nearly collinear (samples
  // along one orbit, where x*y, y and y^2 look alike): least squares on the whole library then spreads the
  // signal over large, cancelling coefficients, and the threshold drops the true term before a spurious one.
  // Costs sum_{k <= K} C(candidates, k) small least-squares fits (refused above 100000); 0: off.
  std::size_t max_subset_terms = 0;
};

struct SweepPoint {
  double threshold = 0;   // NaN for a least-squares fit on a support of the combinatorial search
  std::vector<std::size_t> support;  // that support (candidate indices); empty for a thresholded fit
  std::size_t nnz = 0;  // all outputs
  double rss = 0;       // all outputs
  double aicc = 0;      // sum over outputs (each output with its own noise variance)
  double bic = 0;
  std::vector<std::size_t> nnz_per_output;
  std::vector<double> rss_per_output, aicc_per_output, bic_per_output;
};

struct SweepResult {
  SparseModel best;                     // output j: the fit at path[best_index[j]]
  std::vector<std::size_t> best_index;  // per output, into path
  std::vector<SweepPoint> path;         // in the order of the thresholds tried
};

namespace detail {
// AICc and BIC of a least-squares fit with n samples, k parameters and residual sum of squares rss.
inline double aicc_of(double n, double k, double rss) {
  const double aic = n * std::log(rss / n) + 2.0 * k;
  return n - k - 1.0 > 0.0 ? aic + 2.0 * k * (k + 1.0) / (n - k - 1.0) : std::numeric_limits<double>::infinity();
}
inline double bic_of(double n, double k, double rss) { return n * std::log(rss / n) + k * std::log(n); }

// Number of supports of at most k of m candidates (the empty one included), saturating at `cap` + 1.
inline std::size_t count_supports(std::size_t m, std::size_t k, std::size_t cap) {
  double total = 0.0, binom = 1.0;  // C(m, j)
  for (std::size_t j = 0; j <= std::min(k, m); ++j) {
    total += binom;
    if (total > double(cap)) return cap + 1;
    binom = binom * double(m - j) / double(j + 1);
  }
  return static_cast<std::size_t>(total);
}

// Least squares (pivoted QR) of every target column on the columns `cols` of theta; zeros elsewhere.
inline Eigen::MatrixXd least_squares_on(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& targets,
                                        const std::vector<std::size_t>& cols) {
  Eigen::MatrixXd xi = Eigen::MatrixXd::Zero(theta.cols(), targets.cols());
  if (cols.empty()) return xi;
  Eigen::MatrixXd a(theta.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t c = 0; c < cols.size(); ++c) a.col(Eigen::Index(c)) = theta.col(Eigen::Index(cols[c]));
  const Eigen::MatrixXd sol = a.colPivHouseholderQr().solve(targets);
  for (std::size_t c = 0; c < cols.size(); ++c) xi.row(Eigen::Index(cols[c])) = sol.row(Eigen::Index(c));
  return xi;
}
}  // namespace detail

// Optimizer: as for fit, plus public members `threshold` and `normalize_columns` (STLSQ, SR3).
template <class Optimizer = STLSQ>
SweepResult threshold_sweep(const Library& lib, const Eigen::MatrixXd& X, const Eigen::MatrixXd& targets,
                            Optimizer optimizer = Optimizer{}, const SweepOptions& options = {},
                            std::vector<std::string> output_names = {}) {
  if (X.rows() != targets.rows())
    throw std::invalid_argument("sindy::threshold_sweep: X and the targets must have the same number of rows");
  if (!output_names.empty() && output_names.size() != static_cast<std::size_t>(targets.cols()))
    throw std::invalid_argument("sindy::threshold_sweep: one output name per target column");
  const Eigen::MatrixXd theta = lib.evaluate(X);
  std::vector<double> thresholds = options.thresholds;
  if (thresholds.empty()) {
    if (options.grid_points < 2 || !(options.grid_min_ratio > 0.0 && options.grid_min_ratio < 1.0))
      throw std::invalid_argument("sindy::threshold_sweep: needs grid_points >= 2 and 0 < grid_min_ratio < 1");
    Optimizer ls = optimizer;
    ls.threshold = 0.0;
    Eigen::MatrixXd xi = ls.solve(theta, targets);
    if (optimizer.normalize_columns) xi = detail::column_rms(theta).asDiagonal() * xi;
    const double top = xi.cwiseAbs().maxCoeff();
    thresholds.push_back(0.0);
    if (top > 0.0) {
      const double lo = std::log(top * options.grid_min_ratio), hi = std::log(top);
      for (std::size_t i = 0; i < options.grid_points; ++i)
        thresholds.push_back(std::exp(lo + (hi - lo) * double(i) / double(options.grid_points - 1)));
    }
  }
  const Eigen::Index nout = targets.cols();
  const double n = static_cast<double>(targets.rows());
  if (!(options.correlation_length >= 1.0))
    throw std::invalid_argument("sindy::threshold_sweep: correlation_length must be >= 1");
  const double neff = n / options.correlation_length;
  std::vector<double> floor(static_cast<std::size_t>(nout));
  for (Eigen::Index j = 0; j < nout; ++j) {
    const double rms = targets.col(j).norm() / std::sqrt(n);
    floor[static_cast<std::size_t>(j)] = std::max(n * std::pow(options.rss_floor * rms, 2), 1e-300);
  }

  SweepResult result;
  std::vector<Eigen::MatrixXd> fits;
  auto score = [&](SweepPoint pt, Eigen::MatrixXd xi) {
    const Eigen::MatrixXd resid = targets - theta * xi;
    for (Eigen::Index j = 0; j < nout; ++j) {
      const std::size_t k = static_cast<std::size_t>((xi.col(j).array() != 0.0).count());
      const double rss = resid.col(j).squaredNorm();
      const double rss_eff = std::max(rss, floor[static_cast<std::size_t>(j)]);
      pt.nnz_per_output.push_back(k);
      pt.rss_per_output.push_back(rss);
      pt.aicc_per_output.push_back(detail::aicc_of(neff, double(k), rss_eff * neff / n));
      pt.bic_per_output.push_back(detail::bic_of(neff, double(k), rss_eff * neff / n));
      pt.nnz += k;
      pt.rss += rss;
      pt.aicc += pt.aicc_per_output.back();
      pt.bic += pt.bic_per_output.back();
    }
    result.path.push_back(std::move(pt));
    fits.push_back(std::move(xi));
  };
  for (double thr : thresholds) {
    optimizer.threshold = thr;
    SweepPoint pt;
    pt.threshold = thr;
    score(std::move(pt), optimizer.solve(theta, targets));
  }
  if (options.max_subset_terms > 0) {
    const std::size_t m = static_cast<std::size_t>(theta.cols());
    const std::size_t kmax = std::min(options.max_subset_terms, m);
    constexpr std::size_t cap = 100000;
    if (detail::count_supports(m, kmax, cap) > cap)
      throw std::invalid_argument("sindy::threshold_sweep: max_subset_terms = " +
                                  std::to_string(options.max_subset_terms) + " over " + std::to_string(m) +
                                  " candidates means more than 100000 supports; lower it");
    // least squares in the unit-RMS column scale (better conditioned; the fit itself does not depend on it)
    const Eigen::VectorXd scale = detail::column_rms(theta);
    const Eigen::MatrixXd th = theta * scale.cwiseInverse().asDiagonal();
    std::vector<std::size_t> cols;
    for (std::size_t k = 0; k <= kmax; ++k) {
      cols.resize(k);
      for (std::size_t i = 0; i < k; ++i) cols[i] = i;
      while (true) {  // the supports of size k in lexicographic order
        SweepPoint pt;
        pt.threshold = std::numeric_limits<double>::quiet_NaN();
        pt.support = cols;
        score(std::move(pt), scale.cwiseInverse().asDiagonal() * detail::least_squares_on(th, targets, cols));
        std::size_t i = k;
        while (i > 0 && cols[i - 1] == m - k + (i - 1)) --i;
        if (i == 0) break;
        ++cols[i - 1];
        for (std::size_t j = i; j < k; ++j) cols[j] = cols[j - 1] + 1;
      }
    }
  }

  Eigen::MatrixXd best(theta.cols(), nout);
  result.best_index.assign(static_cast<std::size_t>(nout), 0);
  for (Eigen::Index j = 0; j < nout; ++j) {
    const std::size_t jj = static_cast<std::size_t>(j);
    auto crit = [&](std::size_t i) {
      return options.criterion == SweepOptions::Criterion::AICc ? result.path[i].aicc_per_output[jj]
                                                                : result.path[i].bic_per_output[jj];
    };
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < result.path.size(); ++i) lowest = std::min(lowest, crit(i));
    // among the fits within the parsimony margin of the lowest criterion: the sparsest, then the lowest
    std::size_t arg = 0;
    bool found = false;
    for (std::size_t i = 0; i < result.path.size(); ++i) {
      if (!(crit(i) <= lowest + options.parsimony)) continue;
      const std::size_t k = result.path[i].nnz_per_output[jj], ka = result.path[arg].nnz_per_output[jj];
      if (!found || k < ka || (k == ka && crit(i) < crit(arg))) arg = i;
      found = true;
    }
    result.best_index[static_cast<std::size_t>(j)] = arg;
    best.col(j) = fits[arg].col(j);
  }
  result.best = SparseModel{lib, std::move(best), std::move(output_names)};
  return result;
}

}  // namespace sciml::sindy
