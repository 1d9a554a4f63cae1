// EnsembleGPUKernel on a device: the Lorenz rho sweep (DiffEqGPU's set-up) solved by one CUDA thread per
// trajectory (Tsit5, Vern7, Vern9; Rodas5P, Rosenbrock23, Kvaerno5 on ROBER) agrees with the same kernel body run
// on the CPU. Skips, with a message, where no device is present.
#if __has_include(<gtest/gtest.h>) && !defined(SCIML_MINI_GTEST)
#include <gtest/gtest.h>
#else
#include "mini_gtest.hpp"  // no googletest (e.g. the device machine): the few macros this file uses
#endif
#include <algorithm>
#include <cmath>
#include <vector>
#include "../../bench/gpu_ensemble/array_ensemble.cuh"  // the benchmark's array-at-a-time form
#include <sciml/linalg/small_lu.hpp>
#include <sciml/gpu/ensemble_gpu.hpp>
#include <sciml/ensemble.hpp>
#include <sciml/nn/mlp.hpp>
#include <sciml/algorithm/erk/methods.hpp>
#include <sciml/algorithm/rosenbrock/rosenbrock.hpp>
#include <sciml/algorithm/rosenbrock/rosenbrock23.hpp>
#include <sciml/algorithm/sdirk/sdirk.hpp>
#include <sciml/core/svector.hpp>

namespace {
struct Rober {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& k, T) const {
    return U{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
             k[2] * u[1] * u[1]};
  }
};

struct Lorenz {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& p, T) const {
    return U{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
  }
};

template <class T, class Alg = sciml::Tsit5>
void compare(const sciml::SolveOptions& o, double tol, Alg alg = {}) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  const std::size_t N = 10000;
  std::vector<sciml::SVector<T, 3>> u0(N, sciml::SVector<T, 3>{T(1), T(0), T(0)}), p(N);
  for (std::size_t i = 0; i < N; ++i) p[i] = {T(10), T(21.0 * double(i) / double(N - 1)), T(8.0 / 3.0)};
  const sciml::ODEProblem prob(Lorenz{}, u0[0], {T(0), T(1)}, p[0]);
  const auto g = sciml::solve_gpu_kernel(prob, alg, u0, p, o);
  const auto h = sciml::run_kernel_on_host(prob, alg, u0, p, o, sciml::NoKernelCallback{}, 0);
  ASSERT_EQ(g.failures(), 0u);
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < g.t.size(); ++j)
      for (std::size_t c = 0; c < 3; ++c)
        ASSERT_NEAR(double(g.value(i, j, c)), double(h.value(i, j, c)), tol * (1 + std::abs(double(h.value(i, j, c)))))
            << "trajectory " << i;
}
}  // namespace

TEST(GpuKernel, FixedStepFloatMatchesHost) {
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.001;
  compare<float>(o, 1e-4);
}

TEST(GpuKernel, AdaptiveDoubleMatchesHost) {
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.saveat = sciml::SaveAt(0.25);
  compare<double>(o, 1e-9);
}

TEST(GpuKernel, VernerMethodsMatchHost) {
  sciml::SolveOptions o;
  o.adaptive = false;
  o.dt = 0.001;
  compare<float>(o, 1e-4, sciml::Vern7{});
  o = {};
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  o.saveat = sciml::SaveAt(0.25);  // Vern9's interpolation-only stages on the device
  compare<double>(o, 1e-9, sciml::Vern9{});
}

