// SMatrix<T, R, C>: a fixed-size, row-major, stack-allocated matrix for small systems (Jacobians and iteration
// matrices of SVector states), usable on the device. Element access is A(i, j).
#pragma once
#include <cstddef>
#include "../config.hpp"
#include "svector.hpp"

namespace sciml {

template <class T, std::size_t R, std::size_t C = R>
struct SMatrix {
  T data[R * C];

  SCIML_HD static constexpr std::size_t rows() { return R; }
  SCIML_HD static constexpr std::size_t cols() { return C; }
  SCIML_HD constexpr T& operator()(std::size_t i, std::size_t j) { return data[i * C + j]; }
  SCIML_HD constexpr const T& operator()(std::size_t i, std::size_t j) const { return data[i * C + j]; }

  SCIML_HD static constexpr SMatrix zero() {
    SMatrix m{};
    for (std::size_t i = 0; i < R * C; ++i) m.data[i] = T(0);
    return m;
  }
  SCIML_HD static constexpr SMatrix identity() {
    SMatrix m = zero();
    for (std::size_t i = 0; i < (R < C ? R : C); ++i) m(i, i) = T(1);
    return m;
  }
  SCIML_HD friend constexpr SVector<T, R> operator*(const SMatrix& A, const SVector<T, C>& x) {
    SVector<T, R> y{};
    for (std::size_t i = 0; i < R; ++i) {
      T s = T(0);
      for (std::size_t j = 0; j < C; ++j) s += A(i, j) * x[j];
      y[i] = s;
    }
    return y;
  }
};

}  // namespace sciml
