"""Regression (issue 14, found by the property suite): a solution with no saved point had sol.u of shape (0, 0),
and sol(t) on it wrote the state into a zero-length row (the row length came from the saved points)."""
import pytest
import sciml


def test_empty_solution_shape():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], -2.0 * u[1]], [1.0, 1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), saveat=[0.5], maxiters=1)  # stops before its one saved time
    assert sol.retcode == "MaxIters"
    assert len(sol.t) == 0
    assert sol.u.shape == (0, 2)


def test_interpolation_without_saved_points():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], -2.0 * u[1]], [1.0, 1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), save_everystep=False, save_start=False, save_end=False)
    assert sol.retcode == "Success"
    assert len(sol.t) == 0 and sol.u.shape == (0, 2)
    with pytest.raises(IndexError, match="no saved point"):
        sol(0.5)
