"""Random right-hand sides for the property-based tests (test_properties.py).

A model is a list of small expression trees (tuples, see `Node kinds` below) over u[i], p[j], t and constants,
one per state, wrapped as f_i = -a_i u_i + s_i tanh(k_i e_i) so that every solution stays bounded
(|u_i| <= max(|u0_i|, |s_i| / a_i)). The trees are printed once as Python source that uses np.* and
sciml.ifelse; that one text is run twice: with NumPy and sciml (traced into the library's expression graph) and
with `math` stand-ins on floats (the SciPy reference). Model.__repr__ prints that source, so a failing example
that Hypothesis reports is its own reproducer.

Node kinds: ("u", i) ("p", j) ("t",) ("c", x) ("neg", a) ("add"|"sub"|"mul"|"div", a, b) ("sin"|"cos"|"tanh"|
"exp"|"sqrt", a) ("pow", a, k) ("gt"|"lt", a, b) ("ifelse", cond, a, b) ("max"|"min", a, b). The generator only
builds safe forms: division by (d + b*b) with d > 0, exp of a bounded argument, sqrt(x*x + c) with c > 0,
negative powers of (d + b*b)."""
import math
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------------------
# Printing: one source text, two namespaces
_FUN = {"sin": "np.sin", "cos": "np.cos", "tanh": "np.tanh", "exp": "np.exp", "sqrt": "np.sqrt"}
_BIN = {"add": "+", "sub": "-", "mul": "*", "div": "/", "gt": ">", "lt": "<"}


def to_source(e):
    k = e[0]
    if k == "u":
        return f"u[{e[1]}]"
    if k == "p":
        return f"p[{e[1]}]"
    if k == "t":
        return "t"
    if k == "c":
        return f"({e[1]!r})" if (e[1] < 0 or math.copysign(1.0, e[1]) < 0) else repr(e[1])
    if k == "neg":
        return f"(-{to_source(e[1])})"
    if k in _BIN:
        return f"({to_source(e[1])} {_BIN[k]} {to_source(e[2])})"
    if k in _FUN:
        return f"{_FUN[k]}({to_source(e[1])})"
    if k == "pow":
        return f"({to_source(e[1])} ** {e[2]})"
    if k == "ifelse":
        return f"sciml.ifelse({to_source(e[1])}, {to_source(e[2])}, {to_source(e[3])})"
    if k == "max":
        return f"np.maximum({to_source(e[1])}, {to_source(e[2])})"
    if k == "min":
        return f"np.minimum({to_source(e[1])}, {to_source(e[2])})"
    raise ValueError(f"unknown node {k!r}")


class _MathNp:
    """np.* as the generated source uses it, on Python floats (the reference; faster than NumPy scalars)."""
    sin, cos, tanh, exp, sqrt = math.sin, math.cos, math.tanh, math.exp, math.sqrt
    maximum, minimum = max, min
    array = list


class _MathSciml:
    @staticmethod
    def ifelse(c, a, b):
        return a if c else b


def _compile(src, name, ns):
    code = compile(src, f"<random model {name}>", "exec")
    scope = dict(ns)
    exec(code, scope)  # noqa: S102 - our own generated text
    return scope["f"]


# ---------------------------------------------------------------------------------------------------------
@dataclass
class Model:
    """f_i = -a_i u_i + s_i tanh(k_i e_i), out of place or in place, with its u0 and p."""
    exprs: list
    decay: list
    scale: list
    gain: list
    u0: list
    p: list
    inplace: bool
    container: str = "list"  # what the out-of-place f returns: list, tuple or array
    extra: str = ""          # a description of the model's family (for the report)
    mags: list = None        # bounds on |e_i| (from the generator)
    blowup: float = 0.0      # > 0: f_0 gets + blowup * u[0] ** 2 (the one model that is meant to blow up)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self):
        return len(self.exprs)

    def terms(self):
        out = []
        for i, e in enumerate(self.exprs):
            inner = to_source(e)
            if self.gain[i] != 1.0:
                inner = f"{self.gain[i]!r} * {inner}"
            term = f"{-self.decay[i]!r} * u[{i}] + {self.scale[i]!r} * np.tanh({inner})"
            if i == 0 and self.blowup:
                term += f" + {self.blowup!r} * u[0] ** 2"
            out.append(term)
        return out

    @property
    def source(self):
        terms = self.terms()
        if self.inplace:
            body = "".join(f"    du[{i}] = {s}\n" for i, s in enumerate(terms))
            return f"def f(du, u, p, t):\n{body}"
        items = ",\n        ".join(terms)
        open_, close = {"list": ("[", "]"), "tuple": ("(", ",)" if self.n == 1 else ")"),
                        "array": ("np.array([", "])")}[self.container]
        return f"def f(u, p, t):\n    return {open_}\n        {items}{close}\n"

    def sciml_f(self):
        """f for sciml.ODEProblem (traced)."""
        import sciml
        if "sciml" not in self._cache:
            self._cache["sciml"] = _compile(self.source, "sciml", {"np": np, "sciml": sciml})
        return self._cache["sciml"]

    def sciml_p(self):
        return np.array(self.p, dtype=float) if self.p else None

    def numeric_f(self):
        """fun(t, y) for scipy.integrate.solve_ivp, evaluating the same source on floats."""
        if "num" not in self._cache:
            g = _compile(self.source, "numeric", {"np": _MathNp, "sciml": _MathSciml})
            n, p = self.n, [float(x) for x in self.p]
            if self.inplace:
                def fun(t, y):
                    du = [None] * n
                    g(du, [float(x) for x in y], p, float(t))
                    return np.array(du, dtype=float)
            else:
                def fun(t, y):
                    return np.array(g([float(x) for x in y], p, float(t)), dtype=float)
            self._cache["num"] = fun
        return self._cache["num"]

    def __repr__(self):
        return (f"Model({self.extra or 'bounded'}; n={self.n}, inplace={self.inplace})\n{self.source}"
                f"u0 = {self.u0!r}\np = {self.p!r}\n")


