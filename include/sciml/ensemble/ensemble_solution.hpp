// EnsembleSolution: the outputs of an ensemble solve in trajectory order (or, with a reduction, the reduced value),
// each trajectory's ReturnCode, message and counters, the number that failed, and the wall-clock time. A failed
// trajectory keeps its (partial) output; the others are unaffected.
#pragma once
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>
#include "../core/return_code.hpp"
#include "../core/stats.hpp"

namespace sciml {

// Out: what output_func returns for one trajectory. U: what `u` holds: every output (std::vector<Out>), or the
// reduction's value when the EnsembleProblem has a reduction.
template <class Out, class U = std::vector<Out>>
struct EnsembleSolution {
  using output_type = Out;
  static constexpr bool reduced = !std::is_same_v<U, std::vector<Out>>;

  U u;                                // u[i]: trajectory i's output (unreduced), or the reduced value
  std::vector<ReturnCode> retcodes;   // per trajectory solved, in index order
  std::vector<std::string> messages;  // per trajectory: the solver's message (empty on success)
  std::vector<Stats> stats;           // per trajectory: nf, naccept, ...
  std::size_t failures = 0;           // trajectories whose ReturnCode is not successful (Success, Terminated)
  bool converged = false;             // the reduction reported convergence (the remaining batches were skipped)
  double elapsed = 0;                 // wall-clock seconds of the whole ensemble solve

  // Trajectories solved (fewer than asked when a reduction converged early).
  std::size_t size() const { return retcodes.size(); }
  // Every trajectory solved succeeded.
  bool success() const { return failures == 0; }
  bool success(std::size_t i) const { return successful_retcode(retcodes.at(i)); }

  const Out& operator[](std::size_t i) const
    requires(!reduced)
  {
    return u[i];
  }
  Out& operator[](std::size_t i)
    requires(!reduced)
  {
    return u[i];
  }

  // The indices of the failed trajectories.
  std::vector<std::size_t> failed() const {
    std::vector<std::size_t> r;
    for (std::size_t i = 0; i < retcodes.size(); ++i)
      if (!successful_retcode(retcodes[i])) r.push_back(i);
    return r;
  }
};

}  // namespace sciml
