#!/usr/bin/python3
"""Convert the dense output of the explicit RK tableau headers to the Bernstein form the step evaluates.

usage: tools/erk_dense_basis.py [--write] HEADER.hpp [...]

Each header with interp_degree = D > 0 holds the published interpolant as monomial coefficients,
  b_i(theta) = sum_{m=1..D} bi_monomial[i*D + m-1] theta^m,
and, generated from it by this script, the form the step evaluates (include/sciml/tableau/erk/FORMAT.md),
the scaled Bernstein basis:
  b_i(theta) = sum_{m=1..D} bi[i*D + m-1] theta^m (1-theta)^(D-m).
The monomial coefficients of Verner's interpolants reach 1e6 while b_i(theta) = O(1), so rounding them
to double and summing them loses ~10 digits; in the Bernstein basis the terms are bounded by ~50 max|b_i|
(Vern9) and the end values are exact: b_i(0) = 0, b_i(1) = bi[i*D + D-1].

The conversion is done in mpmath at 50 digits and printed to 32 significant digits. A header still in
the old form (monomial coefficients in `bi`, no `bi_monomial`) is read as such. Without --write the
new `bi` arrays are printed; with --write each header is rewritten in place (its monomial array kept
as `bi_monomial`, `bi` replaced by the Bernstein coefficients).
"""
import re
import sys

import mpmath as mp

import tableau_header

mp.mp.dps = 50
DIGITS = 32


def monomial_to_bernstein(a):
    """a[m-1] = coefficient of theta^m (m = 1..D) -> g[m-1] with b(theta) = sum_m g[m-1] theta^m (1-theta)^(D-m):
    theta^m = theta^m (theta + 1 - theta)^(D-m) gives g_j = sum_{m<=j} C(D-m, j-m) a_m."""
    D = len(a)
    return [mp.fsum(mp.binomial(D - m, j - m) * a[m - 1] for m in range(1, j + 1)) for j in range(1, D + 1)]


def bernstein_to_monomial(g):
    """The inverse: a_n = sum_{j<=n} (-1)^(n-j) C(D-j, n-j) g_j."""
    D = len(g)
    return [mp.fsum((-1) ** (n - j) * mp.binomial(D - j, n - j) * g[j - 1] for j in range(1, n + 1))
            for n in range(1, D + 1)]


def eval_double(g, theta):
    """b(theta) from the coefficients in double, in the operations (and order) of ERK::interpolate in
    include/sciml/algorithm/erk/explicit_rk.hpp: the basis values theta^m (1-theta)^(D-m), then their sum."""
    g = [float(x) for x in g]
    D, th = len(g), float(theta)
    tp, op = [1.0] * (D + 1), [1.0] * (D + 1)  # theta^m, (1-theta)^m
    for m in range(1, D + 1):
        tp[m] = tp[m - 1] * th
        op[m] = op[m - 1] * (1.0 - th)
    acc = 0.0
    for m in range(1, D + 1):
        acc += g[m - 1] * (tp[m] * op[D - m])
    return acc


def monomial_source(T):
    """Per stage, the monomial coefficients the header holds (bi_monomial, or bi in the old form)."""
    D = T["interp_degree"]
    src = T["bi_monomial"] if "bi_monomial" in T else T["bi"]
    return [src[i * D: (i + 1) * D] for i in range(len(src) // D)]


def fmt(x):
    return "0.0" if x == 0 else mp.nstr(x, DIGITS, min_fixed=-4, max_fixed=6)


def bi_array(T):
    """The C++ text of the new `bi` array (with its comment)."""
    lines = ["  // b_i(theta) = sum_{m=1..D} bi[i*D + m-1] theta^m (1-theta)^(D-m), D = interp_degree: bi_monomial",
             "  // in the scaled Bernstein basis, by tools/erk_dense_basis.py (50 digits, 32 printed)",
             "  static constexpr std::array<double, total * interp_degree> bi{"]
    for i, a in enumerate(monomial_source(T)):
        c = monomial_to_bernstein(a)
        lines.append("      " + ", ".join(fmt(x) for x in c) + ",  // b_%d(theta)" % (i + 1))
    return "\n".join(lines) + "\n  };"


ARRAY = r"static constexpr std::array<double, total \* interp_degree> %s\{.*?\n  \};"
BI_COMMENT = r"(  //[^\n]*\n)*  "  # the comment lines just above the generated `bi`


def rewrite(path, T):
    text = open(path).read()
    if "bi_monomial" in T:  # replace the generated array (and its comment)
        text, n = re.subn(BI_COMMENT + ARRAY % "bi", lambda m: bi_array(T), text, flags=re.S)
    else:  # old form: keep the monomial array as bi_monomial, the new bi after it
        head = ("  // b_i(theta) = sum_{m=1..interp_degree} bi_monomial[i*interp_degree + m-1] theta^m: the published\n"
                "  // interpolant, the source of bi (not read by the step: badly conditioned in double)\n  ")
        text, n = re.subn(r"  " + ARRAY % "bi",
                          lambda m: head + m.group(0).strip().replace("> bi{", "> bi_monomial{") + "\n" + bi_array(T),
                          text, flags=re.S)
    if n != 1:
        raise SystemExit("%s: found %d `bi` arrays, expected 1" % (path, n))
    open(path, "w").write(text)


def main(args):
    write = "--write" in args
    paths = [a for a in args if a != "--write"]
    if not paths:
        sys.exit(__doc__)
    for path in paths:
        tabs = [T for T in tableau_header.parse(path) if T.get("interp_degree", 0) > 0]
        if len(tabs) > 1:
            raise SystemExit("%s: more than one tableau with a dense output" % path)
        for T in tabs:
            if write:
                rewrite(path, T)
                print("%s: %s bi rewritten" % (path, T["struct"]))
            else:
                print("// %s (%s)\n%s" % (T["struct"], path, bi_array(T)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