# ---------------------------------------------------------------------------------------------------------
# Generation, with bounds: M bounds |value| and D the gradient's size in (u, t), given |u| <= U, |t| <= T,
# |p| <= P. The final scale k_i = min(1, DCAP / D) keeps tame models non-stiff.
U, T, P, C = 2.0, 3.0, 1.0, 2.0
DCAP = 8.0

finite = dict(allow_nan=False, allow_infinity=False)


def real(lo, hi, nasty=True):
    """A float in [lo, hi]: nasty, Hypothesis's floats (bounds, subnormals, -0.0 ... often); else spread evenly
    over the interval (models whose dynamics are not all trivial, for accuracy checks)."""
    if nasty:
        return st.floats(lo, hi, **finite)
    return st.integers(0, 2 ** 24).map(lambda k: min(hi, max(lo, lo + (hi - lo) * (k / 2 ** 24))))


def _const(draw, nasty):
    return draw(st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0]), real(-C, C, nasty)))


# A known bug: a NumPy scalar on the left of a comparison with a traced value (`np.exp(0.0) > u[0]`) is not
# traced. While this is True the generator swaps such comparisons; test_properties.py sets it from its
# KNOWN_BUGS["numpy_scalar_on_left"].
AVOID_NUMPY_SCALAR_ON_LEFT = True


def has_var(e):
    """Whether e reads u, p or t (otherwise NumPy evaluates it to a NumPy scalar while tracing)."""
    return e[0] in ("u", "p", "t") or any(has_var(x) for x in e[1:] if isinstance(x, tuple))


def peak(e, u, p, t):
    """(value, the largest |value| of e and its sub-expressions) at a point: the scale of rounding errors."""
    k = e[0]
    if k in ("u", "p", "t", "c"):
        v = {"u": lambda: u[e[1]], "p": lambda: p[e[1]], "t": lambda: t, "c": lambda: e[1]}[k]()
        return v, abs(v)
    if k == "pow":
        a, pa = peak(e[1], u, p, t)
        v = a ** e[2]
        return v, max(pa, abs(v))
    if k == "ifelse":
        (c, pc), (a, pa), (b, pb) = (peak(x, u, p, t) for x in e[1:])
        v = a if c else b
        return v, max(pc, pa, pb)
    args = [peak(x, u, p, t) for x in e[1:]]
    vals = [a for a, _ in args]
    fun = {"neg": lambda a: -a, "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "gt": lambda a, b: float(a > b), "lt": lambda a, b: float(a < b),
           "max": max, "min": min, "sin": math.sin, "cos": math.cos, "tanh": math.tanh, "exp": math.exp,
           "sqrt": math.sqrt}[k]
    v = fun(*vals)
    return v, max([abs(v)] + [q for _, q in args])


