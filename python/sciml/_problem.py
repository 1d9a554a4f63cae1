"""The diffeqpy-style API: ODEProblem, the methods as sciml.Tsit5() ..., solve, solutions and callbacks."""
import inspect
import pickle
import warnings

import numpy as np

from . import _core, _jit
from ._trace import (ModelError, TraceError, TracingWarning, check_complex, param_vector, trace_condition,
                     trace_rhs)


# ---------------------------------------------------------------------------------------------------------
# Methods
class Algorithm:
    """A solver method, named as in C++ (sciml.Tsit5(), sciml.Rodas5P(), ...)."""

    name = None

    def __init__(self):
        if self.name not in _core.methods():
            raise ValueError(f"method {self.name} is not available in this build")

    def __repr__(self):
        return f"sciml.{self.name}()"


def _method(name, doc):
    return type(name, (Algorithm,), {"name": name, "__doc__": doc})


_METHOD_DOCS = {
    "Euler": "explicit Euler, order 1 (fixed step: pass dt)",
    "Midpoint": "explicit midpoint, order 2",
    "RK4": "classical Runge-Kutta, order 4",
    "BS3": "Bogacki-Shampine 3(2)",
    "DP5": "Dormand-Prince 5(4) (SciPy's RK45)",
    "Tsit5": "Tsitouras 5(4): the default non-stiff method",
    "Vern6": "Verner 6(5)", "Vern7": "Verner 7(6)", "Vern8": "Verner 8(7)", "Vern9": "Verner 9(8)",
    "DP8": "Dormand-Prince 8(5,3) (SciPy's DOP853)",
    "Rosenbrock23": "Rosenbrock 2(3), stiff, loose tolerances",
    "Rodas4": "Rodas4, stiff", "Rodas5P": "Rodas5P, stiff (Steinebach 2023)",
    "ImplicitEuler": "implicit Euler, stiff, order 1", "TRBDF2": "TR-BDF2, stiff, order 2",
    "KenCarp4": "KenCarp4 (ESDIRK), stiff, order 4", "Kvaerno5": "Kvaerno5 (ESDIRK), stiff, order 5",
    "RadauIIA5": "Radau IIA order 5 (Hairer's RADAU5), stiff",
    "FBDF": "variable-order BDF 1-5, stiff, large systems",
    "DefaultODEAlgorithm": "the default: stiffness switching, stiff method by size and tolerance",
}
Euler, Midpoint, RK4, BS3, DP5, Tsit5, Vern6, Vern7, Vern8, Vern9, DP8 = (
    _method(n, _METHOD_DOCS[n]) for n in ("Euler", "Midpoint", "RK4", "BS3", "DP5", "Tsit5", "Vern6", "Vern7",
                                           "Vern8", "Vern9", "DP8"))
Rosenbrock23, Rodas4, Rodas5P, ImplicitEuler, TRBDF2, KenCarp4, Kvaerno5, RadauIIA5, FBDF, DefaultODEAlgorithm = (
    _method(n, _METHOD_DOCS[n]) for n in ("Rosenbrock23", "Rodas4", "Rodas5P", "ImplicitEuler", "TRBDF2",
                                           "KenCarp4", "Kvaerno5", "RadauIIA5", "FBDF", "DefaultODEAlgorithm"))


class _AutoSwitch(Algorithm):
    nonstiff = None

    def __init__(self, stiff=None):
        stiff = stiff if stiff is not None else (Rosenbrock23() if self.nonstiff == "Tsit5" else Rodas5P())
        if not isinstance(stiff, Algorithm):
            raise TypeError(f"{type(self).__name__}: the stiff method must be a sciml method, e.g. sciml.Rodas5P()")
        self.name = f"Auto{self.nonstiff}({stiff.name})"
        if self.name not in _core.methods():
            have = sorted(m for m in _core.methods() if m.startswith(f"Auto{self.nonstiff}("))
            raise ValueError(f"{self.name} is not available; choose one of {', '.join(have)}")


class AutoTsit5(_AutoSwitch):
    """Tsit5 switching to a stiff method (Rosenbrock23 or Rodas5P) when the problem turns stiff."""
    nonstiff = "Tsit5"


