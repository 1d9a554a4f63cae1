// Sparse direct solver for an n x n matrix with a fixed CSR pattern (SparsityPattern): analyze(pattern) once
// per pattern, factor(values) per matrix (values in the pattern's CSR order), solve(b, x) per right-hand side.
// KluSparseLU (SuiteSparse KLU, when SCIML_HAVE_KLU: CMake sets it when klu.h and libklu are found) reuses the
// pivot order on refactorisation; EigenSparseLU<T> (Eigen's SparseLU) pivots afresh every time. SparseLU is
// KLU when available, Eigen otherwise (define SCIML_SPARSE_LU_EIGEN to force Eigen). Host-only: analyze and
// factor allocate; factor returns false for a singular or non-finite matrix instead of throwing or printing.
#pragma once
#include <climits>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "sparsity.hpp"
#if defined(SCIML_HAVE_KLU)
#include <klu.h>
#endif
#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#ifndef SCIML_HAVE_EIGEN
#define SCIML_HAVE_EIGEN 1
#endif
#endif

namespace sciml {

namespace detail {
// A well-formed n x n CSR pattern (row pointers monotone, columns in range), with sizes an int can index.
inline void check_sparse_pattern(const SparsityPattern& s, const char* who) {
  const auto bad = [&](const std::string& why) { throw std::invalid_argument(std::string(who) + ": " + why); };
  if (s.row_ptr.size() != s.n + 1 || s.row_ptr[0] != 0 || s.row_ptr[s.n] != s.col.size())
    bad("row_ptr must have n + 1 entries, from 0 to nnz");
  if (s.n > std::size_t(INT_MAX) || s.col.size() > std::size_t(INT_MAX)) bad("n or nnz exceeds INT_MAX");
  for (std::size_t i = 0; i < s.n; ++i) {
    if (s.row_ptr[i] > s.row_ptr[i + 1]) bad("row_ptr must be nondecreasing");
    for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k)
      if (s.col[k] >= s.n || (k > s.row_ptr[i] && s.col[k] <= s.col[k - 1]))
        bad("the columns of each row must be in range, increasing and unique");
  }
}
template <class T>
bool all_finite_n(const T* v, std::size_t n) {
  using std::isfinite;
  for (std::size_t k = 0; k < n; ++k)
    if (!isfinite(v[k])) return false;
  return true;
}
}  // namespace detail

#if defined(SCIML_HAVE_KLU)
// KLU on the pattern as given: a CSR matrix A is the CSC matrix A^T with the same arrays, so KLU factors A^T
// without any copy or permutation of the values and solve uses klu_tsolve ((A^T)^T x = b). factor: klu_factor
// the first time, klu_refactor (same pivot order) afterwards, falling back to a full klu_factor when the
// refactorisation meets a zero pivot or its reciprocal pivot ratio (klu_rcond) is tiny (below eps^(2/3), as
// SUNDIALS' KLU interface decides; an iteration matrix's ratio varies with gh, so no relative test). solve
// allocates nothing (KLU's work space is in the Numeric object).
class KluSparseLU {
 public:
  long full_factorizations = 0, refactorizations = 0;

  KluSparseLU() {
    klu_defaults(&common_);
    common_.scale = 0;  // no row scaling: partial pivoting as in a dense LU, and refactorisations ~15% cheaper
  }
  ~KluSparseLU() { release(); }
  KluSparseLU(const KluSparseLU&) = delete;
  KluSparseLU& operator=(const KluSparseLU&) = delete;
  KluSparseLU(KluSparseLU&& o) noexcept { take(o); }
  KluSparseLU& operator=(KluSparseLU&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }

  // Symbolic analysis (BTF + AMD ordering) of the pattern; throws std::invalid_argument for a malformed pattern.
  void analyze(const SparsityPattern& s) {
    detail::check_sparse_pattern(s, "KluSparseLU::analyze");
    release();
    n_ = s.n;
    ap_.assign(s.row_ptr.begin(), s.row_ptr.end());
    ai_.assign(s.col.begin(), s.col.end());
    if (n_ == 0) return;
    symbolic_ = klu_analyze(int(n_), ap_.data(), ai_.data(), &common_);
    if (!symbolic_) throw std::runtime_error("KluSparseLU::analyze: klu_analyze failed (status " +
                                             std::to_string(common_.status) + ")");
  }

