#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang++ (-fsanitize=fuzzer,address,undefined) and runs each
# for a bounded time over its seed corpus (docs/fuzzing.md).
# Usage: tests/fuzz/run_fuzzers.sh [--brief] [--dir DIR] [--seconds N] [--jobs N] [HARNESS...]
#   --brief      the ctest entry fuzz_brief: the harnesses side by side for 15 s with a fixed seed, new inputs to
#                a scratch folder wiped each time
#   --dir DIR    clang build in DIR/build, corpus grown in DIR/corpus/<harness>, crash files in DIR/crashes/<harness>/
#                (default: build-fuzz in the repository)
#   --seconds N  per harness (default 300; --brief: 15)
#   HARNESS      deserialize, bytecode, derivative (default: all)
# Exit status: 0 all clean, 1 a harness found a failure (its crash file named above), 77 clang++, cmake or
# libFuzzer missing (ctest: skipped).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
brief=0 dir="$here/../../build-fuzz" seconds="" jobs="${JOBS:-2}" harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --brief) brief=1 ;;
    --dir) dir="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    deserialize|bytecode|derivative) harnesses+=("$1") ;;
    *) echo "run_fuzzers.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#harnesses[@]} -eq 0 ] && harnesses=(deserialize bytecode derivative)
[ -z "$seconds" ] && { [ $brief -eq 1 ] && seconds=15 || seconds=300; }
cxx="${SCIML_FUZZ_CXX:-clang++}"
skip() { echo "run_fuzzers.sh: SKIPPED: $*"; exit 77; }
command -v "$cxx" >/dev/null 2>&1 || skip "no $cxx (Debian: clang libclang-rt-14-dev)"
command -v cmake >/dev/null 2>&1 || skip "no cmake"
mkdir -p "$dir" || exit 1
dir="$(cd "$dir" && pwd)"
probe="$dir/probe"
mkdir -p "$probe"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe/p.cpp"
"$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" >"$probe/log" 2>&1 ||
  skip "$cxx cannot link -fsanitize=fuzzer (Debian: libclang-rt-14-dev): $(head -c 300 "$probe/log")"

start=$(date +%s)
echo "run_fuzzers.sh: building ${harnesses[*]/#/fuzz_} with $cxx in $dir/build"
debug_flag=-g
[ $brief -eq 1 ] && debug_flag=-gline-tables-only
cmake -S "$here" -B "$dir/build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=None \
      -DSCIML_FUZZ_DEBUG_FLAG="$debug_flag" >"$dir/configure.log" 2>&1 ||
  { cat "$dir/configure.log"; echo "run_fuzzers.sh: configure failed"; exit 1; }
cmake --build "$dir/build" -j "$jobs" --target "${harnesses[@]/#/fuzz_}" >"$dir/build.log" 2>&1 ||
  { tail -50 "$dir/build.log"; echo "run_fuzzers.sh: build failed"; exit 1; }
echo "run_fuzzers.sh: built in $(( $(date +%s) - start )) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
run_one() {  # run_one HARNESS: fuzz it; the log in $dir/fuzz_HARNESS.log, the exit status its own
  local h="$1" seeds="$here/corpus/$1" work crashes
  if [ $brief -eq 1 ]; then work="$dir/scratch/$h"; rm -rf "$work"; else work="$dir/corpus/$h"; fi
  crashes="$dir/crashes/$h"
  mkdir -p "$work" "$crashes"
  local opts=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 -error_exitcode=1
              -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$crashes/")
  [ "$h" = deserialize ] && opts+=(-dict="$here/deserialize.dict")
  [ $brief -eq 1 ] && opts+=(-seed=1)  # the same mutations each time: ctest should not turn red by luck
  "$dir/build/fuzz_$h" "${opts[@]}" "$work" "$seeds" >"$dir/fuzz_$h.log" 2>&1
}
report() {  # report HARNESS STATUS
  local h="$1" rc="$2"
  echo "run_fuzzers.sh: fuzz_$h: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/fuzz_$h.log" | tail -1 | sed 's/^#\([0-9]*\).*cov: \([0-9]*\).*corp: \([0-9]*\).*exec\/s: \([0-9]*\).*/\1 runs, coverage \2, corpus \3, \4 runs\/s/')"
  if [ "$rc" -ne 0 ]; then
    tail -60 "$dir/fuzz_$h.log"
    echo "run_fuzzers.sh: fuzz_$h FAILED (exit $rc); crash files in $dir/crashes/$h/:"
    ls -1 "$dir/crashes/$h" | sed 's/^/  /'
    echo "  reproduce: $dir/build/fuzz_$h $dir/crashes/$h/<file>   (or the g++ replay: fuzz_replay_$h <file>)"
  fi
}
status=0
if [ $brief -eq 1 ]; then  # all at once: the time is the same however many cores there are
  echo "run_fuzzers.sh: ${harnesses[*]/#/fuzz_} for $seconds s, side by side"
  pids=()
  for h in "${harnesses[@]}"; do run_one "$h" & pids+=($!); done
  for k in "${!harnesses[@]}"; do
    wait "${pids[$k]}"; rc=$?
    report "${harnesses[$k]}" $rc
    [ $rc -ne 0 ] && status=1
  done
else
  for h in "${harnesses[@]}"; do
    echo "run_fuzzers.sh: fuzz_$h for $seconds s (corpus $dir/corpus/$h, seeds $here/corpus/$h)"
    run_one "$h"; rc=$?
    report "$h" $rc
    [ $rc -ne 0 ] && status=1
  done
fi
echo "run_fuzzers.sh: done in $(( $(date +%s) - start )) s"
exit $status
