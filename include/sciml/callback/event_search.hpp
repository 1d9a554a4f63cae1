// The one event locator, used by the host's ContinuousCallback / VectorContinuousCallback
// (continuous_callback.hpp) and by the GPU kernel's continuous callback (gpu/trajectory.hpp): generic over
// where the condition's values live (std::vector on the host, one register in a kernel), SCIML_HD.
//
// Within the last step [t0, t1] the sign of each of the len conditions is checked at interp_points points of
// the step's interpolant; the first crossing (of the component that crosses first) is located by the bracketing
// root solve (root_find.hpp). Right after an event whose affect left its condition on the root (a bounce leaves
// x ~ -1e-15), the starting sign is judged a little later: at the first of t0 + h (1e-12, 1e-11, ..., 1e-2)
// where the condition is clearly off the root (above abstol and 100 times its residual after the affect). A
// fixed h/100 could land past a whole short excursion (a bouncing ball's next bounce inside one long step), so
// the crossing ending it was missed (regression: test_bouncing_ball_many_bounces).
#pragma once
#include <cmath>
#include <cstddef>
#include "../config.hpp"
#include "root_find.hpp"

namespace sciml::detail {

template <class V>
struct EventHit {
  V t = 0;              // where the condition crossed (just after the root)
  std::size_t idx = 0;  // which component crossed
  bool up = true;       // from - to +
  V scale = 0;          // max(|g| at the step's start, |g| after the crossing): what "still at the root" is relative to
};

// One condition's value where a kernel keeps it (a register): the buffer type of a scalar callback.
template <class V>
struct OneValue {
  V v{};
  SCIML_HD V& operator[](std::size_t) { return v; }
  SCIML_HD const V& operator[](std::size_t) const { return v; }
};

// eval(tq, out): the len conditions at time tq (the interpolant, or the step's end point at tq == t1) into out.
// enabled(up, i): whether component i has an affect for that direction. prev: the conditions at t0 (after any
// affect); last, cur, tmp: work buffers of length len; nudge[i]: component i's last event left it on its root
// (cleared here). Returns whether a crossing was found in (t0, t1], and where (hit).
template <class V, class Eval, class Enabled, class Buf, class Flags>
SCIML_HD bool locate_event(const Eval& eval, const Enabled& enabled, V t0, V t1, std::size_t len, int interp_points,
                           V abstol, const Buf& prev, Buf& last, Buf& cur, Buf& tmp, Flags& nudge, EventHit<V>& hit) {
  using std::abs;
  const V h = t1 - t0;
  for (std::size_t i = 0; i < len; ++i) last[i] = prev[i];
  bool any_nudge = false;
  for (std::size_t i = 0; i < len; ++i) any_nudge |= nudge[i] != 0;
  V tstart = t0;
  if (any_nudge) {  // just after an event of this callback: judge the sign a little later (no re-trigger)
    for (V frac = V(1e-12); frac < V(0.02); frac *= V(10)) {
      tstart = t0 + h * frac;
      eval(tstart, tmp);
      bool clear = true;
      for (std::size_t i = 0; i < len; ++i)
        if (nudge[i] && !(abs(tmp[i]) > abstol + V(100) * abs(prev[i]))) clear = false;
      if (clear) break;
    }
    for (std::size_t i = 0; i < len; ++i) {
      if (nudge[i]) last[i] = tmp[i];
      nudge[i] = 0;
    }
  }
  V ta = tstart;
  for (int j = 1; j <= interp_points; ++j) {
    const V tb = j == interp_points ? t1 : tstart + (t1 - tstart) * V(j) / V(interp_points);
    eval(tb, cur);
    bool found = false;
    for (std::size_t i = 0; i < len; ++i) {
      const V ga = last[i], gb = cur[i];
      if (ga == 0 || !(ga < 0 ? gb >= 0 : gb <= 0)) continue;  // no crossing for this component
      const bool upc = ga < 0;
      if (!enabled(upc, i)) continue;
      V te = tb;
      if (gb != 0) {
        auto g = [&](V tq) {
          eval(tq, tmp);
          return V(tmp[i]);
        };
        te = find_root_after_crossing(g, ta, tb, ga, gb);
      }
      if (!found || (h > 0 ? te < hit.t : te > hit.t)) {
        found = true;
        hit.t = te;
        hit.idx = i;
        hit.up = upc;
        const V a = abs(prev[i]), b = abs(gb);
        hit.scale = a > b ? a : b;
      }
    }
    if (found) return true;
    for (std::size_t i = 0; i < len; ++i)
      if (cur[i] != 0) last[i] = cur[i];
    ta = tb;
  }
  return false;
}

// After an event's affect: whether its condition g (now) is still on the root, so the next step's starting
// sign must be judged a little later.
template <class V>
SCIML_HD bool still_at_root(V g, V abstol, V scale) {
  using std::abs;
  return abs(g) <= abstol + V(1e-9) * scale;
}

}  // namespace sciml::detail
