// EnsembleSummary: mean, unbiased variance and quantiles over the successful trajectories of an ensemble, per time
// and state component. summarize(esol) uses the saved times (the same for every trajectory: use opts.saveat);
// summarize_at(esol, times) evaluates each solution at the given times. Quantiles interpolate linearly between
// order statistics, like numpy's default and Julia's Statistics.quantile.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>
#include "../core/return_code.hpp"
#include "../core/state.hpp"
#include "ensemble_solution.hpp"

namespace sciml {

struct EnsembleSummary {
  std::vector<double> t;       // the times (empty when the outputs are states, not solutions)
  std::vector<double> levels;  // the quantile levels asked for, each in [0, 1]
  std::size_t trajectories = 0;  // successful trajectories the statistics are over
  std::size_t failures = 0;      // failed trajectories left out
  // [i][k]: time t[i] (or the single row of state outputs), component k
  std::vector<std::vector<double>> mean;
  std::vector<std::vector<double>> variance;  // divides by n - 1; NaN for one trajectory
  // quantiles[j][i][k]: level levels[j], time i, component k
  std::vector<std::vector<std::vector<double>>> quantiles;
};

// The q-quantile (q in [0, 1]) of sorted values x (numpy's "linear" method: h = (n - 1) q, interpolate between
// x[floor h] and x[floor h + 1]).
inline double quantile_sorted(const std::vector<double>& x, double q) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = (double(x.size()) - 1) * q;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= x.size()) return x.back();
  const double w = h - double(lo);
  return x[lo] + w * (x[lo + 1] - x[lo]);
}

namespace detail {

inline void check_levels(const std::vector<double>& levels) {
  for (double q : levels)
    if (!(q >= 0 && q <= 1))
      throw std::invalid_argument("quantiles: every level must be in [0, 1] (got " + std::to_string(q) + ")");
}

// Successful trajectories of esol; refuses an ensemble with none.
template <class Out>
std::vector<std::size_t> summary_members(const EnsembleSolution<Out>& esol, std::size_t& failures) {
  std::vector<std::size_t> used;
  failures = 0;
  for (std::size_t i = 0; i < esol.u.size(); ++i) {
    if (i < esol.retcodes.size() && !successful_retcode(esol.retcodes[i])) {
      ++failures;
    } else {
      used.push_back(i);
    }
  }
  if (used.empty())
    throw std::invalid_argument("esol: no successful trajectory to summarize (" + std::to_string(failures) + " failed)");
  return used;
}

// Fills the statistics of s from value(i, m, k): trajectory used[m], row i, component k.
template <class Value>
void fill_summary(EnsembleSummary& s, std::size_t rows, std::size_t comps, std::size_t members, Value&& value) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean.assign(rows, std::vector<double>(comps, 0.0));
  s.variance.assign(rows, std::vector<double>(comps, nan));
  s.quantiles.assign(s.levels.size(), std::vector<std::vector<double>>(rows, std::vector<double>(comps, nan)));
  std::vector<double> x(members);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < comps; ++k) {
      double sum = 0;
      for (std::size_t m = 0; m < members; ++m) {
        x[m] = value(i, m, k);
        sum += x[m];
      }
      const double mean = sum / double(members);
      s.mean[i][k] = mean;
      if (members > 1) {
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        s.variance[i][k] = ss / double(members - 1);
      }
      std::sort(x.begin(), x.end());
      for (std::size_t j = 0; j < s.levels.size(); ++j) s.quantiles[j][i][k] = quantile_sorted(x, s.levels[j]);
    }
  }
}

}  // namespace detail

