#pragma once
// ImplicitEuler (backward Euler), L-stable, order 1, written as a 2-stage ESDIRK: the explicit first stage is
// f(t, u) (reused from the last step), the second solves U = u + h f(t + h, U). The error estimate is the
// difference to the trapezoidal rule, h/2 (f(t + h, u_new) - f(t, u)), as OrdinaryDiffEq's ImplicitEuler uses.
#include <array>

namespace sciml::tableau {

struct ImplicitEulerTableau {
  static constexpr const char* name = "ImplicitEuler";
  static constexpr const char* reference =
      "E. Hairer, G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer (1996), Sec. IV.3";
  static constexpr int order = 1;
  static constexpr int embedded_order = 2;
  static constexpr int stages = 2;
  static constexpr int explicit_first = 1;
  static constexpr int stiffly_accurate = 1;
  static constexpr double gamma = 1.0;
  static constexpr std::array<double, stages> c{0.0, 1.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> a{0.0};
  static constexpr std::array<double, stages> b{0.0, 1.0};
  static constexpr std::array<double, stages> btilde{-0.5, 0.5};  // b - (1/2, 1/2)
  static constexpr int interp_degree = 0;
};

}  // namespace sciml::tableau
