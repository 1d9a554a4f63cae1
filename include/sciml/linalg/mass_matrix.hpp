// MassMatrix<T>: the mass matrix M of a problem M u' = f (with_mass_matrix) as the iteration matrix of a
// dynamic state keeps it: nothing for M = I, the diagonal when M is diagonal (all the sparse LU and GMRES
// take), the full n x n matrix otherwise. entry(i, j) reads it; the linear solvers read `diag` (diagonal())
// or add it into W = M - gh J themselves.
#pragma once
#include <cstddef>
#include <Eigen/Dense>

namespace sciml::detail {

template <class T>
struct MassMatrix {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Mat full;              // M when it is not diagonal
  Vec diag;              // its diagonal
  bool given = false;    // false: M = I
  bool diagonal = true;  // M is diagonal (full is empty)

  // M from any matrix m with an (i, j) accessor, for a state of length n
  template <class MM>
  void set(const MM& m, Eigen::Index n) {
    diag.setZero(n);
    diagonal = true;
    for (Eigen::Index i = 0; i < n && diagonal; ++i)
      for (Eigen::Index j = 0; j < n; ++j)
        if (i != j && T(m(i, j)) != T(0)) {
          diagonal = false;
          break;
        }
    for (Eigen::Index i = 0; i < n; ++i) diag[i] = T(m(i, i));
    if (!diagonal) {
      full.setZero(n, n);
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) full(i, j) = T(m(i, j));
    }
    given = true;
  }
  T entry(std::size_t i, std::size_t j) const {
    if (!given) return i == j ? T(1) : T(0);
    if (diagonal) return i == j ? diag[Eigen::Index(i)] : T(0);
    return full(Eigen::Index(i), Eigen::Index(j));
  }
  // M's diagonal, or nullptr for M = I (the form the sparse LU takes)
  const Vec* diagonal_or_identity() const { return given ? &diag : nullptr; }
};

}  // namespace sciml::detail
