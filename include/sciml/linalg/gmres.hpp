// Gmres<T>: restarted GMRES(m) with right preconditioning for A x = b, matrix-free. A(v_in, v_out) applies the
// operator and M(v_in, v_out) the preconditioner's inverse (IdentityPreconditioner: none), both on length-n
// arrays. Arnoldi by modified Gram-Schmidt with a second pass when the first one cancelled too much, the
// least-squares problem by Givens rotations. init(n, m) allocates the Krylov basis once; solve allocates nothing.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

namespace sciml {

template <class T>
struct GmresResult {
  bool converged = false;
  int iterations = 0;  // operator applications in the Arnoldi processes (all cycles), not counting residuals
  T residual = T(0);   // ||b - A x||: computed at a restart, the Arnoldi estimate when converged within a cycle
};

// No preconditioning: recognised by Gmres::solve, which then applies nothing.
struct IdentityPreconditioner {};

template <class T>
class Gmres {
 public:
  // Work space for systems of size n and restart length m (at most n).
  void init(std::size_t n, int restart) {
    n_ = n;
    m_ = std::size_t(std::max(1, restart));
    if (n > 0) m_ = std::min(m_, n);
    v_.assign((m_ + 1) * n, T(0));
    h_.assign((m_ + 1) * m_, T(0));
    cs_.assign(m_, T(0));
    sn_.assign(m_, T(0));
    g_.assign(m_ + 1, T(0));
    y_.assign(m_, T(0));
    w_.assign(n, T(0));
    z_.assign(n, T(0));
  }
  std::size_t size() const { return n_; }
  int restart() const { return int(m_); }

