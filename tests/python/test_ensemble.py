"""Ensembles from Python: sciml.EnsembleProblem solved on EnsembleSerial, EnsembleThreads and EnsembleGPUKernel
(on the host here; on the device where one exists). Every trajectory equals its own sciml.solve, thread counts
give identical arrays, a failing trajectory keeps its retcode and leaves the others alone, the summary matches
numpy, bad input raises ValueError naming the argument, and the generated CUDA source compiles with nvcc."""
import os
import stat
import warnings

import numpy as np
import pytest

import sciml
from sciml import _gpu


def lorenz(u, p, t):
    x, y, z = u
    s, r, b = p
    return [s * (y - x), x * (r - z) - y, x * y - b * z]


def rho_sweep(n):
    return np.array([[10.0, 21.0 * i / (n - 1), 8.0 / 3.0] for i in range(n)])


@pytest.fixture(scope="module")
def prob():
    return sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 1.0), [10.0, 28.0, 8.0 / 3.0])


OPTS = dict(saveat=0.1, reltol=1e-8, abstol=1e-8, jit="bytecode")


def single(prob, p=None, u0=None, alg=None, **opts):
    return sciml.solve(prob.remake(p=p, u0=u0), alg or sciml.Tsit5(), **opts)


# ---------------------------------------------------------------------------------------------------------
# CPU backends
def test_serial_equals_single_solves(prob):
    ps = rho_sweep(6)
    esol = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleSerial(), params=ps, **OPTS)
    assert len(esol) == 6 and esol.success and esol.failures == 0 and esol.failed() == []
    assert esol.u.shape == (6, 11, 3)
    for i in range(6):
        sol = single(prob, p=ps[i], **OPTS)
        np.testing.assert_array_equal(esol.t, sol.t)
        np.testing.assert_array_equal(esol.u[i], sol.u)
        assert esol.retcodes[i] == "Success"
        assert esol.stats["naccept"][i] == sol.stats["naccept"]
        assert esol[i].retcode == "Success" and np.array_equal(esol[i].u, sol.u)


def test_threads_give_identical_arrays(prob):
    ps = rho_sweep(40)
    u0s = np.tile([1.0, 0.0, 0.0], (40, 1)) + 0.01 * np.arange(40)[:, None]
    ens = sciml.EnsembleProblem(prob)
    ref = sciml.solve(ens, sciml.Vern9(), sciml.EnsembleSerial(), params=ps, u0s=u0s, **OPTS)
    for backend in (sciml.EnsembleThreads(threads=1), sciml.EnsembleThreads(threads=2),
                    sciml.EnsembleThreads(threads=2, chunk=3)):
        esol = sciml.solve(ens, sciml.Vern9(), backend, params=ps, u0s=u0s, **OPTS)
        np.testing.assert_array_equal(esol.u, ref.u)
        np.testing.assert_array_equal(esol.stats["nf"], ref.stats["nf"])
    sol = single(prob, p=ps[17], u0=u0s[17], alg=sciml.Vern9(), **OPTS)
    np.testing.assert_array_equal(ref.u[17], sol.u)


def test_trajectories_prob_func_and_output_func(prob):
    ps = rho_sweep(5)

    def prob_func(base, i):
        return base.remake(p=ps[i], u0=[1.0 + i, 0.0, 0.0])

    ens = sciml.EnsembleProblem(prob, prob_func=prob_func, output_func=lambda sol, i: (i, sol.u[-1]))
    esol = sciml.solve(ens, sciml.Tsit5(), sciml.EnsembleThreads(threads=2), trajectories=5, **OPTS)
    arrays = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), params=ps,
                         u0s=[[1.0 + i, 0.0, 0.0] for i in range(5)], **OPTS)
    np.testing.assert_array_equal(esol.states, arrays.u)
    assert [o[0] for o in esol.u] == list(range(5))
    np.testing.assert_array_equal(esol.u[3][1], arrays.u[3, -1])
    # Julia's prob_func(prob, i, repeat), and a count smaller than the arrays: their first rows
    ens3 = sciml.EnsembleProblem(prob, prob_func=lambda base, i, repeat: base.remake(p=ps[i]))
    assert sciml.solve(ens3, sciml.Tsit5(), trajectories=2, **OPTS).u.shape == (2, 11, 3)
    first = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), params=ps, trajectories=2, **OPTS)
    every = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), params=ps, **OPTS)
    assert len(first) == 2
    np.testing.assert_array_equal(first.u, every.u[:2])
    # no arrays: every trajectory is the base problem
    same = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), trajectories=3, **OPTS)
    np.testing.assert_array_equal(same.u[0], same.u[2])


