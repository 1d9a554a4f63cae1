"""Every error path: wrong shapes, unknown methods and bad options raise ValueError/TypeError naming the
argument; exceptions inside user functions reach the caller with their traceback."""
import traceback

import numpy as np
import pytest

import sciml


def decay(u, p, t):
    return [-u[0]]


def test_problem_errors():
    with pytest.raises(TypeError, match="f must be callable"):
        sciml.ODEProblem(3, [1.0], (0, 1))
    with pytest.raises(ValueError, match="u0"):
        sciml.ODEProblem(decay, [[1.0, 2.0]], (0, 1))
    with pytest.raises(ValueError, match="u0"):
        sciml.ODEProblem(decay, [], (0, 1))
    with pytest.raises(ValueError, match="tspan"):
        sciml.ODEProblem(decay, [1.0], (0, 1, 2))
    with pytest.raises(ValueError, match="returned 1 values for 2 states"):
        sciml.ODEProblem(decay, [1.0, 2.0], (0, 1))


def test_solve_option_errors():
    prob = sciml.ODEProblem(decay, [1.0], (0, 1))
    with pytest.raises(TypeError, match="unexpected keyword argument 'rtol'"):
        sciml.solve(prob, rtol=1e-6)
    with pytest.raises(ValueError, match="reltol"):
        sciml.solve(prob, reltol=-1)
    with pytest.raises(TypeError, match="reltol"):
        sciml.solve(prob, reltol="tight")
    with pytest.raises(ValueError, match="abstol"):
        sciml.solve(prob, abstol=[1e-6, 1e-6])
    with pytest.raises(ValueError, match="unknown method"):
        sciml.solve(prob, "NoSuchMethod")
    with pytest.raises(TypeError, match="alg"):
        sciml.solve(prob, 42)
    with pytest.raises(ValueError, match="dt"):
        sciml.solve(prob, sciml.RK4(), adaptive=False)
    with pytest.raises(ValueError, match="maxiters"):
        sciml.solve(prob, maxiters=0)
    with pytest.raises(ValueError, match="jit"):
        sciml.solve(prob, jit="fast")
    with pytest.raises(TypeError, match="callback"):
        sciml.solve(prob, callback=print)
    with pytest.raises(TypeError, match="prob"):
        sciml.solve("prob")
    with pytest.raises(ValueError, match="not available"):
        sciml.AutoTsit5(sciml.RadauIIA5())


def test_failed_solve_keeps_partial_solution():
    blowup = sciml.ODEProblem(lambda u, p, t: [u[0] * u[0]], [1.0], (0.0, 2.0))
    sol = sciml.solve(blowup, sciml.Tsit5())
    assert not sol.success and sol.retcode in ("DtLessThanMin", "Unstable", "MaxIters")
    assert sol.t[-1] < 1.0 + 1e-3 and len(sol.t) > 1 and "t =" in sol.message
    short = sciml.solve(sciml.ODEProblem(decay, [1.0], (0, 1e6)), sciml.Tsit5(), maxiters=10)
    assert short.retcode == "MaxIters" and "maxiters" in short.message


class Boom(RuntimeError):
    pass


def test_exception_in_user_function_reaches_caller_with_traceback():
    def f(u, p, t):
        if t > 0.5:  # untraceable: called from Python
            raise Boom("f failed at t > 0.5")
        return [-u[0]]
    with pytest.warns(sciml.TracingWarning):
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0))
    with pytest.raises(Boom, match="f failed") as info:
        sciml.solve(prob, sciml.Tsit5())
    frames = [fr.name for fr in traceback.extract_tb(info.value.__traceback__)]
    assert "f" in frames

    def affect(integ):
        raise Boom("in the affect")
    cb = sciml.ContinuousCallback(lambda u, t, i: t - 0.3, affect)
    with pytest.raises(Boom, match="in the affect"):
        sciml.solve(sciml.ODEProblem(decay, [1.0], (0, 1)), callback=cb)


def test_wrong_output_of_untraced_function():
    def f(u, p, t):
        if t >= 0:
            return [1.0, 2.0]
        return [0.0]
    with pytest.warns(sciml.TracingWarning):
        prob = sciml.ODEProblem(f, [1.0], (0, 1))
    with pytest.raises(ValueError, match="f returned 2 values for 1 states"):
        sciml.solve(prob)
    np.testing.assert_equal(prob.u0, [1.0])
