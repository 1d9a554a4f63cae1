// Bogacki–Shampine 3(2): four stages, FSAL, second-order embedded solution; cubic Hermite dense output
// (third order, matching the method).
#pragma once
#include <array>

namespace sciml::tableau {
struct BS3Tableau {
  static constexpr const char* name = "BS3";
  static constexpr const char* reference =
      "P. Bogacki, L.F. Shampine, Appl. Math. Lett. 2 (1989) 321-325, doi:10.1016/0893-9659(89)90079-7";
  static constexpr int order = 3;
  static constexpr int embedded_order = 2;
  static constexpr int stages = 4;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 0;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{0.0, 0.5, 0.75, 1.0};
  static constexpr std::array<double, 6> a{0.5,
                                           0.0, 0.75,
                                           2.0 / 9.0, 1.0 / 3.0, 4.0 / 9.0};
  // b - b_hat with b_hat = (7/24, 1/4, 1/3, 1/8)
  static constexpr std::array<double, stages> btilde{-5.0 / 72.0, 1.0 / 12.0, 1.0 / 9.0, -1.0 / 8.0};
  static constexpr std::array<double, 0> bi{};
};
}  // namespace sciml::tableau