def blowup(u, p, t):
    return [p[0] * u[0] * u[0]]


def test_failing_trajectory_keeps_its_retcode():
    # u' = p u^2 from 1 blows up at t = 1/p: p = 3 fails inside [0, 1], the others do not
    prob = sciml.ODEProblem(blowup, [1.0], (0.0, 1.0), [0.5])
    ps = np.array([[0.1], [0.5], [3.0], [0.2]])
    for backend in (sciml.EnsembleSerial(), sciml.EnsembleThreads(threads=2)):
        esol = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), backend, params=ps, saveat=0.25, reltol=1e-8,
                           abstol=1e-8, jit="bytecode")
        assert esol.failures == 1 and esol.failed() == [2] and not esol.success
        assert esol.retcodes[2] not in ("Success", "Terminated")
        assert esol.messages[2]
        assert esol[2].success is False
        assert np.isnan(esol.u[2, -1, 0]) and np.isfinite(esol.u[2, 1, 0])  # saved t = 0 and 0.25, then stopped
        assert esol.saved[2] == 2
        for i in (0, 1, 3):
            sol = single(prob, p=ps[i], saveat=0.25, reltol=1e-8, abstol=1e-8, jit="bytecode")
            np.testing.assert_array_equal(esol.u[i], sol.u)
            np.testing.assert_allclose(esol.u[i, -1, 0], 1.0 / (1.0 - ps[i, 0]), rtol=1e-6)


def test_summary_matches_numpy():
    prob = sciml.ODEProblem(blowup, [1.0], (0.0, 1.0), [0.5])
    ps = np.linspace(0.05, 0.9, 15)[:, None]
    ps[7] = 3.0  # fails
    esol = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), params=ps, saveat=0.1, reltol=1e-8, abstol=1e-8)
    s = esol.summary(quantiles=[0.05, 0.5, 0.95])
    ok = np.array([i != 7 for i in range(15)])
    u = esol.u[ok]
    assert s.trajectories == 14 and s.failures == 1
    np.testing.assert_array_equal(s.t, esol.t)
    np.testing.assert_allclose(s.mean, u.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(s.variance, u.var(axis=0, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(s.quantiles, np.quantile(u, [0.05, 0.5, 0.95], axis=0), rtol=1e-14)
    with pytest.raises(ValueError, match="quantiles"):
        esol.summary(quantiles=[1.5])


def test_callbacks_run_in_every_trajectory():
    def ball(u, p, t):
        return [u[1], -p[0]]

    prob = sciml.ODEProblem(ball, [1.0, 0.0], (0.0, 2.0), [9.81])
    def bounce(integ):
        integ.u[1] = -0.8 * integ.u[1]

    cb = sciml.ContinuousCallback(lambda u, t, integ: u[0], None, bounce)
    ps = np.linspace(5.0, 15.0, 12)[:, None]
    kw = dict(callback=cb, saveat=0.05, reltol=1e-9, abstol=1e-9, jit="bytecode")
    serial = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleSerial(), params=ps, **kw)
    threads = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleThreads(threads=2), params=ps, **kw)
    np.testing.assert_array_equal(serial.u, threads.u)
    sol = single(prob, p=ps[4], **kw)
    np.testing.assert_array_equal(serial.u[4], sol.u)
    assert serial.u[:, :, 0].min() > -1e-6  # bounced


def test_untraced_model_and_python_errors():
    def f(u, p, t):
        if u[0] > 100.0:  # Python control flow: called from Python at every stage
            raise ArithmeticError("u left the box")
        return [-p[0] * u[0]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.TracingWarning)
        prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0), [1.0])
    assert not prob.traced
    ps = np.array([[0.5], [1.0], [2.0], [-20.0]])
    serial = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleSerial(), params=ps[:3], saveat=0.5)
    threads = sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleThreads(threads=2), params=ps[:3],
                          saveat=0.5)
    np.testing.assert_array_equal(serial.u, threads.u)
    np.testing.assert_allclose(serial.u[:, -1, 0], np.exp(-ps[:3, 0]), rtol=1e-3)
    with pytest.raises(ArithmeticError, match="left the box") as info:  # the Python exception, as raised
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleThreads(threads=2), params=ps)
    notes = getattr(info.value, "__notes__", None)
    if notes is not None:
        assert any("trajectory 3" in n for n in notes)


