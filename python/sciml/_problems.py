"""ODEProblem: the right-hand side traced and compiled (or called from Python), u0, tspan, p, the mass matrix."""
import inspect
import pickle
import warnings

import numpy as np

from . import _core
from ._trace import ModelError, TracingWarning, check_complex, param_vector, trace_rhs


def _is_inplace(f):
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return False
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    return len(params) == 4


def _check_u0(u0):
    check_complex("u0", u0)
    try:
        return np.array(u0, dtype=float)
    except (TypeError, ValueError) as e:
        raise TypeError(f"u0: expected an array of numbers, got {type(u0).__name__}") from e


def _check_p(p):
    if isinstance(p, (str, bytes)):
        raise TypeError(f"p: got a {type(p).__name__} ({p!r:.40}); parameters are numbers, an array of numbers, or "
                        "an object your f reads (a dict, a dataclass)")
    check_complex("p", p)
    return p


def _p_fingerprint(p):
    """What a non-numeric p (baked into the trace as constants) looked like when it was traced, so that a later
    change is noticed and f is traced again; None when p cannot be pickled."""
    try:
        return pickle.dumps(p, protocol=4)
    except Exception:  # noqa: BLE001 - unpicklable objects: documented as read when the problem is built
        return None


class ODEProblem:
    """du/dt = f(u, p, t) (or f(du, u, p, t) in place) on tspan from u0.

    f is traced once into an expression graph and compiled (bytecode now, native code in the background where a
    C compiler exists); a function that cannot be traced is called from Python, with a TracingWarning that says
    why. `trace=False` skips tracing. jac(u, p, t) -> n x n array serves an untraced f (a traced f has its exact
    symbolic Jacobian); mass_matrix M (n x n, may be singular: a DAE of index 1) makes the problem
    M u' = f(u, p, t), solved by Rodas5P, Rodas4, Rosenbrock23, RadauIIA5 or FBDF."""

    def __init__(self, f, u0, tspan, p=None, jac=None, mass_matrix=None, trace=True):
        if not callable(f):
            raise TypeError(f"f must be callable, got {type(f).__name__}")
        u0 = _check_u0(u0)
        if u0.ndim != 1:
            raise ValueError(f"u0: expected a 1-D array of initial values, got shape {u0.shape}")
        if u0.size == 0:
            raise ValueError("u0: the state is empty")
        try:
            t0, t1 = (float(x) for x in tspan)
        except (TypeError, ValueError) as e:
            raise ValueError(f"tspan: expected (t0, tf), got {tspan!r}") from e
        if not (np.isfinite(t0) and np.isfinite(t1)):
            raise ValueError(f"tspan: must be finite, got {tspan!r}")
        if mass_matrix is not None:
            mass_matrix = np.array(mass_matrix, dtype=float)
            if mass_matrix.shape != (u0.size, u0.size):
                raise ValueError(f"mass_matrix: expected shape {(u0.size, u0.size)}, got {mass_matrix.shape}")
            if not np.all(np.isfinite(mass_matrix)):
                raise ValueError("mass_matrix: contains NaN or Inf")
        if jac is not None and not callable(jac):
            raise TypeError("jac must be callable: jac(u, p, t) -> n x n array")
        self.mass_matrix = mass_matrix
        self.f = f
        self.u0 = u0
        self.tspan = (t0, t1)
        self.p = _check_p(p)
        self.jac = jac
        self.inplace = _is_inplace(f)
        self.trace_error = None
        self._model = None
        self._trace = trace
        self._build()

    def _build(self):
        n = self.u0.size
        pv = param_vector(self.p)
        self._p_built = self.p
        self._p_print = _p_fingerprint(self.p) if pv.size == 0 and self.p is not None else None
        self.trace_error = None
        if self._trace:
            try:
                tr = trace_rhs(self.f, n, self.p, self.inplace)
                self._model = _core.traced_model(tr.graph, tr.outputs, tr.np, n)
                self._pvec = pv
                return
            except ModelError:
                raise  # f is wrong whatever its input: calling it from Python would not help
            except (ValueError, TypeError) as e:
                self.trace_error = f"{type(e).__name__}: {e}"
            except Exception as e:  # noqa: BLE001 - anything f raised on symbolic input
                self.trace_error = f"{type(e).__name__}: {e}"
            warnings.warn(f"sciml: f could not be traced ({self.trace_error}); it will be called from Python at "
                          "every stage, which is slow. Use numpy functions and sciml.ifelse instead of math.* "
                          "and if/else on the state to make it traceable.", TracingWarning, stacklevel=3)
        self._model = _core.callback_model(self._python_rhs(), self.inplace, n, pv.size, self._python_jac())
        self._pvec = pv

    def _current_pvec(self):
        """The parameter vector of a solve, read from self.p now: a NumPy p changed in place, or a new p assigned
        to prob.p, is what the solve uses (regression: test_p_mutated_after_problem). A p of another layout, or a
        non-numeric p (traced as constants) that changed since it was traced, makes f traced again."""
        pv = param_vector(_check_p(self.p))
        stale = pv.size != self._pvec.size or (pv.size == 0 and (
            self.p is not self._p_built or (self._p_print is not None and _p_fingerprint(self.p) != self._p_print)))
        if stale:
            self._build()
            pv = self._pvec
        return pv

    def _user_p(self):
        """pvec -> the p the user's own functions expect."""
        p = self.p
        numeric = p is None or np.ndim(p) == 0 or param_vector(p).size > 0

        def user_p(pvec):
            if p is None:
                return None
            if not numeric:
                return self.p
            if np.ndim(p) == 0:
                return float(pvec[0])
            return pvec.reshape(np.shape(p))
        return user_p

    def _python_jac(self):
        if self.jac is None:
            return None
        jac, user_p = self.jac, self._user_p()
        return lambda u, pvec, t: np.asarray(jac(u, user_p(pvec), t), dtype=float)

    def _python_rhs(self):
        """f as the C++ callback calls it: on arrays, with the user's own p."""
        f, user_p = self.f, self._user_p()
        if self.inplace:
            return lambda du, u, pvec, t: f(du, u, user_p(pvec), t)
        return lambda u, pvec, t: f(u, user_p(pvec), t)

    @property
    def traced(self):
        return self._model.traced

    def remake(self, u0=None, tspan=None, p=None):
        """A copy with new u0, tspan or p; numeric p of the same shape reuses the compiled model."""
        new = ODEProblem.__new__(ODEProblem)
        new.__dict__.update(self.__dict__)
        if u0 is not None:
            new.u0 = _check_u0(u0)
            if new.u0.shape != self.u0.shape:
                raise ValueError(f"u0: expected shape {self.u0.shape}, got {new.u0.shape}")
        if tspan is not None:
            new.tspan = tuple(float(x) for x in tspan)
        if p is not None:
            pv = param_vector(_check_p(p))
            if pv.size != self._pvec.size or (pv.size == 0 and p is not self.p):
                new.p = p
                new._build()
            else:
                new.p = p
                new._pvec = pv
                if not self._model.traced:
                    new._model = _core.callback_model(new._python_rhs(), new.inplace, new.u0.size, pv.size,
                                                      new._python_jac())
        return new