// Statistics over the saved points. Outputs must be solutions (with .t and .u) saved at the same times, or
// states (then one row, and t is empty). Failed trajectories are left out and counted.
template <class Out>
EnsembleSummary summarize(const EnsembleSolution<Out>& esol, std::vector<double> quantiles = {0.05, 0.95}) {
  detail::check_levels(quantiles);
  EnsembleSummary s;
  s.levels = std::move(quantiles);
  const std::vector<std::size_t> used = detail::summary_members(esol, s.failures);
  s.trajectories = used.size();
  const Out& ref = esol.u[used[0]];
  if constexpr (requires { ref.t; ref.u; }) {
    for (std::size_t i : used) {
      const Out& o = esol.u[i];
      if (o.t != ref.t)
        throw std::invalid_argument("esol: trajectory " + std::to_string(i) + " saved " + std::to_string(o.t.size()) +
                                    " points at other times than trajectory " + std::to_string(used[0]) + " (" +
                                    std::to_string(ref.t.size()) + " points); summarize needs the same saved times for "
                                    "every trajectory (set opts.saveat), or use summarize_at(esol, times)");
      for (std::size_t r = 0; r < o.u.size(); ++r)
        if (state_size(o.u[r]) != state_size(ref.u[r]))
          throw std::invalid_argument("esol: trajectory " + std::to_string(i) + " has another state size at t = " +
                                      std::to_string(double(o.t[r])));
    }
    s.t.assign(ref.t.begin(), ref.t.end());
    const std::size_t comps = ref.u.empty() ? 0 : state_size(ref.u[0]);
    detail::fill_summary(s, ref.t.size(), comps, used.size(),
                         [&](std::size_t i, std::size_t m, std::size_t k) { return double(esol.u[used[m]].u[i][k]); });
  } else {
    static_assert(requires { ref[0]; state_size(ref); },
                  "summarize: the outputs must be solutions (.t, .u) or states (u[k], u.size())");
    const std::size_t comps = state_size(ref);
    for (std::size_t i : used)
      if (state_size(esol.u[i]) != comps)
        throw std::invalid_argument("esol: trajectory " + std::to_string(i) + "'s output has " +
                                    std::to_string(state_size(esol.u[i])) + " components, trajectory " +
                                    std::to_string(used[0]) + "'s " + std::to_string(comps));
    detail::fill_summary(s, 1, comps, used.size(),
                         [&](std::size_t, std::size_t m, std::size_t k) { return double(esol.u[used[m]][k]); });
  }
  return s;
}

// Statistics at the given times, from each solution's continuous output sol(t) (times inside every trajectory's
// solved interval). Failed trajectories are left out and counted.
template <class Out>
EnsembleSummary summarize_at(const EnsembleSolution<Out>& esol, const std::vector<double>& times,
                             std::vector<double> quantiles = {0.05, 0.95}) {
  static_assert(requires(const Out& o) { o(o.t[0]); }, "summarize_at: the outputs must be solutions (sol(t))");
  detail::check_levels(quantiles);
  if (times.empty()) throw std::invalid_argument("times: give at least one time");
  EnsembleSummary s;
  s.levels = std::move(quantiles);
  s.t = times;
  const std::vector<std::size_t> used = detail::summary_members(esol, s.failures);
  s.trajectories = used.size();
  using T = typename Out::time_type;
  using State = typename Out::state_type;
  // values[m][i]: trajectory used[m] at times[i]
  std::vector<std::vector<State>> values(used.size());
  std::size_t comps = 0;
  for (std::size_t m = 0; m < used.size(); ++m) {
    values[m].reserve(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      values[m].push_back(esol.u[used[m]](T(times[i])));
      const std::size_t c = state_size(values[m].back());
      if (m == 0 && i == 0) comps = c;
      if (c != comps)
        throw std::invalid_argument("esol: trajectory " + std::to_string(used[m]) + " has another state size at t = " +
                                    std::to_string(times[i]));
    }
  }
  detail::fill_summary(s, times.size(), comps, used.size(),
                       [&](std::size_t i, std::size_t m, std::size_t k) { return double(values[m][i][k]); });
  return s;
}

}  // namespace sciml
