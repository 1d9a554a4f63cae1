"""sciml.sindy: sparse identification of nonlinear dynamics (include/sciml/sindy, compiled): candidate libraries,
STLSQ and SR3 regressions, model selection over the threshold path (AICc/BIC, with a combinatorial search over
small supports), the identified model as readable equations, and derivatives of sampled data.

    lib = sciml.sindy.polynomial(3, 2, names=["x", "y", "z"])       # 1, x, y, z, x^2, x*y, ..., z^2
    model = sciml.sindy.fit(X, dX, library=lib, threshold=0.1)       # X, dX: samples x variables
    print(model)                                                     # dx = -10 x + 10 y ...
    model.terms("dx")                                                # {"x": -10.0, "y": 10.0}
    model.coefficients                                               # candidates x outputs
    best = sciml.sindy.threshold_sweep(X, dX, library=lib, max_subset_terms=3).best

`targets` need not be derivatives: in a universal differential equation they are what the network learned.
The identified model runs as a traced right-hand side: sciml.ODEProblem(model.rhs(), u0, tspan)."""
import numpy as np

from . import _core

_s = _core._sindy
STLSQ = _s.STLSQ
SR3 = _s.SR3

__all__ = ["Library", "polynomial", "trigonometric", "custom", "STLSQ", "SR3", "fit", "threshold_sweep", "Model",
           "SweepResult", "finite_difference", "savitzky_golay", "tv_regularized"]


# ---------------------------------------------------------------------------------------------------------
# Libraries
def _monomials(nvars, degree, include_constant):
    """Exponent vectors in the C++ order: graded by degree, higher powers of earlier variables first."""
    out = []

    def rec(e, v, left):
        if v + 1 == len(e):
            e[v] = left
            out.append(tuple(e))
            e[v] = 0
            return
        for k in range(left, -1, -1):
            e[v] = k
            rec(e, v + 1, left - k)
        e[v] = 0

    for d in range(0 if include_constant else 1, degree + 1):
        rec([0] * nvars, 0, d)
    return out


def _monomial(exps):
    def f(u):
        r = None
        for v, e in enumerate(exps):
            for _ in range(e):
                r = u[v] if r is None else r * u[v]
        return 1.0 if r is None else r
    return f


def _trig(fun, var, k):
    return lambda u: fun(k * u[var]) if k != 1 else fun(u[var])


class Library:
    """Named candidate functions of the state, in order; `+` concatenates. `names` lists the candidates,
    `variable_names` the state variables; `evaluate(X)` gives Theta(X) (samples x candidates)."""

    def __init__(self, core, terms):
        self._core = core
        self._terms = list(terms)  # per candidate: u -> value, on numbers or traced values

    @property
    def names(self):
        return list(self._core.names)

    @property
    def variable_names(self):
        return list(self._core.variable_names)

    @property
    def n_vars(self):
        return self._core.nvars

    def __len__(self):
        return len(self._core)

    def __add__(self, other):
        if not isinstance(other, Library):
            return NotImplemented
        return Library(self._core + other._core, self._terms + other._terms)

    def with_names(self, names):
        """A copy whose state variables are called `names` (the candidates' names follow)."""
        names = [str(n) for n in names]
        if self.n_vars and len(names) != self.n_vars:
            raise ValueError(f"names: expected {self.n_vars} variable names, got {len(names)}")
        return Library(self._core.with_variable_names(names), self._terms)

    def evaluate(self, X):
        """Theta(X): one row per sample (row of X), one column per candidate."""
        return np.asarray(self._core.evaluate(_as_samples(X, "X")))

    def evaluate_state(self, u):
        """The candidates at one state u: works on traced values too (inside a traced right-hand side)."""
        return [f(u) for f in self._terms]

    def __repr__(self):
        return f"sciml.sindy.Library({self.names})"


def _names(names, n):
    if names is None:
        return None
    names = [str(x) for x in names]
    if len(names) != n:
        raise ValueError(f"names: expected {n} variable names, got {len(names)}")
    return names


def polynomial(n_vars, degree, names=None, include_constant=True):
    """Every monomial of total degree (0 or 1) .. degree in n_vars variables: 1, x, y, x^2, x*y, y^2, x^3, ...
    names: the variables' names (default x, y, z, w; x1, x2, ... above 4 variables)."""
    n_vars, degree = int(n_vars), int(degree)
    if n_vars <= 0:
        raise ValueError(f"n_vars: must be positive, got {n_vars}")
    if degree < 0:
        raise ValueError(f"degree: must be >= 0, got {degree}")
    core = _s.Library.polynomial(n_vars, degree, bool(include_constant))
    lib = Library(core, [_monomial(e) for e in _monomials(n_vars, degree, bool(include_constant))])
    names = _names(names, n_vars)
    return lib.with_names(names) if names else lib


