"""Issue 5's race: torchdiffeq's gradients against sciml::gradient on the same problems, in the same run.

The problems are bench/sciml/bench_sciml.cpp's Lotka-Volterra and spiral neural ODE at reltol = abstol = 1e-6
(same parameters, initial values, saved times, data and loss; the spiral network's parameters are MLP::init_glorot(1),
reproduced here bit for bit from its SplitMix64 stream). torchdiffeq: float64 on the CPU, one thread; its forward
solve (odeint under no_grad), its continuous adjoint (odeint_adjoint: the adjoint and the state integrated backwards
together, VJPs by autograd) and backpropagation through odeint (the discrete adjoint of the steps taken), with dopri5
(its default) and tsit5 (our benchmark's method). sciml.cpp: the matching rows of bench_sciml's CSV, either from a
bench_sciml run this script starts (--bench) or from a CSV the same `make bench` run has just written (--sciml-csv).
Every gradient's error is measured against central differences of the loss solved tightly by SciPy's DOP853
(independent of both), as bench_sciml measures its own.

torch comes from Debian (python3-torch); torchdiffeq (pure Python) is used from outside the repository, from
--torchdiffeq DIR or $TORCHDIFFEQ_PATH (DIR holds the torchdiffeq package). Without either the script says why and
exits 0 without touching any file.

Usage: /usr/bin/python3 bench/sciml/race_torchdiffeq.py [--torchdiffeq DIR] (--bench BUILD/bench/sciml/bench_sciml |
       --sciml-csv FILE.csv) [--append docs/benchmarks-sciml.md] [--out FILE.md] [--quick]
--append replaces the section '## Race: torchdiffeq' of that markdown file (or appends it), keeping the rest."""
import argparse
import csv
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

SECTION = "## Race: torchdiffeq"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--torchdiffeq", default=os.environ.get("TORCHDIFFEQ_PATH"),
                help="directory holding the torchdiffeq package (default: $TORCHDIFFEQ_PATH)")
ap.add_argument("--bench", help="bench_sciml binary to run for our numbers")
ap.add_argument("--sciml-csv", help="read our numbers from this bench_sciml --csv file instead of running it")
ap.add_argument("--append", help="replace/append the '## Race: torchdiffeq' section of this markdown file")
ap.add_argument("--out", help="write the section to this file")
ap.add_argument("--quick", action="store_true", help="short timing loops (0.02 s, one repeat); check only")
a = ap.parse_args()


def skip(msg):
    print(f"race_torchdiffeq: skipped: {msg}", file=sys.stderr)
    sys.exit(0)


try:
    import numpy as np
    from scipy.integrate import solve_ivp
except ImportError as e:
    skip(f"numpy/scipy missing ({e}); install python3-numpy python3-scipy")
try:
    import torch
    from torch import nn
except ImportError as e:
    skip(f"torch is not importable ({e}); install Debian's python3-torch (scripts/deps.sh bench)")
if not a.torchdiffeq:
    skip("no torchdiffeq: pass --torchdiffeq DIR or set TORCHDIFFEQ_PATH to a checkout of "
         "github.com/rtqichen/torchdiffeq (kept outside this repository)")
sys.path.insert(0, os.path.abspath(a.torchdiffeq))
try:
    import torchdiffeq
except ImportError as e:
    skip(f"torchdiffeq is not importable from {a.torchdiffeq} ({e})")
if not os.path.abspath(torchdiffeq.__file__).startswith(os.path.abspath(a.torchdiffeq)):
    skip(f"torchdiffeq was imported from {torchdiffeq.__file__}, not from {a.torchdiffeq}")
if not a.bench and not a.sciml_csv:
    skip("nothing to race against: pass --bench BUILD/bench/sciml/bench_sciml or --sciml-csv FILE")
if a.bench and not os.access(a.bench, os.X_OK):
    skip(f"{a.bench} is not an executable (build it: cmake --build build-bench --target bench_sciml)")
