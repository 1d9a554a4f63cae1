// The non-stiff benchmark's shared pieces: the problems (one definition, used by every contestant), what a
// solve returns, the contestants' registration and the timing harness.
#pragma once
#include <type_traits>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>
#include <sciml/core/svector.hpp>
#include "common/problems.hpp"
#include "../common/harness.hpp"

namespace bench {

enum class ProblemId { Lorenz, Arenstorf, Pleiades, Linear };

// Calls f(std::integral_constant<ProblemId, id>{}): adapters instantiate their solver once per problem.
template <class F>
void with_problem(ProblemId id, F&& f) {
  switch (id) {
    case ProblemId::Lorenz: f(std::integral_constant<ProblemId, ProblemId::Lorenz>{}); break;
    case ProblemId::Arenstorf: f(std::integral_constant<ProblemId, ProblemId::Arenstorf>{}); break;
    case ProblemId::Pleiades: f(std::integral_constant<ProblemId, ProblemId::Pleiades>{}); break;
    case ProblemId::Linear: f(std::integral_constant<ProblemId, ProblemId::Linear>{}); break;
  }
}

// One problem as every contestant sees it: a time span, u0, the reference (empty: timing only), which
// components the error is measured over, and the tolerances raced.
struct Problem {
  ProblemId id;
  std::string name;     // "Lorenz"
  std::string key;      // "lorenz": file names
  std::string summary;  // one line for the report
  double t0 = 0, tf = 0;
  std::vector<double> u0;
  std::vector<double> ref;       // reference values of the measured components
  std::size_t nmeasured = 0;     // error over u[0 .. nmeasured)
  std::vector<double> tols;
  bool has_error() const { return !ref.empty(); }
};

// The right-hand sides, written once. The small problems are the lambdas of tests/common/problems.hpp
// (generic over the state type, returning an SVector); `rhs` adapts them to any indexable input and
// output (std::array, double*, N_Vector data) without copying the input.
template <ProblemId Id>
struct Kernel;

template <>
struct Kernel<ProblemId::Lorenz> {
  static constexpr std::size_t N = 3;
  static constexpr auto f = sciml::problems::lorenz;
  static constexpr const auto& p = sciml::problems::lorenz_p;
};
template <>
struct Kernel<ProblemId::Arenstorf> {
  static constexpr std::size_t N = 4;
  static constexpr auto f = sciml::problems::arenstorf;
  static constexpr std::array<double, 0> p{};
};
template <>
struct Kernel<ProblemId::Pleiades> {
  static constexpr std::size_t N = 28;
  static constexpr auto f = sciml::problems::pleiades;
  static constexpr std::array<double, 0> p{};
};
// u' = 1.01 u on a 100 x 100 grid (10000 states), the linear test problem of SciMLBenchmarks.
template <>
struct Kernel<ProblemId::Linear> {
  static constexpr std::size_t N = 10000;
  static constexpr double lambda = 1.01;
  static void apply(double* __restrict du, const double* __restrict u, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) du[i] = lambda * u[i];
  }
};

// A read-only view of a raw array that the problems.hpp lambdas accept as their `u`.
struct PtrView {
  const double* p;
  double operator[](std::size_t i) const { return p[i]; }
};

// du[i] = f(u, p, t)[i] for the small problems, for any indexable du.
template <ProblemId Id, class U, class Du>
inline void small_rhs(const U& u, Du& du, double t) {
  using K = Kernel<Id>;
  const auto r = K::f(u, K::p, t);
  for (std::size_t i = 0; i < K::N; ++i) du[i] = r[i];
}

std::vector<Contestant> sciml_contestants(const Problem& prob);
std::vector<Contestant> odeint_contestants(const Problem& prob);
std::vector<Contestant> gsl_contestants(const Problem& prob);
std::vector<Contestant> cvode_contestants(const Problem& prob);
std::vector<std::string> sciml_method_names();
std::string boost_version();
std::string gsl_version();
std::string sundials_version();

// Relative 2-norm error over the measured components.
double relative_error(const Problem& prob, const std::vector<double>& u);

// The problems with their references (Pleiades and Arenstorf references are checked at startup).
std::vector<Problem> make_problems();
// Long-double references computed here by two different methods; fills `notes` with what was found.
struct ReferenceCheck {
  std::vector<std::string> notes;
};
ReferenceCheck check_references(std::vector<Problem>& problems);

// Overhead per step for the small systems (overhead.cpp).
struct OverheadRow {
  std::string problem, method;
  double tol = 0;
  double t_rhs = 0;       // seconds per RHS call (independent calls: throughput)
  double t_rhs_chain = 0; // seconds per RHS call + axpy when each call's input is the last one's output
  double t_step = 0;      // seconds per step (accepted + rejected)
  double f_per_step = 0;  // RHS calls per step
  double ratio = 0;       // t_step / (f_per_step * t_rhs)
  double target = 0;      // (s + 1) / s, s = f_per_step
  double ratio_chain = 0; // t_step / (f_per_step * t_rhs_chain)
};
std::vector<OverheadRow> measure_overhead(const std::vector<Problem>& problems);

// Reporting (report.cpp).
struct Machine {
  std::string cpu, compiler, commit, date, command, flags, versions, memory;
  int cores = 0;
};
Machine describe_machine(int argc, char** argv);
void print_tables(const std::vector<Problem>& problems, const std::vector<Run>& runs,
                  const std::vector<OverheadRow>& overhead, const Machine& m, const ReferenceCheck& refs,
                  const std::string& md_path, const std::string& csv_dir, const std::string& img_rel);

}  // namespace bench
