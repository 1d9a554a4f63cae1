// sciml.cpp configuration: the device macro every step-reachable function carries, inlining hints and
// the library version. Everything reachable from a step is SCIML_HD: allocation-, exception- and iostream-free.
#pragma once

#if defined(__CUDACC__) || defined(__HIPCC__)
#define SCIML_HD __host__ __device__
#define SCIML_ON_DEVICE 1
#else
#define SCIML_HD
#define SCIML_ON_DEVICE 0
#endif

#if defined(_MSC_VER)
#define SCIML_INLINE __forceinline
#else
#define SCIML_INLINE inline __attribute__((always_inline))
#endif

// Inline everything a function calls (the user's right-hand side into a method's stages): GCC otherwise keeps
// some right-hand sides out of line in the unrolled step (measured: 1.6x slower on the Arenstorf orbit).
#if defined(__GNUC__) && !defined(__CUDA_ARCH__)
#define SCIML_FLATTEN __attribute__((flatten))
#else
#define SCIML_FLATTEN
#endif

// Fully unroll the next loop on a device (constant trip count): indices become constants, so small fixed-size
// arrays stay in registers instead of local memory. Host compilers unroll by their own measure.
#if defined(__CUDA_ARCH__)
#define SCIML_UNROLL _Pragma("unroll")
#else
#define SCIML_UNROLL
#endif

#define SCIML_VERSION_MAJOR 0
#define SCIML_VERSION_MINOR 1
#define SCIML_VERSION_PATCH 0
