"""Property-based tests (Hypothesis): random bounded models (random_models.py) and random options, checked
against invariants that hold for every input: no crash and only documented errors, bytecode == native code,
the answer close to SciPy's, saved times as requested, events where the condition crosses zero, refused
invalid input naming the argument.

Profiles: SCIML_HYPOTHESIS_PROFILE=ci (the default: derandomized, a few examples per test, the whole file in
well under a minute) or long (many more examples, random seeds; `make fuzz`). A failure prints the model's
source (Model.__repr__) and the options: that is the reproducer."""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import sciml
import random_models
from random_models import Model, models, peak, real

# ---------------------------------------------------------------------------------------------------------
# Profiles
_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("long", **_COMMON)
PROFILE = os.environ.get("SCIML_HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    raise ValueError(f"SCIML_HYPOTHESIS_PROFILE: expected 'ci' or 'long', got {PROFILE!r}")
LONG_FACTOR = 20


def examples(n):
    """The settings of a test with n examples in the ci profile (LONG_FACTOR times more in the long one)."""
    return settings(settings.get_profile(PROFILE), max_examples=n if PROFILE == "ci" else n * LONG_FACTOR)


finite = dict(allow_nan=False, allow_infinity=False)
RETCODES = {"Success", "MaxIters", "DtLessThanMin", "Unstable", "ConvergenceFailure", "Terminated",
            "InitialFailure"}
DOCUMENTED = (ValueError, TypeError)  # sciml.ModelError is a ValueError, sciml.TraceError a TypeError

# Bugs found by this file, reported and not fixed yet. While a flag is True, the properties step around that bug
# and its test_known_bug_* reproducer is a strict xfail; once the bug is fixed that test XPASSes, which fails: set
# the flag to False, and the reproducer then runs as an ordinary regression test.
KNOWN_BUGS = {
    # np.exp(0.0) > u[0] (a NumPy scalar on the left of a comparison with a traced value) is not traced:
    # TypeError in Sym.__array_ufunc__ (a 0-d array operand), so a TracingWarning and the slow Python path
    "numpy_scalar_on_left": False,  # fixed: tests/regression
    # FBDF with a DiscreteCallback that fires after every step never grows its step (reset_history() after
    # every affect sets n_equal = 0, and the step only grows after order + 1 equal steps): MaxIters
    "fbdf_discrete_callback": False,  # fixed: tests/regression
    # a solution with no saved point has sol.u of shape (0, 0), not (0, n)
    "empty_solution_shape": False,  # fixed: tests/regression
    # sol(t) at a step's end differs from the saved state by up to 2e-10 (Vern8), 2e-12 (Vern6, Vern9): the
    # monomial coefficients of Verner's interpolants reach 1e6, so b_i(1) loses ~10 digits in double
    # (fixed: the interpolants are stored in the Bernstein basis, include/sciml/tableau/erk/FORMAT.md)
    "verner_interpolant_endpoint": False,
    # RadauIIA5 with linsolve="gmres" crashes the process (segmentation fault), on any problem
    "radau_gmres_segfault": False,  # fixed: tests/regression
    # RadauIIA5 after a step ~1e-100 times shorter than the next (onto a tstop next to t0) extrapolates its
    # starting values by (h / h_prev)^3 = Inf: 61 rejected steps, then ConvergenceFailure or Unstable
    "radau_after_tiny_step": False,  # fixed: tests/regression
    # TRBDF2, Kvaerno5, KenCarp4: a step so short that gamma * h underflows to 0 (a tstop 5e-324 after t0 = 0)
    # writes out of bounds in SDIRKStep::stages (valgrind: invalid write of size 8): SIGSEGV
    "sdirk_subnormal_step_segfault": False,  # fixed: tests/regression
}
random_models.AVOID_NUMPY_SCALAR_ON_LEFT = KNOWN_BUGS["numpy_scalar_on_left"]


def known_bug(name, reason):
    """Strict xfail while KNOWN_BUGS[name] is set; an ordinary test once it is cleared."""
    return pytest.mark.xfail(KNOWN_BUGS[name], reason=f"bug: {reason}", strict=True)


ALL_METHODS = sorted(sciml._core.methods())
FIXED_STEP = [m for m in ("Euler",) if m in ALL_METHODS]  # no error estimate: needs adaptive=False and dt
# the methods for "Success at any tolerance in [1e-10, 1e-2]" (ImplicitEuler needs ~1e5 steps at 1e-10)
ADAPTIVE = [m for m in ("Tsit5", "DP5", "BS3", "Vern6", "Vern7", "Vern8", "Vern9", "DP8", "Rosenbrock23", "Rodas4",
                        "Rodas5P", "TRBDF2", "KenCarp4", "Kvaerno5", "RadauIIA5", "FBDF", "DefaultODEAlgorithm",
                        "AutoTsit5(Rosenbrock23)", "AutoTsit5(Rodas5P)", "AutoVern7(Rodas5P)", "AutoVern9(Rodas5P)")
            if m in ALL_METHODS]
LOW_ORDER = {"ImplicitEuler": 1e-5, "Euler": 1e-4, "Midpoint": 1e-6, "BS3": 1e-10, "Rosenbrock23": 1e-10}
REFERENCE_ALGS = ["Tsit5", "Vern9", "Rodas5P", "FBDF"]


def problem(model, tspan):
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.TracingWarning)
        prob = sciml.ODEProblem(model.sciml_f(), model.u0, tspan, model.sciml_p())
    assert prob.traced and prob.inplace == model.inplace
    return prob


