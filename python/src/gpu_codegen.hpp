// emit_kernel_functor(graph, outputs, name): C++ source of a SCIML_HD functor `struct name` with
//   template <class U, class P, class T> SCIML_HD U operator()(const U& u, const P& p, T t) const
// computing a traced right-hand side on fixed-size states (sciml::SVector) of float, double or sciml::Dual (the
// Rosenbrock methods' Jacobians and time derivatives by AD), for EnsembleGPUKernel's generated CUDA source.
// Straight-line code like emit_c (codegen.hpp), with the same special powers, calling scalar_ops.hpp's functions
// for every non-arithmetic Op (floored Mod, Sign(0) = 0, NaN-propagating Min/Max, comparisons giving 1 / 0, ...),
// the single definition of their semantics and exact derivatives on dual numbers, also on the device.
#pragma once
#include <string>
#include <vector>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/expression_graph.hpp>
#include <sciml/symbolic/scalar_ops.hpp>

namespace sciml::python {

// What the functor needs before it: the scalar functions it calls, sciml::symbolic::detail's f_* from
// scalar_ops.hpp (the same code the graph's constant folding and the bytecode VM run), which are SCIML_HD and
// generic over float, double and sciml::Dual<T, N>.
inline const char* kernel_prelude() { return "#include <sciml/symbolic/scalar_ops.hpp>\n"; }

// The functor (after kernel_prelude()): one local per reachable node, constants as exact decimal literals.
inline std::string emit_kernel_functor(const symbolic::Graph& g, const std::vector<int>& outputs,
                                       const std::string& name) {
  using symbolic::Node;
  using symbolic::Op;
  symbolic::detail::check_c_symbol(name);
  const auto& nodes = g.nodes();
  const std::vector<char> reach = symbolic::detail::reachable(g, outputs, "emit_kernel_functor");
  auto ref = [&](int i) -> std::string {
    const Node& n = nodes[std::size_t(i)];
    return n.op == Op::Const ? "S(" + symbolic::detail::c_literal(n.value) + ")" : "v" + std::to_string(i);
  };
  std::string body;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!reach[i] || nodes[i].op == Op::Const) continue;
    const Node& n = nodes[i];
    const bool leaf = symbolic::detail::is_leaf(n.op);
    const std::string a = n.a >= 0 && !leaf ? ref(n.a) : "", b = n.b >= 0 ? ref(n.b) : "",
                      c = n.c >= 0 ? ref(n.c) : "";
    auto call = [&](const char* f) { return std::string("ops::") + f + "(" + a + ")"; };
    auto call2 = [&](const char* f) { return std::string("ops::") + f + "(" + a + ", " + b + ")"; };
    std::string e;
    switch (n.op) {
      case Op::Var: e = "u[" + std::to_string(n.a) + "]"; break;
      case Op::Param: e = "S(p[" + std::to_string(n.a) + "])"; break;
      case Op::Time: e = "S(t)"; break;
      case Op::Neg: e = "-" + a; break;
      case Op::Sin: e = call("f_sin"); break;
      case Op::Cos: e = call("f_cos"); break;
      case Op::Tan: e = call("f_tan"); break;
      case Op::Asin: e = call("f_asin"); break;
      case Op::Acos: e = call("f_acos"); break;
      case Op::Atan: e = call("f_atan"); break;
      case Op::Sinh: e = call("f_sinh"); break;
      case Op::Cosh: e = call("f_cosh"); break;
      case Op::Tanh: e = call("f_tanh"); break;
      case Op::Exp: e = call("f_exp"); break;
      case Op::Expm1: e = call("f_expm1"); break;
      case Op::Log: e = call("f_log"); break;
      case Op::Log1p: e = call("f_log1p"); break;
      case Op::Sqrt: e = call("f_sqrt"); break;
      case Op::Cbrt: e = call("f_cbrt"); break;
      case Op::Abs: e = call("f_fabs"); break;
      case Op::Sign: e = call("f_sign"); break;
      case Op::Floor: e = call("f_floor"); break;
      case Op::Ceil: e = call("f_ceil"); break;
      case Op::Not: e = call("f_not"); break;
      case Op::Add: e = a + " + " + b; break;
      case Op::Sub: e = a + " - " + b; break;
      case Op::Mul: e = a + " * " + b; break;
      case Op::Div: e = call2("f_div"); break;
      case Op::Pow: {
        if (nodes[std::size_t(n.b)].op != Op::Const) {
          e = call2("f_pow");
          break;
        }
        const double k = nodes[std::size_t(n.b)].value;
        using symbolic::detail::PowKind;
        switch (symbolic::detail::pow_kind(k)) {
          case PowKind::Square: e = call("f_square"); break;
          case PowKind::Cube: e = call("f_cube"); break;
          case PowKind::Fourth: e = call("f_fourth"); break;
          case PowKind::Recip: e = call("f_recip"); break;
          case PowKind::RecipSquare: e = call("f_recip_square"); break;
          case PowKind::Sqrt: e = call("f_sqrt"); break;
          case PowKind::RecipSqrt: e = call("f_recip_sqrt"); break;
          default: e = "ops::f_pow_general_k(" + a + ", " + symbolic::detail::c_literal(k) + ")"; break;
        }
        break;
      }
      case Op::Atan2: e = call2("f_atan2"); break;
      case Op::Min: e = call2("f_min"); break;
      case Op::Max: e = call2("f_max"); break;
      case Op::Mod: e = call2("f_mod"); break;
      case Op::Lt: e = call2("f_lt"); break;
      case Op::Le: e = call2("f_le"); break;
      case Op::Gt: e = call2("f_gt"); break;
      case Op::Ge: e = call2("f_ge"); break;
      case Op::Eq: e = call2("f_eq"); break;
      case Op::Ne: e = call2("f_ne"); break;
      case Op::And: e = call2("f_and"); break;
      case Op::Or: e = call2("f_or"); break;
      case Op::IfElse: e = "ops::f_ifelse(" + a + ", " + b + ", " + c + ")"; break;
      default: throw std::logic_error("emit_kernel_functor: unhandled op");
    }
    body += "    const S v" + std::to_string(i) + " = " + e + ";\n";
  }
  std::string src = "struct " + name + " {\n";
  src += "  template <class U, class P, class T>\n";
  src += "  SCIML_HD U operator()(const U& u, const P& p, T t) const {\n";
  src += "    using S = typename U::value_type;\n";
  src += "    namespace ops = sciml::symbolic::detail;\n";
  src += "    (void)u;\n    (void)p;\n    (void)t;\n";
  src += body;
  src += "    return U{";
  for (std::size_t k = 0; k < outputs.size(); ++k) src += (k ? ", " : "") + ref(outputs[k]);
  src += "};\n  }\n};\n";
  return src;
}

}  // namespace sciml::python
