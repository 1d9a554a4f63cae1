// Least-squares slope of log(error) against log(dt): the empirical order of convergence.
#pragma once
#include <cmath>
#include <vector>

namespace sciml::testing {
inline double loglog_slope(const std::vector<double>& dts, const std::vector<double>& errs) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = double(dts.size());
  for (std::size_t i = 0; i < dts.size(); ++i) {
    const double x = std::log(dts[i]), y = std::log(errs[i]);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
}  // namespace sciml::testing
