// ForwardDiffSensitivity (dual numbers through the solve) with the implicit methods on std::vector states, whose
// dense LU runs on dual numbers: ROBER gradients against central differences of tight solves, the value part of
// a dual-number solve against the double solve, and GMRES / sparse LU (double only) refused by name.
#include <gtest/gtest.h>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <sciml/ode.hpp>
#include <sciml/sensitivity/adjoint.hpp>

namespace {
auto rober = [](auto& du, const auto& u, const auto& k, auto) {
  du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
  du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
  du[2] = k[2] * u[1] * u[1];
};
const std::vector<double> k_rober{0.04, 1e4, 3e7}, u0_rober{1.0, 0.0, 0.0};
const std::vector<double> ts{1e-2, 1e-1, 1.0, 10.0, 100.0, 1e3};

// L = sum_i sum_k w_k u_k(t_i): y2 (about 1e-5) weighted up so that every component counts
double loss(std::size_t, double, const std::vector<double>& u, std::vector<double>& g) {
  constexpr double w[3] = {1.0, 1e4, 2.0};
  double l = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    g[k] = w[k];
    l += w[k] * u[k];
  }
  return l;
}

// L(u0, p) from a tight Rodas5P solve saved at ts
double tight_loss(const std::vector<double>& u0, const std::vector<double>& p) {
  sciml::SolveOptions o;
  o.reltol = 1e-12;
  o.abstol = 1e-16;
  o.saveat = sciml::SaveAt(ts);
  const auto sol = sciml::solve(sciml::ODEProblem(rober, u0, {0.0, 1e3}, p), sciml::Rodas5P{}, o);
  EXPECT_TRUE(sol.success()) << sol.message;
  std::vector<double> g(3);
  double l = 0;
  for (std::size_t i = 0; i < sol.u.size(); ++i) l += loss(i, sol.t[i], sol.u[i], g);
  return l;
}

// central differences of tight_loss in p and u0 (computed once)
const std::pair<std::vector<double>, std::vector<double>>& fd_gradient() {
  static const auto fd = [] {
    std::vector<double> dp(3), du(3);
    for (std::size_t j = 0; j < 3; ++j) {
      const double h = 1e-5 * k_rober[j];
      auto a = k_rober, b = k_rober;
      a[j] += h;
      b[j] -= h;
      dp[j] = (tight_loss(u0_rober, a) - tight_loss(u0_rober, b)) / (2 * h);
    }
    for (std::size_t j = 0; j < 3; ++j) {
      const double h = 1e-9;  // y2 lives near 1e-5: a larger step is not small
      auto a = u0_rober, b = u0_rober;
      a[j] += h;
      b[j] -= h;
      du[j] = (tight_loss(a, k_rober) - tight_loss(b, k_rober)) / (2 * h);
    }
    return std::pair{dp, du};
  }();
  return fd;
}

// dL/dp to rtol (its differences agree to about 1e-9); dL/du0 to 1e-4, as far as the differences in u0 can be
// trusted (a perturbation of 1e-9 in y2 changes the tight solve's steps: they scatter by about 1e-5)
template <class Alg>
void check_rober(Alg alg, double reltol, double rtol) {
  sciml::SolveOptions o;
  o.reltol = reltol;
  o.abstol = 1e-4 * reltol;
  const auto prob = sciml::ODEProblem(rober, u0_rober, {0.0, 1e3}, k_rober);
  const auto r = sciml::gradient(prob, alg, ts, loss, sciml::ForwardDiffSensitivity{}, o);
  ASSERT_TRUE(r.success()) << Alg::name() << ": " << r.message;
  const auto& [dp, du0] = fd_gradient();
  double ep = 0, eu = 0;
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(r.dp[j], dp[j], rtol * std::abs(dp[j])) << Alg::name() << " dL/dp[" << j << "]";
    EXPECT_NEAR(r.du0[j], du0[j], 1e-4 * std::abs(du0[j])) << Alg::name() << " dL/du0[" << j << "]";
    ep = std::max(ep, std::abs(r.dp[j] / dp[j] - 1));
    eu = std::max(eu, std::abs(r.du0[j] / du0[j] - 1));
  }
  std::printf("  %-20s relative difference to FD: dL/dp %.1e, dL/du0 %.1e; %ld steps\n", Alg::name(), ep, eu,
              r.forward.naccept);
}
}  // namespace

