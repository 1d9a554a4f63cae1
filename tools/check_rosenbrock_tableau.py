#!/usr/bin/python3
"""Check Rosenbrock (RODAS-form) tableau headers (include/sciml/tableau/rosenbrock/*.hpp).

usage: tools/check_rosenbrock_tableau.py HEADER.hpp [...]

The step the headers describe (Hairer & Wanner II, Sec. IV.7, transformed "RODAS" form):
  W = I/(gamma h) - J,  J = df/du(t, u),  dT = df/dt(t, u)
  U_i = u + sum_{j<i} a_ij k_j
  k_i = W^{-1} [ f(t + c_i h, U_i) + sum_{j<i} (C_ij / h) k_j + d_i h dT ]
  u_new = u + sum_i m_i k_i,   err = sum_i btilde_i k_i   (embedded solution u_new - err)
  u(t + theta h) = (1-theta) u + theta (u_new + (1-theta)(D_1 + theta (D_2 + theta (D_3 ...))))
                   with D_r = sum_i H[r-1][i] k_i.
For every `struct` it checks, in mpmath at 50 digits:
  * array sizes;
  * consistency with an untransformed Rosenbrock method: with Gamma = (I/gamma - C)^{-1} (C strictly
    lower), alpha = a Gamma and b = m Gamma must satisfy c_i = sum_j alpha_ij, d_i = sum_j Gamma_ij
    (= gamma_i) and sum_i b_i = 1;
  * measured orders on a smooth nonlinear non-autonomous 2-D problem with a known solution: the
    slope of the global error of u_new (fixed steps on [0, 1]) >= order - 0.3; the slope - 1 of the
    one-step errors of the embedded solution >= embedded_order - 0.3, and of the dense output (max
    over THETAS) >= order - 1 (3 for Rodas4, 4 for Rodas5P) - 0.3;
  * stiff behaviour: y' = -1e6 (y - cos t) - sin t, y(0) = 1, 10 fixed steps of h = 0.1: the error
    at t = 1 (and of the dense output at the step midpoints) must be < 1e-6.
Fits use errors above a floor set by how well the header's digits satisfy the consistency checks.
Exits 1 on any failure.
"""
import os
import re
import sys

import mpmath as mp

mp.mp.dps = 50
THETAS = ("0.25", "0.5", "0.75")


# ---------------------------------------------------------------- parsing
# the same header syntax as the explicit RK tableaus: one parser for both
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_erk_tableau import N, err, f, parse, slope, u_dot, u_exact  # noqa: E402,F401


