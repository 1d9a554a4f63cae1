#!/usr/bin/python3
"""Check (E)SDIRK tableau headers (include/sciml/tableau/sdirk/*.hpp; format: FORMAT.md there).

usage: tools/check_sdirk_tableau.py HEADER.hpp [...]

The full s x s matrix A is the header's strict lower triangle `a` plus `gamma` on the diagonal, except
A[0][0] = 0 when explicit_first = 1. For every `struct` it checks, in mpmath at 50 digits:
  * the fields are there and the array sizes fit `stages` (and `interp_degree`), gamma > 0;
  * c[0] = 0 for an explicit first stage; the row sums sum_j A_ij = c_i;
  * stiffly accurate: b equals the last row of A (gamma included) and c[s-1] = 1;
  * b satisfies every order condition (rooted trees) up to `order`, and bhat = b - btilde every one up
    to `embedded_order` (the highest order each satisfies, up to 6, is printed too);
  * the dense output (interp_degree > 0): b_i(1) = sum_r bi[(r-1)*s+i] = b_i, and
    sum_i b_i(theta) Phi_i(t) = theta^|t| / gamma(t) for all trees |t| <= min(interp_degree, order) at
    the THETAS below (more points than the polynomial degree, so it holds for every theta);
  * L-stability of R(z) = 1 + z b^T (I - zA)^{-1} 1: the poles 1/gamma lie in the right half-plane,
    |R(iy)| <= 1 on a grid of y in [1e-3, 1e8] (with the maximum principle this is A-stability), and
    |R(-1e8)| < 1e-6.
An identity holds if |lhs - rhs| <= tol * (1 + sum of |terms|), tol per tableau from TOL below: exact
rationals must hold to 1e-40; headers whose digits are rounded published decimals get a stated looser tol
(DENSE_TOL: the same for the dense output's identities).
Exits 1 on any failure.
"""
import re
import sys

import mpmath as mp

import tableau_header

mp.mp.dps = 50
MAX_TREE_ORDER = 6
THETAS = ("0.1", "0.25", "0.5", "0.75", "0.9")
DEFAULT_TOL = mp.mpf("1e-40")  # exact rationals (p.0 / q.0 where both fit a double exactly)
TOL = {
    # 22 significant digits of irrational values (sqrt 2)
    "TRBDF2": mp.mpf("1e-20"),
    # Kvaerno's published 17-digit decimals (the method has no exact form): row sums and order conditions
    # hold to ~1e-17 (measured 9.6e-18 and 1.6e-17)
    "Kvaerno5": mp.mpf("1e-16"),
}
# the dense-output identities, where looser than TOL: Kennedy & Carpenter's b*_ij are 13-digit rational
# approximations (b_i(1) = b_i holds to ~2e-26), though their method coefficients are exact
DENSE_TOL = {
    "KenCarp4": mp.mpf("1e-24"),
}


# ---------------------------------------------------------------- parsing
parse = tableau_header.parse


TREES = tableau_header.rooted_trees(MAX_TREE_ORDER)  # 1, 1, 2, 4, 9, 20 trees of order 1..6


def elementary_weights(A):
    """Phi_i(t) for every tree, in TREES order."""
    s = len(A)
    phi = []
    for children, _, _ in TREES:
        g = [mp.mpf(1)] * s
        for ch in children:
            g = [g[i] * mp.fsum(A[i][j] * phi[ch][j] for j in range(s)) for i in range(s)]
        phi.append(g)
    return phi


def order_residuals(w, phi, theta=None):
    """per tree: (order, |sum_i w_i Phi_i - theta^|t|/gamma(t)| / (1 + sum |w_i Phi_i|))."""
    out = []
    for (_, n, g), ph in zip(TREES, phi):
        terms = [wi * p for wi, p in zip(w, ph)]
        target = (mp.mpf(1) if theta is None else theta ** n) / g
        out.append((n, abs(mp.fsum(terms) - target) / (1 + mp.fsum(abs(x) for x in terms))))
    return out


def achieved(res, tol):
    """highest p <= MAX_TREE_ORDER with every condition of order <= p within tol."""
    p = 0
    while p < MAX_TREE_ORDER and all(r <= tol for n, r in res if n == p + 1):
        p += 1
    return p


def worst(res, upto):
    return max([r for n, r in res if n <= upto] or [mp.mpf(0)])


# ---------------------------------------------------------------- stability function
def R(A, b, z):
    s = len(A)
    M = mp.matrix(s, s)
    for i in range(s):
        for j in range(s):
            M[i, j] = (1 if i == j else 0) - z * A[i][j]
    x = mp.lu_solve(M, mp.matrix([1] * s))
    return 1 + z * mp.fsum(b[i] * x[i] for i in range(s))


# ---------------------------------------------------------------- checks
REQUIRED_INT = ("order", "embedded_order", "stages", "explicit_first", "stiffly_accurate", "interp_degree")


