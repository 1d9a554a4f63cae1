// Graph: a hash-consed DAG of scalar expressions in u, p and t. Building a node that already exists returns
// its index (common subexpressions are shared for free), commutative operands are put in a canonical order,
// constants are folded and the algebraic identities of docs/symbolic.md applied as nodes are made. Nodes are
// appended in topological order: a node's operands always have smaller indices.
#pragma once
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include "op.hpp"
#include "scalar_ops.hpp"

namespace sciml::symbolic {

namespace detail {
inline std::uint64_t double_bits(double v) {
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}
// Shortest text that reads back to exactly v ("2.5", "-0", "1e-300", "inf", "nan").
inline std::string shortest(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}
inline double fold_unary(Op op, double x) {
  switch (op) {
    case Op::Neg: return -x;
    case Op::Sin: return f_sin(x);
    case Op::Cos: return f_cos(x);
    case Op::Tan: return f_tan(x);
    case Op::Asin: return f_asin(x);
    case Op::Acos: return f_acos(x);
    case Op::Atan: return f_atan(x);
    case Op::Sinh: return f_sinh(x);
    case Op::Cosh: return f_cosh(x);
    case Op::Tanh: return f_tanh(x);
    case Op::Exp: return f_exp(x);
    case Op::Expm1: return f_expm1(x);
    case Op::Log: return f_log(x);
    case Op::Log1p: return f_log1p(x);
    case Op::Sqrt: return f_sqrt(x);
    case Op::Cbrt: return f_cbrt(x);
    case Op::Abs: return f_fabs(x);
    case Op::Sign: return f_sign(x);
    case Op::Floor: return f_floor(x);
    case Op::Ceil: return f_ceil(x);
    case Op::Not: return f_not(x);
    default: throw std::logic_error("fold_unary: not a unary op");
  }
}
inline double fold_binary(Op op, double a, double b) {
  switch (op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return a / b;
    case Op::Pow: return f_pow_k(a, b);  // a constant exponent: as the VM and the generated C compute it
    case Op::Atan2: return f_atan2(a, b);
    case Op::Min: return f_min(a, b);
    case Op::Max: return f_max(a, b);
    case Op::Mod: return f_mod(a, b);
    case Op::Lt: return f_lt(a, b);
    case Op::Le: return f_le(a, b);
    case Op::Gt: return f_gt(a, b);
    case Op::Ge: return f_ge(a, b);
    case Op::Eq: return f_eq(a, b);
    case Op::Ne: return f_ne(a, b);
    case Op::And: return f_and(a, b);
    case Op::Or: return f_or(a, b);
    default: throw std::logic_error("fold_binary: not a binary op");
  }
}
}  // namespace detail

class Graph {
 public:
  int constant(double v) {
    if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();  // one NaN
    Node n{Op::Const};
    n.value = v;
    return intern(n);
  }
  int var(int i) { return leaf(Op::Var, i, "var"); }      // u[i]
  int param(int i) { return leaf(Op::Param, i, "param"); }  // p[i]
  int time() { return intern(Node{Op::Time}); }            // t

  int unary(Op op, int a) {
    if (!detail::valid_op(op) || !detail::is_unary(op))
      throw std::invalid_argument(std::string("Graph::unary: '") + op_name(op) + "' is not a unary op");
    check(a, "unary");
    const Node& x = nodes_[std::size_t(a)];
    if (x.op == Op::Const) return constant(detail::fold_unary(op, x.value));
    if (op == Op::Neg && x.op == Op::Neg) return x.a;  // -(-x) = x
    return intern(Node{op, a});
  }