def lower(T, key):
    """strict lower triangle (row by row) -> full s x s list of lists."""
    s, v = T["stages"], T[key]
    return [[v[i * (i - 1) // 2 + j] if j < i else mp.mpf(0) for j in range(s)] for i in range(s)]


# ---------------------------------------------------------------- one step
def rosenbrock_step(T, f, jac, dtdf, t, y, h):
    """returns (u_new, err, k) for one step of the header's method."""
    s, g, n = T["stages"], T["gamma"], len(y)
    A, C = lower(T, "a"), lower(T, "C")
    J, dT = jac(t, y), dtdf(t, y)
    W = mp.matrix(n, n)
    for p in range(n):
        for q in range(n):
            W[p, q] = (1 / (g * h) if p == q else 0) - J[p][q]
    k = []
    for i in range(s):
        Ui = [y[p] + mp.fsum(A[i][j] * k[j][p] for j in range(i)) for p in range(n)]
        fi = f(t + T["c"][i] * h, Ui)
        rhs = mp.matrix([fi[p] + mp.fsum(C[i][j] / h * k[j][p] for j in range(i)) + T["d"][i] * h * dT[p]
                         for p in range(n)])
        x = mp.lu_solve(W, rhs)
        k.append([x[p] for p in range(n)])
    unew = [y[p] + mp.fsum(T["m"][i] * k[i][p] for i in range(s)) for p in range(n)]
    er = [mp.fsum(T["btilde"][i] * k[i][p] for i in range(s)) for p in range(n)]
    return unew, er, k


def dense(T, y, unew, k, th):
    s, nd, n = T["stages"], T["ndense"], len(y)
    D = [[mp.fsum(T["H"][r * s + i] * k[i][p] for i in range(s)) for p in range(n)] for r in range(nd)]
    out = []
    for p in range(n):
        acc = mp.mpf(0)
        for r in reversed(range(nd)):  # D_1 + th (D_2 + th (D_3 ...))
            acc = D[r][p] + (th * acc if r < nd - 1 else 0)
        out.append((1 - th) * y[p] + th * (unew[p] + (1 - th) * acc))
    return out


# ---------------------------------------------------------------- test problem
# the explicit-RK checker's problem (u_exact, u_dot, N, f, err, slope are imported from it) plus the
# derivatives a Rosenbrock step needs: u'', dN/dy and df/dt
def u_ddot(t):
    return [-mp.sin(t) / 2, mp.exp(-t / 3) / 9 + mp.mpf(2) / 5]


def dN(y):
    return [[-y[1] / 2, 2 * y[1] - y[0] / 2], [mp.cos(y[0]) * y[1] - y[0] / 2, mp.sin(y[0])]]


def jac(t, y):
    return dN(y)


def dtdf(t, y):  # d/dt [u'(t) - N(u(t))]
    ue, ud, udd, Ju = u_exact(t), u_dot(t), u_ddot(t), dN(u_exact(t))
    return [udd[i] - mp.fsum(Ju[i][j] * ud[j] for j in range(2)) for i in range(2)]


def measure(T, floor):
    out = {}
    hs, es = [], []
    for n in (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128):
        h, y, e = mp.mpf(1) / n, u_exact(0), 0
        for i in range(n):
            y = rosenbrock_step(T, f, jac, dtdf, i * h, y, h)[0]
            e = max(e, err(y, (i + 1) * h))
        hs.append(h), es.append(e)
        if e < floor:
            break
    out["order"] = (slope(hs, es, floor), hs, es)
    t0, y0 = mp.mpf("0.3"), u_exact(mp.mpf("0.3"))
    hs, ee, ed, h = [], [], [], mp.mpf("0.25")
    while len(hs) < 30:
        unew, er, k = rosenbrock_step(T, f, jac, dtdf, t0, y0, h)
        hs.append(h)
        ee.append(err([unew[p] - er[p] for p in range(2)], t0 + h))
        ed.append(max(err(dense(T, y0, unew, k, th), t0 + th * h) for th in map(mp.mpf, THETAS)))
        if max(ee[-1], ed[-1]) < floor * h:
            break
        h /= 2
    out["embedded"] = (slope(hs, ee, floor, True) - 1, hs, ee)
    out["dense"] = (slope(hs, ed, floor, True) - 1, hs, ed)
    return out


def stiff_test(T):
    lam = mp.mpf("1e6")
    fs = lambda t, y: [-lam * (y[0] - mp.cos(t)) - mp.sin(t)]
    js = lambda t, y: [[-lam]]
    ts = lambda t, y: [-lam * mp.sin(t) - mp.cos(t)]
    h, y, e, ed = mp.mpf("0.1"), [mp.mpf(1)], 0, 0
    for i in range(10):
        t = i * h
        unew, _, k = rosenbrock_step(T, fs, js, ts, t, y, h)
        ed = max(ed, abs(dense(T, y, unew, k, mp.mpf("0.5"))[0] - mp.cos(t + h / 2)))
        y = unew
        e = max(e, abs(y[0] - mp.cos(t + h)))
    return e, ed


# ---------------------------------------------------------------- checks
def check(T):
    rows, ok = [], True

    def row(what, good, detail):
        nonlocal ok
        ok &= bool(good)
        rows.append((what, "PASS" if good else "FAIL", detail))

    s, nd = T["stages"], T["ndense"]
    tri = s * (s - 1) // 2
    sizes = {"c": s, "d": s, "a": tri, "C": tri, "m": s, "btilde": s, "H": nd * s}
    bad = ["%s %d!=%d" % (k, len(T.get(k, [])), n) for k, n in sizes.items() if len(T.get(k, [])) != n]
    row("array sizes", not bad and "gamma" in T, ", ".join(bad) or ", ".join("%s %d" % kv for kv in sizes.items()))
    if bad or "gamma" not in T:
        return ok, rows
    # back to the untransformed method: Gamma = (I/gamma - C)^{-1}, alpha = a Gamma, b = m Gamma
    Ginv = mp.matrix(s, s)
    Cf, Af = lower(T, "C"), lower(T, "a")
    for i in range(s):
        for j in range(s):
            Ginv[i, j] = (1 / T["gamma"] if i == j else 0) - Cf[i][j]
    G = Ginv ** -1
    alpha = mp.matrix(Af) * G
    b = mp.matrix([T["m"]]) * G
    dc = max(abs(T["c"][i] - mp.fsum(alpha[i, j] for j in range(s))) for i in range(s))
    dd = max(abs(T["d"][i] - mp.fsum(G[i, j] for j in range(s))) for i in range(s))
    db = abs(mp.fsum(b[0, j] for j in range(s)) - 1)
    dup = max(abs(alpha[i, j]) for i in range(s) for j in range(i, s))
    row("c_i = sum_j alpha_ij (alpha = aGamma)", dc < 1e-13 and dup < 1e-13, "max dev %.1e" % dc)
    row("d_i = sum_j Gamma_ij (= gamma_i)", dd < 1e-13, "max dev %.1e" % dd)
    row("sum_i b_i = 1 (b = m Gamma)", db < 1e-13, "dev %.1e" % db)
    sa = all(T["m"][i] == (T["a"][(s - 1) * (s - 2) // 2 + i] if i < s - 1 else 1) for i in range(s))
    rows.append(("stiffly accurate (m = (a_{s-1,j}, 1))", "info", "yes" if sa else "no"))
    digits_dev = max(dc, dd, db, mp.mpf("1e-17"))
    # the header's digits satisfy the order conditions only to about digits_dev: fit above that
    floor = min(mp.mpf("1e-12"), max(mp.mpf("1e-30"), 1000 * digits_dev))
    meas = measure(T, floor)
    claims = {"order": T["order"], "embedded": T["embedded_order"], "dense": T["order"] - 1}
    for key in ("order", "embedded", "dense"):
        p, hs, es = meas[key]
        row("%s (need >= %d)" % (key, claims[key]), p >= claims[key] - 0.3,
            "measured %.2f  (errors %s)" % (p, " ".join(mp.nstr(e, 2) for e in es[-4:])))
    e, ed = stiff_test(T)
    row("stiff y'=-1e6(y-cos t)-sin t, h=0.1", e < 1e-6 and ed < 1e-6,
        "err(u_new) %s, err(dense theta=0.5) %s" % (mp.nstr(e, 3), mp.nstr(ed, 3)))
    return ok, rows


def main(paths):
    all_ok = True
    for p in paths:
        for T in parse(p):
            ok, rows = check(T)
            all_ok &= ok
            print("%s  (%s, %s)  stages %d, order %d(%d), ndense %d: %s" % (
                T.get("name", "?"), T["struct"], p, T["stages"], T["order"], T["embedded_order"],
                T["ndense"], "PASS" if ok else "FAIL"))
            for what, res, detail in rows:
                print("  %-40s %-5s %s" % (what, res, detail))
            sys.stdout.flush()
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