def test_mass_matrix_ensemble():
    def rober(u, p, t):
        y1, y2, y3 = u
        k1, k2, k3 = p
        return [-k1 * y1 + k3 * y2 * y3, k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3, y1 + y2 + y3 - 1.0]

    M = np.diag([1.0, 1.0, 0.0])
    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 10.0), [0.04, 3e7, 1e4], mass_matrix=M)
    ps = np.array([[0.04, 3e7, 1e4], [0.08, 3e7, 1e4]])
    esol = sciml.solve(sciml.EnsembleProblem(prob), sciml.Rodas5P(), params=ps, saveat=[1.0, 10.0], reltol=1e-8,
                       abstol=1e-10, jit="bytecode")
    sol = single(prob, p=ps[1], alg=sciml.Rodas5P(), saveat=[1.0, 10.0], reltol=1e-8, abstol=1e-10, jit="bytecode")
    np.testing.assert_array_equal(esol.u[1], sol.u)


def test_bad_input_names_the_argument(prob):
    ens = sciml.EnsembleProblem(prob)
    ps = rho_sweep(4)
    cases = [
        (dict(params=ps[:, :2]), "params"),
        (dict(params=ps, u0s=np.ones((4, 2))), "u0s"),
        (dict(params=ps, u0s=np.ones((3, 3))), "u0s"),
        (dict(params=ps, trajectories=5), "trajectories"),
        (dict(params=ps, trajectories=0), "trajectories"),
        (dict(), "trajectories"),
        (dict(u0s=[[1.0, np.nan, 0.0]]), "u0s"),
        (dict(params=np.zeros((0, 3))), "params"),
        (dict(params=ps, dense=True), "dense"),
    ]
    for kw, name in cases:
        with pytest.raises(ValueError, match=name):
            sciml.solve(ens, sciml.Tsit5(), sciml.EnsembleSerial(), **kw)
    with pytest.raises(ValueError, match="prob_func"):
        sciml.solve(sciml.EnsembleProblem(prob, prob_func=lambda b, i: b), sciml.Tsit5(), params=ps)
    with pytest.raises(ValueError, match="prob_func"):
        sciml.solve(sciml.EnsembleProblem(prob, prob_func=lambda b, i: b.remake(tspan=(0.0, 2.0))), sciml.Tsit5(),
                    trajectories=2)
    with pytest.raises(TypeError, match="backend"):
        sciml.solve(ens, sciml.Tsit5(), "threads", params=ps)
    with pytest.raises(TypeError, match="backend"):
        sciml.solve(prob, sciml.Tsit5(), sciml.EnsembleSerial())
    with pytest.raises(ValueError, match="threads"):
        sciml.EnsembleThreads(threads=-1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        sciml.solve(ens, sciml.Tsit5(), params=ps, trajectory=3)
    with pytest.raises(ValueError, match="reltol"):
        sciml.solve(ens, sciml.Tsit5(), params=ps, reltol=-1.0)
    gpu = sciml.EnsembleGPUKernel(on_host=True)
    with pytest.raises(ValueError, match="alg"):
        sciml.solve(ens, sciml.FBDF(), gpu, params=ps)
    with pytest.raises(ValueError, match="abstol"):
        sciml.solve(ens, sciml.Tsit5(), gpu, params=ps, abstol=[1e-6, 1e-6, 1e-6])
    with pytest.raises(ValueError, match="tstops"):
        sciml.solve(ens, sciml.Tsit5(), gpu, params=ps, tstops=[0.5])
    with pytest.raises(ValueError, match="dtype"):
        sciml.EnsembleGPUKernel(dtype=np.int32)


# ---------------------------------------------------------------------------------------------------------
# EnsembleGPUKernel
needs_cxx = pytest.mark.skipif(_gpu.host_compiler() is None, reason="needs a C++ compiler for on_host kernels")


@needs_cxx
def test_gpu_kernel_on_host_equals_cpu(prob):
    ps = rho_sweep(16)
    ens = sciml.EnsembleProblem(prob)
    cpu = sciml.solve(ens, sciml.Tsit5(), sciml.EnsembleSerial(), params=ps, **OPTS)
    host = sciml.solve(ens, sciml.Tsit5(), sciml.EnsembleGPUKernel(on_host=True), params=ps, **OPTS)
    assert host.u.dtype == np.float64 and host.success
    np.testing.assert_array_equal(host.t, cpu.t)
    np.testing.assert_allclose(host.u, cpu.u, rtol=1e-11, atol=1e-11)
    np.testing.assert_array_equal(host.stats["naccept"], cpu.stats["naccept"])
    np.testing.assert_array_equal(host.stats["nreject"], cpu.stats["nreject"])
    # float32 kernels: the same trajectories to single precision
    host32 = sciml.solve(ens, sciml.Tsit5(), sciml.EnsembleGPUKernel(on_host=True), params=ps.astype(np.float32),
                         saveat=0.1, reltol=1e-5, abstol=1e-5)
    assert host32.u.dtype == np.float32
    np.testing.assert_allclose(host32.u, cpu.u, rtol=2e-3, atol=2e-3)
    # end point only, fixed step
    fixed = sciml.solve(ens, sciml.RK4(), sciml.EnsembleGPUKernel(on_host=True), params=ps[:3], adaptive=False,
                        dt=0.01)
    ref = single(prob, p=ps[2], alg=sciml.RK4(), adaptive=False, dt=0.01, jit="bytecode")
    np.testing.assert_allclose(fixed.u[2, -1], ref.u[-1], rtol=1e-11)
    assert fixed.u.shape == (3, 1, 3)


def every_op(u, p, t):
    x, y = u
    a, b = p
    e = (np.sin(x) + np.cos(y) * np.tan(0.1 * x) + np.arctan(y) + np.arcsin(0.1 * np.tanh(x))
         + np.arccos(0.2 * np.tanh(y)) + np.sinh(0.1 * x) - np.cosh(0.1 * y) + np.exp(-x * x) + np.expm1(0.1 * y)
         + np.log(1.0 + x * x) + np.log1p(y * y) + np.sqrt(1.0 + y * y) + np.cbrt(x) + abs(y) + np.sign(x)
         + np.floor(x) * 0.01 + np.ceil(y) * 0.01 + x ** 2 + y ** 3 + x ** 4 * 0.01 + 1.0 / (1.0 + x * x)
         + (1.0 + y * y) ** -2 + (2.0 + x * x) ** 0.5 + (2.0 + y * y) ** -0.5 + (1.0 + x * x) ** 1.7
         + (1.0 + x * x) ** (0.1 * a) + np.arctan2(y, 1.0 + x) + np.minimum(x, y) + np.maximum(x, y)
         + (x % 1.5) * 0.1 + sciml.ifelse(x > y, 0.1, -0.1) + sciml.ifelse(np.logical_and(x < 0.5, y >= 0.0), 0.05, 0.0)
         + (x <= y) * 0.01 + (x == y) * 0.01 + (x != y) * 0.01 + np.logical_or(x > 1.0, y < -1.0) * 0.01
         + np.logical_not(x > 0.0) * 0.01 + 0.01 * t)
    return [-a * x + 0.01 * e, -b * y + 0.02 * e * x / (1.0 + x * x)]


@needs_cxx
def test_every_op_in_the_generated_kernel():
    prob = sciml.ODEProblem(every_op, [0.7, -0.3], (0.0, 2.0), [1.0, 2.0])
    assert prob.traced
    ps = np.array([[1.0, 2.0], [0.5, 1.0], [2.0, 0.5]])
    u0s = np.array([[0.7, -0.3], [1.2, 0.4], [-0.5, 0.9]])
    ens = sciml.EnsembleProblem(prob)
    for alg, rtol in ((sciml.Tsit5(), 1e-10), (sciml.Rodas5P(), 1e-7)):
        cpu = sciml.solve(ens, alg, sciml.EnsembleSerial(), params=ps, u0s=u0s, saveat=0.5, reltol=1e-8,
                          abstol=1e-10, jit="bytecode")
        host = sciml.solve(ens, alg, sciml.EnsembleGPUKernel(on_host=True), params=ps, u0s=u0s, saveat=0.5,
                           reltol=1e-8, abstol=1e-10)
        assert cpu.success and host.success, (cpu.retcodes, host.retcodes)
        np.testing.assert_allclose(host.u, cpu.u, rtol=rtol, atol=rtol)


@needs_cxx
def test_gpu_kernel_on_host_stiff_and_failing():
    def rober(u, p, t):
        y1, y2, y3 = u
        k1, k2, k3 = p
        return [-k1 * y1 + k3 * y2 * y3, k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3, k2 * y2 * y2]

    prob = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 100.0), [0.04, 3e7, 1e4])
    ps = np.array([[0.04, 3e7, 1e4], [0.02, 3e7, 1e4], [0.04, 1e7, 1e4]])
    ens = sciml.EnsembleProblem(prob)
    kw = dict(saveat=[1.0, 10.0, 100.0], reltol=1e-6, abstol=1e-8)
    for alg in (sciml.Rodas5P(), sciml.Rosenbrock23(), sciml.Kvaerno5(), sciml.KenCarp4(), sciml.TRBDF2(),
                sciml.ImplicitEuler()):  # every stiff method a kernel runs
        cpu = sciml.solve(ens, alg, sciml.EnsembleSerial(), params=ps, jit="bytecode", **kw)
        host = sciml.solve(ens, alg, sciml.EnsembleGPUKernel(on_host=True), params=ps, **kw)
        assert host.success, alg
        np.testing.assert_allclose(host.u, cpu.u, rtol=1e-6, atol=1e-12, err_msg=repr(alg))
        assert list(host.stats["naccept"]) == list(cpu.stats["naccept"]), alg  # the same steps
    # a failing trajectory in the kernel: its own retcode, NaN where it did not save, the others exact
    bprob = sciml.ODEProblem(blowup, [1.0], (0.0, 1.0), [0.5])
    bps = np.array([[0.1], [3.0], [0.5]])
    bh = sciml.solve(sciml.EnsembleProblem(bprob), sciml.Tsit5(), sciml.EnsembleGPUKernel(on_host=True), params=bps,
                     saveat=0.25, reltol=1e-8, abstol=1e-8)
    assert bh.failed() == [1] and bh.retcodes[0] == "Success" and bh.retcodes[1] != "Success"
    assert np.isnan(bh.u[1, -1, 0]) and bh.messages[1]
    np.testing.assert_allclose(bh.u[[0, 2], -1, 0], 1.0 / (1.0 - bps[[0, 2], 0]), rtol=1e-6)
    s = bh.summary()
    assert s.trajectories == 2 and s.failures == 1


