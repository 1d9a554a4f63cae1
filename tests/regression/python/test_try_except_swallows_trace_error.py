"""Regression (issue 14): a try/except inside f swallowed the tracing error, so the except branch was traced
and compiled as if always taken (a silent wrong answer). A trace during which f caught a TraceError is refused:
f is called from Python (with a TracingWarning saying why), which follows the branches f really takes."""
import math

import numpy as np
import pytest

import sciml


def f(u, p, t):
    try:
        rate = 2.0 if float(u[0]) > 0.5 else 1.0   # float() on a traced value raises TraceError ...
    except Exception:
        rate = 1.0                                  # ... which this swallows
    return [-rate * u[0]]


def exact(t):
    # rate 2 until u = 0.5 (at t = ln 2 / 2), then rate 1
    t1 = math.log(2.0) / 2
    return math.exp(-2 * t) if t <= t1 else 0.5 * math.exp(-(t - t1))


def test_swallowed_trace_error_refuses_the_trace():
    with pytest.warns(sciml.TracingWarning, match="caught a tracing error"):
        prob = sciml.ODEProblem(f, [1.0], (0.0, 2.0))
    assert not prob.traced
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-12, tstops=[math.log(2.0) / 2])
    assert abs(sol.u[-1][0] - exact(2.0)) < 1e-6   # the except branch alone would give exp(-2) = 0.135


def test_if_inside_try_is_refused_too():
    def g(u, p, t):
        try:
            if u[0] > 0:
                return [-u[0]]
        except sciml.TraceError:
            pass
        return [u[0]]
    with pytest.warns(sciml.TracingWarning, match="caught a tracing error"):
        prob = sciml.ODEProblem(g, [1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-10)
    assert abs(sol.u[-1][0] - np.exp(-1.0)) < 1e-6


def test_ordinary_traceable_f_is_still_traced():
    prob = sciml.ODEProblem(lambda u, p, t: [-np.maximum(u[0], 0.5) * u[0]], [1.0], (0.0, 1.0))
    assert prob.traced
