// deserialize(text): the inverse of serialize (serialize.hpp): reads the "sciml-symbolic-v1" text (one node per
// line, operands referring to earlier lines, then "out ...") back into a Graph and its output nodes, so that
// serialize(deserialize(serialize(g, o))) == serialize(g, o). Strict: anything malformed throws
// std::invalid_argument naming the line, column and node; time and memory are linear in the text's length.
#pragma once
#include <charconv>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>
#include "graph.hpp"
#include "op.hpp"

namespace sciml::symbolic {

// What deserialize returns: the graph and the node of each output, in the text's order.
struct DeserializedGraph {
  Graph graph;
  std::vector<int> outputs;
};

namespace detail {
inline constexpr std::string_view serialize_magic = "sciml-symbolic-v1";

// A field of a line: its text and 1-based column.
struct TextField {
  std::string_view text;
  std::size_t column;
};

// Reads the text line by line; every error names the line and column (and the node, on a node line).
class TextReader {
 public:
  explicit TextReader(std::string_view s) : s_(s) {}

  bool at_end() const { return pos_ == s_.size(); }
  std::size_t line() const { return line_; }
  std::size_t remaining() const { return s_.size() - pos_; }

  // The next line without its '\n', split at single spaces; a line with no '\n' before the end of the text is
  // an error (truncated text), as are empty fields and bytes other than printable ASCII.
  std::vector<TextField> next_line(const std::string& where) {
    ++line_;
    const std::size_t start = pos_;
    if (start == s_.size()) fail(1, where, "the text ends before the line 'out ...' (truncated?)");
    const std::size_t eol = s_.find('\n', start);
    if (eol == std::string_view::npos)
      fail(s_.size() - start + 1, where, "the text ends inside this line (truncated? every line ends with '\\n')");
    const std::string_view l = s_.substr(start, eol - start);
    pos_ = eol + 1;
    std::vector<TextField> fields;
    std::size_t k = 0;
    while (true) {
      const std::size_t sp = l.find(' ', k);
      const std::string_view f = l.substr(k, sp == std::string_view::npos ? l.size() - k : sp - k);
      if (f.empty())
        fail(k + 1, where,
             l.empty() ? "empty line" : "empty field (two spaces, or a space at the start or end of the line)");
      for (std::size_t c = 0; c < f.size(); ++c)
        if (static_cast<unsigned char>(f[c]) < 0x21 || static_cast<unsigned char>(f[c]) > 0x7e)
          fail(k + c + 1, where, "unexpected byte " + quote(f.substr(c, 1)) + " (only printable ASCII and single "
                                 "spaces between fields)");
      fields.push_back({f, k + 1});
      if (sp == std::string_view::npos) break;
      k = sp + 1;
    }
    return fields;
  }

  [[noreturn]] void fail(std::size_t column, const std::string& where, const std::string& what) const {
    throw std::invalid_argument("deserialize: line " + std::to_string(line_) + ", column " + std::to_string(column) +
                                (where.empty() ? "" : " (" + where + ")") + ": " + what);
  }
  [[noreturn]] void fail_after_last_line(const std::string& what) const {
    throw std::invalid_argument("deserialize: line " + std::to_string(line_ + 1) + ", column 1: " + what);
  }
  [[noreturn]] void fail(const TextField& f, const std::string& where, const std::string& what) const {
    fail(f.column, where, what);
  }

