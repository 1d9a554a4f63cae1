#pragma once
// Tsitouras 5(4) pair (7 stages, FSAL) with its free 4th-order dense output (degree-4 b_i(theta)).
// Digits: Tsitouras (2011) (its tableau and factored b_i(theta)); A and btilde to 25 digits as
// tabulated (from the paper's nodes) in OrdinaryDiffEq.jl tsit_tableaus.jl; bi = those factored
// polynomials expanded in 60-digit arithmetic (theta^1 of b_1 set to its exact value 1). btilde = b - bhat.

#include <array>

namespace sciml::tableau {

struct Tsit5Tableau {
  static constexpr const char* name = "Tsit5";
  static constexpr const char* reference =
      "Ch. Tsitouras, Runge-Kutta pairs of order 5(4) satisfying only the first column simplifying assumption, Comput. Math. Appl. 62 (2011) 770-775, doi:10.1016/j.camwa.2011.06.002";
  static constexpr int order = 5;
  static constexpr int embedded_order = 4;
  static constexpr int stages = 7;
  // |R(z)| <= 1 on [-stability_size, 0] (boundary 3.51, rounded down; stiffness detection)
  static constexpr double stability_size = 3.5;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 4;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{
      0.0,  // c1
      161.0 / 1000.0,  // c2
      327.0 / 1000.0,  // c3
      9.0 / 10.0,  // c4
      0.9800255409045096857298103,  // c5
      1.0,  // c6
      1.0,  // c7
  };
  static constexpr std::array<double, total * (total - 1) / 2> a{
      161.0 / 1000.0,  // a2,*
      -0.008480655492356988544426874, 0.3354806554923569885444269,  // a3,*
      2.897153057105493432130433, -6.35944848997507484314816, 4.362295432869581411017727,  // a4,*
      5.325864828439256604428878, -11.74888356406282787774717, 7.495539342889836208304605, -0.09249506636175524925650208,  // a5,*
      5.861455442946420028659251, -12.92096931784710929170612, 8.159367898576158643180401, -0.07158497328140099722453054, -0.02826905039406838290900306,  // a6,*
      0.09646076681806522951816731, 1.0 / 100.0, 0.4798896504144995747752495, 1.379008574103741893192275, -3.290069515436080679901048, 2.324710524099773982415356,  // a7,*
  };
  static constexpr std::array<double, stages> btilde{
      0.001780011052225771443378551,  // 1
      8.164344596567469032236361e-4,  // 2
      -0.007880878010261996010314728,  // 3
      0.1447110071732629075371651,  // 4
      -0.5823571654525552250199376,  // 5
      0.4580821059291869466616365,  // 6
      -1.0 / 66.0,  // 7
  };
  static constexpr std::array<double, total * interp_degree> bi{
      1.0, -2.763706197274825911336736, 2.913255461821912743750681, -1.0530884977290216,  // b_1(theta)
      0.0, 0.13169999999999999727, -0.22339999999999999818, 0.1017,  // b_2(theta)
      0.0, 3.930296236894751528506874, -5.941033872131504734702492, 2.490627285651252793,  // b_3(theta)
      0.0, -12.41107716693367698373438, 30.33818863028232159817299, -16.54810288924490272,  // b_4(theta)
      0.0, 37.50931341651103919496904, -88.17890489476640110142767, 47.37952196281928122,  // b_5(theta)
      0.0, -27.89652628919728780594826, 65.09189467479367152629022, -34.87065786149660974,  // b_6(theta)
      0.0, 1.5, -4.0, 2.5,  // b_7(theta)
  };
};

}  // namespace sciml::tableau
