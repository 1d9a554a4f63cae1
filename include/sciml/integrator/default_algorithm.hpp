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
// DefaultODEAlgorithm, which picks by tolerance and switches on stiffness. The rule is written once, here, as a
// function of the problem's structure, so that a problem whose structure is known only at run time (the Python
// package's) gets the same choice: default_algorithm_name.
enum class DefaultAlgorithm { Rodas5P, FBDF, DefaultODEAlgorithm };

constexpr DefaultAlgorithm default_algorithm_choice(bool mass_matrix, bool fixed_size_state, bool sparse_jacobian) {
  if (mass_matrix) return fixed_size_state ? DefaultAlgorithm::Rodas5P : DefaultAlgorithm::FBDF;
  return sparse_jacobian ? DefaultAlgorithm::FBDF : DefaultAlgorithm::DefaultODEAlgorithm;
}

template <DefaultAlgorithm C>
using default_algorithm_of = std::conditional_t<
    C == DefaultAlgorithm::Rodas5P, Rodas5P,
    std::conditional_t<C == DefaultAlgorithm::FBDF, FBDF<>, DefaultODEAlgorithm>>;

template <class Prob>
using default_algorithm_t = default_algorithm_of<default_algorithm_choice(
    has_mass_matrix_v<decltype(Prob::f)>, is_fixed_size<typename Prob::state_type>::value,
    has_sparse_jacobian_v<decltype(Prob::f)>)>;

// The name of the default algorithm (its name()) for a problem described at run time.
constexpr const char* default_algorithm_name(bool mass_matrix, bool fixed_size_state, bool sparse_jacobian) {
  switch (default_algorithm_choice(mass_matrix, fixed_size_state, sparse_jacobian)) {
    case DefaultAlgorithm::Rodas5P: return Rodas5P::name();
    case DefaultAlgorithm::FBDF: return FBDF<>::name();
    default: return DefaultODEAlgorithm::name();
  }
}

template <class Prob, class Callback = NoCallback>
auto solve(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return solve(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}
template <class Prob, class Callback = NoCallback>
auto init(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return init(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}

}  // namespace sciml
