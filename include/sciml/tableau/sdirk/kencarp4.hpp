#pragma once
// KenCarp4: the implicit (ESDIRK) half of Kennedy & Carpenter's additive method ARK4(3)6L[2]SA, used on its own:
// 6 stages with an explicit first one and diagonal gamma = 1/4, stage order 2, L-stable and stiffly accurate,
// order 4 with an embedded order-3 solution (bhat) for the error estimate, and the paper's third-order dense
// output (b*_ij, degree 3 in theta). The method coefficients are the paper's exact rationals, written p.0 / q.0
// (both exact in a double, so the compiler rounds the quotient once); btilde = b - bhat is reduced exactly. The
// dense-output b*_ij are the paper's 13-digit rationals, which approximate the interpolant's conditions to ~1e-26.
// The same values are in OrdinaryDiffEq's KenCarp4Tableau and SUNDIALS' ARK436L2SA_DIRK_6_3_4 (A, b, bhat) and in
// PETSc's TSARKIMEX4 (src/ts/impls/arkimex/arkimex.c, also the b*_ij).
// tools/check_sdirk_tableau.py verifies them.
#include <array>

namespace sciml::tableau {

struct KenCarp4Tableau {
  static constexpr const char* name = "KenCarp4";
  static constexpr const char* reference =
      "C. A. Kennedy, M. H. Carpenter, Additive Runge-Kutta schemes for convection-diffusion-reaction equations, "
      "Appl. Numer. Math. 44 (2003) 139-181, ARK4(3)6L[2]SA (implicit part)";
  static constexpr int order = 4;
  static constexpr int embedded_order = 3;
  static constexpr int stages = 6;
  static constexpr int explicit_first = 1;
  static constexpr int stiffly_accurate = 1;
  static constexpr double gamma = 1.0 / 4.0;
  static constexpr std::array<double, stages> c{0.0, 1.0 / 2.0, 83.0 / 250.0, 31.0 / 50.0, 17.0 / 20.0, 1.0};
  static constexpr std::array<double, stages * (stages - 1) / 2> a{
      1.0 / 4.0,                                                                // a21
      8611.0 / 62500.0, -1743.0 / 31250.0,                                      // a31 a32
      5012029.0 / 34652500.0, -654441.0 / 2922500.0, 174375.0 / 388108.0,      // a41 .. a43
      15267082809.0 / 155376265600.0, -71443401.0 / 120774400.0, 730878875.0 / 902184768.0,
      2285395.0 / 8070912.0,                                                    // a51 .. a54
      82889.0 / 524892.0, 0.0, 15625.0 / 83664.0, 69875.0 / 102672.0, -2260.0 / 8211.0};  // a61 .. a65
  static constexpr std::array<double, stages> b{82889.0 / 524892.0, 0.0, 15625.0 / 83664.0, 69875.0 / 102672.0,
                                                -2260.0 / 8211.0, 1.0 / 4.0};
  // bhat = (4586570599/29645900160, 0, 178811875/945068544, 814220225/1159782912, -3700637/11593932,
  // 61727/225920); btilde = b - bhat
  static constexpr std::array<double, stages> btilde{31666707.0 / 9881966720.0, 0.0, -256875.0 / 105007616.0,
                                                     -2768025.0 / 128864768.0, 169839.0 / 3864644.0,
                                                     -5247.0 / 225920.0};
  static constexpr int interp_degree = 3;
  // b_i(theta) = sum_{r=1..3} bi[(r-1)*stages + i] theta^r (the paper's b*_ir)
  static constexpr std::array<double, stages * interp_degree> bi{
      // theta^1
      6943876665148.0 / 7220017795957.0, 0.0, 7640104374378.0 / 9702883013639.0,
      -20649996744609.0 / 7521556579894.0, 8854892464581.0 / 2390941311638.0,
      -11397109935349.0 / 6675773540249.0,
      // theta^2
      -54480133.0 / 30881146.0, 0.0, -11436875.0 / 14766696.0, 174696575.0 / 18121608.0, -12120380.0 / 966161.0,
      3843.0 / 706.0,
      // theta^3
      6818779379841.0 / 7100303317025.0, 0.0, 2173542590792.0 / 12501825683035.0,
      -31592104683404.0 / 5083833661969.0, 61146701046299.0 / 7138195549469.0,
      -17219254887155.0 / 4939391667607.0};
};

}  // namespace sciml::tableau
