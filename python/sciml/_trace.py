"""Tracing: the user's f is called once with symbolic arguments whose arithmetic, comparisons (through
sciml.ifelse), NumPy ufuncs and indexing build an expression graph in C++ (sciml._core.Graph)."""
import numbers
import threading

import numpy as np

from . import _core

Op = _core.Op


class TraceError(TypeError):
    """The function did something a traced value cannot do (Python control flow on it, math.* or float())."""


class TracingWarning(UserWarning):
    """A function could not be traced and is called from Python instead (slow)."""


class ModelError(ValueError):
    """f itself is wrong whatever its input (it leaves an entry of du unassigned, returns None, a string or the
    wrong number of values): raised to the caller instead of falling back to calling f from Python."""


# The TraceErrors raised to user code during the current trace: f may catch one (try/except around float(u[0])
# or an `if` on a traced value) and go on along the except branch, which would then be compiled as if it were
# always taken. trace_rhs refuses such a trace (regression: test_try_except_swallows_trace_error).
_raised = threading.local()


def _trace_error(msg):
    errs = getattr(_raised, "errors", None)
    if errs is not None:
        errs.append(msg)
    return TraceError(msg)


def _has_complex(x):
    if isinstance(x, (complex, np.complexfloating)):
        return True
    if isinstance(x, np.ndarray):
        return np.iscomplexobj(x) or (x.dtype == object and any(_has_complex(v) for v in x.ravel()))
    if isinstance(x, (list, tuple)):
        return any(_has_complex(v) for v in x)
    return False


def check_complex(name, x):
    """Refuse complex values (they would be cast to real, losing the imaginary part)."""
    if _has_complex(x):
        raise TypeError(f"{name}: complex values are not supported (the solvers work on real states); split the "
                        "real and imaginary parts into separate real components")


_UNARY = {
    "negative": Op.Neg, "sin": Op.Sin, "cos": Op.Cos, "tan": Op.Tan, "arcsin": Op.Asin, "arccos": Op.Acos,
    "arctan": Op.Atan, "sinh": Op.Sinh, "cosh": Op.Cosh, "tanh": Op.Tanh, "exp": Op.Exp, "expm1": Op.Expm1,
    "log": Op.Log, "log1p": Op.Log1p, "sqrt": Op.Sqrt, "cbrt": Op.Cbrt, "absolute": Op.Abs, "fabs": Op.Abs,
    "sign": Op.Sign, "floor": Op.Floor, "ceil": Op.Ceil, "logical_not": Op.Not,
}
_BINARY = {
    "add": Op.Add, "subtract": Op.Sub, "multiply": Op.Mul, "true_divide": Op.Div, "divide": Op.Div,
    "power": Op.Pow, "float_power": Op.Pow, "arctan2": Op.Atan2, "minimum": Op.Min, "maximum": Op.Max,
    "fmin": Op.Min, "fmax": Op.Max, "remainder": Op.Mod, "mod": Op.Mod, "less": Op.Lt, "less_equal": Op.Le,
    "greater": Op.Gt, "greater_equal": Op.Ge, "equal": Op.Eq, "not_equal": Op.Ne, "logical_and": Op.And,
    "logical_or": Op.Or,
}


def _is_number(x):
    return isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, Sym)


