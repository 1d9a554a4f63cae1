// solve(prob, opts) and init(prob, opts) without an algorithm: the default choice (docs/solving.md).
#pragma once
#include <type_traits>
#include <utility>
#include "../algorithm/bdf/fbdf.hpp"
#include "../algorithm/composite/auto_switch.hpp"
#include "../algorithm/rosenbrock/rosenbrock.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "integrator.hpp"

namespace sciml {

// The algorithm solve / init use when none is named (docs/solving.md): with a mass matrix, Rodas5P on
// fixed-size states and FBDF on dynamic ones; with a sparse Jacobian (a large system), FBDF; otherwise
// DefaultODEAlgorithm, which picks by tolerance and switches on stiffness.
template <class Prob>
using default_algorithm_t = std::conditional_t<
    has_mass_matrix_v<decltype(Prob::f)>,
    std::conditional_t<is_fixed_size<typename Prob::state_type>::value, Rodas5P, FBDF<>>,
    std::conditional_t<has_sparse_jacobian_v<decltype(Prob::f)>, FBDF<>, DefaultODEAlgorithm>>;

template <class Prob, class Callback = NoCallback>
auto solve(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return solve(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}
template <class Prob, class Callback = NoCallback>
auto init(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return init(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}

}  // namespace sciml
