"""sciml.solve from Python on the C++ tests' problems, against the same reference values."""
import numpy as np
import pytest

import sciml
from problems import (ARENSTORF_T, ARENSTORF_U0, HIRES_REF, HIRES_U0, LORENZ_P, PLEIADES_REF_XY, PLEIADES_U0,
                      ROBER_K, ROBER_REF, arenstorf, hires, lorenz, pleiades, rober, rober_inplace)


def test_lorenz_traced_solution_object():
    prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 1.0), LORENZ_P)
    assert prob.traced
    sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-10, abstol=1e-10)
    assert sol.retcode == "Success" and sol.success
    assert sol.t.ndim == 1 and sol.u.shape == (len(sol.t), 3)
    assert sol.t[0] == 0.0 and sol.t[-1] == 1.0
    assert np.allclose(sol.u[0], [1.0, 0.0, 0.0])
    # dense output: a scalar gives one state, an array one row per time; both match a tighter solve there
    ref = sciml.solve(prob, sciml.Vern9(), reltol=1e-13, abstol=1e-13, saveat=[0.25, 0.5, 0.75])
    assert np.allclose(sol(0.5), ref.u[1], rtol=1e-7, atol=1e-8)
    assert sol([0.25, 0.5, 0.75]).shape == (3, 3)
    assert np.allclose(sol([0.25, 0.5, 0.75]), ref.u, rtol=1e-7, atol=1e-8)
    assert sol.stats["naccept"] > 0 and sol.stats["nf"] > 0
    assert sol.alg == "Tsit5"


@pytest.mark.parametrize("alg", ["Tsit5", "DP5", "Vern7", "Vern9", "DP8"])
def test_arenstorf_orbit_closes(alg):
    prob = sciml.ODEProblem(arenstorf, ARENSTORF_U0, (0.0, ARENSTORF_T))
    sol = sciml.solve(prob, sciml.method_by_name(alg), reltol=1e-10, abstol=1e-10, save_everystep=False)
    assert np.max(np.abs(sol.u[-1] - np.array(ARENSTORF_U0))) < 1e-5


def test_pleiades_reference():
    prob = sciml.ODEProblem(pleiades, PLEIADES_U0, (0.0, 3.0))
    sol = sciml.solve(prob, sciml.Vern9(), reltol=1e-12, abstol=1e-12, save_everystep=False)
    assert np.max(np.abs(sol.u[-1][:14] - PLEIADES_REF_XY)) < 1e-8


@pytest.mark.parametrize("alg", ["Rosenbrock23", "Rodas4", "Rodas5P", "TRBDF2", "KenCarp4", "Kvaerno5",
                                 "RadauIIA5", "FBDF", "DefaultODEAlgorithm", "AutoVern7(Rodas5P)"])
def test_rober_stiff_methods(alg):
    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e5), ROBER_K)
    tol = 1e-6 if alg == "Rosenbrock23" else 1e-8
    sol = sciml.solve(prob, sciml.method_by_name(alg), reltol=tol, abstol=tol * 1e-4, save_everystep=False)
    assert sol.success, sol.message
    rel = np.abs(sol.u[-1] - ROBER_REF) / ROBER_REF
    assert np.max(rel) < (2e-3 if alg == "Rosenbrock23" else 2e-5), (alg, rel)
    assert abs(sol.u[-1].sum() - 1.0) < 1e-6  # conservation
    assert sol.stats["njac"] > 0


def test_rober_inplace_and_hires():
    prob = sciml.ODEProblem(rober_inplace, [1.0, 0.0, 0.0], (0.0, 1e5), ROBER_K)
    assert prob.inplace and prob.traced
    sol = sciml.solve(prob, sciml.Rodas5P(), reltol=1e-8, abstol=1e-12, save_everystep=False)
    assert np.max(np.abs(sol.u[-1] - ROBER_REF) / ROBER_REF) < 2e-5
    hp = sciml.ODEProblem(hires, HIRES_U0, (0.0, 321.8122))
    hs = sciml.solve(hp, sciml.RadauIIA5(), reltol=1e-10, abstol=1e-10, save_everystep=False)
    assert np.max(np.abs(hs.u[-1] - HIRES_REF) / HIRES_REF) < 1e-6


