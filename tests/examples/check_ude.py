"""Runs examples/ude_lotka_volterra with the default seed and checks its result line: SINDy on the trained
network finds exactly the x*y terms of the interaction (-0.9 x*y in dx, +0.8 x*y in dy) within 10%, and the
recovered model extrapolates to t = 50 better than a pure neural ODE. Usage: check_ude.py <binary> <outdir>"""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "--quiet", "--out", sys.argv[2]], capture_output=True, text=True, timeout=600)
assert out.returncode == 0, out.stderr
res = json.loads(out.stdout.strip().splitlines()[-1])
rec = res["recovered"]
assert set(rec["dx"]) == {"x*y"} and set(rec["dy"]) == {"x*y"}, rec
assert abs(rec["dx"]["x*y"] + 0.9) < 0.09 and abs(rec["dy"]["x*y"] - 0.8) < 0.08, rec
err = res["extrapolation_error"]
assert err["recovered"] is not None and (err["neural_ode"] is None or err["recovered"] < err["neural_ode"]), err
assert res["train_seconds"] < 60, res
print("UDE pipeline:", json.dumps(res))
