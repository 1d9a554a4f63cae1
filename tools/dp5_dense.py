#!/usr/bin/python3
"""Convert Hairer's DOPRI5 dense output (CONTD5) to the monomial b_i(theta) of FORMAT.md
(the header's bi_monomial; tools/erk_dense_basis.py then generates bi from it).

DOPRI5 (Hairer, Norsett & Wanner, Solving ODEs I, 2nd ed., Sec. II.6; dopri5.f) stores, per step,
  r1 = y0, r2 = y1 - y0, r3 = h k1 - r2, r4 = r2 - h k7 - r3, r5 = h sum_i d_i k_i
and evaluates y(t0 + theta h) = r1 + theta (r2 + (1-theta) (r3 + theta (r4 + (1-theta) r5))).
With y1 - y0 = h sum_i b_i k_i this is y0 + h sum_i b_i(theta) k_i; the script prints the
coefficients of theta^1..theta^4 of each b_i(theta) as exact rationals.
"""
import sympy as sp

R = sp.Rational
b = [R(35, 384), 0, R(500, 1113), R(125, 192), R(-2187, 6784), R(11, 84), 0]
d = [R(-12715105075, 11282082432), 0, R(87487479700, 32700410799), R(-10690763975, 1880347072),
     R(701980252875, 199316789632), R(-1453857185, 822651844), R(69997945, 29380423)]

th = sp.Symbol("theta")
k = sp.symbols("k1:8")  # stage derivatives; h = 1 since everything is linear in h * k_i
r2 = sum(bi * ki for bi, ki in zip(b, k))
r3 = k[0] - r2
r4 = r2 - k[6] - r3
r5 = sum(di * ki for di, ki in zip(d, k))
dense = sp.expand(th * (r2 + (1 - th) * (r3 + th * (r4 + (1 - th) * r5))))

for i, ki in enumerate(k):
    poly = sp.Poly(dense.coeff(ki), th)
    coeffs = [poly.coeff_monomial(th**m) for m in range(1, 5)]
    assert poly.coeff_monomial(1) == 0 and sum(coeffs) == b[i]  # b_i(0) = 0, b_i(1) = b_i
    print("  " + ", ".join("%s.0 / %s.0" % (c.p, c.q) if c.q != 1 else "%s.0" % c.p for c in coeffs)
          + ",  // b_%d(theta)" % (i + 1))
