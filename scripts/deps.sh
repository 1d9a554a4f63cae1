#!/usr/bin/env bash
# Install the Debian packages a target needs, skipping those already present (idempotent).
# Usage: scripts/deps.sh core|bench
set -euo pipefail
case "${1:-core}" in
  core)  pkgs=(g++ make cmake libgtest-dev libgmock-dev libeigen3-dev libsuitesparse-dev python3 python3-mpmath
               python3-dev pybind11-dev python3-numpy python3-scipy python3-matplotlib python3-pytest
               python3-hypothesis  # tests/python/test_properties.py (property-based tests)
               libopenmpi-dev openmpi-bin  # MPI: EnsembleDistributed and its test (optional in CMake)
               clang libclang-rt-14-dev) ;;  # libFuzzer (libclang_rt.fuzzer-x86_64.a): make fuzz, ctest fuzz_brief
  bench) pkgs=(g++ make cmake libboost-dev libgsl-dev libsundials-dev libeigen3-dev python3-matplotlib python3-scipy
               python3-numba python3-dev pybind11-dev python3-torch) ;;
  *) echo "deps.sh: unknown set '$1' (use core or bench)" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
