"""The package keeps no method list, default or option rule of its own: the methods, their properties, the
default algorithm and the options' validation come from C++ (sciml._core), and the package's modules import
one another one way only."""
import ast
import pathlib

import numpy as np
import pytest

import sciml
from sciml import _core

INFO = _core.method_info()


def test_method_info_is_the_registry():
    assert sorted(d["name"] for d in INFO) == sorted(_core.methods())
    for d in INFO:
        assert d["kind"] in ("nonstiff", "stiff", "switching")
        assert sciml.method_by_name(d["name"]).name == d["name"]
        if d["nonstiff"]:  # a switching pair: sciml.Auto<nonstiff>(stiff)
            auto = getattr(sciml, f"Auto{d['nonstiff']}")
            assert auto(getattr(sciml, d["stiff"])()).name == d["name"]
            if d["default_pairing"]:
                assert auto().name == d["name"]
        else:
            cls = getattr(sciml, d["name"])
            assert cls().name == d["name"] and cls.__doc__ == d["summary"] and d["name"] in sciml.__all__


def test_kernel_methods_are_the_registry_s():
    from sciml import _gpu
    assert _gpu.KERNEL_METHODS == {d["name"]: (d["kernel_type"], d["kernel_header"]) for d in INFO
                                   if d["kernel_type"]}
    assert {"Tsit5", "Rodas5P", "KenCarp4"} <= set(_gpu.KERNEL_METHODS)
    assert not {"FBDF", "RadauIIA5", "DefaultODEAlgorithm"} & set(_gpu.KERNEL_METHODS)


def test_mass_matrix_methods_are_named_by_cpp():
    capable = [d["name"] for d in INFO if d["mass_matrix"]]
    assert set(capable) == {"Rosenbrock23", "Rodas4", "Rodas5P", "RadauIIA5", "FBDF"}
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], u[0] - u[1]], [1.0, 1.0], (0.0, 1.0),
                            mass_matrix=np.diag([1.0, 0.0]))
    with pytest.raises(ValueError, match="cannot solve M u'.*" + ", ".join(capable[:-1]) + " or " + capable[-1]):
        sciml.solve(prob, sciml.Tsit5())


def test_default_method_is_cpp_s():
    ode = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    dae = sciml.ODEProblem(lambda u, p, t: [-u[0], u[0] - u[1]], [1.0, 1.0], (0.0, 1.0),
                           mass_matrix=np.diag([1.0, 0.0]))
    assert _core.default_method(False, 1) == "DefaultODEAlgorithm"
    assert _core.default_method(True, 2) == "Rodas5P"  # default_algorithm_name: a mass matrix, up to 50 states
    assert _core.default_method(True, 51) == "FBDF"
    assert sciml.solve(ode).alg == _core.default_method(False, 1)
    sol = sciml.solve(dae, reltol=1e-8, abstol=1e-10)
    assert sol.alg == _core.default_method(True, 2) and sol.success
    np.testing.assert_allclose(sol.u[-1], [np.exp(-1.0)] * 2, rtol=1e-5)


@pytest.mark.parametrize("options, name", [
    (dict(reltol=-1.0), "reltol"), (dict(reltol=float("inf")), "reltol"), (dict(abstol=0.0), "abstol"),
    (dict(abstol=[1e-6, -1.0]), "abstol"), (dict(dt=-0.1), "dt"), (dict(dtmin=0.5, dtmax=0.1), "dtmin"),
    (dict(dtmax=0.0), "dtmax"), (dict(maxiters=0), "maxiters"), (dict(saveat=0.0), "saveat"),
    (dict(saveat=[0.5, 2.0]), "saveat"), (dict(tstops=[float("nan")]), "tstops"), (dict(linsolve="lu"), "linsolve"),
])
def test_options_are_checked_by_cpp_before_the_solve(options, name):
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0], -u[1]], [1.0, 1.0], (0.0, 1.0))
    with pytest.raises(ValueError, match=name):
        sciml.solve(prob, sciml.Tsit5(), **options)
    with pytest.raises(ValueError, match=name):  # before any trajectory runs
        sciml.solve(sciml.EnsembleProblem(prob), sciml.Tsit5(), sciml.EnsembleSerial(), trajectories=2, **options)


def _package_imports():
    """module -> the package modules it imports (from . import x, from .x import y), anywhere in the file; a name
    imported from the package itself (from . import name, name not a module) counts as importing __init__."""
    pkg = pathlib.Path(sciml.__file__).parent
    modules = {p.name.split(".")[0] for p in pkg.iterdir() if p.suffix in (".py", ".so", ".pyd")}
    graph = {}
    for path in pkg.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module)
                else:
                    deps.update(a.name if a.name in modules else "__init__" for a in node.names)
        graph[path.stem] = deps & modules
    return graph


def test_package_imports_one_way():
    graph = _package_imports()
    assert "_problem" not in graph and "_ensemble" not in graph  # they imported each other
    done, path = set(), []

    def visit(m):
        if m in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
        if m in done:
            return
        path.append(m)
        for d in sorted(graph.get(m, ())):
            visit(d)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)
