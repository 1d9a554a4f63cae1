// The accept/reject rule of an adaptive step, as plain SCIML_HD pieces shared by the device-side loops
// (gpu/trajectory.hpp, gpu/array_ensemble.hpp) and matching the CPU integrator's: clip a step to the end time,
// judge an error estimate (a NaN estimate shrinks the step 4x, 30 in a row is Unstable), and the next step size
// (bounded by dtmax; a step cut short to hit the end does not shrink the next one).
#pragma once
#include <cmath>
#include <limits>
#include "../config.hpp"
#include "step_controller.hpp"

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

template <class R>
struct StepJudge {
  enum Verdict { Accept, Reject, Unstable };
  ControllerState<R> ctrl;
  int nan_rejects = 0;
  // EEst: the squared scaled error norm; factor: dt_new / h.
  SCIML_HD Verdict judge(R EEst, R& factor) {
    if (EEst <= R(1)) {
      nan_rejects = 0;
      factor = ctrl.propose(EEst);
      ctrl.accept(EEst);
      return Accept;
    }
    if (EEst != EEst) {
      factor = R(0.25);
      return ++nan_rejects > 30 ? Unstable : Reject;
    }
    nan_rejects = 0;
    ctrl.propose(EEst);
    factor = ctrl.reject_factor(EEst);
    return Reject;
  }
};

// The smallest step allowed at t.
template <class T>
SCIML_HD T min_step(T dtmin, T t) {
  using std::abs;
  const T tiny = T(4) * std::numeric_limits<T>::epsilon() * abs(t);
  return dtmin > tiny ? dtmin : tiny;
}

}  // namespace sciml::detail
