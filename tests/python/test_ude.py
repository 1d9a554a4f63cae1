"""The universal differential equation workflow from Python: sciml.nn.MLP (against NumPy and the C++ MLP, traced
and on numbers), adjoint gradients through a traced network against finite differences, sciml.train (Adam,
AdamW, schedules, L-BFGS, callbacks, checkpoints, NaN stops, exceptions), sciml.sindy (Lorenz from clean data,
sweeps, SR3, derivatives, models as right-hand sides) and a short UDE fit."""
import math
import warnings

import numpy as np
import pytest

import sciml
from sciml import nn, sindy

ACTS = list(nn.ACTIVATIONS)


# ---------------------------------------------------------------------------------------------------------
# sciml.nn.MLP
def numpy_reference(sizes, acts, x, theta):
    """An independent forward pass: per layer W (out x in, row-major) then b, from the flat theta."""
    f = {
        "identity": lambda z: z,
        "tanh": np.tanh,
        "relu": lambda z: np.where(z > 0, z, 0.0),
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "softplus": lambda z: np.log1p(np.exp(z)),
        "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3))),
        "rbf": lambda z: np.exp(-z ** 2),
    }
    a = np.atleast_2d(np.asarray(x, dtype=float))
    p = 0
    for l, act in enumerate(acts):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = theta[p:p + n_in * n_out].reshape(n_out, n_in)
        p += n_in * n_out
        b = theta[p:p + n_out]
        p += n_out
        a = f[act](np.einsum("oi,bi->bo", W, a) + b)
    assert p == len(theta)
    return a


def codes(net):
    return [ACTS.index(a) for a in net.activations]


