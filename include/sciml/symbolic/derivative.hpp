// Symbolic derivatives in the same Graph: differentiate(g, node, wrt) builds d node / d wrt by the chain rule
// (shared subexpressions differentiated once, zero derivatives pruned), jacobian(f) the structurally nonzero
// entries of df/du as a CSR pattern plus one graph node per entry, time_derivative(f) the nodes of df/dt.
// Derivatives match the VM's dual-number semantics (scalar_ops.hpp), also at the kinks of Abs, Min, Max.
#pragma once
#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>
#include "../linalg/sparsity.hpp"
#include "expression_graph.hpp"

namespace sciml::symbolic {

namespace detail {
inline bool is_zero_node(const Graph& g, int i) {
  const Node& n = g.nodes()[std::size_t(i)];
  return n.op == Op::Const && n.value == 0;
}

// d(node i)/d(wrt) from the derivatives of its operands (d(o) for an operand o).
template <class D>
int derivative_step(Graph& g, int i, const D& d, Op wrt_kind, int wrt_index) {
  const Node n = g.nodes()[std::size_t(i)];  // a copy: g grows below
  const int zero = g.constant(0.0);
  auto k = [&](double v) { return g.constant(v); };
  auto un = [&](Op op, int x) { return g.unary(op, x); };
  auto bin = [&](Op op, int x, int y) { return g.binary(op, x, y); };
  auto mul = [&](int x, int y) { return bin(Op::Mul, x, y); };
  auto sq = [&](int x) { return bin(Op::Pow, x, k(2)); };
  switch (n.op) {
    case Op::Const: return zero;
    case Op::Param: return wrt_kind == Op::Param && n.a == wrt_index ? k(1) : zero;
    case Op::Var: return wrt_kind == Op::Var && n.a == wrt_index ? k(1) : zero;
    case Op::Time: return wrt_kind == Op::Time ? k(1) : zero;
    case Op::IfElse: {
      const int db = d(n.b), dc = d(n.c);
      return is_zero_node(g, db) && is_zero_node(g, dc) ? zero : g.ifelse(n.a, db, dc);
    }
    default: break;
  }
  if (is_piecewise_constant(n.op)) return zero;
  const int x = n.a, da = d(n.a);
  if (is_unary(n.op)) {
    if (is_zero_node(g, da)) return zero;
    switch (n.op) {
      case Op::Neg: return un(Op::Neg, da);
      case Op::Sin: return mul(un(Op::Cos, x), da);
      case Op::Cos: return un(Op::Neg, mul(un(Op::Sin, x), da));
      case Op::Tan: return mul(bin(Op::Add, k(1), sq(i)), da);
      case Op::Asin: return bin(Op::Div, da, un(Op::Sqrt, bin(Op::Sub, k(1), sq(x))));
      case Op::Acos: return un(Op::Neg, bin(Op::Div, da, un(Op::Sqrt, bin(Op::Sub, k(1), sq(x)))));
      case Op::Atan: return bin(Op::Div, da, bin(Op::Add, k(1), sq(x)));
      case Op::Sinh: return mul(un(Op::Cosh, x), da);
      case Op::Cosh: return mul(un(Op::Sinh, x), da);
      case Op::Tanh: return mul(bin(Op::Sub, k(1), sq(i)), da);
      case Op::Exp: return mul(i, da);
      case Op::Expm1: return mul(un(Op::Exp, x), da);
      case Op::Log: return bin(Op::Div, da, x);
      case Op::Log1p: return bin(Op::Div, da, bin(Op::Add, k(1), x));
      case Op::Sqrt: return bin(Op::Div, da, mul(k(2), i));
      case Op::Cbrt: return bin(Op::Div, da, mul(k(3), sq(i)));
      case Op::Abs: return mul(un(Op::Sign, x), da);
      default: throw std::logic_error("derivative: unhandled unary op");
    }
  }
  const int y = n.b, db = d(n.b);
  const bool za = is_zero_node(g, da), zb = is_zero_node(g, db);
  if (za && zb) return zero;
  switch (n.op) {
    case Op::Add: return bin(Op::Add, da, db);
    case Op::Sub: return bin(Op::Sub, da, db);
    case Op::Mul: return bin(Op::Add, mul(da, y), mul(x, db));
    case Op::Div: return zb ? bin(Op::Div, da, y) : bin(Op::Div, bin(Op::Sub, da, mul(i, db)), y);
    case Op::Pow: {
      const Node& e = g.nodes()[std::size_t(y)];
      if (e.op == Op::Const) {
        const double c = e.value;
        return mul(mul(k(c), bin(Op::Pow, x, k(c - 1))), da);
      }
      // y x^(y-1) x' + x^y log(x) y'  (the first term alone where y is constant: fine for x < 0). The second
      // term is 0 where y' is 0 at the point, not log(x < 0) * 0 = NaN: as f_pow on dual numbers (found by
      // fuzzing, tests/regression/test_symbolic_pow_derivative_negative_base.cpp).
      const int t1 = za ? zero : mul(mul(y, bin(Op::Pow, x, bin(Op::Sub, y, k(1)))), da);
      const int t2 = zb ? zero : g.ifelse(bin(Op::Ne, db, zero), mul(mul(i, un(Op::Log, x)), db), zero);
      return bin(Op::Add, t1, t2);
    }
    case Op::Atan2:  // atan2(x, y)' = (y x' - x y') / (x^2 + y^2)
      return bin(Op::Div, bin(Op::Sub, mul(y, da), mul(x, db)), bin(Op::Add, sq(x), sq(y)));
    case Op::Min: return g.ifelse(bin(Op::Lt, x, y), da, db);  // as f_min: a tie takes the second operand
    case Op::Max: return g.ifelse(bin(Op::Gt, x, y), da, db);
    case Op::Mod: return bin(Op::Sub, da, mul(un(Op::Floor, bin(Op::Div, x, y)), db));
    default: throw std::logic_error("derivative: unhandled binary op");
  }
}

// differentiate with nodes for which skip(i) holds known to have derivative 0 (not traversed).
template <class Skip>
int differentiate_pruned(Graph& g, int node, Op wrt_kind, int wrt_index, std::unordered_map<int, int>& memo,
                         const Skip& skip) {
  if (wrt_kind != Op::Var && wrt_kind != Op::Param && wrt_kind != Op::Time)
    throw std::invalid_argument(std::string("differentiate: wrt_kind must be Op::Var, Op::Param or Op::Time, not '") +
                                detail::op_name(wrt_kind) + "'");
  if (wrt_kind != Op::Time && wrt_index < 0)
    throw std::invalid_argument(std::string("differentiate: negative index ") + std::to_string(wrt_index));
  if (node < 0 || std::size_t(node) >= g.size())
    throw std::invalid_argument(std::string("differentiate: node index ") + std::to_string(node) + " out of range");
  if (auto it = memo.find(node); it != memo.end()) return it->second;
  // the nodes still to differentiate, found without recursion, then done in topological (index) order
  std::vector<int> todo, stack{node};
  std::unordered_map<int, char> seen{{node, 1}};
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    if (skip(i)) {
      memo.emplace(i, g.constant(0.0));
      continue;
    }
    todo.push_back(i);
    const Node& n = g.nodes()[std::size_t(i)];
    if (is_leaf(n.op)) continue;
    for (int o : {n.a, n.b, n.c})
      if (o >= 0 && !memo.count(o) && seen.emplace(o, 1).second) stack.push_back(o);
  }
  std::sort(todo.begin(), todo.end());
  auto d = [&](int o) { return memo.at(o); };
  for (int i : todo) {
    const int r = derivative_step(g, i, d, wrt_kind, wrt_index);
    memo[i] = r;
  }
  return memo.at(node);
}

// Checks f and returns, for each node reachable from its outputs, the sorted states it depends on (empty
// elsewhere) and whether it depends on t.
inline void dependencies(const Function& f, const char* who, std::vector<std::vector<int>>& deps,
                         std::vector<char>& on_time) {
  const Graph& g = f.graph;
  if (f.n_states < 0 || f.outputs.size() != std::size_t(f.n_states))
    throw std::invalid_argument(std::string(who) + ": the function has " + std::to_string(f.outputs.size()) +
                                " outputs for " + std::to_string(f.n_states) + " states");
  const std::vector<char> reach = reachable(g, f.outputs, who);
  deps.assign(g.size(), {});
  on_time.assign(g.size(), 0);
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!reach[i]) continue;
    const Node& n = g.nodes()[i];
    if (n.op == Op::Var) {
      if (n.a >= f.n_states)
        throw std::invalid_argument(std::string(who) + ": u[" + std::to_string(n.a) + "] used but the function has " +
                                    std::to_string(f.n_states) + " states");
      deps[i] = {n.a};
    } else if (n.op == Op::Param) {
      if (n.a >= f.n_params)
        throw std::invalid_argument(std::string(who) + ": p[" + std::to_string(n.a) + "] used but the function has " +
                                    std::to_string(f.n_params) + " parameters");
    } else if (n.op == Op::Time) {
      on_time[i] = 1;
    } else if (!is_leaf(n.op)) {
      for (int o : {n.a, n.b, n.c}) {
        if (o < 0) continue;
        on_time[i] = char(on_time[i] | on_time[std::size_t(o)]);
        const auto& od = deps[std::size_t(o)];
        if (od.empty()) continue;
        std::vector<int> u(deps[i].size() + od.size());
        u.erase(std::set_union(deps[i].begin(), deps[i].end(), od.begin(), od.end(), u.begin()), u.end());
        deps[i] = std::move(u);
      }
    }
  }
}
}  // namespace detail

