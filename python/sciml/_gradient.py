"""sciml.gradient: gradients of a loss over the solution at saved times with respect to p and u0, by the
adjoint methods of the C++ library (docs/sensitivity.md), for traced right-hand sides."""
import numpy as np

from . import _core, _jit
from ._algorithms import Algorithm, Tsit5, method_by_name
from ._problems import ODEProblem


class SensitivityAlgorithm:
    name = None

    def __repr__(self):
        return f"sciml.{self.name}()"


class InterpolatingAdjoint(SensitivityAlgorithm):
    """lambda and dL/dp backwards, u(t) re-solved from checkpoints at the saved times (the default)."""
    name = "InterpolatingAdjoint"


class QuadratureAdjoint(SensitivityAlgorithm):
    """lambda backwards, then dL/dp by Gauss-Legendre quadrature."""
    name = "QuadratureAdjoint"


class BacksolveAdjoint(SensitivityAlgorithm):
    """u solved backwards with the adjoint (reset at the saved times); unstable for dissipative problems."""
    name = "BacksolveAdjoint"


class DiscreteAdjoint(SensitivityAlgorithm):
    """The exact gradient of the explicit Runge-Kutta steps taken."""
    name = "DiscreteAdjoint"


class GradientResult:
    """loss, dp (shaped like p), du0, retcode, success, message, stats."""

    def __init__(self, d, p_shape):
        self.loss = d["loss"]
        self.dp = np.asarray(d["dp"]).reshape(p_shape) if p_shape is not None else np.asarray(d["dp"])
        self.du0 = np.asarray(d["du0"])
        self.retcode = d["retcode"]
        self.message = d["message"]
        self.stats = {"forward_nf": d["forward_nf"], "adjoint_nf": d["adjoint_nf"]}

    @property
    def success(self):
        return self.retcode in ("Success", "Terminated")

    def __repr__(self):
        return f"GradientResult(retcode={self.retcode}, loss={self.loss:.6g}, |dp|={np.linalg.norm(self.dp):.3g})"


def gradient(prob, alg=None, ts=None, data=None, loss=None, sensealg=None, reltol=1e-6, abstol=1e-6, dt=0.0,
             maxiters=100000, jit="auto"):
    """Gradient of L = sum_i l_i(u(t_i)) with respect to p and u0.

    Give `data` (shape (len(ts), n): L = sum of squared differences) or `loss(i, t, u) -> (value, dvalue/du)`.
    alg: Tsit5 (default), Vern9, Rodas5P or FBDF; sensealg: InterpolatingAdjoint (default),
    QuadratureAdjoint, BacksolveAdjoint or DiscreteAdjoint (the last two with explicit methods)."""
    if not isinstance(prob, ODEProblem):
        raise TypeError(f"prob: expected a sciml.ODEProblem, got {type(prob).__name__}")
    if prob.mass_matrix is not None:
        raise ValueError("gradient: mass-matrix problems are not supported")
    if not prob.traced:
        raise ValueError(f"gradient: f could not be traced ({prob.trace_error}); adjoints need a traced f")
    if alg is None:
        alg = Tsit5()
    elif isinstance(alg, str):
        alg = method_by_name(alg)
    if not isinstance(alg, Algorithm):
        raise TypeError(f"alg: expected a sciml method, got {type(alg).__name__}")
    sensealg = sensealg or InterpolatingAdjoint()
    if isinstance(sensealg, type):
        sensealg = sensealg()
    if not isinstance(sensealg, SensitivityAlgorithm):
        raise TypeError(f"sensealg: expected e.g. sciml.InterpolatingAdjoint(), got {type(sensealg).__name__}")
    if ts is None:
        raise ValueError("ts: the saved times of the loss are required")
    ts = np.asarray(ts, dtype=float).ravel()
    if (data is None) == (loss is None):
        raise ValueError("gradient: give exactly one of data and loss")
    if data is not None:
        data = np.asarray(data, dtype=float)
    elif not callable(loss):
        raise TypeError("loss must be callable: loss(i, t, u) -> (value, gradient)")
    if np.ndim(abstol) != 0:
        abstol = np.asarray(abstol, dtype=float)
    if jit != "bytecode":
        _jit.ensure_native(prob._model, wait=(jit == "native"))
    d = _core.gradient(prob._model, alg.name, sensealg.name, prob.u0, prob.tspan[0], prob.tspan[1], prob._current_pvec(), ts,
                       data, loss, float(reltol), abstol, float(dt), int(maxiters), jit != "bytecode")
    p_shape = np.shape(prob.p) if prob.p is not None and np.ndim(prob.p) > 0 else None
    return GradientResult(d, p_shape)
