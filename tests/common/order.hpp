// Empirical order of convergence: least-squares slope of log(error) against log(dt), taken over the last
// dt-halvings before the error reaches the floor set by roundoff / double-precision coefficients.
#pragma once
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

struct SlopeFit {
  double slope = 0;
  std::vector<double> dts, errs;
};

// error_of(n) is the error with n steps over a span of length `span`; n doubles from n0. Points with error
// below 1e-4 count; the sweep stops when the error stops falling like dt^(expected - 1.5) (the floor) or drops
// below `floor`. The slope is fitted over the last (at most) three points.
inline SlopeFit asymptotic_slope(const std::function<double(int)>& error_of, double span, double expected,
                                 int n0 = 2, int nmax = 1 << 20, double floor = 1e-16) {
  SlopeFit fit;
  double prev = 0;
  for (int n = n0; n <= nmax; n *= 2) {
    const double err = error_of(n);
    if (std::getenv("SCIML_VERBOSE")) std::printf("    n=%d err=%.3e\n", n, err);
    if (prev > 0 && prev < 1e-4 && err > prev / std::pow(2.0, expected - 1.5)) break;
    if (err < floor) break;
    if (err < 1e-4) {
      fit.dts.push_back(span / n);
      fit.errs.push_back(err);
    }
    prev = err;
  }
  if (fit.dts.size() > 3) {
    fit.dts.erase(fit.dts.begin(), fit.dts.end() - 3);
    fit.errs.erase(fit.errs.begin(), fit.errs.end() - 3);
  }
  if (fit.dts.size() >= 2) fit.slope = loglog_slope(fit.dts, fit.errs);
  return fit;
}
}  // namespace sciml::testing
