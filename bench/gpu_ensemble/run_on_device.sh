#!/bin/sh
# Issue 6's GPU checks in one command on a machine with a CUDA device (the `device` tool's; docs/gpu.md):
#   1. tests/gpu/test_gpu_kernel (the kernels against the same bodies on the CPU)         limit 120 s
#   2. bench_gpu_ensemble, EnsembleGPUKernel on the DiffEqGPU Lorenz sweep (MAX_K=10)     limit 180 s
#      then, where ncu exists, a profile of the fixed-step kernel at N = 524,288 (ncu_fixed.txt)  limit 90 s
#   3. race_gpu.py: JAX/diffrax and torchdiffeq on the same sweep (--deadline RACE_DEADLINE=150)
#   4. report_gpu.py: the merged report, $OUT/benchmarks-gpu.md (to be copied to docs/benchmarks-gpu.md)
#   5. the Python package built for this python3 (cmake, Eigen from build-device/deps; the build runs niced in
#      the background from the start, on all but 4 cores) and the GPU tests of tests/python/test_ensemble.py
#      (-k "gpu or nvcc")                                                                  limit 240 s
# Binaries come from build-device/ (bench/gpu_ensemble/prepare_device.sh, run beforehand where they were
# built); where they are absent or do not start, they are rebuilt here with nvcc. Each step's limit is also cut
# to what is left of BUDGET (480 s) for the whole script. A failing step does not stop the later ones; the exit
# status is 1 when any failed. Written to $OUT (default bench/results; nothing else comes back from the device):
#   log.txt  gpu_kernel.csv  gpu_kernel.md  gpu_race.json  benchmarks-gpu.md  pytest_gpu.log  ncu_fixed.txt
# Knobs (environment): OUT, BUDGET, MAX_K, REPEATS, BENCH_LIMIT, RACE_DEADLINE, SKIP_PY=1 (no step 5),
# PY_CONFIGURE_ONLY=1 (step 5 stops after cmake's configure), PYTHON, NVCC, SCIML_CUDA_ARCH (90), DEVICE_BUILD
# (build-device), PYBUILD (the Python build directory, /tmp/sciml-py-build), JOBS (16).
#   sh bench/gpu_ensemble/run_on_device.sh
set -u
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$SELF")/../.." || exit 2
ROOT=$(pwd)
OUT=${OUT:-bench/results}
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
export OUT ROOT
export B="${DEVICE_BUILD:-$ROOT/build-device}"
export ARCH="${SCIML_CUDA_ARCH:-90}"
export MAX_K="${MAX_K:-10}" REPEATS="${REPEATS:-5}"
export PATH="$PATH:/usr/local/cuda/bin"
export NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
export PYTHON="${PYTHON:-$(command -v python3)}"
export PYBUILD="${PYBUILD:-/tmp/sciml-py-build}"
export JOBS="${JOBS:-16}"
export PYTHONUNBUFFERED=1
export FLAGS="-std=c++20 -O3 --expt-relaxed-constexpr -arch=sm_$ARCH -Iinclude"

# ---- the steps, each run as `sh run_on_device.sh __step NAME` under timeout ----
step_build() {  # the prebuilt binaries when they start here, else nvcc (googletest or not: tests/gpu/mini_gtest.hpp)
  mkdir -p "$B"
  rc=0
  if [ "$(cat "$B/sources.sha256" 2>/dev/null)" != "$(sh bench/gpu_ensemble/sources_digest.sh)" ]; then
    echo "the prebuilt binaries are older than the sources (or have no digest): rebuilding them here"
    rm -f "$B/test_gpu_kernel" "$B/bench_gpu_ensemble"
  fi
  chmod +x "$B/test_gpu_kernel" "$B/bench_gpu_ensemble" 2>/dev/null
  if timeout 60 "$B/test_gpu_kernel" --gtest_list_tests >/dev/null 2>&1; then
    echo "test_gpu_kernel: the prebuilt binary starts"
  else
    echo "test_gpu_kernel: absent or does not start here; building it with $NVCC"
    $NVCC $FLAGS -DSCIML_MINI_GTEST tests/gpu/test_gpu_kernel.cu -o "$B/test_gpu_kernel" || rc=1
  fi
  if timeout 60 "$B/bench_gpu_ensemble" --max-k -1 >/dev/null 2>&1; then
    echo "bench_gpu_ensemble: the prebuilt binary starts"
  else
    echo "bench_gpu_ensemble: absent or does not start here; building it with $NVCC"
    $NVCC $FLAGS bench/gpu_ensemble/bench_gpu_ensemble.cu -o "$B/bench_gpu_ensemble" || rc=1
  fi
  return $rc
}