if a.sciml_csv and not a.bench and not os.path.exists(a.sciml_csv):
    skip(f"{a.sciml_csv} does not exist (run bench_sciml --csv first)")

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass
torch.set_default_dtype(torch.float64)
TARGET, REPEATS = (0.02, 1) if a.quick else (0.2, 3)


# ---- timing: bench_sciml's best_time (warm-up, calibrate on a tenth of the target, best of REPEATS loops) ----
def best_time(fn):
    fn()
    k = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(k):
            fn()
        dt = time.perf_counter() - t0
        if dt >= 0.1 * TARGET or k >= (1 << 24):
            break
        k *= max(2, min(64, int(0.1 * TARGET / dt) + 1)) if dt > 0 else 64
    best = dt / k
    reps = max(1, math.ceil(TARGET / best))
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


# ---- the problems, as bench_sciml.cpp defines them ----------------------------------------------------------
def splitmix_uniforms(seed, n):
    """sciml::nn::Rng(seed): the k-th number is SplitMix64's output on seed + (k + 1) * gamma; uniform() keeps 53 bits."""
    M = (1 << 64) - 1
    out = []
    for k in range(n):
        z = (seed + (k + 1) * 0x9E3779B97F4A7C15) & M
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        z ^= z >> 31
        out.append((z >> 11) * 2.0 ** -53)
    return out


def init_glorot(sizes, seed):
    """MLP::init_glorot: per layer W (out x in, row-major) then b; W ~ U(-lim, lim) in theta's order, b = 0."""
    n = sum((i + 1) * o for i, o in zip(sizes[:-1], sizes[1:]))
    theta = np.zeros(n)
    u = iter(splitmix_uniforms(seed, sum(i * o for i, o in zip(sizes[:-1], sizes[1:]))))
    p = 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        lim = math.sqrt(6.0 / (i + o))
        for k in range(i * o):
            theta[p + k] = -lim + 2 * lim * next(u)
        p += (i + 1) * o
    return theta


def lv_np(t, u, p):
    return [p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1]]


def spiral_np(t, u, th):
    x = u ** 3
    h = np.tanh(th[:100].reshape(50, 2) @ x + th[100:150])
    return th[150:250].reshape(2, 50) @ h + th[250:252]


def true_spiral_np(t, u):
    A = np.array([[-0.1, 2.0], [-2.0, -0.1]])
    return A.T @ (u ** 3)


def tight(f, u0, tspan, ts, args=()):
    """The reference solve (bench_sciml uses Vern9 at 1e-12; DOP853 at 1e-13 here)."""
    s = solve_ivp(f, tspan, u0, method="DOP853", t_eval=ts, rtol=1e-13, atol=1e-13, args=args)
    assert s.success, s.message
    return s.y.T


class Problem:
    pass


def make_lv():
    P = Problem()
    P.name = "Lotka-Volterra"
    P.p = np.array([1.5, 1.0, 3.0, 1.0])
    P.u0 = np.array([1.0, 1.0])
    P.tspan = (0.0, 10.0)
    P.ts = np.arange(1.0, 11.0)                 # loss times
    P.t_torch = np.arange(0.0, 11.0)            # torchdiffeq's t starts at t0; y[0] = u0 is not in the loss
    P.first = 1
    P.f_np = lv_np
    P.data = tight(lv_np, P.u0, P.tspan, P.ts, (np.array([1.6, 0.9, 3.1, 1.1]),))
    P.idx, P.hp, P.pfloor, P.hu = list(range(4)), 1e-5, 1e-3, 1e-6

    class LV(nn.Module):
        def __init__(self):
            super().__init__()
            self.p = nn.Parameter(torch.tensor(P.p))
            self.nfe = 0

        def forward(self, t, u):
            self.nfe += 1
            p = self.p
            uv = u[0] * u[1]
            return torch.stack([p[0] * u[0] - p[1] * uv, -p[2] * u[1] + p[3] * uv])

        def flat_grad(self):
            return self.p.grad.detach().numpy().copy()

    P.module = LV
    return P


