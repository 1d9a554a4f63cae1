#!/usr/bin/python3
"""The Python benchmark (issue 4): the `sciml` package against SciPy's solve_ivp, measured from Python.

In one run it measures and writes docs/benchmarks-python.md and bench/results/python.csv:

1. Work-precision at matched achieved error on Lorenz, ROBER, HIRES and Pleiades. Contestants: sciml with native
   code (`sciml.jit(prob)`, then `solve(..., jit="native", save_everystep=False)`), sciml on bytecode
   (`jit="bytecode"`, one method per problem), `scipy.integrate.solve_ivp` with a plain NumPy right-hand side
   (with and without the analytic Jacobian for the stiff methods) and the same with Numba-compiled (`numba.njit`)
   right-hand side and Jacobian. Speed-ups: SciPy time / sciml time at equal error, by log-log interpolation
   along each contestant's work-precision curve (the rule of docs/benchmarks.md).
2. Latency: cold first call (trace + bytecode + first solve; trace + native compile in a fresh cache directory),
   cached call in a new process, and the per-call overhead of `sciml.solve` on a tiny problem.
3. Bytecode against native code at one tolerance.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/python/bench_python.py [--quick] [--out PATH] [--csv PATH]
       [--budget S] [--min-time S]
(internally also: bench_python.py --latency-child MODE PROBLEM, run in a subprocess)
"""
import json
import os
import sys
import time

T_SCRIPT_START = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
try:  # build/python when PYTHONPATH does not name it
    import importlib.util
    if importlib.util.find_spec("sciml") is None:
        sys.path.insert(0, os.path.join(ROOT, "build", "python"))
except (ImportError, ValueError):
    sys.path.insert(0, os.path.join(ROOT, "build", "python"))

LATENCY_TOL = 1e-6


# =============================================================================================================
# Problems as sciml sees them (the right-hand sides of tests/python/problems.py)
def sciml_problem_spec(name):
    """(f, u0, tspan, p) for sciml.ODEProblem."""
    import problems as P
    if name == "lorenz":
        return P.lorenz, [1.0, 0.0, 0.0], (0.0, 100.0), P.LORENZ_P
    if name == "rober":
        return P.rober, [1.0, 0.0, 0.0], (0.0, 1e5), P.ROBER_K
    if name == "hires":
        return P.hires, P.HIRES_U0, (0.0, 321.8122), None
    if name == "pleiades":
        return P.pleiades, P.PLEIADES_U0, (0.0, 3.0), None
    if name == "decay":
        return (lambda u, p, t: [-u[0]]), [1.0], (0.0, 1e-3), None
    raise ValueError(name)


ABSTOL_FACTOR = {"lorenz": 1.0, "rober": 1e-4, "hires": 1e-4, "pleiades": 1.0, "decay": 1.0}
LATENCY_METHOD = {"lorenz": "Vern9", "rober": "Rodas5P", "hires": "Rodas5P", "pleiades": "Vern9"}


# =============================================================================================================
# Latency child: runs in a fresh process, prints one JSON line
def latency_child(mode, name):
    t0 = time.perf_counter()
    import numpy as np  # noqa: F401
    t_np = time.perf_counter()
    import sciml
    t_imp = time.perf_counter()
    f, u0, tspan, p = sciml_problem_spec(name)
    alg = sciml.method_by_name(LATENCY_METHOD[name])
    tol = LATENCY_TOL
    opts = dict(reltol=tol, abstol=tol * ABSTOL_FACTOR[name], save_everystep=False)
    out = {"mode": mode, "problem": name, "import_numpy_s": t_np - t0, "import_sciml_s": t_imp - t_np}
    if mode == "cached":
        tspan = (tspan[0], tspan[0] + 1e-4 * (tspan[1] - tspan[0]))
    a = time.perf_counter()
    prob = sciml.ODEProblem(f, u0, tspan, p)
    b = time.perf_counter()
    out["problem_s"] = b - a  # trace + simplify + Jacobian + bytecode
    if mode == "bytecode":
        sol = sciml.solve(prob, alg, jit="bytecode", **opts)
        c = time.perf_counter()
        out.update(solve_s=c - b, total_s=c - a, retcode=sol.retcode)
    elif mode == "auto":
        sol = sciml.solve(prob, alg, **opts)  # jit="auto": bytecode while the native build runs behind
        c = time.perf_counter()
        out.update(solve_s=c - b, total_s=c - a, retcode=sol.retcode)
    elif mode in ("native", "cached"):
        info = sciml.jit(prob)
        c = time.perf_counter()
        sol = sciml.solve(prob, alg, jit="native", **opts)
        d = time.perf_counter()
        out.update(jit_s=c - b, solve_s=d - c, total_s=d - a, retcode=sol.retcode, path=info.get("path"),
                   cached=info.get("cached"), reason=info.get("reason"))
    else:
        raise ValueError(mode)
    out["process_s"] = time.perf_counter() - T_SCRIPT_START
    print("LATENCY " + json.dumps(out))
    sys.stdout.flush()
    os._exit(0)  # do not wait for the background native build of mode "auto"


if len(sys.argv) >= 4 and sys.argv[1] == "--latency-child":
    latency_child(sys.argv[2], sys.argv[3])

# =============================================================================================================
# The benchmark proper
import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

import problems as P  # noqa: E402

# SciPy contestants' right-hand sides: what a SciPy user writes, f(t, y) returning an array ---------------------
K0, K1, K2 = P.ROBER_K
LS, LR, LB = P.LORENZ_P
PL_M = np.arange(1.0, 8.0)


def lorenz_np(t, u):
    x, y, z = u
    return np.array([LS * (y - x), x * (LR - z) - y, x * y - LB * z])


def rober_np(t, u):
    return np.array([-K0 * u[0] + K1 * u[1] * u[2],
                     K0 * u[0] - K1 * u[1] * u[2] - K2 * u[1] * u[1],
                     K2 * u[1] * u[1]])


def rober_jac_np(t, u):
    return np.array([[-K0, K1 * u[2], K1 * u[1]],
                     [K0, -K1 * u[2] - 2 * K2 * u[1], -K1 * u[1]],
                     [0.0, 2 * K2 * u[1], 0.0]])


