#!/usr/bin/python3
"""Check explicit Runge-Kutta tableau headers (include/sciml/tableau/erk/*.hpp).

usage: tools/check_erk_tableau.py HEADER.hpp [...]

For every `struct` in the headers (format: include/sciml/tableau/erk/FORMAT.md) it checks, in
mpmath at 50 digits:
  * array sizes, c[0] = 0, c[stages-1] = 1, row sums c_i = sum_j a_ij (extra stages included);
  * btilde[stages-1] = 0 for methods known not to be FSAL (table NON_FSAL below);
  * the dense output (interp_degree > 0), stored as scaled Bernstein coefficients `bi` (FORMAT.md): bi
    equals the published monomial coefficients bi_monomial (converted by tools/erk_dense_basis.py),
    b_i(1) = b_i (the new-point row of a), and b_i(theta) evaluated in double as the step does is within
    32 ulp of max|b_i| on [0, 1] and, near theta = 0, within 4 ulp of max|b_i| on [0, 2 theta];
  * stability_size (if given): |R(z)| <= 1 on [-stability_size, 0], with the boundary within 3% beyond;
  * the order of the propagated solution (b), the embedded one (b - btilde) and the dense output
    (b_i(theta), all theta at once), two ways:
      trees     the highest p for which every order condition (rooted trees up to p) holds;
      measured  on a smooth nonlinear non-autonomous 2-D problem with a known solution: the slope
                of the global error of b (fixed steps on [0, 1]), and the slope - 1 of the
                one-step errors of b - btilde and of the dense output (max over THETAS).
Passes if trees >= the claimed order and measured >= claimed - 0.3; the dense output's claim is
min(interp_degree, order). Fits use errors above a floor set by how well the header's digits satisfy
the row sums and b_i(1) = b_i. Exits 1 on any failure.
"""
import re
import sys

import mpmath as mp

import erk_dense_basis
import tableau_header

mp.mp.dps = 50
ERR_FLOOR = mp.mpf("1e-15")
THETAS = ("0.2", "0.5", "0.8")
MAX_TREE_ORDER = 10
# not FSAL, with a published estimator that does not use f at the new point: btilde[stages-1] must be 0
# (RK4's header deliberately uses it for its 3rd-order estimate, so it is not listed)
NON_FSAL = {"Vern7", "Vern8", "Vern9", "DP8"}
FSAL = {"BS3", "DP5", "Tsit5", "Vern6"}


