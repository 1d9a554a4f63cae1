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
#include <cstring>
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

// The buffers of solve_gpu_kernel, kept from one call to the next on the same host thread and grown when a
// call needs more: one device block (inputs, then outputs) and one pinned host block staging it, so a call
// makes one copy each way and no cudaMalloc / cudaFree (what dominates a small ensemble's latency).
struct KernelWorkspace {
  void* dev = nullptr;
  void* host = nullptr;
  std::size_t bytes = 0;
  int device = -1;
  KernelWorkspace() = default;
  KernelWorkspace(const KernelWorkspace&) = delete;
  KernelWorkspace& operator=(const KernelWorkspace&) = delete;
  ~KernelWorkspace() { release(); }
  void release() {
    if (dev) cudaFree(dev);
    if (host) cudaFreeHost(host);
    dev = host = nullptr;
    bytes = 0;
  }
  void reserve(std::size_t need) {
    int d = 0;
    cuda_check(cudaGetDevice(&d), "cudaGetDevice");
    if (need <= bytes && d == device) return;
    release();
    const std::size_t grow = need + need / 4;
    cuda_check(cudaMalloc(&dev, grow), "cudaMalloc (kernel workspace)");
    cuda_check(cudaMallocHost(&host, grow), "cudaMallocHost (kernel workspace)");
    bytes = grow;
    device = d;
  }
  static KernelWorkspace& of_this_thread() {
    thread_local KernelWorkspace w;
    return w;
  }
};

// Byte offsets of consecutive arrays in one block, each aligned for any element type.
struct BlockLayout {
  std::size_t size = 0;
  std::size_t add(std::size_t bytes) {
    const std::size_t at = size;
    size += (bytes + 255) / 256 * 256;
    return at;
  }
};

}  // namespace detail

// Frees the buffers solve_gpu_kernel keeps between calls on this host thread (they are freed at thread exit too).
inline void release_gpu_kernel_buffers() { detail::KernelWorkspace::of_this_thread().release(); }

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
  const std::size_t nsave = r.t.size(), nout = nsave * r.n * N;
  // inputs [u0 | p | saveat] and outputs [out | u_end | stats] in one block each way
  detail::BlockLayout in, outl;
  const std::size_t at_u0 = in.add(N * sizeof(State)), at_p = in.add(N * sizeof(P)), at_t = in.add(nsave * sizeof(T));
  const std::size_t at_out = outl.add(nout * sizeof(T)), at_end = outl.add(r.n * N * sizeof(T)),
                    at_st = outl.add(N * sizeof(TrajectoryStats));
  auto& w = detail::KernelWorkspace::of_this_thread();
  w.reserve(in.size + outl.size);
  char* const h = static_cast<char*>(w.host);
  char* const d = static_cast<char*>(w.dev);
  std::memcpy(h + at_u0, u0.data(), N * sizeof(State));
  std::memcpy(h + at_p, p.data(), N * sizeof(P));
  std::memcpy(h + at_t, r.t.data(), nsave * sizeof(T));
  using detail::cuda_check;
  cuda_check(cudaMemcpy(d, h, in.size, cudaMemcpyHostToDevice), "copying u0, p and saveat");
  char* const dout = d + in.size;
  cuda_check(cudaMemsetAsync(dout, 0, outl.size), "clearing the outputs");  // saves a failed solve never reached: 0
  const unsigned blocks = unsigned((N + std::size_t(block_size) - 1) / std::size_t(block_size));
  const auto start = std::chrono::steady_clock::now();
  detail::ensemble_kernel<Alg, Prob::inplace><<<blocks, unsigned(block_size)>>>(
      prob.f, reinterpret_cast<const State*>(d + at_u0), reinterpret_cast<const P*>(d + at_p), t0, t1, o,
      reinterpret_cast<const T*>(d + at_t), int(nsave), reinterpret_cast<T*>(dout + at_out),
      reinterpret_cast<T*>(dout + at_end), reinterpret_cast<TrajectoryStats*>(dout + at_st), N, cb);
  cuda_check(cudaGetLastError(), "launching the kernel");
  cuda_check(cudaDeviceSynchronize(), "running the kernel");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cuda_check(cudaMemcpy(h + in.size, dout, outl.size, cudaMemcpyDeviceToHost), "copying the results");
  r.u.resize(nout);
  r.u_end.resize(r.n * N);
  r.stats.resize(N);
  std::memcpy(r.u.data(), h + in.size + at_out, nout * sizeof(T));
  std::memcpy(r.u_end.data(), h + in.size + at_end, r.n * N * sizeof(T));
  std::memcpy(r.stats.data(), h + in.size + at_st, N * sizeof(TrajectoryStats));
  r.retcodes.resize(N);
  for (std::size_t i = 0; i < N; ++i) r.retcodes[i] = r.stats[i].retcode;
  return r;
}

}  // namespace sciml
