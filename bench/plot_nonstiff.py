#!/usr/bin/env python3
"""Work-precision plots of the non-stiff benchmark: one PNG per problem from bench/results/<problem>.csv.

Usage: /usr/bin/python3 bench/plot_nonstiff.py [RESULTS_DIR] [IMG_DIR]   (defaults bench/results, docs/img)
Run by `make bench` after bench_nonstiff has written the CSV files.
"""
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TITLES = {
    "lorenz": "Lorenz, t in [0, 100], tol 1e-8 (timing only)",
    "arenstorf": "Arenstorf orbit, t in [0, 2T]",
    "pleiades": "Pleiades (28 states), t in [0, 3]",
    "linear": "u' = 1.01 u, 10000 states, t in [0, 10]",
}


def load(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f)]


def label(r):
    return r["method"] if r["library"] == "sciml.cpp" else f'{r["library"]} {r["method"]}'


def plot_problem(key, rows, img_dir):
    fig, ax = plt.subplots(figsize=(10, 5.5))
    has_error = any(r["error"] not in ("nan", "") and math.isfinite(float(r["error"])) for r in rows)
    if not has_error:
        rows = sorted((r for r in rows if r["ok"] == "1"), key=lambda r: float(r["time_s"]))
        names = [label(r) for r in rows]
        times = [float(r["time_s"]) * 1e3 for r in rows]
        colors = ["tab:blue" if r["library"] == "sciml.cpp" else "tab:gray" for r in rows]
        ax.barh(names, times, color=colors)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("time per solve [ms], log scale (blue: sciml.cpp)")
    else:
        curves = {}
        for r in rows:
            if r["ok"] != "1":
                continue
            e = float(r["error"])
            if not (e > 0 and math.isfinite(e)):
                continue
            curves.setdefault((r["library"], label(r)), []).append((float(r["tol"]), e, float(r["time_s"])))
        ours = sorted(k for k in curves if k[0] == "sciml.cpp")
        theirs = sorted(k for k in curves if k[0] != "sciml.cpp")
        cmap = plt.get_cmap("tab10")
        markers = "os^vD<>ph*"
        for i, k in enumerate(ours):
            pts = sorted(curves[k], reverse=True)
            ax.loglog([p[1] for p in pts], [p[2] for p in pts], "-", marker=markers[i % len(markers)],
                      color=cmap(i % 10), lw=2, ms=5, label=k[1])
        for i, k in enumerate(theirs):
            pts = sorted(curves[k], reverse=True)
            ax.loglog([p[1] for p in pts], [p[2] for p in pts], "--", marker=markers[i % len(markers)],
                      color=plt.get_cmap("Dark2")(i % 8), lw=1.2, ms=5, mfc="none", label=k[1])
        ax.set_xlabel("relative error at tf")
        ax.set_ylabel("time per solve [s]")
        ax.invert_xaxis()
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="solid: sciml.cpp\ndashed: competitors",
                  title_fontsize=8)
    ax.set_title(TITLES.get(key, key))
    fig.tight_layout()
    out = os.path.join(img_dir, f"wp_{key}.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f"wrote {out}")


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    img_dir = sys.argv[2] if len(sys.argv) > 2 else "docs/img"
    os.makedirs(img_dir, exist_ok=True)
    for name in sorted(os.listdir(results)):
        if not name.endswith(".csv") or name == "overhead.csv":
            continue
        rows = load(os.path.join(results, name))
        if rows:
            plot_problem(name[:-4], rows, img_dir)


if __name__ == "__main__":
    main()
