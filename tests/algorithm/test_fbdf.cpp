// FBDF (variable-order, quasi-constant step BDF): fixed-step orders 1 and 2 (higher orders start from order 1,
// so a fixed-step run cannot show them: they are checked through step counts and tolerance proportionality),
// ROBER and HIRES against their references, dense output, the restart after a callback changes u, dynamic
// states, and Newton failure as a ReturnCode.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/problems.hpp"
#include "common/stiff_checks.hpp"

namespace pr = sciml::problems;
using sciml::testing::check_order;
using sciml::testing::check_stiff_references;

TEST(FBDF, Order1FixedStep) { check_order<sciml::FBDF<1>>(0.3, 512, 1 << 19); }
TEST(FBDF, Order2FixedStep) { check_order<sciml::FBDF<2>>(0.3, 512, 1 << 16); }

TEST(FBDF, StiffReferences) { check_stiff_references<sciml::FBDF<>>({1e-4, 1e-6, 1e-8, 1e-10}, 300); }

// On a smooth problem the higher orders pay off: fewer steps at the same tolerance, and the error follows
// the tolerance (tolerance proportionality of a variable-order code: slope near 1).
TEST(FBDF, HigherOrdersAndToleranceProportionality) {
  auto prob = sciml::ODEProblem(pr::kepler, pr::kepler_exact(0.3, 0.0), {0.0, 10.0});
  auto run = [&](auto alg, double tol, double& err) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol;
    o.save_everystep = false;
    auto sol = sciml::solve(prob, alg, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    const auto ex = pr::kepler_exact(0.3, 10.0);
    err = 0;
    for (int i = 0; i < 4; ++i) err = std::max(err, std::abs(sol.u.back()[i] - ex[i]));
    return sol.stats.naccept;
  };
  double e2, e3, e5;
  const long n2 = run(sciml::FBDF<2>{}, 1e-8, e2), n3 = run(sciml::FBDF<3>{}, 1e-8, e3), n5 = run(sciml::FBDF<5>{}, 1e-8, e5);
  std::printf("  Kepler tol 1e-8: max order 2: %ld steps (err %.1e), 3: %ld (%.1e), 5: %ld (%.1e)\n", n2, e2, n3,
              e3, n5, e5);
  EXPECT_LT(n3, n2 * 2 / 3);
  EXPECT_LT(n5, n3);
  double ea, eb;
  run(sciml::FBDF<>{}, 1e-6, ea);
  run(sciml::FBDF<>{}, 1e-10, eb);
  const double slope = std::log10(ea / eb) / 4.0;
  std::printf("  tolerance proportionality: err(1e-6) %.1e, err(1e-10) %.1e, slope %.2f\n", ea, eb, slope);
  EXPECT_GT(slope, 0.7);
  EXPECT_LT(slope, 1.3);
  EXPECT_LT(eb, 1e-7);
}

TEST(FBDF, DenseOutput) { sciml::testing::check_dense_output<sciml::FBDF<>>(); }

TEST(FBDF, RestartsWhenACallbackChangesU) {
  // u' = -u with u += 1 at t = 1 and t = 2: the history before a kick must not be used after it
  auto f = [](const auto& u, const auto&, auto) { return sciml::SVector{-u[0]}; };
  auto kick = sciml::PresetTimeCallback({1.0, 2.0}, [](auto& integ) { integ.u[0] += 1.0; });
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-11;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 3.0}), sciml::FBDF<>{}, o, kick);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  const double exact = std::exp(-3.0) + std::exp(-2.0) + std::exp(-1.0);
  EXPECT_NEAR(sol.u.back()[0], exact, 1e-7);
  EXPECT_NEAR(sol(1.5)[0], std::exp(-1.5) + std::exp(-0.5), 1e-6);
}

TEST(FBDF, NewtonFailureIsAReturnCode) {
  auto f = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 1>{u[0] < 1.5 ? S(1.0) : S(NAN)};
  };
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 2.0}), sciml::FBDF<>{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::ConvergenceFailure);
  EXPECT_NEAR(sol.t.back(), 0.5, 1e-6);
  EXPECT_LT(sol.stats.nsteps, 10000);
}

#ifdef SCIML_HAVE_EIGEN
TEST(FBDF, DynamicStatesMatchFixedSize) { sciml::testing::check_dynamic_matches_fixed<sciml::FBDF<>>(1e-7, 1e-11, 2.0, 1e-9); }
#endif

TEST(FBDF, BackwardsInTimeAndEvents) {
  auto f = [](const auto& u, const auto&, auto) { return sciml::SVector{-u[0]}; };
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-12;
  // from t = 1 back to t = 0: u(0) = e u(1)
  auto back = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {1.0, 0.0}), sciml::FBDF<>{}, o);
  ASSERT_EQ(back.retcode, sciml::ReturnCode::Success) << back.message;
  EXPECT_NEAR(back.u.back()[0], std::exp(1.0), 1e-7);
  EXPECT_NEAR(back(0.5)[0], std::exp(0.5), 1e-7);
  // an event located on the BDF interpolant: u = 1/2 at t = ln 2
  auto cb = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0] - 0.5; },
                                      [](auto& integ) { integ.terminate(); });
  auto ev = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 5.0}), sciml::FBDF<>{}, o, cb);
  EXPECT_EQ(ev.retcode, sciml::ReturnCode::Terminated);
  EXPECT_NEAR(ev.t.back(), std::log(2.0), 1e-7);
  // saveat points inside steps come from the interpolant too
  o.saveat = 0.25;
  auto sa = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 2.0}), sciml::FBDF<>{}, o);
  ASSERT_EQ(sa.t.size(), 9u);
  for (std::size_t i = 0; i < sa.t.size(); ++i) EXPECT_NEAR(sa.u[i][0], std::exp(-sa.t[i]), 1e-7);
}
