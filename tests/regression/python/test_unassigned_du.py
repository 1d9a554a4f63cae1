"""Regression (issue 14): a traced f that did not assign du[1], or returned None, a string or an object, fell
back to calling Python, where the unassigned entry kept stale contents (a silent wrong answer). These are
errors in f: raised at once (sciml.ModelError, a ValueError), naming the entry."""
import warnings

import numpy as np
import pytest

import sciml


def test_unassigned_entry_in_place():
    def f(du, u, p, t):
        du[0] = -u[0]          # du[1] forgotten
    with pytest.raises(sciml.ModelError, match=r"du\[1\]"):
        sciml.ODEProblem(f, [1.0, 2.0], (0.0, 1.0))


@pytest.mark.parametrize("ret, what", [(None, "forget to return"), ("abc", "str"), ({"a": 1}, "dict"),
                                       ([1.0, "x"], "str at position 1"), ([1.0, object()], "object")])
def test_bad_returns(ret, what):
    with pytest.raises(sciml.ModelError, match=what):
        sciml.ODEProblem(lambda u, p, t: ret, [1.0, 2.0], (0.0, 1.0))


def test_wrong_count():
    with pytest.raises(ValueError, match="returned 3 values for 2 states"):
        sciml.ODEProblem(lambda u, p, t: [u[0], u[1], 0.0], [1.0, 2.0], (0.0, 1.0))


def test_untraced_in_place_f_leaving_an_entry_unassigned():
    def f(du, u, p, t):
        if u[0] > 0:           # not traceable: called from Python
            du[0] = -u[0]
        else:
            du[0] = u[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0, 2.0], (0.0, 1.0))
    assert not prob.traced
    with pytest.raises(ValueError, match=r"did not assign du\[1\]"):
        sciml.solve(prob, sciml.Tsit5())


def test_untraced_f_rebinding_du():
    def f(du, u, p, t):
        if u[0] > 0:
            du = np.array([-u[0], -u[1]])  # rebinds the name: the solver's du is untouched
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0, 2.0], (0.0, 1.0))
    with pytest.raises(ValueError, match=r"du\[0\]"):
        sciml.solve(prob, sciml.Tsit5())


def test_nan_computed_by_f_is_not_mistaken_for_unassigned():
    def f(du, u, p, t):
        if u[0] > 0:
            du[0] = -u[0]
            du[1] = np.nan if t > 0.5 else -u[1]
        else:
            du[:] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0, 2.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5())
    assert sol.retcode == "Unstable" and "returned NaN" in sol.message