def solve(prob, alg, **kw):
    kw.setdefault("jit", "bytecode")  # no background compiler per random model (jit="native" is tested below)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.TracingWarning)
        warnings.simplefilter("ignore", sciml.NativeCodeWarning)
        return sciml.solve(prob, sciml.method_by_name(alg), **kw)


def describe(sol):
    return f"{sol.retcode}: {sol.message}; {len(sol.t)} points, t[-1] = {sol.t[-1] if len(sol.t) else None}"


# ---------------------------------------------------------------------------------------------------------
# Strategies for options
@st.composite
def tspans(draw, zero=True, min_len=0.0, nasty=False):
    """(t0, tf): forward or backward inside [-4, 4], sometimes of zero or tiny length."""
    t0 = draw(real(-2.0, 2.0, nasty))
    lengths = [real(max(min_len, 1e-3), 2.0, nasty)]
    if zero:
        lengths = [st.sampled_from([0.0, 1e-12, 1e-8])] + lengths
    length = draw(st.one_of(*lengths))
    tf = t0 + length if draw(st.booleans()) else t0 - length
    return (t0, tf)


def times_in(draw, tspan, max_size=6, nasty=False):
    """Times inside tspan (the endpoints included sometimes)."""
    t0, tf = tspan
    lo, hi = min(t0, tf), max(t0, tf)
    fr = draw(st.lists(st.one_of(st.sampled_from([0.0, 1.0, 0.5]), real(0.0, 1.0, nasty)),
                       min_size=1, max_size=max_size))
    return [min(max(t0 + f * (tf - t0), lo), hi) for f in fr]


def log_uniform(lo, hi):
    return st.floats(np.log10(lo), np.log10(hi), **finite).map(lambda x: float(10.0 ** x))


# ---------------------------------------------------------------------------------------------------------
# 1. No crash; errors only of the documented types, naming what was wrong; a failed solve is a retcode
ARGUMENT_NAMES = ("u0", "tspan", "p", "reltol", "abstol", "dt", "adaptive", "saveat", "save_everystep",
                  "save_start", "save_end", "dense", "tstops", "dtmin", "dtmax", "maxiters", "linsolve", "jit",
                  "mass_matrix", "alg")


def _log_case(model, alg, tspan, kw):
    """With SCIML_PROPERTY_LOG=path, write each case before it runs (a crash kills the process before Hypothesis
    can report or shrink it: the log's last case is the one)."""
    path = os.environ.get("SCIML_PROPERTY_LOG")
    if path:
        with open(path, "w") as fh:
            fh.write(f"{model!r}alg = {alg!r}\ntspan = {tspan!r}\noptions = {kw!r}\n")


@examples(60)
@given(model=models(tame=False), alg=st.sampled_from(ALL_METHODS), tspan=tspans(nasty=True),
       reltol=log_uniform(1e-10, 1e-1), abstol=log_uniform(1e-12, 1e-2), data=st.data())
