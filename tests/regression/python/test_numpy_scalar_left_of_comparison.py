"""Regression (issue 14, found by the property suite): a NumPy scalar on the left of an operator with a traced
value (np.exp(0.0) > u[0]) reached Sym.__array_ufunc__ as a 0-d array, which was refused: f fell back to Python
with a TracingWarning. It is traced now, with the same answer as the Python function."""
import warnings

import numpy as np
import sciml


def rhs(u, p, t):
    return [sciml.ifelse(np.exp(0.0) > u[0], 1.0, -1.0) + np.float64(2.0) * u[1] - np.array(3.0) / (1 + u[0] ** 2)
            + (np.float32(1) <= u[1]), np.float64(-0.5) * u[1]]


def test_numpy_scalar_left_of_comparison_is_traced():
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.TracingWarning)
        prob = sciml.ODEProblem(rhs, [0.0, 1.0], (0.0, 1.0))
    assert prob.traced
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-10, jit="bytecode")
    with warnings.catch_warnings():  # the reference: f on floats, called from Python
        warnings.simplefilter("ignore", sciml.TracingWarning)
        untraced = sciml.ODEProblem(lambda u, p, t: [float(v) for v in rhs([float(x) for x in u], p, t)],
                                    [0.0, 1.0], (0.0, 1.0))
    ref = sciml.solve(untraced, sciml.Tsit5(), reltol=1e-10, abstol=1e-10)
    np.testing.assert_allclose(sol.u[-1], ref.u[-1], rtol=1e-8)
