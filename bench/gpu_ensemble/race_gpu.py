"""Issue 6's GPU race: the DiffEqGPU benchmark (Lorenz, rho swept over [0, 21], u0 = (1, 0, 0), t in [0, 1],
float32, end points only) by JAX/diffrax (vmap over trajectories, jit) and PyTorch/torchdiffeq (the batch as one
(N, 3) state: the array-at-a-time form) on the same device, fixed dt = 0.001 (Tsit5 / torchdiffeq's rk4 with
step_size) and adaptive 1e-8. Prints a table and writes JSON (--json, rewritten after every size, so a run cut
short keeps what it measured). Skips a competitor that is not importable. Run by
bench/gpu_ensemble/run_on_device.sh; timings: best of --repeats after a warm-up (jit) call.

Time: --deadline bounds the whole race. Each series (tool x mode) gets an equal share of the time left when it
starts (what one leaves over goes to the next); N grows by 4x while the projected next size (its compile time
plus 4x the last call times repeats + 1) fits in the share, and the sizes not run are recorded as
{"seconds": null, "error": "skipped: time budget"}. A call still running when its series' share is spent is
interrupted where the tool's Python code allows (torchdiffeq; a running XLA call finishes first) and recorded as
failed, as is any exception (out of memory, float32 below its precision at 1e-8): a failure ends that series.
Usage: python3 race_gpu.py [--max-k 10] [--repeats 3] [--json FILE] [--deadline SECONDS] [--max-steps 100000]"""
import argparse
import json
import os
import signal
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # leave the device's memory to torch too

SKIPPED = "skipped: time budget"


class OutOfTime(Exception):
    pass


def _alarm(signum, frame):
    raise OutOfTime("interrupted: time budget")


class Race:
    def __init__(self, sizes, repeats, deadline, json_path=None, series=4):
        self.sizes, self.repeats, self.json_path = sizes, repeats, json_path
        self.end = time.monotonic() + deadline
        self.series_left = series  # series still to run, for the equal shares
        self.rows = []

    def save(self):
        if self.json_path:
            with open(self.json_path + ".tmp", "w") as fh:
                json.dump(self.rows, fh, indent=1)
            os.replace(self.json_path + ".tmp", self.json_path)

    def record(self, row):
        self.rows.append(row)
        self.save()
        s = row["seconds"]
        what = f"{s * 1e3:10.3f} ms" if s is not None else row["error"]
        print(f"  {row['tool']:12s} {row['mode']:8s} N = {row['N']:8d}  {what}"[:240], flush=True)

    def run(self, tool, mode, make):
        """Time make(n)() for the sizes in turn, within this series' share of the time left."""
        now = time.monotonic()
        share_end = now + max(0.0, self.end - now) / max(1, self.series_left)
        self.series_left -= 1
        projected = 0.0  # seconds the next size is expected to take (0: unknown, first size)
        for i, n in enumerate(self.sizes):
            left = share_end - time.monotonic()
            if left <= 0 or projected > left:
                for m in self.sizes[i:]:
                    self.record({"tool": tool, "mode": mode, "N": m, "seconds": None, "error": SKIPPED})
                return
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, left)
            try:
                t0 = time.monotonic()
                fn = make(n)
                fn()  # warm-up (and compilation)
                warm = time.monotonic() - t0
                best = float("inf")
                reps = self.repeats if warm < 1.0 else 1  # a call of a second or more: one timed call is enough
                for _ in range(reps):
                    t1 = time.perf_counter()
                    fn()
                    best = min(best, time.perf_counter() - t1)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except Exception as e:  # out of memory, unsupported option, out of time: say so, end this series
                signal.setitimer(signal.ITIMER_REAL, 0)
                self.record({"tool": tool, "mode": mode, "N": n, "seconds": None,
                             "error": f"{type(e).__name__}: {e}".replace("\n", " ")[:200]})
                if isinstance(e, OutOfTime):
                    for m in self.sizes[i + 1:]:
                        self.record({"tool": tool, "mode": mode, "N": m, "seconds": None, "error": SKIPPED})
                return
            self.record({"tool": tool, "mode": mode, "N": n, "seconds": best})
            next_reps = self.repeats if 4.0 * best < 1.0 else 1
            projected = max(warm - best, 0.0) + 4.0 * best * (next_reps + 1)


