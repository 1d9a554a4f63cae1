"""Tracing: traced and Python-callback solves agree to rounding, bytecode and native code agree, numpy
functions and sciml.ifelse trace, untraceable functions fall back with a warning that says why."""
import math
import threading
import time
import warnings

import numpy as np
import pytest

import sciml
from problems import LORENZ_P, ROBER_K, hires, HIRES_U0, lorenz, rober


def both(f, u0, tspan, p=None, alg=None, **opts):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tracing f must not warn
        traced = sciml.ODEProblem(f, u0, tspan, p)
    plain = sciml.ODEProblem(f, u0, tspan, p, trace=False)
    assert traced.traced and not plain.traced
    alg = alg or sciml.Tsit5()
    return sciml.solve(traced, alg, jit="bytecode", **opts), sciml.solve(plain, alg, **opts)


def test_traced_matches_python_callback():
    a, b = both(lorenz, [1.0, 0.0, 0.0], (0.0, 2.0), LORENZ_P, reltol=1e-10, abstol=1e-10)
    assert len(a.t) == len(b.t)
    assert np.allclose(a.u, b.u, rtol=1e-11, atol=1e-11)
    # stiff: symbolic Jacobian (traced) vs finite differences (callback): the same answer to the tolerance
    a, b = both(rober, [1.0, 0.0, 0.0], (0.0, 1e3), ROBER_K, alg=sciml.Rodas5P(), reltol=1e-8, abstol=1e-12)
    assert np.allclose(a.u[-1], b.u[-1], rtol=1e-6, atol=1e-12)


def test_numpy_functions_and_ifelse():
    def f(u, p, t):
        x, y = u
        return [np.sin(x) * np.exp(-t) + np.sqrt(1 + y * y) - np.tanh(y) + np.abs(x - 1) ** 1.5,
                sciml.ifelse(x > 0.5, -y, y) + np.log1p(x * x) + np.arctan2(y, 1 + x) + np.maximum(x, 0.2)]
    # fixed steps: the two paths round differently, which would move adaptive step choices
    a, b = both(f, [0.3, 0.1], (0.0, 1.0), alg=sciml.RK4(), dt=1e-3, adaptive=False)
    assert np.allclose(a.u, b.u, rtol=1e-12, atol=1e-14)


def test_vectorised_numpy_on_state_arrays():
    A = np.array([[-2.0, 1.0, 0.0], [1.0, -2.0, 1.0], [0.0, 1.0, -2.0]])

    def f(u, p, t):
        return A @ u + np.cos(u) * p[0]
    a, b = both(f, [1.0, 2.0, 3.0], (0.0, 1.0), [0.1], alg=sciml.RK4(), dt=1e-3, adaptive=False)
    assert np.allclose(a.u, b.u, rtol=1e-12, atol=1e-14)


def test_native_and_bytecode_agree():
    prob = sciml.ODEProblem(hires, HIRES_U0, (0.0, 321.8122))
    info = sciml.jit(prob)
    if info["path"] != "native":
        pytest.skip(f"no native build here: {info.get('reason')}")
    u = np.linspace(0.1, 0.8, 8)
    assert np.allclose(prob._model.rhs(u, [], 1.0, native=True), prob._model.rhs(u, [], 1.0), rtol=1e-14, atol=1e-300)
    assert np.allclose(prob._model.jacobian(u, [], 1.0, native=True), prob._model.jacobian(u, [], 1.0), rtol=1e-14)
    n = sciml.solve(prob, sciml.Rodas5P(), reltol=1e-8, abstol=1e-10, jit="native")
    b = sciml.solve(prob, sciml.Rodas5P(), reltol=1e-8, abstol=1e-10, jit="bytecode")
    assert len(n.t) == len(b.t)
    assert np.allclose(n.u, b.u, rtol=1e-12, atol=1e-15)


def test_symbolic_jacobian_matches_finite_differences():
    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1.0), ROBER_K)
    u = np.array([0.9, 2e-5, 0.1])
    J = prob._model.jacobian(u, ROBER_K, 0.0)
    h = 1e-7
    fd = np.column_stack([(np.array(rober(u + h * e, ROBER_K, 0)) - np.array(rober(u - h * e, ROBER_K, 0))) / (2 * h)
                          for e in np.eye(3)])
    assert np.allclose(J, fd, rtol=1e-6, atol=1e-6)


def test_untraceable_function_falls_back_with_reason():
    def f(u, p, t):
        if u[0] > 0:  # Python control flow on the state
            return [-u[0]]
        return [0.0]
    with pytest.warns(sciml.TracingWarning, match="control flow"):
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0))
    assert not prob.traced
    sol = sciml.solve(prob, reltol=1e-10, abstol=1e-12)
    assert abs(sol.u[-1, 0] - math.exp(-1.0)) < 1e-8
    assert sciml.jit(prob)["path"] == "python"

    def g(u, p, t):
        return [math.sin(u[0])]
    with pytest.warns(sciml.TracingWarning, match="math"):
        sciml.ODEProblem(g, [1.0], (0.0, 1.0))


def test_gil_is_released_during_compiled_solves():
    prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 10000.0), LORENZ_P)
    sciml.solve(prob, sciml.Tsit5(), reltol=1e-6, save_everystep=False, jit="bytecode")
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1
            time.sleep(0.0005)
    th = threading.Thread(target=spin)
    th.start()
    time.sleep(0.01)
    c0 = count[0]
    t0 = time.perf_counter()
    sol = sciml.solve(prob, sciml.Vern9(), reltol=1e-12, abstol=1e-12, save_everystep=False, jit="bytecode",
                      maxiters=10**7)
    elapsed = time.perf_counter() - t0
    c1 = count[0]
    stop.set()
    th.join()
    assert sol.success and elapsed > 0.1, "the solve was too short to tell"
    assert c1 - c0 >= 0.2 * elapsed / 0.0005, (c1 - c0, elapsed)