# ---------------------------------------------------------------- parsing
def parse(path):
    tabs = tableau_header.parse(path)
    for t in tabs:
        t["total"] = t["stages"] + t.get("extra_stages", 0)
        D = t.get("interp_degree", 0)
        if D:  # the dense output's monomial coefficients, from the Bernstein ones the step uses
            t["dense"] = [erk_dense_basis.bernstein_to_monomial(t["bi"][i * D: (i + 1) * D])
                          for i in range(len(t["bi"]) // D)]
    return tabs


# ---------------------------------------------------------------- order conditions
TREES = tableau_header.rooted_trees(MAX_TREE_ORDER)  # (children indices, order, gamma), by increasing order


def tree_order(T, weights, max_p, dense=False):
    """Highest p <= max_p such that sum_i w_i Phi_i(t) = 1/gamma(t) for all trees t up to p
    (dense: weights[i][m-1] is the theta^m coefficient, and the target is theta^|t|/gamma(t))."""
    n, a = T["total"], T["a"]
    A = [[a[i * (i - 1) // 2 + j] if j < i else 0 for j in range(n)] for i in range(n)]
    phi = []
    for children, order, gamma in TREES:
        if order > max_p:
            break
        g = [mp.mpf(1)] * n
        for ch in children:
            Ag = [mp.fsum(A[i][j] * phi[ch][j] for j in range(i)) for i in range(n)]
            g = [g[i] * Ag[i] for i in range(n)]
        phi.append(g)
        for m in range(1, len(weights[0]) + 1) if dense else (None,):
            w = [weights[i][m - 1] if dense else (weights[i] if i < len(weights) else 0) for i in range(n)]
            terms = [w[i] * g[i] for i in range(n)]
            target = mp.mpf(1) / gamma if m in (None, order) else 0
            if abs(mp.fsum(terms) - target) > 1e-13 * (1 + mp.fsum(abs(x) for x in terms)):
                return order - 1
    return max_p


# ---------------------------------------------------------------- test problem
# exact solution u(t); f(t, y) = u'(t) + N(y) - N(u(t)) with a nonlinear, coupling N
def u_exact(t):
    return [1 + mp.sin(t) / 2, mp.exp(-t / 3) + t * t / 5]


def u_dot(t):
    return [mp.cos(t) / 2, -mp.exp(-t / 3) / 3 + 2 * t / 5]


def N(y):
    return [y[1] * y[1] - y[0] * y[1] / 2, mp.sin(y[0]) * y[1] - y[0] * y[0] / 4]


def f(t, y):
    ue, ud = u_exact(t), u_dot(t)
    ny, nu = N(y), N(ue)
    return [ud[i] + ny[i] - nu[i] for i in range(2)]


def stages_k(T, t, y, h, upto):
    """k_0 .. k_{upto-1} of one step; the new-point stage is just a row of a."""
    c, a, k = T["c"], T["a"], []
    for i in range(upto):
        row = a[i * (i - 1) // 2: i * (i - 1) // 2 + i]
        yi = [y[d] + h * mp.fsum(row[j] * k[j][d] for j in range(i)) for d in range(2)]
        k.append(f(t + c[i] * h, yi))
    return k


def combine(y, h, w, k):
    return [y[d] + h * mp.fsum(w[j] * k[j][d] for j in range(len(w))) for d in range(2)]


def err(y, t):
    return max(abs(y[d] - u_exact(t)[d]) for d in range(2))


def slope(hs, es, floor, local=False):
    """least-squares slope of log(err) vs log(h) over the last 3 points above the floor
    (floor for global errors, floor * h for one-step errors)."""
    pts = [(mp.log(h), mp.log(e)) for h, e in zip(hs, es) if e > floor * (h if local else 1)][-3:]
    if len(pts) < 2:
        return float("nan")
    mx = mp.fsum(p[0] for p in pts) / len(pts)
    my = mp.fsum(p[1] for p in pts) / len(pts)
    return float(mp.fsum((p[0] - mx) * (p[1] - my) for p in pts) / mp.fsum((p[0] - mx) ** 2 for p in pts))


def measure(T, floor):
    s, deg = T["stages"], T["interp_degree"]
    b = T["a"][(s - 1) * (s - 2) // 2:][: s - 1]
    bhat = [b[i] - T["btilde"][i] for i in range(s - 1)] + [-T["btilde"][s - 1]]
    out = {}
    # global error of the propagated solution on [0, 1]
    hs, es = [], []
    for n in (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256):
        h, y, e = mp.mpf(1) / n, u_exact(0), 0
        for i in range(n):
            y = combine(y, h, b, stages_k(T, i * h, y, h, s - 1))
            e = max(e, err(y, (i + 1) * h))
        hs.append(h), es.append(e)
        if es[-1] < floor:
            break
    out["order"] = slope(hs, es, floor)
    # local errors of the embedded solution and of the dense output, one step from t0
    t0, y0 = mp.mpf("0.3"), u_exact(mp.mpf("0.3"))
    hs, ee, ed, h = [], [], [], mp.mpf("0.5")
    while len(hs) < 40:
        k = stages_k(T, t0, y0, h, T["total"] if deg else s)
        hs.append(h)
        if T["embedded_order"] > 0:
            ee.append(err(combine(y0, h, bhat, k[:s]), t0 + h))
        if deg:
            e = 0
            for th in map(mp.mpf, THETAS):
                w = [mp.fsum(T["dense"][i][m] * th ** (m + 1) for m in range(deg)) for i in range(T["total"])]
                e = max(e, err(combine(y0, h, w, k), t0 + th * h))
            ed.append(e)
        if max(ee[-1:] + ed[-1:] or [0]) < floor * h:
            break
        h /= mp.sqrt(2)
    if ee:
        out["embedded"] = slope(hs, ee, floor, local=True) - 1
    if deg:
        out["interp"] = slope(hs, ed, floor, local=True) - 1
    return out


# ---------------------------------------------------------------- checks
def check(T):
    rows, ok = [], True

    def row(what, good, detail):
        nonlocal ok
        ok &= bool(good)
        rows.append((what, "PASS" if good else "FAIL", detail))

    s, tot, deg = T["stages"], T["total"], T["interp_degree"]
    sizes = {"c": tot, "a": tot * (tot - 1) // 2, "btilde": s, "bi": tot * deg}
    if deg:
        sizes["bi_monomial"] = tot * deg
    bad = ["%s %d!=%d" % (k, len(T.get(k, [])), n) for k, n in sizes.items() if len(T.get(k, [])) != n]
    row("array sizes", not bad, ", ".join(bad) or ", ".join("%s %d" % kv for kv in sizes.items()))
    if bad:
        return ok, rows
    c, a = T["c"], T["a"]
    worst = max(abs(c[i] - mp.fsum(a[i * (i - 1) // 2: i * (i - 1) // 2 + i])) for i in range(tot))
    row("row sums c_i = sum_j a_ij", worst < 1e-15, "max dev %.1e" % worst)
    digits_dev = worst
    row("c[0] = 0, c[stages-1] = 1", c[0] == 0 and c[s - 1] == 1, "c[%d] = %s" % (s - 1, mp.nstr(c[s - 1], 17)))
    name = T.get("name", T["struct"])
    fsal = False if name in NON_FSAL else True if name in FSAL else None
    if fsal is False:
        row("btilde[stages-1] = 0 (not FSAL)", T["btilde"][s - 1] == 0, "btilde[%d] = %s" % (s - 1, mp.nstr(T["btilde"][s - 1], 5)))
    else:
        rows.append(("btilde[stages-1] (FSAL %s)" % ("yes" if fsal else "unknown"), "info",
                     "btilde[%d] = %s" % (s - 1, mp.nstr(T["btilde"][s - 1], 5))))
    if deg:
        b = list(a[(s - 1) * (s - 2) // 2:][: s - 1]) + [0] * (tot - s + 1)
        dev = max(abs(mp.fsum(T["dense"][i]) - b[i]) for i in range(tot))
        row("b_i(theta=1) = b_i", dev < 1e-14, "max dev %.1e" % dev)
        digits_dev = max(digits_dev, dev)
        mono = T["bi_monomial"]
        dev = max(max(abs(x - y) for x, y in zip(T["dense"][i], mono[i * deg: (i + 1) * deg])) /
                  max([abs(y) for y in mono[i * deg: (i + 1) * deg]] + [1]) for i in range(tot))
        row("bi = bi_monomial (Bernstein basis)", dev < 1e-25, "max rel dev %.1e" % dev)
        # b_i(theta) in double as the step evaluates it, against the exact polynomial: on a grid, within 32 ulp
        # of max|b_i| on [0, 1]; near theta = 0 (an event early in a long step), within 4 ulp of max|b_i| on
        # [0, 2 theta] (the error shrinks with b_i itself, as for monomials)
        worst = worst0 = 0
        for i in range(tot):
            g = T["bi"][i * deg: (i + 1) * deg]
            b = lambda th: mp.fsum(T["dense"][i][m] * th ** (m + 1) for m in range(deg))
            err = lambda th: abs(erk_dense_basis.eval_double(g, th) - b(th))
            bmax = max(abs(b(mp.mpf(q) / 256)) for q in range(257))
            if bmax > 0:
                worst = max([worst] + [err(mp.mpf(q) / 256) / bmax for q in range(257)])
                for th in (mp.mpf(2) ** -q for q in range(4, 31, 2)):
                    worst0 = max(worst0, err(th) / max(abs(b(th * q / 8)) for q in range(17)))
        row("b_i(theta) in double", worst < 32 * 2.0 ** -52 and worst0 < 4 * 2.0 ** -52,
            "max err %.1e of max|b_i|, near 0 %.1e of max|b_i| on [0, 2 theta]" % (worst, worst0))
    # the header's digits satisfy the order conditions only to about digits_dev: fit above that
    floor = min(ERR_FLOOR, max(mp.mpf("1e-35"), 100 * digits_dev))
    meas = measure(T, floor)
    b = a[(s - 1) * (s - 2) // 2:][: s - 1]
    weights = {"order": b, "embedded": [x - y for x, y in zip(b, T["btilde"])] + [-T["btilde"][s - 1]],
               "interp": T.get("dense")}
    claims = {"order": T["order"], "embedded": T["embedded_order"], "interp": min(deg, T["order"])}
    for k in ("order", "embedded", "interp"):
        if k in meas:
            p = tree_order(T, weights[k], min(claims[k] + (k != "interp"), MAX_TREE_ORDER), dense=(k == "interp"))
            row("%s (claimed %d)" % (k, claims[k]), p >= claims[k] and meas[k] >= claims[k] - 0.3,
                "trees %d, measured %.2f" % (p, meas[k]))
    if "stability_size" in T:  # |R(z)| <= 1 on [-size, 0] and the boundary within 3% beyond it
        A = mp.matrix(s - 1, s - 1)  # the stages before the new point; b = the new point's row
        for i in range(s - 1):
            for j in range(i):
                A[i, j] = a[i * (i - 1) // 2 + j]
        one = mp.matrix([1] * (s - 1))
        R = lambda z: abs(1 + z * mp.fsum(b[j] * x for j, x in enumerate((mp.eye(s - 1) - z * A) ** -1 * one)))
        size = T["stability_size"]
        inside = all(R(-size * q / 20) <= 1 for q in range(1, 21))
        row("stability_size %s" % mp.nstr(size, 4), inside and R(-size * mp.mpf("1.03")) > 1,
            "|R(-size)| = %s" % mp.nstr(R(-size), 4))
    return ok, rows


def main(paths):
    all_ok = True
    for p in paths:
        for T in parse(p):
            ok, rows = check(T)
            all_ok &= ok
            print("%s  (%s, %s)  stages %d + %d extra, interp degree %d: %s" % (
                T.get("name", "?"), T["struct"], p, T["stages"], T["extra_stages"], T["interp_degree"],
                "PASS" if ok else "FAIL"))
            for what, res, detail in rows:
                print("  %-34s %-5s %s" % (what, res, detail))
            sys.stdout.flush()
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