  // Solve A x = b from the initial guess x until ||b - A x|| <= max(atol, rtol ||b||), or maxiter operator
  // applications. b = 0 gives x = 0. A non-finite residual or operator output stops it (converged = false; x
  // keeps the last finite iterate), and so does a singular A M^-1 (no progress possible). A happy breakdown (an
  // invariant Krylov space) gives the exact solution, checked by the true residual when above the tolerance.
  template <class Op, class Prec>
  GmresResult<T> solve(Op&& A, Prec&& M, const T* b, T* x, T rtol, T atol, int maxiter) {
    using std::abs;
    using std::isfinite;
    constexpr bool identity = std::is_same_v<std::remove_cvref_t<Prec>, IdentityPreconditioner>;
    const std::size_t n = n_, m = m_;
    GmresResult<T> res;
    const T bnorm = norm(b);
    if (bnorm == T(0)) {
      std::fill(x, x + n, T(0));
      res.converged = true;
      return res;
    }
    const T tol = std::max(atol, rtol * bnorm);
    for (;;) {
      // r = b - A x, the first basis vector
      T* r = v_.data();
      A(static_cast<const T*>(x), r);
      for (std::size_t i = 0; i < n; ++i) r[i] = b[i] - r[i];
      const T beta = norm(r);
      res.residual = beta;
      if (!isfinite(beta) || beta <= tol || res.iterations >= maxiter) {
        res.converged = beta <= tol;
        return res;
      }
      scale(r, T(1) / beta);
      std::fill(g_.begin(), g_.end(), T(0));
      g_[0] = beta;
      std::size_t k = 0;  // columns of the least-squares problem to use
      bool stalled = false;
      T resid = beta;
      for (std::size_t j = 0; j < m && res.iterations < maxiter; ++j) {
        const T* vj = v_.data() + j * n;
        const T* zj = vj;
        if constexpr (!identity) {
          M(vj, z_.data());
          zj = z_.data();
        }
        A(zj, w_.data());
        ++res.iterations;
        T* hj = h_.data() + j * (m + 1);
        const T w0 = norm(w_.data());
        if (!isfinite(w0)) {
          res.residual = std::numeric_limits<T>::quiet_NaN();
          return res;
        }
        for (std::size_t i = 0; i <= j; ++i) hj[i] = project_out(v_.data() + i * n);
        T wn = norm(w_.data());
        if (wn < T(0.7071067811865476) * w0) {  // cancellation: orthogonalise once more
          for (std::size_t i = 0; i <= j; ++i) hj[i] += project_out(v_.data() + i * n);
          wn = norm(w_.data());
        }
        hj[j + 1] = wn;
        for (std::size_t i = 0; i < j; ++i) {  // the earlier rotations, then a new one for h(j+1, j)
          const T t = cs_[i] * hj[i] + sn_[i] * hj[i + 1];
          hj[i + 1] = -sn_[i] * hj[i] + cs_[i] * hj[i + 1];
          hj[i] = t;
        }
        const T rr = std::hypot(hj[j], hj[j + 1]);
        if (!isfinite(rr)) {
          res.residual = std::numeric_limits<T>::quiet_NaN();
          return res;
        }
        // A M^-1 z_j (numerically) in the span of the earlier columns: A M^-1 is singular, no progress here
        if (rr <= T(16) * std::numeric_limits<T>::epsilon() * w0) {
          stalled = true;
          break;
        }
        cs_[j] = hj[j] / rr;
        sn_[j] = hj[j + 1] / rr;
        hj[j] = rr;
        hj[j + 1] = T(0);
        g_[j + 1] = -sn_[j] * g_[j];
        g_[j] = cs_[j] * g_[j];
        resid = abs(g_[j + 1]);
        k = j + 1;
        if (resid <= tol) break;
        // happy breakdown: the Krylov space is invariant (to rounding), x below is exact in it; restart from
        // the true residual rather than extend the basis by rounding noise
        if (wn <= T(16 * (j + 1)) * std::numeric_limits<T>::epsilon() * w0) break;
        if (j + 1 < m) scale_into(v_.data() + (j + 1) * n, w_.data(), T(1) / wn);
      }
      // y = R^-1 g, x += M^-1 V y
      for (std::size_t i = k; i-- > 0;) {
        T s = g_[i];
        for (std::size_t l = i + 1; l < k; ++l) s -= h_[i + l * (m + 1)] * y_[l];
        y_[i] = s / h_[i + i * (m + 1)];
      }
      std::fill(w_.begin(), w_.end(), T(0));
      for (std::size_t l = 0; l < k; ++l) axpy(y_[l], v_.data() + l * n, w_.data());
      const T* dx = w_.data();
      if constexpr (!identity) {
        M(static_cast<const T*>(w_.data()), z_.data());
        dx = z_.data();
      }
      for (std::size_t i = 0; i < n; ++i)
        if (!isfinite(dx[i])) {
          res.residual = std::numeric_limits<T>::quiet_NaN();
          return res;
        }
      for (std::size_t i = 0; i < n; ++i) x[i] += dx[i];
      if (resid <= tol) {
        res.converged = true;
        res.residual = resid;
        return res;
      }
      if (stalled) {
        res.residual = resid;
        return res;
      }
    }
  }

 private:
  std::size_t n_ = 0, m_ = 1;
  std::vector<T> v_;       // the Krylov basis, m + 1 vectors of length n
  std::vector<T> h_;       // the Hessenberg matrix, column-major (m + 1) x m, turned into R by the rotations
  std::vector<T> cs_, sn_, g_, y_;
  std::vector<T> w_, z_;   // the new Arnoldi vector; the preconditioned vector

  T norm(const T* a) const {
    using std::sqrt;
    T s = T(0);
    for (std::size_t i = 0; i < n_; ++i) s += a[i] * a[i];
    return sqrt(s);
  }
  // h = <w, v>; w -= h v
  T project_out(const T* v) {
    T h = T(0);
    for (std::size_t i = 0; i < n_; ++i) h += w_[i] * v[i];
    for (std::size_t i = 0; i < n_; ++i) w_[i] -= h * v[i];
    return h;
  }
  void scale(T* a, T c) const {
    for (std::size_t i = 0; i < n_; ++i) a[i] *= c;
  }
  void scale_into(T* dst, const T* src, T c) const {
    for (std::size_t i = 0; i < n_; ++i) dst[i] = c * src[i];
  }
  void axpy(T a, const T* xv, T* yv) const {
    for (std::size_t i = 0; i < n_; ++i) yv[i] += a * xv[i];
  }
};

}  // namespace sciml
