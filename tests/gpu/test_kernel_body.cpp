// EnsembleGPUKernel's per-thread body (solve_trajectory through kernel_body), run on the CPU: every trajectory
// equals the CPU integrator's solve with the same method and options (same steps, so to rounding), for float
// and double, adaptive and fixed steps, saveat inside steps (interpolation, Vern9's extra stages); a failing
// trajectory has its own ReturnCode and leaves the others alone; options a kernel cannot honour are refused.
#include <gtest/gtest.h>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>
#include <sciml/ensemble.hpp>
#include "../../bench/gpu_ensemble/array_ensemble.hpp"  // the benchmark's array-at-a-time form
#include <sciml/gpu/ensemble_gpu.hpp>
#include <sciml/gpu/kernel_body.hpp>
#include <sciml/ode.hpp>

namespace {

struct Lorenz {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& p, T) const {
    return U{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
  }
};

// DiffEqGPU's set-up: rho swept over [0, 21], u0 = (1, 0, 0), t in [0, 1]
template <class T>
std::vector<sciml::SVector<T, 3>> rho_sweep(std::size_t N) {
  std::vector<sciml::SVector<T, 3>> p(N);
  for (std::size_t i = 0; i < N; ++i) p[i] = {T(10), T(21.0 * double(i) / double(N - 1)), T(8.0 / 3.0)};
  return p;
}

template <class T, class Alg>
void check_against_solve(Alg alg, sciml::SolveOptions o, double tol) {
  const std::size_t N = 24;
  const auto ps = rho_sweep<T>(N);
  std::vector<sciml::SVector<T, 3>> u0(N, sciml::SVector<T, 3>{T(1), T(0), T(0)});
  auto prob = sciml::ODEProblem(Lorenz{}, u0[0], {T(0), T(1)}, ps[0]);
  const auto r = sciml::run_kernel_on_host(prob, alg, u0, ps, o);
  ASSERT_EQ(r.trajectories, N);
  for (std::size_t i = 0; i < N; ++i) {
    ASSERT_EQ(r.retcodes[i], sciml::ReturnCode::Success) << i;
    auto sol = sciml::solve(sciml::ODEProblem(Lorenz{}, u0[i], {T(0), T(1)}, ps[i]), alg, o);
    ASSERT_TRUE(sol.success());
    const std::size_t first = sol.u.size() - r.t.size();  // solve may also keep t0
    ASSERT_GE(sol.u.size(), r.t.size());
    EXPECT_EQ(r.stats[i].naccept, sol.stats.naccept) << i;
    EXPECT_EQ(r.stats[i].nreject, sol.stats.nreject) << i;
    for (std::size_t j = 0; j < r.t.size(); ++j) {
      EXPECT_EQ(double(r.t[j]), double(sol.t[first + j]));
      for (std::size_t c = 0; c < 3; ++c) {
        const double a = double(r.value(i, j, c)), b = double(sol.u[first + j][c]);
        EXPECT_NEAR(a, b, tol * (1 + std::abs(b))) << "trajectory " << i << " save " << j << " component " << c;
      }
    }
  }
}

}  // namespace

TEST(KernelBody, AdaptiveEndPointsEqualSolve) {
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.save_everystep = false;
  o.save_start = false;
  check_against_solve<double>(sciml::Tsit5{}, o, 1e-14);
  check_against_solve<double>(sciml::Vern7{}, o, 1e-14);
  check_against_solve<double>(sciml::Vern9{}, o, 1e-14);
  o.reltol = 1e-5;
  o.abstol = 1e-5;
  check_against_solve<float>(sciml::Tsit5{}, o, 1e-6);
  check_against_solve<float>(sciml::Vern7{}, o, 1e-6);
}

TEST(KernelBody, FixedStepEqualsSolve) {
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.001;
  o.save_everystep = false;
  o.save_start = false;
  check_against_solve<float>(sciml::Tsit5{}, o, 1e-6);
  check_against_solve<double>(sciml::Tsit5{}, o, 1e-14);
  check_against_solve<float>(sciml::Vern7{}, o, 1e-6);
  check_against_solve<double>(sciml::Vern9{}, o, 1e-14);
}