@needs_cxx
def test_parameter_layouts():
    kw = dict(saveat=[1.0], reltol=1e-10, abstol=1e-12)
    backends = (sciml.EnsembleSerial(), sciml.EnsembleGPUKernel(on_host=True))
    decay = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))  # no parameters; u0s of one state: (N,)
    u0s = np.array([1.0, 2.0, 3.0])
    for backend in backends:
        esol = sciml.solve(sciml.EnsembleProblem(decay), sciml.Tsit5(), backend, u0s=u0s, **kw)
        assert esol.u.shape == (3, 1, 1)
        np.testing.assert_allclose(esol.u[:, 0, 0], u0s * np.exp(-1.0), rtol=1e-8)
    with pytest.raises(ValueError, match="params"):
        sciml.solve(sciml.EnsembleProblem(decay), sciml.Tsit5(), params=[[1.0]])
    rate = sciml.ODEProblem(lambda u, p, t: [-p * u[0]], [1.0], (0.0, 1.0), 2.0)  # p a number: params (N,)
    ks = np.array([0.5, 1.0, 2.0])
    for backend in backends:
        esol = sciml.solve(sciml.EnsembleProblem(rate), sciml.Tsit5(), backend, params=ks, **kw)
        np.testing.assert_allclose(esol.u[:, 0, 0], np.exp(-ks), rtol=1e-8)
    mat = sciml.ODEProblem(lambda u, p, t: -(p @ u), [1.0, 1.0], (0.0, 1.0), np.diag([1.0, 2.0]))  # p a matrix
    mats = np.array([np.diag([1.0, 2.0]), np.diag([3.0, 0.5])])  # (N, 2, 2)
    for backend in backends:
        esol = sciml.solve(sciml.EnsembleProblem(mat), sciml.Tsit5(), backend, params=mats, **kw)
        np.testing.assert_allclose(esol.u[:, 0], np.exp(-np.array([[1.0, 2.0], [3.0, 0.5]])), rtol=1e-8)


