// Sparse Jacobians in the implicit methods (with_sparse_jacobian): the 2D Brusselator (N = 8, 128 states)
// against its reference for FBDF, KenCarp4, TRBDF2 and Rodas5P with the detected pattern, the user's pattern
// and the user's sparse jac; the same steps as the dense path; the detected pattern equal to the true one;
// scaled ROBER and a sparse mass-matrix DAE; bad patterns refused.
#include <gtest/gtest.h>
#include <cmath>
#include <sciml/ode.hpp>
#include "common/large_problems.hpp"
#include "common/problems.hpp"

namespace pr = sciml::problems;

namespace {

double bruss_error(const std::vector<double>& u) {
  double e = 0;
  for (std::size_t i = 0; i < u.size(); ++i) e = std::max(e, std::abs(u[i] - pr::brusselator8_ref[i]) / std::abs(pr::brusselator8_ref[i]));
  return e;
}

sciml::SolveOptions bruss_options(double tol) {
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol * 1e-2;
  o.tstops = {pr::brusselator_tstop};
  o.save_everystep = false;
  return o;
}

template <class Alg>
void check_bruss(double tol, double factor) {
  const auto p = pr::brusselator_params(8);
  const auto u0 = pr::brusselator_u0(8);
  auto sparse = sciml::ODEProblem(sciml::with_sparse_jacobian(pr::brusselator_2d), u0, {0.0, pr::brusselator_tf}, p);
  auto dense = sciml::ODEProblem(pr::brusselator_2d, u0, {0.0, pr::brusselator_tf}, p);
  auto ss = sciml::solve(sparse, Alg{}, bruss_options(tol));
  auto sd = sciml::solve(dense, Alg{}, bruss_options(tol));
  ASSERT_EQ(ss.retcode, sciml::ReturnCode::Success) << ss.message;
  ASSERT_EQ(sd.retcode, sciml::ReturnCode::Success) << sd.message;
  const double es = bruss_error(ss.u.back()), ed = bruss_error(sd.u.back());
  std::printf("  %s tol %.0e: sparse err %.1e (%ld steps, %ld jac, %ld LU), dense err %.1e (%ld steps)\n", Alg::name(),
              tol, es, ss.stats.naccept, ss.stats.njac, ss.stats.nw, ed, sd.stats.naccept);
  EXPECT_LT(es, factor * tol) << Alg::name();
  // the same method on the same problem: sparse and dense LU differ only in roundoff
  EXPECT_NEAR(double(ss.stats.naccept), double(sd.stats.naccept), 0.05 * double(sd.stats.naccept) + 2) << Alg::name();
  EXPECT_LT(std::abs(es - ed), 0.5 * std::max(es, ed) + 1e-12) << Alg::name();
}

}  // namespace

TEST(SparseJacobian, DetectedPatternIsTheTruePattern) {
  for (std::size_t N : {4, 8, 16}) {
    const auto p = pr::brusselator_params(N);
    const auto det = sciml::detect_sparsity<true>(pr::brusselator_2d, pr::brusselator_u0(N), p, 2.0);
    const auto truth = pr::brusselator_jac_pattern(N);
    EXPECT_EQ(det.row_ptr, truth.row_ptr) << N;
    EXPECT_EQ(det.col, truth.col) << N;
    // the colouring compresses the Jacobian to a number of columns that does not grow with N
    const auto color = sciml::color_columns(det);
    const std::size_t ncolors = *std::max_element(color.begin(), color.end()) + 1;
    std::printf("  N = %zu: %zu states, %zu nonzeros, %zu colours\n", N, det.n, det.nnz(), ncolors);
    EXPECT_LE(ncolors, 12u) << N;
    for (std::size_t i = 0; i < det.n; ++i)  // a valid colouring: no two columns of one row share a colour
      for (std::size_t a = det.row_ptr[i]; a < det.row_ptr[i + 1]; ++a)
        for (std::size_t b = a + 1; b < det.row_ptr[i + 1]; ++b) EXPECT_NE(color[det.col[a]], color[det.col[b]]);
  }
}

