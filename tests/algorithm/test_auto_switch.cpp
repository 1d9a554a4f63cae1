// Stiffness detection and automatic switching (AutoTsit5, AutoVern7) and the default algorithm of
// solve(prob, opts): a problem that turns stiff and back, ROBER, and a non-stiff problem that must not switch;
// the default's choice by size (FBDF above 50 states, with a sparse LU on a detected sparse pattern, a dense
// LU up to 500 states, GMRES beyond).
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/large_problems.hpp"
#include "common/problems.hpp"

namespace pr = sciml::problems;

namespace {
// u' = -lambda(t) (u - cos t) with lambda rising from 1 to ~1e4 around t = 5 and falling back around t = 15:
// non-stiff, then stiff (an explicit method needs h < 3.5e-4), then non-stiff again
auto turns_stiff = [](const auto& u, const auto&, auto t) {
  using std::cos;
  using std::exp;
  using S = std::remove_cvref_t<decltype(u[0] * t)>;
  const auto lam = 1.0 + 1e4 / (1.0 + exp(-10.0 * (t - 5.0))) - 1e4 / (1.0 + exp(-10.0 * (t - 15.0)));
  return sciml::SVector<S, 1>{-lam * (u[0] - cos(t))};
};
double reference(double t) {
  sciml::SolveOptions o;
  o.reltol = 1e-12;
  o.abstol = 1e-12;
  o.save_everystep = false;
  o.saveat.times = {t};
  return sciml::solve(sciml::ODEProblem(turns_stiff, sciml::SVector{2.0}, {0.0, t}), sciml::Rodas5P{}, o).u.back()[0];
}
}  // namespace

TEST(AutoSwitch, SwitchesToStiffAndBack) {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-8;
  auto prob = sciml::ODEProblem(turns_stiff, sciml::SVector{2.0}, {0.0, 20.0});
  auto sol = sciml::solve(prob, sciml::AutoTsit5<sciml::Rodas5P>{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_EQ(sol.stats.nswitch, 2);
  ASSERT_EQ(sol.dense_tag.size(), sol.dense_t0.size());
  // which method took the steps around t = 2 (non-stiff), 10 (stiff) and 19 (non-stiff again)
  auto tag_at = [&](double t) {
    std::size_t i = 0;
    while (i + 1 < sol.dense_tend.size() && sol.dense_tend[i] < t) ++i;
    return int(sol.dense_tag[i]);
  };
  EXPECT_EQ(tag_at(2.0), 0);
  EXPECT_EQ(tag_at(10.0), 1);
  EXPECT_EQ(tag_at(19.0), 0);
  // far fewer steps than Tsit5 alone, which is stability-bound for 10 time units
  auto tsit = sciml::solve(prob, sciml::Tsit5{}, o);
  std::printf("  AutoTsit5(Rodas5P): %ld steps, %ld f, %ld jac; Tsit5: %ld steps, %ld f\n", sol.stats.naccept,
              sol.stats.nf, sol.stats.njac, tsit.stats.naccept, tsit.stats.nf);
  EXPECT_LT(sol.stats.naccept * 5, tsit.stats.naccept);
  // accurate at the end and, through the dense output of both methods, in between
  for (double t : {3.0, 7.5, 12.0, 20.0}) EXPECT_NEAR(sol(t)[0], reference(t), 2e-5) << "t = " << t;
}

TEST(AutoSwitch, AutoVern7Rodas5POnRober) {
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  auto sol = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                          sciml::AutoVern7<sciml::Rodas5P>{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_GE(sol.stats.nswitch, 1);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-6 * pr::rober_ref[i]);
  std::printf("  AutoVern7(Rodas5P) ROBER: %ld steps, %ld switches\n", sol.stats.naccept, sol.stats.nswitch);
}

TEST(DefaultAlgorithm, NonStiffProblemDoesNotSwitch) {
  // Lorenz at the default tolerances: the default is Tsit5, step for step
  auto prob = sciml::ODEProblem(pr::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 20.0}, pr::lorenz_p);
  auto def = sciml::solve(prob);
  auto tsit = sciml::solve(prob, sciml::Tsit5{});
  ASSERT_EQ(def.retcode, sciml::ReturnCode::Success) << def.message;
  EXPECT_EQ(def.stats.nswitch, 0);
  EXPECT_EQ(def.stats.naccept, tsit.stats.naccept);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(def.u.back()[i], tsit.u.back()[i]);
  // at tight tolerances it is Vern7 (under Tsit5's controller settings, so not step for step)
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-9;
  auto def9 = sciml::solve(prob, o);
  auto vern = sciml::solve(prob, sciml::Vern7{}, o);
  EXPECT_EQ(def9.stats.nswitch, 0);
  EXPECT_NEAR(double(def9.stats.naccept), double(vern.stats.naccept), 0.05 * double(vern.stats.naccept));
}

TEST(DefaultAlgorithm, StiffProblemSwitches) {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  auto sol = sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k), o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_GE(sol.stats.nswitch, 1);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-4 * pr::rober_ref[i]);
  std::printf("  default ROBER at 1e-6: %ld steps, %ld switches, %ld jac\n", sol.stats.naccept, sol.stats.nswitch,
              sol.stats.njac);
}

