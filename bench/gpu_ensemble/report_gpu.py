"""Merge bench_gpu_ensemble's CSV and race_gpu.py's JSON into docs/benchmarks-gpu.md (printed to stdout):
sciml.cpp EnsembleGPUKernel against JAX/diffrax and PyTorch/torchdiffeq per mode and N, with the speed-up
(their time / ours, ours with transfers), then bench_gpu_ensemble's own table (FLOP/s against the FP32 peak).
A race entry without seconds shows as "skipped" (race_gpu.py's time budget) or "failed" (its error is listed
under the table). Any of the three files may be missing. Usage: report_gpu.py KERNEL.csv RACE.json KERNEL.md"""
import csv
import json
import os
import sys

kcsv, rjson, kmd = sys.argv[1:4]
ours = {(r["mode"], int(r["N"])): r for r in csv.DictReader(open(kcsv))} if os.path.exists(kcsv) else {}
race = json.load(open(rjson)) if os.path.exists(rjson) else []
theirs = {(r["tool"], r["mode"], int(r["N"])): r for r in race}
tools = sorted({r["tool"] for r in race})
errors = [r for r in race if r.get("seconds") is None and not str(r.get("error", "")).startswith("skipped")]


def ms(s):
    return "–" if s is None else f"{float(s) * 1e3:.3f} ms"


def their_cells(r, our_total):
    if r is None:
        return ["–", "–"]
    if r.get("seconds") is None:
        return ["skipped" if str(r.get("error", "")).startswith("skipped") else "failed", "–"]
    s = float(r["seconds"])
    return [ms(s), "–" if our_total is None else f"{s / our_total:.1f}x"]


print("# GPU ensembles: sciml.cpp against JAX/diffrax and PyTorch/torchdiffeq on one device\n")
print("The DiffEqGPU paper's set-up (Lorenz, rho in [0, 21], float32, end points only), all tools on the same device "
      "in one run (`bench/gpu_ensemble/run_on_device.sh`). Speed-up = their time / our time with transfers. "
      "Published (V100, DiffEqGPU.jl paper): 8,388,608 trajectories, 1000 fixed Tsit5 steps: DiffEqGPU 145.3 ms, "
      "JAX/diffrax 10,038 ms, torchdiffeq 14,353 ms; adaptive 1e-8: DiffEqGPU 69.5 ms, JAX 2,611 ms.\n")
head = "| " + " | ".join(["mode", "N", "sciml.cpp kernel", "sciml.cpp with transfers"] +
                       [f"{t} | speed-up vs {t}" for t in tools]) + " |"
print(head)
print("|" + "---|" * (4 + 2 * len(tools)))
for mode, n in sorted(set(ours) | {(m, n) for _, m, n in theirs}):
    r = ours.get((mode, n))
    cells = [mode, str(n)] + ([ms(r["kernel_s"]), ms(r["total_s"])] if r else ["–", "–"])
    for t in tools:
        cells += their_cells(theirs.get((t, mode, n)), float(r["total_s"]) if r else None)
    print("| " + " | ".join(cells) + " |")
print()

# issue 6's targets, read off the rows above
def largest_common(tool, mode):
    ns = [n for (m, n) in ours if m == mode and (theirs.get((tool, mode, n)) or {}).get("seconds") is not None]
    return max(ns) if ns else None


targets = []
for t in tools:
    for mode in ("fixed", "adaptive"):
        n = largest_common(t, mode)
        if n is None:
            targets.append((f"at least 20x faster than {t} at large N ({mode})", "not measured", "–"))
            continue
        x = float(theirs[(t, mode, n)]["seconds"]) / float(ours[(mode, n)]["total_s"])
        large = n >= 524288  # 8 * 4^8: a race cut short at small N says little about large N
        targets.append((f"at least 20x faster than {t} at large N ({mode})",
                        f"{x:.1f}x at N = {n}" + ("" if large else " (the largest N both ran)"),
                        ("yes" if x >= 20 else "no") if large else "–"))
fixed = [r for (m, _), r in ours.items() if m == "fixed"]
if fixed:
    best = max(fixed, key=lambda r: float(r["gflops"]) / float(r["peak_gflops"]))
    pct = 100 * float(best["gflops"]) / float(best["peak_gflops"])
    targets.append(("at least 70% of FP32 peak, fixed step", f"{pct:.1f}% at N = {best['N']}", "yes" if pct >= 70 else "no"))
small = [r for (m, n), r in ours.items() if n <= 8192]
if small:
    worst = max(small, key=lambda r: float(r["total_s"]))
    lat = float(worst["total_s"]) * 1e3
    targets.append(("small ensembles (N <= 8192) in at most 0.2 ms, transfers included",
                    f"at most {lat:.3f} ms ({worst['mode']}, N = {worst['N']})", "yes" if lat <= 0.2 else "no"))
if targets:
    print("Targets (issue 6):\n\n| target | measured | met |\n|---|---|---|")
    for row in targets:
        print("| " + " | ".join(row) + " |")
    print()
if errors:
    print("Failed runs (a failure ends that tool's series for the mode):\n")
    for r in errors:
        print(f"- {r['tool']} {r['mode']}, N = {r['N']}: `{r.get('error', '')}`")
    print()
if os.path.exists(kmd):
    print(open(kmd).read().split("\n", 1)[1])
elif ours:  # the bench was cut short before its markdown: its rows from the CSV
    print("bench_gpu_ensemble's rows (it stopped before writing its own table): FLOP/s = N x steps x 195 / kernel time\n")
    print("| mode | N | kernel | with transfers | steps | GFLOP/s | % of FP32 peak | failed | EnsembleGPUArray |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (mode, n), r in sorted(ours.items()):
        print(f"| {mode} | {n} | {ms(r['kernel_s'])} | {ms(r['total_s'])} | {float(r['steps']):.1f} | "
              f"{float(r['gflops']):.0f} | {100 * float(r['gflops']) / float(r['peak_gflops']):.1f}% | {r['failures']} | "
              f"{ms(r['array_s'])} |")
