"""sciml.solve: one ODEProblem solved in C++ (an EnsembleProblem is handed to _ensembles), and sciml.jit."""
from . import _core, _jit
from ._algorithms import resolve_alg
from ._callbacks import callback_list, compile_callbacks
from ._ensembles import EnsembleProblem, solve_ensemble
from ._options import OPTIONS, parse_options
from ._problems import ODEProblem
from ._solutions import ODESolution


def solve(prob, alg=None, backend=None, **options):
    """Solve an ODEProblem: sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-8, saveat=0.1, ...).

    Options (as in C++): reltol (1e-3), abstol (1e-6, or one per state), dt, adaptive, saveat (a spacing or
    times), save_everystep, save_start, save_end, dense, tstops, dtmin, dtmax, maxiters (100000), callback,
    linsolve ('auto' or 'gmres'), jit ('auto': bytecode now and native code once built; 'bytecode'; 'native':
    build native code first).

    An ensemble: sciml.solve(sciml.EnsembleProblem(prob, ...), alg, backend, trajectories=N, params=...,
    u0s=..., **options) with backend sciml.EnsembleSerial(), sciml.EnsembleThreads() (the default) or
    sciml.EnsembleGPUKernel(); returns a sciml.EnsembleSolution (docs/python.md, "Ensembles from Python")."""
    if isinstance(prob, EnsembleProblem):
        return solve_ensemble(prob, alg, backend, **options)
    if not isinstance(prob, ODEProblem):
        raise TypeError(f"prob: expected a sciml.ODEProblem or sciml.EnsembleProblem, got {type(prob).__name__}")
    if backend is not None:
        raise TypeError("backend: an ensemble backend needs a sciml.EnsembleProblem; "
                        "solve(sciml.EnsembleProblem(prob), alg, backend, trajectories=...)")
    for k in options:
        if k not in OPTIONS:
            raise TypeError(f"solve() got an unexpected keyword argument '{k}'")
    alg = resolve_alg(prob, alg)
    o = parse_options(prob, alg, options)
    pvec = prob._current_pvec()
    cbs = compile_callbacks(callback_list(options.get("callback")), prob.u0.size, prob.p)
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
