"""The package as users get it: installed by pip into a venv made from Debian's python3 (no network), and the
example program."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import sciml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def build_dir():
    """The CMake build that holds this package (build/python/sciml -> build)."""
    return pathlib.Path(sciml.__file__).resolve().parents[2]


@pytest.mark.skipif(not shutil.which("cmake"), reason="needs cmake")
def test_pip_install_into_venv(tmp_path):
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("python3 -m venv is not available: " + r.stderr[-300:])
    env = dict(os.environ, SCIML_BUILD_DIR=str(build_dir()))
    env.pop("PYTHONPATH", None)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation", "--no-index",
                          str(ROOT / "python")], env=env, capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-2000:]
    check = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import sciml; p = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0, 1)); "
                            "print(sciml.__file__); print(sciml.solve(p, reltol=1e-10, abstol=1e-12).u[-1][0]); "
                            "from sciml import _gpu; print(_gpu.include_dir())"],
                           env=env, capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    where, value, headers = check.stdout.split()
    assert str(venv) in where
    assert abs(float(value) - 0.36787944117144233) < 1e-8
    # the C++ headers ship in the package, for the kernels EnsembleGPUKernel generates
    assert str(venv) in headers and os.path.isfile(os.path.join(headers, "sciml", "gpu", "kernel_body.hpp"))
    for leftover in ("build", "sciml.egg-info"):
        shutil.rmtree(ROOT / "python" / leftover, ignore_errors=True)


def test_quickstart_example_runs():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "python" / "quickstart.py")], env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Lorenz: Success" in r.stdout and "solve_ivp: The solver successfully" in r.stdout