  int binary(Op op, int a, int b) {
    if (!detail::valid_op(op) || !detail::is_binary(op))
      throw std::invalid_argument(std::string("Graph::binary: '") + op_name(op) + "' is not a binary op");
    check(a, "binary");
    check(b, "binary");
    if (is_const(a) && is_const(b)) return constant(detail::fold_binary(op, value(a), value(b)));
    if (detail::is_commutative(op) && b < a) std::swap(a, b);
    switch (op) {
      case Op::Add:
        if (is_const(a, 0)) return b;
        if (is_const(b, 0)) return a;
        if (nodes_[std::size_t(b)].op == Op::Neg) return binary(Op::Sub, a, nodes_[std::size_t(b)].a);  // a + -y
        if (nodes_[std::size_t(a)].op == Op::Neg) return binary(Op::Sub, b, nodes_[std::size_t(a)].a);  // -y + b
        break;
      case Op::Sub:  // exact only with these zeros: x - (-0.0) is +0.0 for x = -0.0, 0.0 - x is +0.0 for x = 0.0
        // (found by fuzzing, tests/regression/test_symbolic_subtract_signed_zero.cpp)
        if (is_const_bits(b, 0.0)) return a;
        if (is_const_bits(a, -0.0)) return unary(Op::Neg, b);
        if (nodes_[std::size_t(b)].op == Op::Neg) return binary(Op::Add, a, nodes_[std::size_t(b)].a);  // a - -y
        break;
      case Op::Mul:
        for (int k = 0; k < 2; ++k, std::swap(a, b)) {
          if (is_const(a, 1)) return b;
          if (is_const(a, 0)) return constant(0.0);
          if (is_const(a, -1)) return unary(Op::Neg, b);
        }
        break;
      case Op::Div:
        if (is_const(b, 1)) return a;
        if (is_const(b, -1)) return unary(Op::Neg, a);
        break;
      case Op::Pow:
        if (is_const(b, 1)) return a;
        if (is_const(b, 0) || is_const(a, 1)) return constant(1.0);  // x^0 = 1^y = 1, as IEEE pow
        break;
      default: break;
    }
    return intern(Node{op, a, b});
  }

  int ifelse(int cond, int then_, int else_) {
    check(cond, "ifelse");
    check(then_, "ifelse");
    check(else_, "ifelse");
    if (is_const(cond)) return value(cond) != 0 ? then_ : else_;  // NaN is true, as in Python
    if (then_ == else_) return then_;
    return intern(Node{Op::IfElse, cond, then_, else_});
  }

  const Node& node(int i) const {
    check(i, "node");
    return nodes_[std::size_t(i)];
  }
  const std::vector<Node>& nodes() const { return nodes_; }
  std::size_t size() const { return nodes_.size(); }
  static const char* op_name(Op op) { return detail::op_name(op); }

  // Infix text of a node, e.g. "(u[0] * p[1])", for messages and printing. Shared subexpressions are written
  // out in full each time; a subexpression longer than 64 KiB is abbreviated to "%<node index>".
  std::string to_string(int node) const {
    check(node, "to_string");
    std::vector<std::string> text(std::size_t(node) + 1);
    std::vector<char> need(std::size_t(node) + 1, 0);
    std::vector<int> users(std::size_t(node) + 1, 0);  // texts are dropped after their last user
    need[std::size_t(node)] = 1;
    for (int i = node; i >= 0; --i) {  // mark what node reaches (operands have smaller indices)
      if (!need[std::size_t(i)]) continue;
      const Node& n = nodes_[std::size_t(i)];
      if (detail::is_leaf(n.op)) continue;
      for (int o : {n.a, n.b, n.c})
        if (o >= 0) need[std::size_t(o)] = 1, ++users[std::size_t(o)];
    }
    for (int i = 0; i <= node; ++i) {
      if (!need[std::size_t(i)]) continue;
      const Node& n = nodes_[std::size_t(i)];
      auto t = [&](int o) -> const std::string& { return text[std::size_t(o)]; };
      std::string s;
      switch (n.op) {
        case Op::Const: s = detail::shortest(n.value); break;
        case Op::Var: s = std::string("u[") + std::to_string(n.a) + "]"; break;
        case Op::Param: s = std::string("p[") + std::to_string(n.a) + "]"; break;
        case Op::Time: s = "t"; break;
        case Op::Neg: s = "(-" + t(n.a) + ")"; break;
        case Op::Not: s = "(not " + t(n.a) + ")"; break;
        case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Pow: case Op::Mod: case Op::Lt:
        case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: case Op::And: case Op::Or:
          s = "(" + t(n.a) + " " + infix(n.op) + " " + t(n.b) + ")";
          break;
        case Op::Atan2: case Op::Min: case Op::Max:
          s = std::string(op_name(n.op)) + "(" + t(n.a) + ", " + t(n.b) + ")";
          break;
        case Op::IfElse: s = "ifelse(" + t(n.a) + ", " + t(n.b) + ", " + t(n.c) + ")"; break;
        default: s = std::string(op_name(n.op)) + "(" + t(n.a) + ")"; break;
      }
      if (s.size() > (std::size_t(1) << 16)) {
        s.assign(1, '%');
        s += std::to_string(i);
      }
      text[std::size_t(i)] = std::move(s);
      if (!detail::is_leaf(n.op))
        for (int o : {n.a, n.b, n.c})
          if (o >= 0 && --users[std::size_t(o)] == 0) std::string().swap(text[std::size_t(o)]);
    }
    return text[std::size_t(node)];
  }

