#!/usr/bin/python3
"""SciPy contestants of bench_stiff: solve_ivp with Radau, BDF and LSODA on ROBER and HIRES, the analytic
Jacobian supplied, rtol = tol, atol = abstol_factor * tol, only the final state used. Timed here with
time.perf_counter (median over repeats: at least MIN_REPEATS and MIN_TIME seconds). Prints one line per point:

  RESULT problem method tol time_s repeats nfev njev nlu steps ok u[0] u[1] ...

usage: scipy_stiff.py PROBLEM(rober|hires) ABSTOL_FACTOR MIN_TIME MIN_REPEATS TOL [TOL ...]
"""
import statistics
import sys
import time
import warnings

import numpy as np
import scipy
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


def main():
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    key, fac, min_time, min_rep = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    tols = [float(x) for x in sys.argv[5:]]
    f, jac, span, u0 = PROBLEMS[key]
    warnings.simplefilter("ignore")
    print("VERSION", scipy.__version__, np.__version__, sys.version.split()[0], flush=True)
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
