#!/bin/sh
# One SHA-256 over the sources the prebuilt GPU binaries are compiled from (the library's headers, the GPU tests,
# the GPU benchmark), printed to stdout: prepare_device.sh stores it next to the binaries and run_on_device.sh
# compares it, so binaries older than the sources are rebuilt instead of run.
cd "$(dirname "$0")/../.." || exit 2
find include tests/gpu bench/gpu_ensemble -type f \( -name '*.hpp' -o -name '*.cuh' -o -name '*.cu' \) | LC_ALL=C sort |
  while read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -d' ' -f1