TEST(ForwardImplicit, RoberRosenbrock) {
  check_rober(sciml::Rodas5P{}, 1e-10, 1e-7);
  check_rober(sciml::Rodas4{}, 1e-10, 1e-7);
  check_rober(sciml::Rosenbrock23{}, 1e-8, 1e-6);
}

TEST(ForwardImplicit, RoberNewtonMethods) {
  check_rober(sciml::FBDF<>{}, 1e-10, 1e-7);
  check_rober(sciml::KenCarp4{}, 1e-10, 1e-6);
  check_rober(sciml::TRBDF2{}, 1e-10, 1e-6);
  check_rober(sciml::RadauIIA5{}, 1e-10, 1e-7);
}

TEST(ForwardImplicit, RoberDefaultAlgorithm) { check_rober(sciml::DefaultODEAlgorithm{}, 1e-10, 1e-7); }

TEST(ForwardImplicit, DualValuesMatchDoubleSolve) {
  // seeded dual numbers in u0 and p: the derivatives ride along and leave the values alone, up to rounding (a
  // dual quotient is formed as a product with the reciprocal; ROBER amplifies it to about 1e-10), far below the
  // differences near reltol = 1e-6 that another step sequence would give
  using D = sciml::Dual<double, 8>;
  std::vector<D> ud(3), pd(3);
  for (std::size_t j = 0; j < 3; ++j) {
    pd[j] = D::variable(k_rober[j], int(j));
    ud[j] = D::variable(u0_rober[j], int(3 + j));
  }
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  o.saveat = sciml::SaveAt(ts);
  const auto sd = sciml::solve(sciml::ODEProblem(rober, ud, {0.0, 1e3}, pd), sciml::Rodas5P{}, o);
  const auto s = sciml::solve(sciml::ODEProblem(rober, u0_rober, {0.0, 1e3}, k_rober), sciml::Rodas5P{}, o);
  ASSERT_TRUE(sd.success()) << sd.message;
  ASSERT_TRUE(s.success()) << s.message;
  ASSERT_EQ(sd.u.size(), ts.size());
  ASSERT_EQ(s.u.size(), ts.size());
  EXPECT_NEAR(double(sd.stats.naccept), double(s.stats.naccept), 2.0);
  double worst = 0;
  for (std::size_t i = 0; i < ts.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(sd.u[i][k].val, s.u[i][k], 1e-8 * std::abs(s.u[i][k])) << "t = " << ts[i] << ", u[" << k << "]";
      worst = std::max(worst, std::abs(sd.u[i][k].val / s.u[i][k] - 1));
    }
  std::printf("  value parts against the double solve: largest relative difference %.1e; %ld and %ld steps\n",
              worst, sd.stats.naccept, s.stats.naccept);
}

TEST(ForwardImplicit, GmresAndSparseNeedDouble) {
  const auto prob = sciml::ODEProblem(rober, u0_rober, {0.0, 1e3}, k_rober);
  sciml::SolveOptions o;
  o.linsolve = sciml::LinearSolver::GMRES;
  try {
    sciml::gradient(prob, sciml::Rodas5P{}, ts, loss, sciml::ForwardDiffSensitivity{}, o);
    ADD_FAILURE() << "GMRES on dual numbers was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("LinearSolver::GMRES"), std::string::npos) << e.what();
  }
  // the same options on double states are fine
  EXPECT_TRUE(sciml::solve(prob, sciml::Rodas5P{}, o).success());
  const auto sprob = sciml::ODEProblem(sciml::with_sparse_jacobian(rober), u0_rober, {0.0, 1e3}, k_rober);
  try {
    sciml::gradient(sprob, sciml::FBDF<>{}, ts, loss, sciml::ForwardDiffSensitivity{}, {});
    ADD_FAILURE() << "the sparse LU on dual numbers was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("with_sparse_jacobian"), std::string::npos) << e.what();
  }
}
