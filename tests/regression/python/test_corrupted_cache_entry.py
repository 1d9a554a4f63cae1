"""Regression (issue 14): a truncated or corrupted cached .so crashed every later process (SIGBUS/SIGILL inside
ctypes.CDLL) until deleted by hand, and another model's .so in its place was loaded silently (wrong results).
The cache records each library's size and SHA-256 at build time and checks them before loading; a mismatch
rebuilds."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from sciml import _jit

SCRIPT = textwrap.dedent("""
    import json
    import sciml
    def f(u, p, t):
        return [-COEF * u[0]]
    prob = sciml.ODEProblem(f, [1.0], (0.0, 1.0))
    info = sciml.jit(prob)
    sol = sciml.solve(prob, sciml.Tsit5(), jit="native", reltol=1e-10, abstol=1e-10)
    print(json.dumps({"info": info, "u": float(sol.u[-1][0])}))
""")


def run(cache, coef):
    env = dict(os.environ, SCIML_CACHE_DIR=str(cache), PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", SCRIPT.replace("COEF", repr(coef))], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, f"the process died (rc {out.returncode}):\n{out.stderr[-3000:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def cache(tmp_path):
    if _jit.compiler()[0] is None:
        pytest.skip("no C compiler")
    return tmp_path / "cache"


def test_truncated_library_is_rebuilt(cache):
    first = run(cache, 2.0)
    lib = first["info"]["library"]
    size = os.path.getsize(lib)
    with open(lib, "r+b") as fh:
        fh.truncate(size // 3)
    again = run(cache, 2.0)
    assert again["info"]["path"] == "native" and not again["info"]["cached"]
    assert again["u"] == first["u"]
    assert os.path.getsize(lib) == size


def test_corrupted_bytes_are_rebuilt(cache):
    first = run(cache, 3.0)
    lib = first["info"]["library"]
    with open(lib, "r+b") as fh:
        fh.seek(os.path.getsize(lib) // 2)
        fh.write(b"\xff" * 512)
    again = run(cache, 3.0)
    assert not again["info"]["cached"] and again["u"] == first["u"]


def test_another_models_library_is_not_loaded(cache):
    a = run(cache, 2.0)
    b = run(cache, 5.0)
    # b's library (and even its record, edited to a's key) put in a's place
    shutil.copy(b["info"]["library"], a["info"]["library"])
    meta_a = a["info"]["library"][:-3] + ".json"
    meta_b = json.load(open(b["info"]["library"][:-3] + ".json"))
    meta_b["key"] = json.load(open(meta_a))["key"]
    json.dump(meta_b, open(meta_a, "w"))
    again = run(cache, 2.0)
    assert not again["info"]["cached"]
    assert again["u"] == a["u"]          # a's answer, exp(-2), not b's exp(-5)


def test_records_without_a_digest_are_rebuilt(cache):
    first = run(cache, 7.0)
    meta = first["info"]["library"][:-3] + ".json"
    rec = json.load(open(meta))
    del rec["sha256"], rec["size"]    # an entry written by an older version
    json.dump(rec, open(meta, "w"))
    again = run(cache, 7.0)
    assert not again["info"]["cached"] and again["u"] == first["u"]
