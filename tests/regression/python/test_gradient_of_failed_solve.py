"""Regression (issue 14): sciml.gradient returned loss = 0.0 and dp = 0 when the forward solve failed, which
looks like an optimum to an optimiser. A failed solve gives NaN and a failed status with the solver's message."""
import numpy as np

import sciml


def test_failed_forward_solve_gives_nan():
    prob = sciml.ODEProblem(lambda u, p, t: [p[0] * u[0] * u[0]], [1.0], (0.0, 2.0), [1.0])  # blows up at t = 1
    g = sciml.gradient(prob, ts=[0.5, 2.0], data=[[2.0], [0.0]])
    assert not g.success
    assert g.retcode != "Success"
    assert np.isnan(g.loss)
    assert np.all(np.isnan(g.dp)) and np.all(np.isnan(g.du0))
    assert "forward solve failed" in g.message


def test_maxiters_failure_gives_nan():
    prob = sciml.ODEProblem(lambda u, p, t: [-p[0] * u[0]], [1.0], (0.0, 10.0), [1.0])
    g = sciml.gradient(prob, ts=[10.0], data=[[0.0]], maxiters=3)
    assert g.retcode == "MaxIters" and np.isnan(g.loss) and np.isnan(g.dp[0])


def test_successful_gradient_unchanged():
    prob = sciml.ODEProblem(lambda u, p, t: [-p[0] * u[0]], [1.0], (0.0, 1.0), [1.0])
    g = sciml.gradient(prob, ts=[1.0], data=[[0.0]], reltol=1e-10, abstol=1e-10)
    assert g.success and abs(g.loss - np.exp(-2.0)) < 1e-8