def hires_np(t, y):
    return np.array([
        -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
        -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
        -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
        -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
        280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]])


def hires_jac_np(t, y):
    J = np.zeros((8, 8))
    J[0, 0], J[0, 1], J[0, 2] = -1.71, 0.43, 8.32
    J[1, 0], J[1, 1] = 1.71, -8.75
    J[2, 2], J[2, 3], J[2, 4] = -10.03, 0.43, 0.035
    J[3, 1], J[3, 2], J[3, 3] = 8.32, 1.71, -1.12
    J[4, 4], J[4, 5], J[4, 6] = -1.745, 0.43, 0.43
    J[5, 3], J[5, 4], J[5, 5], J[5, 6], J[5, 7] = 0.69, 1.71, -280.0 * y[7] - 0.43, 0.69, -280.0 * y[5]
    J[6, 5], J[6, 6], J[6, 7] = 280.0 * y[7], -1.81, 280.0 * y[5]
    J[7, 5], J[7, 6], J[7, 7] = -280.0 * y[7], 1.81, -280.0 * y[5]
    return J


def pleiades_np(t, u):
    """Vectorised over the 7 x 7 pairs (5x faster than the loops of tests/python/problems.py)."""
    x, y = u[0:7], u[7:14]
    dx = x[None, :] - x[:, None]
    dy = y[None, :] - y[:, None]
    r2 = dx * dx + dy * dy
    np.fill_diagonal(r2, 1.0)  # dx = dy = 0 there: no self-force
    w = PL_M[None, :] / (r2 * np.sqrt(r2))
    return np.concatenate((u[14:], (w * dx).sum(axis=1), (w * dy).sum(axis=1)))


def make_numba():
    """The same right-hand sides and Jacobians compiled by numba.njit; (dict name -> (f, jac), compile times)."""
    import numba

    @numba.njit
    def lorenz_nb(t, u):
        x, y, z = u[0], u[1], u[2]
        return np.array([LS * (y - x), x * (LR - z) - y, x * y - LB * z])

    @numba.njit
    def rober_nb(t, u):
        return np.array([-K0 * u[0] + K1 * u[1] * u[2],
                         K0 * u[0] - K1 * u[1] * u[2] - K2 * u[1] * u[1],
                         K2 * u[1] * u[1]])

    @numba.njit
    def rober_jac_nb(t, u):
        J = np.zeros((3, 3))
        J[0, 0], J[0, 1], J[0, 2] = -K0, K1 * u[2], K1 * u[1]
        J[1, 0], J[1, 1], J[1, 2] = K0, -K1 * u[2] - 2 * K2 * u[1], -K1 * u[1]
        J[2, 1] = 2 * K2 * u[1]
        return J

    @numba.njit
    def hires_nb(t, y):
        return np.array([
            -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
            -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
            -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
            -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
            280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]])

    @numba.njit
    def hires_jac_nb(t, y):
        J = np.zeros((8, 8))
        J[0, 0], J[0, 1], J[0, 2] = -1.71, 0.43, 8.32
        J[1, 0], J[1, 1] = 1.71, -8.75
        J[2, 2], J[2, 3], J[2, 4] = -10.03, 0.43, 0.035
        J[3, 1], J[3, 2], J[3, 3] = 8.32, 1.71, -1.12
        J[4, 4], J[4, 5], J[4, 6] = -1.745, 0.43, 0.43
        J[5, 3], J[5, 4], J[5, 5], J[5, 6], J[5, 7] = 0.69, 1.71, -280.0 * y[7] - 0.43, 0.69, -280.0 * y[5]
        J[6, 5], J[6, 6], J[6, 7] = 280.0 * y[7], -1.81, 280.0 * y[5]
        J[7, 5], J[7, 6], J[7, 7] = -280.0 * y[7], 1.81, -280.0 * y[5]
        return J

    @numba.njit
    def pleiades_nb(t, u):
        du = np.empty(28)
        du[:14] = u[14:]
        for i in range(7):
            ax = 0.0
            ay = 0.0
            for j in range(7):
                if j != i:
                    dx = u[j] - u[i]
                    dy = u[7 + j] - u[7 + i]
                    r2 = dx * dx + dy * dy
                    r3 = r2 * np.sqrt(r2)
                    ax += (j + 1) * dx / r3
                    ay += (j + 1) * dy / r3
            du[14 + i] = ax
            du[21 + i] = ay
        return du

    fns = {"lorenz": (lorenz_nb, None), "rober": (rober_nb, rober_jac_nb), "hires": (hires_nb, hires_jac_nb),
           "pleiades": (pleiades_nb, None)}
    compile_s = {}
    for name, (f, j) in fns.items():
        u = np.array(sciml_problem_spec(name)[1], dtype=float)
        t = time.perf_counter()
        f(0.0, u)
        if j is not None:
            j(0.0, u)
        compile_s[name] = time.perf_counter() - t
    return fns, compile_s


# =============================================================================================================
# Measurement
class Run:
    __slots__ = ("problem", "family", "label", "method", "tol", "error", "time", "reps", "nf", "njac", "steps",
                 "ok", "note")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


def best_of(fn, min_time, min_reps=3, slow=2.0, max_reps=5000):
    """Best-of-N wall time: N >= min_reps and >= min_time seconds in all; one run when it takes > slow s."""
    t = time.perf_counter()
    r = fn()
    times = [time.perf_counter() - t]
    if times[0] > slow:
        return r, times[0], 1
    while (len(times) < min_reps or sum(times) < min_time) and len(times) < max_reps:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return r, min(times), len(times)


def max_rel_error(u, ref):
    u = np.asarray(u, dtype=float)[: ref.size]
    if not np.all(np.isfinite(u)):
        return float("inf")
    return float(np.max(np.abs(u - ref) / np.abs(ref)))


def fmt_time(s):
    if s is None or not (s > 0) or math.isinf(s):
        return "n/a"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_err(e):
    return "–" if e is None or (isinstance(e, float) and math.isnan(e)) else f"{e:.2e}"


