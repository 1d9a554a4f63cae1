// TolView: the absolute (scalar or per component) and relative tolerances as a step sees them, for error
// estimates and Newton convergence tests.
#pragma once
#include <cmath>
#include <cstddef>
#include "../config.hpp"
#include "state.hpp"

namespace sciml::detail {

template <class R>
struct TolView {
  R abstol;
  const R* abstol_vec;  // nullptr: use abstol
  R reltol;
  SCIML_HD R atol(std::size_t i) const { return abstol_vec ? abstol_vec[i] : abstol; }
};

}  // namespace sciml::detail

namespace sciml::detail {

// Square of the scaled RMS norm of an error estimate err of the step u -> unew (weights atol + reltol max(|u|,
// |unew|)), for families that form the estimate inside the step.
template <class State, class R>
SCIML_HD R error_norm_squared(const State& u, const State& unew, const State& err, const TolView<R>& tol) {
  using std::abs;
  const std::size_t n = state_size(u);
  R acc = 0;
  for (std::size_t m = 0; m < n; ++m) {
    const R au = abs(value_of(u[m])), an = abs(value_of(unew[m]));
    const R r = value_of(err[m]) / (tol.atol(m) + tol.reltol * (au > an ? au : an));
    acc += r * r;
  }
  return acc / R(n);
}

}  // namespace sciml::detail
