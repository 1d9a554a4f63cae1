// EnsembleGPUArray on a CUDA device (see array_ensemble.hpp): the arrays live in device memory, every pass over the
// trajectories is one kernel launch, and the error norm is a device reduction copied to the host once per step
// (the synchronisation array-at-a-time solvers pay). Compile with nvcc.
#pragma once
#if !defined(__CUDACC__)
#error "array_ensemble.cuh needs nvcc; on the CPU use run_array_on_host (bench/gpu_ensemble/array_ensemble.hpp)"
#endif
#include <cuda_runtime.h>
#include <chrono>
#include <utility>
#include <vector>
#include "array_ensemble.hpp"
#include <sciml/gpu/ensemble_gpu_kernel.cuh>

namespace sciml {

namespace detail {

template <class Body>
__global__ void for_each_kernel(Body b, std::size_t N) {
  const std::size_t m = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (m < N) b(m);
}

template <class T>
__global__ void sum_kernel(const T* err, T* out, std::size_t N) {
  const std::size_t m = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (m < N) atomicAdd(out, err[m]);
}

template <class State, class P, class T>
struct ArrayOnDevice {
  std::size_t N = 0;
  int block = 256;
  DeviceArray<State> ub, unewb, kb;
  DeviceArray<T> errb, sumb;
  DeviceArray<P> pb;
  State *u = nullptr, *unew = nullptr, *k = nullptr;
  T* err = nullptr;
  const P* p = nullptr;
  ArrayOnDevice(const std::vector<State>& u0, const std::vector<P>& ps, int S)
      : N(u0.size()), ub(N), unewb(N), kb(std::size_t(S) * N), errb(N), sumb(1), pb(N) {
    cuda_check(cudaMemcpy(ub.ptr, u0.data(), N * sizeof(State), cudaMemcpyHostToDevice), "copying u0");
    cuda_check(cudaMemcpy(pb.ptr, ps.data(), N * sizeof(P), cudaMemcpyHostToDevice), "copying p");
    u = ub.ptr;
    unew = unewb.ptr;
    k = kb.ptr;
    err = errb.ptr;
    p = pb.ptr;
  }
  unsigned blocks() const { return unsigned((N + std::size_t(block) - 1) / std::size_t(block)); }
  template <class Body>
  void each(const Body& b) const {
    for_each_kernel<<<blocks(), unsigned(block)>>>(b, N);
  }
  T sum_err() const {
    cuda_check(cudaMemset(sumb.ptr, 0, sizeof(T)), "clearing the error sum");
    sum_kernel<<<blocks(), unsigned(block)>>>(err, sumb.ptr, N);
    T s = 0;
    cuda_check(cudaMemcpy(&s, sumb.ptr, sizeof(T), cudaMemcpyDeviceToHost), "copying the error norm");
    return s;
  }
  void fsal(int S) {
    cuda_check(cudaMemcpy(k, k + std::size_t(S - 1) * N, N * sizeof(State), cudaMemcpyDeviceToDevice), "FSAL copy");
  }
  std::vector<State> states() const {
    std::vector<State> out(N);
    cuda_check(cudaMemcpy(out.data(), u, N * sizeof(State), cudaMemcpyDeviceToHost), "copying the final states");
    return out;
  }
};

}  // namespace detail

// The array form on the device: final states of all trajectories, the common stats, and the solve's seconds
// (transfers of u0 and p excluded).
template <class Alg, class Prob, class State, class P>
std::pair<std::vector<State>, TrajectoryStats> solve_gpu_array(const Prob& prob, Alg, const std::vector<State>& u0,
                                                               const std::vector<P>& p, const SolveOptions& opts,
                                                               double* seconds = nullptr) {
  using T = typename Prob::time_type;
  if (u0.size() != p.size() || u0.empty())
    throw std::invalid_argument("u0 / p: need as many initial states as parameter sets, at least one");
  if (!gpu_available()) throw std::runtime_error("EnsembleGPUArray: no CUDA device is available");
  const auto o = kernel_options<Alg, T>(opts);
  const T t0 = prob.tspan[0], t1 = prob.tspan[1];
  const T dt = detail::array_first_dt<Alg, Prob::inplace>(prob.f, u0, p, t0, t1, o);
  detail::ArrayOnDevice<State, P, T> mem(u0, p, Alg::step_type::S);
  const auto start = std::chrono::steady_clock::now();
  const auto st = detail::array_solve<Alg, Prob::inplace>(mem, prob.f, state_size(u0[0]), t0, t1, o, dt);
  detail::cuda_check(cudaDeviceSynchronize(), "running the array solve");
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {mem.states(), st};
}

}  // namespace sciml
