// SmallLU<T, N>: LU factorisation with partial pivoting of a fixed-size N x N matrix, in registers, device-safe
// and allocation-free (the linear solver of implicit methods on SVector states; T may be std::complex). A zero or non-finite pivot
// marks the matrix singular instead of dividing by it: the caller turns that into a ReturnCode.
#pragma once
#include <cmath>
#include <cstddef>
#include "../config.hpp"
#include "../core/smatrix.hpp"
#include "../core/state.hpp"
#include "../core/svector.hpp"

namespace sciml {

template <class T, std::size_t N>
struct SmallLU {
  SMatrix<T, N, N> lu;  // L (unit diagonal, below) and U (on and above the diagonal)
  int piv[N];           // step k swapped rows k and piv[k] >= k (LAPACK's ipiv): the device's solve
  int perm[N];          // row i of the factorisation is row perm[i] of A: the host's solve
  bool singular = true;

  // Factorise A; returns false (and sets singular) for a singular or non-finite matrix.
  SCIML_HD bool factorize(const SMatrix<T, N, N>& A) {
    using std::abs;
    using std::isfinite;
    lu = A;
    singular = false;
    for (std::size_t i = 0; i < N; ++i) perm[i] = int(i);
    SCIML_UNROLL
    for (std::size_t k = 0; k < N; ++k) {
      std::size_t p = k;
      auto best = abs(value_of(lu(k, k)));  // a real magnitude (T may be complex)
      SCIML_UNROLL
      for (std::size_t i = k + 1; i < N; ++i) {
        const auto v = abs(value_of(lu(i, k)));
        if (v > best) {
          best = v;
          p = i;
        }
      }
      if (!(best > decltype(best)(0)) || !isfinite(best)) {
        singular = true;
        return false;
      }
      piv[k] = int(p);
      swap_rows(k, p);
      const T inv = T(1) / lu(k, k);
      SCIML_UNROLL
      for (std::size_t i = k + 1; i < N; ++i) {
        const T l = lu(i, k) * inv;
        lu(i, k) = l;
        SCIML_UNROLL
        for (std::size_t j = k + 1; j < N; ++j) lu(i, j) -= l * lu(k, j);
      }
    }
    return true;
  }

  // Rows k and p >= k of the factors exchanged. On a device each candidate row is compared with p instead of
  // indexed by it: once the loops are unrolled every index is a constant, so the factors stay in registers
  // instead of local memory. On a CPU indexing is faster (and perm, the host solve's, follows).
  SCIML_HD void swap_rows(std::size_t k, std::size_t p) {
#if defined(__CUDA_ARCH__)
    SCIML_UNROLL
    for (std::size_t i = k + 1; i < N; ++i) {
      if (i != p) continue;
      SCIML_UNROLL
      for (std::size_t j = 0; j < N; ++j) {
        const T tmp = lu(k, j);
        lu(k, j) = lu(i, j);
        lu(i, j) = tmp;
      }
    }
#else
    if (p == k) return;
    for (std::size_t j = 0; j < N; ++j) {
      const T tmp = lu(k, j);
      lu(k, j) = lu(p, j);
      lu(p, j) = tmp;
    }
    const int t = perm[k];
    perm[k] = perm[p];
    perm[p] = t;
#endif
  }

  // x = A^-1 b (factorize must have succeeded).
  SCIML_HD SVector<T, N> solve(const SVector<T, N>& b) const {
    SVector<T, N> x;
#if defined(__CUDA_ARCH__)
    // P b by the factorisation's swaps in order, as selects over constant indices: x stays in registers
    x = b;
    SCIML_UNROLL
    for (std::size_t k = 0; k < N; ++k) {
      SCIML_UNROLL
      for (std::size_t i = k + 1; i < N; ++i) {
        const bool sw = piv[k] == int(i);
        const T a = x[k], c = x[i];
        x[k] = sw ? c : a;
        x[i] = sw ? a : c;
      }
    }
#else
    // P b as a gather: on a CPU the selects above cost a Rodas5P solve of ROBER 5%, indexed swaps 30%
    for (std::size_t i = 0; i < N; ++i) x[i] = b[std::size_t(perm[i])];
#endif
    SCIML_UNROLL
    for (std::size_t i = 0; i < N; ++i)  // L y = P b
      SCIML_UNROLL
      for (std::size_t j = 0; j < i; ++j) x[i] -= lu(i, j) * x[j];
    SCIML_UNROLL
    for (std::size_t ii = N; ii-- > 0;) {  // U x = y
      T s = x[ii];
      SCIML_UNROLL
      for (std::size_t j = ii + 1; j < N; ++j) s -= lu(ii, j) * x[j];
      x[ii] = s / lu(ii, ii);
    }
    return x;
  }
};

}  // namespace sciml
