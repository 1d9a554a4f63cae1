// Sparse Jacobians: the sparsity pattern of df/du detected by running f once on a dependency-tracing scalar,
// a greedy column colouring (columns that share no row get one colour), and the compressed AD evaluation that
// recovers every nonzero from one dual-number evaluation per chunk of colours. Host-only (the tracer
// allocates); the pattern is found once per problem.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>
#include "../core/dual.hpp"
#include "../core/state.hpp"
#include "jacobian.hpp"

namespace sciml {

// Compressed sparse row pattern of an n x n matrix: row i holds columns col[row_ptr[i] .. row_ptr[i+1]).
struct SparsityPattern {
  std::size_t n = 0;
  std::vector<std::size_t> row_ptr{0};
  std::vector<std::size_t> col;
  std::size_t nnz() const { return col.size(); }
  bool contains(std::size_t i, std::size_t j) const {
    return std::binary_search(col.begin() + std::ptrdiff_t(row_ptr[i]), col.begin() + std::ptrdiff_t(row_ptr[i + 1]), j);
  }
};

namespace detail {
// A value together with the set of inputs it depends on. Branches in f follow the values at the u traced, so
// a pattern that changes with u should be given by the user instead.
struct Tracer {
  double val = 0;
  std::vector<std::size_t> deps;  // sorted, unique

  Tracer() = default;
  Tracer(double v) : val(v) {}
  template <class U, class = std::enable_if_t<std::is_arithmetic_v<U>>>
  Tracer(U v) : val(double(v)) {}
  double value() const { return val; }

  static Tracer merge(const Tracer& a, const Tracer& b, double v) {
    Tracer r(v);
    r.deps.resize(a.deps.size() + b.deps.size());
    auto end = std::set_union(a.deps.begin(), a.deps.end(), b.deps.begin(), b.deps.end(), r.deps.begin());
    r.deps.erase(end, r.deps.end());
    return r;
  }
  static Tracer keep(const Tracer& a, double v) {
    Tracer r(v);
    r.deps = a.deps;
    return r;
  }
  Tracer& operator+=(const Tracer& o) { return *this = merge(*this, o, val + o.val); }
  Tracer& operator-=(const Tracer& o) { return *this = merge(*this, o, val - o.val); }
  Tracer& operator*=(const Tracer& o) { return *this = merge(*this, o, val * o.val); }
  Tracer& operator/=(const Tracer& o) { return *this = merge(*this, o, val / o.val); }
  friend Tracer operator+(const Tracer& a, const Tracer& b) { return merge(a, b, a.val + b.val); }
  friend Tracer operator-(const Tracer& a, const Tracer& b) { return merge(a, b, a.val - b.val); }
  friend Tracer operator*(const Tracer& a, const Tracer& b) { return merge(a, b, a.val * b.val); }
  friend Tracer operator/(const Tracer& a, const Tracer& b) { return merge(a, b, a.val / b.val); }
  friend Tracer operator-(const Tracer& a) { return keep(a, -a.val); }
  friend Tracer operator+(const Tracer& a) { return a; }
  friend bool operator<(const Tracer& a, const Tracer& b) { return a.val < b.val; }
  friend bool operator>(const Tracer& a, const Tracer& b) { return a.val > b.val; }
  friend bool operator<=(const Tracer& a, const Tracer& b) { return a.val <= b.val; }
  friend bool operator>=(const Tracer& a, const Tracer& b) { return a.val >= b.val; }
  friend bool operator==(const Tracer& a, const Tracer& b) { return a.val == b.val; }
  friend bool operator!=(const Tracer& a, const Tracer& b) { return a.val != b.val; }
};
inline Tracer sqrt(const Tracer& a) { return Tracer::keep(a, std::sqrt(a.val)); }
inline Tracer exp(const Tracer& a) { return Tracer::keep(a, std::exp(a.val)); }
inline Tracer log(const Tracer& a) { return Tracer::keep(a, std::log(a.val)); }
inline Tracer sin(const Tracer& a) { return Tracer::keep(a, std::sin(a.val)); }
inline Tracer cos(const Tracer& a) { return Tracer::keep(a, std::cos(a.val)); }
inline Tracer tan(const Tracer& a) { return Tracer::keep(a, std::tan(a.val)); }
inline Tracer tanh(const Tracer& a) { return Tracer::keep(a, std::tanh(a.val)); }
inline Tracer atan(const Tracer& a) { return Tracer::keep(a, std::atan(a.val)); }
inline Tracer abs(const Tracer& a) { return Tracer::keep(a, std::abs(a.val)); }
inline Tracer fabs(const Tracer& a) { return abs(a); }
inline bool isfinite(const Tracer& a) { return std::isfinite(a.val); }
inline bool isnan(const Tracer& a) { return std::isnan(a.val); }
inline Tracer pow(const Tracer& a, double b) { return Tracer::keep(a, std::pow(a.val, b)); }
inline Tracer pow(const Tracer& a, const Tracer& b) { return Tracer::merge(a, b, std::pow(a.val, b.val)); }
}  // namespace detail

template <>
struct real_scalar<detail::Tracer> {
  using type = double;
};

// The pattern of df/du at (u, p, t): entry (i, j) is present when f_i depends on u_j along the branches taken.
template <bool Inplace, class F, class State, class P, class T>
SparsityPattern detect_sparsity(const F& f, const State& u, const P& p, T t) {
  using TState = detail::rebind_state_t<State, detail::Tracer>;
  const std::size_t n = state_size(u);
  TState ut = detail::make_rebound<TState>(u), dut = detail::make_rebound<TState>(u);
  for (std::size_t j = 0; j < n; ++j) {
    ut[j] = detail::Tracer(double(u[j]));
    ut[j].deps = {j};
  }
  if constexpr (Inplace) {
    f(dut, ut, p, t);
  } else {
    dut = f(ut, p, t);
  }
  SparsityPattern s;
  s.n = n;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j : dut[i].deps) s.col.push_back(j);
    s.row_ptr.push_back(s.col.size());
  }
  return s;
}

