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
  int perm[N];          // row i of the factorisation is row perm[i] of A
  bool singular = true;

  // Factorise A; returns false (and sets singular) for a singular or non-finite matrix.
  SCIML_HD bool factorize(const SMatrix<T, N, N>& A) {
    using std::abs;
    using std::isfinite;
    lu = A;
    for (std::size_t i = 0; i < N; ++i) perm[i] = int(i);
    singular = false;
    for (std::size_t k = 0; k < N; ++k) {
      std::size_t p = k;
      auto best = abs(value_of(lu(k, k)));  // a real magnitude (T may be complex)
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
      if (p != k) {
        for (std::size_t j = 0; j < N; ++j) {
          const T tmp = lu(k, j);
          lu(k, j) = lu(p, j);
          lu(p, j) = tmp;
        }
        const int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
      }
      const T inv = T(1) / lu(k, k);
      for (std::size_t i = k + 1; i < N; ++i) {
        const T l = lu(i, k) * inv;
        lu(i, k) = l;
        for (std::size_t j = k + 1; j < N; ++j) lu(i, j) -= l * lu(k, j);
      }
    }
    return true;
  }

  // x = A^-1 b (factorize must have succeeded).
  SCIML_HD SVector<T, N> solve(const SVector<T, N>& b) const {
    SVector<T, N> x{};
    for (std::size_t i = 0; i < N; ++i) {  // L y = P b
      T s = b[std::size_t(perm[i])];
      for (std::size_t j = 0; j < i; ++j) s -= lu(i, j) * x[j];
      x[i] = s;
    }
    for (std::size_t ii = N; ii-- > 0;) {  // U x = y
      T s = x[ii];
      for (std::size_t j = ii + 1; j < N; ++j) s -= lu(ii, j) * x[j];
      x[ii] = s / lu(ii, ii);
    }
    return x;
  }
};

}  // namespace sciml