def test_saveat_tstops_and_fixed_step():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 2.0))
    sol = sciml.solve(prob, sciml.Tsit5(), saveat=0.5, reltol=1e-10, abstol=1e-12)
    assert np.allclose(sol.t, [0, 0.5, 1.0, 1.5, 2.0])
    assert np.allclose(sol.u[:, 0], np.exp(-sol.t), rtol=1e-8)
    rk4 = sciml.solve(prob, sciml.RK4(), dt=0.01, adaptive=False)
    assert len(rk4.t) == 201 and abs(rk4.u[-1, 0] - np.exp(-2.0)) < 1e-9
    ts = sciml.solve(prob, sciml.Tsit5(), tstops=[0.123])
    assert 0.123 in ts.t
    per = sciml.solve(sciml.ODEProblem(lambda u, p, t: [-u[0], -2 * u[1]], [1.0, 1.0], (0.0, 1.0)),
                      sciml.Tsit5(), abstol=[1e-10, 1e-10], reltol=1e-10)
    assert np.allclose(per.u[-1], [np.exp(-1.0), np.exp(-2.0)], rtol=1e-8)


def test_parameters_scalar_array_and_remake():
    decay = sciml.ODEProblem(lambda u, k, t: [-k * u[0]], [1.0], (0.0, 1.0), 2.0)
    sol = sciml.solve(decay, reltol=1e-10, abstol=1e-12)
    assert abs(sol.u[-1, 0] - np.exp(-2.0)) < 1e-8
    faster = decay.remake(p=3.0)  # the same compiled model, new parameter value
    assert faster._model is decay._model
    assert abs(sciml.solve(faster, reltol=1e-10, abstol=1e-12).u[-1, 0] - np.exp(-3.0)) < 1e-8
    moved = decay.remake(u0=[2.0], tspan=(0.0, 0.5))
    assert abs(sciml.solve(moved, reltol=1e-10, abstol=1e-12).u[-1, 0] - 2 * np.exp(-1.0)) < 1e-8


def test_default_algorithm_switches_on_stiff_problem():
    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e5), ROBER_K)
    sol = sciml.solve(prob, reltol=1e-6, abstol=1e-10)
    assert sol.alg == "DefaultODEAlgorithm" and sol.stats["nswitch"] >= 1
    assert np.max(np.abs(sol.u[-1] - ROBER_REF) / ROBER_REF) < 1e-3


def test_large_sparse_model_uses_sparse_jacobian():
    n = 400

    def diffusion(du, u, p, t):
        du[0] = p[0] * (u[1] - 2 * u[0]) - u[0] ** 3
        for i in range(1, n - 1):
            du[i] = p[0] * (u[i - 1] - 2 * u[i] + u[i + 1]) - u[i] ** 3
        du[n - 1] = p[0] * (u[n - 2] - 2 * u[n - 1]) - u[n - 1] ** 3

    u0 = np.sin(np.linspace(0, np.pi, n))
    prob = sciml.ODEProblem(diffusion, u0, (0.0, 1.0), [1000.0])
    assert prob._model.sparse and prob._model.jac_nnz == 3 * n - 2
    sol = sciml.solve(prob, sciml.FBDF(), reltol=1e-6, abstol=1e-8, save_everystep=False)
    ref = sciml.solve(prob, sciml.RadauIIA5(), reltol=1e-10, abstol=1e-12, save_everystep=False)
    assert sol.success and np.max(np.abs(sol.u[-1] - ref.u[-1])) < 1e-4


def test_plot(tmp_path):
    prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 1.0), LORENZ_P)
    ax = sciml.solve(prob).plot()
    ax.figure.savefig(tmp_path / "lorenz.png")
    assert (tmp_path / "lorenz.png").stat().st_size > 1000
