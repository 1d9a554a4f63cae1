"""Regression (issue 14): an untraced f got u, p and du as views of solver memory with no owner; arrays kept
after the call read freed memory. Now f gets arrays that own their data."""
import gc
import warnings

import numpy as np

import sciml


def test_arrays_kept_by_an_untraced_f_stay_valid():
    kept = []

    def f(u, p, t):
        if isinstance(u, np.ndarray) and u.dtype == float:   # not the symbolic call of tracing
            kept.append((u, p))
        if u[0] > 0.5:       # Python control flow on the state: not traceable
            return [-p[0] * u[0]]
        return [-p[0] * u[0]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0), [2.0])
    assert not prob.traced
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-8)
    assert abs(sol.u[-1][0] - np.exp(-2.0)) < 1e-6
    del sol
    gc.collect()
    for u, p in kept:
        assert 0.0 < u[0] <= 1.0 + 1e-12 and p[0] == 2.0


def test_in_place_untraced_f_keeping_du():
    kept = []

    def f(du, u, p, t):
        if u[0] > 0.5:
            du[0] = -u[0]
        else:
            du[0] = -u[0]
        if du.dtype == float:
            kept.append(du)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-8)
    assert abs(sol.u[-1][0] - np.exp(-1.0)) < 1e-6
    gc.collect()
    assert all(-1.0 - 1e-12 <= d[0] < 0 for d in kept)
    kept[0][0] = 5.0   # writing to a kept du is safe
