"""Regression (issue 14): unclear errors, each now clear. A NaN from f mid-solve was reported as "looks stiff,
try Rodas5P" (even to Rodas5P users); maxiters = 2**70 dumped pybind11's internal signature; a string p;
prob_func/output_func exceptions missing the "raised in trajectory i" note; a symlinked or refused cache
directory under jit="auto" turning native code off with no warning; dtmin > dtmax, reltol = inf and tolerances
below machine epsilon accepted silently."""
import os
import warnings

import numpy as np
import pytest

import sciml
from sciml import _jit


def nan_after_one(u, p, t):
    return [-u[0] + np.sqrt(1.0 - t)]


@pytest.mark.parametrize("alg", [sciml.Tsit5(), sciml.Rodas5P(), sciml.FBDF(), sciml.KenCarp4()])
def test_nan_from_f_is_named(alg):
    sol = sciml.solve(sciml.ODEProblem(nan_after_one, [1.0], (0.0, 2.0)), alg)
    assert sol.retcode == "Unstable"
    assert "f(u, p, t) returned NaN" in sol.message
    assert "looks stiff" not in sol.message
    if alg.name != "Tsit5":
        assert "Rodas5P" not in sol.message
    assert 0.9 < sol.t[-1] <= 1.0 + 1e-9


def test_huge_maxiters():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    with pytest.raises(ValueError, match=r"maxiters: .* too large"):
        sciml.solve(prob, sciml.Tsit5(), maxiters=2**70)
    with pytest.raises(ValueError, match="maxiters"):
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), trajectories=2, maxiters=2**70)


@pytest.mark.parametrize("p", ["abc", b"xyz"])
def test_string_p(p):
    with pytest.raises(TypeError, match="p: got a"):
        sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0), p)


def test_prob_func_and_output_func_exceptions_name_the_trajectory():
    prob = sciml.ODEProblem(lambda u, p, t: [-p[0] * u[0]], [1.0], (0.0, 1.0), [1.0])

    def bad_prob_func(prob, i):
        if i == 3:
            raise KeyError("no such sample")
        return prob.remake(p=[float(i)])

    with pytest.raises(KeyError) as e:
        sciml.solve(sciml.EnsembleProblem(prob, prob_func=bad_prob_func), sciml.Tsit5(), sciml.EnsembleSerial(),
                    trajectories=5)
    assert any("raised in trajectory 3" in n for n in getattr(e.value, "__notes__", []))

    def bad_output(sol, i):
        if i == 2:
            raise ZeroDivisionError("bad output")
        return sol.u[-1]

    with pytest.raises(ZeroDivisionError) as e:
        sciml.solve(sciml.EnsembleProblem(prob, output_func=bad_output), sciml.Tsit5(), sciml.EnsembleSerial(),
                    trajectories=4)
    assert any("raised in trajectory 2" in n for n in getattr(e.value, "__notes__", []))


def test_symlinked_cache_directory_warns(tmp_path, monkeypatch):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    os.symlink(real, link)
    monkeypatch.setenv("SCIML_CACHE_DIR", str(link))
    prob = sciml.ODEProblem(lambda u, p, t: [-3.25 * u[0]], [1.0], (0.0, 1.0))
    with pytest.warns(sciml.NativeCodeWarning, match="symbolic link"):
        sol = sciml.solve(prob, sciml.Tsit5())           # jit="auto"
    assert sol.retcode == "Success"
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.NativeCodeWarning)
        sciml.solve(prob, sciml.Tsit5())                 # once per model


def test_world_writable_cache_directory_warns(tmp_path, monkeypatch):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    d = tmp_path / "open"
    d.mkdir()
    os.chmod(d, 0o777)
    monkeypatch.setenv("SCIML_CACHE_DIR", str(d))
    prob = sciml.ODEProblem(lambda u, p, t: [-3.5 * u[0]], [1.0], (0.0, 1.0))
    with pytest.warns(sciml.NativeCodeWarning, match="writable by others"):
        sciml.solve(prob, sciml.Tsit5())


@pytest.mark.parametrize("opts, name", [
    ({"dtmin": 0.5, "dtmax": 0.1}, "dtmin"),
    ({"reltol": float("inf")}, "reltol"),
    ({"reltol": 1e-20}, "reltol"),
    ({"abstol": float("inf")}, "abstol"),
])
def test_step_and_tolerance_options_refused(opts, name):
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    with pytest.raises(ValueError, match=name):
        sciml.solve(prob, sciml.Tsit5(), **opts)


def test_dtmin_enforced():
    vdp = sciml.ODEProblem(lambda u, p, t: [u[1], 1000.0 * ((1 - u[0] ** 2) * u[1] - u[0])], [2.0, 0.0],
                           (0.0, 3000.0))
    sol = sciml.solve(vdp, sciml.Tsit5(), dtmin=1e-3, reltol=1e-6, abstol=1e-6)
    assert sol.retcode == "DtLessThanMin" and "dtmin" in sol.message
    assert np.all(np.diff(sol.t)[:-1] >= 1e-3 * (1 - 1e-12))


def test_callback_condition_returning_a_non_number():
    def cond(u, t, integ):
        if u[0] > 0.5:        # untraceable: called from Python after every step
            return "above"
        return "below"
    cb = sciml.ContinuousCallback(cond, lambda integ: None)
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    with pytest.warns(sciml.TracingWarning):
        with pytest.raises(TypeError, match="condition must return a number, got str"):
            sciml.solve(prob, sciml.Tsit5(), callback=cb)