@pytest.mark.parametrize("act", ACTS)
def test_mlp_forward_matches_numpy_and_cpp(act):
    net = nn.MLP([3, 7, 5, 2], activation=act)
    assert net.num_params == (3 + 1) * 7 + (7 + 1) * 5 + (5 + 1) * 2
    rng = np.random.default_rng(0)
    theta = rng.normal(size=net.num_params)
    X = rng.normal(size=(11, 3)) * 2.0
    ref = numpy_reference(net.sizes, net.activations, X, theta)
    y = net(X, theta)  # a batch of rows
    assert y.shape == (11, 2)
    np.testing.assert_allclose(y, ref, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(net(X[3], theta), ref[3], rtol=1e-12, atol=1e-13)  # one input
    cpp = sciml._core.mlp_forward(list(net.sizes), codes(net), X, theta)
    np.testing.assert_allclose(cpp, ref, rtol=1e-12, atol=1e-13)


def test_mlp_layout_activations_and_errors():
    net = nn.MLP([2, 4, 3], activation=["relu", "sigmoid"])
    assert net.activations == ("relu", "sigmoid")
    assert net.weight_offset(1) == 12 and net.bias_offset(1) == 12 + 12
    (W0, b0), (W1, b1) = net.layers(np.arange(net.num_params, dtype=float))
    assert W0.shape == (4, 2) and W0[1, 0] == 2.0 and b0[0] == 8.0 and W1.shape == (3, 4) and b1[-1] == 26.0
    assert nn.MLP([2, 3, 2], "tanh").activations == ("tanh", "identity")
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP([2, 3, 2], activation="mish")
    with pytest.raises(ValueError, match="not supported"):
        nn.MLP([2, 3, 2], activation="swish")
    with pytest.raises(ValueError, match="layer widths"):
        nn.MLP([2])
    with pytest.raises(ValueError, match="one name per layer"):
        nn.MLP([2, 3, 2], activation=["tanh"])
    with pytest.raises(ValueError, match="parameters"):
        net([1.0, 2.0], np.zeros(5))
    with pytest.raises(ValueError, match="inputs"):
        net([1.0, 2.0, 3.0], np.zeros(net.num_params))


@pytest.mark.parametrize("seed", [0, 1, 12345, 2 ** 63 + 5])
def test_mlp_init_matches_cpp_glorot(seed):
    net = nn.MLP([2, 16, 16, 2], activation="tanh")
    theta = net.init(seed=seed)
    np.testing.assert_array_equal(theta, sciml._core.mlp_init_glorot(list(net.sizes), codes(net), seed))
    for l, (W, b) in enumerate(net.layers(theta)):
        lim = math.sqrt(6.0 / (net.sizes[l] + net.sizes[l + 1]))
        assert np.all(np.abs(W) <= lim) and np.all(b == 0.0)
        assert np.std(W) > 0.3 * lim  # spread over the interval, not constant
    assert not np.array_equal(theta, net.init(seed=seed + 1))


def _ude_factory(net, known=(1.3, -1.8)):
    def f(u, p, t):
        y = net(u, p)
        return [known[0] * u[0] + y[0], known[1] * u[1] + y[1]]
    return f


@pytest.mark.parametrize("act", ACTS)
def test_traced_mlp_matches_numeric(act):
    net = nn.MLP([2, 6, 6, 2], activation=act)
    theta = np.random.default_rng(1).normal(size=net.num_params)
    prob = sciml.ODEProblem(_ude_factory(net), [0.5, 1.5], (0.0, 1.0), theta)
    assert prob.traced, prob.trace_error
    for u in ([0.5, 1.5], [-1.2, 0.3], [2.0, -0.7]):
        y = net(np.array(u), theta)
        np.testing.assert_allclose(prob._model.rhs(np.array(u), theta, 0.0), [1.3 * u[0] + y[0], -1.8 * u[1] + y[1]],
                                   rtol=1e-12, atol=1e-12)


def test_traced_network_with_fixed_weights_and_inputs_as_list():
    net = nn.MLP([2, 4, 1], activation="tanh")
    theta = net.init(seed=3)

    def f(u, p, t):  # numbers for theta, traced inputs: the weights become constants of the graph
        return [-p[0] * u[0] + net([u[0], u[1]], theta)[0], -u[1]]
    prob = sciml.ODEProblem(f, [1.0, 2.0], (0.0, 1.0), [0.5])
    assert prob.traced
    np.testing.assert_allclose(prob._model.rhs(np.array([1.0, 2.0]), np.array([0.5]), 0.0),
                               [-0.5 + net([1.0, 2.0], theta)[0], -2.0], rtol=1e-13)


# ---------------------------------------------------------------------------------------------------------
# Gradients through a traced network
LV_TS = np.linspace(0.0, 3.0, 31)


def lotka(u, p, t):
    x, y = u
    return [1.3 * x - 0.9 * x * y, 0.8 * x * y - 1.8 * y]


@pytest.fixture(scope="module")
def lv_data():
    sol = sciml.solve(sciml.ODEProblem(lotka, [0.44249296, 4.6280594], (0.0, 3.0)), sciml.Vern9(), reltol=1e-12,
                      abstol=1e-12, saveat=LV_TS)
    return sol.u


@pytest.mark.parametrize("act,sense", [("tanh", sciml.InterpolatingAdjoint()), ("rbf", sciml.QuadratureAdjoint()),
                                       ("softplus", sciml.InterpolatingAdjoint())])
def test_gradient_through_traced_mlp_matches_finite_differences(lv_data, act, sense):
    net = nn.MLP([2, 5, 5, 2], activation=act)
    theta = 0.5 * net.init(seed=4)
    ts = LV_TS[::3]
    data = lv_data[::3]
    prob = sciml.ODEProblem(_ude_factory(net), lv_data[0], (0.0, 3.0), theta)
    g = sciml.gradient(prob, sciml.Vern9(), ts=ts, data=data, sensealg=sense, reltol=1e-11, abstol=1e-11)
    assert g.success, g.message

    def loss(th):
        sol = sciml.solve(prob.remake(p=th), sciml.Vern9(), reltol=1e-12, abstol=1e-12, saveat=ts)
        return float(np.sum((sol.u - data) ** 2))
    assert abs(g.loss - loss(theta)) < 1e-8 * max(1.0, g.loss)
    h = 1e-6
    fd = np.empty(net.num_params)
    for j in range(net.num_params):
        a, b = theta.copy(), theta.copy()
        a[j] += h
        b[j] -= h
        fd[j] = (loss(a) - loss(b)) / (2 * h)
    scale = np.max(np.abs(fd))
    np.testing.assert_allclose(g.dp, fd, atol=2e-6 * scale)


# ---------------------------------------------------------------------------------------------------------
# sciml.train
def quadratic(c):
    def fg(th):
        return float(np.sum((th - c) ** 2)), 2.0 * (th - c)
    return fg


def rosenbrock(th):
    x = th
    f = np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return float(f), g


def test_adam_minimises_a_quadratic():
    c = np.array([1.0, -2.0, 3.0])
    r = sciml.train(quadratic(c), np.zeros(3), optimizer=sciml.Adam(lr=0.1), maxiters=600)
    assert r.finished and r.iterations == 600 and "maximum number of iterations" in r.message
    np.testing.assert_allclose(r.theta, c, atol=1e-6)
    assert len(r.history) == 601 and r.history[0] == pytest.approx(14.0) and r.history[-1] < 1e-10
    # AdamW and schedules; a loss target stops early
    r2 = sciml.train(quadratic(c), np.zeros(3), optimizer=sciml.AdamW(lr=0.1, weight_decay=1e-3), maxiters=600,
                     schedule=sciml.ExponentialDecay(gamma=0.995))
    np.testing.assert_allclose(r2.theta, c, atol=1e-2)
    r3 = sciml.train(quadratic(c), np.zeros(3), optimizer="adam", maxiters=100000, loss_target=1e-3,
                     schedule=lambda k, lr: 0.05)
    assert r3.finished and "loss target" in r3.message and r3.loss <= 1e-3 and r3.iterations < 1000
    assert sciml.CosineAnnealing(t_max=100, warmup=10)(0, 1.0) == pytest.approx(0.1)
    assert sciml.StepDecay(step_size=10, gamma=0.5)(25, 1.0) == pytest.approx(0.25)


def test_adam_step_matches_pytorch_rule():
    a = sciml.Adam(lr=0.01)
    x = np.array([1.0, -1.0])
    g = np.array([0.5, -2.0])
    a.step(x, g)  # first step: m_hat = g, v_hat = g^2, x -= lr * g / (|g| + eps)
    np.testing.assert_allclose(x, [1.0 - 0.01, -1.0 + 0.01], rtol=1e-7)
    assert a.t == 1 and np.allclose(a.m, 0.1 * g)


@pytest.mark.parametrize("n", [2, 10])
def test_lbfgs_minimises_rosenbrock(n):
    x0 = np.full(n, -1.2)
    x0[1::2] = 1.0
    r = sciml.train(rosenbrock, x0, optimizer="lbfgs", maxiters=2000)
    assert r.finished, r.message
    np.testing.assert_allclose(r.theta, np.ones(n), atol=1e-6)
    assert np.all(np.diff(r.history) <= 0)  # accepted steps decrease the loss
    r2 = sciml.train(rosenbrock, x0, optimizer=sciml.LBFGS(history=5, gtol=1e-6), maxiters=5)
    assert r2.iterations == 5 and r2.loss > r.loss


def test_callbacks_see_every_iteration_and_can_stop():
    seen = []
    r = sciml.train(quadratic(np.ones(2)), np.zeros(2), optimizer=sciml.Adam(lr=0.1), maxiters=50,
                    callback=lambda k, th, loss: seen.append((k, th.copy(), loss)) or k == 20)
    assert [k for k, _, _ in seen] == list(range(21))
    assert r.stopped_by_callback and r.iterations == 20 and "callback" in r.message and r.finished
    np.testing.assert_array_equal(r.theta, seen[-1][1])
    assert r.loss == seen[-1][2]
    seen = []
    r = sciml.train(rosenbrock, np.array([-1.2, 1.0]), optimizer="lbfgs", maxiters=100,
                    callback=lambda k, th, loss: seen.append((k, loss)) or loss < 1e-2)
    assert [k for k, _ in seen] == list(range(len(seen)))  # once per accepted step, from iteration 0
    assert r.stopped_by_callback and seen[-1][1] < 1e-2 and r.loss == seen[-1][1]
    assert r.iterations == len(seen) - 1
    np.testing.assert_array_equal(r.history, [loss for _, loss in seen])
    # the same run without a callback (the C++ train_lbfgs) follows the same iterates
    r_plain = sciml.train(rosenbrock, np.array([-1.2, 1.0]), optimizer="lbfgs", maxiters=r.iterations)
    np.testing.assert_array_equal(r_plain.theta, r.theta)


def test_progress_lines_go_to_the_given_stream(capsys):
    import io
    buf = io.StringIO()
    sciml.train(quadratic(np.ones(2)), np.zeros(2), optimizer=sciml.Adam(lr=0.1), maxiters=20, print_every=10, out=buf)
    lines = buf.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("iter    0  loss") and "lr 1.0e-01" in lines[0]
    sciml.train(quadratic(np.ones(2)), np.zeros(2), optimizer="lbfgs", maxiters=20, print_every=1)
    assert "iter    0  loss" in capsys.readouterr().out


class Boom(Exception):
    pass


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_exceptions_from_the_loss_and_callback_propagate(optimizer):
    calls = []

    def fg(th):
        calls.append(1)
        if len(calls) == 4:
            raise Boom("from the loss")
        return rosenbrock(th)
    with pytest.raises(Boom, match="from the loss"):
        sciml.train(fg, np.zeros(3), optimizer=optimizer, maxiters=100)

    def cb(k, th, loss):
        if k == 2:
            raise KeyError("from the callback")
    with pytest.raises(KeyError, match="from the callback"):
        sciml.train(rosenbrock, np.zeros(3), optimizer=optimizer, maxiters=100, callback=cb)
    with pytest.raises(ValueError, match="gradient of 2 values for 3 parameters"):
        sciml.train(lambda th: (1.0, np.zeros(2)), np.zeros(3), optimizer=optimizer)
    with pytest.raises(TypeError, match="must return"):
        sciml.train(lambda th: 1.0, np.zeros(3), optimizer=optimizer)


def test_nan_loss_stops_adam_with_a_message():
    def fg(th):
        loss, g = quadratic(np.ones(2))(th)
        return (math.nan if fg.k >= 5 else loss), g

    def counted(th):
        r = fg(th)
        fg.k += 1
        return r
    fg.k = 0
    with pytest.warns(sciml.TrainingWarning, match="NaN"):
        r = sciml.train(counted, np.zeros(2), optimizer=sciml.Adam(lr=0.1), maxiters=100)
    assert not r.finished and "loss became NaN at iteration 5" in r.message and "iteration 4" in r.message
    assert r.iterations == 4 and np.all(np.isfinite(r.theta)) and len(r.history) == 5
    with pytest.warns(sciml.TrainingWarning, match="starting parameters"):
        r = sciml.train(lambda th: (math.inf, np.zeros(2)), np.zeros(2), maxiters=10)
    assert not r.finished
    # L-BFGS treats NaN as "too far" and backtracks: a loss that is NaN beyond |x| > 2 is still minimised
    r = sciml.train(lambda th: (math.nan, th) if np.any(np.abs(th) > 2) else quadratic(np.full(2, 1.5))(th),
                    np.zeros(2), optimizer="lbfgs", maxiters=100)
    np.testing.assert_allclose(r.theta, 1.5, atol=1e-6)


def test_checkpoint_and_resume_repeat_an_uninterrupted_run(tmp_path):
    c = np.array([1.0, -2.0, 0.5, 4.0])
    path = tmp_path / "ckpt.txt"
    straight = sciml.train(quadratic(c), np.zeros(4), optimizer=sciml.Adam(lr=0.05), maxiters=40)
    first = sciml.train(quadratic(c), np.zeros(4), optimizer=sciml.Adam(lr=0.05), maxiters=20, save_path=path)
    assert first.iterations == 20 and path.exists() and (tmp_path / "ckpt.txt.adam").exists()
    seen = []
    second = sciml.train(quadratic(c), np.zeros(4), optimizer=sciml.Adam(lr=0.05), maxiters=40, save_path=path,
                         resume=True, callback=lambda k, th, loss: seen.append(k))
    assert second.iterations == 40 and seen[0] == 20
    np.testing.assert_array_equal(second.theta, straight.theta)
    with pytest.raises(ValueError, match="holds 4 parameters"):
        sciml.train(quadratic(c[:3]), np.zeros(3), maxiters=5, save_path=path, resume=True)


def test_train_argument_errors():
    with pytest.raises(ValueError, match="unknown name"):
        sciml.train(quadratic(np.ones(2)), np.zeros(2), optimizer="sgd")
    with pytest.raises(ValueError, match="schedule"):
        sciml.train(quadratic(np.ones(2)), np.zeros(2), optimizer="lbfgs", schedule=sciml.StepDecay())
    with pytest.raises(ValueError, match="NaN"):
        sciml.train(quadratic(np.ones(2)), np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="lr"):
        sciml.Adam(lr=-1.0)
    with pytest.raises(TypeError, match="schedule"):
        sciml.train(quadratic(np.ones(2)), np.zeros(2), schedule=3)


# ---------------------------------------------------------------------------------------------------------
# sciml.sindy
def lorenz(u, p, t):
    x, y, z = u
    return [10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z]


@pytest.fixture(scope="module")
def lorenz_data():
    ts = np.linspace(0.0, 10.0, 2001)
    sol = sciml.solve(sciml.ODEProblem(lorenz, [-8.0, 8.0, 27.0], (0.0, 10.0)), sciml.Vern9(), reltol=1e-12,
                      abstol=1e-12, saveat=ts)
    X = sol.u
    dX = np.array([lorenz(u, None, 0.0) for u in X])
    return ts, X, dX


LORENZ_TRUE = {"dx": {"x": -10.0, "y": 10.0}, "dy": {"x": 28.0, "y": -1.0, "x*z": -1.0},
               "dz": {"z": -8.0 / 3.0, "x*y": 1.0}}


def assert_equations(found, expected, tol):
    assert set(found) == set(expected)
    for out, terms in expected.items():
        assert set(found[out]) == set(terms), (out, found[out])
        for k, v in terms.items():
            assert found[out][k] == pytest.approx(v, abs=tol), (out, k)


def test_sindy_recovers_lorenz_from_clean_data(lorenz_data):
    ts, X, dX = lorenz_data
    lib = sindy.polynomial(3, 2, names=["x", "y", "z"])
    assert lib.names == ["1", "x", "y", "z", "x^2", "x*y", "x*z", "y^2", "y*z", "z^2"]
    model = sindy.fit(X, dX, library=lib, threshold=0.1)
    assert_equations(model.equations, LORENZ_TRUE, 1e-8)
    assert model.terms("dz") == model.terms(2) and model.nnz == 7
    assert str(model).splitlines()[0] == "dx = -10 x + 10 y"
    assert model.coefficients.shape == (10, 3) and model.coefficients[lib.names.index("x*z"), 1] == pytest.approx(-1)
    np.testing.assert_allclose(model.predict(X), dX, atol=1e-8)
    # from sampled states only: derivatives by finite differences and Savitzky-Golay
    for dXn in (sindy.finite_difference(ts, X, order=4), sindy.savitzky_golay(ts, X, window=9, polyorder=4)):
        m = sindy.fit(X, dXn, library=lib, threshold=0.5)
        assert_equations(m.equations, LORENZ_TRUE, 2e-2)
    # SR3 and a sweep choose the same model
    assert_equations(sindy.fit(X, dX, library=lib, method="sr3", threshold=0.1).equations, LORENZ_TRUE, 1e-8)
    sw = sindy.threshold_sweep(X, dX, library=lib, normalize_columns=True)
    assert_equations(sw.best.equations, LORENZ_TRUE, 1e-6)
    assert len(sw.path) == 41 and len(sw.best_index) == 3 and {"threshold", "aicc", "nnz"} <= set(sw.path[0])


def test_sindy_model_as_a_traced_right_hand_side(lorenz_data):
    ts, X, dX = lorenz_data
    model = sindy.fit(X, dX, library=sindy.polynomial(3, 2), threshold=0.1)
    prob = sciml.ODEProblem(model.rhs(), [-8.0, 8.0, 27.0], (0.0, 1.0))
    assert prob.traced
    sol = sciml.solve(prob, sciml.Vern9(), reltol=1e-10, abstol=1e-10, saveat=ts[:201])
    np.testing.assert_allclose(sol.u, X[:201], atol=1e-5)
    # model(u) on one state, numbers
    np.testing.assert_allclose(model(X[7]), dX[7], atol=1e-8)


def test_sindy_sweep_with_subsets_custom_terms_and_errors():
    rng = np.random.default_rng(2)
    X = rng.uniform(0.5, 2.0, size=(200, 2))
    Y = np.column_stack([-0.9 * X[:, 0] * X[:, 1], 0.8 * X[:, 0] * X[:, 1] + 0.3 * np.sin(X[:, 0])])
    lib = sindy.polynomial(2, 2, include_constant=False) + sindy.custom("sin(x)", lambda u: np.sin(u[0]), 2)
    assert lib.names[-1] == "sin(x)" and len(lib) == 6
    sw = sindy.threshold_sweep(X, Y, library=lib, max_subset_terms=2, output_names=["a", "b"])
    assert_equations(sw.best.equations, {"a": {"x*y": -0.9}, "b": {"x*y": 0.8, "sin(x)": 0.3}}, 1e-10)
    assert any(math.isnan(p["threshold"]) and p["support"] for p in sw.path)
    prob = sciml.ODEProblem(sw.best.rhs(), [1.0, 1.0], (0.0, 0.1))  # np.sin traces
    assert prob.traced
    with pytest.raises(ValueError, match="samples"):
        sindy.fit(X, Y[:10], library=lib)
    with pytest.raises(ValueError, match="columns"):
        sindy.fit(X, Y, library=sindy.polynomial(3, 2))
    with pytest.raises(ValueError, match="method"):
        sindy.fit(X, Y, library=lib, method="lasso")
    with pytest.raises(TypeError):
        sindy.fit(X, Y, library=lib, thresold=0.1)
    with pytest.raises(ValueError, match="100000"):
        sindy.threshold_sweep(X, Y, library=sindy.polynomial(2, 8), max_subset_terms=8)
    with pytest.raises(ZeroDivisionError):  # an exception in a Python candidate reaches the caller
        sindy.fit(X, Y, library=sindy.custom("bad", lambda u: 1 / 0, 2))


# ---------------------------------------------------------------------------------------------------------
# A short UDE fit (the Lotka-Volterra scenario of examples/python/ude_lotka_volterra.py, fewer iterations)
def test_short_ude_fit_reduces_the_loss_and_sindy_finds_the_interaction(lv_data):
    rng = np.random.default_rng(1)
    data = lv_data + 0.005 * lv_data.mean(axis=0) * rng.standard_normal(lv_data.shape)
    net = nn.MLP([2, 5, 5, 5, 2], activation="rbf")
    theta0 = net.init(seed=1)
    prob = sciml.ODEProblem(_ude_factory(net), data[0], (0.0, 3.0), theta0)

    def loss_and_grad(theta):
        return sciml.gradient(prob.remake(p=theta), sciml.Tsit5(), ts=LV_TS, data=data, reltol=1e-6, abstol=1e-6)
    r1 = sciml.train(loss_and_grad, theta0, optimizer=sciml.Adam(lr=0.1), maxiters=200)
    assert r1.finished and r1.loss < 1e-3 * r1.history[0]
    r2 = sciml.train(loss_and_grad, r1.theta, optimizer=sciml.LBFGS(gtol=1e-10), maxiters=1500)
    assert r2.loss < 0.1 * r1.loss
    # the network learned the interaction: along the data it is close to (-0.9 x y, 0.8 x y) ...
    learned = net(data, r2.theta)
    xy = data[:, 0] * data[:, 1]
    truth = np.column_stack([-0.9 * xy, 0.8 * xy])
    assert np.sqrt(np.mean((learned - truth) ** 2)) < 0.2 * np.sqrt(np.mean(truth ** 2))
    # ... and SINDy on its output along the trained model's trajectory names it (the example's settings)
    traj = sciml.solve(prob.remake(p=r2.theta), sciml.Vern7(), reltol=1e-8, abstol=1e-8,
                       saveat=np.linspace(0.0, 3.0, 301))
    lib = sindy.polynomial(2, 2, include_constant=False)
    model = sindy.threshold_sweep(traj.u, net(traj.u, r2.theta), library=lib, normalize_columns=True,
                                  correlation_length=60.0, max_subset_terms=3).best
    assert_equations(model.equations, {"dx": {"x*y": -0.9}, "dy": {"x*y": 0.8}}, 0.15)


def test_failed_solves_count_as_infinite_loss():
    # a network that blows the state up: the solve fails, train() stops (Adam) without crashing
    net = nn.MLP([2, 3, 2], activation="identity")

    def f(u, p, t):
        y = net(u, p)
        return [y[0] * u[0] * u[0], y[1]]
    theta = np.full(net.num_params, 5.0)
    prob = sciml.ODEProblem(f, [1.0, 1.0], (0.0, 10.0), theta)

    def lg(th):
        return sciml.gradient(prob.remake(p=th), ts=[1.0, 10.0], data=np.zeros((2, 2)), maxiters=1000)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = sciml.train(lg, theta, maxiters=3)
    assert not r.finished and "solve failed" in r.message
    assert any(issubclass(x.category, sciml.TrainingWarning) for x in w)


@pytest.mark.parametrize("act", ["relu", "softplus", "tanh"])
def test_native_code_for_networks_and_their_parameter_jacobian(act, lv_data):
    # relu and softplus use max() in f and in its derivatives: each compiled function keeps its own helpers
    net = nn.MLP([2, 4, 4, 2], activation=act)
    prob = sciml.ODEProblem(_ude_factory(net), lv_data[0], (0.0, 3.0), 0.3 * net.init(seed=2))
    info = sciml.jit(prob)
    if info["path"] != "native":
        if "no C compiler" in info.get("reason", ""):
            pytest.skip(info["reason"])
        pytest.fail(info.get("reason"))
    assert info["parameter_jacobian"] == "native"
    u = np.array([0.7, -0.4])
    np.testing.assert_allclose(prob._model.rhs(u, prob.p, 0.0, native=True), prob._model.rhs(u, prob.p, 0.0),
                               rtol=1e-14)
    kw = dict(ts=LV_TS, data=lv_data, reltol=1e-8, abstol=1e-8)
    native = sciml.gradient(prob, jit="native", **kw)        # df/dp from native code
    bytecode = sciml.gradient(prob, jit="bytecode", **kw)
    assert native.success and bytecode.success
    np.testing.assert_allclose(native.dp, bytecode.dp, rtol=1e-9, atol=1e-12 * np.max(np.abs(bytecode.dp)))


def test_the_ude_example_runs():
    import json
    import os
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, str(root / "examples" / "python" / "ude_lotka_volterra.py"), "--quiet",
                        "--lbfgs-iters", "1500"], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.splitlines()[-1])
    assert set(out["recovered"]["dx"]) == {"x*y"} and set(out["recovered"]["dy"]) == {"x*y"}
    assert abs(out["recovered"]["dx"]["x*y"] + 0.9) < 0.15 and abs(out["recovered"]["dy"]["x*y"] - 0.8) < 0.15


def test_a_large_parameter_jacobian_stays_on_bytecode(monkeypatch, lv_data):
    from sciml import _jit
    monkeypatch.setattr(_jit, "PJAC_MAX_BYTES", 0)  # as for a large network: df/dp is not compiled
    net = nn.MLP([2, 3, 2], activation="tanh")
    prob = sciml.ODEProblem(_ude_factory(net), lv_data[0], (0.0, 3.0), net.init(seed=5))
    info = sciml.jit(prob)
    if info["path"] != "native":
        pytest.skip(info.get("reason"))
    assert info["parameter_jacobian"] == "bytecode"
    kw = dict(ts=LV_TS, data=lv_data, reltol=1e-8, abstol=1e-8)
    native, bytecode = sciml.gradient(prob, jit="native", **kw), sciml.gradient(prob, jit="bytecode", **kw)
    np.testing.assert_allclose(native.dp, bytecode.dp, rtol=1e-9)
