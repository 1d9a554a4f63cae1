"""sciml.nn: a multilayer perceptron y = net(x, theta) over a flat parameter vector, for neural networks inside
traced right-hand sides (universal differential equations).

The layout and the initialisation are those of the C++ `sciml::nn::MLP` (include/sciml/nn/mlp.hpp): layer l's
weights, row-major (out x in), then its biases, layer after layer; `init(seed)` draws Glorot-uniform weights in
that order from the same SplitMix64 stream and zero biases, so a seed gives the same parameters in C++ and Python.

    net = sciml.nn.MLP([2, 16, 16, 2], activation="tanh")   # hidden layers tanh, output layer identity
    theta0 = net.init(seed=1)                                # numpy array of net.num_params values

    def ude(u, p, t):                                        # traced: net(...) builds graph nodes
        nn = net(u, p)                                       # p: the traced parameter vector (or a slice of it)
        return [1.3 * u[0] + nn[0], -1.8 * u[1] + nn[1]]

    net(np.array([[1.0, 2.0], [3.0, 4.0]]), theta)           # numbers: vectorised over a batch (rows)

`x` and `theta` may be numbers (float arrays: NumPy does the work, a 2-D x is a batch of rows), traced values
(inside a function sciml traces: the network becomes part of the expression graph), or a mix."""
import numpy as np

from ._trace import Op, Sym

__all__ = ["MLP", "ACTIVATIONS", "glorot_uniform"]