def make_spiral():
    P = Problem()
    P.name = "Spiral neural ODE"
    P.p = init_glorot([2, 50, 2], 1)
    P.u0 = np.array([2.0, 0.0])
    P.tspan = (0.0, 1.5)
    P.ts = np.array([1.5 * i / 29.0 for i in range(30)])   # range(0, 1.5, length = 30), t = 0 included
    P.t_torch = P.ts
    P.first = 0
    P.f_np = spiral_np
    P.data = tight(lambda t, u: true_spiral_np(t, u), P.u0, P.tspan, P.ts)
    P.idx, P.hp, P.pfloor, P.hu = [0, 3, 41, 77, 99, 100, 123, 149, 150, 188, 249, 250, 251], 1e-5, 1.0, 1e-5

    class Spiral(nn.Module):
        """u' = NN(u.^3): Linear(2, 50), tanh, Linear(50, 2), parameters in MLP's theta order."""
        def __init__(self):
            super().__init__()
            th = torch.tensor(P.p)
            self.W1 = nn.Parameter(th[:100].reshape(50, 2).clone())
            self.b1 = nn.Parameter(th[100:150].clone())
            self.W2 = nn.Parameter(th[150:250].reshape(2, 50).clone())
            self.b2 = nn.Parameter(th[250:252].clone())
            self.nfe = 0

        def forward(self, t, u):
            self.nfe += 1
            return torch.addmv(self.b2, self.W2, torch.tanh(torch.addmv(self.b1, self.W1, u ** 3)))

        def flat_grad(self):
            return torch.cat([self.W1.grad.reshape(-1), self.b1.grad, self.W2.grad.reshape(-1),
                              self.b2.grad]).detach().numpy().copy()

    P.module = Spiral
    return P


def loss_np(P, u0, p):
    y = tight(P.f_np, u0, P.tspan, P.ts, (p,))
    return float(((y - P.data) ** 2).sum())


def fd_reference(P):
    """bench_sciml's fd_reference: central differences of the tightly solved loss, step hp * max(|p_j|, pfloor)
    in p (at P.idx) and hu in u0."""
    dp, du0 = [], []
    for j in P.idx:
        h = P.hp * max(abs(P.p[j]), P.pfloor)
        a_, b_ = P.p.copy(), P.p.copy()
        a_[j] += h
        b_[j] -= h
        dp.append((loss_np(P, P.u0, a_) - loss_np(P, P.u0, b_)) / (2 * h))
    for j in range(len(P.u0)):
        a_, b_ = P.u0.copy(), P.u0.copy()
        a_[j] += P.hu
        b_[j] -= P.hu
        du0.append((loss_np(P, a_, P.p) - loss_np(P, b_, P.p)) / (2 * P.hu))
    return np.array(dp), np.array(du0)


def rel_err(g, ref):
    scale = np.max(np.abs(ref))
    e = np.max(np.abs(g - ref))
    return e / scale if scale > 0 else e


# ---- torchdiffeq ------------------------------------------------------------------------------------------
def race_torch(P, method):
    f = P.module()
    y0 = torch.tensor(P.u0)
    t = torch.tensor(P.t_torch)
    data = torch.tensor(P.data)
    kw = dict(rtol=1e-6, atol=1e-6, method=method)
    rows = []

    def forward():
        with torch.no_grad():
            return torchdiffeq.odeint(f, y0, t, **kw)

    f.nfe = 0
    forward()
    nf_fwd = f.nfe
    t_fwd = best_time(forward)

    for label, solver in (("odeint_adjoint (continuous adjoint)", torchdiffeq.odeint_adjoint),
                          ("backprop through odeint (discrete adjoint)", torchdiffeq.odeint)):
        def grad():
            for q in f.parameters():
                q.grad = None
            u0 = y0.clone().requires_grad_(True)
            y = solver(f, u0, t, **kw)
            loss = ((y[P.first:] - data) ** 2).sum()
            loss.backward()
            return u0

        f.nfe = 0
        u0 = grad()
        nf_grad = f.nfe
        gp, gu = f.flat_grad(), u0.grad.detach().numpy().copy()
        t_grad = best_time(grad)
        rows.append(dict(tool=f"torchdiffeq {method}", method=label, t_fwd=t_fwd, t_grad=t_grad,
                         err_p=rel_err(gp[P.idx], P.ref_dp), err_u0=rel_err(gu, P.ref_du0),
                         nf=f"{nf_fwd} / {nf_grad}", ours=False))
        print(f"  {P.name:18s} torchdiffeq {method:6s} {label:42s} fwd {t_fwd * 1e6:9.1f} us  grad "
              f"{t_grad * 1e6:10.1f} us  ratio {t_grad / t_fwd:6.2f}  nf {nf_fwd}/{nf_grad}  err "
              f"{rows[-1]['err_p']:.1e}/{rows[-1]['err_u0']:.1e}", file=sys.stderr)
    return rows


