// solve(prob, opts) and init(prob, opts) without an algorithm: the default choice (docs/solving.md).
#pragma once
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include "../algorithm/bdf/fbdf.hpp"
#include "../algorithm/composite/auto_switch.hpp"
#include "../algorithm/rosenbrock/rosenbrock.hpp"
#include "../problem/ode_function.hpp"
#include "../problem/ode_problem.hpp"
#include "integrator.hpp"

namespace sciml {

// The algorithm solve / init use when none is named (docs/solving.md): with a mass matrix, Rodas5P for up to
// DefaultODEAlgorithm::small_size (50) states and FBDF above (and FBDF for a std::vector state in C++, whose type
// does not carry its size); with a sparse Jacobian (a large system), FBDF; otherwise DefaultODEAlgorithm, which
// picks by tolerance and size and switches on stiffness. The rule is written once, here, as a function of the
// problem's structure, so that a problem whose structure is known only at run time (the Python package's) gets
// the same choice: default_algorithm_name.
enum class DefaultAlgorithm { Rodas5P, FBDF, DefaultODEAlgorithm };

// n: the number of states where it is known (a fixed-size state's, or a run-time problem's), 0 where not
constexpr DefaultAlgorithm default_algorithm_choice(bool mass_matrix, std::size_t n, bool sparse_jacobian) {
  if (mass_matrix)
    return n > 0 && n <= DefaultODEAlgorithm::small_size ? DefaultAlgorithm::Rodas5P : DefaultAlgorithm::FBDF;
  return sparse_jacobian ? DefaultAlgorithm::FBDF : DefaultAlgorithm::DefaultODEAlgorithm;
}

// The size a state type carries: N for SVector<T, N> and std::array<T, N>, 0 for dynamic states.
template <class State>
inline constexpr std::size_t static_state_size_v = 0;
template <class T, std::size_t N>
inline constexpr std::size_t static_state_size_v<SVector<T, N>> = N;
template <class T, std::size_t N>
inline constexpr std::size_t static_state_size_v<std::array<T, N>> = N;

template <DefaultAlgorithm C>
using default_algorithm_of = std::conditional_t<
    C == DefaultAlgorithm::Rodas5P, Rodas5P,
    std::conditional_t<C == DefaultAlgorithm::FBDF, FBDF<>, DefaultODEAlgorithm>>;

template <class Prob>
using default_algorithm_t = default_algorithm_of<default_algorithm_choice(
    has_mass_matrix_v<decltype(Prob::f)>, static_state_size_v<typename Prob::state_type>,
    has_sparse_jacobian_v<decltype(Prob::f)>)>;

// The name of the default algorithm (its name()) for a problem described at run time.
constexpr const char* default_algorithm_name(bool mass_matrix, std::size_t n, bool sparse_jacobian) {
  switch (default_algorithm_choice(mass_matrix, n, sparse_jacobian)) {
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
