"""Ensembles from Python: sciml.EnsembleProblem, the backends EnsembleSerial / EnsembleThreads /
EnsembleGPUKernel, and sciml.solve(ensemble, alg, backend, trajectories=N, params=..., u0s=..., **options).

Trajectory i solves the base problem with u0 = u0s[i] and p = params[i]. The whole ensemble runs in C++:
the CPU backends through the C++ ensemble API (sciml::ensemble_from_arrays and solve(ensemble, alg,
EnsembleSerial/EnsembleThreads, ...), include/sciml/ensemble) on the compiled model, EnsembleGPUKernel in a
CUDA kernel generated from the traced model (_gpu.py). A Python prob_func runs on the host once per trajectory,
before the solve, only to build those arrays; a Python output_func runs once per trajectory after it."""
import inspect
import numbers

import numpy as np

from . import _core, _gpu, _jit
from ._algorithms import resolve_alg
from ._callbacks import callback_list, compile_callbacks
from ._options import OPTIONS, parse_options
from ._problems import ODEProblem
from ._solutions import EnsembleSolution
from ._trace import check_complex, param_vector


class EnsembleProblem:
    """Many solves of one ODEProblem (DifferentialEquations.jl's EnsembleProblem).

    prob_func(prob, i) (or prob_func(prob, i, repeat), called with repeat = 1) returns trajectory i's problem,
    made from prob by prob.remake(u0=..., p=...): only u0 and the numeric parameters may change (f, tspan and
    the mass matrix are the ensemble's). It runs in Python once per trajectory, before the solve. For speed
    give the arrays to solve instead: sciml.solve(ensemble, alg, backend, params=..., u0s=...).
    output_func(sol, i) returns what the ensemble keeps of trajectory i (sol: a sciml.TrajectorySolution);
    esol.u is then the list of these outputs."""

    def __init__(self, prob, prob_func=None, output_func=None):
        if not isinstance(prob, ODEProblem):
            raise TypeError(f"prob: expected a sciml.ODEProblem, got {type(prob).__name__}")
        if prob_func is not None and not callable(prob_func):
            raise TypeError("prob_func must be callable: prob_func(prob, i) -> ODEProblem")
        if output_func is not None and not callable(output_func):
            raise TypeError("output_func must be callable: output_func(sol, i) -> anything")
        self.prob = prob
        self.prob_func = prob_func
        self.output_func = output_func

    def __repr__(self):
        return (f"EnsembleProblem({self.prob.u0.size} states, prob_func={'yes' if self.prob_func else 'no'}, "
                f"output_func={'yes' if self.output_func else 'no'})")


def _count(name, v, allow_zero=True):
    if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
        raise TypeError(f"{name}: expected an integer, got {type(v).__name__}")
    v = int(v)
    if v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name}: must be {'>= 0' if allow_zero else '> 0'}, got {v}")
    return v


class EnsembleSerial:
    """Every trajectory on the calling thread, in order."""

    def __repr__(self):
        return "sciml.EnsembleSerial()"


class EnsembleThreads:
    """Trajectories spread over `threads` threads, the caller included (0: the hardware's count), taken `chunk`
    at a time (0: automatic). Results are bitwise the same for any thread count."""

    def __init__(self, threads=0, chunk=0):
        self.threads = _count("threads", threads)
        if self.threads > 4096:
            raise ValueError(f"threads: at most 4096, got {self.threads}")
        self.chunk = _count("chunk", chunk)

    def __repr__(self):
        return f"sciml.EnsembleThreads(threads={self.threads})"


class EnsembleGPUKernel:
    """One CUDA thread per trajectory, the whole adaptive solve in one kernel generated from the traced model
    (compiled by nvcc once and cached). dtype: np.float64 or np.float32 (None: float32 when the u0s or params
    given are float32 arrays, else float64). on_host=True runs the same kernel body on the CPU (compiled by the
    C++ compiler): for machines without a GPU, and to check a GPU run against. block_size: CUDA threads per block.
    Methods: the explicit Runge-Kutta family (Tsit5, Vern7, Vern9, DP5, DP8, ...), the Rosenbrock methods
    Rodas5P, Rodas4, Rosenbrock23 and the SDIRK methods Kvaerno5, KenCarp4, TRBDF2, ImplicitEuler."""

    def __init__(self, on_host=False, dtype=None, block_size=64):
        if not isinstance(on_host, (bool, np.bool_)):
            raise TypeError("on_host: expected True or False")
        self.on_host = bool(on_host)
        if dtype is not None:
            try:
                dt = np.dtype(dtype)
            except TypeError as e:
                raise TypeError(f"dtype: expected np.float64 or np.float32, got {dtype!r}") from e
            if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
                raise ValueError(f"dtype: expected np.float64 or np.float32, got {dt}")
            dtype = dt
        self.dtype = dtype
        self.block_size = _count("block_size", block_size, allow_zero=False)

    def __repr__(self):
        return f"sciml.EnsembleGPUKernel(on_host={self.on_host}, dtype={self.dtype})"


