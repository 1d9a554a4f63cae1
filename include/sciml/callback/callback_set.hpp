// CallbackSet: several callbacks as one. Continuous ones race for the earliest event in a step (the
// first is applied, the others are found again in the next step); discrete ones run in order.
#pragma once
#include <cstddef>
#include <tuple>
#include <utility>

namespace sciml {

namespace detail {
template <class... Cbs>
struct CallbackTuple {
  static constexpr bool has_continuous = (Cbs::has_continuous || ...);
  static constexpr bool has_discrete = (Cbs::has_discrete || ...);
  std::tuple<Cbs...> cbs;
  std::size_t which = 0;
  double te = 0;

  template <class F>
  void each(F&& f) {
    std::apply([&](auto&... c) {
      std::size_t i = 0;
      (f(c, i++), ...);
    }, cbs);
  }
  template <class I>
  void init(I& integ) {
    each([&](auto& c, std::size_t) { c.init(integ); });
  }
  template <class I>
  bool find_event(I& integ) {
    bool found = false;
    const bool fwd = integ.t >= integ.tprev;
    each([&](auto& c, std::size_t i) {
      if (c.find_event(integ)) {
        const double t = c.event_time();
        if (!found || (fwd ? t < te : t > te)) {
          found = true;
          te = t;
          which = i;
        }
      }
    });
    return found;
  }
  double event_time() const { return te; }
  template <class I>
  void apply_event(I& integ) {
    each([&](auto& c, std::size_t i) {
      if (i == which) c.apply_event(integ);
    });
  }
  template <class I>
  void refresh(I& integ, bool fired) {
    each([&](auto& c, std::size_t i) { c.refresh(integ, fired && i == which); });
  }
  template <class I>
  bool apply_discrete(I& integ) {
    bool any = false;
    each([&](auto& c, std::size_t) { any |= c.apply_discrete(integ); });
    return any;
  }
};
}  // namespace detail

template <class... Cbs>
auto CallbackSet(Cbs... cbs) {
  return detail::CallbackTuple<Cbs...>{std::tuple<Cbs...>(std::move(cbs)...)};
}

}  // namespace sciml
