// ContinuousCallback and VectorContinuousCallback: events where a condition g(u, t, integrator) crosses zero.
// After each step the sign of g is checked at interp_points points of the step's dense output; the first
// crossing is located to about machine precision by a bracketing root solve, the step is cut there and the
// affect runs (it may change u, p or the state's size, or terminate). Both share detail::EventLocator, which
// runs the one event search (event_search.hpp) that the GPU kernel's callbacks run too.
#pragma once
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>
#include "../core/state.hpp"
#include "event_search.hpp"

namespace sciml {

// Pass as an affect to ignore crossings in that direction.
struct NoAffect {};

namespace detail {

// Locates the first crossing of any component of a vector condition within the last step.
// CondVec: cond(out, u, t, integ) writes `len` values. Up(integ, i) for upcrossings (- to +), Down for +.
template <class CondVec, class Up, class Down>
struct EventLocator {
  static constexpr bool has_continuous = true;
  static constexpr bool has_discrete = false;
  CondVec cond;
  Up up;
  Down down;
  std::size_t len = 1;
  int interp_points = 10;
  double abstol = 1e-12;  // |g| below this right after an event counts as still at that root

  std::vector<double> prev, last, cur, tmp;
  std::vector<char> nudge;
  double event_t = 0;
  double event_scale = 0;  // |g| at the start of the event's step: what "still at the root" is relative to
  std::size_t event_idx = 0;
  bool event_up = true;

  template <class I>
  void evaluate(I& integ, double tq, std::vector<double>& out) {
    using T = typename I::T;
    if (T(tq) == integ.t) {
      cond(out, integ.u, integ.t, integ);
    } else {
      integ.interpolate(T(tq), integ.work());
      cond(out, integ.work(), T(tq), integ);
    }
  }
  // a direction is ignored when its affect is NoAffect, or (run-time affects) when affect.active(i) is false
  bool enabled(bool upcross, std::size_t i) const {
    return upcross ? enabled_for(up, i) : enabled_for(down, i);
  }
  template <class A>
  static bool enabled_for(const A& a, std::size_t i) {
    if constexpr (std::is_same_v<A, NoAffect>) {
      return false;
    } else if constexpr (requires { a.active(i); }) {
      return a.active(i);
    } else {
      return true;
    }
  }

  template <class I>
  void init(I& integ) {
    prev.assign(len, 0.0);
    last.assign(len, 0.0);
    cur.assign(len, 0.0);
    tmp.assign(len, 0.0);
    nudge.assign(len, 0);
    cond(prev, integ.u, integ.t, integ);
  }

  // Is there a crossing in (tprev, t]? Sets event_t / event_idx / event_up (event_search.hpp).
  template <class I>
  bool find_event(I& integ) {
    EventHit<double> hit;
    auto eval = [&](double tq, std::vector<double>& out) { evaluate(integ, tq, out); };
    auto on = [&](bool upcross, std::size_t i) { return enabled(upcross, i); };
    if (!locate_event(eval, on, double(integ.tprev), double(integ.t), len, interp_points, abstol, prev, last, cur,
                      tmp, nudge, hit))
      return false;
    event_t = hit.t;
    event_idx = hit.idx;
    event_up = hit.up;
    event_scale = hit.scale;
    return true;
  }
  double event_time() const { return event_t; }

  template <class I>
  void apply_event(I& integ) {
    if (event_up) {
      if constexpr (!std::is_same_v<Up, NoAffect>) up(integ, event_idx);
    } else {
      if constexpr (!std::is_same_v<Down, NoAffect>) down(integ, event_idx);
    }
  }