# ---------------------------------------------------------------------------------------------------------
# solve
_ENSEMBLE_OPTIONS = ("trajectories", "params", "u0s")
_GPU_OPTIONS = ("reltol", "abstol", "dt", "adaptive", "saveat", "dtmin", "dtmax", "maxiters", "jit")


def _rows(name, a, width, shape_hint):
    """a as a (rows, width) float array; accepts (rows,) for width 1 and (rows, *shape_hint)."""
    check_complex(name, a)
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: expected a numeric array, got {type(a).__name__}") from e
    if arr.ndim == 1 and width == 1:
        return arr.reshape(-1, 1)
    if arr.ndim >= 2 and arr.shape[1:] == tuple(shape_hint) and arr.ndim != 2:
        return arr.reshape(arr.shape[0], -1)
    if arr.ndim != 2 or arr.shape[1] != width:
        raise ValueError(f"{name}: expected an array of shape (trajectories, {width}), got shape {arr.shape}")
    return arr


def _note(e, i, where):
    """The note C++ adds to an exception from a trajectory's f or callback, for prob_func and output_func too."""
    if hasattr(e, "add_note"):
        e.add_note(f"raised in trajectory {i} of the ensemble (in {where})")


def _call_prob_func(prob_func):
    try:
        sig = inspect.signature(prob_func)
        required = [p for p in sig.parameters.values()
                    if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
        three = len(required) >= 3
    except (TypeError, ValueError):
        three = False
    return (lambda prob, i: prob_func(prob, i, 1)) if three else prob_func


def _arrays_from_prob_func(ens, n_traj):
    """u0s and params from the Python prob_func, run for every trajectory on the host."""
    base = ens.prob
    pf = _call_prob_func(ens.prob_func)
    n, npar = base.u0.size, base._current_pvec().size
    u0s = np.empty((n_traj, n))
    params = np.empty((n_traj, npar))
    base_text = None
    for i in range(n_traj):
        try:
            pi = pf(base, i)
        except Exception as e:  # noqa: BLE001 - re-raised as it was, with a note naming the trajectory
            _note(e, i, "prob_func")
            raise
        if not isinstance(pi, ODEProblem):
            raise TypeError(f"prob_func: trajectory {i} returned {type(pi).__name__}; expected an ODEProblem "
                            "(use prob.remake(u0=..., p=...))")
        same = pi._model is base._model
        if not same and base._model.traced and pi._model.traced:
            base_text = base_text if base_text is not None else base._model.serialize()
            same = pi._model.n == base._model.n and pi._model.np == base._model.np and \
                pi._model.serialize() == base_text
        elif not same and not base._model.traced:
            same = pi.f is base.f and pi._current_pvec().size == npar and pi.u0.size == n and \
                (pi.p is None or np.ndim(pi.p) == 0 or param_vector(pi.p).size > 0)
        if not same:
            raise ValueError(f"prob_func: trajectory {i} returned a problem with another right-hand side or "
                             "parameter layout; only u0 and numeric p of the same shape may change "
                             "(use prob.remake(u0=..., p=...))")
        if tuple(pi.tspan) != tuple(base.tspan):
            raise ValueError(f"prob_func: trajectory {i} changes tspan to {pi.tspan}; every trajectory of an "
                             f"ensemble solves over the base problem's tspan {base.tspan}")
        if (pi.mass_matrix is None) != (base.mass_matrix is None) or (
                pi.mass_matrix is not None and not np.array_equal(pi.mass_matrix, base.mass_matrix)):
            raise ValueError(f"prob_func: trajectory {i} changes the mass matrix")
        u0s[i] = pi.u0
        params[i] = pi._current_pvec()
    return u0s, params


def _ensemble_arrays(ens, options):
    """(u0s, params, trajectories) from the options or the prob_func, checked."""
    prob = ens.prob
    pvec = prob._current_pvec()
    n, npar = prob.u0.size, pvec.size
    u0s, params = options.get("u0s"), options.get("params")
    traj = options.get("trajectories")
    if traj is not None:
        traj = _count("trajectories", traj, allow_zero=False)
    if ens.prob_func is not None and (u0s is not None or params is not None):
        raise ValueError("prob_func: give either a prob_func or the arrays u0s / params, not both")
    if u0s is not None:
        u0s = _rows("u0s", u0s, n, prob.u0.shape)
        if u0s.shape[0] == 0:
            raise ValueError("u0s: the array is empty; an ensemble needs at least one trajectory")
        bad = np.flatnonzero(~np.all(np.isfinite(u0s), axis=1))
        if bad.size:
            raise ValueError(f"u0s: row {bad[0]} contains NaN or Inf")
    if params is not None:
        if npar == 0:
            raise ValueError("params: the problem has no numeric parameters to vary (give p to the ODEProblem)")
        params = _rows("params", params, npar, np.shape(prob.p))
        if params.shape[0] == 0:
            raise ValueError("params: the array is empty; an ensemble needs at least one trajectory")
    if u0s is not None and params is not None and u0s.shape[0] != params.shape[0]:
        raise ValueError(f"u0s: {u0s.shape[0]} initial values, but params holds {params.shape[0]} parameter sets; "
                         "give one of each per trajectory")
    rows = u0s.shape[0] if u0s is not None else params.shape[0] if params is not None else None
    if rows is not None:
        if traj is None:
            traj = rows
        elif traj > rows:
            raise ValueError(f"trajectories: {traj} asked for, but the arrays hold {rows}")
    elif traj is None:
        raise ValueError("trajectories: give the number of trajectories (or the arrays u0s / params)")
    if ens.prob_func is not None:
        u0s, params = _arrays_from_prob_func(ens, traj)
    if u0s is None:
        u0s = np.broadcast_to(prob.u0, (traj, n))
    if params is None:
        params = np.broadcast_to(pvec, (traj, npar))
    return u0s[:traj], params[:traj], traj


def solve_ensemble(ens, alg=None, backend=None, **options):
    """sciml.solve(ensemble, alg, backend, trajectories=N, params=..., u0s=..., **options): see sciml.solve."""
    for k in options:
        if k not in OPTIONS and k not in _ENSEMBLE_OPTIONS:
            raise TypeError(f"solve() got an unexpected keyword argument '{k}'")
    if backend is None:
        backend = EnsembleThreads()
    elif isinstance(backend, type) and backend in (EnsembleSerial, EnsembleThreads, EnsembleGPUKernel):
        backend = backend()
    if not isinstance(backend, (EnsembleSerial, EnsembleThreads, EnsembleGPUKernel)):
        raise TypeError("backend: expected sciml.EnsembleSerial(), sciml.EnsembleThreads() or "
                        f"sciml.EnsembleGPUKernel(), got {type(backend).__name__}")
    prob = ens.prob
    if isinstance(backend, EnsembleGPUKernel) and alg is None:
        alg = "Tsit5"
    alg = resolve_alg(prob, alg)
    if options.get("dense"):
        raise ValueError("dense: an ensemble keeps the saved points of each trajectory, not its dense output; "
                         "use saveat")
    o = parse_options(prob, alg, options, kernel=isinstance(backend, EnsembleGPUKernel))
    u0s, params, traj = _ensemble_arrays(ens, options)
    if isinstance(backend, EnsembleGPUKernel):
        d = _solve_gpu(prob, alg, backend, u0s, params, options, o)
    else:
        cbs = compile_callbacks(callback_list(options.get("callback")), prob.u0.size, prob.p)
        model = prob._model
        jit = o["jit"]
        if model.traced and jit != "bytecode":
            _jit.ensure_native(model, wait=(jit == "native"))
        d = _core.solve_ensemble(
            model, alg.name, np.ascontiguousarray(u0s, dtype=float), np.ascontiguousarray(params, dtype=float),
            traj, prob.tspan[0], prob.tspan[1], o["reltol"], o["abstol"], o["dt"], o["adaptive"], o["saveat"],
            o["save_everystep"], o["save_start"], o["save_end"], o["tstops"], o["dtmin"], o["dtmax"],
            o["maxiters"], o["linsolve"], jit != "bytecode", cbs, prob.mass_matrix,
            isinstance(backend, EnsembleSerial), getattr(backend, "threads", 1), getattr(backend, "chunk", 0))
    esol = EnsembleSolution(d, backend)
    if ens.output_func is not None:
        outs = []
        for i in range(len(esol)):
            try:
                outs.append(ens.output_func(esol[i], i))
            except Exception as e:  # noqa: BLE001 - re-raised as it was, with a note naming the trajectory
                _note(e, i, "output_func")
                raise
        esol.u = outs
    return esol


def _solve_gpu(prob, alg, backend, u0s, params, options, o):
    for k in options:
        if k not in _GPU_OPTIONS and k not in _ENSEMBLE_OPTIONS:
            if k in ("save_everystep", "dense", "tstops", "callback") and not options[k]:
                continue  # off, as in the kernel
            if k == "linsolve" and options[k] == "auto":
                continue
            raise ValueError(f"{k}: not supported by EnsembleGPUKernel (it saves at saveat times or the end point; "
                             "no callbacks, tstops or dense output)")
    if np.ndim(o["abstol"]) != 0:
        raise ValueError("abstol: a per-component abstol is not supported in a GPU kernel; give a scalar")
    if prob.mass_matrix is not None:
        raise ValueError("mass_matrix: EnsembleGPUKernel solves ODEs without a mass matrix")
    if not prob._model.traced:
        raise ValueError(f"EnsembleGPUKernel: f could not be traced ({prob.trace_error}); the kernel is generated "
                         "from the traced model")
    if alg.name not in _gpu.KERNEL_METHODS:
        raise ValueError(f"alg: EnsembleGPUKernel runs {', '.join(_gpu.KERNEL_METHODS)}; got {alg.name}")
    dtype = backend.dtype
    if dtype is None:
        given = [options.get("u0s"), options.get("params")]
        f32 = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in given)
        dtype = np.dtype(np.float32 if f32 else np.float64)
    return _gpu.run(prob._model, alg.name, dtype, backend.on_host, backend.block_size, np.asarray(u0s),
                    np.asarray(params), prob.tspan[0], prob.tspan[1], o)


