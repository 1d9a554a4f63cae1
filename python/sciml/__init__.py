"""sciml: differential equations solved in compiled C++ from Python.

Your f(u, p, t) is traced once into an expression graph and compiled (bytecode at once, native code in the
background), so a solve never calls back into Python. The names are those of the C++ library and of
DifferentialEquations.jl / diffeqpy: ODEProblem, solve, Tsit5(), Rodas5P(), ..., and solve_ivp is a drop-in
for scipy.integrate.solve_ivp.

Universal differential equations (docs/python.md): sciml.nn.MLP (a network over a flat parameter vector that
traces into a right-hand side), sciml.gradient (adjoint gradients), sciml.train with sciml.Adam / sciml.AdamW /
sciml.LBFGS and the schedules sciml.ExponentialDecay / StepDecay / CosineAnnealing (the C++ training loops), and
sciml.sindy (libraries, STLSQ/SR3, fit, threshold_sweep, derivatives) to turn a trained network into equations.

Ensembles (docs/python.md, "Ensembles from Python"): sciml.EnsembleProblem and sciml.solve(ensemble, alg, backend,
trajectories=N, params=..., u0s=...) on sciml.EnsembleSerial(), sciml.EnsembleThreads() or
sciml.EnsembleGPUKernel() (a CUDA kernel generated from the traced model; on_host=True runs it on the CPU)."""
__version__ = "0.1.0"

from . import _core  # noqa: E402
from ._trace import ModelError, TraceError, TracingWarning, ifelse  # noqa: E402
from ._problem import (  # noqa: E402
    BS3, DP5, DP8, FBDF, RK4, TRBDF2, Algorithm, AutoTsit5, AutoVern7, AutoVern9, CallbackSet, ContinuousCallback,
    DefaultODEAlgorithm, DiscreteCallback, Euler, ImplicitEuler, KenCarp4, Kvaerno5, Midpoint, ODEProblem,
    ODESolution, RadauIIA5, Rodas4, Rodas5P, Rosenbrock23, Tsit5, Vern6, Vern7, Vern8, Vern9, jit, method_by_name,
    solve)
from ._solve_ivp import OdeResult, solve_ivp  # noqa: E402
from ._ensemble import (  # noqa: E402
    EnsembleGPUKernel, EnsembleProblem, EnsembleSerial, EnsembleSolution, EnsembleSummary, EnsembleThreads,
    TrajectorySolution, build_gpu_kernel, gpu_available, gpu_kernel_source)
from ._gradient import (  # noqa: E402
    BacksolveAdjoint, DiscreteAdjoint, GradientResult, InterpolatingAdjoint, QuadratureAdjoint, gradient)
from ._jit import NativeCodeWarning, cache_dir  # noqa: E402
from ._train import (  # noqa: E402
    Adam, AdamW, ConstantLR, CosineAnnealing, ExponentialDecay, LBFGS, StepDecay, TrainingWarning, TrainResult, train)
from . import nn, sindy  # noqa: E402

Integrator = _core.Integrator

__all__ = [
    "ODEProblem", "solve", "solve_ivp", "OdeResult", "ODESolution", "jit", "ifelse", "cache_dir",
    "ContinuousCallback", "DiscreteCallback", "CallbackSet", "Integrator", "TraceError", "TracingWarning",
    "ModelError", "NativeCodeWarning",
    "Algorithm", "method_by_name", "Euler", "Midpoint", "RK4", "BS3", "DP5", "Tsit5", "Vern6", "Vern7", "Vern8",
    "Vern9", "DP8", "Rosenbrock23", "Rodas4", "Rodas5P", "ImplicitEuler", "TRBDF2", "KenCarp4", "Kvaerno5",
    "RadauIIA5", "FBDF", "DefaultODEAlgorithm", "AutoTsit5", "AutoVern7", "AutoVern9",
    "gradient", "GradientResult", "InterpolatingAdjoint", "QuadratureAdjoint", "BacksolveAdjoint", "DiscreteAdjoint",
    "nn", "sindy", "train", "TrainResult", "TrainingWarning", "Adam", "AdamW", "LBFGS", "ConstantLR",
    "ExponentialDecay", "StepDecay", "CosineAnnealing",
    "EnsembleProblem", "EnsembleSerial", "EnsembleThreads", "EnsembleGPUKernel", "EnsembleSolution",
    "EnsembleSummary", "TrajectorySolution", "gpu_available", "gpu_kernel_source", "build_gpu_kernel",
]
