"""sciml.gradient from Python: adjoint gradients of traced models against central finite differences."""
import numpy as np
import pytest

import sciml
from problems import ROBER_K, rober


def lv(u, p, t):
    x, y = u
    a, b, c, d = p
    return [a * x - b * x * y, -c * y + d * x * y]


TS = np.arange(1.0, 11.0)
DATA = np.column_stack([1.0 + 0.1 * np.sin(TS), 1.0 + 0.1 * TS])
P = [1.5, 1.0, 3.0, 1.0]


def loss_at(p, u0=(1.0, 1.0)):
    prob = sciml.ODEProblem(lv, list(u0), (0.0, 10.0), p)
    sol = sciml.solve(prob, sciml.Vern9(), reltol=1e-12, abstol=1e-12, saveat=TS)
    return float(np.sum((sol.u - DATA) ** 2))


@pytest.fixture(scope="module")
def fd():
    h = 1e-6
    dp = []
    for j in range(4):
        a, b = list(P), list(P)
        a[j] += h
        b[j] -= h
        dp.append((loss_at(a) - loss_at(b)) / (2 * h))
    du = []
    for j in range(2):
        a, b = [1.0, 1.0], [1.0, 1.0]
        a[j] += h
        b[j] -= h
        du.append((loss_at(P, a) - loss_at(P, b)) / (2 * h))
    return np.array(dp), np.array(du)


@pytest.mark.parametrize("sense", [sciml.InterpolatingAdjoint(), sciml.QuadratureAdjoint(), sciml.BacksolveAdjoint(),
                                   sciml.DiscreteAdjoint()])
@pytest.mark.parametrize("alg", ["Tsit5", "Vern9"])
def test_lotka_volterra_gradients(fd, sense, alg):
    prob = sciml.ODEProblem(lv, [1.0, 1.0], (0.0, 10.0), P)
    g = sciml.gradient(prob, alg, ts=TS, data=DATA, sensealg=sense, reltol=1e-10, abstol=1e-10)
    assert g.success, g.message
    assert abs(g.loss - loss_at(P)) < 1e-6
    scale = np.max(np.abs(fd[0]))
    assert np.allclose(g.dp, fd[0], atol=1e-5 * scale), (g.dp, fd[0])
    assert np.allclose(g.du0, fd[1], atol=1e-5 * scale)


def test_python_loss_and_stiff_adjoint():
    ts = np.array([1e-3, 1e-1, 1.0, 10.0, 100.0, 1e3])
    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e3), ROBER_K)

    def qoi(i, t, u):  # y1 + 1e4 y2 at each time
        return u[0] + 1e4 * u[1], np.array([1.0, 1e4, 0.0])
    g = sciml.gradient(prob, sciml.Rodas5P(), ts=ts, loss=qoi, reltol=1e-10, abstol=1e-14)
    assert g.success, g.message

    def L(k):
        s = sciml.solve(sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e3), k), sciml.Rodas5P(), reltol=1e-12,
                        abstol=1e-16, saveat=ts)
        return float(np.sum(s.u[:, 0] + 1e4 * s.u[:, 1]))
    for j in range(3):
        h = 1e-6 * ROBER_K[j]
        a, b = list(ROBER_K), list(ROBER_K)
        a[j] += h
        b[j] -= h
        assert abs(g.dp[j] - (L(a) - L(b)) / (2 * h)) < 1e-5 * abs(g.dp[j])
    q = sciml.gradient(prob, sciml.FBDF(), ts=ts, loss=qoi, sensealg=sciml.QuadratureAdjoint(), reltol=1e-10,
                       abstol=1e-14)
    assert np.allclose(q.dp, g.dp, rtol=1e-4)


def test_gradient_errors():
    prob = sciml.ODEProblem(lv, [1.0, 1.0], (0.0, 10.0), P)
    with pytest.raises(ValueError, match="exactly one"):
        sciml.gradient(prob, ts=TS)
    with pytest.raises(ValueError, match="shape"):
        sciml.gradient(prob, ts=TS, data=DATA[:3])
    with pytest.raises(ValueError, match="not available"):
        sciml.gradient(prob, sciml.RK4(), ts=TS, data=DATA)
    with pytest.raises(ValueError, match="ts"):
        sciml.gradient(prob, ts=[2.0, 1.0], data=DATA[:2])