@needs_cxx
def test_kernel_cache_follows_the_safety_rules(prob, tmp_path, monkeypatch):
    monkeypatch.setenv("SCIML_CACHE_DIR", str(tmp_path / "cache"))
    _gpu._loaded.clear()
    info = sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float64, on_host=True)
    assert not info["cached"] and info["library"].startswith(str(tmp_path))
    assert stat.S_IMODE(os.stat(tmp_path / "cache").st_mode) == 0o700
    _gpu._loaded.clear()
    assert sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float64, on_host=True)["cached"]
    # a record whose key does not match: rebuilt, not loaded
    meta = info["library"][:-3] + ".json"
    with open(meta, "w") as fh:
        fh.write('{"key": "something else"}')
    _gpu._loaded.clear()
    assert not sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float64, on_host=True)["cached"]
    # a cache directory others may write to: refused
    os.chmod(tmp_path / "cache", 0o777)
    _gpu._loaded.clear()
    with pytest.raises(RuntimeError, match="writable by others"):
        sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float64, on_host=True)
    os.chmod(tmp_path / "cache", 0o700)
    _gpu._loaded.clear()


def test_generated_source_holds_the_model(prob):
    src = sciml.gpu_kernel_source(prob, sciml.Vern9(), np.float32)
    assert "using Real = float;" in src and "sciml::Vern9" in src and "solve_gpu_kernel" in src
    assert "SCIML_HD U operator()" in src and 'extern "C"' in src
    with pytest.raises(ValueError, match="alg"):
        sciml.gpu_kernel_source(prob, sciml.FBDF())  # multistep: no kernel


