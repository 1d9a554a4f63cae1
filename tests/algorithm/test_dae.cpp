// Mass-matrix DAEs M u' = f(u, p, t): ROBER written with its conservation law as the algebraic equation
// (M = diag(1, 1, 0)) against the ODE form and the reference, for every method that takes a mass matrix, on
// SVector and std::vector states; consistent initialisation of an inconsistent u0; non-identity and
// non-diagonal mass matrices against exact solutions; bad mass matrices refused.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/problems.hpp"

namespace pr = sciml::problems;

namespace {

// y1' = -k1 y1 + k2 y2 y3, y2' = k1 y1 - k2 y2 y3 - k3 y2^2, 0 = y1 + y2 + y3 - 1
constexpr auto rober_dae = [](const auto& u, const auto& k, auto) {
  using S = std::remove_cvref_t<decltype(u[0])>;
  return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
                              u[0] + u[1] + u[2] - 1.0};
};
const sciml::SMatrix<double, 3, 3> rober_mass{{1, 0, 0, 0, 1, 0, 0, 0, 0}};

template <class Alg>
void check_rober_dae(std::initializer_list<double> tols, double factor) {
  auto dae = sciml::ODEProblem(sciml::with_mass_matrix(rober_dae, rober_mass), sciml::SVector{1.0, 0.0, 0.0},
                               {0.0, 1e5}, pr::rober_k);
  auto ode = sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  for (double tol : tols) {
    sciml::SolveOptions o;
    o.reltol = tol;
    o.abstol = tol * 1e-4;
    auto sd = sciml::solve(dae, Alg{}, o);
    ASSERT_EQ(sd.retcode, sciml::ReturnCode::Success) << Alg::name() << ": " << sd.message;
    o.save_everystep = false;
    auto so = sciml::solve(ode, Alg{}, o);
    double err = 0, vs_ode = 0;
    for (int i = 0; i < 3; ++i) {
      err = std::max(err, std::abs(sd.u.back()[i] - pr::rober_ref[i]) / pr::rober_ref[i]);
      vs_ode = std::max(vs_ode, std::abs(sd.u.back()[i] - so.u.back()[i]) / pr::rober_ref[i]);
    }
    for (const auto& u : sd.u) EXPECT_NEAR(u[0] + u[1] + u[2], 1.0, 1e-12) << Alg::name();  // the constraint holds
    std::printf("  %s tol %.0e: DAE err %.1e (%ld steps), ODE err %.1e (%ld steps)\n", Alg::name(), tol, err,
                sd.stats.naccept, [&] {
                  double e = 0;
                  for (int i = 0; i < 3; ++i) e = std::max(e, std::abs(so.u.back()[i] - pr::rober_ref[i]) / pr::rober_ref[i]);
                  return e;
                }(), so.stats.naccept);
    EXPECT_LT(err, std::max(factor * tol, 2e-9)) << Alg::name() << " tol " << tol;
    EXPECT_LT(vs_ode, std::max(2 * factor * tol, 4e-9)) << Alg::name() << " tol " << tol;
  }
}

}  // namespace

TEST(DAE, Rodas5PRober) { check_rober_dae<sciml::Rodas5P>({1e-4, 1e-6, 1e-8, 1e-10}, 100); }
TEST(DAE, Rodas4Rober) { check_rober_dae<sciml::Rodas4>({1e-4, 1e-6, 1e-8}, 100); }
TEST(DAE, Rosenbrock23Rober) { check_rober_dae<sciml::Rosenbrock23>({1e-3, 1e-4, 1e-5}, 300); }
TEST(DAE, RadauIIA5Rober) { check_rober_dae<sciml::RadauIIA5>({1e-4, 1e-6, 1e-8, 1e-10}, 100); }
TEST(DAE, FBDFRober) { check_rober_dae<sciml::FBDF<>>({1e-4, 1e-6, 1e-8, 1e-10}, 300); }

