// DiscreteCallback (checked after every step: condition(u, t, integrator) -> bool, then affect(integrator))
// and PresetTimeCallback (affect at given times, which become tstops, e.g. dosing).
#pragma once
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sciml {

namespace detail {
// The continuous-event hooks of a callback that has none.
struct DiscreteOnly {
  static constexpr bool has_continuous = false;
  static constexpr bool has_discrete = true;
  template <class I> bool find_event(I&) { return false; }
  double event_time() const { return 0; }
  template <class I> void apply_event(I&) {}
  template <class I> void refresh(I&, bool) {}
};

template <class Cond, class Affect>
struct DiscreteCB : DiscreteOnly {
  Cond cond;
  Affect affect;
  DiscreteCB(Cond c, Affect a) : cond(std::move(c)), affect(std::move(a)) {}
  template <class I> void init(I&) {}
  template <class I>
  bool apply_discrete(I& integ) {
    if (!cond(integ.u, integ.t, integ)) return false;
    affect(integ);
    return true;
  }
};

template <class Affect>
struct PresetTimeCB : DiscreteOnly {
  std::vector<double> times;
  Affect affect;
  PresetTimeCB(std::vector<double> t, Affect a) : times(std::move(t)), affect(std::move(a)) {}
  template <class I>
  void init(I& integ) {
    for (double s : times) integ.add_tstop(typename I::T(s));
  }
  template <class I>
  bool apply_discrete(I& integ) {
    const double t = double(integ.t);
    if (std::find(times.begin(), times.end(), t) == times.end()) return false;
    affect(integ);
    return true;
  }
};
}  // namespace detail

template <class Cond, class Affect>
auto DiscreteCallback(Cond condition, Affect affect) {
  return detail::DiscreteCB<Cond, Affect>(std::move(condition), std::move(affect));
}

// affect(integrator) at each of `times` (after t0); the integrator steps onto them exactly.
template <class Affect>
auto PresetTimeCallback(std::vector<double> times, Affect affect) {
  for (double s : times)
    if (!std::isfinite(s)) throw std::invalid_argument("PresetTimeCallback: times must be finite");
  return detail::PresetTimeCB<Affect>(std::move(times), std::move(affect));
}

}  // namespace sciml