def trigonometric(n_vars, harmonics=1, names=None):
    """sin(k*v), cos(k*v) for k = 1..harmonics and each variable v."""
    n_vars, harmonics = int(n_vars), int(harmonics)
    if n_vars <= 0:
        raise ValueError(f"n_vars: must be positive, got {n_vars}")
    if harmonics < 1:
        raise ValueError(f"harmonics: must be >= 1, got {harmonics}")
    core = _s.Library.trigonometric(n_vars, harmonics)
    terms = []
    for k in range(1, harmonics + 1):
        for v in range(n_vars):
            terms.append(_trig(np.sin, v, k))
            terms.append(_trig(np.cos, v, k))
    lib = Library(core, terms)
    names = _names(names, n_vars)
    return lib.with_names(names) if names else lib


def custom(name, f, n_vars):
    """One candidate f(u) -> number (u: the n_vars values of one state), called `name`. Written with NumPy
    functions it also traces (for model.rhs())."""
    if not callable(f):
        raise TypeError("f must be callable: f(u) -> number")
    return Library(_s.Library.custom(str(name), f, int(n_vars)), [f])


# ---------------------------------------------------------------------------------------------------------
# Models
class Model:
    """An identified model: targets = Theta(X) @ coefficients. print(model) shows the equations;
    model.terms(j) (j: an output's index or name) and model.equations give the nonzero terms by name;
    model.coefficients is candidates x outputs; model.predict(X); model.rhs() is a traceable f(u, p, t)."""

    def __init__(self, core, library):
        self._core = core
        self.library = library

    @property
    def coefficients(self):
        return np.array(self._core.coefficients)

    @property
    def n_outputs(self):
        return self._core.n_outputs

    @property
    def output_names(self):
        return [self._core.output_name(j) for j in range(self.n_outputs)]

    @property
    def feature_names(self):
        return self.library.names

    @property
    def nnz(self):
        return self._core.nnz()

    def _output(self, j):
        if isinstance(j, str):
            names = self.output_names
            if j not in names:
                raise KeyError(f"no output named {j!r}; outputs: {names}")
            return names.index(j)
        j = int(j)
        if not 0 <= j < self.n_outputs:
            raise IndexError(f"output {j} out of range (the model has {self.n_outputs})")
        return j

    def terms(self, output=0):
        """The nonzero terms of one output as {candidate name: coefficient}."""
        return dict(self._core.terms(self._output(output)))

    @property
    def equations(self):
        """{output name: {candidate name: coefficient}} over the nonzero terms."""
        return {name: self.terms(j) for j, name in enumerate(self.output_names)}

    def to_string(self, precision=4):
        return self._core.to_string(int(precision))

    def __str__(self):
        return self.to_string()

    def __repr__(self):
        return f"sciml.sindy.Model(\n{self.to_string()}\n)"

    def predict(self, X):
        """Theta(X) @ coefficients: the modelled targets at the samples X."""
        return np.asarray(self._core.predict(_as_samples(X, "X")))

    def __call__(self, u):
        """The modelled targets at one state u (numbers or traced values): a list of n_outputs values."""
        theta = self.library.evaluate_state(u)
        C = self.coefficients
        out = []
        for j in range(self.n_outputs):
            s = 0.0
            for i, c in enumerate(C[:, j]):
                if c != 0.0:
                    s = s + float(c) * theta[i]
            out.append(s)
        return out

    def rhs(self, known=None):
        """f(u, p, t) = model(u) (+ known(u, p, t)) for sciml.ODEProblem: traced like any right-hand side. Needs
        one output per state variable."""
        nv = self.library.n_vars or self.n_outputs
        if nv != self.n_outputs:
            raise ValueError(f"rhs: needs one output per state variable ({nv} variables, {self.n_outputs} outputs)")

        def f(u, p, t):
            out = self(u)
            if known is not None:
                k = known(u, p, t)
                out = [a + b for a, b in zip(out, k)]
            return out
        return f


class SweepResult:
    """best (a Model: each output's equation from its own best fit), best_index (per output, into path), path
    (one dict per fit: threshold (NaN for a least-squares fit on a support of the combinatorial search), support,
    nnz, rss, aicc, bic and their per-output lists)."""

    def __init__(self, d, library):
        self.best = Model(d["best"], library)
        self.best_index = list(d["best_index"])
        self.path = list(d["path"])

    def __repr__(self):
        return f"SweepResult({len(self.path)} fits, best:\n{self.best.to_string()}\n)"


# ---------------------------------------------------------------------------------------------------------
# Fitting
def _as_samples(X, name):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(f"{name}: expected samples x variables (2-D), got shape {X.shape}")
    return X