  // 'text' for a message: at most 40 bytes, other than printable ASCII as \xNN.
  static std::string quote(std::string_view t) {
    std::string q = "'";
    for (std::size_t i = 0; i < t.size() && i < 40; ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
        q += char(c);
      } else {
        const char* hex = "0123456789abcdef";
        q += "\\x";
        q += hex[c >> 4];
        q += hex[c & 15];
      }
    }
    if (t.size() > 40) q += "...";
    return q + "'";
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0, line_ = 0;
};

// A decimal integer in [0, limit], written without sign or leading zeros.
inline std::int64_t parse_index(const TextReader& r, const TextField& f, std::int64_t limit, const std::string& where,
                                const char* what) {
  const std::string_view t = f.text;
  bool digits = !t.empty();
  for (char c : t) digits = digits && c >= '0' && c <= '9';
  if (!digits || (t.size() > 1 && t[0] == '0'))
    r.fail(f, where, std::string(what) + " " + TextReader::quote(t) + " is not a decimal integer without sign or "
                         "leading zeros");
  std::int64_t v = 0;
  for (char c : t) {
    v = v * 10 + (c - '0');
    if (v > limit)
      r.fail(f, where, std::string(what) + " " + TextReader::quote(t) + " is too large (at most " +
                           std::to_string(limit) + ")");
  }
  return v;
}

// A constant as serialize writes it: nan, inf, -inf or a finite hexadecimal float with a binary exponent
// ("1.8p+1", "-0p+0", "0.0000000000001p-1022").
inline double parse_constant(const TextReader& r, const TextField& f, const std::string& where) {
  const std::string_view t = f.text;
  if (t == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (t == "inf") return std::numeric_limits<double>::infinity();
  if (t == "-inf") return -std::numeric_limits<double>::infinity();
  auto bad = [&](const std::string& why) {
    r.fail(f, where, "constant " + TextReader::quote(t) + " " + why +
                         " (serialize writes a hexadecimal float such as 1.8p+1, or nan, inf, -inf)");
  };
  const std::size_t body = t.size() > 0 && t[0] == '-' ? 1 : 0;
  auto hexdigit = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  if (t.size() > 64) bad("is too long");
  if (body >= t.size() || !hexdigit(t[body])) bad("does not start with a hexadecimal digit");
  if (t.find('p') == std::string_view::npos) bad("has no binary exponent 'p'");
  for (char c : t.substr(body))
    if (!hexdigit(c) && c != '.' && c != 'p' && c != '+' && c != '-') bad("is not a hexadecimal float");
  double v = 0;
  const auto res = std::from_chars(t.data(), t.data() + t.size(), v, std::chars_format::hex);
  if (res.ec == std::errc::result_out_of_range) bad("is out of the range of double");
  if (res.ec != std::errc() || res.ptr != t.data() + t.size()) bad("is not a hexadecimal float");
  if (v != v || v - v != 0) bad("is not finite");  // spelled nan / inf / -inf instead
  return v;
}

inline bool find_op(std::string_view name, Op& op) {
  for (int i = 0; i < num_ops; ++i)
    if (name == op_names[i]) {
      op = Op(i);
      return true;
    }
  return false;
}
}  // namespace detail

// The graph and outputs of serialize's text. Node lines are "<id> <op> [<constant> | <index>] <operand ids>",
// with ids 0, 1, 2, ... in order and operands earlier ids; the last line is "out" and the output ids. Nodes are
// rebuilt through Graph's API, so equal nodes are shared and the graph's simplifications apply (text from
// serialize is already simplified: it reads back to the same text).
inline DeserializedGraph deserialize(std::string_view text) {
  using detail::TextField;
  detail::TextReader r(text);
  DeserializedGraph result;
  Graph& g = result.graph;
  {
    const auto head = r.next_line("header");
    if (head[0].text != detail::serialize_magic)
      r.fail(head[0], "header", "expected '" + std::string(detail::serialize_magic) + "', found " +
                                    detail::TextReader::quote(head[0].text));
    if (head.size() > 1) r.fail(head[1], "header", "unexpected field " + detail::TextReader::quote(head[1].text));
  }
  std::vector<int> node_of;  // text id -> graph node; one per line read, so bounded by the text's length
  constexpr std::int64_t max_index = std::numeric_limits<std::int32_t>::max();
  while (true) {
    const std::string where = "node " + std::to_string(node_of.size());
    const auto f = r.next_line(where);
    if (f[0].text == "out") {
      for (std::size_t k = 1; k < f.size(); ++k) {
        const auto id = detail::parse_index(r, f[k], max_index, "out", "output");
        if (id >= std::int64_t(node_of.size()))
          r.fail(f[k], "out", "output " + std::to_string(id) + " is not a node (the text has " +
                                  std::to_string(node_of.size()) + " nodes)");
        result.outputs.push_back(node_of[std::size_t(id)]);
      }
      break;
    }
    const auto id = detail::parse_index(r, f[0], max_index - 1, where, "node id");
    if (id != std::int64_t(node_of.size()))
      r.fail(f[0], where, "node id " + std::to_string(id) + " where " + std::to_string(node_of.size()) +
                              " was expected (ids count up from 0, one node per line)");
    if (f.size() < 2) r.fail(f[0].column + f[0].text.size(), where, "the op name is missing");
    Op op{};
    if (!detail::find_op(f[1].text, op)) r.fail(f[1], where, "unknown op " + detail::TextReader::quote(f[1].text));
    const bool has_value = op == Op::Const || op == Op::Var || op == Op::Param;
    const std::size_t want = 2 + (has_value ? 1 : 0) + std::size_t(detail::arity(op));
    if (f.size() != want) {
      const TextField& at = f.size() > want ? f[want] : f.back();
      r.fail(f.size() > want ? at.column : at.column + at.text.size(), where,
             std::string("'") + detail::op_name(op) + "' takes " +
                 (op == Op::Const ? "one constant"
                  : has_value     ? "one index"
                                  : std::to_string(detail::arity(op)) + " operand(s)") +
                 ", the line has " + std::to_string(f.size() - 2) + " field(s) after the op");
    }
    int operand[3] = {-1, -1, -1};
    for (int k = 0; k < detail::arity(op); ++k) {
      const TextField& of = f[std::size_t(2 + k)];
      const auto o = detail::parse_index(r, of, max_index, where, "operand");
      if (o >= id)
        r.fail(of, where, "operand " + std::to_string(o) + " is not an earlier node (operands refer back)");
      operand[k] = node_of[std::size_t(o)];
    }
    int node;
    switch (op) {
      case Op::Const: node = g.constant(detail::parse_constant(r, f[2], where)); break;
      case Op::Var: node = g.var(int(detail::parse_index(r, f[2], max_index, where, "u index"))); break;
      case Op::Param: node = g.param(int(detail::parse_index(r, f[2], max_index, where, "p index"))); break;
      case Op::Time: node = g.time(); break;
      case Op::IfElse: node = g.ifelse(operand[0], operand[1], operand[2]); break;
      default:
        node = detail::arity(op) == 1 ? g.unary(op, operand[0]) : g.binary(op, operand[0], operand[1]);
        break;
    }
    node_of.push_back(node);
  }
  if (!r.at_end())
    r.fail_after_last_line("unexpected text after the 'out' line (" + std::to_string(r.remaining()) + " bytes)");
  return result;
}

}  // namespace sciml::symbolic
