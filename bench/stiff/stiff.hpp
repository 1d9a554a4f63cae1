// The stiff benchmark's shared pieces: the problems (ROBER, HIRES: the lambdas of tests/common/problems.hpp;
// the large ones, 2D Brusselator and stacked ROBER: tests/common/large_problems.hpp), their analytic Jacobians
// (for the competitors that take one), the error measures and the contestants.
#pragma once
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>
#include <sciml/core/svector.hpp>
#include "../common/harness.hpp"
#include "common/large_problems.hpp"
#include "common/problems.hpp"

namespace bench {

enum class StiffId { Rober, Hires, Bruss, RoberScaled };

template <StiffId Id>
struct StiffKernel;

template <>
struct StiffKernel<StiffId::Rober> {
  static constexpr std::size_t N = 3;
  static constexpr auto f = sciml::problems::rober;
  static constexpr const auto& p = sciml::problems::rober_k;
  // J[i][j] = d f_i / d u_j, written into any J(i, j) setter.
  template <class U, class Set>
  static void jac(const U& u, Set&& J) {
    const auto& k = p;
    J(0, 0, -k[0]);
    J(0, 1, k[1] * u[2]);
    J(0, 2, k[1] * u[1]);
    J(1, 0, k[0]);
    J(1, 1, -k[1] * u[2] - 2 * k[2] * u[1]);
    J(1, 2, -k[1] * u[1]);
    J(2, 0, 0.0);
    J(2, 1, 2 * k[2] * u[1]);
    J(2, 2, 0.0);
  }
};

template <>
struct StiffKernel<StiffId::Hires> {
  static constexpr std::size_t N = 8;
  static constexpr auto f = sciml::problems::hires;
  static constexpr std::array<double, 0> p{};
  template <class U, class Set>
  static void jac(const U& y, Set&& J) {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) J(i, j, 0.0);
    J(0, 0, -1.71), J(0, 1, 0.43), J(0, 2, 8.32);
    J(1, 0, 1.71), J(1, 1, -8.75);
    J(2, 2, -10.03), J(2, 3, 0.43), J(2, 4, 0.035);
    J(3, 1, 8.32), J(3, 2, 1.71), J(3, 3, -1.12);
    J(4, 4, -1.745), J(4, 5, 0.43), J(4, 6, 0.43);
    J(5, 3, 0.69), J(5, 4, 1.71), J(5, 5, -280.0 * y[7] - 0.43), J(5, 6, 0.69), J(5, 7, -280.0 * y[5]);
    J(6, 5, 280.0 * y[7]), J(6, 6, -1.81), J(6, 7, 280.0 * y[5]);
    J(7, 5, -280.0 * y[7]), J(7, 6, 1.81), J(7, 7, -280.0 * y[5]);
  }
};

template <class F>
void with_stiff(StiffId id, F&& f) {
  switch (id) {
    case StiffId::Rober: f(std::integral_constant<StiffId, StiffId::Rober>{}); break;
    case StiffId::Hires: f(std::integral_constant<StiffId, StiffId::Hires>{}); break;
    default: break;  // the large problems have no StiffKernel
  }
}

// A read-only view of a raw array that the problems.hpp lambdas accept as their `u`.
struct RawView {
  const double* p;
  double operator[](std::size_t i) const { return p[i]; }
};

struct StiffProblem {
  StiffId id;
  std::string name, key, summary, error_kind;
  double t0 = 0, tf = 0;
  std::vector<double> u0, ref;
  std::vector<double> tols;
  double abstol_factor = 1e-4;  // abstol = abstol_factor * tol, reltol = tol
  // The large problems:
  std::size_t size = 0;         // Bruss: the grid's N; RoberScaled: the number of copies k
  std::vector<double> tstops{}; // times every solver steps onto (the Brusselator's forcing switches on at 1.1)
  double budget_s = 0;          // > 0: a solve is abandoned after this long, and the tighter tolerances skipped
  bool large() const { return id == StiffId::Bruss || id == StiffId::RoberScaled; }
  std::size_t n() const { return u0.size(); }
};

// A large problem's right-hand side and analytic sparse Jacobian on raw arrays (for CVODE and the checks):
// rhs(t, u, du); jac_values(u, vals) fills the nonzeros in the CSR order of `pattern`.
struct LargeSystem {
  sciml::SparsityPattern pattern;
  std::function<void(double, const double*, double*)> rhs;
  std::function<void(const double*, double*)> jac_values;
};
inline LargeSystem large_system(const StiffProblem& P) {
  namespace pr = sciml::problems;
  LargeSystem s;
  const std::size_t n = P.n();
  if (P.id == StiffId::Bruss) {
    auto p = std::make_shared<const pr::BrusselatorParams>(pr::brusselator_params(P.size));
    s.pattern = pr::brusselator_jac_pattern(P.size);
    auto pat = std::make_shared<const sciml::SparsityPattern>(s.pattern);
    s.rhs = [p, n](double t, const double* u, double* du) {
      pr::brusselator_2d(du, std::span<const double>(u, n), *p, t);
    };
    s.jac_values = [p, pat, n](const double* u, double* v) {
      pr::brusselator_jac_values(std::span<const double>(u, n), *p, *pat, v);
    };
  } else if (P.id == StiffId::RoberScaled) {
    s.pattern = pr::rober_scaled_jac_pattern(P.size);
    s.rhs = [n](double t, const double* u, double* du) {
      pr::rober_scaled(du, std::span<const double>(u, n), pr::rober_k, t);
    };
    s.jac_values = [n](const double* u, double* v) {
      pr::rober_scaled_jac_values(std::span<const double>(u, n), pr::rober_k, v);
    };
  }
  return s;
}

std::vector<StiffProblem> make_stiff_problems();
double stiff_error(const StiffProblem& P, const std::vector<double>& u);

std::vector<Contestant> sciml_stiff_contestants(const StiffProblem& P);
std::vector<Contestant> cvode_stiff_contestants(const StiffProblem& P);
std::string sundials_stiff_version();

// The large problems: CVODE BDF with KLU on the analytic sparse Jacobian (and with the dense solver where
// n <= cvode_dense_max), sciml.cpp's contestants (sciml_large_adapter.cpp), and the run's reference solution
// (CVODE + KLU at the given tolerances). Every solve stops once P.budget_s is spent (ok = false, msg
// "over budget ...").
inline constexpr std::size_t cvode_dense_max = 2048;
std::vector<Contestant> cvode_large_contestants(const StiffProblem& P);
std::vector<double> cvode_large_reference(const StiffProblem& P, double rtol, double atol);
std::vector<Contestant> sciml_large_contestants(const StiffProblem& P);
std::string sciml_large_note();
inline bool over_budget(const Outcome& o) { return !o.ok && o.msg.rfind("over budget", 0) == 0; }

}  // namespace bench
