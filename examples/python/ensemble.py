"""Ensembles from Python: the Lorenz rho sweep of DiffEqGPU.jl's benchmark, on threads and in a CUDA kernel
generated from the traced model (on the CPU where no GPU is present). Run from the repository root:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/ensemble.py"""
import numpy as np

import sciml


def lorenz(u, p, t):
    x, y, z = u
    s, r, b = p
    return [s * (y - x), x * (r - z) - y, x * y - b * z]


prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 1.0), [10.0, 28.0, 8 / 3])
ensemble = sciml.EnsembleProblem(prob)
params = np.array([[10.0, 21.0 * i / 99, 8 / 3] for i in range(100)])  # trajectory i: rho = 21 i / 99

# every trajectory in C++ on all cores (no Python per trajectory or per step)
esol = sciml.solve(ensemble, sciml.Tsit5(), sciml.EnsembleThreads(), params=params, saveat=0.1,
                   reltol=1e-8, abstol=1e-8)
print(f"{len(esol)} trajectories, {esol.failures} failed, {1e3 * esol.elapsed:.2f} ms; u is {esol.u.shape}")
print(f"trajectory 42: x(1) = {esol.u[42, -1, 0]:.6f} ({esol.retcodes[42]}, {esol.stats['naccept'][42]} steps)")
s = esol.summary(quantiles=[0.05, 0.5, 0.95])  # over the successful trajectories, per saved time and component
for i in range(0, len(s.t), 5):
    print(f"t = {s.t[i]:.1f}  mean x = {s.mean[i, 0]:8.4f}  var x = {s.variance[i, 0]:8.4f}  "
          f"median x = {s.quantiles[1, i, 0]:8.4f}  90% in [{s.quantiles[0, i, 0]:.4f}, {s.quantiles[2, i, 0]:.4f}]")

# the same sweep in one CUDA kernel generated from the traced model (nvcc, once; cached), one thread per
# trajectory; without a GPU, the same kernel body on the CPU
backend = sciml.EnsembleGPUKernel(on_host=not sciml.gpu_available())
gsol = sciml.solve(ensemble, sciml.Tsit5(), backend, params=params, saveat=0.1, reltol=1e-8, abstol=1e-8)
print(f"{backend}: largest difference from the threads {np.abs(gsol.u - esol.u).max():.2e}")

# float32 on the GPU, and a prob_func (run in Python once per trajectory, to build the arrays)
ens2 = sciml.EnsembleProblem(prob, prob_func=lambda base, i: base.remake(u0=[1.0 + 0.01 * i, 0.0, 0.0]))
fsol = sciml.solve(ens2, sciml.Tsit5(), sciml.EnsembleGPUKernel(on_host=backend.on_host, dtype=np.float32),
                   trajectories=100, reltol=1e-6, abstol=1e-6)
print(f"float32, end points only: u is {fsol.u.shape} {fsol.u.dtype}, x(1) of trajectory 99 = {fsol.u[99, -1, 0]:.5f}")
