"""The native compile cache: owner-only directory, reuse across processes, rebuild when f changes, refusal of
files another user could have written."""
import os
import stat
import subprocess
import sys
import textwrap

import pytest

import sciml
from sciml import _jit

SCRIPT = textwrap.dedent("""
    import json, sys
    import sciml
    def f(u, p, t):
        return [-COEF * u[0] + u[1], -u[1]]
    prob = sciml.ODEProblem(f, [1.0, 1.0], (0.0, 1.0))
    info = sciml.jit(prob)
    sol = sciml.solve(prob, sciml.Tsit5(), jit="native", reltol=1e-10, abstol=1e-10)
    print(json.dumps({"info": info, "u": list(sol.u[-1])}))
""")


def run(tmp_path, coef):
    env = dict(os.environ, SCIML_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", SCRIPT.replace("COEF", repr(coef))], env=env, capture_output=True,
                         text=True, check=True)
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_cache_survives_a_new_process_and_rebuilds_on_change(tmp_path):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    first = run(tmp_path, 2.0)
    assert first["info"]["path"] == "native" and not first["info"]["cached"]
    d = tmp_path / "cache"
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    again = run(tmp_path, 2.0)
    assert again["info"]["cached"] and again["info"]["library"] == first["info"]["library"]
    assert again["u"] == first["u"]
    changed = run(tmp_path, 3.0)
    assert not changed["info"]["cached"] and changed["info"]["library"] != first["info"]["library"]
    assert len(list(d.glob("*.so"))) == 2


def test_unsafe_cache_files_are_not_loaded(tmp_path, monkeypatch):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    monkeypatch.setenv("SCIML_CACHE_DIR", str(tmp_path / "c2"))
    prob = sciml.ODEProblem(lambda u, p, t: [-4.25 * u[0]], [1.0], (0.0, 1.0))
    info = sciml.jit(prob)
    assert info["path"] == "native"
    lib = info["library"]
    os.chmod(lib, 0o777)  # writable by others: a second model with the same key must not load it
    prob2 = sciml.ODEProblem(lambda u, p, t: [-4.25 * u[0]], [1.0], (0.0, 1.0))
    info2 = sciml.jit(prob2)
    assert info2["path"] == "native" and not info2["cached"]  # rebuilt, not loaded
    assert stat.S_IMODE(os.stat(lib).st_mode) == 0o700
    os.chmod(tmp_path / "c2", 0o777)  # a directory others can write into: no native code at all
    prob3 = sciml.ODEProblem(lambda u, p, t: [-5.5 * u[0]], [1.0], (0.0, 1.0))
    assert sciml.jit(prob3)["path"] == "bytecode"
    os.chmod(tmp_path / "c2", 0o700)


def test_generated_source_has_only_numbers_from_the_user():
    def evil_name_x1(u, p, t):
        return [-u[0] * 1.5e-3 + p[0]]
    prob = sciml.ODEProblem(evil_name_x1, [1.0], (0.0, 1.0), [2.0])
    src = prob._model.c_source("sciml_f", "sciml_jac")
    assert "evil_name" not in src and "sciml_f" in src and "sciml_jac" in src
    with pytest.raises(ValueError):
        prob._model.c_source('bad name; system("x")', "sciml_jac")


def test_concurrent_builds_of_one_model(tmp_path):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    env = dict(os.environ, SCIML_CACHE_DIR=str(tmp_path / "shared"), PYTHONPATH=os.pathsep.join(sys.path))
    script = SCRIPT.replace("COEF", "7.5")
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    import json
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert all(r["info"]["path"] == "native" for r in results)
    assert all(r["u"] == results[0]["u"] for r in results)
    assert len(list((tmp_path / "shared").glob("*.so"))) == 1  # one library, intact
    assert not list((tmp_path / "shared").glob("build-*"))    # no temporary leftovers
    again = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert json.loads(again.stdout.strip().splitlines()[-1])["info"]["cached"]