def test_random_model_no_crash(model, alg, tspan, reltol, abstol, data):
    """Valid models with random options, some of them contradictory (dtmin > dtmax, GMRES for an explicit
    method, a tiny maxiters): a solution with a known retcode, or a ValueError/TypeError naming the option."""
    kw = dict(reltol=reltol, abstol=abstol, maxiters=20000)
    draw = data.draw
    if alg in FIXED_STEP or draw(st.integers(0, 5), label="fixed step?") == 0:
        kw.update(adaptive=False, dt=draw(st.floats(1e-3, 0.5, **finite), label="dt"))
    if draw(st.booleans(), label="saveat?"):
        kw["saveat"] = sorted(times_in(draw, tspan, nasty=True), reverse=tspan[1] < tspan[0])
    if draw(st.booleans(), label="tstops?"):
        kw["tstops"] = times_in(draw, tspan, 3, nasty=True)
    kw["jit"] = draw(st.sampled_from(["bytecode", "auto"]), label="jit")
    if draw(st.integers(0, 2), label="more options?") == 0:
        extra = draw(st.fixed_dictionaries({}, optional={
            "dtmin": st.floats(0.0, 0.1, **finite), "dtmax": st.floats(1e-4, 5.0, **finite),
            "maxiters": st.integers(1, 50), "save_everystep": st.booleans(), "save_start": st.booleans(),
            "save_end": st.booleans(), "dense": st.booleans(), "linsolve": st.sampled_from(["auto", "gmres"])}),
            label="more options")
        kw.update(extra)
    if KNOWN_BUGS["radau_gmres_segfault"] and alg == "RadauIIA5":
        kw.pop("linsolve", None)
    if KNOWN_BUGS["sdirk_subnormal_step_segfault"] and alg in ("TRBDF2", "Kvaerno5", "KenCarp4"):
        kw["tstops"] = [s for s in kw.get("tstops", []) if not 0 < abs(s - tspan[0]) < 1e-300]
    prob = problem(model, tspan)
    _log_case(model, alg, tspan, kw)
    try:
        sol = solve(prob, alg, **kw)
    except DOCUMENTED as e:
        note(f"raised {type(e).__name__}: {e}")
        assert any(name in str(e) for name in ARGUMENT_NAMES), f"the message names no argument: {e}"
        return
    note(describe(sol))
    assert sol.retcode in RETCODES
    assert len(sol.t) == len(sol.u)
    if not (len(sol.t) == 0 and KNOWN_BUGS["empty_solution_shape"]):
        assert sol.u.shape == (len(sol.t), model.n)
    direction = np.sign(tspan[1] - tspan[0])
    assert np.all(direction * np.diff(sol.t) >= 0), "sol.t not monotone in the direction of integration"
    if sol.retcode == "Success":
        assert np.all(np.isfinite(sol.u))
        if "saveat" not in kw and kw.get("save_start", True) and kw.get("save_end", True) and len(sol.t):
            assert sol.t[0] == tspan[0] and sol.t[-1] == tspan[1]
    else:
        assert sol.message, "a failure without a message"


@examples(10)
@given(model=models(n=st.integers(1, 3)), b=st.floats(4.0, 8.0, **finite),
       alg=st.sampled_from(["Tsit5", "Vern9", "Rodas5P", "FBDF", "DefaultODEAlgorithm"]))
def test_blowup_is_a_retcode_not_an_exception(model, b, alg):
    """u0' = b u0^2 + (bounded) from u0 = 1 with b >= 4 blows up before t = 1/(b - 3): the solve returns a
    failure code and the partial solution up to there."""
    model = Model(**{**model.__dict__, "blowup": b, "u0": [1.0] + model.u0[1:], "_cache": {}})
    sol = solve(problem(model, (0.0, 3.0)), alg, reltol=1e-6, abstol=1e-8)
    note(describe(sol))
    assert sol.retcode in ("DtLessThanMin", "Unstable", "MaxIters"), describe(sol)
    assert sol.t[0] == 0.0 and np.all(np.diff(sol.t) >= 0)
    assert sol.t[-1] <= 1.0 / (b - 3.0) * (1 + 1e-6), describe(sol)
    assert sol.message


# ---------------------------------------------------------------------------------------------------------
# 2. The traced model evaluates as the Python function does; bytecode and native code agree
def _point(draw, model):
    u = draw(st.lists(st.floats(-2.0, 2.0, **finite), min_size=model.n, max_size=model.n), label="u")
    t = draw(st.floats(-3.0, 3.0, **finite), label="t")
    return u, t


def _rounding_scale(model, u, t):
    """The size of the largest intermediate value of each component at (u, t): rounding errors scale with it."""
    return np.array([abs(model.decay[i] * u[i])
                     + abs(model.scale[i]) * (1 + abs(model.gain[i]) * peak(e, u, model.p, t)[1])
                     for i, e in enumerate(model.exprs)])


@examples(80)
@given(model=models(tame=False), data=st.data())
def test_traced_rhs_equals_python_function(model, data):
    prob = problem(model, (0.0, 1.0))
    pv = np.array(model.p, dtype=float)
    for _ in range(3):
        u, t = _point(data.draw, model)
        got = prob._model.rhs(np.array(u), pv, t)
        want = model.numeric_f()(t, np.array(u))
        scale = _rounding_scale(model, u, t)
        assert np.all(np.abs(got - want) <= 1e-13 * scale + 1e-300), (u, t, got, want, got - want)


def _complex_step_jacobian(model, u, t, h=1e-30):
    """The exact Jacobian of the Python function (no ifelse/max/min in it) by complex steps: f(u + i h e_j).imag/h
    has no cancellation, so it is accurate to rounding."""
    f = model.sciml_f()  # np.* on complex numbers
    cols = []
    for j in range(model.n):
        z = [complex(x) for x in u]
        z[j] += 1j * h
        if model.inplace:
            du = [None] * model.n
            f(du, z, list(model.p), t)
        else:
            du = f(z, list(model.p), t)
        cols.append(np.imag(np.array(du, dtype=complex)) / h)
    return np.array(cols).T


