#pragma once
// Kvaerno5: Kvaerno's ESDIRK5(4)7L[2]SA, 7 stages with an explicit first one and diagonal gamma = 0.26, stage
// order 2, L-stable and stiffly accurate, order 5. The embedded order-4 solution is stage 6 (bhat = row 6 of A
// with gamma, c_6 = 1), so btilde = b - bhat. The coefficients are the paper's 17-digit decimals (the method has
// no exact rational form; the same digits are in SUNDIALS' KVAERNO_7_4_5 and OrdinaryDiffEq's Kvaerno5Tableau);
// they satisfy the order conditions to ~2e-17. c_3..c_5 are the exact row sums of those decimals (the paper's
// 15-digit c agree). No dense output of its own: interpolation falls back to cubic Hermite.
// tools/check_sdirk_tableau.py verifies them.
#include <array>

namespace sciml::tableau {

struct Kvaerno5Tableau {
  static constexpr const char* name = "Kvaerno5";
  static constexpr const char* reference =
      "A. Kvaerno, Singly diagonally implicit Runge-Kutta methods with an explicit first stage, "
      "BIT Numer. Math. 44 (2004) 489-502";
  static constexpr int order = 5;
  static constexpr int embedded_order = 4;
  static constexpr int stages = 7;
  static constexpr int explicit_first = 1;
  static constexpr int stiffly_accurate = 1;
  static constexpr double gamma = 0.26;
  static constexpr std::array<double, stages> c{0.0, 0.52, 1.23033320996790809, 0.89576598435007589,
                                                0.43639360985864758, 1.0, 1.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> a{
      0.26,                                                                            // a21 = gamma
      0.13, 0.84033320996790809,                                                       // a31 a32
      0.22371961478320505, 0.47675532319799699, -0.06470895363112615,                  // a41 .. a43
      0.16648564323248321, 0.10450018841591720, 0.03631482272098715, -0.13090704451073998,  // a51 .. a54
      0.13855640231268224, 0.0, -0.04245337201752043, 0.02446657898003141, 0.61943039072480676,  // a61 .. a65
      0.13659751177640291, 0.0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403,
      0.06962479448202728};                                                            // a71 .. a76
  static constexpr std::array<double, stages> b{0.13659751177640291, 0.0, -0.05496908796538376,
                                                -0.04118626728321046, 0.62993304899016403,
                                                0.06962479448202728, 0.26};
  // bhat = (a61, 0, a63, a64, a65, gamma, 0); btilde = b - bhat
  static constexpr std::array<double, stages> btilde{-0.00195889053627933, 0.0, -0.01251571594786333,
                                                     -0.06565284626324187, 0.01050265826535727,
                                                     -0.19037520551797272, 0.26};
  static constexpr int interp_degree = 0;
};

}  // namespace sciml::tableau
