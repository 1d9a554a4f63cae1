#pragma once
// TRBDF2: the trapezoidal rule followed by BDF2, written as a 3-stage ESDIRK (one explicit stage, two implicit
// ones with the same diagonal d = (2 - sqrt 2)/2), L-stable and stiffly accurate, order 2, with Hosea &
// Shampine's third-order companion for the error estimate. Digits: 22 significant digits of the exact values
// d = (2 - sqrt 2)/2, w = sqrt 2 / 4, c_2 = 2 - sqrt 2; bhat = ((1 - w)/3, (3w + 1)/3, d/3).
#include <array>

namespace sciml::tableau {

struct TRBDF2Tableau {
  static constexpr const char* name = "TRBDF2";
  static constexpr const char* reference =
      "R. E. Bank et al., Transient simulation of silicon devices and circuits, IEEE Trans. CAD 4 (1985) 436-451; "
      "M. E. Hosea, L. F. Shampine, Analysis and implementation of TR-BDF2, Appl. Numer. Math. 20 (1996) 21-37";
  static constexpr int order = 2;
  static constexpr int embedded_order = 3;
  static constexpr int stages = 3;
  static constexpr int explicit_first = 1;
  static constexpr int stiffly_accurate = 1;
  static constexpr double gamma = 0.2928932188134524755992;  // d
  static constexpr std::array<double, stages> c{0.0, 0.5857864376269049511983, 1.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> a{
      0.2928932188134524755992,                             // a21 = d
      0.3535533905932737622004, 0.3535533905932737622004};  // a31 = a32 = w
  static constexpr std::array<double, stages> b{0.3535533905932737622004, 0.3535533905932737622004,
                                                0.2928932188134524755992};
  // b - bhat = ((4w - 1)/3, -1/3, 2d/3)
  static constexpr std::array<double, stages> btilde{0.1380711874576983496006, -1.0 / 3.0, 0.1952621458756349837328};
  static constexpr int interp_degree = 0;
};

}  // namespace sciml::tableau