@examples(50)
@given(model=models(tame=False, smooth=True), data=st.data())
def test_symbolic_jacobian_matches_complex_step(model, data):
    """The exact Jacobian (used by every implicit method) against complex-step derivatives of the Python f."""
    prob = problem(model, (0.0, 1.0))
    pv = np.array(model.p, dtype=float)
    u, t = _point(data.draw, model)
    J = prob._model.jacobian(np.array(u), pv, t)
    assert J.shape == (model.n, model.n)
    assert np.all(np.isfinite(J)), J
    ref = _complex_step_jacobian(model, u, t)
    scale = _rounding_scale(model, u, t)
    np.testing.assert_allclose(J, ref, rtol=1e-9, atol=1e-12 * (1 + scale.max()))


@examples(40)
@given(model=models(tame=False))
def test_inplace_and_out_of_place_forms_agree(model):
    """The same right-hand side written as f(du, u, p, t) or returning a list traces to the same answer."""
    other = Model(**{**model.__dict__, "inplace": not model.inplace, "_cache": {}})
    a = solve(problem(model, (0.0, 1.0)), "Tsit5", reltol=1e-6, abstol=1e-8, maxiters=20000)
    b = solve(problem(other, (0.0, 1.0)), "Tsit5", reltol=1e-6, abstol=1e-8, maxiters=20000)
    assert a.retcode == b.retcode
    np.testing.assert_array_equal(a.t, b.t)
    np.testing.assert_array_equal(a.u, b.u)


@examples(30)
@given(model=models(tame=True, n=st.integers(1, 4)), data=st.data())
def test_remake_equals_a_new_problem(model, data):
    """prob.remake(u0, tspan, p) reuses the compiled model: the same answer as a problem built afresh, and the
    original problem keeps its own answer."""
    assume(len(model.p) > 0)
    u0 = data.draw(st.lists(real(-1.0, 1.0, False), min_size=model.n, max_size=model.n), label="u0")
    p = data.draw(st.lists(real(-1.0, 1.0, False), min_size=len(model.p), max_size=len(model.p)), label="p")
    tspan = data.draw(tspans(zero=False, min_len=0.1), label="tspan")
    opts = dict(reltol=1e-8, abstol=1e-10)
    prob = problem(model, (0.0, 1.0))
    before = solve(prob, "Tsit5", **opts)
    remade = solve(prob.remake(u0=u0, tspan=tspan, p=np.array(p)), "Tsit5", **opts)
    fresh = solve(problem(Model(**{**model.__dict__, "u0": u0, "p": p, "_cache": {}}), tspan), "Tsit5", **opts)
    np.testing.assert_array_equal(remade.t, fresh.t)
    np.testing.assert_array_equal(remade.u, fresh.u)
    after = solve(prob, "Tsit5", **opts)
    np.testing.assert_array_equal(after.u, before.u)


needs_cc = pytest.mark.skipif(sciml._jit.compiler()[0] is None, reason="no C compiler: native code is not built")


@needs_cc
@examples(12)
@given(model=models(tame=False), alg=st.sampled_from(["Tsit5", "RK4", "Vern9", "Rodas5P", "Euler", "TRBDF2"]),
       nsteps=st.integers(1, 40), tspan=tspans(zero=False, min_len=0.1, nasty=True), data=st.data())
def test_native_matches_bytecode(model, alg, nsteps, tspan, data):
    prob = problem(model, tspan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.NativeCodeWarning)
        info = sciml.jit(prob, wait=True)
    assert info["path"] == "native" and prob._model.native, info
    pv = np.array(model.p, dtype=float)
    # f and its Jacobian at random points
    for _ in range(3):
        u, t = _point(data.draw, model)
        scale = _rounding_scale(model, u, t)
        fb = prob._model.rhs(np.array(u), pv, t)
        fn = prob._model.rhs(np.array(u), pv, t, native=True)
        assert np.all(np.abs(fb - fn) <= 4e-16 * scale + 1e-300), (u, t, fb, fn)
        Jb = prob._model.jacobian(np.array(u), pv, t)
        Jn = prob._model.jacobian(np.array(u), pv, t, native=True)
        np.testing.assert_allclose(Jn, Jb, rtol=1e-12, atol=1e-14 * (1 + np.abs(Jb).max()))
    # fixed-step solves: the same times, the same states to a few ulps
    dt = abs(tspan[1] - tspan[0]) / nsteps
    sb = solve(prob, alg, adaptive=False, dt=dt, jit="bytecode")
    sn = solve(prob, alg, adaptive=False, dt=dt, jit="native")
    assert sb.retcode == sn.retcode
    np.testing.assert_array_equal(sb.t, sn.t)
    if sb.success:
        np.testing.assert_allclose(sn.u, sb.u, rtol=1e-12, atol=1e-14)


@needs_cc
@examples(10)
@given(model=models(tame=True, smooth=True), alg=st.sampled_from(["Tsit5", "Vern9", "Rodas5P", "FBDF"]),
       tspan=tspans(zero=False, min_len=0.1), data=st.data())