TEST(KernelBody, SaveatThroughTheInterpolant) {
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.saveat = sciml::SaveAt(0.1);  // t = 0, 0.1, ..., 1
  check_against_solve<double>(sciml::Tsit5{}, o, 1e-13);
  check_against_solve<double>(sciml::Vern9{}, o, 1e-13);  // interpolation-only stages
  check_against_solve<double>(sciml::RK4{}, o, 1e-13);    // Hermite interpolation
}

TEST(KernelBody, StiffMethodsEqualSolve) {
  // ROBER with k1 swept over [0.02, 0.08]: Rodas5P, Rodas4, Rosenbrock23 (Jacobians by dual numbers, LU in
  // registers) and Kvaerno5 (SDIRK: Newton iterations, J kept across steps)
  auto rober = [](const auto& u, const auto& k, auto) {
    using U = std::remove_cvref_t<decltype(u)>;
    return U{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
             k[2] * u[1] * u[1]};
  };
  const std::size_t N = 8;
  std::vector<sciml::SVector<double, 3>> u0(N, sciml::SVector<double, 3>{1, 0, 0}), k(N);
  for (std::size_t i = 0; i < N; ++i) k[i] = {0.02 + 0.06 * double(i) / double(N - 1), 1e4, 3e7};
  auto prob = sciml::ODEProblem(rober, u0[0], {0.0, 1e5}, k[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  o.saveat = sciml::SaveAt({1e-2, 1.0, 1e2, 1e4, 1e5});
  auto check = [&](auto alg) {
    const auto r = sciml::run_kernel_on_host(prob, alg, u0, k, o);
    for (std::size_t i = 0; i < N; ++i) {
      ASSERT_EQ(r.retcodes[i], sciml::ReturnCode::Success) << i;
      const auto sol = sciml::solve(sciml::ODEProblem(rober, u0[i], {0.0, 1e5}, k[i]), alg, o);
      EXPECT_EQ(r.stats[i].naccept, sol.stats.naccept) << i;
      ASSERT_EQ(sol.u.size(), r.t.size());
      for (std::size_t j = 0; j < r.t.size(); ++j)
        for (std::size_t c = 0; c < 3; ++c)
          EXPECT_NEAR(r.value(i, j, c), sol.u[j][c], 1e-14 * (1 + std::abs(sol.u[j][c]))) << i << " " << j << " " << c;
    }
  };
  check(sciml::Rodas5P{});
  check(sciml::Rodas4{});
  check(sciml::Rosenbrock23{});
  check(sciml::Kvaerno5{});
}

TEST(KernelBody, FailingTrajectoryKeepsItsReturnCode) {
  // u' = p u^2 blows up at t = 1 / (p u0): trajectory 1 (p = 4) inside [0, 1], the others not
  auto f = [](const auto& u, const auto& p, auto) { return sciml::SVector<double, 1>{p[0] * u[0] * u[0]}; };
  std::vector<sciml::SVector<double, 1>> u0(3, sciml::SVector<double, 1>{1.0});
  std::vector<sciml::SVector<double, 1>> p{{0.5}, {4.0}, {0.25}};
  auto prob = sciml::ODEProblem(f, u0[0], {0.0, 1.0}, p[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.maxiters = 5000;
  const auto r = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, p, o);
  EXPECT_EQ(r.failures(), 1u);
  EXPECT_FALSE(sciml::successful_retcode(r.retcodes[1]));
  for (std::size_t i : {std::size_t(0), std::size_t(2)}) {
    ASSERT_EQ(r.retcodes[i], sciml::ReturnCode::Success);
    EXPECT_NEAR(r.value(i, 0, 0), 1.0 / (1.0 - p[i][0]), 1e-6);  // u(1) = 1 / (1 - p)
  }
}

TEST(KernelBody, HostThreadsGiveBitwiseTheSameResults) {
  // the host run spread over 1, 2 or 3 threads (trajectories in chunks): every value, counter and ReturnCode is
  // the same bit for bit, with a failing trajectory among them
  const std::size_t N = 301;
  auto ps = rho_sweep<double>(N);
  ps[7][0] = std::numeric_limits<double>::quiet_NaN();  // f is NaN from the start: InitialFailure
  std::vector<sciml::SVector<double, 3>> u0(N, sciml::SVector<double, 3>{1, 0, 0});
  auto prob = sciml::ODEProblem(Lorenz{}, u0[0], {0.0, 1.0}, ps[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-7;
  o.abstol = 1e-7;
  o.saveat = sciml::SaveAt(0.25);
  const auto one = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o, sciml::NoKernelCallback{}, 1);
  EXPECT_EQ(one.failures(), 1u);
  EXPECT_EQ(one.retcodes[7], sciml::ReturnCode::InitialFailure);
  for (unsigned threads : {2u, 3u}) {
    const auto r = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o, sciml::NoKernelCallback{}, threads);
    ASSERT_EQ(r.u.size(), one.u.size());
    for (std::size_t k = 0; k < r.u.size(); ++k) ASSERT_EQ(r.u[k], one.u[k]) << k;
    ASSERT_EQ(r.u_end, one.u_end);
    for (std::size_t i = 0; i < N; ++i) {
      ASSERT_EQ(r.retcodes[i], one.retcodes[i]) << i;
      ASSERT_EQ(r.stats[i].naccept, one.stats[i].naccept) << i;
      ASSERT_EQ(r.stats[i].nf, one.stats[i].nf) << i;
    }
  }
}

TEST(KernelBody, RefusesWhatAKernelCannotDo) {
  std::vector<sciml::SVector<double, 3>> u0(2, sciml::SVector<double, 3>{1, 0, 0});
  const auto ps = rho_sweep<double>(2);
  auto prob = sciml::ODEProblem(Lorenz{}, u0[0], {0.0, 1.0}, ps[0]);
  sciml::SolveOptions o;
  o.tstops = {0.5};
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o), std::invalid_argument);
  o = {};
  o.abstol = sciml::Tolerance(std::vector<double>{1e-6, 1e-6, 1e-6});
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o), std::invalid_argument);
  o = {};
  o.maxiters = 1'000'000'000;  // beyond what the kernel's 32-bit counters allow
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o), std::invalid_argument);
  o = {};
  o.adaptive = false;  // no dt
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o), std::invalid_argument);
  o = {};
  o.linsolve = sciml::LinearSolver::GMRES;  // was accepted and ignored
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Rodas5P{}, u0, ps, o), std::invalid_argument);
  o = {};
  o.saveat = sciml::SaveAt(std::vector<double>{0.5, 2.0});
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, ps, o), std::invalid_argument);
  EXPECT_THROW(sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, std::vector<sciml::SVector<double, 3>>(1), {}),
               std::invalid_argument);
}

