// NoCallback: the empty callback set; every hook is a no-op the compiler removes.
#pragma once

namespace sciml {

struct NoCallback {
  static constexpr bool has_continuous = false;
  static constexpr bool has_discrete = false;
  template <class I> void init(I&) {}
  template <class I> bool find_event(I&) { return false; }
  double event_time() const { return 0; }
  template <class I> void apply_event(I&) {}
  template <class I> void refresh(I&, bool) {}
  template <class I> bool apply_discrete(I&) { return false; }
};

}  // namespace sciml
