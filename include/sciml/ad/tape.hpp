// Reverse-mode automatic differentiation: a scalar `ad::Var` whose arithmetic records each operation and its
// local partial derivatives on the active `ad::Tape`; `Tape::backward` then sweeps the record once to give the
// gradient of one output with respect to every input (a vector-Jacobian product when several outputs are
// seeded). Any templated right-hand side runs on it. The tape keeps its memory between uses, so after the
// first record a VJP allocates nothing.
#pragma once
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>
#include "../core/state.hpp"

namespace sciml::ad {

class Tape;

namespace detail {
inline Tape*& active_tape() {
  thread_local Tape* t = nullptr;
  return t;
}
}  // namespace detail

// A recorded value: idx >= 0 is its node on the active tape; idx = -1 a constant.
struct Var {
  double val = 0;
  int idx = -1;
  Var() = default;
  Var(double v) : val(v) {}  // NOLINT: constants mix freely with recorded values
  Var(double v, int i) : val(v), idx(i) {}
  double value() const { return val; }
};

// One operation: up to two parents with their partial derivatives.
struct TapeNode {
  int a = -1, b = -1;
  double da = 0, db = 0;
};

class Tape {
 public:
  std::vector<TapeNode> nodes;
  std::vector<double> adj;

  // Record on this tape (on this thread) until the returned guard ends.
  struct Scope {
    Tape* prev;
    explicit Scope(Tape& t) : prev(detail::active_tape()) { detail::active_tape() = &t; }
    ~Scope() { detail::active_tape() = prev; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  };

  void clear() { nodes.clear(); }
  std::size_t size() const { return nodes.size(); }
  // A new independent input.
  Var variable(double v) {
    nodes.push_back(TapeNode{});
    return Var(v, int(nodes.size()) - 1);
  }
  int push(int a, double da, int b, double db) {
    nodes.push_back(TapeNode{a, b, da, db});
    return int(nodes.size()) - 1;
  }
  // Zero the adjoints (sized to the record), then seed them with seed_adjoint and call backward().
  void zero_adjoints() { adj.assign(nodes.size(), 0.0); }
  void seed_adjoint(const Var& v, double w) {
    if (v.idx >= 0) adj[std::size_t(v.idx)] += w;
  }
  // adj[i] = sum over seeded outputs o of w_o d o / d node_i.
  void backward() {
    for (std::size_t i = nodes.size(); i-- > 0;) {
      const double g = adj[i];
      if (g == 0) continue;
      const TapeNode& n = nodes[i];
      if (n.a >= 0) adj[std::size_t(n.a)] += g * n.da;
      if (n.b >= 0) adj[std::size_t(n.b)] += g * n.db;
    }
  }
  double adjoint(const Var& v) const { return v.idx >= 0 ? adj[std::size_t(v.idx)] : 0.0; }
};

namespace detail {
inline Var unary(const Var& x, double v, double d) {
  if (x.idx < 0) return Var(v);
  Tape* t = active_tape();
  if (!t) throw std::logic_error("ad::Var: an operation on a recorded value outside a Tape::Scope");
  return Var(v, t->push(x.idx, d, -1, 0));
}
inline Var binary(const Var& x, double dx, const Var& y, double dy, double v) {
  if (x.idx < 0 && y.idx < 0) return Var(v);
  Tape* t = active_tape();
  if (!t) throw std::logic_error("ad::Var: an operation on a recorded value outside a Tape::Scope");
  if (x.idx < 0) return Var(v, t->push(y.idx, dy, -1, 0));
  if (y.idx < 0) return Var(v, t->push(x.idx, dx, -1, 0));
  return Var(v, t->push(x.idx, dx, y.idx, dy));
}
}  // namespace detail

inline Var operator+(const Var& x, const Var& y) { return detail::binary(x, 1, y, 1, x.val + y.val); }
inline Var operator-(const Var& x, const Var& y) { return detail::binary(x, 1, y, -1, x.val - y.val); }
inline Var operator*(const Var& x, const Var& y) { return detail::binary(x, y.val, y, x.val, x.val * y.val); }
inline Var operator/(const Var& x, const Var& y) {
  const double r = 1.0 / y.val;
  return detail::binary(x, r, y, -x.val * r * r, x.val * r);
}
inline Var operator-(const Var& x) { return detail::unary(x, -x.val, -1); }
inline Var operator+(const Var& x) { return x; }
inline Var& operator+=(Var& x, const Var& y) { return x = x + y; }
inline Var& operator-=(Var& x, const Var& y) { return x = x - y; }
inline Var& operator*=(Var& x, const Var& y) { return x = x * y; }
inline Var& operator/=(Var& x, const Var& y) { return x = x / y; }
inline bool operator<(const Var& x, const Var& y) { return x.val < y.val; }
inline bool operator>(const Var& x, const Var& y) { return x.val > y.val; }
inline bool operator<=(const Var& x, const Var& y) { return x.val <= y.val; }
inline bool operator>=(const Var& x, const Var& y) { return x.val >= y.val; }
inline bool operator==(const Var& x, const Var& y) { return x.val == y.val; }
inline bool operator!=(const Var& x, const Var& y) { return x.val != y.val; }

inline Var sin(const Var& x) { return detail::unary(x, std::sin(x.val), std::cos(x.val)); }
inline Var cos(const Var& x) { return detail::unary(x, std::cos(x.val), -std::sin(x.val)); }
inline Var tan(const Var& x) {
  const double c = std::cos(x.val);
  return detail::unary(x, std::tan(x.val), 1.0 / (c * c));
}
inline Var exp(const Var& x) {
  const double e = std::exp(x.val);
  return detail::unary(x, e, e);
}
inline Var log(const Var& x) { return detail::unary(x, std::log(x.val), 1.0 / x.val); }
inline Var sqrt(const Var& x) {
  const double s = std::sqrt(x.val);
  return detail::unary(x, s, 0.5 / s);
}
inline Var tanh(const Var& x) {
  const double th = std::tanh(x.val);
  return detail::unary(x, th, 1 - th * th);
}
inline Var atan(const Var& x) { return detail::unary(x, std::atan(x.val), 1.0 / (1 + x.val * x.val)); }
inline Var abs(const Var& x) { return detail::unary(x, std::abs(x.val), x.val > 0 ? 1.0 : (x.val < 0 ? -1.0 : 0.0)); }
inline Var fabs(const Var& x) { return abs(x); }
inline Var pow(const Var& x, double e) {
  return detail::unary(x, std::pow(x.val, e), e == 0 ? 0.0 : e * std::pow(x.val, e - 1));
}
inline Var pow(const Var& x, int e) { return pow(x, double(e)); }
inline Var pow(const Var& x, const Var& y) {
  const double v = std::pow(x.val, y.val);
  return detail::binary(x, y.val * std::pow(x.val, y.val - 1), y, x.val > 0 ? v * std::log(x.val) : 0.0, v);
}
inline Var pow(double x, const Var& y) { return pow(Var(x), y); }
inline bool isfinite(const Var& x) { return std::isfinite(x.val); }
inline bool isnan(const Var& x) { return std::isnan(x.val); }

}  // namespace sciml::ad

namespace sciml {
template <>
struct real_scalar<ad::Var> {
  using type = double;
};
}  // namespace sciml
