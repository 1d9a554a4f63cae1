"""Regression (issue 14): Ctrl-C did not stop a compiled solve or an EnsembleThreads run (the GIL is released
and signals were never checked). A C SIGINT handler sets the flag every step reads; the solve stops and
KeyboardInterrupt is raised within 0.2 s."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    import sciml
    def lorenz(u, p, t):
        return [10.0 * (u[1] - u[0]), u[0] * (28.0 - u[2]) - u[1], u[0] * u[1] - 8 / 3 * u[2]]
    prob = sciml.ODEProblem(lorenz, [1.0, 0.0, 0.0], (0.0, 1e9))
    kind = sys.argv[1]
    print("ready", flush=True)
    try:
        if kind == "solve":
            sciml.solve(prob, sciml.Vern9(), jit="bytecode", reltol=1e-12, abstol=1e-12, maxiters=2**62,
                        save_everystep=False)
        else:
            sciml.solve(sciml.EnsembleProblem(prob.remake(tspan=(0.0, 1e4))), sciml.Vern9(), sciml.EnsembleThreads(2),
                        trajectories=100000, jit="bytecode", reltol=1e-12, abstol=1e-12, maxiters=2**62,
                        save_everystep=False)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted %.6f" % time.monotonic(), flush=True)
""")


def _interrupt_latency(kind):
    """Start a long solve in a child process, send SIGINT, return the seconds until KeyboardInterrupt."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, kind], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)  # well into the solve
    assert proc.poll() is None, "the solve ended before the signal: make it longer"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the solve did not stop on SIGINT")
    lines = out.strip().splitlines()
    assert lines and lines[-1].startswith("interrupted"), (out, err[-2000:])
    return float(lines[-1].split()[1]) - sent


@pytest.mark.parametrize("kind", ["solve", "ensemble"])
def test_sigint_stops_a_compiled_solve(kind):
    # the stop itself must always happen; the 0.2 s bound is checked on the best of three tries, so that a
    # busy machine (ctest runs tests side by side) does not fail it by scheduling alone
    latencies = []
    for _ in range(3):
        latencies.append(_interrupt_latency(kind))
        if latencies[-1] < 0.2:
            break
    assert min(latencies) < 0.2, f"KeyboardInterrupt came {min(latencies):.3f} s after SIGINT at best"


def test_sigint_handler_is_restored_after_a_solve():
    import sciml
    before = signal.getsignal(signal.SIGINT)
    prob = sciml.ODEProblem(lambda u, p, t: [-u[0]], [1.0], (0.0, 1.0))
    sciml.solve(prob, sciml.Tsit5())
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)
