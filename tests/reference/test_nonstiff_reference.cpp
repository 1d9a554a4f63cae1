// Arenstorf orbit (u(T) = u0 exactly, also over 2T) and Pleiades (reference positions at t = 3) at several
// tolerances: every adaptive method must get more accurate as the tolerance falls, and reach the reference
// to within a modest multiple of the tolerance.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/problems.hpp"

namespace {
// ||u(tf) - ref|| / ||ref|| over the first `n` components, for each tolerance
template <class Alg, class Prob, class Ref>
std::vector<double> errors(const Prob& prob, const Ref& ref, int n, std::initializer_list<double> tols) {
  std::vector<double> errs;
  for (double tol : tols) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol;
    o.save_everystep = false;
    auto sol = sciml::solve(prob, Alg{}, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
    double num = 0, den = 0;
    for (int i = 0; i < n; ++i) {
      num += std::pow(sol.u.back()[i] - ref[i], 2);
      den += std::pow(ref[i], 2);
    }
    errs.push_back(std::sqrt(num / den));
  }
  return errs;
}

template <class Alg>
std::vector<double> arenstorf_errors(double periods) {
  auto prob = sciml::ODEProblem(sciml::problems::arenstorf, sciml::problems::arenstorf_u0,
                                {0.0, periods * sciml::problems::arenstorf_T});
  return errors<Alg>(prob, sciml::problems::arenstorf_u0, 4, {1e-6, 1e-8, 1e-10, 1e-12});
}

template <class Alg>
std::vector<double> pleiades_errors() {
  auto prob = sciml::ODEProblem(sciml::problems::pleiades, sciml::problems::pleiades_u0, {0.0, 3.0});
  return errors<Alg>(prob, sciml::problems::pleiades_ref_xy, 14, {1e-5, 1e-7, 1e-9});
}

template <class Alg>
void check_reference() {
  for (double periods : {1.0, 2.0}) {
    const auto e = arenstorf_errors<Alg>(periods);
    for (std::size_t i = 1; i < e.size(); ++i) EXPECT_LT(e[i], e[i - 1]) << Alg::name() << " Arenstorf " << i;
    // tol 1e-12; the orbit amplifies local errors strongly, more so over two periods
    EXPECT_LT(e.back(), periods == 1.0 ? 1e-7 : 2e-5) << Alg::name();
    std::printf("  %-6s Arenstorf %gT errors:", Alg::name(), periods);
    for (double x : e) std::printf(" %.1e", x);
    std::printf("\n");
  }
  const auto p = pleiades_errors<Alg>();
  for (std::size_t i = 1; i < p.size(); ++i) EXPECT_LT(p[i], p[i - 1]) << Alg::name() << " Pleiades " << i;
  EXPECT_LT(p.back(), 1e-7) << Alg::name();  // tol 1e-9; the reference itself is good to ~1e-9
  std::printf("  %-6s Pleiades errors:", Alg::name());
  for (double x : p) std::printf(" %.1e", x);
  std::printf("\n");
}
}  // namespace

TEST(NonstiffReference, DP5) { check_reference<sciml::DP5>(); }
TEST(NonstiffReference, Tsit5) { check_reference<sciml::Tsit5>(); }
TEST(NonstiffReference, Vern6) { check_reference<sciml::Vern6>(); }
TEST(NonstiffReference, Vern7) { check_reference<sciml::Vern7>(); }
TEST(NonstiffReference, Vern8) { check_reference<sciml::Vern8>(); }
TEST(NonstiffReference, Vern9) { check_reference<sciml::Vern9>(); }
TEST(NonstiffReference, DP8) { check_reference<sciml::DP8>(); }
