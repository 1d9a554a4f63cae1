#!/usr/bin/python3
"""SciPy contestants of bench_stiff: solve_ivp with Radau, BDF and LSODA, the analytic Jacobian supplied,
rtol = tol, atol = abstol_factor * tol, only the final state used. Timed here with time.perf_counter (median over
repeats: at least MIN_REPEATS and MIN_TIME seconds; on the large problems a first solve longer than 1 s is
timed once). Prints one line per point:

  RESULT problem method tol time_s repeats nfev njev nlu steps ok u[0] u[1] ...
  SKIP problem method tol reason...        (this and the tighter tolerances not run)

Problems: rober, hires (dense Jacobians); bruss-nN (2D Brusselator on an N x N grid, 2 N^2 states) and
rober-kK (K stacked copies of ROBER), whose Jacobians are given as scipy.sparse CSC matrices to Radau and BDF;
LSODA gets the dense Jacobian for the Brusselator (only where 2 N^2 <= DENSE_MAX) and the banded one
(lband = 1, uband = 2) for the stacked ROBER. The Brusselator's forcing switches on at t = 1.1: it is
integrated in two solve_ivp calls, [0, 1.1] and [1.1, 11.5] (SciPy has no tstops), counters summed.
With --budget S, a solve is abandoned once it has run S seconds (and the rest of that method's tolerances
are skipped); so is the rest after a solve that took more than S / 2 seconds (the next would likely run over).

usage: scipy_stiff.py PROBLEM ABSTOL_FACTOR MIN_TIME MIN_REPEATS TOL [TOL ...] [--budget S] [--dense-max N]
       [--methods Radau,BDF,LSODA]
       scipy_stiff.py --reference PROBLEM RTOL ATOL   (prints u(tf) with Radau, one value a line)
"""
import re
import statistics
import sys
import time
import warnings

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.integrate import solve_ivp

K = (0.04, 1e4, 3e7)


def rober(t, u):
    k0, k1, k2 = K
    return np.array([-k0 * u[0] + k1 * u[1] * u[2],
                     k0 * u[0] - k1 * u[1] * u[2] - k2 * u[1] * u[1],
                     k2 * u[1] * u[1]])


def rober_jac(t, u):
    k0, k1, k2 = K
    return np.array([[-k0, k1 * u[2], k1 * u[1]],
                     [k0, -k1 * u[2] - 2 * k2 * u[1], -k1 * u[1]],
                     [0.0, 2 * k2 * u[1], 0.0]])


def hires(t, y):
    return np.array([
        -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007, 1.71 * y[0] - 8.75 * y[1],
        -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4], 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
        -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
        -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
        280.0 * y[5] * y[7] - 1.81 * y[6], -280.0 * y[5] * y[7] + 1.81 * y[6]])


def hires_jac(t, y):
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


PROBLEMS = {
    "rober": (rober, rober_jac, (0.0, 1e5), [1.0, 0.0, 0.0]),
    "hires": (hires, hires_jac, (0.0, 321.8122), [1.0, 0, 0, 0, 0, 0, 0, 0.0057]),
}


# ---- 2D Brusselator (tests/common/large_problems.hpp): state index i + N*j + N*N*c ------------------------
def make_bruss(N):
    xyd = np.array([i / (N - 1) for i in range(N)])
    dx = xyd[1] - xyd[0]
    A, B, alpha = 3.4, 1.0, 10.0 / (dx * dx)
    NN = N * N
    X, Y = np.meshgrid(xyd, xyd)  # X[j, i] = xyd[i], Y[j, i] = xyd[j]
    mask = ((X - 0.3) * (X - 0.3) + (Y - 0.6) * (Y - 0.6) <= 0.1 * 0.1).ravel()
    forcing = np.where(mask, 5.0, 0.0)

    def lap(W):  # W[j, i]: periodic 5-point sum minus 4 W, in the order i-1, i+1, j+1, j-1
        return (np.roll(W, 1, axis=1) + np.roll(W, -1, axis=1) + np.roll(W, -1, axis=0) + np.roll(W, 1, axis=0)
                - 4.0 * W)

    def f(t, y):
        u, v = y[:NN], y[NN:]
        uuv = u * u * v
        du = alpha * lap(u.reshape(N, N)).ravel() + B + uuv - (A + 1.0) * u
        if t >= 1.1:
            du = du + forcing
        dv = alpha * lap(v.reshape(N, N)).ravel() + A * u - uuv
        return np.concatenate((du, dv))

    # the constant part: alpha * (periodic Laplacian) on each species
    idx = np.arange(NN).reshape(N, N)
    rows, cols = [], []
    for sh, ax in ((1, 1), (-1, 1), (-1, 0), (1, 0)):
        rows.append(idx.ravel())
        cols.append(np.roll(idx, sh, axis=ax).ravel())
    r1, c1 = np.concatenate(rows), np.concatenate(cols)
    L = sp.csc_matrix((np.full(r1.size, alpha), (r1, c1)), shape=(NN, NN))
    L = L - 4.0 * alpha * sp.identity(NN, format="csc")
    Lc = sp.block_diag((L, L), format="csc")

    def jac(t, y):
        u, v = y[:NN], y[NN:]
        return (Lc + sp.bmat([[sp.diags(2.0 * u * v - (A + 1.0)), sp.diags(u * u)],
                              [sp.diags(A - 2.0 * u * v), sp.diags(-u * u)]], format="csc")).tocsc()

    u0 = np.empty(2 * NN)
    Xi, Yj = X.ravel(), Y.ravel()
    u0[:NN] = 22.0 * (Yj * (1.0 - Yj)) ** 1.5
    u0[NN:] = 27.0 * (Xi * (1.0 - Xi)) ** 1.5
    return f, jac, (0.0, 11.5), u0, [1.1]