TEST(SparseJacobian, BrusselatorFBDF) {
  for (double tol : {1e-4, 1e-6, 1e-8, 1e-10}) check_bruss<sciml::FBDF<>>(tol, 300);
}
TEST(SparseJacobian, BrusselatorKenCarp4) {
  for (double tol : {1e-4, 1e-7, 1e-10}) check_bruss<sciml::KenCarp4>(tol, 100);
}
TEST(SparseJacobian, BrusselatorTRBDF2) { check_bruss<sciml::TRBDF2>(1e-5, 300); }
TEST(SparseJacobian, BrusselatorRodas5P) {
  for (double tol : {1e-4, 1e-7, 1e-10}) check_bruss<sciml::Rodas5P>(tol, 100);
}
TEST(SparseJacobian, BrusselatorRadauIIA5) { check_bruss<sciml::RadauIIA5>(1e-7, 100); }  // complex LU as 2n real

TEST(SparseJacobian, UserPatternAndUserJacobian) {
  const auto p = pr::brusselator_params(8);
  const auto u0 = pr::brusselator_u0(8);
  const auto pattern = pr::brusselator_jac_pattern(8);
  // values written through J(i, j) of the SparseJacobianView
  auto jac_view = [pattern](auto& J, const auto& u, const pr::BrusselatorParams& q, double) {
    std::vector<double> vals(pattern.nnz());
    pr::brusselator_jac_values(u, q, pattern, vals);
    for (std::size_t r = 0; r < pattern.n; ++r)
      for (std::size_t e = pattern.row_ptr[r]; e < pattern.row_ptr[r + 1]; ++e) J(r, pattern.col[e]) = vals[e];
  };
  auto given = sciml::ODEProblem(sciml::with_sparse_jacobian(pr::brusselator_2d, pattern), u0,
                                 {0.0, pr::brusselator_tf}, p);
  auto user = sciml::ODEProblem(sciml::with_sparse_jacobian(sciml::ODEFunction(pr::brusselator_2d, jac_view), pattern),
                                u0, {0.0, pr::brusselator_tf}, p);
  auto a = sciml::solve(given, sciml::FBDF<>{}, bruss_options(1e-7));
  auto b = sciml::solve(user, sciml::FBDF<>{}, bruss_options(1e-7));
  ASSERT_EQ(a.retcode, sciml::ReturnCode::Success) << a.message;
  ASSERT_EQ(b.retcode, sciml::ReturnCode::Success) << b.message;
  EXPECT_LT(bruss_error(a.u.back()), 1e-5);
  EXPECT_LT(bruss_error(b.u.back()), 1e-5);
  EXPECT_NEAR(double(a.stats.naccept), double(b.stats.naccept), 3.0);
}

TEST(SparseJacobian, ScaledRoberAndSparseDAE) {
  const std::size_t copies = 20;
  auto prob = sciml::ODEProblem(sciml::with_sparse_jacobian(pr::rober_scaled), pr::rober_scaled_u0(copies),
                                {0.0, pr::rober_tf}, pr::rober_k);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  o.save_everystep = false;
  auto sol = sciml::solve(prob, sciml::FBDF<>{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  for (std::size_t i = 0; i < 3 * copies; ++i)
    EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i % 3], 1e-5 * pr::rober_ref[i % 3]);
  // each copy with its conservation law as the algebraic equation, M = diag(1, 1, 0, 1, 1, 0, ...)
  auto dae_f = [](auto& du, const auto& u, const auto& k, auto) {
    for (std::size_t o = 0; o < std::size_t(u.size()); o += 3) {
      du[o] = -k[0] * u[o] + k[1] * u[o + 1] * u[o + 2];
      du[o + 1] = k[0] * u[o] - k[1] * u[o + 1] * u[o + 2] - k[2] * u[o + 1] * u[o + 1];
      du[o + 2] = u[o] + u[o + 1] + u[o + 2] - 1.0;
    }
  };
  Eigen::MatrixXd M = Eigen::MatrixXd::Identity(3 * copies, 3 * copies);
  for (std::size_t c = 0; c < copies; ++c) M(3 * c + 2, 3 * c + 2) = 0;
  auto dae = sciml::ODEProblem(sciml::with_mass_matrix(sciml::with_sparse_jacobian(dae_f), M),
                               pr::rober_scaled_u0(copies), {0.0, pr::rober_tf}, pr::rober_k);
  auto check = [&](const auto& sol) {
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    for (std::size_t i = 0; i < 3 * copies; ++i)
      EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i % 3], 1e-5 * pr::rober_ref[i % 3]);
  };
  check(sciml::solve(dae, sciml::FBDF<>{}, o));
  check(sciml::solve(dae, sciml::Rodas5P{}, o));
  check(sciml::solve(dae, sciml::RadauIIA5{}, o));
}