TEST(KernelBody, EnsembleBackendOnHostEqualsSerial) {
  // solve(ensemble, alg, EnsembleGPUKernel{.on_host = true}, ...) against EnsembleSerial: same outputs, the
  // prob_func and output_func of the ensemble honoured
  const auto ps = rho_sweep<double>(16);
  auto prob = sciml::ODEProblem(Lorenz{}, sciml::SVector<double, 3>{1, 0, 0}, {0.0, 1.0}, ps[0]);
  auto ens = sciml::ensemble_from_params(prob, ps);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.saveat = sciml::SaveAt(0.5);
  sciml::EnsembleGPUKernel host;
  host.on_host = true;
  const auto g = sciml::solve(ens, sciml::Tsit5{}, host, o);
  const auto c = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleSerial{}, o);
  ASSERT_EQ(g.size(), 16u);
  EXPECT_TRUE(g.success());
  for (std::size_t i = 0; i < 16; ++i) {
    ASSERT_EQ(g[i].t.size(), c[i].t.size());
    for (std::size_t j = 0; j < g[i].t.size(); ++j) {
      EXPECT_EQ(g[i].t[j], c[i].t[j]);
      for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(g[i].u[j][k], c[i].u[j][k], 1e-13 * (1 + std::abs(c[i].u[j][k])));
    }
    EXPECT_EQ(g.stats[i].naccept, c.stats[i].naccept);
  }
  // without nvcc there is no kernel: a clear error, not a crash
  EXPECT_THROW(sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleGPUKernel{}, o), std::runtime_error);
  // a prob_func that changes tspan is refused
  auto bad = sciml::EnsembleProblem(prob, [](const auto& base, std::size_t) {
    auto q = base;
    q.tspan = {0.0, 2.0};
    return q;
  });
  EXPECT_THROW(sciml::solve(bad, sciml::Tsit5{}, host, 4, o), std::invalid_argument);
}