def test_nvcc_missing_is_named(prob, monkeypatch):
    monkeypatch.setenv("SCIML_NVCC", "/nonexistent/nvcc")
    with pytest.raises(RuntimeError, match="nvcc"):
        sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float32, on_host=False)


@pytest.mark.skipif(_gpu.device()[0] > 0, reason="a CUDA device is present")
def test_no_device_is_a_clear_error(prob):
    with pytest.raises(RuntimeError, match="no CUDA device.*on_host=True"):
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleGPUKernel(), params=rho_sweep(4))


@pytest.mark.skipif(_gpu.nvcc() is None, reason="nvcc (the CUDA compiler) is not installed")
def test_generated_source_compiles_with_nvcc(prob):
    info = sciml.build_gpu_kernel(prob, sciml.Tsit5(), np.float32, on_host=False)
    assert os.path.isfile(info["library"]) and info["source"] == "kernel.cu"
    assert any(f.startswith("-arch=") for f in info["flags"])
    rober_like = sciml.ODEProblem(every_op, [0.7, -0.3], (0.0, 2.0), [1.0, 2.0])
    info = sciml.build_gpu_kernel(rober_like, sciml.Rodas5P(), np.float64, on_host=False)
    assert os.path.isfile(info["library"])
    info = sciml.build_gpu_kernel(rober_like, sciml.Kvaerno5(), np.float64, on_host=False)  # SDIRK: Newton in a thread
    assert os.path.isfile(info["library"])


