"""Regression (issue 14): mutating the p array after building the problem was ignored (the solve used a copy
taken at construction) while prob.p showed the new value. p is read at solve time."""
import warnings

import numpy as np

import sciml


def decay(u, p, t):
    return [-p[0] * u[0]]


def test_numpy_p_changed_in_place():
    p = np.array([1.0])
    prob = sciml.ODEProblem(decay, [1.0], (0.0, 1.0), p)
    a = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12).u[-1][0]
    p[0] = 3.0
    assert prob.p[0] == 3.0
    b = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12).u[-1][0]
    assert abs(a - np.exp(-1.0)) < 1e-8 and abs(b - np.exp(-3.0)) < 1e-8


def test_p_reassigned_even_with_another_size():
    prob = sciml.ODEProblem(lambda u, p, t: [-sum(p) * u[0]], [1.0], (0.0, 1.0), [1.0])
    prob.p = [1.0, 1.0]
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12)
    assert abs(sol.u[-1][0] - np.exp(-2.0)) < 1e-8


def test_dict_p_changed_in_place_is_retraced():
    p = {"k": 1.0}
    prob = sciml.ODEProblem(lambda u, p, t: [-p["k"] * u[0]], [1.0], (0.0, 1.0), p)
    assert prob.traced
    p["k"] = 2.0
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12)
    assert abs(sol.u[-1][0] - np.exp(-2.0)) < 1e-8


def test_untraced_f_sees_the_new_p():
    def f(u, p, t):
        if u[0] > -1:    # not traceable
            return [-p[0] * u[0]]
        return [0.0]
    p = np.array([1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0), p)
    p[0] = 2.0
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12)
    assert abs(sol.u[-1][0] - np.exp(-2.0)) < 1e-8


def test_gradient_and_ensemble_read_p_at_call_time():
    p = np.array([1.0])
    prob = sciml.ODEProblem(decay, [1.0], (0.0, 1.0), p)
    p[0] = 2.0
    g = sciml.gradient(prob, ts=[1.0], data=[[0.0]], reltol=1e-10, abstol=1e-10)
    # L = u(1)^2 = exp(-2p): dL/dp = -2 exp(-2p)
    assert abs(g.dp[0] + 2 * np.exp(-4.0)) < 1e-6
    es = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleSerial(), trajectories=2,
                     saveat=[1.0], reltol=1e-10, abstol=1e-12)
    assert abs(es.u[0][-1][0] - np.exp(-2.0)) < 1e-8
