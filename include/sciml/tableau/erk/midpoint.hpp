// Explicit midpoint rule: second order, two stages, with forward Euler as the embedded first-order
// solution (error estimate h (k2 - k1)), as OrdinaryDiffEq's Midpoint. Cubic Hermite dense output.
#pragma once
#include <array>

namespace sciml::tableau {
struct MidpointTableau {
  static constexpr const char* name = "Midpoint";
  static constexpr const char* reference = "C. Runge, Math. Ann. 46 (1895) 167-178 (explicit midpoint rule)";
  static constexpr int order = 2;
  static constexpr int embedded_order = 1;
  static constexpr int stages = 3;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 0;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{0.0, 0.5, 1.0};
  static constexpr std::array<double, 3> a{0.5,
                                           0.0, 1.0};
  static constexpr std::array<double, stages> btilde{-1.0, 1.0, 0.0};
  static constexpr std::array<double, 0> bi{};
};
}  // namespace sciml::tableau