def _optimizer(method, options):
    if isinstance(method, (STLSQ, SR3)):
        if options:
            raise TypeError(f"options {sorted(options)} given with an optimizer object: set them on the object")
        return method
    if not isinstance(method, str):
        raise TypeError(f"method: expected 'stlsq', 'sr3' or a sciml.sindy.STLSQ/SR3, got {type(method).__name__}")
    m = method.lower()
    try:
        if m == "stlsq":
            return STLSQ(**options)
        if m == "sr3":
            return SR3(**options)
    except TypeError as e:
        raise TypeError(f"{method}: {e}") from e
    raise ValueError(f"method: expected 'stlsq' or 'sr3', got {method!r}")


def _prepare(X, targets, library, output_names):
    X = _as_samples(X, "X")
    Y = _as_samples(targets, "targets")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples (rows), the targets {Y.shape[0]}")
    if library is None:
        library = polynomial(X.shape[1], 2)
    if not isinstance(library, Library):
        raise TypeError(f"library: expected a sciml.sindy library, got {type(library).__name__}")
    if library.n_vars and library.n_vars != X.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns, the library reads {library.n_vars} variables")
    names = [] if output_names is None else [str(n) for n in output_names]
    if names and len(names) != Y.shape[1]:
        raise ValueError(f"output_names: expected {Y.shape[1]} names (one per target column), got {len(names)}")
    return X, Y, library, names


def fit(X, targets, library=None, method="stlsq", output_names=None, **options):
    """One SINDy regression: targets ~ Theta(X) @ Xi, Xi sparse. Returns a Model.

    X: samples x variables; targets: samples x outputs (dX/dt, or anything to explain by the library).
    library: default polynomial(n_vars, 2). method: 'stlsq' (options threshold=0.1, alpha=0 (ridge), max_iter=20,
    normalize_columns=False), 'sr3' (threshold, nu=1, regularizer='l0'|'l1', tol, max_iter, normalize_columns,
    unbias=True), or a sciml.sindy.STLSQ/SR3 object."""
    X, Y, library, names = _prepare(X, targets, library, output_names)
    opt = _optimizer(method, options)
    return Model(_s.fit(library._core, X, Y, opt, names), library)


def threshold_sweep(X, targets, library=None, method="stlsq", thresholds=None, grid_points=40, grid_min_ratio=1e-3,
                    criterion="aicc", rss_floor=1e-10, correlation_length=1.0, parsimony=2.0, max_subset_terms=0,
                    output_names=None, **options):
    """Fit at each threshold (default: 0 and grid_points log-spaced up to the largest least-squares coefficient)
    and, with max_subset_terms = K > 0, by least squares on every support of at most K candidates; score each fit
    per output by AICc or BIC (criterion), with `correlation_length` samples per independent residual, and keep
    per output the sparsest fit within `parsimony` of the lowest score. Returns a SweepResult (.best: a Model).
    method and options as for fit (the threshold is the swept one)."""
    X, Y, library, names = _prepare(X, targets, library, output_names)
    opt = _optimizer(method, options)
    th = [] if thresholds is None else [float(t) for t in np.atleast_1d(thresholds)]
    if int(max_subset_terms) < 0:
        raise ValueError("max_subset_terms: must be >= 0")
    d = _s.threshold_sweep(library._core, X, Y, opt, th, int(grid_points), float(grid_min_ratio), str(criterion),
                           float(rss_floor), float(correlation_length), float(parsimony), int(max_subset_terms), names)
    return SweepResult(d, library)


# ---------------------------------------------------------------------------------------------------------
# Derivatives of sampled data (rows of X at times t)
def _t(t, X):
    t = np.asarray(t, dtype=np.float64).ravel()
    return t, _as_samples(X, "X")


def finite_difference(t, X, order=2):
    """dX/dt by finite differences of accuracy `order` (central inside, one-sided at the ends; any spacing)."""
    t, X = _t(t, X)
    return np.asarray(_s.finite_difference(t, X, int(order)))


def savitzky_golay(t, X, window, polyorder, deriv=1):
    """Savitzky-Golay: the `deriv`-th derivative of a local least-squares polynomial of degree polyorder over
    `window` (odd) samples; smooths noisy data."""
    t, X = _t(t, X)
    return np.asarray(_s.savitzky_golay(t, X, int(window), int(polyorder), int(deriv)))


def tv_regularized(t, X, alpha, iterations=30):
    """Total-variation regularised differentiation (Chartrand 2011) for noisy data; alpha trades fidelity for
    flatness of the derivative."""
    t, X = _t(t, X)
    return np.asarray(_s.tv_regularized(t, X, float(alpha), int(iterations)))