# ---- k stacked copies of ROBER ----------------------------------------------------------------------------
def make_rober_scaled(k):
    k0, k1, k2 = K
    base = np.arange(k) * 3
    # pattern per copy: (0,0) (0,1) (0,2) (1,0) (1,1) (1,2) (2,1)
    rows = (base[:, None] + np.array([0, 0, 0, 1, 1, 1, 2])[None, :]).ravel()
    cols = (base[:, None] + np.array([0, 1, 2, 0, 1, 2, 1])[None, :]).ravel()
    n = 3 * k

    def f(t, y):
        Y = y.reshape(k, 3)
        out = np.empty_like(Y)
        a = k1 * Y[:, 1] * Y[:, 2]
        b = k2 * Y[:, 1] * Y[:, 1]
        out[:, 0] = -k0 * Y[:, 0] + a
        out[:, 1] = k0 * Y[:, 0] - a - b
        out[:, 2] = b
        return out.ravel()

    def vals(y):
        Y = y.reshape(k, 3)
        V = np.empty((k, 7))
        V[:, 0] = -k0
        V[:, 1] = k1 * Y[:, 2]
        V[:, 2] = k1 * Y[:, 1]
        V[:, 3] = k0
        V[:, 4] = -k1 * Y[:, 2] - 2.0 * k2 * Y[:, 1]
        V[:, 5] = -k1 * Y[:, 1]
        V[:, 6] = 2.0 * k2 * Y[:, 1]
        return V.ravel()

    def jac(t, y):
        return sp.csc_matrix((vals(y), (rows, cols)), shape=(n, n))

    def jac_banded(t, y):  # LSODA's packed format, lband = 1, uband = 2: P[uband + i - j, j] = J[i, j]
        # (2 lband + uband + 1 rows: ODEPACK's NROWPD, which SciPy's LSODA, unlike its VODE, does not pad)
        P = np.zeros((5, n))
        P[2 + rows - cols, cols] = vals(y)
        return P

    u0 = np.zeros(n)
    u0[::3] = 1.0
    return f, jac, (0.0, 1e5), u0, [], jac_banded


class OverBudget(Exception):
    pass


def large_problem(key):
    m = re.fullmatch(r"bruss-n(\d+)", key)
    if m:
        f, jac, span, u0, tstops = make_bruss(int(m.group(1)))
        return f, jac, span, u0, tstops, None
    m = re.fullmatch(r"rober-k(\d+)", key)
    if m:
        return make_rober_scaled(int(m.group(1)))
    return None


def solve_pieces(f, jac, span, u0, tstops, method, rtol, atol, lsoda_kw, deadline):
    """solve_ivp over span, restarted at each tstop; returns (ok, u, nfev, njev, nlu, steps)."""
    calls = [0]

    def fw(t, y):
        calls[0] += 1
        if deadline is not None and time.perf_counter() > deadline:
            raise OverBudget()
        return f(t, y)

    cuts = [span[0]] + [t for t in tstops if span[0] < t < span[1]] + [span[1]]
    y = u0
    nfev = njev = nlu = steps = 0
    ok = True
    for a, b in zip(cuts[:-1], cuts[1:]):
        kw = dict(lsoda_kw) if method == "LSODA" else {"jac": jac}
        sol = solve_ivp(fw, (a, b), y, method=method, rtol=rtol, atol=atol, **kw)
        nfev += sol.nfev
        njev += sol.njev
        nlu += sol.nlu
        steps += len(sol.t) - 1
        ok = ok and sol.success and sol.t[-1] == b
        y = sol.y[:, -1]
        if not ok:
            break
    return ok, y, nfev, njev, nlu, steps


