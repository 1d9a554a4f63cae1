#!/usr/bin/python3
"""Convert Hairer's DOP853 dense output (CONTD8) to the monomial b_i(theta) of FORMAT.md
(the header's bi_monomial; tools/erk_dense_basis.py then generates bi from it).

DOP853 (Hairer, Norsett & Wanner, Solving ODEs I, 2nd ed., Sec. II.6 and II.10; dop853.f, version of
April 25, 1996) stores, per accepted step (stages numbered 1..16 as in dop853.f: 1..12 the step,
13 = f(t+h, y1), 14..16 the three extra stages of the dense output),
  r0 = y0, r1 = y1 - y0, r2 = h k1 - r1, r3 = r1 - h k13 - r2, r4..r7 = h sum_i d_{m,i} k_i (m = 4..7)
and evaluates (s = theta, s1 = 1 - theta)
  y(t0 + s h) = r0 + s (r1 + s1 (r2 + s (r3 + s1 (r4 + s (r5 + s1 (r6 + s r7)))))).
With y1 - y0 = h sum_i b_i k_i this is y0 + h sum_i b_i(theta) k_i, b_i of degree 7. The script
prints the coefficients of theta^1..theta^7 of b_1(theta)..b_16(theta), one stage a line, in the
order of FORMAT.md (our stage index = dop853.f's stage number - 1). The inputs are dop853.f's
30-digit decimals, taken as exact; the arithmetic is exact (sympy rationals) and the output is
rounded to 30 significant digits.
"""
import sympy as sp

DIGITS = 30
N = 16  # stages 1..12, the new-point stage 13, extra stages 14..16


def dec(s):
    return sp.Rational(s.replace("D", "e"))


def row(entries):
    """{stage number: Fortran literal} -> list over stages 1..N"""
    return [dec(entries[i]) if i in entries else sp.Integer(0) for i in range(1, N + 1)]


# dop853.f: b1, b6..b12
b = row({1: "5.42937341165687622380535766363D-2", 6: "4.45031289275240888144113950566D0",
         7: "1.89151789931450038304281599044D0", 8: "-5.8012039600105847814672114227D0",
         9: "3.1116436695781989440891606237D-1", 10: "-1.52160949662516078556178806805D-1",
         11: "2.01365400804030348374776537501D-1", 12: "4.47106157277725905176885569043D-2"})
# dop853.f: d41..d416, d51..d516, d61..d616, d71..d716 (stages 1, 6..16)
d = [
    row({1: "-0.84289382761090128651353491142D+01", 6: "0.56671495351937776962531783590D+00",
         7: "-0.30689499459498916912797304727D+01", 8: "0.23846676565120698287728149680D+01",
         9: "0.21170345824450282767155149946D+01", 10: "-0.87139158377797299206789907490D+00",
         11: "0.22404374302607882758541771650D+01", 12: "0.63157877876946881815570249290D+00",
         13: "-0.88990336451333310820698117400D-01", 14: "0.18148505520854727256656404962D+02",
         15: "-0.91946323924783554000451984436D+01", 16: "-0.44360363875948939664310572000D+01"}),
    row({1: "0.10427508642579134603413151009D+02", 6: "0.24228349177525818288430175319D+03",
         7: "0.16520045171727028198505394887D+03", 8: "-0.37454675472269020279518312152D+03",
         9: "-0.22113666853125306036270938578D+02", 10: "0.77334326684722638389603898808D+01",
         11: "-0.30674084731089398182061213626D+02", 12: "-0.93321305264302278729567221706D+01",
         13: "0.15697238121770843886131091075D+02", 14: "-0.31139403219565177677282850411D+02",
         15: "-0.93529243588444783865713862664D+01", 16: "0.35816841486394083752465898540D+02"}),
    row({1: "0.19985053242002433820987653617D+02", 6: "-0.38703730874935176555105901742D+03",
         7: "-0.18917813819516756882830838328D+03", 8: "0.52780815920542364900561016686D+03",
         9: "-0.11573902539959630126141871134D+02", 10: "0.68812326946963000169666922661D+01",
         11: "-0.10006050966910838403183860980D+01", 12: "0.77771377980534432092869265740D+00",
         13: "-0.27782057523535084065932004339D+01", 14: "-0.60196695231264120758267380846D+02",
         15: "0.84320405506677161018159903784D+02", 16: "0.11992291136182789328035130030D+02"}),
    row({1: "-0.25693933462703749003312586129D+02", 6: "-0.15418974869023643374053993627D+03",
         7: "-0.23152937917604549567536039109D+03", 8: "0.35763911791061412378285349910D+03",
         9: "0.93405324183624310003907691704D+02", 10: "-0.37458323136451633156875139351D+02",
         11: "0.10409964950896230045147246184D+03", 12: "0.29840293426660503123344363579D+02",
         13: "-0.43533456590011143754432175058D+02", 14: "0.96324553959188282948394950600D+02",
         15: "-0.39177261675615439165231486172D+02", 16: "-0.14972683625798562581422125276D+03"}),
]

s = sp.Symbol("theta")
k = sp.symbols("k1:%d" % (N + 1))  # stage derivatives; h = 1 since everything is linear in h * k_i
r1 = sum(bi * ki for bi, ki in zip(b, k))
r2 = k[0] - r1
r3 = r1 - k[12] - r2
r4, r5, r6, r7 = (sum(dm[i] * k[i] for i in range(N)) for dm in d)
s1 = 1 - s
dense = sp.expand(s * (r1 + s1 * (r2 + s * (r3 + s1 * (r4 + s * (r5 + s1 * (r6 + s * r7)))))))


def fmt(v):
    if v == 0:
        return "0.0"
    if v.q == 1:
        return "%d.0" % v.p
    t = sp.Float(v, DIGITS + 5)
    return ("%%.%de" % (DIGITS - 1)) % sp.Float(t, DIGITS) if abs(t) < 1e-4 else sp.N(t, DIGITS).__str__()


for i, ki in enumerate(k):
    poly = sp.Poly(dense.coeff(ki), s)
    coeffs = [poly.coeff_monomial(s**m) for m in range(1, 8)]
    # b_i(0) = 0 and b_i(1) = b_i (exactly, since the inputs are taken as exact decimals)
    assert poly.coeff_monomial(1) == 0 and poly.degree() <= 7 and sum(coeffs) == b[i]
    print("      " + ", ".join(fmt(c) for c in coeffs) + ",  // b_%d(theta)" % (i + 1))
