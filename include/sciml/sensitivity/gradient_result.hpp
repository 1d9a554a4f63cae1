// What `gradient` returns: the loss, dL/dp and dL/du0 with the retcode, message and counters of the solves; and
// the two things every sensitivity method does to it (add a solve's counters, mark it failed).
#pragma once
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>
#include "../core/return_code.hpp"
#include "../core/stats.hpp"

namespace sciml {

struct GradientResult {
  double loss = std::numeric_limits<double>::quiet_NaN();  // NaN until a solve succeeds
  std::vector<double> dp, du0;  // dL/dp, dL/du0
  ReturnCode retcode = ReturnCode::Default;
  std::string message;
  Stats forward, adjoint;  // counters of the forward solve(s) and of the adjoint solves
  bool success() const { return successful_retcode(retcode); }
};

namespace detail {

inline void add_stats(Stats& a, const Stats& b) {
  a.nf += b.nf;
  a.njac += b.njac;
  a.nw += b.nw;
  a.nsolve += b.nsolve;
  a.naccept += b.naccept;
  a.nreject += b.nreject;
  a.nsteps += b.nsteps;
}

// A failed solve gives NaN, never a loss of 0 and a zero gradient that look like an optimum (the loss stays
// NaN unless the forward solve succeeded; regression: test_gradient_of_failed_solve).
inline void fail_gradient(GradientResult& res, ReturnCode rc, std::string msg) {
  res.retcode = rc;
  res.message = std::move(msg);
  std::fill(res.dp.begin(), res.dp.end(), std::numeric_limits<double>::quiet_NaN());
  std::fill(res.du0.begin(), res.du0.end(), std::numeric_limits<double>::quiet_NaN());
}

}  // namespace detail
}  // namespace sciml