// Greedy colouring of the columns (in natural order): columns with a common row get different colours.
// Returns colour[j]; the number of colours is max + 1.
inline std::vector<std::size_t> color_columns(const SparsityPattern& s) {
  std::vector<std::vector<std::size_t>> rows_of(s.n);  // column -> rows
  for (std::size_t i = 0; i < s.n; ++i)
    for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) rows_of[s.col[k]].push_back(i);
  std::vector<std::size_t> color(s.n, 0);
  std::vector<std::size_t> mark(s.n + 1, std::size_t(-1));  // mark[c] == j: colour c is taken for column j
  for (std::size_t j = 0; j < s.n; ++j) {
    for (std::size_t i : rows_of[j])
      for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k)
        if (s.col[k] < j) mark[color[s.col[k]]] = j;
    std::size_t c = 0;
    while (mark[c] == j) ++c;
    color[j] = c;
  }
  return color;
}

// The nonzeros of df/du in the pattern's (CSR) order, by AD on the colours: ceil(ncolors / Chunk)
// evaluations of f on dual numbers instead of ceil(n / Chunk). values: nnz entries; ud, dud: work states of
// Dual<S, Chunk> of u's length (kept by callers that evaluate J every step).
template <bool Inplace, int Chunk = 8, class F, class State, class P, class T, class V, class DState>
void sparse_jacobian_ad(const F& f, const State& u, const P& p, T t, const SparsityPattern& s,
                        const std::vector<std::size_t>& color, std::size_t ncolors, V* values, DState& ud,
                        DState& dud) {
  using S = scalar_t<State>;
  using D = Dual<S, Chunk>;
  const std::size_t n = state_size(u);
  for (std::size_t k = 0; k < s.nnz(); ++k) values[k] = V(0);
  for (std::size_t c0 = 0; c0 < ncolors; c0 += Chunk) {
    for (std::size_t j = 0; j < n; ++j) {
      ud[j] = D(u[j]);
      if (color[j] >= c0 && color[j] < c0 + Chunk) ud[j].der[color[j] - c0] = S(1);
    }
    if constexpr (Inplace) {
      f(dud, ud, p, t);
    } else {
      dud = f(ud, p, t);
    }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) {
        const std::size_t c = color[s.col[k]];
        if (c >= c0 && c < c0 + Chunk) values[k] = dud[i].der[c - c0];
      }
  }
}
template <bool Inplace, int Chunk = 8, class F, class State, class P, class T, class V>
void sparse_jacobian_ad(const F& f, const State& u, const P& p, T t, const SparsityPattern& s,
                        const std::vector<std::size_t>& color, std::vector<V>& values) {
  using DState = detail::rebind_state_t<State, Dual<scalar_t<State>, Chunk>>;
  const std::size_t n = state_size(u);
  if (s.n != n || color.size() != n)
    throw std::invalid_argument("sparse_jacobian_ad: the pattern / colouring is for a state of another length");
  const std::size_t ncolors = n ? *std::max_element(color.begin(), color.end()) + 1 : 0;
  values.assign(s.nnz(), V(0));
  DState ud = detail::make_rebound<DState>(u), dud = detail::make_rebound<DState>(u);
  sparse_jacobian_ad<Inplace, Chunk>(f, u, p, t, s, color, ncolors, values.data(), ud, dud);
}

}  // namespace sciml
