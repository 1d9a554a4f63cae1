"""The methods, named as in C++ (sciml.Tsit5(), sciml.Rodas5P(), ...), and the default choice.

The list of methods, their properties and the default algorithm are the C++ extension's
(sciml._core.method_info(), sciml._core.default_method(); python/src/methods_*.cpp,
include/sciml/integrator/default_algorithm.hpp): this module only turns them into classes."""
import numpy as np

from . import _core


class Algorithm:
    """A solver method, named as in C++ (sciml.Tsit5(), sciml.Rodas5P(), ...)."""

    name = None

    def __init__(self):
        if self.name not in _core.methods():
            raise ValueError(f"method {self.name} is not available in this build")

    def __repr__(self):
        return f"sciml.{self.name}()"


# name -> the method's properties (kind, summary, order, adaptive, mass_matrix, the switching pair, the GPU
# kernel's C++ type and header), in the C++ registration order
METHOD_INFO = {d["name"]: d for d in _core.method_info()}


class _AutoSwitch(Algorithm):
    nonstiff = None

    def __init__(self, stiff=None):
        if stiff is None:
            stiff = _instance(next(d["stiff"] for d in METHOD_INFO.values()
                                   if d["nonstiff"] == self.nonstiff and d["default_pairing"]))
        if not isinstance(stiff, Algorithm):
            raise TypeError(f"{type(self).__name__}: the stiff method must be a sciml method, e.g. sciml.Rodas5P()")
        self.name = f"Auto{self.nonstiff}({stiff.name})"
        if self.name not in _core.methods():
            have = sorted(m for m in _core.methods() if m.startswith(f"Auto{self.nonstiff}("))
            raise ValueError(f"{self.name} is not available; choose one of {', '.join(have)}")


def _method_classes():
    """One class a method (sciml.Tsit5, ...), and one a non-stiff method of the switching pairs (sciml.AutoTsit5,
    whose argument is the stiff method), in the C++ registration order."""
    classes = {}
    for name, d in METHOD_INFO.items():
        if d["kind"] != "switching" or not d["nonstiff"]:
            classes[name] = type(name, (Algorithm,), {"name": name, "__doc__": d["summary"],
                                                      "__module__": __name__})
            continue
        auto = f"Auto{d['nonstiff']}"
        if auto in classes:
            continue
        stiff = [e["stiff"] for e in METHOD_INFO.values() if e["nonstiff"] == d["nonstiff"]]
        to = stiff[0] if len(stiff) == 1 else f"a stiff method ({' or '.join(stiff)})"
        classes[auto] = type(auto, (_AutoSwitch,), {
            "nonstiff": d["nonstiff"], "__module__": __name__,
            "__doc__": f"{d['nonstiff']} switching to {to} when the problem turns stiff."})
    return classes


METHOD_CLASSES = _method_classes()
globals().update(METHOD_CLASSES)


def method_by_name(name):
    """A method from its name: 'Tsit5', 'Rodas5P', 'AutoTsit5(Rosenbrock23)', ..."""
    if name not in _core.methods():
        raise ValueError(f"unknown method '{name}'; available: {', '.join(sorted(_core.methods()))}")
    a = Algorithm.__new__(Algorithm)
    a.name = name
    return a


def _instance(name):
    """sciml.<name>() for a method name."""
    return METHOD_CLASSES[name]() if name in METHOD_CLASSES else method_by_name(name)


def resolve_alg(prob, alg):
    """The method object for alg (a method, its class, a name, or None: the default for prob, which C++ chooses
    from the problem's structure: a mass matrix or not, and its size)."""
    if alg is None:
        alg = _instance(_core.default_method(prob.mass_matrix is not None, int(np.size(prob.u0))))
    elif isinstance(alg, str):
        alg = method_by_name(alg)
    elif isinstance(alg, type) and issubclass(alg, Algorithm):
        alg = alg()
    if not isinstance(alg, Algorithm):
        raise TypeError(f"alg: expected a sciml method such as sciml.Tsit5(), got {type(alg).__name__}")
    return alg
