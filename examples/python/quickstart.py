"""sciml from Python: a traced Lorenz system, a stiff problem, an event, and solve_ivp as a SciPy drop-in.
Run from the repository root after `make test` (or `make python`):
    PYTHONPATH=build/python /usr/bin/python3 examples/python/quickstart.py"""
import time

import numpy as np

import sciml


def lorenz(u, p, t):
    x, y, z = u
    s, r, b = p
    return [s * (y - x), x * (r - z) - y, x * y - b * z]


prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 100.0), [10.0, 28.0, 8 / 3])
print("traced:", prob.traced, "| native build:", sciml.jit(prob)["path"])
t0 = time.perf_counter()
sol = sciml.solve(prob, sciml.Tsit5(), reltol=1e-8, abstol=1e-8)
print(f"Lorenz: {sol.retcode}, {len(sol.t)} points in {1e3 * (time.perf_counter() - t0):.2f} ms, u(100) = {sol.u[-1]}")
print("dense output u(12.5) =", sol(12.5))


def rober(u, k, t):
    y1, y2, y3 = u
    return [-k[0] * y1 + k[1] * y2 * y3, k[0] * y1 - k[1] * y2 * y3 - k[2] * y2 ** 2, k[2] * y2 ** 2]


stiff = sciml.ODEProblem(rober, [1.0, 0.0, 0.0], (0.0, 1e5), [0.04, 1e4, 3e7])
s = sciml.solve(stiff, sciml.Rodas5P(), reltol=1e-8, abstol=1e-12)
print(f"ROBER with Rodas5P: {s.stats['naccept']} steps, {s.stats['njac']} Jacobians (symbolic), y(1e5) = {s.u[-1]}")
print("default algorithm:", sciml.solve(stiff, reltol=1e-6, abstol=1e-10).stats["nswitch"], "switch(es) to stiff")


def fall(u, p, t):
    return [u[1], -9.81]


def bounce(integ):
    integ.u[1] = -0.8 * integ.u[1]


ball = sciml.solve(sciml.ODEProblem(fall, [10.0, 0.0], (0.0, 6.0)), sciml.Tsit5(),
                   callback=sciml.ContinuousCallback(lambda u, t, integ: u[0], None, bounce), reltol=1e-9)
print("bounces at t =", np.round(ball.t[np.diff(ball.t, append=np.inf) == 0], 6))

res = sciml.solve_ivp(lambda t, y, a: -a * y, (0, 10), [2.0, 4.0], method="DOP853", args=(0.5,), rtol=1e-10,
                      atol=1e-12, t_eval=[0, 5, 10])
print("solve_ivp:", res.message, res.y[:, -1], "exact", np.array([2.0, 4.0]) * np.exp(-5.0))