  // Numeric factorisation of the matrix with these values (nnz of them, in the pattern's CSR order).
  // False if it is singular or has a non-finite entry; solve must not be called then.
  bool factor(const double* values) {
    ok_ = false;
    if (n_ == 0) return ok_ = true;
    if (!symbolic_ || !detail::all_finite_n(values, ai_.size())) return false;
    double* ax = const_cast<double*>(values);  // KLU's inputs are not const-qualified but are not modified
    if (numeric_) {
      const bool refactored = klu_refactor(ap_.data(), ai_.data(), ax, symbolic_, numeric_, &common_) &&
                              common_.status == KLU_OK && klu_rcond(symbolic_, numeric_, &common_);
      const double rc = common_.rcond;
      if (refactored && rc >= refactor_rcond_min) {
        ++refactorizations;
        return ok_ = true;
      }
      klu_free_numeric(&numeric_, &common_);
    }
    numeric_ = klu_factor(ap_.data(), ai_.data(), ax, symbolic_, &common_);
    ++full_factorizations;
    if (!numeric_) return false;  // singular (KLU stops at a zero pivot) or out of memory
    if (!klu_rcond(symbolic_, numeric_, &common_) || !(common_.rcond > 0.0)) {  // a zero or NaN pivot
      klu_free_numeric(&numeric_, &common_);
      return false;
    }
    return ok_ = true;
  }

  // x = A^-1 b for the last successful factor (x may be b). After a failed factor x is all NaN.
  void solve(const double* b, double* x) {
    if (!ok_) {
      for (std::size_t i = 0; i < n_; ++i) x[i] = std::numeric_limits<double>::quiet_NaN();
      return;
    }
    if (x != b)
      for (std::size_t i = 0; i < n_; ++i) x[i] = b[i];
    if (n_ > 0) klu_tsolve(symbolic_, numeric_, int(n_), 1, x, &common_);
  }

  std::size_t size() const { return n_; }
  std::size_t nnz() const { return ai_.size(); }
  // KLU's min |U_kk| / max |U_kk| of the current factorisation (0 before one).
  double rcond() const { return !ok_ ? 0.0 : n_ > 0 ? common_.rcond : 1.0; }

 private:
  static constexpr double refactor_rcond_min = 3.7e-11;  // ~ eps^(2/3), as in SUNDIALS' KLU interface
  klu_common common_{};
  klu_symbolic* symbolic_ = nullptr;
  klu_numeric* numeric_ = nullptr;
  std::vector<int> ap_, ai_;  // the pattern: CSR of A = CSC of A^T
  std::size_t n_ = 0;
  bool ok_ = false;

  void release() noexcept {
    if (numeric_) klu_free_numeric(&numeric_, &common_);
    if (symbolic_) klu_free_symbolic(&symbolic_, &common_);
    ok_ = false;
  }
  void take(KluSparseLU& o) noexcept {
    full_factorizations = o.full_factorizations;
    refactorizations = o.refactorizations;
    common_ = o.common_;
    symbolic_ = std::exchange(o.symbolic_, nullptr);
    numeric_ = std::exchange(o.numeric_, nullptr);
    ap_ = std::move(o.ap_);
    ai_ = std::move(o.ai_);
    n_ = std::exchange(o.n_, 0);
    ok_ = std::exchange(o.ok_, false);
  }
};
#endif

#if defined(SCIML_HAVE_EIGEN)
// Eigen::SparseLU (COLAMD ordering once in analyze, supernodal LU with partial pivoting in every factor) on a
// column-major copy of the matrix; the CSR -> CSC position of every entry is found once in analyze. Eigen's
// solve allocates a small work array per call (inside Eigen); KLU does not.
template <class T = double>
class EigenSparseLU {
 public:
  long full_factorizations = 0, refactorizations = 0;  // refactorizations stays 0: Eigen always pivots afresh

