"""Merge bench_gpu_ensemble's CSV and race_gpu.py's JSON into docs/benchmarks-gpu.md (printed to stdout):
sciml.cpp EnsembleGPUKernel against JAX/diffrax and PyTorch/torchdiffeq per mode and N, with the speed-up
(their time / ours, ours with transfers), then bench_gpu_ensemble's own table (FLOP/s against the FP32 peak).
Usage: report_gpu.py KERNEL.csv RACE.json KERNEL.md"""
import csv
import json
import os
import sys

kcsv, rjson, kmd = sys.argv[1:4]
ours = {(r["mode"], int(r["N"])): r for r in csv.DictReader(open(kcsv))}
race = json.load(open(rjson)) if os.path.exists(rjson) else []
theirs = {}
for r in race:
    theirs[(r["tool"], r["mode"], int(r["N"]))] = r.get("seconds")
tools = sorted({r["tool"] for r in race})


def ms(s):
    return "–" if s is None else f"{float(s) * 1e3:.3f} ms"


print("# GPU ensembles: sciml.cpp against JAX/diffrax and PyTorch/torchdiffeq on one device\n")
print("The DiffEqGPU paper's set-up (Lorenz, rho in [0, 21], float32, end points only), all tools on the same device "
      "in one run (`bench/gpu_ensemble/run_on_device.sh`). Speed-up = their time / our time with transfers. "
      "Published (V100, DiffEqGPU.jl paper): 8,388,608 trajectories, 1000 fixed Tsit5 steps: DiffEqGPU 145.3 ms, "
      "JAX/diffrax 10,038 ms, torchdiffeq 14,353 ms; adaptive 1e-8: DiffEqGPU 69.5 ms, JAX 2,611 ms.\n")
head = "| mode | N | sciml.cpp kernel | sciml.cpp with transfers | " + " | ".join(f"{t} | speed-up vs {t}" for t in tools) + " |"
print(head)
print("|" + "---|" * (4 + 2 * len(tools)))
for (mode, n), r in sorted(ours.items(), key=lambda x: (x[0][0], x[0][1])):
    cells = [mode, str(n), ms(r["kernel_s"]), ms(r["total_s"])]
    for t in tools:
        s = theirs.get((t, mode, n))
        cells += [ms(s), "–" if s is None else f"{s / float(r['total_s']):.1f}x"]
    print("| " + " | ".join(cells) + " |")
print()
print(open(kmd).read().split("\n", 1)[1] if os.path.exists(kmd) else "")