step_tests() {
  "$B/test_gpu_kernel"
}

step_bench() {
  rm -f "$OUT/gpu_kernel.csv" "$OUT/gpu_kernel.md"
  "$B/bench_gpu_ensemble" --out "$OUT/gpu_kernel.md" --csv "$OUT/gpu_kernel.csv" --max-k "${BENCH_K:-$MAX_K}" \
    --repeats "${BENCH_REPEATS:-$REPEATS}"
}

step_profile() {  # Nsight Compute on the fixed-step kernel alone (N = 8 * 4^8): instruction mix, occupancy, throughput
  if ! command -v ncu >/dev/null 2>&1; then
    echo "ncu not found: no profile"
    return 0
  fi
  ncu --clock-control none --kernel-name regex:ensemble_kernel --launch-count 1 --section SpeedOfLight \
    --section ComputeWorkloadAnalysis --section InstructionStats --section Occupancy --section LaunchStats \
    --section WarpStateStats "$B/bench_gpu_ensemble" --modes fixed --min-k 8 --max-k 8 --repeats 0 --no-array \
    >"$OUT/ncu_fixed.txt" 2>&1
  rc=$?
  tail -n 60 "$OUT/ncu_fixed.txt"
  return $rc
}

step_race() {
  "$PYTHON" bench/gpu_ensemble/race_gpu.py --max-k "$MAX_K" --json "$OUT/gpu_race.json" --deadline "$RACE_DL"
}

step_report() {
  if [ ! -f "$OUT/gpu_kernel.csv" ] && ! grep -q '"N"' "$OUT/gpu_race.json" 2>/dev/null; then
    echo "nothing measured (no CUDA device?): no report written"
    return 0
  fi
  "$PYTHON" bench/gpu_ensemble/report_gpu.py "$OUT/gpu_kernel.csv" "$OUT/gpu_race.json" "$OUT/gpu_kernel.md" \
    >"$OUT/benchmarks-gpu.md" && cat "$OUT/benchmarks-gpu.md"
}

step_pybuild() {  # started in the background at the beginning (nice, JOBS-4 cores): configure and build
  inc=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  [ -f "$inc/Python.h" ] || echo "warning: $inc/Python.h is missing (no Python headers): the extension cannot be built"
  pb=$("$PYTHON" -m pybind11 --cmakedir 2>/dev/null) || pb=""
  echo "python: $PYTHON ($("$PYTHON" --version 2>&1)), headers $inc, pybind11 ${pb:-(not importable)}"
  gen=""
  command -v ninja >/dev/null 2>&1 && gen="-GNinja"
  eig="" cu=""
  [ -x "$NVCC" ] && cu="-DCMAKE_CUDA_COMPILER=$NVCC"
  [ -f "$B/deps/share/eigen3/cmake/Eigen3Config.cmake" ] && eig="-DEigen3_DIR=$B/deps/share/eigen3/cmake"
  configure() {  # $1: extra option
    rm -rf "$PYBUILD"
    cmake -S . -B "$PYBUILD" $gen -DCMAKE_BUILD_TYPE=Release -DSCIML_BUILD_TESTS=OFF -DSCIML_BUILD_EXAMPLES=OFF \
      -DSCIML_BUILD_PYTHON=ON -DSCIML_WITH_MPI=OFF -DPython_EXECUTABLE="$PYTHON" ${pb:+"-Dpybind11_DIR=$pb"} \
      ${eig:+"$eig"} ${cu:+"$cu"} -DSCIML_CUDA_ARCHITECTURES="$ARCH" -DCMAKE_CUDA_ARCHITECTURES="$ARCH" \
      -DCMAKE_POLICY_VERSION_MINIMUM=3.5 -DCMAKE_EXPORT_COMPILE_COMMANDS=ON $1
  }
  configure "" || { echo "configure failed; again without CUDA (the package then finds nvcc itself)"; configure -DSCIML_WITH_CUDA=OFF; } ||
    return 1
  grep -E '^(Eigen3_DIR|pybind11_DIR|Python_EXECUTABLE|CMAKE_CUDA_COMPILER):' "$PYBUILD/CMakeCache.txt"
  [ -n "${PY_CONFIGURE_ONLY:-}" ] && return 0
  cmake --build "$PYBUILD" --target sciml_python -j "$((JOBS > 6 ? JOBS - 4 : 2))"
}

