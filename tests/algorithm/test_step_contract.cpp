// The step contract (algorithm/step_protocol.hpp): every method family satisfies it, on fixed-size and dynamic
// states, and a family missing a piece is told which one. A toy family (Heun-Euler) whose step reports failures
// as a StepStatus checks what the step loop (integrator/step_loop.hpp) does with them, on the host and in the
// kernel body: NewtonFailed halves h, Singular ends the solve as Unstable with a message, and the cache hears
// the verdict on every attempt (on_accept / on_reject).
#include <gtest/gtest.h>
#include <cmath>
#include <vector>
#include <string>
#include <sciml/gpu/kernel_body.hpp>
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
// Heun's method with Euler's as the error estimate; the step fails (as an implicit step whose Newton iteration
// does not converge) when |h| > fail_above, or always reports a singular matrix.
struct Verdicts {
  static inline int accepts = 0, rejects = 0, attempts = 0;
  static inline double fail_above = 1e300;
  static inline bool singular = false;
};
struct HeunEulerStep {
  template <class State>
  struct cache_type {
    void init(const State&) {}
    void on_accept() { ++Verdicts::accepts; }
    void on_reject() { ++Verdicts::rejects; }
  };
  static constexpr int order = 2, embedded_order = 1, S = 3, TOT = 3;
  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static sciml::StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp, State& unew,
                                  Cache&) {
    ++Verdicts::attempts;
    if (Verdicts::singular) return {0, sciml::StepStatus::Singular};
    if (std::abs(h) > Verdicts::fail_above) return {0, sciml::StepStatus::NewtonFailed};
    for (std::size_t i = 0; i < sciml::state_size(u); ++i) tmp[i] = u[i] + h * k[0][i];
    sciml::detail::eval_rhs<Inplace>(f, k[1], tmp, p, t + h);
    for (std::size_t i = 0; i < sciml::state_size(u); ++i) unew[i] = u[i] + h / 2 * (k[0][i] + k[1][i]);
    return 1;  // an int: Ok
  }
  template <class State, class K, class T, class R>
  static R error_squared(const State& u, const State& unew, const K& k, T h, const sciml::detail::TolView<R>& tol) {
    R acc = 0;
    for (std::size_t i = 0; i < sciml::state_size(u); ++i) {
      const R sc = tol.atol(i) + tol.reltol * std::max(std::abs(u[i]), std::abs(unew[i]));
      const R e = h / 2 * (k[1][i] - k[0][i]) / sc;
      acc += e * e;
    }
    return acc / R(sciml::state_size(u));
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F& f, const P& p, const State& unew, T t, K& k) {
    sciml::detail::eval_rhs<Inplace>(f, k[S - 1], unew, p, t);
    return 1;
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  static int extra_stages(const F&, const P&, const State&, T, T, K&, State&) { return 0; }
  template <class State, class K, class T>
  static void interpolate(State& out, const State& u0, const K& k, T h, T th) {
    for (std::size_t i = 0; i < sciml::state_size(u0); ++i)
      out[i] = u0[i] + th * h * ((1 - th / 2) * k[0][i] + th / 2 * k[1][i]);
  }
};
struct HeunEuler {
  using step_type = HeunEulerStep;
  static constexpr int order = 2;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return "HeunEuler"; }
  static sciml::StepController default_controller() { return sciml::implicit_default_controller; }
};
static_assert(fits_both<HeunEuler>());
struct Decay {
  template <class U, class P, class T>
  U operator()(const U& u, const P&, T) const { return U{-u[0], -2 * u[1]}; }
};
}  // namespace

TEST(StepContract, StepStatusAndVerdicts) {
  sciml::SolveOptions o;
  o.dt = 0.5;  // the first step: 0.5 fails, 0.25 fails, 0.125 fails, 0.0625 is taken
  o.reltol = 1e-2;  // loose enough that 0.0625 passes the error test
  o.abstol = 1e-2;
  Verdicts::fail_above = 0.1;
  const auto prob = sciml::ODEProblem(Decay{}, V2{1.0, 1.0}, {0.0, 1.0});
  Verdicts::accepts = Verdicts::rejects = Verdicts::attempts = 0;
  const auto sol = sciml::solve(prob, HeunEuler{}, o);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success) << sol.message;
  EXPECT_NEAR(sol.u.back()[0], std::exp(-1.0), 1e-2);
  EXPECT_NEAR(sol.u.back()[1], std::exp(-2.0), 1e-2);
  ASSERT_GE(sol.t.size(), 2u);
  EXPECT_DOUBLE_EQ(sol.t[1], 0.0625);  // halved three times
  EXPECT_GE(sol.stats.nreject, 3);
  for (std::size_t j = 1; j < sol.t.size(); ++j) EXPECT_LE(sol.t[j] - sol.t[j - 1], 0.1 * (1 + 1e-12));
  // every attempt got its verdict, and the counts are the solution's
  EXPECT_EQ(Verdicts::accepts, sol.stats.naccept);
  EXPECT_EQ(Verdicts::rejects, sol.stats.nreject);
  EXPECT_EQ(Verdicts::attempts, sol.stats.naccept + sol.stats.nreject);
  // the kernel body runs the same loop: the same steps and verdicts
  Verdicts::accepts = Verdicts::rejects = Verdicts::attempts = 0;
  const auto r = sciml::run_kernel_on_host(prob, HeunEuler{}, std::vector<V2>{V2{1.0, 1.0}},
                                           std::vector<Par>{Par{}}, o);
  EXPECT_EQ(r.retcodes[0], sciml::ReturnCode::Success);
  EXPECT_EQ(r.stats[0].naccept, sol.stats.naccept);
  EXPECT_EQ(r.stats[0].nreject, sol.stats.nreject);
  EXPECT_EQ(Verdicts::accepts, sol.stats.naccept);
  EXPECT_EQ(Verdicts::rejects, sol.stats.nreject);
  EXPECT_NEAR(r.final_value(0, 1), sol.u.back()[1], 1e-14);
  // a step that cannot be made at any size: the loop halves h until dtmin, then ConvergenceFailure with a message
  Verdicts::fail_above = 0;
  const auto failed = sciml::solve(prob, HeunEuler{}, o);
  EXPECT_EQ(failed.retcode, sciml::ReturnCode::ConvergenceFailure);
  EXPECT_NE(failed.message.find("Newton"), std::string::npos) << failed.message;
  // a singular matrix at every size: shrunk 4x thirty times, then Unstable naming the matrix
  Verdicts::fail_above = 1e300;
  Verdicts::singular = true;
  const auto singular = sciml::solve(prob, HeunEuler{}, o);
  EXPECT_EQ(singular.retcode, sciml::ReturnCode::Unstable);
  EXPECT_NE(singular.message.find("singular"), std::string::npos) << singular.message;
  const auto rs = sciml::run_kernel_on_host(prob, HeunEuler{}, std::vector<V2>{V2{1.0, 1.0}},
                                            std::vector<Par>{Par{}}, o);
  EXPECT_EQ(rs.retcodes[0], sciml::ReturnCode::Unstable);
  Verdicts::singular = false;
}

TEST(StepContract, EveryFamilyFits) {
  // the checks are the static_asserts above; a solve through the contract's pieces, for the record
  auto sol = sciml::solve(sciml::ODEProblem(OutOfPlace{}, V2{1.0, 2.0}, {0.0, 1.0}), sciml::Tsit5{});
  EXPECT_NEAR(sol.u.back()[0], std::exp(1.0), 1e-5);
}
