// The classical fourth-order Runge–Kutta method. Its embedded third-order solution uses f at the new point
// (b_hat = 1/6, 1/3, 1/3, 0, 1/6; checked against the order-3 conditions), so the estimate is h (k4 - k5)/6.
#pragma once
#include <array>

namespace sciml::tableau {
struct RK4Tableau {
  static constexpr const char* name = "RK4";
  static constexpr const char* reference = "W. Kutta, Z. Math. Phys. 46 (1901) 435-453";
  static constexpr int order = 4;
  static constexpr int embedded_order = 3;
  static constexpr int stages = 5;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 0;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{0.0, 0.5, 0.5, 1.0, 1.0};
  static constexpr std::array<double, 10> a{0.5,
                                            0.0, 0.5,
                                            0.0, 0.0, 1.0,
                                            1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0};
  static constexpr std::array<double, stages> btilde{0.0, 0.0, 0.0, 1.0 / 6.0, -1.0 / 6.0};
  static constexpr std::array<double, 0> bi{};
};
}  // namespace sciml::tableau
