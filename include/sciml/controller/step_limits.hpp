// The limits on a step's size, as plain SCIML_HD pieces of the step loop (integrator/step_loop.hpp): clip a step
// to the next stop, the next step size after an accepted one (bounded by dtmax; a step cut short to hit a stop
// does not shrink the next one), and the smallest step allowed at t.
#pragma once
#include <cmath>
#include <limits>
#include "../config.hpp"

namespace sciml::detail {

// h <- tend - t when t + h reaches (or nearly reaches) tend; returns whether it did.
template <class T>
SCIML_HD bool clip_step(T t, T& h, T tend, T tdir) {
  using std::abs;
  const T at = abs(t) > abs(tend) ? abs(t) : abs(tend);
  if (tdir * (t + h - tend) >= -T(100) * std::numeric_limits<T>::epsilon() * at) {
    h = tend - t;
    return true;
  }
  return false;
}

// The proposed step after an accepted one of size h.
template <class T, class R>
SCIML_HD T next_step(T h, R factor, T dtmax, T tdir, bool hit, T dt) {
  using std::abs;
  T next = h * T(factor);
  if (abs(next) > dtmax) next = tdir * dtmax;
  return (hit && abs(next) < abs(dt)) ? dt : next;
}

// The smallest step allowed at t.
template <class T>
SCIML_HD T min_step(T dtmin, T t) {
  using std::abs;
  const T tiny = T(4) * std::numeric_limits<T>::epsilon() * abs(t);
  return dtmin > tiny ? dtmin : tiny;
}

}  // namespace sciml::detail