def jax_series(race, max_steps):
    import jax
    import jax.numpy as jnp
    import diffrax

    def lorenz(t, u, rho):
        x, y, z = u[0], u[1], u[2]
        return jnp.stack([10.0 * (y - x), x * (rho - z) - y, x * y - (8.0 / 3.0) * z])

    def make_jax(mode):
        def make(n):
            rhos = jnp.linspace(0.0, 21.0, n, dtype=jnp.float32)
            u0 = jnp.array([1.0, 0.0, 0.0], dtype=jnp.float32)
            term = diffrax.ODETerm(lorenz)
            if mode == "fixed":
                ctrl, dt0, steps = diffrax.ConstantStepSize(), 0.001, 1001
            else:
                ctrl, dt0, steps = diffrax.PIDController(rtol=1e-8, atol=1e-8), None, max_steps

            def one(rho):
                return diffrax.diffeqsolve(term, diffrax.Tsit5(), 0.0, 1.0, dt0, u0, args=rho,
                                           stepsize_controller=ctrl, saveat=diffrax.SaveAt(t1=True),
                                           max_steps=steps).ys

            f = jax.jit(jax.vmap(one))
            return lambda: f(rhos).block_until_ready()
        return make

    dev = jax.devices()[0]
    if dev.platform != "gpu":
        print(f"JAX has no GPU here (its first device: {dev})")
        return
    print(f"JAX {jax.__version__} on {dev}, diffrax {diffrax.__version__}", flush=True)
    race.run("JAX/diffrax", "fixed", make_jax("fixed"))
    race.run("JAX/diffrax", "adaptive", make_jax("adaptive"))
    jax.clear_caches()


def torch_series(race, max_steps):
    import torch
    import torchdiffeq

    def make_torch(mode):
        def make(n):
            dev = torch.device("cuda")
            rho = torch.linspace(0.0, 21.0, n, dtype=torch.float32, device=dev)
            y0 = torch.zeros(n, 3, dtype=torch.float32, device=dev)
            y0[:, 0] = 1.0
            ts = torch.tensor([0.0, 1.0], dtype=torch.float32, device=dev)

            def f(t, y):
                x, yy, z = y[:, 0], y[:, 1], y[:, 2]
                return torch.stack([10.0 * (yy - x), x * (rho - z) - yy, x * yy - (8.0 / 3.0) * z], dim=1)

            def run():
                with torch.no_grad():
                    if mode == "fixed":
                        out = torchdiffeq.odeint(f, y0, ts, method="rk4", options={"step_size": 0.001})
                    else:
                        out = torchdiffeq.odeint(f, y0, ts, method="dopri5", rtol=1e-8, atol=1e-8,
                                                 options={"max_num_steps": max_steps})
                torch.cuda.synchronize()
                return out
            return run
        return make

    if not torch.cuda.is_available():
        print("torch has no CUDA device here")
        return
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}, torchdiffeq {torchdiffeq.__version__}",
          flush=True)
    race.run("torchdiffeq", "fixed", make_torch("fixed"))
    race.run("torchdiffeq", "adaptive", make_torch("adaptive"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-k", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--deadline", type=float, default=150.0, help="seconds for the whole race")
    ap.add_argument("--max-steps", type=int, default=100000, help="adaptive solves' step limit")
    a = ap.parse_args()
    race = Race([8 * 4 ** k for k in range(a.max_k + 1)], a.repeats, a.deadline, a.json)
    race.save()  # an empty list when nothing can run
    tools = (("JAX/diffrax", jax_series), ("torchdiffeq", torch_series))
    for i, (name, series) in enumerate(tools):
        race.series_left = 2 * (len(tools) - i)  # this tool's two series and the next tools'
        try:
            series(race, a.max_steps)
        except ImportError as e:
            print(f"{name} not available: {e}", flush=True)
        except Exception as e:  # a tool that fails to start (no device, a broken install): the other still runs
            print(f"{name} failed: {type(e).__name__}: {e}", flush=True)


if __name__ == "__main__":
    main()