class Sym:
    """A traced scalar: a node of the expression graph."""

    __slots__ = ("g", "i")
    __array_priority__ = 1000.0  # NumPy defers binary operators to us

    def __init__(self, g, i):
        self.g = g
        self.i = i

    # ---- building nodes ----
    def _node(self, x):
        if isinstance(x, Sym):
            if x.g is not self.g:
                raise TraceError("values from two different traces were combined")
            return x.i
        if _is_number(x):
            return self.g.constant(float(x))
        if isinstance(x, np.ndarray) and x.ndim == 0:
            return self._node(x[()])
        raise TraceError(f"cannot combine a traced value with {type(x).__name__}")

    def _un(self, op):
        return Sym(self.g, self.g.unary(op, self.i))

    def _bin(self, op, other, reflected=False):
        if isinstance(other, np.ndarray) and other.ndim == 0:  # np.float64(x) > u[0]: NumPy passes array(x)
            other = other[()]
        if isinstance(other, (np.ndarray, list, tuple)):
            return NotImplemented
        try:
            j = self._node(other)
        except TraceError:
            return NotImplemented
        a, b = (j, self.i) if reflected else (self.i, j)
        return Sym(self.g, self.g.binary(op, a, b))

    # ---- arithmetic ----
    def __add__(self, o): return self._bin(Op.Add, o)
    def __radd__(self, o): return self._bin(Op.Add, o, True)
    def __sub__(self, o): return self._bin(Op.Sub, o)
    def __rsub__(self, o): return self._bin(Op.Sub, o, True)
    def __mul__(self, o): return self._bin(Op.Mul, o)
    def __rmul__(self, o): return self._bin(Op.Mul, o, True)
    def __truediv__(self, o): return self._bin(Op.Div, o)
    def __rtruediv__(self, o): return self._bin(Op.Div, o, True)
    def __pow__(self, o): return self._bin(Op.Pow, o)
    def __rpow__(self, o): return self._bin(Op.Pow, o, True)
    def __mod__(self, o): return self._bin(Op.Mod, o)
    def __rmod__(self, o): return self._bin(Op.Mod, o, True)

    def __floordiv__(self, o):
        q = self._bin(Op.Div, o)
        return q if q is NotImplemented else q._un(Op.Floor)

    def __rfloordiv__(self, o):
        q = self._bin(Op.Div, o, True)
        return q if q is NotImplemented else q._un(Op.Floor)

    def __neg__(self): return self._un(Op.Neg)
    def __pos__(self): return self
    def __abs__(self): return self._un(Op.Abs)

    # ---- comparisons give traced 0/1 values: use them through sciml.ifelse ----
    def __lt__(self, o): return self._bin(Op.Lt, o)
    def __le__(self, o): return self._bin(Op.Le, o)
    def __gt__(self, o): return self._bin(Op.Gt, o)
    def __ge__(self, o): return self._bin(Op.Ge, o)
    def __eq__(self, o): return self._bin(Op.Eq, o)
    def __ne__(self, o): return self._bin(Op.Ne, o)
    __hash__ = None

    # ---- what a traced value cannot do ----
    def __bool__(self):
        raise _trace_error("Python control flow (if, while, and, or, min, max) on a traced value; "
                           "use sciml.ifelse(cond, a, b) or numpy functions (np.maximum, np.abs, ...)")

    def __float__(self):
        raise _trace_error("float() or a math.* function on a traced value; use numpy functions (np.sin, ...)")

    __int__ = __index__ = __complex__ = __float__

    # ---- NumPy: ufuncs on traced scalars, and methods for object arrays of them ----
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        if any(isinstance(x, np.ndarray) and x.ndim > 0 for x in inputs):
            # elementwise over an array: let NumPy's object loop call our operators and methods
            return ufunc(*[np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x.astype(object)
                           for x in inputs], **kwargs)
        name = ufunc.__name__
        if name in _UNARY and len(inputs) == 1:
            return inputs[0]._un(_UNARY[name])
        if name in _BINARY and len(inputs) == 2:
            a, b = inputs
            return a._bin(_BINARY[name], b) if isinstance(a, Sym) else b._bin(_BINARY[name], a, True)
        x = inputs[0]
        extra = {
            "positive": lambda: x,
            "square": lambda: x * x,
            "reciprocal": lambda: 1.0 / x,
            "log10": lambda: x._un(Op.Log) * (1.0 / np.log(10.0)),
            "log2": lambda: x._un(Op.Log) * (1.0 / np.log(2.0)),
            "exp2": lambda: 2.0 ** x,
            "deg2rad": lambda: x * (np.pi / 180.0),
            "radians": lambda: x * (np.pi / 180.0),
            "rad2deg": lambda: x * (180.0 / np.pi),
            "degrees": lambda: x * (180.0 / np.pi),
            "floor_divide": lambda: x // inputs[1],
            "hypot": lambda: (x * x + inputs[1] * inputs[1]) ** 0.5,
        }
        if name in extra and len(inputs) == (2 if name in ("floor_divide", "hypot") else 1):
            if not isinstance(x, Sym):
                x = _as_sym(inputs[1], x)
            return extra[name]()
        raise _trace_error(f"numpy.{name} is not supported on traced values")

    # object-array loops call these by the ufunc's name
    def sin(self): return self._un(Op.Sin)
    def cos(self): return self._un(Op.Cos)
    def tan(self): return self._un(Op.Tan)
    def arcsin(self): return self._un(Op.Asin)
    def arccos(self): return self._un(Op.Acos)
    def arctan(self): return self._un(Op.Atan)
    def sinh(self): return self._un(Op.Sinh)
    def cosh(self): return self._un(Op.Cosh)
    def tanh(self): return self._un(Op.Tanh)
    def exp(self): return self._un(Op.Exp)
    def expm1(self): return self._un(Op.Expm1)
    def log(self): return self._un(Op.Log)
    def log1p(self): return self._un(Op.Log1p)
    def log10(self): return self._un(Op.Log) * (1.0 / np.log(10.0))
    def log2(self): return self._un(Op.Log) * (1.0 / np.log(2.0))
    def exp2(self): return 2.0 ** self
    def sqrt(self): return self._un(Op.Sqrt)
    def cbrt(self): return self._un(Op.Cbrt)
    def sign(self): return self._un(Op.Sign)
    def floor(self): return self._un(Op.Floor)
    def ceil(self): return self._un(Op.Ceil)
    def square(self): return self * self
    def reciprocal(self): return 1.0 / self
    def conjugate(self): return self
    def arctan2(self, o): return self._bin(Op.Atan2, o)
    def hypot(self, o): return (self * self + o * o) ** 0.5
    def deg2rad(self): return self * (np.pi / 180.0)
    def rad2deg(self): return self * (180.0 / np.pi)
    def __repr__(self):
        return f"Sym({self.g.to_string(self.i)})"


