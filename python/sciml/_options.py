"""solve's options: their names, and their values as C++ takes them.

Python turns each option into the type C++ takes (or raises a TypeError naming it); the rules on the values
(reltol > 0, dtmin <= dtmax, a fixed step needs dt, ...) are the C++ integrator's own validator, which
sciml._core.check_options runs for the method and the problem before anything is compiled or solved."""
import numpy as np

from . import _core

OPTIONS = ("reltol", "abstol", "dt", "adaptive", "saveat", "save_everystep", "save_start", "save_end", "dense",
           "tstops", "dtmin", "dtmax", "maxiters", "callback", "linsolve", "jit")

_MAX_INT64 = 2**63 - 1


def _opt_bool(name, v):
    if v is None or isinstance(v, (bool, np.bool_)):
        return None if v is None else bool(v)
    raise TypeError(f"{name}: expected True, False or None, got {type(v).__name__}")


def _opt_float(name, v):
    try:
        return float(v)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name}: expected a number, got {type(v).__name__}") from e


def parse_options(prob, alg, o, kernel=False):
    """The values of solve's options (o: the keyword arguments, names already checked) for method alg on prob,
    checked by C++. kernel: for EnsembleGPUKernel, whose kernels check the options without the problem's tspan."""
    reltol = _opt_float("reltol", o.get("reltol", 1e-3))
    abstol = o.get("abstol", 1e-6)
    abstol = _opt_float("abstol", abstol) if np.ndim(abstol) == 0 else np.asarray(abstol, dtype=float)
    dt = _opt_float("dt", o.get("dt", 0.0))
    adaptive = o.get("adaptive", True)
    if not isinstance(adaptive, (bool, np.bool_)):
        raise TypeError("adaptive: expected True or False")
    saveat = o.get("saveat")
    if saveat is not None:
        saveat = _opt_float("saveat", saveat) if np.ndim(saveat) == 0 else np.asarray(saveat, dtype=float).ravel()
    tstops = [float(x) for x in np.atleast_1d(o.get("tstops", []))]
    dtmin = _opt_float("dtmin", o.get("dtmin", 0.0))
    dtmax = o.get("dtmax")
    dtmax = None if dtmax is None else _opt_float("dtmax", dtmax)
    maxiters = o.get("maxiters", 100000)
    if not isinstance(maxiters, (int, np.integer)) or isinstance(maxiters, bool):
        raise ValueError(f"maxiters: expected a positive integer, got {maxiters!r}")
    if maxiters > _MAX_INT64:
        raise ValueError(f"maxiters: {maxiters} is too large (at most 2**63 - 1)")
    linsolve = o.get("linsolve", "auto")
    if not isinstance(linsolve, str):
        linsolve = repr(linsolve)  # C++ names the choices
    jit = o.get("jit", "auto")
    if jit not in ("auto", "bytecode", "native"):
        raise ValueError(f"jit: expected 'auto', 'bytecode' or 'native', got {jit!r}")
    out = {
        "reltol": reltol, "abstol": abstol, "dt": dt, "adaptive": bool(adaptive), "saveat": saveat,
        "save_everystep": _opt_bool("save_everystep", o.get("save_everystep")),
        "save_start": _opt_bool("save_start", o.get("save_start")),
        "save_end": _opt_bool("save_end", o.get("save_end")), "dense": _opt_bool("dense", o.get("dense")),
        "tstops": tstops, "dtmin": dtmin, "dtmax": dtmax, "maxiters": int(maxiters), "linsolve": linsolve,
        "jit": jit,
    }
    _core.check_options(alg.name, prob.u0.size, not kernel, prob.tspan[0], prob.tspan[1], reltol, abstol, dt,
                        out["adaptive"], saveat, tstops, dtmin, dtmax, out["maxiters"], linsolve)
    return out