step_python() {  # waits for the background build (its log's tail goes to the log), then the GPU tests of Python
  while [ ! -f "$PYRC" ]; do sleep 2; done
  echo "python build (started in the background at the beginning; exit $(cat "$PYRC")):"
  tail -n 25 "$PYLOG"
  [ "$(cat "$PYRC")" = 0 ] || return 1
  [ -n "${PY_CONFIGURE_ONLY:-}" ] && return 0
  echo "pytest: output in $OUT/pytest_gpu.log"
  SCIML_NVCC="$NVCC" PYTHONPATH="$PYBUILD/python" "$PYTHON" -m pytest -p no:cacheprovider -x -q -rs \
    tests/python/test_ensemble.py -k "gpu or nvcc" >"$OUT/pytest_gpu.log" 2>&1
  rc=$?
  tail -n 15 "$OUT/pytest_gpu.log"
  return $rc
}

if [ "${1:-}" = __step ]; then
  "step_$2"
  exit $?
fi

# ---- the driver ----
mkdir -p "$OUT" || exit 2
LOG=$OUT/log.txt
: >"$LOG"
BUDGET=${BUDGET:-480}
START=$(date +%s)
FAILED=""
RCF=$(mktemp)
elapsed() { echo $(($(date +%s) - START)); }
log() { echo "[$(elapsed) s] $*" | tee -a "$LOG"; }
step() {  # NAME LIMIT: the step under timeout, its output to stdout and the log, its exit status and time logged
  name=$1
  left=$((BUDGET - $(elapsed)))
  lim=$2
  [ "$lim" -gt "$left" ] && lim=$left
  if [ "$left" -lt 15 ]; then
    log "== $name: not run, ${left} s of the ${BUDGET} s budget left"
    FAILED="$FAILED $name"
    return 1
  fi
  log "== $name (limit $lim s)"
  t0=$(date +%s)
  { timeout -k 10 "$lim" sh "$SELF" __step "$name" 2>&1; echo $? >"$RCF"; } | tee -a "$LOG"
  rc=$(cat "$RCF")
  what="exit $rc"
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && what="timed out (exit $rc)"
  log "== $name: $what after $(($(date +%s) - t0)) s"
  [ "$rc" = 0 ] || FAILED="$FAILED $name"
  return "$rc"
}

log "run_on_device.sh in $ROOT, results in $OUT, budget $BUDGET s"
# the Python package builds on the CPU while the GPU steps run (niced, leaving cores to the benchmarks' host side)
export PYLOG=/tmp/sciml-pybuild.log PYRC=/tmp/sciml-pybuild.rc
rm -f "$PYRC"
if [ -z "${SKIP_PY:-}" ]; then
  (nice -n 15 timeout -k 10 "$BUDGET" sh "$SELF" __step pybuild >"$PYLOG" 2>&1; echo $? >"$PYRC") &
  log "python: the package's build started in the background (log: $PYLOG, its tail goes here at the end)"
fi
{
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?') $(git status --porcelain 2>/dev/null | wc -l) changed files"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  else
    echo "nvidia-smi: not found"
  fi
  echo "nvcc: $("$NVCC" --version 2>&1 | tail -n 1)"
  echo "python3: $PYTHON $("$PYTHON" --version 2>&1)"
} 2>&1 | tee -a "$LOG"

step build 240
step tests 120
step bench "${BENCH_LIMIT:-180}"
rc=$?
rows=$( (wc -l <"$OUT/gpu_kernel.csv") 2>/dev/null || echo 0)
if { [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && [ "$rows" -lt 2 ] && [ "$MAX_K" -gt 1 ]; then  # nothing measured: smaller
  export BENCH_K=$((MAX_K > 8 ? 8 : MAX_K - 1)) BENCH_REPEATS=3
  log "bench: the sweep to MAX_K=$MAX_K timed out before its first row; again to $BENCH_K, 3 repeats"
  step bench 90
fi
step profile 90
# the race takes what is left, keeping 150 s for the Python step (and 45 s for its own start and last call)
RACE_DL=${RACE_DEADLINE:-150}
left=$((BUDGET - $(elapsed) - 150 - 45))
[ "$RACE_DL" -gt "$left" ] && RACE_DL=$left
[ "$RACE_DL" -lt 30 ] && RACE_DL=30
export RACE_DL
step race $((RACE_DL + 45))
step report 30
if [ -n "${SKIP_PY:-}" ]; then
  log "== python: skipped (SKIP_PY is set)"
else
  step python 240
fi
rm -f "$RCF"
if [ -n "$FAILED" ]; then
  log "done; failed or cut short:$FAILED"
  exit 1
fi
log "done; every step passed"
