#!/usr/bin/python3
"""Check (or print) the constants of the RadauIIA5 header (include/sciml/tableau/radau/radau_iia5.hpp).

usage: tools/check_radau_tableau.py HEADER.hpp     check the header's digits against 50-digit values
       tools/check_radau_tableau.py --print        print the 50-digit values

From the Radau IIA collocation method with 3 stages (c = (4 -+ sqrt 6)/10, 1; Hairer & Wanner II, Sec. IV.8) it
derives, in mpmath: A; the eigenvalues of A^-1 (one real gamma, a pair alpha -+ i beta); T with T^-1 A^-1 T =
[[gamma, 0, 0], [0, alpha, -beta], [0, beta, alpha]] and last row (1, 1, 0) as in Hairer's RADAU5; the error
estimate weights e_i (the estimate
yhat - u_new = gamma0 (h f0 + sum e_i Z_i), gamma0 = 1/gamma, is O(h^4));
and the dense output weights (the collocation polynomial through (0, u), (c_i, u + Z_i)). It checks that the
header's values match to 1e-15 relative, that T^-1 A^-1 T has the block form, that the embedded estimate has
local error O(h^4) and the method O(h^6) on y' = y, and that the dense output reproduces the nodes.
"""
import re
import sys

import mpmath as mp

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from check_erk_tableau import parse  # noqa: E402

mp.mp.dps = 50


def constants():
    s6 = mp.sqrt(6)
    c = [(4 - s6) / 10, (4 + s6) / 10, mp.mpf(1)]
    A = mp.matrix([[(88 - 7 * s6) / 360, (296 - 169 * s6) / 1800, (-2 + 3 * s6) / 225],
                   [(296 + 169 * s6) / 1800, (88 + 7 * s6) / 360, (-2 - 3 * s6) / 225],
                   [(16 - s6) / 36, (16 + s6) / 36, mp.mpf(1) / 9]])
    Ai = A ** -1
    E, V = mp.eig(Ai)
    ir = min(range(3), key=lambda i: abs(mp.im(E[i])))
    ic = [i for i in range(3) if i != ir and mp.im(E[i]) < 0][0]  # alpha - i beta
    gamma = mp.re(E[ir])
    alpha, beta = mp.re(E[ic]), -mp.im(E[ic])
    v1 = [V[i, ir] / V[2, ir] for i in range(3)]
    v = [V[i, ic] / V[2, ic] for i in range(3)]
    T = mp.matrix([[mp.re(v1[i]), mp.re(v[i]), mp.im(v[i])] for i in range(3)])
    TI = T ** -1
    e = [-(13 + 7 * s6) / 3, (-13 + 7 * s6) / 3, mp.mpf(-1) / 3]  # times gamma0 = 1/gamma
    # dense output: u(theta) = u + sum_i l_i(theta) Z_i, l_i the Lagrange basis on {0, c1, c2, 1} at c_i
    nodes = [mp.mpf(0)] + c
    bi = []  # bi[r][i]: coefficient of theta^(r+1) in l_i
    polys = []
    for i in range(3):
        others = [x for j, x in enumerate(nodes) if j != i + 1]
        coef = [mp.mpf(1)]  # prod (theta - x) / (c_i - x), ascending powers
        for x in others:
            new = [mp.mpf(0)] * (len(coef) + 1)
            for k, a in enumerate(coef):
                new[k] -= a * x / (c[i] - x)
                new[k + 1] += a / (c[i] - x)
            coef = new
        polys.append(coef)
    for r in range(3):
        bi.append([polys[i][r + 1] for i in range(3)])
    return dict(c=c, A=A, gamma=gamma, alpha=alpha, beta=beta, T=T, TI=TI, e=e, bi=bi)


def check_theory(k):
    ok = True
    L = k["TI"] * (k["A"] ** -1) * k["T"]
    want = mp.matrix([[k["gamma"], 0, 0], [0, k["alpha"], -k["beta"]], [0, k["beta"], k["alpha"]]])
    ok &= max(abs(L[i, j] - want[i, j]) for i in range(3) for j in range(3)) < mp.mpf("1e-40")
    ok &= all(abs(k["T"][2, j] - [1, 1, 0][j]) < mp.mpf("1e-40") for j in range(3))
    # y' = y: Z = (I - hA)^-1 h A 1 (1 + 0): method and embedded local errors
    errs, errs_hat = [], []
    hs = [mp.mpf(1) / 2 ** i for i in range(4, 8)]
    for h in hs:
        Z = (mp.eye(3) - h * k["A"]) ** -1 * (h * k["A"] * mp.matrix([1, 1, 1]))
        y1 = 1 + Z[2]
        est = h / k["gamma"] + sum(k["e"][i] / k["gamma"] * Z[i] for i in range(3))  # yhat - y1, f0 = 1
        errs.append(abs(y1 - mp.e ** h))
        errs_hat.append(abs(est))
    slope = lambda es: mp.log(es[-2] / es[-1]) / mp.log(2)
    p, phat = slope(errs), slope(errs_hat)
    ok &= abs(p - 6) < 0.3 and abs(phat - 4) < 0.3  # local errors: order + 1
    for i in range(3):  # dense output: l_j(c_i) = delta_ij
        for j in range(3):
            lj = sum(k["bi"][r][j] * k["c"][i] ** (r + 1) for r in range(3))
            ok &= abs(lj - (1 if i == j else 0)) < mp.mpf("1e-40")
    print("RadauIIA5 theory: local order of u_new %.2f (want 6), of the embedded estimate %.2f (want 4), "
          "block form and dense output %s" % (p, phat, "ok" if ok else "FAILED"))
    return ok


def flat(k):
    return {"gamma": k["gamma"], "alpha": k["alpha"], "beta": k["beta"], "c": k["c"],
            "T": [k["T"][i, j] for i in range(3) for j in range(3)],
            "TI": [k["TI"][i, j] for i in range(3) for j in range(3)], "e": k["e"],
            "bi": [x for row in k["bi"] for x in row]}


def main():
    k = constants()
    if sys.argv[1:] == ["--print"]:
        for name, v in flat(k).items():
            print(name, [mp.nstr(x, 22) for x in v] if isinstance(v, list) else mp.nstr(v, 22))
        return 0
    ok = check_theory(k)
    for path in sys.argv[1:]:
        for t in parse(path):
            for name, v in flat(k).items():
                got = t.get(name)
                vals = v if isinstance(v, list) else [v]
                gots = got if isinstance(got, list) else [got]
                if got is None or len(gots) != len(vals):
                    print("%s: %s missing or of the wrong length" % (t["struct"], name))
                    ok = False
                    continue
                bad = [i for i, (a, b) in enumerate(zip(gots, vals)) if abs(a - b) > mp.mpf("1e-15") * (1 + abs(b))]
                if bad:
                    print("%s: %s entries %s differ from the 50-digit values" % (t["struct"], name, bad))
                    ok = False
            print("%s: constants %s" % (t["struct"], "ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
