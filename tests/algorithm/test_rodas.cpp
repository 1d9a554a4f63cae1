// The generic Rosenbrock step with the Rodas4 and Rodas5P tableaus: convergence orders (fixed steps),
// ROBER and HIRES against their references at tolerances 1e-4..1e-10, ROBER's linear invariant, the
// stiff-aware dense output, and no allocation in the step loop.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/order.hpp"
#include "common/problems.hpp"

namespace pr = sciml::problems;

template <class Alg>
void check_order() {
  using LD = long double;  // roundoff out of the way, as for the explicit methods
  const LD e = 0.1L, tf = 2.0L;
  auto prob = sciml::ODEProblem(pr::kepler, pr::kepler_exact<LD>(e, 0.0L), {0.0L, tf});
  auto error_of = [&](int n) {
    sciml::SolveOptions o;
    o.adaptive = false;
    o.dt = double(tf / n);
    o.save_everystep = false;
    auto sol = sciml::solve(prob, Alg{}, o);
    const auto ex = pr::kepler_exact<LD>(e, tf);
    double err = 0;
    for (int i = 0; i < 4; ++i) err = std::max(err, double(std::abs(sol.u.back()[i] - ex[i])));
    return err;
  };
  // the tableaus' 16-17 digit coefficients satisfy the order conditions to ~1e-15: fit above 1e-13
  const auto fit = sciml::testing::asymptotic_slope(error_of, double(tf), Alg::order, 8, 1 << 13, 1e-13);
  ASSERT_GE(fit.dts.size(), 2u) << Alg::name();
  std::printf("  %s: measured order %.2f\n", Alg::name(), fit.slope);
  EXPECT_NEAR(fit.slope, Alg::order, 0.3) << Alg::name();
}
TEST(Rodas, Rodas4Order) { check_order<sciml::Rodas4>(); }
TEST(Rodas, Rodas5POrder) { check_order<sciml::Rodas5P>(); }

template <class Alg>
void check_stiff_references() {
  auto rober = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  auto hires = sciml::ODEProblem(pr::hires, sciml::SVector<double, 8>{1, 0, 0, 0, 0, 0, 0, 0.0057}, {0.0, 321.8122});
  double prev_r = 1e300, prev_h = 1e300;
  for (double tol : {1e-4, 1e-6, 1e-8, 1e-10}) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol * 1e-4;
    auto sol = sciml::solve(rober, Alg{}, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    double err = 0;
    for (int i = 0; i < 3; ++i) err = std::max(err, std::abs(sol.u.back()[i] - pr::rober_ref[i]) / pr::rober_ref[i]);
    for (const auto& u : sol.u) EXPECT_NEAR(u[0] + u[1] + u[2], 1.0, 1e-12);
    EXPECT_LT(err, std::max(1000 * tol, 2e-9)) << Alg::name() << " ROBER tol " << tol;  // ref good to ~1e-10
    if (tol > 1e-9) EXPECT_LT(err, prev_r) << Alg::name() << " ROBER tol " << tol;
    prev_r = err;
    o.save_everystep = false;
    auto hs = sciml::solve(hires, Alg{}, o);
    ASSERT_EQ(hs.retcode, sciml::ReturnCode::Success) << hs.message;
    double num = 0, den = 0;
    for (int i = 0; i < 8; ++i) {
      num += std::pow(hs.u.back()[i] - pr::hires_ref[i], 2);
      den += pr::hires_ref[i] * pr::hires_ref[i];
    }
    const double herr = std::sqrt(num / den);
    EXPECT_LT(herr, 1000 * tol) << Alg::name() << " HIRES tol " << tol;
    EXPECT_LT(herr, prev_h) << Alg::name() << " HIRES tol " << tol;
    prev_h = herr;
    std::printf("  %s tol %.0e: ROBER err %.1e (%ld steps, %ld jac), HIRES err %.1e (%ld steps)\n", Alg::name(), tol,
                err, sol.stats.naccept, sol.stats.njac, herr, hs.stats.naccept);
  }
}
TEST(Rodas, Rodas4StiffReferences) { check_stiff_references<sciml::Rodas4>(); }
TEST(Rodas, Rodas5PStiffReferences) { check_stiff_references<sciml::Rodas5P>(); }