// The default picks by the problem's structure: a mass matrix needs a method that takes one, a sparse
// Jacobian marks a large system (FBDF); plain problems get the switching DefaultODEAlgorithm.
TEST(DefaultAlgorithm, ChoosesByStructure) {
  auto f = [](const auto& u, const auto& k, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0};
  };
  const sciml::SMatrix<double, 3, 3> M{{1, 0, 0, 0, 1, 0, 0, 0, 0}};
  auto dae = sciml::ODEProblem(sciml::with_mass_matrix(f, M), sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5},
                               sciml::problems::rober_k);
  static_assert(std::is_same_v<sciml::default_algorithm_t<decltype(dae)>, sciml::Rodas5P>);
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  auto sol = sciml::solve(dae, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_NEAR(sol.u.back()[0], sciml::problems::rober_ref[0], 1e-4 * sciml::problems::rober_ref[0]);
  auto g = [](auto& du, const auto& u, const auto&, auto) {
    for (std::size_t i = 0; i < u.size(); ++i) du[i] = -1000.0 * (u[i] - (i + 1 < u.size() ? u[i + 1] : u[0]));
  };
  auto sparse = sciml::ODEProblem(sciml::with_sparse_jacobian(g), std::vector<double>(100, 1.0), {0.0, 1.0});
  static_assert(std::is_same_v<sciml::default_algorithm_t<decltype(sparse)>, sciml::FBDF<>>);
  auto ss = sciml::solve(sparse, o);
  ASSERT_EQ(ss.retcode, sciml::ReturnCode::Success) << ss.message;
  EXPECT_NEAR(ss.u.back()[0], 1.0, 1e-8);  // a constant state is an equilibrium
  auto plain = sciml::ODEProblem(sciml::problems::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1.0}, sciml::problems::rober_k);
  static_assert(std::is_same_v<sciml::default_algorithm_t<decltype(plain)>, sciml::DefaultODEAlgorithm>);
}

namespace {
// n copies of turns_stiff as one dynamic state: above 50 states the default's stiff method is FBDF
auto turns_stiff_n = [](auto& du, const auto& u, const auto&, auto t) {
  for (std::size_t i = 0; i < u.size(); ++i) du[i] = turns_stiff(sciml::SVector<std::remove_cvref_t<decltype(u[0])>, 1>{u[i]}, 0, t)[0];
};
// Mean-field relaxation, a dense Jacobian: u_i' = -1000 (u_i - m) - m with m = mean(u), so that m' = -m and
// u_i - m decays at rate 1000: u_i(t) = m0 e^-t + (u_i(0) - m0) e^-1000t.
auto mean_field = [](auto& du, const auto& u, const auto&, auto) {
  auto m = u[0];
  for (std::size_t j = 1; j < u.size(); ++j) m += u[j];
  m /= double(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) du[i] = -1000.0 * (u[i] - m) - m;
};
std::vector<double> mean_field_u0(std::size_t n) {
  std::vector<double> u(n);
  for (std::size_t i = 0; i < n; ++i) u[i] = 1.0 + double(i % 7) / 7.0;
  return u;
}
double max_rel_err(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]) / std::abs(b[i]));
  return e;
}
constexpr int fbdf_tag = 4;  // Tsit5, Vern7 | Rosenbrock23, Rodas5P, FBDF
}  // namespace