# ---- sciml.cpp: bench_sciml's CSV ----------------------------------------------------------------------------
OUR_METHODS = ["ForwardDiffSensitivity", "InterpolatingAdjoint (dense)", "InterpolatingAdjoint (checkpointing)",
               "BacksolveAdjoint", "DiscreteAdjoint"]


def our_rows(csv_rows, P):
    out = []
    order = {"none": 0, "hand": 2}  # any other label ("tape", "AD") is an automatic VJP: between the two
    for m in OUR_METHODS:
        mine = [r for r in csv_rows if r["problem"] == P.name and re.fullmatch(r"Tsit5, tol 1e-0?6", r["config"])
                and r["method"] == m]
        for r in sorted(mine, key=lambda r: order.get(r["vjp"], 1)):
            vjp = r["vjp"]
            ok = r["ok"] == "1"
            out.append(dict(tool="sciml.cpp Tsit5", method=m + ("" if vjp == "none" else f", {vjp} VJP"),
                            t_fwd=float(r["forward_s"]), t_grad=float(r["gradient_s"]) if ok else math.nan,
                            err_p=float(r["fd_relerr_p"]), err_u0=float(r["fd_relerr_u0"]),
                            nf=f"{r['nf_forward_solve']} / "
                               f"{int(r['nf_gradient_forward']) + int(r['nf_gradient_adjoint'])}",
                            ours=True, vjp=vjp, failed=not ok))
    return out


