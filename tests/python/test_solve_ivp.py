"""sciml.solve_ivp against scipy.integrate.solve_ivp: same signature, checks and result object."""
import numpy as np
import pytest
import scipy.integrate

import sciml


def lotka(t, y, a, b, c, d):
    return [a * y[0] - b * y[0] * y[1], -c * y[1] + d * y[0] * y[1]]


ARGS = (1.5, 1.0, 3.0, 1.0)


@pytest.mark.parametrize("method", ["RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA", "Vern9", "Rodas5P"])
def test_agrees_with_scipy(method):
    t_eval = np.linspace(0, 10, 21)
    scipy_method = method if method in sciml._solve_ivp.METHODS else "DOP853"
    ours = sciml.solve_ivp(lotka, (0, 10), [1.0, 1.0], method=method, t_eval=t_eval, args=ARGS, rtol=1e-10, atol=1e-10)
    theirs = scipy.integrate.solve_ivp(lotka, (0, 10), [1.0, 1.0], method=scipy_method, t_eval=t_eval, args=ARGS,
                                       rtol=1e-10, atol=1e-10)
    assert ours.success and ours.status == 0 and ours.message == theirs.message
    assert np.array_equal(ours.t, theirs.t)
    assert ours.y.shape == theirs.y.shape == (2, 21)
    assert np.allclose(ours.y, theirs.y, rtol=1e-6, atol=1e-7)
    assert ours.nfev > 0 and isinstance(ours.njev, int) and isinstance(ours.nlu, int)
    assert ours.sol is None and ours.t_events is None


def test_result_fields_dense_output_and_all_steps():
    res = sciml.solve_ivp(lambda t, y: -0.5 * y, (0, 10), [2.0, 4.0, 8.0], dense_output=True, rtol=1e-8, atol=1e-10)
    assert res.t[0] == 0 and res.t[-1] == 10 and res.y.shape == (3, len(res.t))
    assert np.allclose(res.sol(3.0), np.array([2.0, 4.0, 8.0]) * np.exp(-1.5), rtol=1e-6)
    assert res.sol([1.0, 2.0]).shape == (3, 2)
    assert res["success"] and res.success
    backwards = sciml.solve_ivp(lambda t, y: -0.5 * y, (10, 0), [1.0], t_eval=[10, 5, 0], rtol=1e-10, atol=1e-12)
    assert np.allclose(backwards.y[0], np.exp(-0.5 * np.array([0, -5, -10])), rtol=1e-8)


def test_events_like_scipy():
    def hit_ground(t, y):
        return y[0]
    hit_ground.terminal = True
    hit_ground.direction = -1

    def apex(t, y):
        return y[1]

    def fall(t, y):
        return [y[1], -9.81]
    ours = sciml.solve_ivp(fall, (0, 10), [10.0, 5.0], events=[hit_ground, apex], rtol=1e-10, atol=1e-10)
    theirs = scipy.integrate.solve_ivp(fall, (0, 10), [10.0, 5.0], events=[hit_ground, apex], rtol=1e-10, atol=1e-10)
    assert ours.status == 1 and ours.message == "A termination event occurred."
    for k in range(2):
        assert len(ours.t_events[k]) == len(theirs.t_events[k]) == 1
        assert abs(ours.t_events[k][0] - theirs.t_events[k][0]) < 1e-8
        assert np.allclose(ours.y_events[k], theirs.y_events[k], atol=1e-7)
    assert abs(ours.t[-1] - theirs.t[-1]) < 1e-8


def test_argument_errors_match_scipy():
    f = lambda t, y: -y  # noqa: E731
    with pytest.raises(ValueError, match="method"):
        sciml.solve_ivp(f, (0, 1), [1.0], method="Nope")
    with pytest.raises(ValueError, match="t_eval"):
        sciml.solve_ivp(f, (0, 1), [1.0], t_eval=[0.5, 2.0])
    with pytest.raises(ValueError, match="sorted"):
        sciml.solve_ivp(f, (0, 1), [1.0], t_eval=[0.5, 0.2])
    with pytest.raises(ValueError, match="1-dimensional"):
        sciml.solve_ivp(f, (0, 1), [[1.0]])
    with pytest.raises(TypeError, match="args"):
        sciml.solve_ivp(f, (0, 1), [1.0], args=1.0)
    with pytest.raises(ValueError, match="max_step"):
        sciml.solve_ivp(f, (0, 1), [1.0], max_step=-1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        sciml.solve_ivp(f, (0, 1), [1.0], bogus=3)
