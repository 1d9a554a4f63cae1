// Every ReturnCode path and every refused input: runtime failures are values on the solution (with the
// partial solution and a message pointing at the fix); invalid configuration throws, naming the argument.
#include <gtest/gtest.h>
#include <cmath>
#include <limits>
#include <sciml/ode.hpp>
#include "common/expect_invalid.hpp"

namespace {
auto decay = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 1>{-u[0]}; };
auto blowup = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 1>{u[0] * u[0]}; };  // 1/(1-t)

using sciml::testing::expect_invalid;
}  // namespace

TEST(ReturnCodes, InvalidInputIsRefusedNamingTheArgument) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto ok = sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 1.0});
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(decay, sciml::SVector{nan}, {0.0, 1.0}), sciml::Tsit5{}); }, "u0");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(decay, sciml::SVector{inf}, {0.0, 1.0}), sciml::Tsit5{}); }, "u0");
  auto g = [](auto& du, const auto& u, const auto&, auto) {};
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(g, std::vector<double>{}, {0.0, 1.0}), sciml::Tsit5{}); }, "u0");
  expect_invalid([&] { sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, nan}), sciml::Tsit5{}); }, "tspan");
  sciml::SolveOptions o;
  o.reltol = 0;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "reltol");
  o = {};
  o.abstol = -1e-6;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "abstol");
  o.abstol = {1e-6, 1e-6};
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "abstol");
  o = {};
  o.saveat = {0.5, 1.5};
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "saveat");
  o = {};
  o.saveat = -0.1;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "saveat");
  o = {};
  o.dt = -0.1;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "dt");
  o = {};
  o.adaptive = false;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "dt");
  expect_invalid([&] { sciml::solve(ok, sciml::Euler{}, {}); }, "dt");  // no error estimate: needs dt
  o = {};
  o.maxiters = 0;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "maxiters");
  o = {};
  o.dtmax = 0;
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "dtmax");
  o = {};
  o.tstops = {nan};
  expect_invalid([&] { sciml::solve(ok, sciml::Tsit5{}, o); }, "tstops");
}

TEST(ReturnCodes, Success) {
  auto sol = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Tsit5{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
  EXPECT_TRUE(sol.success());
  EXPECT_TRUE(sol.message.empty());
}

TEST(ReturnCodes, InitialFailure) {
  auto bad = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 1>{std::log(-u[0])}; };
  auto sol = sciml::solve(sciml::ODEProblem(bad, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Tsit5{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::InitialFailure);
  EXPECT_NE(sol.message.find("f(u0"), std::string::npos) << sol.message;
  ASSERT_EQ(sol.t.size(), 1u);  // the initial point is kept
}

TEST(ReturnCodes, DtLessThanMinAtABlowUp) {
  auto sol = sciml::solve(sciml::ODEProblem(blowup, sciml::SVector{1.0}, {0.0, 2.0}), sciml::Tsit5{});
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::DtLessThanMin) << sol.message;
  EXPECT_NE(sol.message.find("dtmin"), std::string::npos);
  EXPECT_NE(sol.message.find("Rodas5P"), std::string::npos);
  EXPECT_NEAR(sol.t.back(), 1.0, 1e-3);  // the partial solution reaches the singularity
  EXPECT_GT(sol.u.back()[0], 1e3);
}

TEST(ReturnCodes, UserDtmin) {
  // the blow-up at t = 1 needs ever smaller steps: a dtmin of 1e-4 stops the solve well before it
  sciml::SolveOptions o;
  o.dtmin = 1e-4;
  auto sol = sciml::solve(sciml::ODEProblem(blowup, sciml::SVector{1.0}, {0.0, 2.0}), sciml::Tsit5{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::DtLessThanMin);
  EXPECT_LT(sol.t.back(), 1.0);
  EXPECT_GT(sol.t.back(), 0.9);
}

TEST(ReturnCodes, MaxIters) {
  sciml::SolveOptions o;
  o.maxiters = 10;
  auto sol = sciml::solve(sciml::ODEProblem(decay, sciml::SVector{1.0}, {0.0, 100.0}), sciml::Tsit5{}, o);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::MaxIters);
  EXPECT_NE(sol.message.find("maxiters"), std::string::npos);
  EXPECT_EQ(sol.stats.naccept + sol.stats.nreject, 10);
  EXPECT_LT(sol.t.back(), 100.0);
  EXPECT_NEAR(sol.u.back()[0], std::exp(-sol.t.back()), 1e-2);  // the partial solution is right so far
}

TEST(ReturnCodes, UnstableOnNaNDerivative) {
  // f is NaN for t > 1: the adaptive solver cannot get past it
  auto f = [](const auto& u, const auto&, auto t) { return sciml::SVector<double, 1>{std::sqrt(1.0 - t) * u[0]}; };
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 2.0}), sciml::Tsit5{});
  EXPECT_TRUE(sol.retcode == sciml::ReturnCode::Unstable || sol.retcode == sciml::ReturnCode::DtLessThanMin)
      << sol.retcode;
  EXPECT_LE(sol.t.back(), 1.0 + 1e-9);
  EXPECT_FALSE(sol.message.empty());
  // fixed steps run into the NaN directly
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.3;
  auto fixed = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 2.0}), sciml::RK4{}, o);
  EXPECT_EQ(fixed.retcode, sciml::ReturnCode::Unstable);
  EXPECT_NE(fixed.message.find("NaN"), std::string::npos);
}

TEST(ReturnCodes, UnstableOnOverflowWithFixedSteps) {
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.1;
  auto sol = sciml::solve(sciml::ODEProblem(blowup, sciml::SVector{1.0}, {0.0, 2.0}), sciml::Euler{}, o);
  // Euler steps past the singularity and overflows eventually, or reaches tf with a finite (wrong) value
  EXPECT_TRUE(sol.retcode == sciml::ReturnCode::Unstable || sol.retcode == sciml::ReturnCode::Success);
  auto big = sciml::solve(sciml::ODEProblem(blowup, sciml::SVector{1e150}, {0.0, 1.0}), sciml::Euler{}, o);
  EXPECT_EQ(big.retcode, sciml::ReturnCode::Unstable);
}