def check(T):
    rows, ok = [], True
    tol = TOL.get(T.get("name"), DEFAULT_TOL)
    dtol = DENSE_TOL.get(T.get("name"), tol)

    def row(what, good, detail):
        nonlocal ok
        ok &= bool(good)
        rows.append((what, "PASS" if good else "FAIL", detail))

    missing = [k for k in REQUIRED_INT + ("name", "reference", "gamma", "c", "a", "b", "btilde") if k not in T]
    if T.get("interp_degree", 0) > 0 and "bi" not in T:
        missing.append("bi")
    if missing:
        row("fields", False, "missing: " + ", ".join(missing))
        return ok, rows, tol
    s, D, g = T["stages"], T["interp_degree"], T["gamma"]
    sizes = {"c": s, "a": s * (s - 1) // 2, "b": s, "btilde": s}
    if D > 0:
        sizes["bi"] = D * s
    bad = ["%s %d!=%d" % (k, len(T[k]), n) for k, n in sizes.items() if len(T[k]) != n]
    row("array sizes", not bad, ", ".join(bad) or ", ".join("%s %d" % kv for kv in sizes.items()))
    if bad:
        return ok, rows, tol
    row("gamma > 0", g > 0, "gamma = %s" % mp.nstr(g, 22))

    ef = T["explicit_first"]
    A = [[T["a"][i * (i - 1) // 2 + j] if j < i else (g if j == i and not (ef and i == 0) else mp.mpf(0))
          for j in range(s)] for i in range(s)]
    b, c = T["b"], T["c"]
    bhat = [b[i] - T["btilde"][i] for i in range(s)]

    if ef:
        row("explicit first stage: c[0] = 0", c[0] == 0, "c[0] = %s" % mp.nstr(c[0], 5))
    dev = [abs(mp.fsum(A[i]) - c[i]) / (1 + mp.fsum(abs(x) for x in A[i])) for i in range(s)]
    row("row sums sum_j A_ij = c_i (diag gamma)", max(dev) <= tol, "max dev %s" % mp.nstr(max(dev), 3))

    if T["stiffly_accurate"]:
        dsa = max(abs(b[j] - A[s - 1][j]) for j in range(s))
        row("stiffly accurate: b = last row of A", dsa <= tol and abs(c[s - 1] - 1) <= tol,
            "max |b_j - A_sj| %s, c[s-1] = %s" % (mp.nstr(dsa, 3), mp.nstr(c[s - 1], 17)))

    phi = elementary_weights(A)
    for label, w, claim in (("b", b, T["order"]), ("bhat = b - btilde", bhat, T["embedded_order"])):
        res = order_residuals(w, phi)
        p, wr = achieved(res, tol), worst(res, claim)
        row("%s: order conditions to %d" % (label, claim), wr <= tol,
            "worst residual %s, satisfies order %d%s" % (mp.nstr(wr, 3), p, "+" if p == MAX_TREE_ORDER else ""))
    row("btilde != 0 (an error estimate)", any(x != 0 for x in T["btilde"]), "")

    if D > 0:
        bi = T["bi"]
        w = lambda th: [mp.fsum(bi[r * s + i] * th ** (r + 1) for r in range(D)) for i in range(s)]
        d1 = max(abs(x - y) for x, y in zip(w(mp.mpf(1)), b))
        row("dense: b_i(1) = b_i (tol %s)" % mp.nstr(dtol, 2), d1 <= dtol, "max dev %s" % mp.nstr(d1, 3))
        q = min(D, T["order"])
        wr, pmin = mp.mpf(0), MAX_TREE_ORDER
        for th in map(mp.mpf, THETAS):
            res = order_residuals(w(th), phi, th)
            wr, pmin = max(wr, worst(res, q)), min(pmin, achieved(res, dtol))
        row("dense: order conditions to %d (tol %s)" % (q, mp.nstr(dtol, 2)), wr <= dtol,
            "theta in {%s}: worst residual %s, satisfies order %d" % (", ".join(THETAS), mp.nstr(wr, 3), pmin))

    # L-stability: R has its poles at 1/gamma; |R| <= 1 on the imaginary axis and R(-inf) = 0
    ys = [mp.mpf(10) ** (mp.mpf(k) / 20) for k in range(-60, 161)]
    rmax, yarg = max((abs(R(A, b, mp.mpc(0, y))), y) for y in ys)
    row("|R(iy)| <= 1, y in [1e-3, 1e8]", g > 0 and rmax <= 1 + 10 * tol,
        "max |R(iy)| = 1 %s %s at y = %s" % ("+" if rmax >= 1 else "-", mp.nstr(abs(rmax - 1), 3),
                                               mp.nstr(yarg, 3)))
    rinf = abs(R(A, b, mp.mpf("-1e8")))
    row("|R(-1e8)| < 1e-6 (L-stable)", rinf < 1e-6, "|R(-1e8)| = %s" % mp.nstr(rinf, 3))
    return ok, rows, tol


def main(paths):
    all_ok = True
    for p in paths:
        try:
            tabs = parse(p)
        except (OSError, ValueError, KeyError, SyntaxError) as e:
            print("%s: cannot read the tableau (%s): FAIL" % (p, e))
            all_ok = False
            continue
        if not tabs:
            print("%s: no tableau struct found: FAIL" % p)
            all_ok = False
        for T in tabs:
            ok, rows, tol = check(T)
            all_ok &= ok
            print("%s  (%s, %s)  stages %s, order %s(%s), interp degree %s, tol %s: %s" % (
                T.get("name", "?"), T["struct"], p, T.get("stages"), T.get("order"), T.get("embedded_order"),
                T.get("interp_degree"), mp.nstr(tol, 2), "PASS" if ok else "FAIL"))
            for what, res, detail in rows:
                print("  %-42s %-5s %s" % (what, res, detail))
            sys.stdout.flush()
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
