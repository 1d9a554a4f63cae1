// The step contract: what a method family's step type (Alg::step_type) provides to the one integrator loop
// (integrator/integrator.hpp), written as C++20 concepts so that a family missing a piece fails to compile
// with a message naming it (the integrator static_asserts each piece). docs/devdocs/step_protocol.md explains
// each piece and how a new family or problem class plugs in.
//
// Layout: the integrator holds the stages k[0..TOT) of the current step. k[0] = f(t, u) on entry to a step;
// stage S-1 is f at the new point, reused as k[0] of the next step (first same as last); stages S..TOT-1 are
// only needed for dense output (extra_stages fills them on demand).
#pragma once
#include <array>
#include <concepts>
#include <cstddef>
#include "../config.hpp"
#include "../core/state.hpp"
#include "../core/tolerance.hpp"
#include "step_result.hpp"

namespace sciml::detail {

// Composite steps (auto switching) interpolate with the tag of the method that took the step.
template <class Step>
inline constexpr bool is_tagged_step_v = requires { requires Step::tagged; };

template <class Step, class State, class K, class T>
SCIML_HD void step_interpolate(State& out, const State& u0, const K& k, T h, T theta, int tag) {
  if constexpr (is_tagged_step_v<Step>) {
    Step::interpolate(out, u0, k, h, theta, tag);
  } else {
    (void)tag;
    Step::interpolate(out, u0, k, h, theta);
  }
}

// A view of consecutive stages stored in a vector (dense output of a saved step): k[j][m].
template <class State>
struct KView {
  const State* p;
  SCIML_HD const State& operator[](std::size_t j) const { return p[j]; }
};

namespace step_contract {

// The pieces, one concept each (F, P: the problem's right-hand side and parameters; T: its time type).
template <class Step>
concept Constants = requires {
  { Step::order } -> std::convertible_to<int>;           // order of the propagated solution (the first step's h)
  { Step::embedded_order } -> std::convertible_to<int>;  // order of the error estimate (0: fixed steps only)
  { Step::S } -> std::convertible_to<int>;               // stages of a step, stage S-1 = f at the new point
  { Step::TOT } -> std::convertible_to<int>;             // S plus the stages only dense output needs
} && (Step::S >= 1) && (Step::TOT >= Step::S);

template <class Step, class State>
using Cache = typename Step::template cache_type<State>;
template <class Step, class State>
using Stages = std::array<State, std::size_t(Step::TOT)>;

template <class Step, class State>
concept HasCache = requires(Cache<Step, State>& c, const State& u) { c.init(u); };

// stages<inplace>(f, p, u, t, h, k, tmp, unew, cache) -> StepResult (f calls and a StepStatus; a family that
// cannot fail may return its f calls as an int): the step from (t, u) to unew = u(t + h)
template <class Step, class State, class F, class P, class T>
concept TakesStages = requires(const F& f, const P& p, const State& u, T t, Stages<Step, State>& k, State& tmp,
                               State& unew, Cache<Step, State>& c) {
  { Step::template stages<true>(f, p, u, t, t, k, tmp, unew, c) } -> std::convertible_to<StepResult>;
};

// error_squared(u, unew, k, h, tol[, cache]) -> the squared scaled RMS norm of the error estimate (<= 1 accepts)
template <class Step, class State, class T>
concept EstimatesError = requires(const State& u, const Stages<Step, State>& k, T h,
                                  const TolView<real_t<scalar_t<State>>>& tol, const Cache<Step, State>& c) {
  requires requires { { Step::error_squared(u, u, k, h, tol, c) } -> std::convertible_to<real_t<scalar_t<State>>>; } ||
               requires { { Step::error_squared(u, u, k, h, tol) } -> std::convertible_to<real_t<scalar_t<State>>>; };
};

// new_point<inplace>(f, p, unew, t_new, k) -> f calls: stage S-1 = f(t_new, unew) once the step is accepted
// (0 calls when the step already made it)
template <class Step, class State, class F, class P, class T>
concept CompletesNewPoint = requires(const F& f, const P& p, const State& unew, T t, Stages<Step, State>& k) {
  { Step::template new_point<true>(f, p, unew, t, k) } -> std::convertible_to<int>;
};

// interpolate(out, u0, k, h, theta[, tag]): u(t + theta h) from the step's start and stages
template <class Step, class State, class T>
concept Interpolates = requires(State& out, const State& u0, const KView<State>& k, T h) {
  requires requires { Step::interpolate(out, u0, k, h, h); } || requires { Step::interpolate(out, u0, k, h, h, 0); };
};

}  // namespace step_contract

// Every piece: what integrator/integrator.hpp checks (piece by piece, to name the missing one).
template <class Step, class State, class F, class P, class T>
concept StepFamily = step_contract::Constants<Step> && step_contract::HasCache<Step, State> &&
                     step_contract::TakesStages<Step, State, F, P, T> && step_contract::EstimatesError<Step, State, T> &&
                     step_contract::CompletesNewPoint<Step, State, F, P, T> && step_contract::Interpolates<Step, State, T>;

}  // namespace sciml::detail