def test_native_matches_bytecode_adaptive(model, alg, tspan, data):
    """Adaptive solves on the same saved times agree to reltol / 100. Not to ulps: a step's error estimate is
    h * sum(btilde_i k_i), ~1e-10 from terms ~h |k|, so it carries a relative rounding error ~1e-7, and one ulp of
    difference in f moves the next step size by ~1e-8 relative (measured: Tsit5 steps that differ from the third
    on, final states 5e-12 apart at reltol 1e-8). Fixed steps, above, agree to 1e-12. Smooth models only: with a
    jump in f (ifelse on t) a step that moved by 1e-8 may land on the other side of it (measured: 2e-10)."""
    prob = problem(model, tspan)
    saveat = sorted(set(times_in(data.draw, tspan)), reverse=tspan[1] < tspan[0])
    sb = solve(prob, alg, reltol=1e-8, abstol=1e-10, saveat=saveat, jit="bytecode")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sciml.NativeCodeWarning)
        sn = solve(prob, alg, reltol=1e-8, abstol=1e-10, saveat=saveat, jit="native")
    assert prob._model.native
    assert sb.retcode == sn.retcode == "Success", (describe(sb), describe(sn))
    np.testing.assert_array_equal(sb.t, sn.t)
    np.testing.assert_allclose(sn.u, sb.u, rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------------------------------------------------
# 3. Close to SciPy's answer. Smooth models: within a bound proportional to reltol = 1e-8 (10x to 50x the worst
# error seen over 400 random models: Tsit5 4e-9, Vern9 2e-10, Rodas5P 1e-8, FBDF 3e-7). Models with kinks or
# jumps (max, min, ifelse) defeat every error estimator (a kink inside a step costs O(h^2) that the embedded
# pair may not see), so they get a loose bound that still catches a wrong branch or a wrong event.
REF_BOUND = {"Tsit5": 1e-7, "Vern9": 1e-8, "Rodas5P": 2e-7, "FBDF": 5e-6}
NONSMOOTH_BOUND = 1e-3


def _check_reference(model, alg, tspan, bound):
    from scipy.integrate import solve_ivp
    ts = np.linspace(tspan[0], tspan[1], 6)
    ts[-1] = tspan[1]
    sol = solve(problem(model, tspan), alg, reltol=1e-8, abstol=1e-10, saveat=ts)
    assert sol.retcode == "Success", describe(sol)
    ref = solve_ivp(model.numeric_f(), tspan, model.u0, method="DOP853", rtol=1e-11, atol=1e-12, t_eval=ts)
    assert ref.success, ref.message
    np.testing.assert_array_equal(sol.t, ts)
    err = np.abs(sol.u - ref.y.T) / (1 + np.abs(ref.y.T))
    note(f"max scaled error {err.max():.3g}")
    assert err.max() < bound, (alg, err.max())


@examples(30)
@given(model=models(tame=True, smooth=True), alg=st.sampled_from(REFERENCE_ALGS),
       tspan=tspans(zero=False, min_len=0.1))
def test_matches_scipy_reference(model, alg, tspan):
    _check_reference(model, alg, tspan, REF_BOUND[alg])


@examples(15)
@given(model=models(tame=True), alg=st.sampled_from(REFERENCE_ALGS), tspan=tspans(zero=False, min_len=0.1))
def test_nonsmooth_models_near_scipy_reference(model, alg, tspan):
    _check_reference(model, alg, tspan, NONSMOOTH_BOUND)


# ---------------------------------------------------------------------------------------------------------
# 4. Random tolerances, spans, saveat and tstops: the shape of the solution
@st.composite
def solve_options(draw, tspan):
    alg = draw(st.sampled_from(ADAPTIVE), label="alg")
    reltol = draw(log_uniform(max(1e-10, LOW_ORDER.get(alg, 1e-10)), 1e-2), label="reltol")
    kw = dict(reltol=reltol, abstol=draw(log_uniform(1e-12, 1e-3), label="abstol"))
    how = draw(st.sampled_from(["every step", "saveat list", "saveat spacing"]), label="saving")
    if how == "saveat list":
        kw["saveat"] = sorted(set(times_in(draw, tspan)), reverse=tspan[1] < tspan[0])
    elif how == "saveat spacing":
        kw["saveat"] = draw(st.floats(0.01, 1.0, **finite), label="saveat")
    if draw(st.booleans(), label="tstops?"):
        kw["tstops"] = times_in(draw, tspan, 4)
    if draw(st.booleans(), label="dtmax?"):
        kw["dtmax"] = draw(st.floats(0.01, 1.0, **finite), label="dtmax")
    return alg, kw


@examples(80)
@given(model=models(tame=True), data=st.data())
def test_solution_shape_invariants(model, data):
    tspan = data.draw(tspans(), label="tspan")
    alg, kw = data.draw(solve_options(tspan), label="options")
    t0, tf = tspan
    direction = 1.0 if tf >= t0 else -1.0
    sol = solve(problem(model, tspan), alg, **kw)
    note(describe(sol))
    assert sol.retcode == "Success", describe(sol)
    t, u = sol.t, sol.u
    assert len(t) >= 1 and u.shape == (len(t), model.n)
    assert np.all(np.isfinite(u))
    assert np.all(direction * np.diff(t) >= 0), "sol.t not monotone in the direction of integration"
    saveat = kw.get("saveat")
    if isinstance(saveat, list):
        np.testing.assert_array_equal(t, saveat)  # exactly the requested times
    else:
        assert t[0] == t0 and t[-1] == tf, (t[0], t[-1])
        np.testing.assert_array_equal(u[0], model.u0)
        if saveat is None:
            if t0 != tf:
                assert np.all(np.diff(t) != 0), "two saved points at one time without an event"
            inside = [s for s in kw.get("tstops", []) if direction * (s - t0) > 0]
            missing = [s for s in inside if s not in t]
            assert not missing, f"tstops {missing} were not stepped onto"
            if "dtmax" in kw and len(t) > 1:
                assert np.abs(np.diff(t)).max() <= kw["dtmax"] * (1 + 1e-12) + 1e-15
        else:  # a spacing: t0, t0 +- k*spacing, ..., tf
            steps = np.abs(np.diff(t))
            if len(t) > 2:
                assert np.all(steps[:-1] <= saveat * (1 + 1e-9)) and steps[-1] <= saveat * (1 + 1e-9)
                np.testing.assert_allclose(t[:-1], t0 + direction * saveat * np.arange(len(t) - 1),
                                           rtol=1e-12, atol=1e-12)
    # sol(t) at the saved times is the saved state (to rounding)
    loose = KNOWN_BUGS["verner_interpolant_endpoint"] and "Vern" in alg
    tol = 1e-9 if loose else 1e-13
    np.testing.assert_allclose(sol(t), u, rtol=tol, atol=tol)
    if len(t) > 1 and t0 != tf:
        mid = (t[:-1] + t[1:]) / 2
        assert np.all(np.isfinite(sol(mid)))


# ---------------------------------------------------------------------------------------------------------
# 5. Callbacks
@examples(30)
@given(model=models(tame=True), tspan=tspans(zero=False, min_len=0.5), frac=real(0.2, 0.9, False),
       s=st.one_of(real(0.3, 0.9, False), real(1.1, 1.5, False)),
       alg=st.sampled_from(["Tsit5", "Vern9", "Rodas5P", "FBDF", "BS3", "DP8"]))
def test_continuous_callback_events_at_crossings(model, tspan, frac, s, alg):
    """ContinuousCallback(u[0] - c, scale u by s): each event is at a zero of the condition, the first at the
    first crossing of the solution without the callback, and no crossing between saved steps is missed."""
    t0, tf = tspan
    prob = problem(model, tspan)
    free = solve(prob, "Vern9", reltol=1e-12, abstol=1e-12)
    tc = t0 + frac * (tf - t0)
    c = float(free(tc)[0])
    # the first crossing of c by the free solution, where it is clean (transversal, away from t0)
    grid = np.linspace(t0, tf, 2001)
    g = free(grid)[:, 0] - c
    assume(abs(g[0]) > 1e-6)
    sign_change = np.nonzero(np.sign(g[1:]) != np.sign(g[0]))[0]
    assume(len(sign_change) > 0)
    k = sign_change[0]
    from scipy.optimize import brentq
    t_star = brentq(lambda x: free(x)[0] - c, grid[k], grid[k + 1], xtol=1e-14) if g[k + 1] != 0 else grid[k + 1]
    assume(abs(t_star - tf) > 1e-6 * abs(tf - t0))  # an event at tf itself may or may not fire
    slope = float(model.numeric_f()(t_star, free(t_star))[0])
    events = []

    def affect(integ):
        events.append((integ.t, np.array(integ.u)))
        integ.u = integ.u * s
    cb = sciml.ContinuousCallback(lambda u, t, integ: u[0] - c, affect)
    sol = solve(prob, alg, reltol=1e-10, abstol=1e-12, callback=cb)
    note(f"c = {c!r}, t* = {t_star!r}, slope {slope:.3g}; {describe(sol)}; events {[e[0] for e in events]}")
    assert sol.retcode == "Success", describe(sol)
    assert events, "no event although the solution crosses c"
    for te, ue in events:
        assert abs(ue[0] - c) <= 1e-9 * (1 + abs(c)), (te, ue[0], c)
        hits = np.nonzero(sol.t == te)[0]
        assert len(hits) == 2 and hits[1] == hits[0] + 1, "an event is saved as two points at its time"
        np.testing.assert_allclose(sol.u[hits[1]], s * sol.u[hits[0]], rtol=1e-14, atol=1e-300)
    if abs(slope) > 1e-2:
        assert abs(events[0][0] - t_star) <= 1e-7 / abs(slope) + 1e-9, (events[0][0], t_star)
    # no missed crossing: between consecutive saved steps that are not an event, the condition keeps its sign
    gt = sol.u[:, 0] - c
    evt = {te for te, _ in events}
    for i in range(len(sol.t) - 1):
        a, b = gt[i], gt[i + 1]
        if sol.t[i] == sol.t[i + 1] or min(abs(a), abs(b)) < 1e-9 or sol.t[i + 1] in evt:
            continue
        assert np.sign(a) == np.sign(b), f"missed crossing between t = {sol.t[i]} and {sol.t[i + 1]}"


@examples(25)
@given(model=models(tame=True), tspan=tspans(zero=False, min_len=0.1), frac=real(-0.2, 1.2, False),
       alg=st.sampled_from([a for a in ("Tsit5", "Vern7", "Rodas5P", "FBDF", "KenCarp4", "DefaultODEAlgorithm")
                            if not (a == "FBDF" and KNOWN_BUGS["fbdf_discrete_callback"])]))
def test_discrete_callback_counts_steps(model, tspan, frac, alg):
    """A DiscreteCallback runs after every accepted step where its condition holds (here: past a time); each
    call saves the state again (before and after the affect, as in DifferentialEquations.jl)."""
    t0, tf = tspan
    direction = 1.0 if tf > t0 else -1.0
    tc = t0 + frac * (tf - t0)
    calls = []
    cb = sciml.DiscreteCallback(lambda u, t, integ: direction * (t - tc) > 0, lambda integ: calls.append(integ.t))
    sol = solve(problem(model, tspan), alg, reltol=1e-6, abstol=1e-8, callback=cb)
    assert sol.retcode == "Success", describe(sol)
    steps = [x for i, x in enumerate(sol.t) if i > 0 and x != sol.t[i - 1]]
    expected = [x for x in steps if direction * (x - tc) > 0]
    note(f"{len(steps)} steps, tc = {tc}, calls at {calls}")
    assert calls == expected
    assert len(steps) == sol.stats["naccept"]
    assert len(sol.t) == 1 + len(steps) + len(calls)


# ---------------------------------------------------------------------------------------------------------
# 6. Invalid input: ValueError/TypeError naming the argument
BAD = st.sampled_from([np.nan, np.inf, -np.inf])


@st.composite
def invalid_inputs(draw, n, tspan):
    """(what the message must name, problem changes, solve options)."""
    t0, tf = tspan
    kind = draw(st.sampled_from(["u0", "reltol", "abstol", "abstol_vector", "abstol_length", "tspan", "saveat",
                                 "saveat_spacing", "dtmin_dtmax", "dt", "tstops", "maxiters", "dtmax"]))
    if kind == "u0":
        u0 = [0.5] * n
        u0[draw(st.integers(0, n - 1))] = draw(BAD)
        return "u0", {"u0": u0}, {}
    if kind == "tspan":
        span = [t0, tf]
        span[draw(st.integers(0, 1))] = draw(BAD)
        return "tspan", {"tspan": tuple(span)}, {}
    if kind == "reltol":
        return "reltol", {}, {"reltol": draw(st.one_of(st.floats(max_value=0.0), st.just(np.nan)))}
    if kind == "abstol":
        return "abstol", {}, {"abstol": draw(st.one_of(st.floats(max_value=-1e-300), st.just(np.nan)))}
    if kind == "abstol_vector":
        a = [1e-8] * n
        a[draw(st.integers(0, n - 1))] = draw(st.one_of(st.floats(max_value=0.0), BAD))
        return "abstol", {}, {"abstol": a}
    if kind == "abstol_length":
        m = draw(st.integers(0, 8).filter(lambda m: m != n))
        return "abstol", {}, {"abstol": [1e-8] * m}
    if kind == "saveat":
        lo, hi = min(t0, tf), max(t0, tf)
        outside = draw(st.one_of(st.floats(hi + 1e-6, hi + 10, **finite), st.floats(lo - 10, lo - 1e-6, **finite),
                                 BAD))
        times = [(t0 + tf) / 2, outside]
        return "saveat", {}, {"saveat": sorted(times, key=lambda x: (np.isnan(x), x))}
    if kind == "saveat_spacing":
        return "saveat", {}, {"saveat": draw(st.one_of(st.floats(max_value=0.0), st.just(np.nan)))}
    if kind == "dtmin_dtmax":
        dtmax = draw(st.floats(1e-6, 1.0, **finite))
        return "dtmin", {}, {"dtmax": dtmax, "dtmin": dtmax * draw(st.floats(1.01, 100.0, **finite))}
    if kind == "dt":
        return "dt", {}, {"dt": draw(st.one_of(st.floats(max_value=-1e-300), BAD)), "adaptive": False}
    if kind == "tstops":
        return "tstops", {}, {"tstops": [(t0 + tf) / 2, draw(BAD)]}
    if kind == "dtmax":
        return "dtmax", {}, {"dtmax": draw(st.one_of(st.floats(max_value=0.0), st.just(np.nan)))}
    return "maxiters", {}, {"maxiters": draw(st.integers(-5, 0))}


@examples(80)
@given(model=models(tame=True, depth=1), data=st.data())
def test_invalid_input_is_refused_naming_the_argument(model, data):
    tspan = data.draw(tspans(zero=False, min_len=0.1), label="tspan")
    name, pchanges, options = data.draw(invalid_inputs(model.n, tspan), label="invalid")
    alg = data.draw(st.sampled_from(["Tsit5", "Rodas5P", "RK4"]), label="alg")
    if options.get("adaptive") is False:
        alg = "RK4"
    with pytest.raises(DOCUMENTED) as info:
        prob = problem(model, pchanges.get("tspan", tspan)) if "u0" not in pchanges else None
        if prob is None:
            with warnings.catch_warnings():
                warnings.simplefilter("error", sciml.TracingWarning)
                prob = sciml.ODEProblem(model.sciml_f(), pchanges["u0"], tspan, model.sciml_p())
        sol = solve(prob, alg, **options)
        note(f"no error: {describe(sol)}")
    assert name in str(info.value), f"the message does not name {name}: {info.value}"


# ---------------------------------------------------------------------------------------------------------
# Minimal reproducers of the bugs in KNOWN_BUGS
@known_bug("numpy_scalar_on_left", "np.float64 on the left of a comparison with a traced value is not traced")
def test_known_bug_numpy_scalar_compared_with_traced_value():
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.TracingWarning)
        prob = sciml.ODEProblem(lambda u, p, t: [sciml.ifelse(np.exp(0.0) > u[0], 1.0, -1.0)], [0.0], (0.0, 1.0))
    assert prob.traced