TEST(SparseJacobian, BadPatternsAreRefused) {
  const auto p = pr::brusselator_params(8);
  auto wrong_size = sciml::ODEProblem(sciml::with_sparse_jacobian(pr::brusselator_2d, pr::brusselator_jac_pattern(4)),
                                      pr::brusselator_u0(8), {0.0, 1.0}, p);
  EXPECT_THROW(sciml::solve(wrong_size, sciml::FBDF<>{}), std::invalid_argument);
  // a user jac writing outside the pattern it declared
  sciml::SparsityPattern diag;
  diag.n = 2;
  diag.row_ptr = {0, 1, 2};
  diag.col = {0, 1};
  auto f = [](auto& du, const auto& u, const auto&, auto) {
    du[0] = -u[0] + u[1];
    du[1] = -u[1];
  };
  auto jac = [](auto& J, const auto&, const auto&, double) {
    J(0, 0) = -1;
    J(0, 1) = 1;  // not in the pattern
    J(1, 1) = -1;
  };
  auto bad = sciml::ODEProblem(sciml::with_sparse_jacobian(sciml::ODEFunction(f, jac), diag), std::vector{1.0, 1.0},
                               {0.0, 1.0});
  try {
    sciml::solve(bad, sciml::FBDF<>{});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("outside the sparsity pattern"), std::string::npos) << e.what();
  }
}

// Matrix-free Newton-Krylov: LinearSolver::GMRES with Jacobian-vector products by AD (or by differences of f
// when f has a user jac) gives the answers of the direct solvers.
TEST(Krylov, GMRESMatchesDirectSolvers) {
  const auto p = pr::brusselator_params(8);
  const auto u0 = pr::brusselator_u0(8);
  auto prob = sciml::ODEProblem(pr::brusselator_2d, u0, {0.0, pr::brusselator_tf}, p);
  auto o = bruss_options(1e-6);
  o.linsolve = sciml::LinearSolver::GMRES;
  auto run = [&](auto alg, double bound) {
    auto sol = sciml::solve(prob, alg, o);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    const double err = bruss_error(sol.u.back());
    std::printf("  %s + GMRES tol 1e-6: err %.1e (%ld steps, %ld Krylov iterations, %ld Newton iterations)\n",
                decltype(alg)::name(), err, sol.stats.naccept, sol.stats.nkrylov, sol.stats.nnonliniter);
    EXPECT_LT(err, bound) << decltype(alg)::name();
    EXPECT_GT(sol.stats.nkrylov, 0);
  };
  run(sciml::FBDF<>{}, 1e-4);
  run(sciml::KenCarp4{}, 1e-4);
  run(sciml::Rodas5P{}, 1e-4);
  // ROBER with a user jac: the products come from differences of f
  const auto rober_inplace = pr::rober_inplace;
  auto jac = [](auto& J, const auto& u, const auto& k, double) {
    J(0, 0) = -k[0], J(0, 1) = k[1] * u[2], J(0, 2) = k[1] * u[1];
    J(1, 0) = k[0], J(1, 1) = -k[1] * u[2] - 2 * k[2] * u[1], J(1, 2) = -k[1] * u[1];
    J(2, 0) = 0, J(2, 1) = 2 * k[2] * u[1], J(2, 2) = 0;
  };
  sciml::SolveOptions r;
  r.reltol = 1e-7;
  r.abstol = 1e-11;
  r.linsolve = sciml::LinearSolver::GMRES;
  for (auto ad : {true, false}) {
    auto sol = ad ? sciml::solve(sciml::ODEProblem(rober_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1e5}, pr::rober_k),
                                 sciml::FBDF<>{}, r)
                  : sciml::solve(sciml::ODEProblem(sciml::ODEFunction(rober_inplace, jac), std::vector{1.0, 0.0, 0.0},
                                                   {0.0, 1e5}, pr::rober_k),
                                 sciml::FBDF<>{}, r);
    ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(sol.u.back()[i], pr::rober_ref[i], 1e-4 * pr::rober_ref[i]) << ad;
  }
  // GMRES on an SVector state is refused with a message
  r.linsolve = sciml::LinearSolver::GMRES;
  EXPECT_THROW(sciml::solve(sciml::ODEProblem(pr::rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1.0}, pr::rober_k),
                            sciml::FBDF<>{}, r),
               std::invalid_argument);
}