def gpu_available():
    """Whether a CUDA device is usable here (EnsembleGPUKernel(); without one, EnsembleGPUKernel(on_host=True))."""
    return _gpu.device()[0] > 0


def _kernel_args(prob, alg, dtype):
    if isinstance(prob, EnsembleProblem):
        prob = prob.prob
    if not isinstance(prob, ODEProblem):
        raise TypeError(f"prob: expected a sciml.ODEProblem or sciml.EnsembleProblem, got {type(prob).__name__}")
    alg = resolve_alg(prob, alg)
    if alg.name not in _gpu.KERNEL_METHODS:
        raise ValueError(f"alg: EnsembleGPUKernel runs {', '.join(_gpu.KERNEL_METHODS)}; got {alg.name}")
    if not prob._model.traced:
        raise ValueError(f"EnsembleGPUKernel: f could not be traced ({prob.trace_error}); the kernel is generated "
                         "from the traced model")
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype: expected np.float64 or np.float32, got {dt}")
    return prob, alg, dt


def gpu_kernel_source(prob, alg="Tsit5", dtype=np.float64):
    """The C++/CUDA source EnsembleGPUKernel generates for a traced problem, a method and a precision."""
    prob, alg, dt = _kernel_args(prob, alg, dtype)
    return _gpu.kernel_source(prob._model, alg.name, dt)


def build_gpu_kernel(prob, alg="Tsit5", dtype=np.float64, on_host=False):
    """Compile (or find in the cache) the kernel library now, with nvcc (on_host=False: needs nvcc, not a
    device) or the C++ compiler (on_host=True). Returns {'library', 'cached', 'compiler', 'flags', 'source'}."""
    prob, alg, dt = _kernel_args(prob, alg, dtype)
    return _gpu.build(prob._model, alg.name, dt, bool(on_host))[1]
