// Losses for `gradient`: a loss is any callable l(i, t_i, u_i, gu) -> double that also writes dl_i/du into gu
// (n zeros on entry); SquaredErrorLoss is the usual one against data at the saved times.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sciml {

// L = sum_i sum_k w_k (u_i[k] - data_i[k])^2 (weights 1 unless given).
struct SquaredErrorLoss {
  std::vector<std::vector<double>> data;
  std::vector<double> weights;
  double operator()(std::size_t i, double, const std::vector<double>& u, std::vector<double>& gu) const {
    if (i >= data.size())
      throw std::invalid_argument("SquaredErrorLoss: no data for saved time " + std::to_string(i));
    const auto& d = data[i];
    if (d.size() != u.size())
      throw std::invalid_argument("SquaredErrorLoss: data row " + std::to_string(i) + " has " +
                                  std::to_string(d.size()) + " values for " + std::to_string(u.size()) + " states");
    double l = 0;
    for (std::size_t k = 0; k < u.size(); ++k) {
      const double w = weights.empty() ? 1.0 : weights[k];
      const double r = u[k] - d[k];
      l += w * r * r;
      gu[k] = 2 * w * r;
    }
    return l;
  }
};

}  // namespace sciml
