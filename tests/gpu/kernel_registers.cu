// The EnsembleGPUKernel kernels on small systems whose resources docs/gpu.md tabulates: Tsit5, Vern7 and Vern9
// on Lorenz, Rodas5P, Rosenbrock23 (dual-number Jacobian, SmallLU) and Kvaerno5 on ROBER, in float and double.
// Never run: check_kernel_registers.py compiles it with `nvcc -cubin -Xptxas -v` and reads ptxas's report of
// every kernel, so the check needs nvcc, not a GPU. All must keep a trajectory in registers (no stack frame, no
// spills) except Kvaerno5 (its stage loop around Newton stays rolled) and Vern9 in double (26 stages of 3
// doubles exceed 255 registers), which are reported.
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
  instantiate<sciml::Vern9, Lorenz, float>();
  instantiate<sciml::Vern9, Lorenz, double>();
  instantiate<sciml::Kvaerno5, Rober, float>();
  instantiate<sciml::Kvaerno5, Rober, double>();
}
