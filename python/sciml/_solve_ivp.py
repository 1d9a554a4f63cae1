"""solve_ivp: scipy.integrate.solve_ivp's signature, checks and result object, solved by sciml.

SciPy's method names map to ours (RK45 -> DP5, RK23 -> BS3, DOP853 -> DP8, Radau -> RadauIIA5, BDF -> FBDF,
LSODA -> DefaultODEAlgorithm, which switches between non-stiff and stiff methods as LSODA does); every sciml
method name is accepted too."""
import inspect
import warnings

import numpy as np

from ._algorithms import method_by_name
from ._callbacks import ContinuousCallback
from ._problems import ODEProblem
from ._solve import solve

METHODS = {"RK45": "DP5", "RK23": "BS3", "DOP853": "DP8", "Radau": "RadauIIA5", "BDF": "FBDF",
           "LSODA": "DefaultODEAlgorithm"}
MESSAGES = {0: "The solver successfully reached the end of the integration interval.",
            1: "A termination event occurred."}


class OdeResult(dict):
    """The result of solve_ivp, as SciPy's: t, y, sol, t_events, y_events, nfev, njev, nlu, status, message,
    success (attributes and dict keys)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    __setattr__ = dict.__setitem__

    def __repr__(self):
        keys = ("message", "success", "status", "t", "y", "sol", "t_events", "y_events", "nfev", "njev", "nlu")
        return "\n".join(f"{k:>9}: {self.get(k)!r}" for k in keys)


class OdeSolution:
    """Continuous solution: sol(t) -> shape (n,) for a scalar t, (n, len(t)) for an array (as SciPy's)."""

    def __init__(self, sol):
        self._sol = sol
        self.t_min = float(min(sol.t[0], sol.t[-1]))
        self.t_max = float(max(sol.t[0], sol.t[-1]))

    def __call__(self, t):
        v = self._sol(t)
        return v if np.ndim(t) == 0 else np.asarray(v).T


def _check_events(events):
    if events is None:
        return []
    evs = [events] if callable(events) else list(events)
    for e in evs:
        if not callable(e):
            raise TypeError("events: each event must be callable: event(t, y, *args)")
    return evs


def solve_ivp(fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None, vectorized=False,
              args=None, **options):
    """Solve an initial value problem, as scipy.integrate.solve_ivp (same arguments and result).

    Extra options: rtol (1e-3), atol (1e-6), first_step, max_step, min_step, and any sciml.solve option
    (maxiters, tstops, ...). jac, jac_sparsity, lband and uband are accepted: traced right-hand sides get
    their Jacobian (and its sparsity) symbolically."""
    if isinstance(method, str):
        alg = method_by_name(METHODS.get(method, method))
    elif inspect.isclass(method):
        raise ValueError(f"`method` must be one of {list(METHODS)} or a sciml method name; OdeSolver classes "
                         "are not supported")
    else:
        raise ValueError(f"`method` must be one of {list(METHODS)} or a sciml method name, got {method!r}")
    try:
        t0, tf = map(float, t_span)
    except (TypeError, ValueError) as e:
        raise ValueError("`t_span` must be a pair of numbers (t0, tf)") from e
    if t0 == tf:
        raise ValueError("`t_span` must contain two different times")
    y0 = np.asarray(y0)
    if np.iscomplexobj(y0):
        raise ValueError("`y0`: complex states are not supported")
    y0 = y0.astype(float)
    if y0.ndim != 1:
        raise ValueError("`y0` must be 1-dimensional.")
    if args is not None:
        try:
            _ = [*args]
        except TypeError as e:
            raise TypeError("`args` should be a tuple; for a single argument write args=(value,)") from e
        args = tuple(args)
    else:
        args = ()
    if t_eval is not None:
        t_eval = np.asarray(t_eval, dtype=float)
        if t_eval.ndim != 1:
            raise ValueError("`t_eval` must be 1-dimensional.")
        lo, hi = min(t0, tf), max(t0, tf)
        if np.any(t_eval < lo) or np.any(t_eval > hi):
            raise ValueError("Values in `t_eval` are not within `t_span`.")
        d = np.diff(t_eval)
        if (tf > t0 and np.any(d <= 0)) or (tf < t0 and np.any(d >= 0)):
            raise ValueError("Values in `t_eval` are not properly sorted.")
    sopts = {}
    if "rtol" in options:
        sopts["reltol"] = options.pop("rtol")
    sopts.setdefault("reltol", 1e-3)
    if "atol" in options:
        sopts["abstol"] = options.pop("atol")
    rtol = np.asarray(sopts["reltol"], dtype=float)
    if rtol.ndim != 0:
        raise ValueError("rtol: a scalar is required (per-component rtol is not supported)")
    if float(rtol) < 100 * np.finfo(float).eps:
        warnings.warn(f"`rtol` is too low, setting it to {100 * np.finfo(float).eps}")
        sopts["reltol"] = 100 * np.finfo(float).eps
    if "first_step" in options:
        fs = options.pop("first_step")
        if fs is not None:
            if fs <= 0 or fs > abs(tf - t0):
                raise ValueError("`first_step` must be positive and not exceed the integration interval")
            sopts["dt"] = fs
    if "max_step" in options:
        ms = options.pop("max_step")
        if ms <= 0:
            raise ValueError("`max_step` must be positive.")
        if np.isfinite(ms):
            sopts["dtmax"] = ms
    if "min_step" in options:
        sopts["dtmin"] = options.pop("min_step")
    ignored = [k for k in ("jac", "jac_sparsity", "lband", "uband") if options.pop(k, None) is not None]
    if ignored and method not in ("Radau", "BDF", "LSODA"):
        warnings.warn(f"The following arguments have no effect for a chosen solver: {', '.join(ignored)}.")
    sopts.update(options)  # sciml options (maxiters, tstops, ...); solve() rejects unknown ones

    def f(u, p, t):
        return fun(t, u, *args)

    prob = ODEProblem(f, y0, (t0, tf))
    evs = _check_events(events)
    t_events = [[] for _ in evs]
    y_events = [[] for _ in evs]
    callbacks = []
    for k, ev in enumerate(evs):
        direction = float(getattr(ev, "direction", 0))
        terminal = getattr(ev, "terminal", False)

        def record(integ, k=k, terminal=terminal):
            t_events[k].append(integ.t)
            y_events[k].append(np.array(integ.u))
            if terminal and len(t_events[k]) >= int(terminal):
                integ.terminate()

        def cond(u, t, integ, ev=ev):
            return ev(t, u, *args)

        callbacks.append(ContinuousCallback(cond, record if direction >= 0 else None,
                                            record if direction <= 0 else None))
    if callbacks:
        sopts["callback"] = callbacks
    if t_eval is not None:
        sopts["saveat"] = t_eval
        sopts["save_start"] = bool(t_eval.size and t_eval[0] == t0)
        sopts["save_end"] = bool(t_eval.size and t_eval[-1] == tf)
        if dense_output:
            sopts["dense"] = True
    sol = solve(prob, alg, **sopts)
    terminated = sol.retcode == "Terminated"
    status = 1 if terminated else (0 if sol.success else -1)
    st = sol.stats
    res = OdeResult(
        t=np.array(sol.t), y=np.array(sol.u).T.copy(), sol=OdeSolution(sol) if dense_output else None,
        t_events=[np.array(x) for x in t_events] if evs else None,
        y_events=[np.array(x).reshape(-1, y0.size) for x in y_events] if evs else None,
        nfev=int(st["nf"]), njev=int(st["njac"]), nlu=int(st["nw"]), status=status,
        message=MESSAGES.get(status, sol.message), success=status >= 0)
    return res
