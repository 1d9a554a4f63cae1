"""Regression (issue 14): complex u0 or p silently lost the imaginary part (with only NumPy's ComplexWarning).
They are refused, naming the argument."""
import numpy as np
import pytest

import sciml


def f(u, p, t):
    return [-p[0] * u[0]]


@pytest.mark.parametrize("u0", [[1.0 + 2.0j], np.array([1 + 0j]), [np.complex64(1.0)]])
def test_complex_u0(u0):
    with pytest.raises(TypeError, match="u0: complex"):
        sciml.ODEProblem(f, u0, (0.0, 1.0), [1.0])


@pytest.mark.parametrize("p", [[1.0 + 1.0j], 2j, np.array([1.0], dtype=complex)])
def test_complex_p(p):
    with pytest.raises(TypeError, match="p: complex"):
        sciml.ODEProblem(f, [1.0], (0.0, 1.0), p)


def test_complex_in_remake_and_ensembles():
    prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0), [1.0])
    with pytest.raises(TypeError, match="u0: complex"):
        prob.remake(u0=[1j])
    with pytest.raises(TypeError, match="p: complex"):
        prob.remake(p=[1j])
    with pytest.raises(TypeError, match="params: complex"):
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), params=np.array([[1.0 + 1j], [2.0]]))
    with pytest.raises(TypeError, match="u0s: complex"):
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), u0s=np.array([[1.0 + 1j]]))


def test_f_returning_complex_is_refused():
    with pytest.raises(sciml.ModelError, match="complex"):
        sciml.ODEProblem(lambda u, p, t: [1j], [1.0], (0.0, 1.0))