def main_large(key, fac, min_time, min_rep, tols, budget, dense_max, methods):
    f, jac, span, u0, tstops, jac_banded = large_problem(key)
    n = u0.size
    for method in methods:
        lsoda_kw = {}
        if method == "LSODA":
            if jac_banded is not None:
                lsoda_kw = {"jac": jac_banded, "lband": 1, "uband": 2}
            elif n <= dense_max:
                lsoda_kw = {"jac": lambda t, y: jac(t, y).toarray()}
            else:
                print("SKIP", key, method, "%.0e" % tols[0], "n = %d: dense Jacobian too large (LSODA takes no sparse "
                      "one; its band would be %d wide)" % (n, n // 2), flush=True)
                continue
        for it, tol in enumerate(tols):
            def solve(deadline):
                return solve_pieces(f, jac, span, u0, tstops, method, tol, fac * tol, lsoda_kw, deadline)
            t0 = time.perf_counter()
            try:
                ok, u, nfev, njev, nlu, steps = solve(t0 + budget if budget > 0 else None)
            except OverBudget:
                print("SKIP", key, method, "%.0e" % tol, "the tol %.0e solve ran over the %.0f s budget (abandoned)"
                      % (tol, budget), flush=True)
                break
            first = time.perf_counter() - t0
            ts = [first]
            if first < 1.0:
                ts = []
                while len(ts) < min_rep or sum(ts) < min_time:
                    t1 = time.perf_counter()
                    solve(None)
                    ts.append(time.perf_counter() - t1)
                    if sum(ts) > 20 * max(min_time, 1.0):
                        break
            print("RESULT", key, method, "%.0e" % tol, "%.6e" % statistics.median(ts), len(ts), nfev, njev, nlu, steps,
                  int(ok), " ".join("%.17e" % x for x in u), flush=True)
            if budget > 0 and first > 0.5 * budget and it + 1 < len(tols):
                print("SKIP", key, method, "%.0e" % tols[it + 1], "the tol %.0e solve took %.0f s, over half the %.0f s "
                      "budget" % (tol, first, budget), flush=True)
                break
    return 0


def reference(key, rtol, atol):
    f, jac, span, u0, tstops, _ = large_problem(key)
    ok, u, nfev, njev, nlu, steps = solve_pieces(f, jac, span, u0, tstops, "Radau", rtol, atol, {}, None)
    print("Radau ok %d nfev %d njev %d nlu %d steps %d" % (ok, nfev, njev, nlu, steps), file=sys.stderr)
    for x in u:
        print("%.17e" % x)
    return 0 if ok else 1


def main():
    warnings.simplefilter("ignore")
    args, opts = [], {"--budget": "0", "--dense-max": "2048", "--methods": "Radau,BDF,LSODA"}
    it = iter(sys.argv[1:])
    for a in it:
        if a in opts:
            opts[a] = next(it)
        else:
            args.append(a)
    if len(args) == 4 and args[0] == "--reference":
        return reference(args[1], float(args[2]), float(args[3]))
    if len(args) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    key, fac, min_time, min_rep = args[0], float(args[1]), float(args[2]), int(args[3])
    tols = [float(x) for x in args[4:]]
    print("VERSION", scipy.__version__, np.__version__, sys.version.split()[0], flush=True)
    if key not in PROBLEMS:
        return main_large(key, fac, min_time, min_rep, tols, float(opts["--budget"]), int(opts["--dense-max"]),
                          opts["--methods"].split(","))
    f, jac, span, u0 = PROBLEMS[key]
    for method in ("Radau", "BDF", "LSODA"):
        for tol in tols:
            def solve():
                return solve_ivp(f, span, u0, method=method, rtol=tol, atol=fac * tol, jac=jac)
            sol = solve()
            ts = []
            while len(ts) < min_rep or sum(ts) < min_time:
                t0 = time.perf_counter()
                solve()
                ts.append(time.perf_counter() - t0)
                if len(ts) >= 1 and sum(ts) > 20 * max(min_time, 1.0):  # very slow points: stop early
                    break
            ok = sol.success and sol.t[-1] == span[1]
            u = sol.y[:, -1]
            print("RESULT", key, method, "%.0e" % tol, "%.6e" % statistics.median(ts), len(ts), sol.nfev, sol.njev,
                  sol.nlu, len(sol.t) - 1, int(ok), " ".join("%.17e" % x for x in u), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
