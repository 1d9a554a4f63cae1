#pragma once
// Dormand-Prince 5(4) pair (7 stages, FSAL) with the 4th-order dense output of Hairer's DOPRI5.
// Exact rationals from Dormand & Prince (1980); btilde = b - bhat = DOPRI5's e_i. The dense output
// (DOPRI5's d_i and CONTD5) is converted to degree-4 b_i(theta) by tools/dp5_dense.py.

#include <array>

namespace sciml::tableau {

struct DP5Tableau {
  static constexpr const char* name = "DP5";
  static constexpr const char* reference =
      "J.R. Dormand, P.J. Prince, A family of embedded Runge-Kutta formulae, J. Comput. Appl. Math. 6 (1980) 19-26, doi:10.1016/0771-050X(80)90013-3; dense output: E. Hairer, S.P. Norsett, G. Wanner, Solving Ordinary Differential Equations I, 2nd ed., Springer 1993, Sec. II.6 (DOPRI5 CONTD5, after Shampine 1986), doi:10.1007/978-3-540-78862-1";
  static constexpr int order = 5;
  static constexpr int embedded_order = 4;
  static constexpr int stages = 7;
  // |R(z)| <= 1 on [-stability_size, 0] (boundary 3.31, rounded down; stiffness detection)
  static constexpr double stability_size = 3.3;
  static constexpr int extra_stages = 0;
  static constexpr int interp_degree = 4;
  static constexpr int total = stages + extra_stages;
  static constexpr std::array<double, total> c{
      0.0,  // c1
      1.0 / 5.0,  // c2
      3.0 / 10.0,  // c3
      4.0 / 5.0,  // c4
      8.0 / 9.0,  // c5
      1.0,  // c6
      1.0,  // c7
  };
  static constexpr std::array<double, total * (total - 1) / 2> a{
      1.0 / 5.0,  // a2,*
      3.0 / 40.0, 9.0 / 40.0,  // a3,*
      44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0,  // a4,*
      19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0,  // a5,*
      9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0,  // a6,*
      35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0,  // a7,*
  };
  static constexpr std::array<double, stages> btilde{
      71.0 / 57600.0,  // 1
      0.0,  // 2
      -71.0 / 16695.0,  // 3
      71.0 / 1920.0,  // 4
      -17253.0 / 339200.0,  // 5
      22.0 / 525.0,  // 6
      -1.0 / 40.0,  // 7
  };
  static constexpr std::array<double, total * interp_degree> bi{
      1.0, -8048581381.0 / 2820520608.0, 8663915743.0 / 2820520608.0, -12715105075.0 / 11282082432.0,  // b_1(theta)
      0.0, 0.0, 0.0, 0.0,  // b_2(theta)
      0.0, 131558114200.0 / 32700410799.0, -68118460800.0 / 10900136933.0, 87487479700.0 / 32700410799.0,  // b_3(theta)
      0.0, -1754552775.0 / 470086768.0, 14199869525.0 / 1410260304.0, -10690763975.0 / 1880347072.0,  // b_4(theta)
      0.0, 127303824393.0 / 49829197408.0, -318862633887.0 / 49829197408.0, 701980252875.0 / 199316789632.0,  // b_5(theta)
      0.0, -282668133.0 / 205662961.0, 2019193451.0 / 616988883.0, -1453857185.0 / 822651844.0,  // b_6(theta)
      0.0, 40617522.0 / 29380423.0, -110615467.0 / 29380423.0, 69997945.0 / 29380423.0,  // b_7(theta)
  };
};

}  // namespace sciml::tableau
