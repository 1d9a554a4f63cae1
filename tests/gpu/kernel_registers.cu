// The EnsembleGPUKernel kernels that must keep a trajectory entirely in registers (no local memory: no stack
// frame, no spills) on small systems: Tsit5 and Vern7 on Lorenz in float and double, Rodas5P and Rosenbrock23
// on ROBER (dual-number Jacobian, SmallLU) in float and double. Never run: check_kernel_registers.py compiles it
// with `nvcc -cubin -Xptxas -v` and reads ptxas's report of every kernel, so the check needs nvcc, not a GPU.
// (Kvaerno5's Newton loop and Vern9's 26 stages in double do not fit and are left out, see docs/gpu.md.)
#include <vector>
#include <sciml/gpu/ensemble_gpu_kernel.cuh>
#include <sciml/ode.hpp>

namespace {

struct Lorenz {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& p, T) const {
    return U{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
  }
};

struct Rober {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& k, T) const {
    return U{-k[0] * u[0] + k[1] * u[1] * u[2], k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1],
             k[2] * u[1] * u[1]};
  }
};

template <class Alg, class F, class T>
void instantiate() {
  using S = sciml::SVector<T, 3>;
  const std::vector<S> u0(1), p(1);
  sciml::solve_gpu_kernel(sciml::ODEProblem(F{}, u0[0], {T(0), T(1)}, p[0]), Alg{}, u0, p, sciml::SolveOptions{});
}

}  // namespace

void every_kernel() {
  instantiate<sciml::Tsit5, Lorenz, float>();
  instantiate<sciml::Tsit5, Lorenz, double>();
  instantiate<sciml::Vern7, Lorenz, float>();
  instantiate<sciml::Vern7, Lorenz, double>();
  instantiate<sciml::Rodas5P, Rober, float>();
  instantiate<sciml::Rodas5P, Rober, double>();
  instantiate<sciml::Rosenbrock23, Rober, float>();
  instantiate<sciml::Rosenbrock23, Rober, double>();
}