TEST(DefaultAlgorithm, LargerSystemsSwitchToFBDFAndBack) {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-8;
  auto sol = sciml::solve(sciml::ODEProblem(turns_stiff_n, std::vector<double>(60, 2.0), {0.0, 20.0}), o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_EQ(sol.stats.nswitch, 2);
  auto tag_at = [&](double t) {
    std::size_t i = 0;
    while (i + 1 < sol.dense_tend.size() && sol.dense_tend[i] < t) ++i;
    return int(sol.dense_tag[i]);
  };
  EXPECT_EQ(tag_at(2.0), 0);
  EXPECT_EQ(tag_at(10.0), fbdf_tag);
  EXPECT_EQ(tag_at(19.0), 0);
  EXPECT_EQ(sol.stats.nkrylov, 0);
  // FBDF's dense output inside the composite, and the explicit method after the switch back
  for (double t : {3.0, 7.5, 12.0, 20.0}) {
    const auto u = sol(t);
    for (std::size_t i : {std::size_t(0), std::size_t(59)}) EXPECT_NEAR(u[i], reference(t), 1e-4) << "t = " << t;
  }
  std::printf("  default on 60 states: %ld steps, %ld f, %ld jac, %ld switches\n", sol.stats.naccept, sol.stats.nf,
              sol.stats.njac, sol.stats.nswitch);
}

TEST(DefaultAlgorithm, NonStiffLargerSystemNeverFormsAJacobian) {
  // 200 harmonic oscillators u'' = -u: Tsit5 throughout, no stiff cache made
  auto osc = [](auto& du, const auto& u, const auto&, auto) {
    for (std::size_t i = 0; i < u.size(); i += 2) {
      du[i] = u[i + 1];
      du[i + 1] = -u[i];
    }
  };
  std::vector<double> u0(400);
  for (std::size_t i = 0; i < u0.size(); i += 2) u0[i] = 1.0 + double(i) / 400.0;
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-10;
  auto sol = sciml::solve(sciml::ODEProblem(osc, u0, {0.0, 10.0}), o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_EQ(sol.stats.nswitch, 0);
  EXPECT_EQ(sol.stats.njac, 0);
  for (std::size_t i = 0; i < u0.size(); i += 2) EXPECT_NEAR(sol.u.back()[i], u0[i] * std::cos(10.0), 1e-6);
}

// The stiff method's linear solver by structure: a detected sparse pattern gets the sparse LU (no Krylov
// iterations) at any size; a dense one a dense LU up to 500 states and GMRES beyond.
TEST(DefaultAlgorithm, LinearSolverBySizeAndPattern) {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-6;
  o.save_everystep = false;
  o.tstops = {pr::brusselator_tstop};
  const std::vector<double> ref8(pr::brusselator8_ref.begin(), pr::brusselator8_ref.end());
  auto b8 = sciml::solve(sciml::ODEProblem(pr::brusselator_2d, pr::brusselator_u0(8), {0.0, pr::brusselator_tf},
                                           pr::brusselator_params(8)), o);
  ASSERT_EQ(b8.retcode, sciml::ReturnCode::Success) << b8.message;
  EXPECT_GE(b8.stats.nswitch, 1);
  EXPECT_EQ(b8.stats.nkrylov, 0);
  EXPECT_LT(max_rel_err(b8.u.back(), ref8), 3e-4);
  // Brusselator N = 32 (2048 states): sparse (GMRES would need about 10^5 Krylov iterations here); the same
  // answer as FBDF with the pattern given explicitly
  auto p32 = pr::brusselator_params(32);
  auto b32 = sciml::solve(sciml::ODEProblem(pr::brusselator_2d, pr::brusselator_u0(32), {0.0, pr::brusselator_tf}, p32), o);
  ASSERT_EQ(b32.retcode, sciml::ReturnCode::Success) << b32.message;
  EXPECT_EQ(b32.stats.nkrylov, 0);
  sciml::SolveOptions tight = o;
  tight.reltol = 1e-10;
  tight.abstol = 1e-10;
  auto r32 = sciml::solve(sciml::ODEProblem(sciml::with_sparse_jacobian(pr::brusselator_2d, pr::brusselator_jac_pattern(32)),
                                            pr::brusselator_u0(32), {0.0, pr::brusselator_tf}, p32),
                          sciml::FBDF<>{}, tight);
  ASSERT_EQ(r32.retcode, sciml::ReturnCode::Success) << r32.message;
  EXPECT_LT(max_rel_err(b32.u.back(), r32.u.back()), 3e-3);  // tolerance-level agreement (8e-4 measured)
  // dense Jacobians: 100 states by a dense LU, 600 by GMRES; both against the closed form
  for (std::size_t n : {std::size_t(100), std::size_t(600)}) {
    sciml::SolveOptions om;
    om.reltol = 1e-8;
    om.abstol = 1e-10;
    const auto u0 = mean_field_u0(n);
    auto sol = sciml::solve(sciml::ODEProblem(mean_field, u0, {0.0, 2.0}), om);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    EXPECT_GE(sol.stats.nswitch, 1) << n;
    if (n <= sciml::DefaultODEAlgorithm::medium_size) {
      EXPECT_EQ(sol.stats.nkrylov, 0) << n;
    } else {
      EXPECT_GT(sol.stats.nkrylov, 0) << n;
    }
    double m0 = 0;
    for (double x : u0) m0 += x / double(n);
    std::vector<double> exact(n);
    for (std::size_t i = 0; i < n; ++i) exact[i] = m0 * std::exp(-2.0) + (u0[i] - m0) * std::exp(-2000.0);
    EXPECT_LT(max_rel_err(sol.u.back(), exact), 1e-6) << n;
    std::printf("  mean field n = %zu: %ld steps, %ld jac, %ld LU/W, %ld Krylov iterations\n", n, sol.stats.naccept,
                sol.stats.njac, sol.stats.nw, sol.stats.nkrylov);
  }
}