# in the order of the C++ enum sciml::nn::Activation
ACTIVATIONS = ("identity", "tanh", "relu", "sigmoid", "softplus", "gelu", "rbf")
_ALIASES = {"linear": "identity", "none": "identity", "swish": None, "elu": None, "erf": None}
_GELU_K = 0.7978845608028654  # sqrt(2 / pi)
_GELU_C = 0.044715

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _splitmix_uniform(seed, start, count):
    """Numbers start .. start + count - 1 of sciml::nn::Rng(seed)'s stream, uniform on [0, 1)."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + k * _GAMMA
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def glorot_uniform(fan_in, fan_out, seed, start=0):
    """A fan_out x fan_in matrix U(-sqrt(6 / (in + out)), +sqrt(6 / (in + out))) from draws start.. of Rng(seed)."""
    lim = np.sqrt(6.0 / (fan_in + fan_out))
    u = _splitmix_uniform(seed, start, fan_in * fan_out)
    return (-lim + (2.0 * lim) * u).reshape(fan_out, fan_in)


def _check_activation(a, where):
    if not isinstance(a, str):
        raise TypeError(f"{where}: expected an activation name ({', '.join(ACTIVATIONS)}), got {type(a).__name__}")
    name = a.lower()
    if name in _ALIASES:
        if _ALIASES[name] is None:
            raise ValueError(f"{where}: activation '{a}' is not supported; choose one of {', '.join(ACTIVATIONS)}")
        name = _ALIASES[name]
    if name not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation '{a}'; choose one of {', '.join(ACTIVATIONS)}")
    return name


# ---- activations on float arrays (NumPy) ----
def _sigmoid_np(z):
    return 0.5 + 0.5 * np.tanh(0.5 * z)


_NUMERIC = {
    "identity": lambda z: z,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid_np,
    "softplus": lambda z: np.logaddexp(0.0, z),
    "gelu": lambda z: 0.5 * z * (1.0 + np.tanh(_GELU_K * (z + _GELU_C * z * z * z))),
    "rbf": lambda z: np.exp(-(z * z)),
}


# ---- activations on one traced value (a Sym) or number: the C++ formulas, as graph nodes ----
def _relu_sym(x):
    return x._bin(Op.Max, 0.0)


def _softplus_sym(x):  # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): no overflow, as in C++
    return x._bin(Op.Max, 0.0) + (-abs(x))._un(Op.Exp)._un(Op.Log1p)


_SYMBOLIC = {
    "tanh": lambda x: x._un(Op.Tanh),
    "relu": _relu_sym,
    "sigmoid": lambda x: 0.5 + 0.5 * (0.5 * x)._un(Op.Tanh),
    "softplus": _softplus_sym,
    "gelu": lambda x: 0.5 * x * (1.0 + (_GELU_K * (x + _GELU_C * x * x * x))._un(Op.Tanh)),
    "rbf": lambda x: (-(x * x))._un(Op.Exp),
}


def _activate_objects(name, z):
    """act(z) elementwise on an object array of traced values and numbers."""
    if name == "identity":
        return z
    f, g = _SYMBOLIC[name], _NUMERIC[name]
    out = np.empty(z.shape, dtype=object)
    for i, v in enumerate(z.flat):
        out.flat[i] = f(v) if isinstance(v, Sym) else float(g(np.float64(v)))
    return out


def _has_sym(a):
    return a.dtype == object and any(isinstance(v, Sym) for v in a.flat)


class MLP:
    """A multilayer perceptron over a flat parameter vector: net(x, theta) -> y.

    sizes: the widths from input to output, e.g. [2, 16, 16, 2] (2 to 9 entries).
    activation: one name for every hidden layer (the output layer gets `output_activation`, default identity), or
    a list with one name per layer. Names: identity, tanh, relu, sigmoid, softplus, gelu (tanh approximation), rbf
    (exp(-x^2)): the C++ sciml::nn::Activation set; all of them trace (relu as max(x, 0), softplus without
    overflow)."""

    max_layers = 8

    def __init__(self, sizes, activation="tanh", output_activation="identity"):
        try:
            sizes = [int(s) for s in sizes]
        except (TypeError, ValueError) as e:
            raise TypeError(f"sizes: expected a list of layer widths, got {sizes!r}") from e
        if not 2 <= len(sizes) <= self.max_layers + 1:
            raise ValueError(f"sizes: 2 to {self.max_layers + 1} layer widths (input, hidden..., output), "
                             f"got {len(sizes)}")
        for i, s in enumerate(sizes):
            if s <= 0:
                raise ValueError(f"sizes[{i}] = {s}: layer widths must be positive")
        nl = len(sizes) - 1
        if isinstance(activation, str):
            acts = [_check_activation(activation, "activation")] * (nl - 1)
            acts.append(_check_activation(output_activation, "output_activation"))
        else:
            acts = list(activation)
            if len(acts) != nl:
                raise ValueError(f"activation: a list needs one name per layer ({nl}), got {len(acts)}")
            acts = [_check_activation(a, f"activation[{i}]") for i, a in enumerate(acts)]
        self.sizes = tuple(sizes)
        self.activations = tuple(acts)
        offs, p = [], 0
        for l in range(nl):
            offs.append(p)
            p += (sizes[l] + 1) * sizes[l + 1]
        self._offsets = tuple(offs)
        self.num_params = p

    # ---- shape ----
    @property
    def num_layers(self):
        return len(self.sizes) - 1

    @property
    def input_size(self):
        return self.sizes[0]

    @property
    def output_size(self):
        return self.sizes[-1]

    def weight_offset(self, layer):
        """Offset in theta of layer `layer`'s weights (row-major out x in); its biases follow them."""
        return self._offsets[layer]

    def bias_offset(self, layer):
        return self._offsets[layer] + self.sizes[layer] * self.sizes[layer + 1]

    def __len__(self):
        return self.num_params

    def __repr__(self):
        return (f"sciml.nn.MLP({list(self.sizes)}, activations={list(self.activations)}, "
                f"num_params={self.num_params})")

    # ---- parameters ----
    def init(self, seed=0):
        """Glorot-uniform weights, zero biases: the parameters C++'s MLP::init_glorot(seed) gives."""
        seed = int(seed)
        if seed < 0 or seed >= 2 ** 64:
            raise ValueError(f"seed: expected an integer in [0, 2^64), got {seed}")
        theta = np.zeros(self.num_params)
        drawn = 0
        for l in range(self.num_layers):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            off = self._offsets[l]
            theta[off:off + n_in * n_out] = glorot_uniform(n_in, n_out, seed, drawn).ravel()
            drawn += n_in * n_out
        return theta

    def layers(self, theta):
        """[(W, b), ...]: views of theta (W: out x in) layer by layer."""
        theta = self._theta(theta)
        out = []
        for l in range(self.num_layers):
            n_in, n_out = self.sizes[l], self.sizes[l + 1]
            w0 = self._offsets[l]
            b0 = w0 + n_in * n_out
            out.append((theta[w0:b0].reshape(n_out, n_in), theta[b0:b0 + n_out]))
        return out

    def _theta(self, theta):
        if isinstance(theta, np.ndarray) and theta.dtype != object:
            t = theta.astype(np.float64, copy=False)
        else:
            t = np.asarray(theta, dtype=object) if not isinstance(theta, np.ndarray) else theta
            if not _has_sym(t):
                try:
                    t = t.astype(np.float64)
                except (TypeError, ValueError) as e:
                    raise TypeError("theta: expected numbers or traced values") from e
        if t.ndim != 1:
            t = t.ravel()
        if t.size != self.num_params:
            raise ValueError(f"theta: the network has {self.num_params} parameters, got {t.size}")
        return t

    # ---- evaluation ----
    def __call__(self, x, theta):
        """y = net(x, theta). x: input_size values (or a batch: rows of them); theta: num_params values.
        Numbers give a float array (shape (output_size,) or (batch, output_size)); traced values give an object
        array of traced values."""
        theta = self._theta(theta)
        xa = x if isinstance(x, np.ndarray) else np.asarray(x, dtype=object)
        if xa.dtype == object and not _has_sym(xa):
            try:
                xa = xa.astype(np.float64)
            except (TypeError, ValueError) as e:
                raise TypeError("x: expected numbers or traced values") from e
        if xa.ndim == 0 or xa.shape[-1] != self.input_size or xa.ndim > 2:
            raise ValueError(f"x: expected {self.input_size} inputs (or rows of them), got shape {xa.shape}")
        traced = xa.dtype == object or theta.dtype == object
        if not traced:
            a = xa.astype(np.float64, copy=False)
            for (W, b), act in zip(self.layers(theta), self.activations):
                a = _NUMERIC[act](a @ W.T + b)
            return a
        if xa.ndim == 2:
            return np.stack([self(row, theta) for row in xa])
        a = xa.astype(object)
        for (W, b), act in zip(self.layers(theta), self.activations):
            # z_i = b_i + sum_j W_ij a_j, term by term as the C++ dense layer sums
            z = np.empty(W.shape[0], dtype=object)
            for i in range(W.shape[0]):
                s = b[i]
                for j in range(W.shape[1]):
                    s = s + W[i, j] * a[j]
                z[i] = s
            a = _activate_objects(act, z)
        return a