template <class Alg>
void stiff_on_device(Alg alg) {
  const std::size_t N = 4096;
  std::vector<sciml::SVector<double, 3>> u0(N, sciml::SVector<double, 3>{1, 0, 0}), k(N);
  for (std::size_t i = 0; i < N; ++i) k[i] = {0.02 + 0.06 * double(i) / double(N - 1), 1e4, 3e7};
  const sciml::ODEProblem prob(Rober{}, u0[0], {0.0, 1e5}, k[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-10;
  const auto g = sciml::solve_gpu_kernel(prob, alg, u0, k, o);
  const auto h = sciml::run_kernel_on_host(prob, alg, u0, k, o, sciml::NoKernelCallback{}, 0);
  ASSERT_EQ(g.failures(), 0u);
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t c = 0; c < 3; ++c)
      ASSERT_NEAR(g.value(i, 0, c), h.value(i, 0, c), 1e-8 * (1e-4 + std::abs(h.value(i, 0, c)))) << "trajectory " << i;
}

TEST(GpuKernel, StiffMethodsMatchHost) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  stiff_on_device(sciml::Rodas5P{});
  stiff_on_device(sciml::Rosenbrock23{});
  stiff_on_device(sciml::Kvaerno5{});
}

TEST(GpuKernel, EnsembleProblemOnTheDevice) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  std::vector<sciml::SVector<double, 3>> ps(1000);
  for (std::size_t i = 0; i < ps.size(); ++i) ps[i] = {10.0, 21.0 * double(i) / 999.0, 8.0 / 3.0};
  auto ens = sciml::ensemble_from_params(sciml::ODEProblem(Lorenz{}, sciml::SVector<double, 3>{1, 0, 0}, {0.0, 1.0}, ps[0]), ps);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  sciml::EnsembleGPUKernel host;
  host.on_host = true;
  const auto g = sciml::solve(ens, sciml::Tsit5{}, sciml::EnsembleGPUKernel{}, o);
  const auto h = sciml::solve(ens, sciml::Tsit5{}, host, o);
  ASSERT_TRUE(g.success());
  for (std::size_t i = 0; i < ps.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k)
      ASSERT_NEAR(g[i].u.back()[k], h[i].u.back()[k], 1e-9 * (1 + std::abs(h[i].u.back()[k])));
}

// A neural ODE on the device: u' = NN(u), a 2 -> 8 -> 2 tanh MLP (the same nn::MLP code as on the CPU), its 42
// parameters per trajectory (one network per thread, e.g. an ensemble over trained networks).
struct NeuralODE {
  sciml::nn::MLP net;
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& theta, T) const {
    using S = std::remove_cvref_t<decltype(u[0])>;
    S x[2] = {u[0], u[1]}, y[2], work[16];
    net.forward(x, &theta[0], y, work);
    return U{y[0], y[1]};
  }
};

TEST(GpuKernel, NeuralODEOnTheDevice) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  NeuralODE f{sciml::nn::MLP({2, 8, 2}, {sciml::nn::Activation::Tanh, sciml::nn::Activation::Identity})};
  using Theta = sciml::SVector<double, 42>;
  std::vector<Theta> thetas(256);
  std::vector<sciml::SVector<double, 2>> u0(256, sciml::SVector<double, 2>{2.0, 0.0});
  for (std::size_t i = 0; i < thetas.size(); ++i) {
    const auto th = f.net.init_glorot(i + 1);
    for (std::size_t j = 0; j < 42; ++j) thetas[i][j] = th[j];
  }
  const sciml::ODEProblem prob(f, u0[0], {0.0, 1.5}, thetas[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  const auto g = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, u0, thetas, o);
  const auto h = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, thetas, o);
  ASSERT_EQ(g.failures(), 0u);
  for (std::size_t i = 0; i < thetas.size(); ++i)
    for (std::size_t c = 0; c < 2; ++c) ASSERT_NEAR(g.value(i, 0, c), h.value(i, 0, c), 1e-9 * (1 + std::abs(h.value(i, 0, c))));
}

// Callbacks on the device: SCIML_HD functors (lambdas need nvcc's --extended-lambda).
struct Ball {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P&, T) const {
    return U{u[1], -9.81};
  }
};
struct Height {
  template <class U, class T, class I>
  SCIML_HD double operator()(const U& u, T, const I&) const {
    return u[0];
  }
};
struct Bounce {
  template <class I>
  SCIML_HD void operator()(I& integ) const {
    integ.u[1] = -0.8 * integ.u[1];
    integ.p[1] += 1;
  }
};
struct ThreeBounces {
  template <class U, class T, class I>
  SCIML_HD bool operator()(const U&, T, const I& integ) const {
    return integ.p[1] >= 3;
  }
};
struct Stop {
  template <class I>
  SCIML_HD void operator()(I& integ) const {
    integ.terminate();
  }
};

