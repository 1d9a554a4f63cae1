// OptimResult: what a deterministic optimiser (lbfgs) returns: the final point and value, counters, whether
// a convergence test was met, and a sentence saying why it stopped.
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace sciml::optim {

struct OptimResult {
  std::vector<double> x;  // the last accepted point (always one with a finite f and gradient)
  double f = std::numeric_limits<double>::quiet_NaN();
  long iterations = 0;   // accepted steps
  long evaluations = 0;  // calls of the objective
  bool converged = false;
  std::string message;
  double grad_norm = std::numeric_limits<double>::quiet_NaN();  // max |grad_i| at x
};

}  // namespace sciml::optim