def fmt_t(t):
    if not (t > 0):
        return "–"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def fmt_x(x):
    return "–" if not (x > 0) else (f"{x:.0f}x" if x >= 100 else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x")


def read_commit():
    """HEAD's short hash from .git's files (no git process)."""
    try:
        g = os.path.join(ROOT, ".git")
        head = open(os.path.join(g, "HEAD")).read().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        p = os.path.join(g, ref)
        if os.path.exists(p):
            return open(p).read().strip()[:7]
        for line in open(os.path.join(g, "packed-refs")):
            if line.strip().endswith(" " + ref):
                return line.split()[0][:7]
    except OSError:
        pass
    return "unknown"


def cpu_name():
    name, n = None, 0
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and name is None:
                name = line.split(":", 1)[1].strip()
            if line.startswith("processor"):
                n += 1
    except OSError:
        pass
    return name or platform.processor() or "unknown CPU", n


def torchdiffeq_source(d):
    d = os.path.abspath(d)
    for cand in (os.path.join(d, "COMMIT"), os.path.join(d, ".git", "HEAD")):
        if os.path.exists(cand):
            s = open(cand).read().strip()
            if not s.startswith("ref:"):
                return f"commit {s[:12]}"
    return "commit unknown"


def main():
    t_start = time.time()
    print(f"race_torchdiffeq: torch {torch.__version__}, torchdiffeq {torchdiffeq.__version__} from "
          f"{os.path.dirname(torchdiffeq.__file__)}", file=sys.stderr)
    problems = [make_lv(), make_spiral()]
    for P in problems:
        P.ref_dp, P.ref_du0 = fd_reference(P)
    # our numbers first (bench_sciml alone on the machine), then torchdiffeq's
    if a.bench:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "sciml.csv")
            cmd = [a.bench, "--csv", path] + (["--quick"] if a.quick else [])
            print("race_torchdiffeq: running " + " ".join(cmd), file=sys.stderr)
            r = subprocess.run(cmd)
            if r.returncode != 0:
                sys.exit(f"race_torchdiffeq: {a.bench} failed ({r.returncode})")
            ours_csv = list(csv.DictReader(open(path)))
        ours_from = f"a `{os.path.relpath(a.bench, ROOT)}` run started by this script"
    else:
        ours_csv = list(csv.DictReader(open(a.sciml_csv)))
        ours_from = f"`{os.path.relpath(a.sciml_csv, ROOT)}`, written by the bench_sciml run of the same `make bench`"
    table = ["| problem | tool | method | forward | gradient | ratio | our speedup | FD error p / u0 | f calls: forward / gradient |",
             "|---|---|---|---:|---:|---:|---:|---|---:|"]
    summary = []
    for P in problems:
        theirs = race_torch(P, "dopri5") + race_torch(P, "tsit5")
        ours = our_rows(ours_csv, P)
        if not ours:
            sys.exit(f"race_torchdiffeq: no '{P.name}' Tsit5 1e-6 rows in bench_sciml's CSV")
        best_theirs = min(theirs, key=lambda r: r["t_grad"])
        ok_ours = [r for r in ours if not r["failed"]]
        best_ours = min(ok_ours, key=lambda r: r["t_grad"])
        best_tape = min((r for r in ok_ours if r["vjp"] != "hand"), key=lambda r: r["t_grad"])
        for r in theirs:
            r["speedup"] = f"{fmt_x(r['t_grad'] / best_ours['t_grad'])} / {fmt_x(r['t_grad'] / best_tape['t_grad'])}"
        for r in ours:
            r["speedup"] = fmt_x(best_theirs["t_grad"] / r["t_grad"])
        for r in theirs + ours:
            method = f"**{r['method']}**" if r is best_theirs or r is best_ours else r["method"]
            table.append(f"| {P.name} | {r['tool']} | {method} | {fmt_t(r['t_fwd'])} | "
                         f"{'failed' if r.get('failed') else fmt_t(r['t_grad'])} | {fmt_x(r['t_grad'] / r['t_fwd'])} | "
                         f"{r['speedup']} | {r['err_p']:.1e} / {r['err_u0']:.1e} | {r['nf']} |")
        fwd_ours = ours[0]["t_fwd"]
        fwd_theirs = {r["tool"]: r["t_fwd"] for r in theirs}
        adj = {r["tool"]: r for r in theirs if r["method"].startswith("odeint_adjoint")}
        back = [r for r in ours if r["method"].startswith("BacksolveAdjoint, ") and r["vjp"] not in ("none", "hand")]
        summary.append(
            f"- **{P.name}**: forward solve {fmt_t(fwd_ours)} here against {fmt_t(fwd_theirs['torchdiffeq dopri5'])} "
            f"(dopri5) / {fmt_t(fwd_theirs['torchdiffeq tsit5'])} (tsit5) in torchdiffeq "
            f"({fmt_x(fwd_theirs['torchdiffeq tsit5'] / fwd_ours)} with the same method). Fastest gradients: ours "
            f"{best_ours['method']} {fmt_t(best_ours['t_grad'])}, theirs {best_theirs['tool']} "
            f"{best_theirs['method']} {fmt_t(best_theirs['t_grad'])}: **{fmt_x(best_theirs['t_grad'] / best_ours['t_grad'])}** "
            f"(without a hand-written VJP on our side, {best_tape['method']} {fmt_t(best_tape['t_grad'])}: "
            f"{fmt_x(best_theirs['t_grad'] / best_tape['t_grad'])})."
            + (f" Like for like, torchdiffeq's odeint_adjoint (tsit5) is a backsolve adjoint with autograd VJPs, our "
               f"BacksolveAdjoint with the automatic ({back[0]['vjp']}) VJP: {fmt_t(adj['torchdiffeq tsit5']['t_grad'])} against "
               f"{fmt_t(back[0]['t_grad'])} ({fmt_x(adj['torchdiffeq tsit5']['t_grad'] / back[0]['t_grad'])})."
               if back and not back[0]["failed"] else ""))
    cpu, ncpu = cpu_name()
    total = time.time() - t_start
    td = os.path.abspath(a.torchdiffeq)
    md = [SECTION, "",
          "| | |", "|---|---|",
          f"| Machine | {cpu}, {ncpu} cores; torch.set_num_threads(1) |",
          f"| Python | {platform.python_version()}; torch {torch.__version__} (Debian python3-torch), NumPy "
          f"{np.__version__}, SciPy {__import__('scipy').__version__} |",
          f"| torchdiffeq | {torchdiffeq.__version__}, github.com/rtqichen/torchdiffeq {torchdiffeq_source(td)}, "
          f"used from outside the repository |",
          f"| sciml.cpp | commit {read_commit()}; numbers from {ours_from} |",
          f"| Date | {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({total:.0f} s{', --quick' if a.quick else ''}) |",
          "| Reproduce | `apt-get install python3-torch`; torchdiffeq exported outside the repository (e.g. "
          "`git archive HEAD torchdiffeq \\| tar -x -C /opt/torchdiffeq`); `make bench TORCHDIFFEQ_PATH=/opt/torchdiffeq`, or "
          "`/usr/bin/python3 bench/sciml/race_torchdiffeq.py --torchdiffeq /opt/torchdiffeq --bench "
          "build-bench/bench/sciml/bench_sciml --append docs/benchmarks-sciml.md` |",
          "",
          "The gradient of the same loss with respect to the parameters and the initial values, on the Lotka-Volterra "
          "and spiral neural ODE problems above at reltol = abstol = 1e-6 (same parameters, initial values, saved "
          "times and data; the spiral network's parameters are `init_glorot(1)`, reproduced bit for bit). "
          "torchdiffeq: float64 tensors on the CPU, one thread; `forward` = `odeint` under `no_grad`; "
          "`odeint_adjoint` integrates the adjoint together with the state backwards (a backsolve adjoint; its "
          "default error norm covers all adjoint states, parameters included, like ours) with VJPs by autograd; "
          "backprop through `odeint` records every step on autograd's tape and differentiates it (a discrete "
          "adjoint). Each gradient call is the whole computation: a fresh leaf `u0`, the solve, the loss, "
          "`backward()`. Ours: the bench_sciml rows with Tsit5 at 1e-6 (see the tables above for what each "
          f"method and VJP means). Times: best per-call time of {REPEATS} loop{'s' if REPEATS > 1 else ''} of about {TARGET:g} s each after a warm-up call "
          "(bench_sciml's rule, the same code here). ratio = gradient / forward of the same tool. **our speedup**: "
          "on torchdiffeq's rows, that row's gradient time over our fastest gradient / over our fastest gradient "
          "without a hand-written VJP (an automatic one, or none); on our rows, torchdiffeq's fastest gradient on the problem over "
          "that row's. FD error: max_j |g_j - fd_j| / max_j |fd_j| against central differences of the loss solved "
          "by SciPy's DOP853 at 1e-13 (for torchdiffeq) and Vern9 at 1e-12 (bench_sciml, for ours), with the "
          "same steps and the same compared parameters. f calls: the forward solve's, and every f or VJP "
          "evaluation of one gradient (for torchdiffeq, calls of the module, each backward one followed by an "
          "autograd VJP). Fastest of each side in bold. The machine is shared, so single timings can be noisy "
          "by ~10-20 %.", "",
          *table, "", *summary, ""]
    text = "\n".join(md)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text)
    if a.append:
        old = open(a.append).read() if os.path.exists(a.append) else ""
        lines = old.split("\n")
        start = next((i for i, l in enumerate(lines) if l.strip() == SECTION), None)
        if start is None:
            new = old.rstrip("\n") + "\n\n" + text
        else:
            end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
            before = "\n".join(lines[:start]).rstrip("\n")
            after = "\n".join(lines[end:]).strip("\n")
            new = (before + "\n\n" if before else "") + text + ("\n" + after + "\n" if after else "")
        with open(a.append, "w") as fh:
            fh.write(new)


main()