def fmt_ratio(r):
    return "n/a" if r is None or math.isnan(r) else (f"{r:.0f}" if r >= 100 else f"{r:.1f}" if r >= 10 else f"{r:.2f}")


# Time to reach error e along one curve (points in tolerance order): log-log interpolation between consecutive
# points whose errors bracket e, or the time of a point at least as accurate; the least such time (NaN if none).
def time_at_error(curve, e):
    best = math.nan
    pts = [r for r in curve if r.ok and r.error is not None and r.error > 0 and math.isfinite(r.error)]
    for a, b in zip(pts, pts[1:]):
        lo, hi = min(a.error, b.error), max(a.error, b.error)
        if e < lo or e > hi:
            continue
        if a.error == b.error:
            t = min(a.time, b.time)
        else:
            w = (math.log(e) - math.log(a.error)) / (math.log(b.error) - math.log(a.error))
            t = math.exp(math.log(a.time) + w * (math.log(b.time) - math.log(a.time)))
        if math.isnan(best) or t < best:
            best = t
    for r in pts:
        if r.error <= e and (math.isnan(best) or r.time < best):
            best = r.time
    return best


def fastest_at(curves, e):
    best, who = math.nan, None
    for label, curve in curves.items():
        t = time_at_error(curve, e)
        if not math.isnan(t) and (math.isnan(best) or t < best):
            best, who = t, label
    return best, who


