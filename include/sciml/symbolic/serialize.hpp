// serialize(graph, outputs): a canonical, stable text of the nodes reachable from the outputs, renumbered in a
// post-order that does not depend on the order unrelated nodes were built in (commutative operands ordered by a
// structural hash), constants written exactly in hexadecimal. Equal expressions give equal text: Python hashes
// it (sha256) into the key of its compile cache.
#pragma once
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "graph.hpp"

namespace sciml::symbolic {

namespace detail {
inline std::string exact_hex(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::hex);
  return std::string(buf, res.ptr);
}
inline std::uint64_t mix64(std::uint64_t h, std::uint64_t x) {
  h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}
// The nodes reachable from `roots` (operands have smaller indices, so one descending sweep finds them).
inline std::vector<char> reachable(const Graph& g, const std::vector<int>& roots, const char* who) {
  std::vector<char> r(g.size(), 0);
  int top = -1;
  for (int o : roots) {
    if (o < 0 || std::size_t(o) >= g.size())
      throw std::invalid_argument(std::string(who) + ": output node " + std::to_string(o) +
                                  " out of range (the graph has " + std::to_string(g.size()) + " nodes)");
    r[std::size_t(o)] = 1;
    top = std::max(top, o);
  }
  for (int i = top; i >= 0; --i) {
    if (!r[std::size_t(i)]) continue;
    const Node& n = g.nodes()[std::size_t(i)];
    if (is_leaf(n.op)) continue;
    for (int o : {n.a, n.b, n.c})
      if (o >= 0) r[std::size_t(o)] = 1;
  }
  return r;
}
}  // namespace detail

inline std::string serialize(const Graph& g, const std::vector<int>& outputs) {
  const auto& nodes = g.nodes();
  const std::vector<char> reach = detail::reachable(g, outputs, "serialize");
  // structural hashes, independent of node numbering
  std::vector<std::uint64_t> h(nodes.size(), 0);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!reach[i]) continue;
    const Node& n = nodes[i];
    std::uint64_t x = detail::mix64(0x5C1A1ull, std::uint64_t(n.op));
    if (n.op == Op::Const) x = detail::mix64(x, detail::double_bits(n.value));
    else if (n.op == Op::Var || n.op == Op::Param) x = detail::mix64(x, std::uint64_t(n.a));
    else if (!detail::is_leaf(n.op)) {
      std::uint64_t ha = h[std::size_t(n.a)], hb = n.b >= 0 ? h[std::size_t(n.b)] : 0;
      if (detail::is_commutative(n.op) && hb < ha) std::swap(ha, hb);
      x = detail::mix64(detail::mix64(x, ha), hb);
      if (n.c >= 0) x = detail::mix64(x, h[std::size_t(n.c)]);
    }
    h[i] = x;
  }
  auto operands = [&](int i) {
    const Node& n = nodes[std::size_t(i)];
    std::vector<int> ops;
    if (detail::is_leaf(n.op)) return ops;
    for (int o : {n.a, n.b, n.c})
      if (o >= 0) ops.push_back(o);
    if (detail::is_commutative(n.op) && std::make_pair(h[std::size_t(ops[1])], ops[1]) <
                                            std::make_pair(h[std::size_t(ops[0])], ops[0]))
      std::swap(ops[0], ops[1]);
    return ops;
  };
  // post-order numbering from the outputs in order
  std::vector<int> id(nodes.size(), -1);
  std::string text = "sciml-symbolic-v1\n";
  int next = 0;
  std::vector<std::pair<int, std::size_t>> stack;  // (node, operands visited)
  for (int root : outputs) {
    if (id[std::size_t(root)] >= 0) continue;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [i, k] = stack.back();
      const std::vector<int> ops = operands(i);
      while (k < ops.size() && id[std::size_t(ops[k])] >= 0) ++k;
      if (k < ops.size()) {
        stack.push_back({ops[k], 0});
        continue;
      }
      const Node& n = nodes[std::size_t(i)];
      id[std::size_t(i)] = next;
      text += std::to_string(next++) + ' ' + detail::op_name(n.op);
      if (n.op == Op::Const) text += ' ' + detail::exact_hex(n.value);
      else if (n.op == Op::Var || n.op == Op::Param) text += ' ' + std::to_string(n.a);
      for (int o : ops) text += ' ' + std::to_string(id[std::size_t(o)]);
      text += '\n';
      stack.pop_back();
    }
  }
  text += "out";
  for (int o : outputs) text += ' ' + std::to_string(id[std::size_t(o)]);
  text += '\n';
  return text;
}

}  // namespace sciml::symbolic
