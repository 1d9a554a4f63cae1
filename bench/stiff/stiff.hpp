// The stiff benchmark's shared pieces: the problems (ROBER, HIRES: the lambdas of tests/common/problems.hpp),
// their analytic Jacobians (for the competitors that take one), the error measures and the contestants.
#pragma once
#include <array>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>
#include <sciml/core/svector.hpp>
#include "../common/harness.hpp"
#include "common/problems.hpp"

namespace bench {

enum class StiffId { Rober, Hires };

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
};

std::vector<StiffProblem> make_stiff_problems();
double stiff_error(const StiffProblem& P, const std::vector<double>& u);

std::vector<Contestant> sciml_stiff_contestants(const StiffProblem& P);
std::vector<Contestant> cvode_stiff_contestants(const StiffProblem& P);
std::string sundials_stiff_version();

}  // namespace bench