TEST(DAE, InconsistentInitialValuesAreMadeConsistent) {
  // y3 = 0.5 violates y1 + y2 + y3 = 1: the algebraic variable y3 is solved for, y1 and y2 are kept
  auto dae = sciml::ODEProblem(sciml::with_mass_matrix(rober_dae, rober_mass), sciml::SVector{1.0, 0.0, 0.5},
                               {0.0, 1e5}, pr::rober_k);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  auto check = [](const auto& sol) {
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    EXPECT_EQ(sol.u[0][0], 1.0);
    EXPECT_EQ(sol.u[0][1], 0.0);
    EXPECT_NEAR(sol.u[0][2], 0.0, 1e-14);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-6 * pr::rober_ref[i] + 1e-13);
  };
  check(sciml::solve(dae, sciml::Rodas5P{}, o));
  check(sciml::solve(dae, sciml::FBDF<>{}, o));
}

TEST(DAE, NonIdentityMassMatrices) {
  // M u' = M A u with exact solution exp(A t) u0 for A = -diag(1, 2): first M = diag(2, 0.5), then a full M
  auto run = [](const sciml::SMatrix<double, 2, 2>& M, auto alg) {
    auto f = [M](const auto& u, const auto&, auto) {
      using S = std::remove_cvref_t<decltype(u[0])>;
      const S a0 = -u[0], a1 = -2.0 * u[1];
      return sciml::SVector<S, 2>{M(0, 0) * a0 + M(0, 1) * a1, M(1, 0) * a0 + M(1, 1) * a1};
    };
    sciml::SolveOptions o;
    o.reltol = 1e-9;
    o.abstol = 1e-12;
    auto sol = sciml::solve(sciml::ODEProblem(sciml::with_mass_matrix(f, M), sciml::SVector{1.0, 1.0}, {0.0, 2.0}),
                            alg, o);
    EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    return std::max(std::abs(sol.u.back()[0] - std::exp(-2.0)), std::abs(sol.u.back()[1] - std::exp(-4.0)));
  };
  const sciml::SMatrix<double, 2, 2> diag{{2, 0, 0, 0.5}}, full{{1, 2, -1, 3}};
  EXPECT_LT(run(diag, sciml::Rodas5P{}), 1e-8);
  EXPECT_LT(run(full, sciml::Rodas5P{}), 1e-8);
  EXPECT_LT(run(full, sciml::Rosenbrock23{}), 1e-5);
  EXPECT_LT(run(full, sciml::RadauIIA5{}), 1e-8);
  EXPECT_LT(run(full, sciml::FBDF<>{}), 1e-6);
}

TEST(DAE, SingularAlgebraicJacobianIsAnInitialFailure) {
  // the algebraic equation does not involve the algebraic variable y3: index > 1, refused at t0
  auto f = [](const auto& u, const auto& k, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 3>{-k[0] * u[0], k[0] * u[0], u[0] + u[1] - 1.0};
  };
  auto sol = sciml::solve(sciml::ODEProblem(sciml::with_mass_matrix(f, rober_mass), sciml::SVector{1.0, 0.0, 0.0},
                                            {0.0, 1.0}, pr::rober_k),
                          sciml::Rodas5P{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::InitialFailure);
  EXPECT_NE(sol.message.find("singular"), std::string::npos) << sol.message;
}

#ifdef SCIML_HAVE_EIGEN
TEST(DAE, DynamicStatesWithEigenMassMatrix) {
  auto f = [](auto& du, const auto& u, const auto& k, auto) {
    du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
    du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
    du[2] = u[0] + u[1] + u[2] - 1.0;
  };
  Eigen::MatrixXd M = Eigen::MatrixXd::Identity(3, 3);
  M(2, 2) = 0;
  auto prob = sciml::ODEProblem(sciml::with_mass_matrix(f, M), std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto check = [&](const auto& sol) {
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-5 * pr::rober_ref[i]);
  };
  check(sciml::solve(prob, sciml::Rodas5P{}, o));
  check(sciml::solve(prob, sciml::RadauIIA5{}, o));
  check(sciml::solve(prob, sciml::FBDF<>{}, o));
  Eigen::MatrixXd wrong = Eigen::MatrixXd::Identity(2, 2);
  auto bad = sciml::ODEProblem(sciml::with_mass_matrix(f, wrong), std::vector{1.0, 0.0, 0.0}, {0.0, 1.0}, pr::rober_k);
  try {
    sciml::solve(bad, sciml::Rodas5P{});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mass_matrix"), std::string::npos) << e.what();
  }
}
#endif