TEST(KernelBody, CallbacksEqualTheCpuOnes) {
  // a bouncing ball: x'' = -9.81; at x = 0 (downwards) v <- -0.8 v; a discrete callback stops the solve once the
  // ball has bounced 3 times (counted in p[1]). The same lambdas drive the CPU callbacks and the kernel's.
  auto ball = [](const auto& u, const auto&, auto) { return sciml::SVector<double, 2>{u[1], -9.81}; };
  auto cond = [](const auto& u, auto, const auto&) { return u[0]; };
  auto bounce = [](auto& integ) {
    integ.u[1] = -0.8 * integ.u[1];
    integ.p[1] += 1;
  };
  auto three = [](const auto&, auto, const auto& integ) { return integ.p[1] >= 3; };
  auto stop = [](auto& integ) { integ.terminate(); };
  const std::vector<sciml::SVector<double, 2>> u0{{10.0, 0.0}, {5.0, 2.0}, {1.0, 0.0}};
  const std::vector<sciml::SVector<double, 2>> p(3, sciml::SVector<double, 2>{0.0, 0.0});
  auto prob = sciml::ODEProblem(ball, u0[0], {0.0, 6.0}, p[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-9;
  o.saveat = sciml::SaveAt(0.5);
  const auto kcb = sciml::kernel_callback_set(sciml::kernel_continuous_callback(cond, sciml::NoKernelAffect{}, bounce),
                                              sciml::kernel_discrete_callback(three, stop));
  const auto r = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, p, o, kcb);
  for (std::size_t i = 0; i < u0.size(); ++i) {
    const auto ccb = sciml::CallbackSet(sciml::ContinuousCallback(cond, sciml::NoAffect{}, bounce),
                                        sciml::DiscreteCallback(three, stop));
    const auto sol = sciml::solve(sciml::ODEProblem(ball, u0[i], {0.0, 6.0}, p[i]), sciml::Tsit5{}, o, ccb);
    EXPECT_EQ(r.retcodes[i], sol.retcode) << i;
    EXPECT_EQ(r.stats[i].naccept, sol.stats.naccept) << i;
    EXPECT_EQ(r.stats[i].nevents, sol.stats.nevents) << i;
    EXPECT_NEAR(r.stats[i].t, sol.t.back(), 1e-12) << i;
    for (std::size_t c = 0; c < 2; ++c) EXPECT_NEAR(r.final_value(i, c), sol.u.back()[c], 1e-10) << i;
    for (int j = 0; j < r.stats[i].saved; ++j)
      for (std::size_t c = 0; c < 2; ++c) EXPECT_NEAR(r.value(i, std::size_t(j), c), sol.u[std::size_t(j)][c], 1e-10) << i;
  }
  // the first ball (from 10 m) bounces three times within 6 s and is stopped: x stays >= 0 throughout
  EXPECT_EQ(r.retcodes[0], sciml::ReturnCode::Terminated);
  EXPECT_EQ(r.stats[0].nevents, 4);  // three bounces + the terminating discrete callback
  // the first bounce of a ball dropped from 10 m: t = sqrt(2 * 10 / 9.81)
  const double tb = std::sqrt(2 * 10 / 9.81);
  EXPECT_NEAR(r.value(0, 2, 0), 10 - 9.81 / 2 * 1.0, 1e-8);  // t = 1.0 < tb: free fall
  EXPECT_GT(tb, 1.0);
}

TEST(KernelBody, EveryBounceUpToTheZenoPointAsTheHost) {
  // the one event locator (callback/event_search.hpp) in the kernel: the restitution-0.9 ball of
  // tests/regression/test_bouncing_ball_many_bounces.cpp, every bounce up to t = 25 at the analytic times
  auto ball = [](const auto& u, const auto& p, auto) { return sciml::SVector<double, 2>{u[1], -p[0]}; };
  auto cond = [](const auto& u, auto, const auto&) { return u[0]; };
  auto bounce = [](auto& integ) {
    integ.u[1] = -0.9 * integ.u[1];
    integ.p[1] += 1;  // bounces counted in p[1]
  };
  const double g = 9.81, h0 = 10.0, e = 0.9, tf = 25.0;
  const std::vector<sciml::SVector<double, 2>> u0{{h0, 0.0}};
  const std::vector<sciml::SVector<double, 2>> p{{g, 0.0}};
  sciml::SolveOptions o;
  o.saveat = sciml::SaveAt(0.05);
  const auto r = sciml::run_kernel_on_host(sciml::ODEProblem(ball, u0[0], {0.0, tf}, p[0]), sciml::Tsit5{}, u0, p, o,
                                           sciml::kernel_continuous_callback(cond, bounce));
  ASSERT_EQ(r.retcodes[0], sciml::ReturnCode::Success);
  // analytic bounces before tf: first impact at sqrt(2 h0 / g), then flights of 2 v_k / g with v_k = e^k v1
  const double v1 = std::sqrt(2 * g * h0);
  double t = std::sqrt(2 * h0 / g), tlast = 0;
  int bounces = 0;
  for (int k = 1; t < tf; ++k) {
    tlast = t;
    ++bounces;
    t += 2 * v1 * std::pow(e, k) / g;
  }
  EXPECT_EQ(r.stats[0].nevents, bounces);
  for (std::size_t j = 0; j < r.t.size(); ++j) EXPECT_GT(r.value(0, j, 0), -1e-9) << "t = " << r.t[j];
  // the final state from the last bounce, and the same as the host's solve with the same callback
  const double vk = v1 * std::pow(e, double(bounces)), dt = tf - tlast;
  EXPECT_NEAR(r.final_value(0, 0), vk * dt - 0.5 * g * dt * dt, 1e-6);
  auto hp = p[0];
  auto host_bounce = [](auto& integ) { integ.u[1] = -0.9 * integ.u[1]; };
  const auto sol = sciml::solve(sciml::ODEProblem(ball, u0[0], {0.0, tf}, hp), sciml::Tsit5{}, o,
                                sciml::ContinuousCallback(cond, host_bounce));
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  EXPECT_EQ(r.stats[0].naccept, sol.stats.naccept);
  EXPECT_EQ(r.stats[0].nevents, sol.stats.nevents);
  EXPECT_NEAR(r.final_value(0, 0), sol.u.back()[0], 1e-9);
}

TEST(KernelBody, ArrayFormIsTheConcatenatedSystem) {
  // EnsembleGPUArray's host twin: all trajectories with one step size and the error norm over all of them, i.e.
  // `solve` of the concatenated system of N x 3 states
  const std::size_t N = 12;
  const auto ps = rho_sweep<double>(N);
  std::vector<sciml::SVector<double, 3>> u0(N, sciml::SVector<double, 3>{1, 0, 0});
  auto prob = sciml::ODEProblem(Lorenz{}, u0[0], {0.0, 1.0}, ps[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-7;
  o.abstol = 1e-7;
  o.save_everystep = false;
  o.save_start = false;
  const auto [ua, st] = sciml::run_array_on_host(prob, sciml::Tsit5{}, u0, ps, o);
  ASSERT_EQ(st.retcode, sciml::ReturnCode::Success);
  auto big = [&](std::vector<double>& du, const std::vector<double>& u, const std::vector<double>&, double t) {
    for (std::size_t m = 0; m < N; ++m) {
      const sciml::SVector<double, 3> x{u[3 * m], u[3 * m + 1], u[3 * m + 2]};
      const auto d = Lorenz{}(x, ps[m], t);
      for (std::size_t c = 0; c < 3; ++c) du[3 * m + c] = d[c];
    }
  };
  std::vector<double> U(3 * N, 0.0);
  for (std::size_t m = 0; m < N; ++m) U[3 * m] = 1.0;
  const auto sol = sciml::solve(sciml::ODEProblem(big, U, {0.0, 1.0}, std::vector<double>{}), sciml::Tsit5{}, o);
  ASSERT_TRUE(sol.success());
  EXPECT_EQ(st.naccept, sol.stats.naccept);
  for (std::size_t m = 0; m < N; ++m)
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(ua[m][c], sol.u.back()[3 * m + c], 1e-10 * (1 + std::abs(ua[m][c])));
}
