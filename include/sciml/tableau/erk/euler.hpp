// Forward Euler: first order, one stage, no error estimate (fixed step only).
// Written in the library's FSAL form: stage 1 is f at the new point, reused as the next step's first stage.
#pragma once
#include <array>

namespace sciml::tableau {
struct EulerTableau {
  static constexpr const char* name = "Euler";
  static constexpr const char* reference = "L. Euler, Institutionum calculi integralis (1768)";
  static constexpr int order = 1;
  static constexpr int embedded_order = 0;
  static constexpr int stages = 2;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 0;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{0.0, 1.0};
  static constexpr std::array<double, 1> a{1.0};
  static constexpr std::array<double, stages> btilde{0.0, 0.0};
  static constexpr std::array<double, 0> bi{};
};
}  // namespace sciml::tableau
