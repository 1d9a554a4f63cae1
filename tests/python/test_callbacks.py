"""Callbacks from Python: continuous events located on the dense output, discrete callbacks, termination."""
import numpy as np

import sciml

G = 9.81


def ball(u, p, t):
    return [u[1], -G]


def test_bouncing_ball_event_times():
    def bounce(integ):
        integ.u[1] = -0.9 * integ.u[1]
    cb = sciml.ContinuousCallback(lambda u, t, integ: u[0], None, bounce)  # downcrossings only
    prob = sciml.ODEProblem(ball, [10.0, 0.0], (0.0, 5.0))
    sol = sciml.solve(prob, sciml.Tsit5(), callback=cb, reltol=1e-10, abstol=1e-10)
    t1 = np.sqrt(2 * 10.0 / G)
    t2 = t1 + 2 * 0.9 * G * t1 / G
    events = sol.t[np.where(np.diff(sol.t) == 0)[0]]
    assert abs(events[0] - t1) < 1e-9 and abs(events[1] - t2) < 1e-8
    assert sol.u[:, 0].min() > -1e-9


def test_python_condition_and_terminate():
    hits = []

    def cond(u, t, integ):
        if u[0] < 5.0:  # not traceable: called from Python
            return -1.0
        return 1.0 * (u[0] - 5.0) + 1e-300

    def stop(integ):
        hits.append(integ.t)
        integ.terminate()
    prob = sciml.ODEProblem(ball, [10.0, 0.0], (0.0, 5.0))
    sol = sciml.solve(prob, sciml.Tsit5(), callback=sciml.ContinuousCallback(cond, stop), reltol=1e-10, abstol=1e-10)
    assert sol.retcode == "Terminated"
    assert abs(hits[0] - np.sqrt(2 * 5.0 / G)) < 1e-8
    assert abs(sol.t[-1] - hits[0]) < 1e-12


def test_discrete_callback_and_set():
    seen = []

    def cond(u, t, integ):
        return u[0] < 0.5

    def reset(integ):
        seen.append(integ.t)
        integ.u[0] = 1.0
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 3.0))
    stopper = sciml.ContinuousCallback(lambda u, t, integ: t - 2.5, lambda integ: integ.terminate())
    sol = sciml.solve(prob, sciml.Tsit5(), callback=sciml.CallbackSet(sciml.DiscreteCallback(cond, reset), stopper),
                      reltol=1e-8)
    assert len(seen) >= 3 and all(s > np.log(2) - 1e-9 for s in seen)
    assert sol.retcode == "Terminated" and abs(sol.t[-1] - 2.5) < 1e-9
    # the handle is only valid inside the callback
    kept = []
    sciml.solve(prob, sciml.Tsit5(), callback=sciml.DiscreteCallback(lambda u, t, i: True, kept.append))
    try:
        kept[0].t
        raise AssertionError("a stale integrator handle must raise")
    except RuntimeError as e:
        assert "only valid inside" in str(e)
