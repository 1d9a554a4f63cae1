#!/bin/sh
# Run HERE (no GPU needed) before the device call: fills build-device/ (git-ignored; travels with `carry`) with
#   test_gpu_kernel, bench_gpu_ensemble  built by nvcc for sm_${SCIML_CUDA_ARCH:-90}, googletest linked statically
#                                        (run_on_device.sh rebuilds them there if they do not start);
#   deps/include/eigen3, deps/share/eigen3/cmake  a copy of Eigen for the Python package's build there (the device
#                                        has none); its Config file finds the headers relative to itself, so
#                                        -DEigen3_DIR=build-device/deps/share/eigen3/cmake is all CMake needs.
# Then: device run `sh bench/gpu_ensemble/run_on_device.sh`, carry build-device (docs/gpu.md).
#   sh bench/gpu_ensemble/prepare_device.sh
set -eu
cd "$(dirname "$0")/../.."
D=build-device
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
ARCH=${SCIML_CUDA_ARCH:-90}
EIGEN_INC=${EIGEN_INC:-/usr/include/eigen3}
EIGEN_CMAKE=${EIGEN_CMAKE:-/usr/share/eigen3/cmake}
LIBDIR=/usr/lib/x86_64-linux-gnu
FLAGS="-std=c++20 -O3 --expt-relaxed-constexpr -arch=sm_$ARCH -Iinclude"
mkdir -p "$D"

if [ -f "$LIBDIR/libgtest.a" ] && [ -f "$LIBDIR/libgtest_main.a" ]; then
  GTEST="$LIBDIR/libgtest_main.a $LIBDIR/libgtest.a -lpthread"
else
  GTEST="-DSCIML_MINI_GTEST"  # tests/gpu/mini_gtest.hpp
fi
echo "building $D/test_gpu_kernel and $D/bench_gpu_ensemble with $NVCC (sm_$ARCH)"
# shellcheck disable=SC2086
$NVCC $FLAGS tests/gpu/test_gpu_kernel.cu $GTEST -o "$D/test_gpu_kernel"
# shellcheck disable=SC2086
$NVCC $FLAGS bench/gpu_ensemble/bench_gpu_ensemble.cu -o "$D/bench_gpu_ensemble"
# what they were built from: run_on_device.sh rebuilds them there when the sources have changed since
sh bench/gpu_ensemble/sources_digest.sh >"$D/sources.sha256"

echo "copying Eigen ($EIGEN_INC, $EIGEN_CMAKE) to $D/deps"
rm -rf "$D/deps"
mkdir -p "$D/deps/include" "$D/deps/share/eigen3"
cp -r "$EIGEN_INC" "$D/deps/include/eigen3"
cp -r "$EIGEN_CMAKE" "$D/deps/share/eigen3/cmake"
# The Config file must locate the headers from its own place (prefix = cmake/../../..), not from /usr.
if grep -q '/usr/include/eigen3' "$D"/deps/share/eigen3/cmake/*.cmake; then
  sed -i "s|/usr/include/eigen3|\${CMAKE_CURRENT_LIST_DIR}/../../../include/eigen3|g" "$D"/deps/share/eigen3/cmake/*.cmake
fi

# what travels: build-device as a whole must stay well under the device tool's 64 MiB
KB=$(du -sk "$D" | cut -f1)
echo "$D: ${KB} KiB"
du -sk "$D"/* | sed 's/^/  /'
if [ "$KB" -gt 40000 ]; then
  echo "$D is over 40 MiB: remove stray files (e.g. an old Python build) before carrying it" >&2
  exit 1
fi
