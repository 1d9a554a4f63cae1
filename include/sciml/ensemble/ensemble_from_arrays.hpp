// Ensembles whose trajectories differ by parameters and/or initial values given as arrays:
// ensemble_from_params(prob, params), ensemble_from_u0s(prob, u0s), ensemble_from_arrays(prob, u0s, params).
// Trajectory i solves prob with p = params[i] (and u0 = u0s[i]); the arrays fix the trajectory count.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "../problem/ode_problem.hpp"
#include "ensemble_problem.hpp"

namespace sciml {

namespace detail {
// Trajectory i's ODEProblem: the base with u0 and p replaced (the parameter type may differ from the base's).
template <class F, class State, class P, class U0, class P2>
auto remake_ode(const ODEProblem<F, State, P>& base, const U0& u0, const P2& p) {
  return ODEProblem<F, State, P2>(base.f, u0, base.tspan, p);
}
inline void check_array_size(std::size_t n, const char* name) {
  if (n == 0) throw std::invalid_argument(std::string(name) + ": the array is empty; an ensemble needs at least one trajectory");
}
}  // namespace detail

// prob_func for per-trajectory parameters.
template <class P>
struct ParamsProbFunc {
  std::vector<P> params;
  template <class Prob>
  auto operator()(const Prob& base, std::size_t i) const {
    return detail::remake_ode(base, base.u0, params[i]);
  }
};

// prob_func for per-trajectory initial values.
template <class U0>
struct U0sProbFunc {
  std::vector<U0> u0s;
  template <class Prob>
  auto operator()(const Prob& base, std::size_t i) const {
    return detail::remake_ode(base, u0s[i], base.p);
  }
};

// prob_func for per-trajectory initial values and parameters.
template <class U0, class P>
struct ArraysProbFunc {
  std::vector<U0> u0s;
  std::vector<P> params;
  template <class Prob>
  auto operator()(const Prob& base, std::size_t i) const {
    return detail::remake_ode(base, u0s[i], params[i]);
  }
};

template <class Prob, class P>
auto ensemble_from_params(Prob prob, std::vector<P> params) {
  detail::check_array_size(params.size(), "params");
  const std::size_t n = params.size();
  EnsembleProblem<Prob, ParamsProbFunc<P>> e(std::move(prob), ParamsProbFunc<P>{std::move(params)});
  e.trajectories = n;
  return e;
}

template <class Prob, class U0>
auto ensemble_from_u0s(Prob prob, std::vector<U0> u0s) {
  detail::check_array_size(u0s.size(), "u0s");
  const std::size_t n = u0s.size();
  EnsembleProblem<Prob, U0sProbFunc<U0>> e(std::move(prob), U0sProbFunc<U0>{std::move(u0s)});
  e.trajectories = n;
  return e;
}

template <class Prob, class U0, class P>
auto ensemble_from_arrays(Prob prob, std::vector<U0> u0s, std::vector<P> params) {
  detail::check_array_size(u0s.size(), "u0s");
  detail::check_array_size(params.size(), "params");
  if (u0s.size() != params.size())
    throw std::invalid_argument("u0s: " + std::to_string(u0s.size()) + " initial values, but params holds " +
                                std::to_string(params.size()) + " parameter sets; give one of each per trajectory");
  const std::size_t n = u0s.size();
  EnsembleProblem<Prob, ArraysProbFunc<U0, P>> e(std::move(prob), ArraysProbFunc<U0, P>{std::move(u0s), std::move(params)});
  e.trajectories = n;
  return e;
}

}  // namespace sciml