def _as_sym(like, x):
    return x if isinstance(x, Sym) else Sym(like.g, like._node(x))


def ifelse(cond, a, b):
    """a where cond holds, else b: works on traced values (a branch in the compiled code) and on numbers."""
    syms = [x for x in (cond, a, b) if isinstance(x, Sym)]
    if not syms:
        return a if cond else b
    s = syms[0]
    return Sym(s.g, s.g.ifelse(s._node(cond), s._node(a), s._node(b)))


class Trace:
    """One call of f on symbolic (u, p, t): the graph, the output nodes, and the parameter layout."""

    def __init__(self, graph, outputs, n, np_):
        self.graph = graph
        self.outputs = outputs
        self.n = n
        self.np = np_


def _numeric_array(p):
    """p as a float array, or None when p is not numeric (a dict, an object: passed to f as it is)."""
    if isinstance(p, (str, bytes)):
        return None
    try:
        return np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        return None


def symbolic_params(p, g):
    """The symbolic stand-in for p and the number of parameter slots: numbers and numeric arrays become
    parameters (changeable without re-tracing); anything else is passed through as a constant."""
    if p is None:
        return None, 0
    if _is_number(p):
        return Sym(g, g.param(0)), 1
    arr = _numeric_array(p)
    if arr is None:
        return p, 0
    flat = np.empty(arr.size, dtype=object)
    for i in range(arr.size):
        flat[i] = Sym(g, g.param(i))
    return flat.reshape(arr.shape), arr.size


def param_vector(p):
    """The numeric parameter vector the compiled code reads (matching symbolic_params)."""
    if p is None:
        return np.zeros(0)
    if _is_number(p):
        return np.array([float(p)])
    arr = _numeric_array(p)
    return np.zeros(0) if arr is None else arr.ravel().copy()


def outputs_of(result, g, n, what="f"):
    """Node indices of f's returned (or written) values."""
    if isinstance(result, Sym):
        result = [result]
    if result is None or isinstance(result, (str, bytes, dict, set)):
        raise ModelError(f"{what} must return a sequence of numbers, got {type(result).__name__}"
                         + (" (did it forget to return?)" if result is None else ""))
    try:
        items = list(np.asarray(result, dtype=object).ravel())
    except Exception as e:  # noqa: BLE001
        raise ModelError(f"{what} must return a sequence of numbers, got {type(result).__name__}") from e
    if len(items) != n:
        raise ModelError(f"{what} returned {len(items)} values for {n} states")
    nodes = []
    for k, x in enumerate(items):
        if x is None:
            raise ModelError(f"{what} did not assign du[{k}]: write every entry of du")
        if isinstance(x, Sym):
            if x.g is not g:
                raise TraceError("f returned a value from another trace")
            nodes.append(x.i)
        elif _is_number(x):
            nodes.append(g.constant(float(x)))
        elif isinstance(x, (complex, np.complexfloating)):
            raise ModelError(f"{what} returned a complex value at position {k}; the solvers work on real states")
        else:
            raise ModelError(f"{what} returned a {type(x).__name__} at position {k}; expected a number")
    return nodes


def trace_rhs(f, n, p, inplace):
    """Call f once on symbols; returns a Trace, or raises (TraceError and anything f raised)."""
    g = _core.Graph()
    u = np.empty(n, dtype=object)
    for i in range(n):
        u[i] = Sym(g, g.var(i))
    ps, np_ = symbolic_params(p, g)
    t = Sym(g, g.time())
    _raised.errors = []
    try:
        if inplace:
            du = np.empty(n, dtype=object)
            du[:] = None
            f(du, u, ps, t)
            out = du
        else:
            out = f(u, ps, t)
        caught = _raised.errors
    finally:
        _raised.errors = None
    if caught:
        raise TraceError(f"f caught a tracing error and went on ({caught[0]}); a try/except around traced values "
                         "would be compiled along its except branch, so f is not traced")
    return Trace(g, outputs_of(out, g, n), n, np_)


def trace_condition(cond, n, p, graph_np):
    """A callback condition(u, t, integrator) as (graph, node); raises when it cannot be traced."""
    g = _core.Graph()
    u = np.empty(n, dtype=object)
    for i in range(n):
        u[i] = Sym(g, g.var(i))
    t = Sym(g, g.time())
    r = cond(u, t, None)
    if isinstance(r, Sym):
        return g, r.i
    if isinstance(r, (bool, np.bool_)) or _is_number(r):
        return g, g.constant(float(r))
    raise TypeError(f"a callback condition must return a number, got {type(r).__name__}")