class AutoVern7(_AutoSwitch):
    """Vern7 switching to Rodas5P when the problem turns stiff."""
    nonstiff = "Vern7"


class AutoVern9(_AutoSwitch):
    """Vern9 switching to Rodas5P when the problem turns stiff."""
    nonstiff = "Vern9"


def method_by_name(name):
    """A method from its name: 'Tsit5', 'Rodas5P', 'AutoTsit5(Rosenbrock23)', ..."""
    if name not in _core.methods():
        raise ValueError(f"unknown method '{name}'; available: {', '.join(sorted(_core.methods()))}")
    a = Algorithm.__new__(Algorithm)
    a.name = name
    return a


# ---------------------------------------------------------------------------------------------------------
# Problems
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


# ---------------------------------------------------------------------------------------------------------
# Callbacks
class ContinuousCallback:
    """An event where condition(u, t, integrator) crosses zero; affect(integrator) runs there (affect_neg for
    downcrossings if given; None ignores a direction). The condition is traced when it can be."""

    continuous = True

    def __init__(self, condition, affect, affect_neg=Ellipsis, interp_points=10):
        if not callable(condition):
            raise TypeError("condition must be callable: condition(u, t, integrator)")
        if affect is not None and not callable(affect):
            raise TypeError("affect must be callable: affect(integrator), or None")
        self.condition = condition
        self.affect = affect
        self.affect_neg = affect if affect_neg is Ellipsis else affect_neg
        if self.affect_neg is not None and not callable(self.affect_neg):
            raise TypeError("affect_neg must be callable or None")
        self.interp_points = int(interp_points)


class DiscreteCallback:
    """affect(integrator) after every step where condition(u, t, integrator) is true."""

    continuous = False

    def __init__(self, condition, affect):
        if not callable(condition) or not callable(affect):
            raise TypeError("DiscreteCallback(condition, affect): both must be callable")
        self.condition = condition
        self.affect = affect
        self.affect_neg = None
        self.interp_points = 10


class CallbackSet:
    """Several callbacks as one."""

    def __init__(self, *callbacks):
        self.callbacks = []
        for c in callbacks:
            self.callbacks.extend(_callback_list(c))


def _callback_list(cb):
    if cb is None:
        return []
    if isinstance(cb, CallbackSet):
        return list(cb.callbacks)
    if isinstance(cb, (ContinuousCallback, DiscreteCallback)):
        return [cb]
    if isinstance(cb, (list, tuple)):
        out = []
        for c in cb:
            out.extend(_callback_list(c))
        return out
    raise TypeError(f"callback: expected a ContinuousCallback, DiscreteCallback or CallbackSet, got {type(cb).__name__}")


def _compile_callbacks(cbs, n, p):
    out = []
    for c in cbs:
        traced = None
        try:
            traced = trace_condition(c.condition, n, p, None)
        except Exception as e:  # noqa: BLE001
            warnings.warn(f"sciml: a callback condition could not be traced ({type(e).__name__}: {e}); it is "
                          "called from Python after every step", TracingWarning, stacklevel=4)

        def py_cond(u, t, integ, c=c):
            r = c.condition(u, t, integ)
            try:
                return float(r)
            except (TypeError, ValueError):
                raise TypeError(f"a callback condition must return a number, got {type(r).__name__}") from None

        out.append(_core._Callback(c.continuous, traced, py_cond, c.affect, c.affect_neg, c.interp_points))
    return out


