// Stiffness detection and automatic switching (AutoTsit5, AutoVern7) and the default algorithm of
// solve(prob, opts): a problem that turns stiff and back, ROBER, and a non-stiff problem that must not switch.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
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