// d node / d wrt, wrt = u[wrt_index] (wrt_kind Op::Var), p[wrt_index] (Op::Param) or t (Op::Time), built in g. memo maps nodes to their
// derivative nodes for this one wrt; reuse it across calls with the same wrt to share the work.
inline int differentiate(Graph& g, int node, Op wrt_kind, int wrt_index, std::unordered_map<int, int>& memo) {
  return detail::differentiate_pruned(g, node, wrt_kind, wrt_index, memo, [](int) { return false; });
}

struct SparseJacobian {
  SparsityPattern pattern;  // n x n, columns sorted within each row
  std::vector<int> values;  // values[k]: the graph node of the k-th nonzero (CSR order)
};

namespace detail {
// rows[i] = (column, node) pairs in column order -> the CSR pattern and the node of each nonzero
inline SparseJacobian to_csr(const std::vector<std::vector<std::pair<int, int>>>& rows) {
  SparseJacobian J;
  J.pattern.n = rows.size();
  J.pattern.row_ptr.assign(1, 0);
  for (const auto& row : rows) {
    for (auto [j, node] : row) {
      J.pattern.col.push_back(std::size_t(j));
      J.values.push_back(node);
    }
    J.pattern.row_ptr.push_back(J.pattern.col.size());
  }
  return J;
}
}  // namespace detail

