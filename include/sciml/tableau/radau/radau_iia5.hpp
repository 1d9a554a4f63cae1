#pragma once
// RadauIIA5: the 3-stage Radau IIA collocation method (order 5, stiffly accurate, L-stable) in the form of
// Hairer's RADAU5: the Newton system of the 3n stage increments Z is transformed by T so that it splits into
// one real n x n system with (gamma/h) I - J and one complex one with ((alpha + i beta)/h) I - J.
// Digits: tools/check_radau_tableau.py --print (50-digit mpmath, from the exact A of Radau IIA; our T is
// normalised with last row (1, 1, 0), not as in radau5.f); ctest checks them with that script.
#include <array>

namespace sciml::tableau {

struct RadauIIA5Tableau {
  static constexpr const char* name = "RadauIIA5";
  static constexpr const char* reference =
      "E. Hairer, G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer (1996), Sec. IV.8, "
      "doi:10.1007/978-3-642-05221-7 (RADAU5)";
  static constexpr int order = 5;
  static constexpr int embedded_order = 3;  // the estimate is O(h^4)
  static constexpr int stages = 3;
  // eigenvalues of A^-1: gamma and alpha -+ i beta
  static constexpr double gamma = 3.637834252744495732208;
  static constexpr double alpha = 2.681082873627752133896;
  static constexpr double beta = 3.050430199247410569426;
  // c = (4 - sqrt 6)/10, (4 + sqrt 6)/10, 1
  static constexpr std::array<double, 3> c{0.1550510257216821901803, 0.6449489742783178098197, 1.0};
  // T^-1 A^-1 T = [[gamma, 0, 0], [0, alpha, -beta], [0, beta, alpha]], row-major; TI = T^-1
  static constexpr std::array<double, 9> T{
      0.09443876248897524148749, -0.141255295020954208428, -0.03002919410514742449186,
      0.2502131229653333113765,  0.204129352293799931996,  0.3829421127572619377954,
      1.0,                       1.0,                      0.0};
  static constexpr std::array<double, 9> TI{
      4.178718591551904727346,   0.3276828207610623870825, 0.5233764454994495480399,
      -4.178718591551904727346,  -0.3276828207610623870825, 0.4766235545005504519601,
      -0.5028726349457868759512, 2.571926949855605429187,  -0.5960392048282249249688};
  // error estimate: ((gamma/h) I - J)^-1 (f0 + sum_i e_i Z_i / h); e = (-(13 + 7 sqrt 6), -13 + 7 sqrt 6, -1)/3
  static constexpr std::array<double, 3> e{-10.04880939982741556246, 1.382142733160748895794,
                                           -0.3333333333333333333333};
  // dense output u(theta) = u + sum_i l_i(theta) Z_i (collocation polynomial), l_i(theta) =
  // sum_{r=1..3} bi[(r-1)*3 + i] theta^r
  static constexpr std::array<double, 9> bi{
      10.04880939982741556246,  -1.382142733160748895794, 0.3333333333333333333333,
      -25.62959144707663938678, 10.29625811374330605345,  -2.666666666666666666667,
      15.58078204724922382432,  -8.914115380582557157653, 3.333333333333333333333};
};

}  // namespace sciml::tableau
