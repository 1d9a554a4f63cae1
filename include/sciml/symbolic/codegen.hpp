// emit_c(graph, outputs, symbol): self-contained C source (only <math.h>) of
// `void symbol(const double* u, const double* p, double t, double* out)`, straight-line code with one local per
// reachable node, constants in exact round-trip decimal and the VM's semantics for every Op (the same special
// powers, floored Mod, Sign(0) = 0, 1.0 / 0.0 comparisons). Compile with -ffp-contract=off (also set by pragma).
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>
#include "expression_graph.hpp"
#include "scalar_ops.hpp"

namespace sciml::symbolic {

namespace detail {
// A C double literal that reads back to exactly v.
inline std::string c_literal(double v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "(-INFINITY)";
  std::string s = shortest(v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s[0] == '-' ? "(" + s + ")" : s;
}
inline bool is_c_keyword(const std::string& s) {
  static const char* const kw[] = {
      "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
      "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
      "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "asm",
      "typeof", "bool", "true", "false", "alignas", "alignof", "nullptr", "static_assert", "thread_local"};
  for (const char* k : kw)
    if (s == k) return true;
  return s.size() >= 2 && s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'));  // reserved
}
inline void check_c_symbol(const std::string& s) {
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  bool ok = !s.empty() && s.size() <= 256 && alpha(s[0]);
  for (char c : s) ok = ok && (alpha(c) || (c >= '0' && c <= '9'));
  if (!ok) throw std::invalid_argument("emit_c: symbol '" + s + "' is not a C identifier [A-Za-z_][A-Za-z0-9_]*");
  if (is_c_keyword(s) || s.rfind("sciml_h_", 0) == 0)
    throw std::invalid_argument("emit_c: symbol '" + s + "' is a C keyword, reserved or a generated helper's name");
}
}  // namespace detail

inline std::string emit_c(const Graph& g, const std::vector<int>& outputs, const std::string& symbol) {
  detail::check_c_symbol(symbol);
  const auto& nodes = g.nodes();
  const std::vector<char> reach = detail::reachable(g, outputs, "emit_c");
  auto name = [&](int i) -> std::string {
    const Node& n = nodes[std::size_t(i)];
    return n.op == Op::Const ? detail::c_literal(n.value) : std::string("v") + std::to_string(i);
  };
  bool use_sign = false, use_mod = false, use_min = false, use_max = false;
  std::string body;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!reach[i] || nodes[i].op == Op::Const) continue;
    const Node& n = nodes[i];
    std::string a = n.a >= 0 && !detail::is_leaf(n.op) ? name(n.a) : "", b = n.b >= 0 ? name(n.b) : "",
                c = n.c >= 0 ? name(n.c) : "";
    auto call = [&](const char* f) { return std::string(f) + "(" + a + ")"; };
    auto call2 = [&](const char* f) { return std::string(f) + "(" + a + ", " + b + ")"; };
    auto infix = [&](const char* op) { return a + " " + op + " " + b; };
    auto truth = [&](const std::string& cond) { return "(" + cond + ") ? 1.0 : 0.0"; };
    std::string e;
    switch (n.op) {
      case Op::Var: e = std::string("u[") + std::to_string(n.a) + "]"; break;
      case Op::Param: e = std::string("p[") + std::to_string(n.a) + "]"; break;
      case Op::Time: e = "t"; break;
      case Op::Neg: e = "-" + a; break;
      case Op::Sin: e = call("sin"); break;
      case Op::Cos: e = call("cos"); break;
      case Op::Tan: e = call("tan"); break;
      case Op::Asin: e = call("asin"); break;
      case Op::Acos: e = call("acos"); break;
      case Op::Atan: e = call("atan"); break;
      case Op::Sinh: e = call("sinh"); break;
      case Op::Cosh: e = call("cosh"); break;
      case Op::Tanh: e = call("tanh"); break;
      case Op::Exp: e = call("exp"); break;
      case Op::Expm1: e = call("expm1"); break;
      case Op::Log: e = call("log"); break;
      case Op::Log1p: e = call("log1p"); break;
      case Op::Sqrt: e = call("sqrt"); break;
      case Op::Cbrt: e = call("cbrt"); break;
      case Op::Abs: e = call("fabs"); break;
      case Op::Sign: e = call("sciml_h_sign"), use_sign = true; break;
      case Op::Floor: e = call("floor"); break;
      case Op::Ceil: e = call("ceil"); break;
      case Op::Not: e = truth(a + " == 0.0"); break;
      case Op::Add: e = infix("+"); break;
      case Op::Sub: e = infix("-"); break;
      case Op::Mul: e = infix("*"); break;
      case Op::Div: e = infix("/"); break;
      case Op::Pow:
        if (nodes[std::size_t(n.b)].op != Op::Const) {
          e = call2("pow");
          break;
        }
        switch (detail::pow_kind(nodes[std::size_t(n.b)].value)) {
          case detail::PowKind::Square: e = a + " * " + a; break;
          case detail::PowKind::Cube: e = a + " * " + a + " * " + a; break;
          case detail::PowKind::Fourth: e = "(" + a + " * " + a + ") * (" + a + " * " + a + ")"; break;
          case detail::PowKind::Recip: e = "1.0 / " + a; break;
          case detail::PowKind::RecipSquare: e = "1.0 / (" + a + " * " + a + ")"; break;
          case detail::PowKind::Sqrt: e = call("sqrt"); break;
          case detail::PowKind::RecipSqrt: e = "1.0 / sqrt(" + a + ")"; break;
          default: e = call2("pow"); break;
        }
        break;
      case Op::Atan2: e = call2("atan2"); break;
      case Op::Min: e = call2("sciml_h_min"), use_min = true; break;
      case Op::Max: e = call2("sciml_h_max"), use_max = true; break;
      case Op::Mod: e = call2("sciml_h_mod"), use_mod = true; break;
      case Op::Lt: e = truth(infix("<")); break;
      case Op::Le: e = truth(infix("<=")); break;
      case Op::Gt: e = truth(infix(">")); break;
      case Op::Ge: e = truth(infix(">=")); break;
      case Op::Eq: e = truth(infix("==")); break;
      case Op::Ne: e = truth(infix("!=")); break;
      case Op::And: e = truth(a + " != 0.0 && " + b + " != 0.0"); break;
      case Op::Or: e = truth(a + " != 0.0 || " + b + " != 0.0"); break;
      case Op::IfElse: e = "(" + a + " != 0.0) ? " + b + " : " + c; break;
      default: throw std::logic_error("emit_c: unhandled op");
    }
    body += std::string("  const double v") + std::to_string(i) + " = " + e + ";\n";
  }
  std::string src =
      "/* Generated by sciml.cpp (sciml::symbolic::emit_c). */\n"
      "#include <math.h>\n"
      "#if defined(__clang__)\n#pragma STDC FP_CONTRACT OFF\n"
      "#elif defined(__GNUC__)\n#pragma GCC optimize(\"fp-contract=off\")\n#endif\n";
  if (use_sign) src += "static double sciml_h_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }\n";
  if (use_min) src += "static double sciml_h_min(double a, double b) { return (a < b || a != a) ? a : b; }\n";
  if (use_max) src += "static double sciml_h_max(double a, double b) { return (a > b || a != a) ? a : b; }\n";
  if (use_mod)
    src +=
        "static double sciml_h_mod(double a, double b) {\n"
        "  double r = fmod(a, b);\n"
        "  if (r != 0) { if ((r < 0) != (b < 0)) r += b; } else { r = copysign(0.0, b); }\n"
        "  return r;\n}\n";
  src += "void " + symbol + "(const double* u, const double* p, double t, double* out) {\n";
  src += "  (void)u;\n  (void)p;\n  (void)t;\n" + body;
  for (std::size_t k = 0; k < outputs.size(); ++k)
    src += std::string("  out[") + std::to_string(k) + "] = " + name(outputs[k]) + ";\n";
  src += "}\n";
  return src;
}

}  // namespace sciml::symbolic