# ---------------------------------------------------------------------------------------------------------
# Solutions
class ODESolution:
    """sol.t (times), sol.u (one row per time), sol(t) (dense output), sol.retcode, sol.stats, sol.plot()."""

    def __init__(self, core, prob):
        self._core = core
        self.prob = prob

    t = property(lambda self: self._core.t)
    u = property(lambda self: self._core.u)
    retcode = property(lambda self: self._core.retcode)
    success = property(lambda self: self._core.success)
    message = property(lambda self: self._core.message)
    stats = property(lambda self: self._core.stats)
    alg = property(lambda self: self._core.alg)

    def __call__(self, t):
        scalar = np.ndim(t) == 0
        ts = np.atleast_1d(np.asarray(t, dtype=float))
        out = self._core.interpolate(ts.ravel())
        if scalar:
            return out[0]
        return out.reshape(ts.shape + (out.shape[1],))

    def __len__(self):
        return len(self.t)

    def __repr__(self):
        return f"ODESolution(retcode={self.retcode}, alg={self.alg}, {len(self.t)} points)"

    def plot(self, ax=None, idxs=None, labels=None, dense=True, **kwargs):
        """Plot the components against t (matplotlib); returns the axes."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots()
        if dense and self._core.dense and len(self.t) > 1:
            tt = np.linspace(self.t[0], self.t[-1], 1000)
            uu = self(tt)
        else:
            tt, uu = self.t, self.u
        idxs = range(uu.shape[1]) if idxs is None else idxs
        for k in idxs:
            ax.plot(tt, uu[:, k], label=labels[k] if labels else f"u[{k}]", **kwargs)
        ax.set_xlabel("t")
        ax.legend()
        return ax


# ---------------------------------------------------------------------------------------------------------
# solve
_OPTIONS = ("reltol", "abstol", "dt", "adaptive", "saveat", "save_everystep", "save_start", "save_end", "dense",
            "tstops", "dtmin", "dtmax", "maxiters", "callback", "linsolve", "jit")


_MAX_INT64 = 2**63 - 1


def _opt_bool(name, v):
    if v is None or isinstance(v, (bool, np.bool_)):
        return None if v is None else bool(v)
    raise TypeError(f"{name}: expected True, False or None, got {type(v).__name__}")


def _opt_float(name, v, positive=False, allow_zero=True):
    try:
        x = float(v)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name}: expected a number, got {type(v).__name__}") from e
    if np.isnan(x) or (positive and (x < 0 or (x == 0 and not allow_zero))):
        raise ValueError(f"{name}: must be {'positive' if not allow_zero else 'non-negative'}, got {v}")
    return x


def _resolve_alg(prob, alg):
    """The method object for alg (a method, its class, a name, or None: the default for prob)."""
    if alg is None:  # with a mass matrix: Rodas5P for small systems, FBDF for large ones (docs/python.md)
        if prob.mass_matrix is not None:
            alg = Rodas5P() if prob.u0.size <= 50 else FBDF()
        else:
            alg = DefaultODEAlgorithm()
    elif isinstance(alg, str):
        alg = method_by_name(alg)
    elif isinstance(alg, type) and issubclass(alg, Algorithm):
        alg = alg()
    if not isinstance(alg, Algorithm):
        raise TypeError(f"alg: expected a sciml method such as sciml.Tsit5(), got {type(alg).__name__}")
    return alg


def _parse_options(prob, o):
    """The checked values of solve's options (o: the keyword arguments, names already checked)."""
    reltol = _opt_float("reltol", o.get("reltol", 1e-3), positive=True, allow_zero=False)
    abstol = o.get("abstol", 1e-6)
    if np.ndim(abstol) == 0:
        abstol = _opt_float("abstol", abstol, positive=True)
    else:
        abstol = np.asarray(abstol, dtype=float)
        if abstol.shape != prob.u0.shape:
            raise ValueError(f"abstol: expected one value per state ({prob.u0.size}), got shape {abstol.shape}")
    dt = _opt_float("dt", o.get("dt", 0.0), positive=True)
    adaptive = o.get("adaptive", True)
    if not isinstance(adaptive, (bool, np.bool_)):
        raise TypeError("adaptive: expected True or False")
    if not adaptive and dt == 0:
        raise ValueError("dt: a fixed-step solve (adaptive=False) needs dt > 0")
    saveat = o.get("saveat")
    if saveat is not None:
        if np.ndim(saveat) == 0:
            saveat = _opt_float("saveat", saveat, positive=True, allow_zero=False)
        else:
            saveat = np.asarray(saveat, dtype=float).ravel()
    tstops = [float(x) for x in np.atleast_1d(o.get("tstops", []))]
    dtmin = _opt_float("dtmin", o.get("dtmin", 0.0), positive=True)
    dtmax = o.get("dtmax")
    dtmax = None if dtmax is None else _opt_float("dtmax", dtmax, positive=True, allow_zero=False)
    maxiters = o.get("maxiters", 100000)
    if not isinstance(maxiters, (int, np.integer)) or isinstance(maxiters, bool) or maxiters <= 0:
        raise ValueError(f"maxiters: expected a positive integer, got {maxiters!r}")
    if maxiters > _MAX_INT64:
        raise ValueError(f"maxiters: {maxiters} is too large (at most 2**63 - 1)")
    linsolve = o.get("linsolve", "auto")
    if linsolve not in ("auto", "gmres"):
        raise ValueError(f"linsolve: expected 'auto' or 'gmres', got {linsolve!r}")
    jit = o.get("jit", "auto")
    if jit not in ("auto", "bytecode", "native"):
        raise ValueError(f"jit: expected 'auto', 'bytecode' or 'native', got {jit!r}")
    return {
        "reltol": reltol, "abstol": abstol, "dt": dt, "adaptive": bool(adaptive), "saveat": saveat,
        "save_everystep": _opt_bool("save_everystep", o.get("save_everystep")),
        "save_start": _opt_bool("save_start", o.get("save_start")),
        "save_end": _opt_bool("save_end", o.get("save_end")), "dense": _opt_bool("dense", o.get("dense")),
        "tstops": tstops, "dtmin": dtmin, "dtmax": dtmax, "maxiters": int(maxiters), "linsolve": linsolve,
        "jit": jit,
    }


