#!/bin/sh
# Issue 6's GPU checks in one go, on a machine with a CUDA device (e.g. the `device` tool's):
# builds and runs the GPU tests (kernel vs the same body on the CPU), runs bench_gpu_ensemble and the
# JAX/diffrax + torchdiffeq race, and writes docs/benchmarks-gpu.md (plus CSV/JSON under OUT, default bench/results).
#   sh bench/gpu_ensemble/run_on_device.sh [OUT]
set -eu
OUT=${1:-bench/results}
ARCH=${SCIML_CUDA_ARCH:-90}
mkdir -p "$OUT"
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
FLAGS="-std=c++20 -O3 --expt-relaxed-constexpr -arch=sm_$ARCH -Iinclude"
$NVCC $FLAGS bench/gpu_ensemble/bench_gpu_ensemble.cu -o "$OUT/bench_gpu_ensemble"
if [ -f /usr/include/gtest/gtest.h ] || [ -f /usr/local/include/gtest/gtest.h ]; then
  $NVCC $FLAGS tests/gpu/test_gpu_kernel.cu -lgtest -lgtest_main -lpthread -o "$OUT/test_gpu_kernel"
  "$OUT/test_gpu_kernel"
else
  echo "gtest not found: GPU tests not built"
fi
rm -f "$OUT/gpu_kernel.csv"
"$OUT/bench_gpu_ensemble" --out "$OUT/gpu_kernel.md" --csv "$OUT/gpu_kernel.csv" --max-k "${MAX_K:-10}"
[ -f "$OUT/gpu_kernel.csv" ] || { echo "no CUDA device: nothing measured"; exit 0; }
python3 bench/gpu_ensemble/race_gpu.py --max-k "${MAX_K:-10}" --json "$OUT/gpu_race.json" || true
python3 bench/gpu_ensemble/report_gpu.py "$OUT/gpu_kernel.csv" "$OUT/gpu_race.json" "$OUT/gpu_kernel.md" > docs/benchmarks-gpu.md
cat docs/benchmarks-gpu.md