@known_bug("fbdf_discrete_callback", "FBDF + a DiscreteCallback firing every step keeps its first step: MaxIters")
def test_known_bug_fbdf_discrete_callback_every_step():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    cb = sciml.DiscreteCallback(lambda u, t, integ: True, lambda integ: None)
    sol = sciml.solve(prob, sciml.FBDF(), callback=cb, maxiters=1000)
    assert sol.retcode == "Success", sol.message  # without the callback: Success in 36 steps


@known_bug("empty_solution_shape", "a solution with no saved point has sol.u of shape (0, 0)")
def test_known_bug_empty_solution_shape():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], -u[1]], [1.0, 1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.Tsit5(), saveat=[0.5], maxiters=1)  # stops before its one saved time
    assert len(sol.t) == 0
    assert sol.u.shape == (0, 2)


@known_bug("verner_interpolant_endpoint", "Verner interpolants at a step's end differ from its state by ~1e-10")
def test_known_bug_verner_interpolant_at_step_end():
    prob = sciml.ODEProblem(lambda u, p, t: [-2.0 * u[0] - np.tanh(u[0])], [-1.0], (-2.0, 1.0))
    sol = sciml.solve(prob, sciml.Vern8(), reltol=1e-2, abstol=1e-3)
    np.testing.assert_allclose(sol(sol.t), sol.u, rtol=1e-13, atol=1e-13)