// df/du: the entries whose derivative does not fold to the constant 0, their nodes added to f.graph.
inline SparseJacobian jacobian(Function& f) {
  std::vector<std::vector<int>> deps;
  std::vector<char> on_time;
  detail::dependencies(f, "jacobian", deps, on_time);
  const std::size_t n = std::size_t(f.n_states);
  const std::size_t n0 = f.graph.size();  // deps cover the nodes that existed before differentiating
  std::vector<std::vector<int>> rows_of(n);  // column j -> rows whose output depends on u[j]
  for (std::size_t i = 0; i < n; ++i)
    for (int j : deps[std::size_t(f.outputs[i])]) rows_of[std::size_t(j)].push_back(int(i));
  std::vector<std::vector<std::pair<int, int>>> rows(n);  // row i -> (column, node)
  for (std::size_t j = 0; j < n; ++j) {
    std::unordered_map<int, int> memo;
    auto skip = [&](int node) {
      if (std::size_t(node) >= n0) return false;
      const auto& d = deps[std::size_t(node)];
      return !std::binary_search(d.begin(), d.end(), int(j));
    };
    for (int i : rows_of[j]) {
      const int dij = detail::differentiate_pruned(f.graph, f.outputs[std::size_t(i)], Op::Var, int(j), memo, skip);
      if (!detail::is_zero_node(f.graph, dij)) rows[std::size_t(i)].push_back({int(j), dij});
    }
  }
  return detail::to_csr(rows);
}

// df/dp (n x np): the entries that do not fold to the constant 0, their nodes added to f.graph (adjoints).
inline SparseJacobian param_jacobian(Function& f) {
  const std::size_t n = f.outputs.size(), np = std::size_t(f.n_params);
  std::vector<std::vector<std::pair<int, int>>> rows(n);
  for (std::size_t j = 0; j < np; ++j) {
    std::unordered_map<int, int> memo;
    for (std::size_t i = 0; i < n; ++i) {
      const int dij = differentiate(f.graph, f.outputs[i], Op::Param, int(j), memo);
      if (!detail::is_zero_node(f.graph, dij)) rows[i].push_back({int(j), dij});
    }
  }
  return detail::to_csr(rows);
}

// df_i/dt (the explicit time dependence), one node per output, added to f.graph.
inline std::vector<int> time_derivative(Function& f) {
  std::vector<std::vector<int>> deps;
  std::vector<char> on_time;
  detail::dependencies(f, "time_derivative", deps, on_time);
  const std::size_t n0 = f.graph.size();
  std::unordered_map<int, int> memo;
  auto skip = [&](int node) { return std::size_t(node) < n0 && !on_time[std::size_t(node)]; };
  std::vector<int> r;
  for (int o : f.outputs) r.push_back(detail::differentiate_pruned(f.graph, o, Op::Time, 0, memo, skip));
  return r;
}

}  // namespace sciml::symbolic
