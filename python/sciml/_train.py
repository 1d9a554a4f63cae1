"""sciml.train: the C++ training loops (include/sciml/optim/train.hpp) over a Python loss_and_grad(theta) ->
(loss, grad): Adam or AdamW with a learning-rate schedule, or L-BFGS; progress lines, checkpoints and resume,
a loss target, a clean stop (with a message) on a NaN/Inf loss or gradient. The loss is called once per
iteration (L-BFGS: once per line-search trial); nothing is called from Python per solver step."""
import math
import warnings

import numpy as np

from . import _core
from ._gradient import GradientResult

Adam = _core.Adam
AdamW = _core.AdamW
LBFGS = _core.LBFGS
ConstantLR = _core.ConstantLR
ExponentialDecay = _core.ExponentialDecay
StepDecay = _core.StepDecay
CosineAnnealing = _core.CosineAnnealing


class TrainingWarning(RuntimeWarning):
    """Training stopped early: a NaN/Inf loss or gradient, or a line search that could not continue."""


class TrainResult:
    """theta (the trained parameters: always ones with a finite loss and gradient), loss (at theta), iterations
    (optimiser steps, including those before a resume), finished (False: stopped on NaN/Inf or a failed line
    search), message, history (the loss at every iterate of this run, the starting one first)."""

    def __init__(self, d, shape):
        self.theta = np.asarray(d["theta"]).reshape(shape)
        self.loss = d["loss"]
        self.iterations = d["iterations"]
        self.finished = d["finished"]
        self.message = d["message"]
        self.history = np.asarray(d["history"])
        self.stopped_by_callback = d["stopped"]

    def __repr__(self):
        return (f"TrainResult(loss={self.loss:.6g}, iterations={self.iterations}, finished={self.finished}, "
                f"message={self.message!r})")


def _optimizer(optimizer):
    if optimizer is None:
        return Adam()
    if isinstance(optimizer, str):
        name = optimizer.lower().replace("-", "").replace("_", "")
        if name == "adam":
            return Adam()
        if name == "adamw":
            return AdamW()
        if name in ("lbfgs", "bfgs"):
            return LBFGS()
        raise ValueError(f"optimizer: unknown name '{optimizer}'; use 'adam', 'adamw', 'lbfgs', or "
                         "sciml.Adam(lr=...), sciml.AdamW(...), sciml.LBFGS(...)")
    if isinstance(optimizer, type) and optimizer in (Adam, AdamW, LBFGS):
        return optimizer()
    if isinstance(optimizer, (Adam, LBFGS)):
        return optimizer
    raise TypeError(f"optimizer: expected sciml.Adam, sciml.AdamW, sciml.LBFGS or a name, got "
                    f"{type(optimizer).__name__}")


def _wrap(loss_and_grad, n):
    """The user's function as the C++ loop calls it: theta -> (loss, grad, why)."""
    def fg(theta):
        r = loss_and_grad(theta)
        why = ""
        if isinstance(r, GradientResult) or (hasattr(r, "loss") and hasattr(r, "dp")):
            # sciml.gradient's result: a failed solve counts as an infinite loss (Adam stops with a message,
            # L-BFGS shortens its step)
            if not getattr(r, "success", True):
                return math.inf, np.zeros(n), f"the solve failed: {r.retcode}: {r.message}"
            loss, grad = r.loss, r.dp
        else:
            try:
                loss, grad = r
            except (TypeError, ValueError) as e:
                raise TypeError("loss_and_grad(theta) must return (loss, gradient) or a sciml.gradient result, got "
                                f"{type(r).__name__}") from e
        try:
            loss = float(loss)
        except (TypeError, ValueError) as e:
            raise TypeError(f"loss_and_grad returned a loss of type {type(loss).__name__}; expected a number") from e
        grad = np.ascontiguousarray(grad, dtype=np.float64).ravel()
        if grad.size != n:
            raise ValueError(f"loss_and_grad returned a gradient of {grad.size} values for {n} parameters")
        return loss, grad, why
    return fg


def train(loss_and_grad, theta0, optimizer=None, maxiters=1000, schedule=None, callback=None, print_every=0,
          out=None, save_path=None, save_every=100, resume=False, loss_target=-math.inf):
    """Minimise a loss from theta0; returns a TrainResult (result.theta, result.loss, result.history, ...).

    loss_and_grad(theta) -> (loss, gradient) (or the result of sciml.gradient: a failed solve then counts as an
    infinite loss). theta is a fresh float array shaped like theta0.
    optimizer: sciml.Adam(lr=1e-3, beta1, beta2, eps, weight_decay) (the default), sciml.AdamW(lr, weight_decay),
      sciml.LBFGS(history=10, gtol=1e-8, ftol=1e-12), or the names 'adam', 'adamw', 'lbfgs'.
    maxiters: optimiser steps (counted across resumes).
    schedule (Adam): sciml.ExponentialDecay(gamma, every), sciml.StepDecay(step_size, gamma),
      sciml.CosineAnnealing(t_max, eta_min, warmup), or a function (iteration, base_lr) -> lr.
    callback(iteration, theta, loss): after every iteration (Adam: at each iterate before its step; L-BFGS: after
      each accepted step); returning True stops training at that iterate.
    print_every: a progress line every this many iterations (0: silent), to `out` (default sys.stdout).
    save_path, save_every, resume: checkpoint theta (and Adam's moments, in <save_path>.adam) every save_every
      iterations and at the end; resume=True continues from the file when it exists, exactly where it stopped.
    loss_target: stop once loss <= loss_target.

    A NaN/Inf loss or gradient stops training with result.finished = False, a message saying where, and the
    last good parameters (and a sciml.TrainingWarning); an exception raised by loss_and_grad or the callback
    propagates unchanged."""
    theta0 = np.asarray(theta0, dtype=np.float64)
    if theta0.size == 0:
        raise ValueError("theta0: no parameters to train")
    if not np.all(np.isfinite(theta0)):
        raise ValueError("theta0: contains NaN or Inf")
    if not callable(loss_and_grad):
        raise TypeError("loss_and_grad must be callable: loss_and_grad(theta) -> (loss, gradient)")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable: callback(iteration, theta, loss) -> bool")
    if not isinstance(maxiters, (int, np.integer)) or isinstance(maxiters, bool) or maxiters < 0:
        raise ValueError(f"maxiters: expected a non-negative integer, got {maxiters!r}")
    if not isinstance(print_every, (int, np.integer)) or print_every < 0:
        raise ValueError(f"print_every: expected a non-negative integer, got {print_every!r}")
    opt = _optimizer(optimizer)
    shape = theta0.shape
    n = theta0.size

    def reshape(theta):
        return theta.reshape(shape)

    fg = _wrap(lambda th: loss_and_grad(reshape(th)), n)
    cb = None if callback is None else (lambda k, th, loss: callback(k, reshape(th), loss))
    save_path = "" if save_path is None else str(save_path)
    if isinstance(opt, Adam):
        d = _core.train_adam(fg, theta0.ravel(), opt, schedule, int(maxiters), int(print_every), out, save_path,
                             int(save_every), bool(resume), float(loss_target), cb)
    else:
        if schedule is not None:
            raise ValueError("schedule: learning-rate schedules apply to Adam/AdamW, not to L-BFGS")
        d = _core.train_lbfgs(fg, theta0.ravel(), opt, int(maxiters), int(print_every), out, save_path,
                              int(save_every), bool(resume), float(loss_target), cb)
    res = TrainResult(d, shape)
    if not res.finished:
        warnings.warn(f"sciml.train: {res.message}", TrainingWarning, stacklevel=2)
    return res