TEST(GpuKernel, CallbacksMatchHost) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  const std::size_t N = 1000;
  std::vector<sciml::SVector<double, 2>> u0(N), p(N, sciml::SVector<double, 2>{0.0, 0.0});
  for (std::size_t i = 0; i < N; ++i) u0[i] = {1.0 + 9.0 * double(i) / double(N - 1), 0.0};
  const sciml::ODEProblem prob(Ball{}, u0[0], {0.0, 6.0}, p[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-9;
  const auto cb = sciml::kernel_callback_set(sciml::kernel_continuous_callback(Height{}, sciml::NoKernelAffect{}, Bounce{}),
                                             sciml::kernel_discrete_callback(ThreeBounces{}, Stop{}));
  const auto g = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, u0, p, o, 64, cb);
  const auto h = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, u0, p, o, cb);
  for (std::size_t i = 0; i < N; ++i) {
    ASSERT_EQ(g.retcodes[i], h.retcodes[i]) << i;
    ASSERT_EQ(g.stats[i].nevents, h.stats[i].nevents) << i;
    ASSERT_NEAR(g.stats[i].t, h.stats[i].t, 1e-9) << i;
    for (std::size_t c = 0; c < 2; ++c) ASSERT_NEAR(g.final_value(i, c), h.final_value(i, c), 1e-7) << i;
  }
}

TEST(GpuKernel, ArrayFormMatchesHost) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the array form is tested on the CPU (test_kernel_body)";
  const std::size_t N = 4096;
  std::vector<sciml::SVector<double, 3>> u0(N, sciml::SVector<double, 3>{1, 0, 0}), p(N);
  for (std::size_t i = 0; i < N; ++i) p[i] = {10.0, 21.0 * double(i) / double(N - 1), 8.0 / 3.0};
  const sciml::ODEProblem prob(Lorenz{}, u0[0], {0.0, 1.0}, p[0]);
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  const auto [g, gs] = sciml::solve_gpu_array(prob, sciml::Tsit5{}, u0, p, o);
  const auto [h, hs] = sciml::run_array_on_host(prob, sciml::Tsit5{}, u0, p, o);
  ASSERT_EQ(gs.retcode, sciml::ReturnCode::Success);
  EXPECT_NEAR(double(gs.naccept), double(hs.naccept), 2.0);  // the device's summation order may move one decision
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t c = 0; c < 3; ++c) ASSERT_NEAR(g[i][c], h[i][c], 1e-7 * (1 + std::abs(h[i][c])));
}

TEST(GpuKernel, RepeatedCallsReuseTheBuffersCleanly) {
  // solve_gpu_kernel keeps its buffers between calls: a large call, then a smaller one with a failing trajectory
  // (its saves after t0 never reached must read 0, as on the host, not what the large call left there), then
  // the large call again, which must give bit for bit what it gave the first time
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: the kernel body is tested on the CPU (test_kernel_body)";
  auto sweep = [](std::size_t N) {
    std::vector<sciml::SVector<double, 3>> p(N);
    for (std::size_t i = 0; i < N; ++i) p[i] = {10.0, 28.0 * double(i + 1) / double(N), 8.0 / 3.0};
    return p;
  };
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  o.saveat = sciml::SaveAt(0.1);
  const auto pa = sweep(5000);
  const std::vector<sciml::SVector<double, 3>> ua(pa.size(), sciml::SVector<double, 3>{1, 0, 0});
  const sciml::ODEProblem prob(Lorenz{}, ua[0], {0.0, 1.0}, pa[0]);
  const auto first = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, ua, pa, o);
  ASSERT_EQ(first.failures(), 0u);
  auto pb = sweep(3);
  pb[1][1] = std::nan("");  // f is NaN at t0: InitialFailure after the save at t0
  const std::vector<sciml::SVector<double, 3>> ub(3, sciml::SVector<double, 3>{1, 0, 0});
  const auto g = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, ub, pb, o);
  const auto h = sciml::run_kernel_on_host(prob, sciml::Tsit5{}, ub, pb, o);
  ASSERT_EQ(g.retcodes[1], sciml::ReturnCode::InitialFailure);
  ASSERT_EQ(h.retcodes[1], sciml::ReturnCode::InitialFailure);
  ASSERT_EQ(g.u.size(), h.u.size());
  for (std::size_t k = 0; k < g.u.size(); ++k) ASSERT_NEAR(g.u[k], h.u[k], 1e-9 * (1 + std::abs(h.u[k]))) << k;
  for (std::size_t j = 1; j < g.t.size(); ++j) ASSERT_EQ(g.value(1, j, 0), 0.0) << "save " << j;
  const auto again = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, ua, pa, o);
  ASSERT_EQ(again.u, first.u);
  ASSERT_EQ(again.u_end, first.u_end);
  sciml::release_gpu_kernel_buffers();
  const auto fresh = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, ua, pa, o);
  ASSERT_EQ(fresh.u, first.u);
}

