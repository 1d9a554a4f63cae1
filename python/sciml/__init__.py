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
from ._version import __version__  # noqa: F401

from . import _core  # noqa: E402
from ._trace import ModelError, TraceError, TracingWarning, ifelse  # noqa: E402
from ._algorithms import METHOD_CLASSES, Algorithm, method_by_name  # noqa: E402
from ._problems import ODEProblem  # noqa: E402
from ._callbacks import CallbackSet, ContinuousCallback, DiscreteCallback  # noqa: E402
from ._solutions import EnsembleSolution, EnsembleSummary, ODESolution, TrajectorySolution  # noqa: E402
from ._ensembles import (  # noqa: E402
    EnsembleGPUKernel, EnsembleProblem, EnsembleSerial, EnsembleThreads, build_gpu_kernel, gpu_available,
    gpu_kernel_source)
from ._solve import jit, solve  # noqa: E402
from ._solve_ivp import OdeResult, solve_ivp  # noqa: E402
from ._gradient import (  # noqa: E402
    BacksolveAdjoint, DiscreteAdjoint, GradientResult, InterpolatingAdjoint, QuadratureAdjoint, gradient)
from ._jit import NativeCodeWarning, cache_dir  # noqa: E402
from ._train import (  # noqa: E402
    Adam, AdamW, ConstantLR, CosineAnnealing, ExponentialDecay, LBFGS, StepDecay, TrainingWarning, TrainResult, train)
from . import nn, sindy  # noqa: E402

Integrator = _core.Integrator
globals().update(METHOD_CLASSES)  # sciml.Tsit5, sciml.Rodas5P, ..., sciml.AutoTsit5: the C++ list of methods
del METHOD_CLASSES

__all__ = [
    "ODEProblem", "solve", "solve_ivp", "OdeResult", "ODESolution", "jit", "ifelse", "cache_dir",
    "ContinuousCallback", "DiscreteCallback", "CallbackSet", "Integrator", "TraceError", "TracingWarning",
    "ModelError", "NativeCodeWarning",
    "Algorithm", "method_by_name", *_algorithms.METHOD_CLASSES,
    "gradient", "GradientResult", "InterpolatingAdjoint", "QuadratureAdjoint", "BacksolveAdjoint", "DiscreteAdjoint",
    "nn", "sindy", "train", "TrainResult", "TrainingWarning", "Adam", "AdamW", "LBFGS", "ConstantLR",
    "ExponentialDecay", "StepDecay", "CosineAnnealing",
    "EnsembleProblem", "EnsembleSerial", "EnsembleThreads", "EnsembleGPUKernel", "EnsembleSolution",
    "EnsembleSummary", "TrajectorySolution", "gpu_available", "gpu_kernel_source", "build_gpu_kernel",
]