 private:
  struct Key {
    Op op;
    std::int32_t a, b, c;
    std::uint64_t bits;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      std::uint64_t h = std::uint64_t(k.op) * 0x9E3779B97F4A7C15ull;
      for (std::uint64_t x : {std::uint64_t(std::uint32_t(k.a)), std::uint64_t(std::uint32_t(k.b)),
                              std::uint64_t(std::uint32_t(k.c)), k.bits}) {
        h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9ull;
      }
      return std::size_t(h ^ (h >> 31));
    }
  };

  static const char* infix(Op op) {
    switch (op) {
      case Op::Add: return "+";
      case Op::Sub: return "-";
      case Op::Mul: return "*";
      case Op::Div: return "/";
      case Op::Pow: return "**";
      case Op::Mod: return "%";
      case Op::Lt: return "<";
      case Op::Le: return "<=";
      case Op::Gt: return ">";
      case Op::Ge: return ">=";
      case Op::Eq: return "==";
      case Op::Ne: return "!=";
      case Op::And: return "and";
      case Op::Or: return "or";
      default: return "?";
    }
  }
  int leaf(Op op, int i, const char* who) {
    if (i < 0)
      throw std::invalid_argument(std::string("Graph::") + who + ": negative index " + std::to_string(i));
    return intern(Node{op, i});
  }
  int intern(const Node& n) {
    const Key k{n.op, n.a, n.b, n.c, detail::double_bits(n.value)};
    auto [it, inserted] = index_.try_emplace(k, int(nodes_.size()));
    if (inserted) {
      if (nodes_.size() >= std::size_t(std::numeric_limits<std::int32_t>::max())) {
        index_.erase(it);
        throw std::length_error("Graph: too many nodes");
      }
      nodes_.push_back(n);
    }
    return it->second;
  }
  void check(int i, const char* who) const {
    if (i < 0 || std::size_t(i) >= nodes_.size())
      throw std::invalid_argument(std::string("Graph::") + who + ": node index " + std::to_string(i) +
                                  " out of range (the graph has " + std::to_string(nodes_.size()) + " nodes)");
  }
  bool is_const(int i) const { return nodes_[std::size_t(i)].op == Op::Const; }
  bool is_const(int i, double v) const { return is_const(i) && nodes_[std::size_t(i)].value == v; }
  bool is_const_bits(int i, double v) const {  // the same sign of zero too
    return is_const(i, v) && std::signbit(nodes_[std::size_t(i)].value) == std::signbit(v);
  }
  double value(int i) const { return nodes_[std::size_t(i)].value; }

  std::vector<Node> nodes_;
  std::unordered_map<Key, int, KeyHash> index_;
};

}  // namespace sciml::symbolic
