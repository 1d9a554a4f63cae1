// EnsembleGPUKernel: one CUDA thread per trajectory, the whole adaptive solve of each in one kernel, states in
// registers, saved values written coalesced. Compile the file that includes this with nvcc
// (-std=c++20 --expt-relaxed-constexpr); the right-hand side must be a SCIML_HD functor. The thread body is
// detail::kernel_body, the same code run_kernel_on_host runs on the CPU, and its steps are the CPU
// integrator's ExplicitRK steps.
//
//   auto r = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, u0s, ps, opts);  // r.value(i, j, c), r.retcodes
#pragma once
#if !defined(__CUDACC__)
#error "ensemble_gpu_kernel.cuh needs nvcc; on the CPU use run_kernel_on_host (sciml/gpu/kernel_body.hpp)"
#endif
#include <cuda_runtime.h>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>
#include "kernel_body.hpp"

namespace sciml {

namespace detail {

inline void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("EnsembleGPUKernel: ") + what + ": " + cudaGetErrorString(e));
}

template <class Alg, bool Inplace, class F, class State, class P, class T, class Callback>
__global__ void ensemble_kernel(F f, const State* u0, const P* p, T t0, T t1, KernelOptions<T> o, const T* saveat,
                                int nsave, T* out, T* u_end, TrajectoryStats* stats, std::size_t N, Callback cb) {
  const std::size_t i = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < N) kernel_body<Alg, Inplace>(i, N, f, u0, p, t0, t1, o, saveat, nsave, out, u_end, stats, cb);
}

// Device memory freed on scope exit.
template <class X>
struct DeviceArray {
  X* ptr = nullptr;
  explicit DeviceArray(std::size_t n) { cuda_check(cudaMalloc(&ptr, (n ? n : 1) * sizeof(X)), "cudaMalloc"); }
  ~DeviceArray() { cudaFree(ptr); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
};

}  // namespace detail

// Whether a CUDA device is usable here (false, not an error, on machines without one).
inline bool gpu_available() {
  int n = 0;
  return cudaGetDeviceCount(&n) == cudaSuccess && n > 0;
}

// Solve trajectory i from u0[i] with parameters p[i] over prob.tspan, one CUDA thread each. Saved: opts.saveat
// (a list or a spacing), or the end point, and every trajectory's final state. Per-trajectory ReturnCodes; a
// failing trajectory stops alone. cb: kernel callbacks (kernel_callbacks.hpp).
template <class Alg, class Prob, class State, class P, class Callback = NoKernelCallback>
KernelEnsembleResult<typename Prob::time_type> solve_gpu_kernel(const Prob& prob, Alg, const std::vector<State>& u0,
                                                                const std::vector<P>& p, const SolveOptions& opts,
                                                                int block_size = 64, const Callback& cb = {}) {
  using T = typename Prob::time_type;
  static_assert(std::is_trivially_copyable_v<State> && std::is_trivially_copyable_v<P>,
                "EnsembleGPUKernel: states and parameters must be fixed-size (SVector, std::array)");
  if (u0.size() != p.size())
    throw std::invalid_argument("u0 / p: " + std::to_string(u0.size()) + " initial states for " +
                                std::to_string(p.size()) + " parameter sets");
  if (u0.empty()) throw std::invalid_argument("trajectories: at least one is needed");
  if (block_size <= 0) throw std::invalid_argument("block_size must be > 0");
  if (!gpu_available()) throw std::runtime_error("EnsembleGPUKernel: no CUDA device is available");
  const T t0 = prob.tspan[0], t1 = prob.tspan[1];
  const auto o = kernel_options<Alg, T>(opts);
  KernelEnsembleResult<T> r;
  const std::size_t N = u0.size();
  r.trajectories = N;
  r.n = state_size(u0[0]);
  r.t = detail::kernel_save_times<T>(opts, t0, t1);
  const std::size_t nout = r.t.size() * r.n * N;
  detail::DeviceArray<State> du0(N);
  detail::DeviceArray<P> dp(N);
  detail::DeviceArray<T> dsave(r.t.size()), dout(nout), dend(r.n * N);
  detail::DeviceArray<TrajectoryStats> dstats(N);
  using detail::cuda_check;
  cuda_check(cudaMemcpy(du0.ptr, u0.data(), N * sizeof(State), cudaMemcpyHostToDevice), "copying u0");
  cuda_check(cudaMemcpy(dp.ptr, p.data(), N * sizeof(P), cudaMemcpyHostToDevice), "copying p");
  cuda_check(cudaMemcpy(dsave.ptr, r.t.data(), r.t.size() * sizeof(T), cudaMemcpyHostToDevice), "copying saveat");
  const unsigned blocks = unsigned((N + std::size_t(block_size) - 1) / std::size_t(block_size));
  const auto start = std::chrono::steady_clock::now();
  detail::ensemble_kernel<Alg, Prob::inplace><<<blocks, unsigned(block_size)>>>(
      prob.f, du0.ptr, dp.ptr, t0, t1, o, dsave.ptr, int(r.t.size()), dout.ptr, dend.ptr, dstats.ptr, N, cb);
  cuda_check(cudaGetLastError(), "launching the kernel");
  cuda_check(cudaDeviceSynchronize(), "running the kernel");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.u.resize(nout);
  r.u_end.resize(r.n * N);
  r.stats.resize(N);
  cuda_check(cudaMemcpy(r.u.data(), dout.ptr, nout * sizeof(T), cudaMemcpyDeviceToHost), "copying the results");
  cuda_check(cudaMemcpy(r.u_end.data(), dend.ptr, r.n * N * sizeof(T), cudaMemcpyDeviceToHost), "copying the final states");
  cuda_check(cudaMemcpy(r.stats.data(), dstats.ptr, N * sizeof(TrajectoryStats), cudaMemcpyDeviceToHost),
             "copying the return codes");
  r.retcodes.resize(N);
  for (std::size_t i = 0; i < N; ++i) r.retcodes[i] = r.stats[i].retcode;
  return r;
}

}  // namespace sciml
