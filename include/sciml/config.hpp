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

#define SCIML_VERSION_MAJOR 0
#define SCIML_VERSION_MINOR 1
#define SCIML_VERSION_PATCH 0
