// What the libFuzzer harnesses share: FuzzBytes (the fuzz input read as small choices and doubles), FuzzGraph
// (a random but valid expression graph built from those bytes through Graph's API, with the IEEE value of each
// expression as written, before the graph's simplifications), evaluate_nodes (every node evaluated directly
// with scalar_ops.hpp, on double, long double or dual numbers) and FUZZ_CHECK (print, then abort).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>
#include <sciml/symbolic/graph.hpp>
#include <sciml/symbolic/scalar_ops.hpp>
#include <sciml/symbolic/serialize.hpp>
#include <sstream>
#include <string>
#include <vector>

// A failed property: the message on stderr, then abort() (libFuzzer saves the input as a crash file).
#define FUZZ_CHECK(cond, msg)                                                                  \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::ostringstream fuzz_os_;                                                             \
      fuzz_os_ << __FILE__ << ":" << __LINE__ << ": check failed: " #cond "\n" << msg << "\n"; \
      std::fputs(fuzz_os_.str().c_str(), stderr);                                              \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)

namespace sciml::fuzz {

using symbolic::Graph;
using symbolic::Node;
using symbolic::Op;

// Equal bit for bit (so 0.0 != -0.0), or both NaN (any payload).
template <class R>
bool same_bits(R a, R b) {
  if (a != a || b != b) return a != a && b != b;
  return a == b && std::signbit(a) == std::signbit(b);
}

// The fuzz input as a stream of choices; past its end every byte reads as 0.
class FuzzBytes {
 public:
  FuzzBytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : byte() % n; }  // in [0, n)
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = v << 8 | byte();
    return v;
  }
  // A double: mostly from a table of interesting values (signed zeros, subnormals, the special exponents of
  // Pow, integers for Floor / Mod, NaN, Inf, the extremes); moderate: only values in [-4, 4] that are not kinks
  // of anything smooth, for derivative checks.
  double value(bool moderate = false) {
    static const double table[] = {0.0,    -0.0,   1.0,    -1.0,    2.0,     3.0,     4.0,     0.5,
                                   -0.5,   -2.0,   0.1,    1.5,     -3.25,   10.0,    100.0,   1e-3,
                                   std::numbers::pi, std::numbers::e,    1e-310, -5e-324, 1e300,   -1e300,  std::numeric_limits<double>::max(),
                                   std::numeric_limits<double>::min(), std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                                   7.0,    0.25,   1e16,   -1e-16,  0.7};
    static const double gentle[] = {0.3, -0.7, 1.25, -1.9, 0.55, 2.2, -0.15, 0.9, -2.6, 1.7, 0.05, -1.1};
    const std::uint8_t b = byte();
    if (moderate) {
      if (b < 192) return gentle[b % (sizeof gentle / sizeof gentle[0])];
      return -3.5 + 7.0 * double(u64() >> 11) / double(std::uint64_t(1) << 53);
    }
    if (b < 224) return table[b % (sizeof table / sizeof table[0])];
    const std::uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

inline const Op fuzz_unary_ops[] = {Op::Neg,  Op::Sin,  Op::Cos,  Op::Tan,  Op::Asin,  Op::Acos, Op::Atan,
                                    Op::Sinh, Op::Cosh, Op::Tanh, Op::Exp,  Op::Expm1, Op::Log,  Op::Log1p,
                                    Op::Sqrt, Op::Cbrt, Op::Abs,  Op::Sign, Op::Floor, Op::Ceil, Op::Not};
inline const Op fuzz_binary_ops[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Pow, Op::Atan2, Op::Min, Op::Max, Op::Mod,
                                     Op::Lt,  Op::Le,  Op::Gt,  Op::Ge,  Op::Eq,  Op::Ne,    Op::And, Op::Or};

// One op on scalars S (double, long double, sciml::Dual) with the graph's semantics: Pow with a constant
// exponent is computed as the graph folds it and the VM runs it (x^2 = x*x, ...; scalar_ops.hpp f_pow_k).
template <class S>
S apply_op(Op op, const S& a, const S& b, const S& c, bool const_exponent, double exponent) {
  using namespace symbolic::detail;
  switch (op) {
    case Op::Neg: return f_neg(a);
    case Op::Sin: return f_sin(a);
    case Op::Cos: return f_cos(a);
    case Op::Tan: return f_tan(a);
    case Op::Asin: return f_asin(a);
    case Op::Acos: return f_acos(a);
    case Op::Atan: return f_atan(a);
    case Op::Sinh: return f_sinh(a);
    case Op::Cosh: return f_cosh(a);
    case Op::Tanh: return f_tanh(a);
    case Op::Exp: return f_exp(a);
    case Op::Expm1: return f_expm1(a);
    case Op::Log: return f_log(a);
    case Op::Log1p: return f_log1p(a);
    case Op::Sqrt: return f_sqrt(a);
    case Op::Cbrt: return f_cbrt(a);
    case Op::Abs: return f_fabs(a);
    case Op::Sign: return f_sign(a);
    case Op::Floor: return f_floor(a);
    case Op::Ceil: return f_ceil(a);
    case Op::Not: return f_not(a);
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return f_div(a, b);
    case Op::Pow: return const_exponent ? f_pow_k(a, exponent) : f_pow(a, b);
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
    case Op::IfElse: return f_ifelse(a, b, c);
    default: std::abort();
  }
}

// The nodes of g evaluated directly (no bytecode) at (u, p, t): all of them, or those reachable from `roots`
// when given (the others are left 0); u and p long enough for the indices used.
template <class S>
std::vector<S> evaluate_nodes(const Graph& g, const S* u, const S* p, S t, const std::vector<int>* roots = nullptr) {
  const auto& nodes = g.nodes();
  std::vector<S> v(nodes.size());
  const std::vector<char> reach =
      roots ? symbolic::detail::reachable(g, *roots, "evaluate_nodes") : std::vector<char>(nodes.size(), 1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!reach[i]) continue;
    const Node& n = nodes[i];
    switch (n.op) {
      case Op::Const: v[i] = S(n.value); break;
      case Op::Var: v[i] = u[n.a]; break;
      case Op::Param: v[i] = p[n.a]; break;
      case Op::Time: v[i] = t; break;
      default: {
        const S a = v[std::size_t(n.a)], b = n.b >= 0 ? v[std::size_t(n.b)] : S(0.0),
                c = n.c >= 0 ? v[std::size_t(n.c)] : S(0.0);
        const bool k = n.op == Op::Pow && nodes[std::size_t(n.b)].op == Op::Const;
        v[i] = apply_op(n.op, a, b, c, k, k ? nodes[std::size_t(n.b)].value : 0.0);
      }
    }
  }
  return v;
}