# =============================================================================================================
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smaller sweep (for testing the script)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks-python.md"))
    ap.add_argument("--csv", default=os.path.join(ROOT, "bench", "results", "python.csv"))
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds one SciPy solve may take: tighter tolerances are skipped once the next would "
                         "likely run over (default 8, --quick 2)")
    ap.add_argument("--min-time", type=float, default=None, help="seconds of repeats per point (default 0.2)")
    args = ap.parse_args()
    quick = args.quick
    budget = args.budget if args.budget is not None else (2.0 if quick else 8.0)
    min_time = args.min_time if args.min_time is not None else (0.05 if quick else 0.2)
    t_run0 = time.perf_counter()

    # the native-code cache of this run: a fresh directory (the latency children get their own)
    tmp_root = tempfile.mkdtemp(prefix="sciml-bench-")
    os.environ["SCIML_CACHE_DIR"] = os.path.join(tmp_root, "main-cache")

    import scipy
    from scipy.integrate import solve_ivp
    import sciml

    try:
        import numba
        numba_version = numba.__version__
    except ImportError:
        numba = None
        numba_version = "not installed"

    issues = []  # sciml failures and oddities, for the report

    def note(msg):
        print("NOTE:", msg, flush=True)
        issues.append(msg)

    # ---- problem table ---------------------------------------------------------------------------------------
    stiff_tols = [1e-4, 1e-6, 1e-8] if quick else [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]
    nonstiff_tols = [1e-5, 1e-8] if quick else [1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12]
    probs = {
        "lorenz": dict(title="Lorenz", tols=[1e-8], stiff=False, sciml=["Vern9", "DP8", "Tsit5", "DP5"],
                       bytecode="Vern9", scipy_f=lorenz_np, scipy_jac=None, scipy=["DOP853", "RK45"]),
        "rober": dict(title="ROBER", tols=stiff_tols, stiff=True, sciml=["Rodas5P", "FBDF", "RadauIIA5"],
                      bytecode="Rodas5P", scipy_f=rober_np, scipy_jac=rober_jac_np, scipy=["Radau", "BDF", "LSODA"],
                      ref=P.ROBER_REF),
        "hires": dict(title="HIRES", tols=stiff_tols, stiff=True, sciml=["Rodas5P", "FBDF", "RadauIIA5"],
                      bytecode="Rodas5P", scipy_f=hires_np, scipy_jac=hires_jac_np, scipy=["Radau", "BDF", "LSODA"],
                      ref=P.HIRES_REF),
        "pleiades": dict(title="Pleiades", tols=nonstiff_tols, stiff=False, sciml=["Vern9", "DP8", "Vern7"],
                         bytecode="Vern9", scipy_f=pleiades_np, scipy_jac=None, scipy=["DOP853", "RK45"],
                         ref=P.PLEIADES_REF_XY),
    }
    for name, pr in probs.items():
        f, u0, tspan, p = sciml_problem_spec(name)
        pr.update(f=f, u0=np.array(u0, dtype=float), tspan=tspan, p=p)

    # ---- Numba ------------------------------------------------------------------------------------------------
    numba_fns, numba_compile = ({}, {})
    if numba is not None:
        print("compiling the Numba right-hand sides ...", flush=True)
        numba_fns, numba_compile = make_numba()

    # ---- sciml problems, native code -------------------------------------------------------------------------
    jit_info = {}
    for name, pr in probs.items():
        pr["prob"] = sciml.ODEProblem(pr["f"], pr["u0"], pr["tspan"], pr["p"])
        jit_info[name] = sciml.jit(pr["prob"])
        if jit_info[name].get("path") != "native":
            note(f"{pr['title']}: sciml.jit gave {jit_info[name]}: the 'native' rows run on bytecode")

    # ---- Lorenz references -----------------------------------------------------------------------------------
    lor = probs["lorenz"]
    lorenz_refs = {}
    for m in ("Vern9", "DP8"):
        s = sciml.solve(lor["prob"], sciml.method_by_name(m), reltol=1e-14, abstol=1e-14, save_everystep=False,
                        jit="native", maxiters=10 ** 7)
        lorenz_refs[m] = np.array(s.u[-1])
        if s.retcode != "Success":
            note(f"Lorenz reference {m} at 1e-14: retcode {s.retcode}")
    lor["ref"] = lorenz_refs["Vern9"]
    lorenz_ref_spread = max_rel_error(lorenz_refs["DP8"], lorenz_refs["Vern9"])

    # reference checks for the stiff problems: sciml RadauIIA5 at tight tolerance against the stored values
    ref_check = {}
    for name in ("rober", "hires"):
        pr = probs[name]
        s = sciml.solve(pr["prob"], sciml.RadauIIA5(), reltol=1e-13, abstol=1e-17, save_everystep=False,
                        jit="native", maxiters=10 ** 7)
        ref_check[name] = max_rel_error(s.u[-1], pr["ref"])
    s = sciml.solve(probs["pleiades"]["prob"], sciml.Vern9(), reltol=1e-14, abstol=1e-14, save_everystep=False,
                    jit="native")
    ref_check["pleiades"] = max_rel_error(s.u[-1], probs["pleiades"]["ref"])

    runs = []

    def run_sciml(name, pr, method, tol, jit):
        alg = sciml.method_by_name(method)
        at = tol * ABSTOL_FACTOR[name]

        def go():
            return sciml.solve(pr["prob"], alg, reltol=tol, abstol=at, save_everystep=False, jit=jit)
        family = "sciml" if jit == "native" else "sciml-bytecode"
        label = method if jit == "native" else f"{method} (bytecode)"
        try:
            sol, t, reps = best_of(go, min_time)
        except Exception as e:  # noqa: BLE001
            note(f"{pr['title']}: sciml {method} tol {tol:g} jit={jit} raised {type(e).__name__}: {e}")
            runs.append(Run(problem=name, family=family, label=label, method=method, tol=tol, ok=False,
                            note=str(e)))
            return
        ok = sol.retcode == "Success"
        if not ok:
            note(f"{pr['title']}: sciml {method} tol {tol:g} jit={jit}: retcode {sol.retcode} ({sol.message})")
        st = sol.stats
        runs.append(Run(problem=name, family=family, label=label, method=method, tol=tol,
                        error=max_rel_error(sol.u[-1], pr["ref"]), time=t, reps=reps, nf=st.get("nf"),
                        njac=st.get("njac"), steps=st.get("naccept", 0) + st.get("nreject", 0), ok=ok))

    def run_scipy(name, pr, method, tol, f, jac, family, label):
        at = tol * ABSTOL_FACTOR[name]
        if jac is not None and method == "LSODA" and family == "scipy-numba":
            # LSODA hands jac to f2py, which counts the callable's Python arguments: a numba dispatcher fails
            # ("not enough arguments: expected 2, got 1"); a Python wrapper is what a user has to write
            jac_nb = jac

            def jac(t, y):
                return jac_nb(t, y)
        kw = {} if jac is None else {"jac": jac}

        def go():
            return solve_ivp(f, pr["tspan"], pr["u0"], method=method, rtol=tol, atol=at, **kw)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res, t, reps = best_of(go, min_time)
        except Exception as e:  # noqa: BLE001
            print(f"   {label} tol {tol:g} raised {type(e).__name__}: {e}", flush=True)
            runs.append(Run(problem=name, family=family, label=label, method=method, tol=tol, ok=False,
                            note=f"{type(e).__name__}: {e}"))
            return math.inf
        runs.append(Run(problem=name, family=family, label=label, method=method, tol=tol,
                        error=max_rel_error(res.y[:, -1], pr["ref"]), time=t, reps=reps, nf=res.nfev,
                        njac=res.njev, steps=len(res.t) - 1, ok=bool(res.success),
                        note=None if res.success else res.message))
        return t

    skipped = []  # (problem, label, tols) not run because of the budget
    for name, pr in probs.items():
        print(f"== {pr['title']}", flush=True)
        for tol in pr["tols"]:
            for m in pr["sciml"]:
                run_sciml(name, pr, m, tol, "native")
            run_sciml(name, pr, pr["bytecode"], tol, "bytecode")
        contestants = []
        for m in pr["scipy"]:
            variants = [(pr["scipy_jac"], " + jac"), (None, "")] if pr["stiff"] else [(None, "")]
            for jac, suffix in variants:
                contestants.append(("scipy", f"SciPy {m}{suffix}", m, pr["scipy_f"], jac))
                if name in numba_fns:
                    nf_, nj_ = numba_fns[name]
                    contestants.append(("scipy-numba", f"SciPy+Numba {m}{suffix}", m, nf_,
                                        nj_ if jac is not None else None))
        for family, label, m, f, jac in contestants:
            times = []
            for i, tol in enumerate(pr["tols"]):
                if len(times) >= 1:
                    growth = max(2.0, times[-1] / times[-2]) if len(times) >= 2 else 3.0
                    if times[-1] * growth > budget:
                        skipped.append((pr["title"], label, pr["tols"][i:]))
                        print(f"   skip {label} from tol {tol:g} (last {times[-1]:.2f} s)", flush=True)
                        break
                times.append(run_scipy(name, pr, m, tol, f, jac, family, label))
            print(f"   {label}: {', '.join(fmt_time(t) for t in times)}", flush=True)

    # ---- per-call overhead -----------------------------------------------------------------------------------
    print("== overhead", flush=True)
    overhead = {}
    f, u0, tspan, p = sciml_problem_spec("decay")
    dprob = sciml.ODEProblem(f, u0, tspan, p)
    sciml.jit(dprob)
    n_over = 300 if quick else 2000

    def timed_many(fn, n):
        fn()
        ts = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
        return min(ts), statistics.median(ts)

    tsit5 = sciml.Tsit5()
    dsol = sciml.solve(dprob, tsit5, jit="native")
    overhead["sciml.solve (Tsit5, native, defaults)"] = (*timed_many(lambda: sciml.solve(dprob, tsit5, jit="native"),
                                                                     n_over), dsol.stats["nf"])
    overhead["sciml.solve (save_everystep=False)"] = (*timed_many(
        lambda: sciml.solve(dprob, tsit5, jit="native", save_everystep=False), n_over), dsol.stats["nf"])
    overhead["sciml.solve (jit='bytecode')"] = (*timed_many(
        lambda: sciml.solve(dprob, tsit5, jit="bytecode"), n_over), dsol.stats["nf"])
    r = sciml.solve_ivp(lambda t, y: -y, (0.0, 1e-3), [1.0], method="RK45")
    overhead["sciml.solve_ivp (RK45, lambda t, y: -y)"] = (*timed_many(
        lambda: sciml.solve_ivp(lambda t, y: -y, (0.0, 1e-3), [1.0], method="RK45"), n_over), r.nfev)
    r = solve_ivp(lambda t, y: -y, (0.0, 1e-3), [1.0], method="RK45")
    overhead["scipy solve_ivp (RK45, for comparison)"] = (*timed_many(
        lambda: solve_ivp(lambda t, y: -y, (0.0, 1e-3), [1.0], method="RK45"), n_over), r.nfev)

    # ---- latency in fresh processes --------------------------------------------------------------------------
    print("== latency", flush=True)
    lat_reps = 1 if quick else 3
    latency = {}

    def child(mode, name, cache):
        env = dict(os.environ, SCIML_CACHE_DIR=cache)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(os.path.join(p, "sciml")))
        t = time.perf_counter()
        cp = subprocess.run([sys.executable, os.path.abspath(__file__), "--latency-child", mode, name],
                            capture_output=True, text=True, env=env, timeout=300)
        wall = time.perf_counter() - t
        line = [ln for ln in cp.stdout.splitlines() if ln.startswith("LATENCY ")]
        if cp.returncode != 0 or not line:
            note(f"latency child {mode} {name} failed (rc {cp.returncode}): {cp.stderr[-500:]}")
            return None
        d = json.loads(line[0][8:])
        d["wall_s"] = wall
        return d

    lat_problems = ["lorenz", "pleiades"] if quick else ["lorenz", "rober", "hires", "pleiades"]
    for name in lat_problems:
        for rep in range(lat_reps):
            for mode in ("bytecode", "auto", "native", "cached"):
                cache = os.path.join(tmp_root, f"lat-{name}-{rep}")
                if mode in ("bytecode", "auto", "native"):
                    cache = os.path.join(tmp_root, f"lat-{name}-{rep}-{mode}")  # empty: a cold cache
                    os.makedirs(cache, mode=0o700)
                else:
                    cache = os.path.join(tmp_root, f"lat-{name}-{rep}-native")  # filled by mode native
                d = child(mode, name, cache)
                if d is None:
                    continue
                if mode == "native" and d.get("cached"):
                    note(f"latency {name}: the cold native build reported cached=True")
                if mode == "cached" and not d.get("cached"):
                    note(f"latency {name}: the cached run rebuilt the library ({d})")
                if d.get("retcode") != "Success":
                    note(f"latency {name} {mode}: retcode {d.get('retcode')}")
                latency.setdefault((name, mode), []).append(d)

    # =========================================================================================================
    # Analysis
    def curves_of(name, families):
        cs = {}
        for r in runs:
            if r.problem == name and r.family in families:
                cs.setdefault(r.label, []).append(r)
        for v in cs.values():
            v.sort(key=lambda r: -r.tol)
        return cs

    def levels(name):
        ours = curves_of(name, ("sciml",))
        plain = curves_of(name, ("scipy",))
        nb = curves_of(name, ("scipy-numba",))
        emax = max((r.error for r in runs if r.problem == name and r.ok and r.error is not None
                    and math.isfinite(r.error) and r.family in ("sciml", "scipy", "scipy-numba")), default=0)
        out = []
        for k in range(1, 15):
            e = 10.0 ** -k
            if e > emax:
                continue
            to, wo = fastest_at(ours, e)
            tp, wp = fastest_at(plain, e)
            tn, wn = fastest_at(nb, e)
            if math.isnan(to) and math.isnan(tp) and math.isnan(tn):
                continue
            out.append(dict(e=e, to=to, wo=wo, tp=tp, wp=wp, tn=tn, wn=wn))
        return out

    def summarize(lv, key, target):
        pts = [(d["e"], d[key] / d["to"]) for d in lv if not math.isnan(d["to"]) and not math.isnan(d[key])]
        if not pts:
            return None
        worst = min(pts, key=lambda x: x[1])
        best = max(pts, key=lambda x: x[1])
        return dict(worst=worst, best=best, n=len(pts), met=sum(1 for _, r in pts if r >= target),
                    range=(max(e for e, _ in pts), min(e for e, _ in pts)))

    summary = {}
    level_tables = {}
    for name in probs:
        if name == "lorenz":
            continue
        lv = levels(name)
        level_tables[name] = lv
        summary[name] = (summarize(lv, "tp", 100.0), summarize(lv, "tn", 30.0))

    # Lorenz: same tolerance (the error at t = 100 says nothing); fastest against fastest, and same method
    lorenz_runs = [r for r in runs if r.problem == "lorenz" and r.ok]

    def fastest(fam):
        c = [r for r in lorenz_runs if r.family == fam]
        return min(c, key=lambda r: r.time) if c else None
    lz = {fam: fastest(fam) for fam in ("sciml", "scipy", "scipy-numba")}
    pairs = {}
    for ours_m, theirs_m in (("DP8", "DOP853"), ("DP5", "RK45")):
        o = [r for r in lorenz_runs if r.family == "sciml" and r.method == ours_m]
        for fam in ("scipy", "scipy-numba"):
            t = [r for r in lorenz_runs if r.family == fam and r.method == theirs_m]
            if o and t:
                pairs[(ours_m, theirs_m, fam)] = t[0].time / o[0].time

    # bytecode / native at one tolerance
    bc_tol = 1e-8
    bc_rows = []
    for name, pr in probs.items():
        tol = min(pr["tols"], key=lambda x: abs(math.log10(x) - math.log10(bc_tol)))
        nat = [r for r in runs if r.problem == name and r.family == "sciml" and r.method == pr["bytecode"]]
        byt = [r for r in runs if r.problem == name and r.family == "sciml-bytecode"]
        ratios = [b.time / n.time for n in nat for b in byt if n.tol == b.tol and n.ok and b.ok]
        n1 = [r for r in nat if r.tol == tol]
        b1 = [r for r in byt if r.tol == tol]
        if n1 and b1:
            bc_rows.append((pr["title"], pr["bytecode"], tol, n1[0], b1[0], b1[0].time / n1[0].time,
                            min(ratios) if ratios else math.nan, max(ratios) if ratios else math.nan))

    # =========================================================================================================
    # Report
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    cpu = ""
    for ln in sh(["lscpu"]).splitlines():
        if ln.lower().startswith("model name"):
            cpu = ln.split(":", 1)[1].strip()
    commit = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]) or "unknown"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    cc = sh([shutil.which("cc") or "cc", "--version"]).splitlines()
    run_s = time.perf_counter() - t_run0
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    L = []
    w = L.append
    w("# Python benchmark: `sciml` against SciPy's `solve_ivp`")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| Machine | {cpu or platform.processor()}, {os.cpu_count()} cores (load average at the end of the run: "
      f"{load}) |")
    w(f"| Python | {platform.python_version()} (`{sys.executable}`); NumPy {np.__version__}, SciPy "
      f"{scipy.__version__}, Numba {numba_version} |")
    w(f"| sciml | {sciml.__version__}, commit {commit}; native code by `{cc[0] if cc else 'cc'}` "
      f"(`{' '.join(_cflags(sciml))}`) |")
    w(f"| Date | {date} |")
    w(f"| Run time | {run_s:.0f} s{' (--quick)' if quick else ''} |")
    w("| Reproduce | `PYTHONPATH=build/python /usr/bin/python3 bench/python/bench_python.py` "
      "(`--quick`: a smaller sweep) |")
    w("")
    w("Everything is timed from Python with `time.perf_counter`, as a user calls it: `sciml.solve(...)` including "
      "its argument checks and result object, `scipy.integrate.solve_ivp(...)` including its Python stepping loop. "
      f"Time: best of N (N >= 3 and >= {min_time:g} s of repeats; one run when a solve takes > 2 s). "
      "reltol = tol; abstol = tol (Lorenz, Pleiades) or 1e-4 x tol (ROBER, HIRES). Error: the largest relative "
      "error over the components of the final state against the reference (Pleiades: the 14 positions). "
      "Contestants:")
    w("")
    w("- **sciml** (compiled): the right-hand side of `tests/python/problems.py` traced by `sciml.ODEProblem`, "
      "native code built by `sciml.jit(prob)` before timing, then `sciml.solve(prob, alg, reltol, abstol, "
      "save_everystep=False, jit=\"native\")`; the Jacobian is the traced symbolic one.")
    w("- **sciml bytecode**: the same with `jit=\"bytecode\"` (the interpreter), one method per problem.")
    w("- **SciPy**: `solve_ivp(f, t_span, y0, method, rtol, atol)` with `f(t, y)` returning a NumPy array (Pleiades: "
      "vectorised over the 7 x 7 pairs, 5x faster than a loop); the stiff methods with the analytic `jac=` and "
      "without (SciPy's finite differences).")
    w("- **SciPy+Numba**: the same right-hand sides and Jacobians under `numba.njit` (compiled before timing; "
      "first-call compile times are in the latency table).")
    w("")
    w(f"SciPy solves are limited to about {budget:g} s each: once the next tighter tolerance would likely take "
      "longer (last time x its growth), the rest of that contestant's sweep is skipped.")
    if skipped:
        w("Skipped: " + "; ".join(f"{p} {lab} at tol <= {tl[0]:g}" for p, lab, tl in skipped) + ".")
    w("")
    w("Speed-ups compare times at equal achieved error: each contestant's log(time) against log(error) is "
      "interpolated piecewise-linearly between its points, a point at least as accurate counting as reaching that "
      "error in its time (the rule of [benchmarks.md](benchmarks.md)); at each error decade both sides reach, "
      "the fastest sciml (native) method is compared with the fastest SciPy method (any method, with or without "
      "the Jacobian) and with the fastest SciPy+Numba method.")
    w("")
    w("References: ROBER and HIRES: the values in `tests/python/problems.py` (sciml RadauIIA5 at rtol 1e-13 "
      f"differs from them by {ref_check['rober']:.1e} and {ref_check['hires']:.1e} relative, so errors below "
      "about that are not resolved); Pleiades: the positions in `tests/python/problems.py` (sciml Vern9 at 1e-14: "
      f"{ref_check['pleiades']:.1e}); Lorenz: sciml Vern9 at rtol = atol = 1e-14, which DP8 at 1e-14 misses by "
      f"{lorenz_ref_spread:.1e} (relative) at t = 100: the problem is chaotic, so its errors are not accuracies.")
    w("")

    # summary
    w("## Summary")
    w("")
    w("sciml compiled (fastest native method) over SciPy (fastest method, plain NumPy right-hand side) and over "
      "SciPy+Numba, at equal error. Targets of issue 4: >= 100x over SciPy, >= 30x over SciPy+Numba.")
    w("")
    w("| problem | error levels compared | vs SciPy: worst | best | >= 100x | vs SciPy+Numba: worst | best "
      "| >= 30x | targets met? |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---|")
    if lz["sciml"] and lz["scipy"]:
        rp = lz["scipy"].time / lz["sciml"].time
        rn = lz["scipy-numba"].time / lz["sciml"].time if lz["scipy-numba"] else math.nan
        met = "yes" if rp >= 100 and rn >= 30 else "no"
        w(f"| Lorenz | same tolerance 1e-8 (chaotic: no error) | {fmt_ratio(rp)} | {fmt_ratio(rp)} | "
          f"{int(rp >= 100)} of 1 | {fmt_ratio(rn)} | {fmt_ratio(rn)} | {int(rn >= 30)} of 1 | {met} |")
    for name, (sp_, sn_) in summary.items():
        def cell(s):
            if s is None:
                return "n/a | n/a | n/a"
            return (f"{fmt_ratio(s['worst'][1])} (at {s['worst'][0]:.0e}) | {fmt_ratio(s['best'][1])} "
                    f"(at {s['best'][0]:.0e}) | {s['met']} of {s['n']}")
        rng = sp_ or sn_
        rtxt = f"{rng['range'][0]:.0e} ... {rng['range'][1]:.0e}" if rng else "none"
        met = ("yes" if sp_ and sn_ and sp_["met"] == sp_["n"] and sn_["met"] == sn_["n"] else
               "partly" if (sp_ and sp_["met"]) or (sn_ and sn_["met"]) else "no")
        w(f"| {probs[name]['title']} | {rtxt} | {cell(sp_)} | {cell(sn_)} | {met} |")
    w("")
    lat_tot = [d["total_s"] for (n, m), ds in latency.items() if m == "native" for d in ds]
    cached_tot = [d["total_s"] for (n, m), ds in latency.items() if m == "cached" for d in ds]
    ov = overhead["sciml.solve (save_everystep=False)"]
    w(f"Latency (target < 2 s for a fresh model): cold trace + native compile + first solve "
      f"{fmt_time(min(lat_tot)) if lat_tot else 'n/a'} ... {fmt_time(max(lat_tot)) if lat_tot else 'n/a'}; "
      f"cached (new process, library in the cache) {fmt_time(min(cached_tot)) if cached_tot else 'n/a'} ... "
      f"{fmt_time(max(cached_tot)) if cached_tot else 'n/a'}; per-call overhead of `sciml.solve` on a tiny problem "
      f"{fmt_time(ov[1])} median (target < 1 ms). Bytecode / native (target <= 3): "
      + ", ".join(f"{t} {fmt_ratio(r)}" for t, _, _, _, _, r, _, _ in bc_rows) + ".")
    w("")

    # what limits the ratio: the fastest competitor at each problem's worst level, per right-hand-side call
    def nearest(name, label, e):
        c = [r for r in runs if r.problem == name and r.label == label and r.ok and r.error and r.nf
             and math.isfinite(r.error)]
        return min(c, key=lambda r: abs(math.log(r.error) - math.log(e))) if c else None
    reading = []
    for name, (sp_, sn_) in summary.items():
        for key, s_, fam_txt in (("tn", sn_, "SciPy+Numba"), ("tp", sp_, "SciPy")):
            if s_ is None:
                continue
            e = s_["worst"][0]
            d = next(d for d in level_tables[name] if d["e"] == e)
            who = d["wn"] if key == "tn" else d["wp"]
            theirs, ours = nearest(name, who, e), nearest(name, d["wo"], e)
            if theirs and ours:
                reading.append(f"{probs[name]['title']}, worst against {fam_txt} (at {e:.0e}): {who} "
                               f"({fmt_time(d[key])}; near there {fmt_time(theirs.time / theirs.nf)} per "
                               f"right-hand-side call, nf {theirs.nf}) against sciml {d['wo']} ({fmt_time(d['to'])};"
                               f" {fmt_time(ours.time / ours.nf)} per call, nf {ours.nf})")
    if reading:
        w("Where the ratio is lowest (the point of each curve nearest that error):")
        w("")
        for x in reading:
            w(f"- {x}")
        w("")

    # per problem
    desc = {
        "lorenz": "Lorenz (sigma 10, rho 28, beta 8/3), u0 = (1, 0, 0), t in [0, 100], tol 1e-8 for every "
                  "contestant. Chaotic: the error at t = 100 against the Vern9 1e-14 reference is O(1) for "
                  "everyone and only indicative; compare times (and time per step) at equal tolerance. DP8 and "
                  "DOP853 are the same method (Hairer's DOP853), as are DP5 and RK45.",
        "rober": "ROBER (k = 0.04, 1e4, 3e7), u0 = (1, 0, 0), t in [0, 1e5].",
        "hires": "HIRES (8 states), t in [0, 321.8122].",
        "pleiades": "Pleiades (7 bodies, 28 states), t in [0, 3]; error over the 14 positions.",
    }
    for name, pr in probs.items():
        w(f"## {pr['title']}")
        w("")
        w(desc[name])
        w("")
        rs = [r for r in runs if r.problem == name]
        fam_order = {"sciml": 0, "sciml-bytecode": 1, "scipy": 2, "scipy-numba": 3}
        rs.sort(key=lambda r: (-r.tol, fam_order[r.family], r.time if r.time else 1e99))
        if name == "lorenz":
            w("| tol | contestant | error at t = 100 | time | nf | steps | time / step |")
            w("|---:|---|---:|---:|---:|---:|---:|")
            for r in rs:
                bold = "**" if r.family.startswith("sciml") else ""
                tps = r.time / r.steps if r.ok and r.steps else math.nan
                w(f"| {r.tol:.0e} | {bold}{_name(r)}{bold} | {fmt_err(r.error)} | {fmt_time(r.time)} | "
                  f"{r.nf if r.nf is not None else '–'} | {r.steps if r.steps is not None else '–'} | "
                  f"{fmt_time(tps)} |")
            w("")
            w("SciPy steps: accepted steps (`len(sol.t) - 1`); sciml: accepted + rejected. Same-method ratios at "
              "tol 1e-8 (SciPy time / sciml time): "
              + ", ".join(f"{t} / {o}{' (Numba)' if fam == 'scipy-numba' else ''} {fmt_ratio(v)}"
                          for (o, t, fam), v in pairs.items()) + ".")
            w("")
            continue
        w("| tol | contestant | error | time | nf | njac | steps | time / nf |")
        w("|---:|---|---:|---:|---:|---:|---:|---:|")
        for r in rs:
            bold = "**" if r.family.startswith("sciml") else ""
            fail = "" if r.ok else " (failed)"
            w(f"| {r.tol:.0e} | {bold}{_name(r)}{bold}{fail} | {fmt_err(r.error)} | {fmt_time(r.time)} | "
              f"{r.nf if r.nf is not None else '–'} | {r.njac if r.njac is not None else '–'} | "
              f"{r.steps if r.steps is not None else '–'} | {fmt_time(r.time / r.nf if r.ok and r.nf else None)} |")
        w("")
        w("steps: sciml accepted + rejected; SciPy accepted (`len(sol.t) - 1`). time / nf: the whole solve's time per "
          "right-hand-side call (Jacobians, LU and stepping included).")
        w("")
        w("At each error level (fastest of each side; n/a: no point of that side is that accurate):")
        w("")
        w("| error | sciml | time | SciPy | time | ratio | SciPy+Numba | time | ratio |")
        w("|---:|---|---:|---|---:|---:|---|---:|---:|")
        for d in level_tables[name]:
            def rat(k):
                return math.nan if math.isnan(d["to"]) or math.isnan(d[k]) else d[k] / d["to"]
            w(f"| {d['e']:.0e} | {d['wo'] or 'n/a'} | {fmt_time(d['to'])} | {_strip(d['wp'])} | "
              f"{fmt_time(d['tp'])} | {fmt_ratio(rat('tp'))} | {_strip(d['wn'])} | {fmt_time(d['tn'])} | "
              f"{fmt_ratio(rat('tn'))} |")
        w("")

    # latency
    lat_models = ", ".join(probs[n]["title"] + " " + m for n, m in LATENCY_METHOD.items())
    w("## Latency")
    w("")
    w(f"Each row is a new Python process (`{os.path.basename(sys.executable)} bench_python.py --latency-child ...`) "
      "with `SCIML_CACHE_DIR` pointing to a new, empty directory (cached: the directory the native row filled). "
      f"Model: the problem above with its method ({lat_models}), "
      f"solved at tol {LATENCY_TOL:g} (cached: over 1e-4 of its time span). `ODEProblem`: trace, simplify, "
      "symbolic Jacobian and bytecode; `jit`: `sciml.jit(prob)` (the C compile, or the cache lookup and load). "
      f"Median of {lat_reps} process{'es' if lat_reps > 1 else ''} (min ... max). Target: < 2 s for a fresh "
      "model.")
    w("")
    w("| problem | path | import sciml | ODEProblem | jit | first solve | total (ODEProblem + jit + solve) "
      "| process wall |")
    w("|---|---|---:|---:|---:|---:|---:|---:|")
    mode_txt = {"bytecode": "cold, `jit=\"bytecode\"`", "auto": "cold, default `jit=\"auto\"` (native builds "
                "behind)", "native": "cold, `sciml.jit` (compile)", "cached": "cached: `sciml.jit` loads"}

    def med(ds, k):
        v = [d[k] for d in ds if d.get(k) is not None]
        if not v:
            return "–"
        if len(v) == 1:
            return fmt_time(v[0])
        return f"{fmt_time(statistics.median(v))} ({fmt_time(min(v))} ... {fmt_time(max(v))})"
    for name in lat_problems:
        for mode in ("bytecode", "auto", "native", "cached"):
            ds = latency.get((name, mode), [])
            if not ds:
                continue
            w(f"| {probs[name]['title']} | {mode_txt[mode]} | {med(ds, 'import_sciml_s')} | {med(ds, 'problem_s')} "
              f"| {med(ds, 'jit_s')} | {med(ds, 'solve_s')} | {med(ds, 'total_s')} | {med(ds, 'wall_s')} |")
    w("")
    if numba_compile:
        w("For comparison, Numba's first-call compile of the SciPy+Numba right-hand side (and Jacobian) in this "
          "process: " + ", ".join(f"{probs[n]['title']} {fmt_time(t)}" for n, t in numba_compile.items()) + ".")
        w("")
    w("Per-call overhead: u' = -u on [0, 1e-3] from u = 1 (a handful of steps), "
      f"{n_over} calls in this process, native code built before:")
    w("")
    w("| call | min | median | nf |")
    w("|---|---:|---:|---:|")
    for k, (mn, md, nf) in overhead.items():
        w(f"| {k} | {fmt_time(mn)} | {fmt_time(md)} | {nf} |")
    w("")

    # bytecode / native
    w("## Bytecode against native code")
    w("")
    w("The same method, problem and tolerance on the two paths (`jit=\"bytecode\"` / `jit=\"native\"`; wall time "
      "of `sciml.solve`). Target: <= 3. The last column is the range of the ratio over the whole tolerance sweep.")
    w("")
    w("| problem | method | tol | native | bytecode | bytecode / native | range over the sweep |")
    w("|---|---|---:|---:|---:|---:|---|")
    for title, m, tol, n1, b1, r, lo, hi in bc_rows:
        w(f"| {title} | {m} | {tol:.0e} | {fmt_time(n1.time)} | {fmt_time(b1.time)} | {fmt_ratio(r)} "
          f"| {fmt_ratio(lo)} ... {fmt_ratio(hi)} |")
    w("")
    if issues:
        w("## Notes from this run")
        w("")
        for s in issues:
            w(f"- {s}")
        w("")

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write("\n".join(L))
    os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
    with open(args.csv, "w", newline="") as fh:
        cw = csv.writer(fh)
        cw.writerow(["section", "problem", "family", "contestant", "method", "tol", "error", "time_s", "reps", "nf",
                     "njac", "steps", "ok"])
        for r in runs:
            cw.writerow(["work-precision", r.problem, r.family, r.label, r.method, f"{r.tol:g}",
                         "" if r.error is None else f"{r.error:.6e}", "" if r.time is None else f"{r.time:.6e}",
                         r.reps, r.nf, r.njac, r.steps, int(bool(r.ok))])
        for (name, mode), ds in latency.items():
            for d in ds:
                cw.writerow(["latency", name, "sciml", mode, LATENCY_METHOD[name], f"{LATENCY_TOL:g}", "",
                             f"{d['total_s']:.6e}", 1, "", "", "", int(d.get("retcode") == "Success")])
        for k, (mn, md, nf) in overhead.items():
            cw.writerow(["overhead", "decay", "", k, "", "", "", f"{md:.6e}", n_over, nf, "", "", 1])
    shutil.rmtree(tmp_root, ignore_errors=True)
    print(f"wrote {args.out} and {args.csv} in {time.perf_counter() - t_run0:.0f} s", flush=True)
    return 0


def _cflags(sciml):
    try:
        from sciml import _jit
        return _jit.CFLAGS
    except (ImportError, AttributeError):
        return []


def _strip(label):
    return "n/a" if label is None else label.replace("SciPy+Numba ", "").replace("SciPy ", "")


def _name(r):
    if r.family == "sciml":
        return f"sciml {r.label}"
    if r.family == "sciml-bytecode":
        return f"sciml {r.label}"
    return r.label


if __name__ == "__main__":
    sys.exit(main())