@st.composite
def expressions(draw, n, np_, depth, tame, smooth=False, nasty=True):
    """(node, M, D). tame: ifelse conditions only on t (no sliding modes), the rest as in the wild. smooth: no
    ifelse, max or min (for finite-difference checks of the Jacobian)."""
    leaf_only = depth <= 0 or draw(st.integers(0, 4)) == 0
    if leaf_only:
        kinds = ["u", "c", "t"] + (["p"] if np_ else [])
        k = draw(st.sampled_from(kinds))
        if k == "u":
            return ("u", draw(st.integers(0, n - 1))), U, 1.0
        if k == "p":
            return ("p", draw(st.integers(0, np_ - 1))), P, 0.0
        if k == "t":
            return ("t",), T, 1.0
        c = _const(draw, nasty)
        return ("c", c), abs(c), 0.0
    kind = draw(st.sampled_from(["add", "mul", "sin", "sub", "tanh", "cos", "neg", "div", "exp", "sqrt", "pow"]
                                + ([] if smooth else ["max", "min", "ifelse"])))
    sub = expressions(n, np_, depth - 1, tame, smooth, nasty)
    if kind in ("add", "sub"):
        (a, ma, da), (b, mb, db) = draw(sub), draw(sub)
        return (kind, a, b), ma + mb, da + db
    if kind == "mul":
        (a, ma, da), (b, mb, db) = draw(sub), draw(sub)
        return ("mul", a, b), ma * mb, ma * db + mb * da
    if kind == "neg":
        a, ma, da = draw(sub)
        return ("neg", a), ma, da
    if kind in ("sin", "cos", "tanh"):
        a, ma, da = draw(sub)
        return (kind, a), (min(1.0, ma) if kind != "cos" else 1.0), da
    if kind == "div":  # a / (d + b*b)
        (a, ma, da), (b, mb, db) = draw(sub), draw(sub)
        d = draw(real(0.25, 2.0, nasty))
        return ("div", a, ("add", ("c", d), ("mul", b, b))), ma / d, da / d + ma * 2 * mb * db / d ** 2
    if kind == "exp":  # of a bounded argument
        a, ma, da = draw(sub)
        how = draw(st.sampled_from(["sin", "tanh", "gauss"]))
        if how == "gauss":
            return ("exp", ("neg", ("mul", a, a))), 1.0, 2 * ma * da
        return ("exp", (how, a)), math.e, math.e * da
    if kind == "sqrt":  # sqrt(x*x + c)
        a, ma, da = draw(sub)
        c = draw(real(0.01, 2.0, nasty))
        return ("sqrt", ("add", ("mul", a, a), ("c", c))), math.sqrt(ma * ma + c), da
    if kind == "pow":
        a, ma, da = draw(sub)
        k = draw(st.sampled_from([2, 3, 0, 1, 4, -1, -2]))
        if k >= 0:
            return ("pow", a, k), ma ** k, (k * ma ** (k - 1) * da if k else 0.0)
        d = draw(real(0.25, 2.0, nasty))
        base = ("add", ("c", d), ("mul", a, a))
        return ("pow", base, k), d ** k, -k * d ** (k - 1) * 2 * ma * da
    if kind in ("max", "min"):
        (a, ma, da), (b, mb, db) = draw(sub), draw(sub)
        return (kind, a, b), max(ma, mb), max(da, db)
    # ifelse(cond, a, b): a comparison of two expressions (tame: of t with a constant)
    if tame:
        tc = draw(real(-T, T, nasty))
        cond = (draw(st.sampled_from(["gt", "lt"])), ("t",), ("c", tc))
    else:
        (x, _, _), (y, _, _) = draw(sub), draw(sub)
        op = draw(st.sampled_from(["gt", "lt"]))
        if AVOID_NUMPY_SCALAR_ON_LEFT and not has_var(x) and has_var(y) and x[0] != "c":
            x, y, op = y, x, {"gt": "lt", "lt": "gt"}[op]
        cond = (op, x, y)
    (a, ma, da), (b, mb, db) = draw(sub), draw(sub)
    return ("ifelse", cond, a, b), max(ma, mb), max(da, db)


@st.composite
def models(draw, n=st.integers(1, 6), depth=3, tame=True, inplace=st.booleans(), smooth=False, nasty=None):
    """A random bounded model (see the module's doc). n and inplace: strategies or values. nasty (default: not
    tame): Hypothesis's floats everywhere, else evenly spread ones (see real())."""
    nasty = (not tame) if nasty is None else nasty
    n = draw(n) if isinstance(n, st.SearchStrategy) else n
    inplace = draw(inplace) if isinstance(inplace, st.SearchStrategy) else inplace
    np_ = draw(st.integers(0, 3))
    p = [draw(real(-P, P, nasty)) for _ in range(np_)]
    exprs, gain, mags = [], [], []
    for _ in range(n):
        e, m, d = draw(expressions(n, np_, depth, tame, smooth, nasty))
        exprs.append(e)
        mags.append(m)
        gain.append(1.0 if (not tame or d <= DCAP) else float(f"{DCAP / d:.3g}"))
    decay = [draw(real(0.5, 2.0, nasty)) for _ in range(n)]
    scale = [draw(real(-1.0, 1.0, nasty)) for _ in range(n)]
    u0 = [draw(real(-1.0, 1.0, nasty)) for _ in range(n)]
    container = "list" if inplace else draw(st.sampled_from(["list", "tuple", "array"]))
    return Model(exprs, decay, scale, gain, u0, p, inplace, container, "tame" if tame else "wild", mags)