// A random graph in u[0..n_u), p[0..n_p) and t, built from the fuzz bytes through Graph's API (so hash-consed
// and simplified as traced code is), with a point (u, p, t) and, for each built expression, its value in IEEE
// arithmetic as written. tainted: a documented inexact identity of the graph (x * 0 -> 0, x + 0 -> x) may have
// changed the value (docs/symbolic.md); those expressions are not compared with the graph.
struct FuzzGraph {
  Graph graph;
  int n_u = 1, n_p = 0;
  std::vector<double> u, p;
  double t = 0;
  std::vector<int> node;           // built expressions: their graph nodes
  std::vector<double> written;     // ... their values as written
  std::vector<char> tainted;       // ... whether an inexact identity may have applied
  std::vector<std::size_t> outs;   // the outputs, as indices into node
  std::vector<int> outputs() const {
    std::vector<int> o;
    for (std::size_t k : outs) o.push_back(node[k]);
    return o;
  }
  std::string text() const { return symbolic::serialize(graph, outputs()); }
};

struct FuzzGraphOptions {
  int max_states = 4, max_params = 2;
  bool moderate = false;          // inputs and constants from [-4, 4] only
  int n_outputs = -1;             // -1: 1 to 4 outputs; else exactly this many
  std::size_t max_steps = 96;
};

