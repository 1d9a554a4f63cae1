"""Callbacks: ContinuousCallback (events located where a condition crosses zero), DiscreteCallback, CallbackSet,
and their conditions traced (or called from Python) for the C++ solve."""
import warnings

from . import _core
from ._trace import TracingWarning, trace_condition


class ContinuousCallback:
    """An event where condition(u, t, integrator) crosses zero; affect(integrator) runs there (affect_neg for
    downcrossings if given; None ignores a direction). The condition is traced when it can be."""

    continuous = True

    def __init__(self, condition, affect, affect_neg=Ellipsis, interp_points=10):
        if not callable(condition):
            raise TypeError("condition must be callable: condition(u, t, integrator)")
        if affect is not None and not callable(affect):
            raise TypeError("affect must be callable: affect(integrator), or None")
        self.condition = condition
        self.affect = affect
        self.affect_neg = affect if affect_neg is Ellipsis else affect_neg
        if self.affect_neg is not None and not callable(self.affect_neg):
            raise TypeError("affect_neg must be callable or None")
        self.interp_points = int(interp_points)


class DiscreteCallback:
    """affect(integrator) after every step where condition(u, t, integrator) is true."""

    continuous = False

    def __init__(self, condition, affect):
        if not callable(condition) or not callable(affect):
            raise TypeError("DiscreteCallback(condition, affect): both must be callable")
        self.condition = condition
        self.affect = affect
        self.affect_neg = None
        self.interp_points = 10


class CallbackSet:
    """Several callbacks as one."""

    def __init__(self, *callbacks):
        self.callbacks = []
        for c in callbacks:
            self.callbacks.extend(callback_list(c))


def callback_list(cb):
    if cb is None:
        return []
    if isinstance(cb, CallbackSet):
        return list(cb.callbacks)
    if isinstance(cb, (ContinuousCallback, DiscreteCallback)):
        return [cb]
    if isinstance(cb, (list, tuple)):
        out = []
        for c in cb:
            out.extend(callback_list(c))
        return out
    raise TypeError(f"callback: expected a ContinuousCallback, DiscreteCallback or CallbackSet, got {type(cb).__name__}")


def compile_callbacks(cbs, n, p):
    out = []
    for c in cbs:
        traced = None
        try:
            traced = trace_condition(c.condition, n, p, None)
        except Exception as e:  # noqa: BLE001
            warnings.warn(f"sciml: a callback condition could not be traced ({type(e).__name__}: {e}); it is "
                          "called from Python after every step", TracingWarning, stacklevel=4)

        def py_cond(u, t, integ, c=c):
            r = c.condition(u, t, integ)
            try:
                return float(r)
            except (TypeError, ValueError):
                raise TypeError(f"a callback condition must return a number, got {type(r).__name__}") from None

        out.append(_core._Callback(c.continuous, traced, py_cond, c.affect, c.affect_neg, c.interp_points))
    return out
