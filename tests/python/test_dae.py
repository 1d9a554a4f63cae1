"""Mass-matrix DAEs from Python (ROBER with its conservation law as an algebraic equation) and a user jac for
an untraced right-hand side."""
import warnings

import numpy as np
import pytest

import sciml
from problems import ROBER_K, ROBER_REF, rober

M = np.diag([1.0, 1.0, 0.0])


def rober_dae(u, k, t):
    y1, y2, y3 = u
    return [-k[0] * y1 + k[1] * y2 * y3, k[0] * y1 - k[1] * y2 * y3 - k[2] * y2 * y2, y1 + y2 + y3 - 1.0]


@pytest.mark.parametrize("alg", ["Rodas5P", "Rodas4", "Rosenbrock23", "RadauIIA5", "FBDF", None])
def test_rober_dae_matches_ode_reference(alg):
    prob = sciml.ODEProblem(rober_dae, [1.0, 0.0, 0.0], (0.0, 1e5), ROBER_K, mass_matrix=M)
    tol = 1e-6 if alg == "Rosenbrock23" else 1e-8
    sol = sciml.solve(prob, None if alg is None else sciml.method_by_name(alg), reltol=tol, abstol=tol * 1e-4,
                      save_everystep=False)
    assert sol.success, sol.message
    assert np.max(np.abs(sol.u[-1] - ROBER_REF) / ROBER_REF) < (3e-3 if alg == "Rosenbrock23" else 1e-4)
    assert abs(sol.u[-1].sum() - 1.0) < 1e-10  # the algebraic equation holds


def test_inconsistent_algebraic_variable_is_initialised():
    prob = sciml.ODEProblem(rober_dae, [1.0, 0.0, 0.5], (0.0, 1.0), ROBER_K, mass_matrix=M)  # y3 should be 0
    sol = sciml.solve(prob, sciml.Rodas5P(), reltol=1e-8, abstol=1e-10)
    assert sol.success and abs(sol.u[0].sum() - 1.0) < 1e-10


def test_mass_matrix_errors():
    with pytest.raises(ValueError, match="mass_matrix"):
        sciml.ODEProblem(rober_dae, [1.0, 0.0, 0.0], (0, 1), ROBER_K, mass_matrix=np.eye(2))
    prob = sciml.ODEProblem(rober_dae, [1.0, 0.0, 0.0], (0, 1), ROBER_K, mass_matrix=M)
    with pytest.raises(ValueError, match="cannot solve M u'"):
        sciml.solve(prob, sciml.Tsit5())


def test_user_jacobian_for_untraced_function():
    calls = [0]

    def f(u, k, t):
        if t < 0:  # untraceable on purpose
            raise AssertionError
        return rober(u, k, t)

    def jac(u, k, t):
        calls[0] += 1
        y1, y2, y3 = u
        return [[-k[0], k[1] * y3, k[1] * y2],
                [k[0], -k[1] * y3 - 2 * k[2] * y2, -k[1] * y2],
                [0.0, 2 * k[2] * y2, 0.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0, 0.0, 0.0], (0.0, 1e5), ROBER_K, jac=jac)
    sol = sciml.solve(prob, sciml.Rodas5P(), reltol=1e-8, abstol=1e-12, save_everystep=False)
    assert calls[0] == sol.stats["njac"] > 0
    assert np.max(np.abs(sol.u[-1] - ROBER_REF) / ROBER_REF) < 2e-5