  void analyze(const SparsityPattern& s) {
    detail::check_sparse_pattern(s, "EigenSparseLU::analyze");
    ok_ = false;
    n_ = s.n;
    const int n = int(s.n);
    a_ = Mat(n, n);
    a_.resizeNonZeros(Eigen::Index(s.nnz()));
    int* outer = a_.outerIndexPtr();  // CSC column pointers: count, prefix-sum, then place every entry
    for (int j = 0; j <= n; ++j) outer[j] = 0;
    for (std::size_t c : s.col) ++outer[c + 1];
    for (int j = 0; j < n; ++j) outer[j + 1] += outer[j];
    std::vector<int> next(outer, outer + n);
    pos_.resize(s.nnz());
    for (std::size_t i = 0; i < s.n; ++i)  // rows in increasing order: the row indices of each column are sorted
      for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) {
        const int p = next[s.col[k]]++;
        pos_[k] = p;
        a_.innerIndexPtr()[p] = int(i);
        a_.valuePtr()[p] = T(0);
      }
    lu_ = std::make_unique<Solver>();
    if (n > 0) lu_->analyzePattern(a_);
    b_.setZero(n);
    x_.setZero(n);
  }

  bool factor(const T* values) {
    using std::isfinite;
    ok_ = false;
    if (!lu_) return false;
    if (n_ == 0) return ok_ = true;
    if (!detail::all_finite_n(values, pos_.size())) return false;
    for (std::size_t k = 0; k < pos_.size(); ++k) a_.valuePtr()[pos_[k]] = values[k];
    lu_->factorize(a_);
    ++full_factorizations;
    if (lu_->info() != Eigen::Success) return false;  // a zero pivot
    return ok_ = bool(isfinite(lu_->logAbsDeterminant()));
  }

  void solve(const T* b, T* x) {
    if (!ok_) {
      for (std::size_t i = 0; i < n_; ++i) x[i] = std::numeric_limits<T>::quiet_NaN();
      return;
    }
    if (n_ == 0) return;
    for (std::size_t i = 0; i < n_; ++i) b_[Eigen::Index(i)] = b[i];
    x_ = lu_->solve(b_);
    for (std::size_t i = 0; i < n_; ++i) x[i] = x_[Eigen::Index(i)];
  }

  std::size_t size() const { return n_; }
  std::size_t nnz() const { return pos_.size(); }

 private:
  using Mat = Eigen::SparseMatrix<T, Eigen::ColMajor, int>;
  using Solver = Eigen::SparseLU<Mat, Eigen::COLAMDOrdering<int>>;
  Mat a_;
  std::vector<int> pos_;         // CSR entry k is a_.valuePtr()[pos_[k]]
  std::unique_ptr<Solver> lu_;   // Eigen's solvers are not movable
  Eigen::Matrix<T, Eigen::Dynamic, 1> b_, x_;
  std::size_t n_ = 0;
  bool ok_ = false;
};
#endif

#if defined(SCIML_HAVE_KLU) && !defined(SCIML_SPARSE_LU_EIGEN)
using SparseLU = KluSparseLU;
#elif defined(SCIML_HAVE_EIGEN)
using SparseLU = EigenSparseLU<double>;
#else
// Neither KLU nor Eigen: a sparse Jacobian cannot be factored (dense problems compile and run as usual).
struct NoSparseLU {
  [[noreturn]] static void unavailable() {
    throw std::logic_error("sparse Jacobian: sciml's sparse LU needs SuiteSparse KLU (Debian: libsuitesparse-dev, "
                           "found by CMake) or Eigen (libeigen3-dev)");
  }
  void analyze(const SparsityPattern&) { unavailable(); }
  bool factor(const double*) { unavailable(); }
  void solve(const double*, double*) { unavailable(); }
  double rcond() const { return 0.0; }
};
using SparseLU = NoSparseLU;
#endif

}  // namespace sciml