inline FuzzGraph build_fuzz_graph(FuzzBytes& in, const FuzzGraphOptions& opt = {}) {
  FuzzGraph f;
  Graph& g = f.graph;
  f.n_u = 1 + int(in.pick(std::size_t(opt.max_states)));
  f.n_p = int(in.pick(std::size_t(opt.max_params) + 1));
  for (int i = 0; i < f.n_u; ++i) f.u.push_back(in.value(opt.moderate));
  for (int i = 0; i < f.n_p; ++i) f.p.push_back(in.value(opt.moderate));
  f.t = in.value(opt.moderate);
  auto is_zero_const = [&](int node) {
    const Node& n = g.node(node);
    return n.op == Op::Const && n.value == 0;
  };
  auto add = [&](int node, double value, bool tainted) {
    f.node.push_back(node);
    f.written.push_back(value);
    f.tainted.push_back(char(tainted));
  };
  auto leaf = [&] {
    switch (in.pick(4)) {
      case 0: {
        const int i = int(in.pick(std::size_t(f.n_u)));
        add(g.var(i), f.u[std::size_t(i)], false);
        break;
      }
      case 1:
        if (f.n_p > 0) {
          const int i = int(in.pick(std::size_t(f.n_p)));
          add(g.param(i), f.p[std::size_t(i)], false);
          break;
        }
        [[fallthrough]];
      case 2: add(g.time(), f.t, false); break;
      default: {
        const double v = in.value(opt.moderate);
        add(g.constant(v), v, false);
      }
    }
  };
  leaf();
  const std::size_t steps = 1 + in.pick(opt.max_steps);
  for (std::size_t s = 0; s < steps && !in.empty(); ++s) {
    const std::size_t kind = in.pick(16);
    auto operand = [&] { return in.pick(f.node.size()); };
    if (kind < 3) {
      leaf();
    } else if (kind < 7) {
      const Op op = fuzz_unary_ops[in.pick(std::size(fuzz_unary_ops))];
      const std::size_t a = operand();
      const double v = apply_op(op, f.written[a], 0.0, 0.0, false, 0.0);
      add(g.unary(op, f.node[a]), v, f.tainted[a]);
    } else if (kind < 15) {
      const Op op = fuzz_binary_ops[in.pick(std::size(fuzz_binary_ops))];
      const std::size_t a = operand(), b = operand();
      const int na = f.node[a], nb = f.node[b];
      const bool k = op == Op::Pow && g.node(nb).op == Op::Const;
      const double v = apply_op(op, f.written[a], f.written[b], 0.0, k, k ? g.node(nb).value : 0.0);
      // the two identities docs/symbolic.md lists as inexact: x * 0 -> 0 and x + 0 -> x (also reached as
      // 0 - (-y) -> 0 + y -> y)
      const bool inexact = (op == Op::Mul && (is_zero_const(na) || is_zero_const(nb))) ||
                           (op == Op::Add && (is_zero_const(na) || is_zero_const(nb))) ||
                           (op == Op::Sub && is_zero_const(na) && g.node(nb).op == Op::Neg);
      add(g.binary(op, na, nb), v, f.tainted[a] || f.tainted[b] || inexact);
    } else {
      const std::size_t a = operand(), b = operand(), c = operand();
      const double v = apply_op(Op::IfElse, f.written[a], f.written[b], f.written[c], false, 0.0);
      add(g.ifelse(f.node[a], f.node[b], f.node[c]), v, f.tainted[a] || f.tainted[b] || f.tainted[c]);
    }
  }
  const std::size_t n_out = opt.n_outputs >= 0 ? std::size_t(opt.n_outputs) : 1 + in.pick(4);
  for (std::size_t k = 0; k < n_out; ++k) {
    // mostly the latest expressions (the deep ones), sometimes any
    const std::size_t m = f.node.size();
    f.outs.push_back(in.byte() < 160 ? m - 1 - in.pick(std::min<std::size_t>(m, 4)) : in.pick(m));
  }
  return f;
}

}  // namespace sciml::fuzz
