"""Issue 6's GPU race: the DiffEqGPU benchmark (Lorenz, rho swept over [0, 21], u0 = (1, 0, 0), t in [0, 1],
float32, end points only) by JAX/diffrax (vmap over trajectories, jit) and PyTorch/torchdiffeq (the batch as one
(N, 3) state: the array-at-a-time form) on the same device, fixed dt = 0.001 (Tsit5 / torchdiffeq's rk4 with
step_size) and adaptive 1e-8. Prints a markdown table and writes JSON (--json). Skips a competitor that is not
importable. Run by bench/gpu_ensemble/run_on_device.sh; timings: best of --repeats after a warm-up (jit) call.
Usage: python3 race_gpu.py [--max-k 10] [--repeats 3] [--json FILE] [--budget SECONDS]"""
import argparse
import json
import time

ap = argparse.ArgumentParser()
ap.add_argument("--max-k", type=int, default=10)
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--json")
ap.add_argument("--budget", type=float, default=60.0, help="stop growing N for a tool once one call takes longer")
a = ap.parse_args()
sizes = [8 * 4 ** k for k in range(a.max_k + 1)]
rows = []


def best_time(fn, repeats):
    fn()  # warm-up (and compilation)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def race(tool, mode, make):
    for n in sizes:
        try:
            fn = make(n)
            t = best_time(fn, a.repeats)
        except Exception as e:  # out of memory, unsupported option: say so and stop this series
            rows.append({"tool": tool, "mode": mode, "N": n, "seconds": None, "error": f"{type(e).__name__}: {e}"[:200]})
            print(f"  {tool:12s} {mode:8s} N = {n:8d}  failed: {e}"[:200], flush=True)
            return
        rows.append({"tool": tool, "mode": mode, "N": n, "seconds": t})
        print(f"  {tool:12s} {mode:8s} N = {n:8d}  {t * 1e3:10.3f} ms", flush=True)
        if t > a.budget:
            return


try:
    import jax
    import jax.numpy as jnp
    import diffrax

    def lorenz_jax(t, u, rho):
        x, y, z = u[0], u[1], u[2]
        return jnp.stack([10.0 * (y - x), x * (rho - z) - y, x * y - (8.0 / 3.0) * z])

    def make_jax(mode):
        def make(n):
            rhos = jnp.linspace(0.0, 21.0, n, dtype=jnp.float32)
            u0 = jnp.array([1.0, 0.0, 0.0], dtype=jnp.float32)
            term = diffrax.ODETerm(lorenz_jax)
            if mode == "fixed":
                ctrl, dt0, steps = diffrax.ConstantStepSize(), 0.001, 1001
            else:
                ctrl, dt0, steps = diffrax.PIDController(rtol=1e-8, atol=1e-8), None, 100000

            def one(rho):
                return diffrax.diffeqsolve(term, diffrax.Tsit5(), 0.0, 1.0, dt0, u0, args=rho,
                                           stepsize_controller=ctrl, saveat=diffrax.SaveAt(t1=True),
                                           max_steps=steps).ys

            f = jax.jit(jax.vmap(one))
            return lambda: f(rhos).block_until_ready()
        return make

    print(f"JAX {jax.__version__} on {jax.devices()[0]}, diffrax {diffrax.__version__}", flush=True)
    race("JAX/diffrax", "fixed", make_jax("fixed"))
    race("JAX/diffrax", "adaptive", make_jax("adaptive"))
except ImportError as e:
    print(f"JAX/diffrax not available: {e}")

try:
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
                        out = torchdiffeq.odeint(f, y0, ts, method="dopri5", rtol=1e-8, atol=1e-8)
                torch.cuda.synchronize()
                return out
            return run
        return make

    if torch.cuda.is_available():
        print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}", flush=True)
        race("torchdiffeq", "fixed", make_torch("fixed"))
        race("torchdiffeq", "adaptive", make_torch("adaptive"))
    else:
        print("torch has no CUDA device here")
except ImportError as e:
    print(f"torchdiffeq not available: {e}")

if a.json:
    with open(a.json, "w") as fh:
        json.dump(rows, fh, indent=1)
