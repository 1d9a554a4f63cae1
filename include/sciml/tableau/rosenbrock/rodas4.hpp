#pragma once
// Rodas4: 6-stage, stiffly accurate, L-stable Rosenbrock method of order 4 with an embedded order-3
// solution and a stiffly accurate order-3 dense output (Hairer & Wanner, Solving ODEs II, Sec. IV.7).
// Digits: Hairer's rodas.f (METH=1, 16 significant digits as published; c, d and gamma are exact
// decimals), in the transformed "RODAS" form (k_i = W^{-1} rhs_i, W = I/(gamma h) - J) also used by
// OrdinaryDiffEq.jl. u_new = U_5 + k_5 and the error is k_5, so m = (a_5j, 1), btilde = e_5.
#include <array>

namespace sciml::tableau {

struct Rodas4Tableau {
  static constexpr const char* name = "Rodas4";
  static constexpr const char* reference =
      "E. Hairer, G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer (1996), "
      "Sec. IV.7, doi:10.1007/978-3-642-05221-7; coefficients of rodas.f";
  static constexpr int order = 4;
  static constexpr int embedded_order = 3;
  static constexpr int stages = 6;
  static constexpr int ndense = 2;
  static constexpr double gamma = 0.25;
  static constexpr std::array<double, stages> c{0.0, 0.386, 0.21, 0.63, 1.0, 1.0};
  // d_4 is printed as -0.03620000000000023 in rodas.f; its exact value is c_4 - beta'_4 - gamma
  // = 0.63 - 0.3438 - 0.25 = -0.0362 (construction parameters of Hairer & Wanner)
  static constexpr std::array<double, stages> d{0.25, -0.1043, 0.1035, -0.0362, 0.0, 0.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> a{
      1.544,
      0.9466785280815826, 0.2557011698983284,
      3.314825187068521, 2.896124015972201, 0.9986419139977817,
      1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950,
      1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950, 1.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> C{
      -5.6688,
      -2.430093356833875, -0.2063599157091915,
      -0.1073529058151375, -9.594562251023355, -20.47028614809616,
      7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160,
      8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054};
  static constexpr std::array<double, stages> m{
      1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950, 1.0, 1.0};
  static constexpr std::array<double, stages> btilde{0.0, 0.0, 0.0, 0.0, 0.0, 1.0};
  static constexpr std::array<double, ndense * stages> H{
      10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662, 0.0,
      -0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872, 0.0};
};

}  // namespace sciml::tableau