@pytest.mark.skipif(_gpu.device()[0] == 0 or _gpu.nvcc() is None,
                    reason="no CUDA device here (or no nvcc): the GPU run is checked against on_host where one exists")
def test_gpu_run_matches_on_host(prob):
    # as tests/gpu/test_gpu_kernel.cu: the device against the same kernel body on the host (nvcc contracts
    # multiply-adds, so to rounding, not bitwise)
    def rober(u, p, t):
        y1, y2, y3 = u
        k1, k2, k3 = p
        return [-k1 * y1 + k3 * y2 * y3, k1 * y1 - k2 * y2 * y2 - k3 * y2 * y3, k2 * y2 * y2]

    stiff = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e5), [0.04, 3e7, 1e4])
    kps = np.array([[0.02 + 0.06 * i / 255, 3e7, 1e4] for i in range(256)])
    cases = [
        (prob, sciml.Tsit5(), np.float64, rho_sweep(4096), dict(saveat=0.25, reltol=1e-8, abstol=1e-8), 1e-9, 1.0),
        (prob, sciml.Tsit5(), np.float32, rho_sweep(4096), dict(adaptive=False, dt=0.001), 1e-4, 1.0),
        (stiff, sciml.Rodas5P(), np.float64, kps, dict(reltol=1e-6, abstol=1e-10), 1e-8, 1e-4),
        (stiff, sciml.Rosenbrock23(), np.float64, kps, dict(reltol=1e-6, abstol=1e-10), 1e-8, 1e-4),
        (stiff, sciml.Kvaerno5(), np.float64, kps, dict(reltol=1e-6, abstol=1e-10), 1e-8, 1e-4),
    ]
    for p, alg, dtype, ps, kw, tol, floor in cases:
        ens = sciml.EnsembleProblem(p)
        gpu = sciml.solve(ens, alg, sciml.EnsembleGPUKernel(dtype=dtype), params=ps, **kw)
        host = sciml.solve(ens, alg, sciml.EnsembleGPUKernel(on_host=True, dtype=dtype), params=ps, **kw)
        assert gpu.failures == 0 and gpu.retcodes == host.retcodes
        assert gpu.u.dtype == dtype and gpu.kernel_seconds > 0
        h = host.u.astype(float)
        assert np.all(np.abs(gpu.u.astype(float) - h) <= tol * (floor + np.abs(h))), (alg, dtype)


@needs_cxx
def test_ensemble_example_runs():
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, str(root / "examples" / "python" / "ensemble.py")], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "100 trajectories, 0 failed" in r.stdout and "float32, end points only" in r.stdout
