"""Regression (issue 14): the native build had no size or time limit (a 10^5-operation f gave 8.5 MB of C that
had not compiled after 300 s), and a Python exiting during a build left an orphaned compiler and a build-*
directory behind. Now: source above SCIML_JIT_MAX_BYTES and builds longer than SCIML_JIT_TIMEOUT stay on
bytecode with a NativeCodeWarning saying why; at exit the compiler's process group is killed and its directory
removed."""
import os
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import sciml
from sciml import _jit


def big_model(n_terms, seed=0):
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.1, 1.0, size=n_terms)

    def f(u, p, t):
        acc = 0.0
        for k in range(n_terms):
            acc = acc + c[k] * np.sin(u[0] + c[k] * t)
        return [-u[0] + 1e-3 * acc]
    return f


@pytest.fixture
def needs_cc():
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")


def test_source_above_the_size_limit_stays_on_bytecode(needs_cc, monkeypatch, tmp_path):
    monkeypatch.setenv("SCIML_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(_jit, "SOURCE_MAX_BYTES", 2000)
    prob = sciml.ODEProblem(big_model(200), [1.0], (0.0, 1.0))
    with pytest.warns(sciml.NativeCodeWarning, match="SCIML_JIT_MAX_BYTES"):
        info = sciml.jit(prob)
    assert info["path"] == "bytecode"
    sol = sciml.solve(prob, sciml.Tsit5())   # still solves, on bytecode, with one warning per model only
    assert sol.retcode == "Success"


def test_build_over_the_time_limit_is_stopped(needs_cc, monkeypatch, tmp_path):
    monkeypatch.setenv("SCIML_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(_jit, "BUILD_TIMEOUT", 0.05)
    prob = sciml.ODEProblem(big_model(3000, seed=1), [1.0], (0.0, 1.0))
    t0 = time.monotonic()
    with pytest.warns(sciml.NativeCodeWarning, match="SCIML_JIT_TIMEOUT"):
        info = sciml.jit(prob)
    assert info["path"] == "bytecode"
    assert time.monotonic() - t0 < 30
    assert not list((tmp_path / "c").glob("build-*"))


EXIT_SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import sciml
    c = np.random.default_rng(3).uniform(0.1, 1.0, size=4000)
    def f(u, p, t):
        acc = 0.0
        for k in range(4000):
            acc = acc + c[k] * np.sin(u[0] + c[k] * t)
        return [-u[0] + 1e-3 * acc]
    prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0))
    sciml.solve(prob, sciml.Tsit5())     # starts the native build in the background
    time.sleep(1.0)                      # the compiler is running now
    print("exiting", flush=True)
""")


def _compilers_under(path):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmd:
            found.append((pid, cmd[:200]))
    return found


def test_exit_during_a_build_leaves_no_compiler_or_directory(needs_cc, tmp_path):
    cache = tmp_path / "c"
    env = dict(os.environ, SCIML_CACHE_DIR=str(cache), PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "exiting" in out.stdout
    time.sleep(0.5)
    assert not _compilers_under(cache), "an orphaned compiler still runs"
    assert not list(cache.glob("build-*")), "a build directory was left behind"


def test_stale_build_directories_are_removed(needs_cc, monkeypatch, tmp_path):
    cache = tmp_path / "c"
    monkeypatch.setenv("SCIML_CACHE_DIR", str(cache))
    stale = cache / "build-left-by-a-killed-process"
    stale.mkdir(parents=True)
    os.chmod(cache, 0o700)
    old = time.time() - 2 * _jit.STALE_BUILD_SECONDS
    os.utime(stale, (old, old))
    prob = sciml.ODEProblem(lambda u, p, t: [-1.25 * u[0]], [1.0], (0.0, 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", sciml.NativeCodeWarning)
        assert sciml.jit(prob)["path"] == "native"
    assert not stale.exists()