def solve(prob, alg=None, backend=None, **options):
    """Solve an ODEProblem: sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-8, saveat=0.1, ...).

    Options (as in C++): reltol (1e-3), abstol (1e-6, or one per state), dt, adaptive, saveat (a spacing or
    times), save_everystep, save_start, save_end, dense, tstops, dtmin, dtmax, maxiters (100000), callback,
    linsolve ('auto' or 'gmres'), jit ('auto': bytecode now and native code once built; 'bytecode'; 'native':
    build native code first).

    An ensemble: sciml.solve(sciml.EnsembleProblem(prob, ...), alg, backend, trajectories=N, params=...,
    u0s=..., **options) with backend sciml.EnsembleSerial(), sciml.EnsembleThreads() (the default) or
    sciml.EnsembleGPUKernel(); returns a sciml.EnsembleSolution (docs/python.md, "Ensembles from Python")."""
    from ._ensemble import EnsembleProblem, solve_ensemble
    if isinstance(prob, EnsembleProblem):
        return solve_ensemble(prob, alg, backend, **options)
    if not isinstance(prob, ODEProblem):
        raise TypeError(f"prob: expected a sciml.ODEProblem or sciml.EnsembleProblem, got {type(prob).__name__}")
    if backend is not None:
        raise TypeError("backend: an ensemble backend needs a sciml.EnsembleProblem; "
                        "solve(sciml.EnsembleProblem(prob), alg, backend, trajectories=...)")
    for k in options:
        if k not in _OPTIONS:
            raise TypeError(f"solve() got an unexpected keyword argument '{k}'")
    alg = _resolve_alg(prob, alg)
    o = _parse_options(prob, options)
    pvec = prob._current_pvec()
    cbs = _compile_callbacks(_callback_list(options.get("callback")), prob.u0.size, prob.p)
    model = prob._model
    jit = o["jit"]
    if model.traced and jit != "bytecode":
        _jit.ensure_native(model, wait=(jit == "native"))
    core = _core.solve(model, alg.name, prob.u0, prob.tspan[0], prob.tspan[1], pvec, o["reltol"], o["abstol"],
                       o["dt"], o["adaptive"], o["saveat"], o["save_everystep"], o["save_start"], o["save_end"],
                       o["dense"], o["tstops"], o["dtmin"], o["dtmax"], o["maxiters"], o["linsolve"],
                       jit != "bytecode", cbs, prob.mass_matrix)
    return ODESolution(core, prob)


def jit(prob, wait=True):
    """Build (or load from the cache) the native code of a traced problem now. Returns a dict: 'path' is
    'native', 'bytecode' (no compiler, or the build failed: 'reason') or 'python' (f was not traced)."""
    if not isinstance(prob, ODEProblem):
        raise TypeError(f"prob: expected a sciml.ODEProblem, got {type(prob).__name__}")
    if not prob._model.traced:
        return {"path": "python", "reason": prob.trace_error}
    return _jit.ensure_native(prob._model, wait=wait)
