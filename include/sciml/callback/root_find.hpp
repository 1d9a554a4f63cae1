// Bracketing root finder for event location: Illinois-modified regula falsi with bisection safeguards,
// on a sign change of g over [a, b] (a may be after b when integrating backwards). Returns the end of the
// final bracket on b's side, so the event is reported just after the crossing, to about machine precision.
#pragma once
#include <cmath>
#include <limits>
#include "../config.hpp"

namespace sciml::detail {

template <class T, class G>
SCIML_HD T find_root_after_crossing(const G& g, T a, T b, T ga, T gb) {
  using std::abs;
  using std::fmax;
  const T eps = std::numeric_limits<T>::epsilon();
  int side = 0;
  for (int iter = 0; iter < 200; ++iter) {
    if (abs(b - a) <= 2 * eps * fmax(abs(a), abs(b)) || abs(b - a) <= std::numeric_limits<T>::min()) break;
    T c = b - gb * (b - a) / (gb - ga);
    const T lo = a < b ? a : b, hi = a < b ? b : a;
    if (!(c > lo && c < hi) || iter % 4 == 3) c = a + (b - a) / 2;  // safeguard and guaranteed shrinking
    if (c == a || c == b) break;
    const T gc = g(c);
    if (gc == 0) return c;
    if ((gc > 0) == (gb > 0)) {
      b = c;
      gb = gc;
      if (side == -1) ga /= 2;  // Illinois: halve the stale end
      side = -1;
    } else {
      a = c;
      ga = gc;
      if (side == 1) gb /= 2;
      side = 1;
    }
  }
  return b;
}

}  // namespace sciml::detail
