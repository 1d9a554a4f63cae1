// The step contract (algorithm/step_protocol.hpp): every method family satisfies it, on fixed-size and dynamic
// states, and a family missing a piece is told which one.
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <sciml/ode.hpp>

namespace {
namespace sc = sciml::detail::step_contract;
using sciml::detail::StepFamily;

using V2 = sciml::SVector<double, 2>;
using Vec = std::vector<double>;
struct OutOfPlace {  // f(u, p, t) -> du on SVector
  template <class U, class P, class T>
  U operator()(const U& u, const P&, T) const { return u; }
};
struct InPlace {  // f(du, u, p, t) on std::vector
  template <class U, class P, class T>
  void operator()(U& du, const U& u, const P&, T) const { du = u; }
};
using Par = sciml::NullParameters;

template <class Alg>
constexpr bool fits_both() {
  using Step = typename Alg::step_type;
  return StepFamily<Step, V2, OutOfPlace, Par, double> && StepFamily<Step, Vec, InPlace, Par, double>;
}

static_assert(fits_both<sciml::Tsit5>() && fits_both<sciml::Vern9>() && fits_both<sciml::DP8>() &&
              fits_both<sciml::Euler>());
static_assert(fits_both<sciml::Rosenbrock23>() && fits_both<sciml::Rodas5P>() && fits_both<sciml::Rodas4>());
static_assert(fits_both<sciml::ImplicitEuler>() && fits_both<sciml::TRBDF2>() && fits_both<sciml::KenCarp4>() &&
              fits_both<sciml::Kvaerno5>());
static_assert(fits_both<sciml::RadauIIA5>() && fits_both<sciml::FBDF<>>());
static_assert(fits_both<sciml::AutoTsit5<sciml::Rosenbrock23>>() && fits_both<sciml::DefaultODEAlgorithm>());

// A family with everything but an error estimate: each piece is checked on its own.
struct NoEstimate {
  template <class State>
  struct cache_type {
    void init(const State&) {}
  };
  static constexpr int order = 1, embedded_order = 1, S = 2, TOT = 2;
  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static int stages(const F&, const P&, const State&, T, T, K&, State&, State&, Cache&) { return 0; }
  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F&, const P&, const State&, T, K&) { return 0; }
  template <class State, class K, class T>
  static void interpolate(State&, const State&, const K&, T, T) {}
};
static_assert(sc::Constants<NoEstimate> && sc::HasCache<NoEstimate, V2> &&
              sc::TakesStages<NoEstimate, V2, OutOfPlace, Par, double> &&
              sc::CompletesNewPoint<NoEstimate, V2, OutOfPlace, Par, double> && sc::Interpolates<NoEstimate, V2, double>);
static_assert(!sc::EstimatesError<NoEstimate, V2, double>);
static_assert(!StepFamily<NoEstimate, V2, OutOfPlace, Par, double>);
}  // namespace

TEST(StepContract, EveryFamilyFits) {
  // the checks are the static_asserts above; a solve through the contract's pieces, for the record
  auto sol = sciml::solve(sciml::ODEProblem(OutOfPlace{}, V2{1.0, 2.0}, {0.0, 1.0}), sciml::Tsit5{});
  EXPECT_NEAR(sol.u.back()[0], std::exp(1.0), 1e-5);
}