TEST(Rodas, DenseOutput) {
  auto f = [](const auto& u, const auto&, auto t) {
    using std::sin;
    using S = std::remove_cvref_t<decltype(u[0] * t)>;
    return sciml::SVector<S, 1>{-50.0 * (u[0] - sin(t))};  // stiff-ish forcing: u follows sin t
  };
  auto exact = [](double t) {  // u0 = 0
    const double a = 50.0;
    return a * (a * std::sin(t) - std::cos(t) + std::exp(-a * t)) / (a * a + 1);
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{0.0}, {0.0, 5.0}), sciml::Rodas5P{}, o);
  ASSERT_TRUE(sol.dense);
  double at_steps = 0, between = 0;
  for (std::size_t i = 0; i < sol.t.size(); ++i) at_steps = std::max(at_steps, std::abs(sol.u[i][0] - exact(sol.t[i])));
  for (double t = 0.013; t < 5.0; t += 0.05) between = std::max(between, std::abs(sol(t)[0] - exact(t)));
  EXPECT_LT(at_steps, 1e-6);
  EXPECT_LT(between, 1e-5);
}

#ifdef SCIML_HAVE_EIGEN
TEST(Rodas, DynamicStatesMatchFixedSize) {
  // ROBER in place on std::vector (Eigen LU) gives the same steps and answer as on SVector (SmallLU)
  auto rober_inplace = [](auto& du, const auto& u, const auto& k, auto) {
    du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
    du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
    du[2] = k[2] * u[1] * u[1];
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto fixed = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                            sciml::Rodas5P{}, o);
  auto dyn = sciml::solve(sciml::ODEProblem(rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::Rodas5P{}, o);
  ASSERT_EQ(dyn.retcode, sciml::ReturnCode::Success) << dyn.message;
  EXPECT_EQ(dyn.stats.naccept, fixed.stats.naccept);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(dyn.u.back()[i], fixed.u.back()[i], 1e-12 * (1 + fixed.u.back()[i]));
  auto r23 = sciml::solve(sciml::ODEProblem(rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::Rosenbrock23{}, o);
  EXPECT_EQ(r23.retcode, sciml::ReturnCode::Success);
}
#endif

TEST(Rodas, UserJacobian) {
  // ROBER with its analytic Jacobian through ODEFunction: the same steps as with the AD Jacobian, and f need not
  // be generic (it only ever sees doubles)
  auto f = [](const sciml::SVector<double, 3>& u, const std::array<double, 3>& k, double) {
    return sciml::SVector<double, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                     k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], k[2] * u[1] * u[1]};
  };
  int jac_calls = 0;
  auto jac = [&jac_calls](auto& J, const auto& u, const auto& k, auto) {
    ++jac_calls;
    J(0, 0) = -k[0], J(0, 1) = k[1] * u[2], J(0, 2) = k[1] * u[1];
    J(1, 0) = k[0], J(1, 1) = -k[1] * u[2] - 2 * k[2] * u[1], J(1, 2) = -k[1] * u[1];
    J(2, 0) = 0, J(2, 1) = 2 * k[2] * u[1], J(2, 2) = 0;
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto user = sciml::solve(sciml::ODEProblem(sciml::ODEFunction(f, jac), sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                           sciml::Rodas5P{}, o);
  auto ad = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                         sciml::Rodas5P{}, o);
  ASSERT_EQ(user.retcode, sciml::ReturnCode::Success) << user.message;
  EXPECT_EQ(jac_calls, user.stats.njac);
  EXPECT_EQ(user.stats.naccept, ad.stats.naccept);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(user.u.back()[i], ad.u.back()[i], 1e-10 * (1e-8 + ad.u.back()[i]));
}