namespace {
// SmallLU's device path (pivot rows swapped by comparison, P b by selects) on every row order of a 4 x 4 matrix
__global__ void lu_solves(const sciml::SMatrix<double, 4>* A, const sciml::SVector<double, 4>* b,
                          sciml::SVector<double, 4>* x, int* ok, int n) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n) return;
  sciml::SmallLU<double, 4> lu;
  ok[i] = lu.factorize(A[i]) ? 1 : 0;
  x[i] = lu.solve(b[i]);
}
}  // namespace

TEST(GpuKernel, SmallLUOnTheDeviceSolvesEveryRowOrder) {
  if (!sciml::gpu_available()) GTEST_SKIP() << "no CUDA device here: SmallLU is tested on the CPU (test_small_lu)";
  const double base[4][4] = {{9, 1, 2, 1}, {1, 1, 8, 2}, {2, 7, 1, 1}, {1, 2, 1, 6}};
  const sciml::SVector<double, 4> x{1.0, -2.0, 3.0, 0.5};
  std::vector<sciml::SMatrix<double, 4>> A;
  std::vector<sciml::SVector<double, 4>> b;
  int order[4] = {0, 1, 2, 3};
  do {
    sciml::SMatrix<double, 4> m{};
    for (std::size_t r = 0; r < 4; ++r)
      for (std::size_t c = 0; c < 4; ++c) m(r, c) = base[order[r]][c];
    A.push_back(m);
    b.push_back(m * x);
  } while (std::next_permutation(order, order + 4));
  const int n = int(A.size());
  sciml::detail::DeviceArray<sciml::SMatrix<double, 4>> dA(A.size());
  sciml::detail::DeviceArray<sciml::SVector<double, 4>> db(b.size()), dx(b.size());
  sciml::detail::DeviceArray<int> dok(A.size());
  ASSERT_EQ(cudaMemcpy(dA.ptr, A.data(), A.size() * sizeof(A[0]), cudaMemcpyHostToDevice), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(db.ptr, b.data(), b.size() * sizeof(b[0]), cudaMemcpyHostToDevice), cudaSuccess);
  lu_solves<<<1, 32>>>(dA.ptr, db.ptr, dx.ptr, dok.ptr, n);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  std::vector<sciml::SVector<double, 4>> got(b.size());
  std::vector<int> ok(A.size());
  ASSERT_EQ(cudaMemcpy(got.data(), dx.ptr, got.size() * sizeof(got[0]), cudaMemcpyDeviceToHost), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(ok.data(), dok.ptr, ok.size() * sizeof(int), cudaMemcpyDeviceToHost), cudaSuccess);
  for (int k = 0; k < n; ++k) {
    ASSERT_EQ(ok[k], 1) << "row order " << k;
    for (std::size_t c = 0; c < 4; ++c) ASSERT_NEAR(got[k][c], x[c], 1e-13) << "row order " << k;
  }
}