  // After a step (and any affect): the condition at the current point starts the next step's search.
  template <class I>
  void refresh(I& integ, bool fired) {
    if (fired) {
      if (len != prev.size()) init(integ);
      cond(prev, integ.u, integ.t, integ);
      // still at the root after the affect (a bounce leaves x ~ -1e-15): judge the next step's starting sign a
      // little later so the same crossing does not fire again
      if (still_at_root(prev[event_idx], abstol, event_scale)) nudge[event_idx] = 1;
    } else {
      cond(prev, integ.u, integ.t, integ);
    }
  }
  template <class I>
  bool apply_discrete(I&) {
    return false;
  }
};

// Adapters from the scalar forms the user writes to the vector form the locator runs.
template <class C>
struct ScalarCondition {
  C c;
  template <class U, class T, class I>
  void operator()(std::vector<double>& out, const U& u, T t, I& integ) {
    out[0] = double(value_of(c(u, t, integ)));
  }
};
template <class C>
struct VectorCondition {
  C c;
  template <class U, class T, class I>
  void operator()(std::vector<double>& out, const U& u, T t, I& integ) {
    c(out, u, t, integ);
  }
};
template <class A>
struct ScalarAffect {
  A a;
  template <class I>
  void operator()(I& integ, std::size_t) {
    a(integ);
  }
};
template <class A>
struct wrap_scalar_affect {
  using type = ScalarAffect<A>;
  static type make(A a) { return {std::move(a)}; }
};
template <>
struct wrap_scalar_affect<NoAffect> {
  using type = NoAffect;
  static type make(NoAffect a) { return a; }
};

}  // namespace detail

// Event where condition(u, t, integrator) crosses zero; affect(integrator) runs at the crossing.
// With two affects the first handles upcrossings (- to +) and the second downcrossings; pass NoAffect{} to
// ignore a direction. interp_points: sign checks per step (raise it for conditions that oscillate fast).
// Right after an event, a condition still within abstol (1e-12) + 1e-9 |g(step start)| of zero takes its starting sign for the next
// step from 1/100 of a step later, so an affect that leaves the state on the root (a bounce) does not re-fire.
template <class Cond, class Affect, class AffectNeg = Affect>
auto ContinuousCallback(Cond condition, Affect affect, AffectNeg affect_neg, int interp_points = 10) {
  using Up = typename detail::wrap_scalar_affect<Affect>::type;
  using Down = typename detail::wrap_scalar_affect<AffectNeg>::type;
  detail::EventLocator<detail::ScalarCondition<Cond>, Up, Down> cb{
      {std::move(condition)}, detail::wrap_scalar_affect<Affect>::make(std::move(affect)),
      detail::wrap_scalar_affect<AffectNeg>::make(std::move(affect_neg)), 1, 10, 1e-12, {}, {}, {}, {}, {}, 0, 0, 0, true};
  cb.len = 1;
  cb.interp_points = interp_points < 1 ? 1 : interp_points;
  return cb;
}
template <class Cond, class Affect>
auto ContinuousCallback(Cond condition, Affect affect) {
  Affect copy = affect;
  return ContinuousCallback(std::move(condition), std::move(affect), std::move(copy));
}

// `len` conditions at once: condition(out, u, t, integrator) fills out[0..len); affect(integrator, i) runs for
// the component i that crossed first (both directions, or up/down separately as for ContinuousCallback).
template <class Cond, class Affect, class AffectNeg = Affect>
auto VectorContinuousCallback(Cond condition, Affect affect, AffectNeg affect_neg, std::size_t len,
                              int interp_points = 10) {
  if (len == 0) throw std::invalid_argument("VectorContinuousCallback: len must be > 0");
  detail::EventLocator<detail::VectorCondition<Cond>, Affect, AffectNeg> cb{
      {std::move(condition)}, std::move(affect), std::move(affect_neg), len, 10, 1e-12, {}, {}, {}, {}, {}, 0, 0, 0, true};
  cb.len = len;
  cb.interp_points = interp_points < 1 ? 1 : interp_points;
  return cb;
}
template <class Cond, class Affect>
auto VectorContinuousCallback(Cond condition, Affect affect, std::size_t len, int interp_points = 10) {
  Affect copy = affect;
  return VectorContinuousCallback(std::move(condition), std::move(affect), std::move(copy), len, interp_points);
}

}  // namespace sciml
