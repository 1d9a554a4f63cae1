"""Regression (issue 14): integ.u / integ.p given to an affect were views of the integrator's memory with no
owner. Kept after the affect (events.append(integ.u)) they read freed memory, and writing to them later
crashed. Now they are arrays owning a copy; what the affect writes is copied back when it returns."""
import gc

import numpy as np

import sciml


def ball(u, p, t):
    return [u[1], -p[0]]


def test_states_kept_from_affects_stay_valid_and_writeable():
    events, params = [], []

    def bounce(integ):
        events.append(integ.u)      # kept after the affect
        params.append(integ.p)
        integ.u[1] = -0.9 * integ.u[1]

    cb = sciml.ContinuousCallback(lambda u, t, integ: u[0], bounce)
    prob = sciml.ODEProblem(ball, [10.0, 0.0], (0.0, 10.0), [9.81])
    sol = sciml.solve(prob, sciml.Tsit5(), callback=cb, reltol=1e-10, abstol=1e-10)
    assert sol.retcode == "Success"
    del sol
    gc.collect()
    assert len(events) >= 3
    # the first impact: fall from 10 m, v = -sqrt(2 g h), bounced to +0.9 of it in place
    v1 = np.sqrt(2 * 9.81 * 10.0)
    assert abs(events[0][0]) < 1e-8
    assert abs(events[0][1] - 0.9 * v1) < 1e-6   # the array the affect changed holds the change
    for e in events:
        assert abs(e[0]) < 1e-8 and np.all(np.isfinite(e))
        e[:] = 123.0                            # writing to a kept array is safe
    assert all(np.all(p == 9.81) for p in params)


def test_affect_assigns_whole_state_and_parameters():
    def kick(integ):
        integ.u = [integ.u[0], 5.0]
        integ.p = [1.0]

    cb = sciml.ContinuousCallback(lambda u, t, integ: u[0] - 5.0, None, kick)  # on the way down
    prob = sciml.ODEProblem(ball, [10.0, 0.0], (0.0, 1.5), [9.81])
    sol = sciml.solve(prob, sciml.Tsit5(), callback=cb, reltol=1e-10, abstol=1e-10)
    # after the downcrossing of 5 m: v = 5, g = 1
    te = np.sqrt(2 * 5.0 / 9.81)
    t = 1.5
    expect = 5.0 + 5.0 * (t - te) - 0.5 * (t - te) ** 2
    assert abs(sol.u[-1][0] - expect) < 1e-7


def test_handle_used_after_the_affect_is_refused():
    kept = []
    cb = sciml.DiscreteCallback(lambda u, t, integ: True, lambda integ: kept.append(integ))
    sciml.solve(sciml.ODEProblem(ball, [10.0, 0.0], (0.0, 0.1), [9.81]), sciml.Tsit5(), callback=cb)
    try:
        kept[0].u
    except RuntimeError as e:
        assert "only valid inside the callback" in str(e)
    else:
        raise AssertionError("a handle kept after its callback must refuse access")
