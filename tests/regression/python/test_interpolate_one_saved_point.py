"""Regression (issue 14): sol(t) read past the end of the saved points when only one point was saved
(interpolate_saved), returning a wrong value."""
import numpy as np
import pytest

import sciml


def test_one_saved_point():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], -2 * u[1]], [1.0, 1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), saveat=[1.0], reltol=1e-10, abstol=1e-12)
    assert len(sol.t) == 1 and sol.t[0] == 1.0
    u = sol(1.0)
    assert np.allclose(u, [np.exp(-1.0), np.exp(-2.0)], rtol=1e-8)
    assert np.array_equal(u, sol.u[0])
    with pytest.raises(IndexError):   # std::out_of_range: outside the one saved time
        sol(0.5)


def test_zero_length_tspan():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [3.0], (2.0, 2.0))
    sol = sciml.solve(prob, sciml.Tsit5())
    assert sol.retcode == "Success"
    assert sol(2.0)[0] == 3.0
    with pytest.raises(IndexError):
        sol(2.5)


def test_initial_failure_keeps_its_point():
    prob = sciml.ODEProblem(lambda u, p, t: [np.log(u[0] - 2.0)], [1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Rodas5P())
    assert sol.retcode == "InitialFailure"
    assert sol(0.0)[0] == 1.0
