"""Solutions: ODESolution (one solve), and for ensembles TrajectorySolution, EnsembleSolution and
EnsembleSummary."""
import numbers

import numpy as np

from . import _core


class ODESolution:
    """sol.t (times), sol.u (one row per time), sol(t) (dense output), sol.retcode, sol.stats, sol.plot()."""

    def __init__(self, core, prob):
        self._core = core
        self.prob = prob

    t = property(lambda self: self._core.t)
    u = property(lambda self: self._core.u)
    retcode = property(lambda self: self._core.retcode)
    success = property(lambda self: self._core.success)
    message = property(lambda self: self._core.message)
    stats = property(lambda self: self._core.stats)
    alg = property(lambda self: self._core.alg)

    def __call__(self, t):
        scalar = np.ndim(t) == 0
        ts = np.atleast_1d(np.asarray(t, dtype=float))
        out = self._core.interpolate(ts.ravel())
        if scalar:
            return out[0]
        return out.reshape(ts.shape + (out.shape[1],))

    def __len__(self):
        return len(self.t)

    def __repr__(self):
        return f"ODESolution(retcode={self.retcode}, alg={self.alg}, {len(self.t)} points)"

    def plot(self, ax=None, idxs=None, labels=None, dense=True, **kwargs):
        """Plot the components against t (matplotlib); returns the axes."""
        import matplotlib.pyplot as plt
        if ax is None:
            _, ax = plt.subplots()
        if dense and self._core.dense and len(self.t) > 1:
            tt = np.linspace(self.t[0], self.t[-1], 1000)
            uu = self(tt)
        else:
            tt, uu = self.t, self.u
        idxs = range(uu.shape[1]) if idxs is None else idxs
        for k in idxs:
            ax.plot(tt, uu[:, k], label=labels[k] if labels else f"u[{k}]", **kwargs)
        ax.set_xlabel("t")
        ax.legend()
        return ax


# ---------------------------------------------------------------------------------------------------------
# Ensembles
class TrajectorySolution:
    """One trajectory of an ensemble: t, u (one row per saved time), retcode, success, message, stats."""

    def __init__(self, t, u, retcode, message, stats):
        self.t = t
        self.u = u
        self.retcode = retcode
        self.message = message
        self.stats = stats

    @property
    def success(self):
        return self.retcode in ("Success", "Terminated")

    def __len__(self):
        return len(self.t)

    def __repr__(self):
        return f"TrajectorySolution(retcode={self.retcode}, {len(self.t)} points)"


class EnsembleSummary:
    """Mean, unbiased variance and quantiles over the successful trajectories, per saved time t[i] and state
    component k: mean[i, k], variance[i, k], quantiles[j, i, k] at levels[j] (sciml::summarize)."""

    def __init__(self, d):
        self.t = d["t"]
        self.levels = d["levels"]
        self.mean = d["mean"]
        self.variance = d["variance"]
        self.quantiles = d["quantiles"]
        self.trajectories = d["trajectories"]
        self.failures = d["failures"]

    def __repr__(self):
        return (f"EnsembleSummary({len(self.t)} times, {self.trajectories} trajectories, {self.failures} failed, "
                f"levels={list(self.levels)})")


class EnsembleSolution:
    """The result of an ensemble solve, in trajectory order whatever the backend.

    t: the saved times (1-D) when every trajectory saved at the same times (saveat; a failed trajectory keeps
    the ones it reached), and u: an array (trajectories, len(t), n) with NaN where a failed trajectory did not
    get to (esol[i] also has the point where it stopped); otherwise t and u are lists with one array per
    trajectory. With an output_func, u is the list of its
    results (the saved states stay in esol.states). retcodes[i], messages[i], stats (arrays of counters: nf,
    naccept, nreject, ...), failures (how many did not succeed), failed() (their indices), success (all
    succeeded), esol[i] (a TrajectorySolution), summary(quantiles), elapsed (seconds; kernel_seconds: the GPU
    kernel's own time)."""

    def __init__(self, d, backend, outputs=None):
        self.t = d["t"]
        self.states = d["u"]
        self.u = self.states if outputs is None else outputs
        self.saved = d["saved"]
        self._extra = dict(d.get("extra", {}))
        self.retcodes = list(d["retcodes"])
        self.messages = list(d["messages"])
        self.stats = d["stats"]
        self.failures = int(d["failures"])
        self.elapsed = float(d["elapsed"])
        self.backend = backend
        self.kernel_seconds = d.get("seconds")

    @property
    def success(self):
        return self.failures == 0

    def failed(self):
        """Indices of the trajectories that did not succeed."""
        return [i for i, r in enumerate(self.retcodes) if r not in ("Success", "Terminated")]

    def __len__(self):
        return len(self.retcodes)

    def _trajectory_arrays(self, i):
        if isinstance(self.t, list):
            return self.t[i], self.states[i]
        k = int(self.saved[i])
        t, u = self.t[:k], self.states[i, :k]
        if i in self._extra:  # where a failed solve stopped, off the common times
            te, ue = self._extra[i]
            t, u = np.append(t, te), np.vstack([u, np.asarray(ue, dtype=u.dtype)[None, :]])
        return t, u

    def __getitem__(self, i):
        if isinstance(i, (numbers.Integral, np.integer)) and not isinstance(i, bool):
            i = int(i)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(f"trajectory {i} out of range for {len(self)} trajectories")
            t, u = self._trajectory_arrays(i)
            return TrajectorySolution(t, u, self.retcodes[i], self.messages[i],
                                      {k: int(v[i]) for k, v in self.stats.items()})
        raise TypeError(f"esol[i]: i must be an integer, got {type(i).__name__}")

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def summary(self, quantiles=(0.05, 0.95)):
        """sciml::summarize over the successful trajectories: mean, variance (n - 1) and quantiles (numpy's
        linear interpolation) per saved time and component. Needs the same saved times for every trajectory
        (give saveat)."""
        levels = np.atleast_1d(np.asarray(quantiles, dtype=float)).ravel()
        ts, us, ok = [], [], []
        for i in range(len(self)):
            t, u = self._trajectory_arrays(i)
            ts.append(np.asarray(t, dtype=float))
            us.append(np.asarray(u, dtype=float))
            ok.append(self.retcodes[i] in ("Success", "Terminated"))
        return EnsembleSummary(_core.ensemble_summary(ts, us, ok, list(levels)))

    def __repr__(self):
        return f"EnsembleSolution({len(self)} trajectories, {self.failures} failed, backend={self.backend!r})"
