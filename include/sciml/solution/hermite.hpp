// The cubic Hermite interpolant of a step through (u0, f0) at theta = 0 and (u1, f1) at theta = 1: the dense
// output of methods without their own interpolant.
#pragma once
#include <cstddef>
#include "../config.hpp"
#include "../core/state.hpp"

namespace sciml::detail {

// On entry out = u1; on exit out = u(t0 + theta h).
template <class State, class T>
SCIML_HD void hermite_in_place(State& out, const State& u0, const State& f0, const State& f1, T h, T theta) {
  using S_ = scalar_t<State>;
  using R = real_t<S_>;
  const R th = R(theta), hh = R(h);
  for (std::size_t m = 0; m < state_size(u0); ++m) {
    const S_ y0 = u0[m], y1 = out[m];
    out[m] = (R(1) - th) * y0 + th * y1 +
             th * (th - R(1)) * ((R(1) - R(2) * th) * (y1 - y0) + (th - R(1)) * hh * f0[m] + th * hh * f1[m]);
  }
}

}  // namespace sciml::detail