@known_bug("radau_after_tiny_step", "RadauIIA5 extrapolates its starting values over h / h_prev ~ 1e121 (Inf)")
def test_known_bug_radau_after_a_tiny_step():
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    sol = sciml.solve(prob, sciml.RadauIIA5(), tstops=[1e-121])  # a first step of 1e-121 onto the tstop
    assert sol.retcode == "Success", sol.message  # ConvergenceFailure after 61 rejected steps


def _run_child(code):
    """Run code in a child Python (a crash would take pytest down with it); returns the CompletedProcess."""
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-c", "import numpy as np, sciml\n" + code], capture_output=True, text=True,
                          timeout=300)


@known_bug("radau_gmres_segfault", "RadauIIA5 with linsolve='gmres' is killed by SIGSEGV")
def test_known_bug_radau_gmres_segfault():
    """Fixed means a solution, or a ValueError that names linsolve."""
    r = _run_child("prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))\n"
                   "sciml.solve(prob, sciml.RadauIIA5(), linsolve='gmres', jit='bytecode')\n")
    assert r.returncode == 0 or ("ValueError" in r.stderr and "linsolve" in r.stderr), \
        f"exit code {r.returncode}: {r.stderr[-2000:]}"


@known_bug("sdirk_subnormal_step_segfault", "SDIRK methods write out of bounds when gamma * h underflows to 0")
@pytest.mark.parametrize("alg", ["TRBDF2", "Kvaerno5"])
def test_known_bug_sdirk_subnormal_step(alg):
    r = _run_child("prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 2.0))\n"
                   f"sol = sciml.solve(prob, sciml.{alg}(), tstops=[5e-324], jit='bytecode')\n"
                   "print(sol.retcode)\n")
    assert r.returncode == 0, f"exit code {r.returncode}: {r.stderr[-2000:]}"
