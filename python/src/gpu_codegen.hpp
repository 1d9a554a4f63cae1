// emit_kernel_functor(graph, outputs, name): C++ source of a SCIML_HD functor `struct name` with
//   template <class U, class P, class T> SCIML_HD U operator()(const U& u, const P& p, T t) const
// computing a traced right-hand side on fixed-size states (sciml::SVector) of float, double or sciml::Dual (the
// Rosenbrock methods' Jacobians and time derivatives by AD), for EnsembleGPUKernel's generated CUDA source.
// Straight-line code like emit_c (codegen.hpp), with the same special powers and the VM's semantics for every
// Op (scalar_ops.hpp: floored Mod, Sign(0) = 0, NaN-propagating Min/Max, comparisons giving 1 / 0) through a
// device-safe prelude of scalar functions, each with its exact derivative on dual numbers.
#pragma once
#include <string>
#include <vector>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/expression_graph.hpp>
#include <sciml/symbolic/scalar_ops.hpp>

namespace sciml::python {

// The scalar functions the functor calls (namespace sciml_gen), for S = float, double and sciml::Dual<T, N>.
inline const char* kernel_prelude() {
  return R"PRELUDE(namespace sciml_gen {
template <class S>
struct is_dual { static constexpr bool value = false; };
template <class T, int N>
struct is_dual<sciml::Dual<T, N>> { static constexpr bool value = true; };
template <class S>
SCIML_HD inline S primal(const S& x) { return x; }
template <class T, int N>
SCIML_HD inline T primal(const sciml::Dual<T, N>& x) { return x.val; }
template <class S>
SCIML_HD inline S truth(bool c) { return c ? S(1) : S(0); }
template <class R>
SCIML_HD inline R sign_r(R x) { return x > R(0) ? R(1) : x < R(0) ? R(-1) : x; }
template <class R>
SCIML_HD inline R mod_r(R a, R b) {
  using std::fmod;
  using std::copysign;
  R r = fmod(a, b);
  if (r != R(0)) {
    if ((r < R(0)) != (b < R(0))) r += b;
  } else {
    r = copysign(R(0), b);
  }
  return r;
}
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> binary_chain(const sciml::Dual<T, N>& x, const sciml::Dual<T, N>& y, T v, T dx,
                                               T dy) {
  sciml::Dual<T, N> r(v);
  for (int i = 0; i < N; ++i) r.der[i] = dx * x.der[i] + dy * y.der[i];
  return r;
}
// NAME(x): the function VAL of a (the argument's value) and, on dual numbers, the derivative DER of a and v
#define SCIML_GEN_UNARY(NAME, VAL, DER)                                                              \
  template <class S>                                                                                 \
  SCIML_HD inline S NAME(const S& x) {                                                               \
    using std::sin, std::cos, std::tan, std::asin, std::acos, std::atan, std::sinh, std::cosh,       \
        std::tanh, std::exp, std::expm1, std::log, std::log1p, std::sqrt, std::cbrt, std::fabs,      \
        std::floor, std::ceil;                                                                       \
    const S a = x;                                                                                   \
    return VAL;                                                                                      \
  }                                                                                                  \
  template <class T, int N>                                                                          \
  SCIML_HD inline sciml::Dual<T, N> NAME(const sciml::Dual<T, N>& x) {                               \
    using std::sin, std::cos, std::tan, std::asin, std::acos, std::atan, std::sinh, std::cosh,       \
        std::tanh, std::exp, std::expm1, std::log, std::log1p, std::sqrt, std::cbrt, std::fabs,      \
        std::floor, std::ceil;                                                                       \
    using R [[maybe_unused]] = T;                                                                    \
    const T a = x.val;                                                                               \
    const T v = VAL;                                                                                 \
    (void)v;                                                                                         \
    return sciml::detail::chain(x, v, T(DER));                                                       \
  }
SCIML_GEN_UNARY(g_sin, sin(a), cos(a))
SCIML_GEN_UNARY(g_cos, cos(a), -sin(a))
SCIML_GEN_UNARY(g_tan, tan(a), R(1) + v * v)
SCIML_GEN_UNARY(g_asin, asin(a), R(1) / sqrt(R(1) - a * a))
SCIML_GEN_UNARY(g_acos, acos(a), R(-1) / sqrt(R(1) - a * a))
SCIML_GEN_UNARY(g_atan, atan(a), R(1) / (R(1) + a * a))
SCIML_GEN_UNARY(g_sinh, sinh(a), cosh(a))
SCIML_GEN_UNARY(g_cosh, cosh(a), sinh(a))
SCIML_GEN_UNARY(g_tanh, tanh(a), R(1) - v * v)
SCIML_GEN_UNARY(g_exp, exp(a), v)
SCIML_GEN_UNARY(g_expm1, expm1(a), exp(a))
SCIML_GEN_UNARY(g_log, log(a), R(1) / a)
SCIML_GEN_UNARY(g_log1p, log1p(a), R(1) / (R(1) + a))
SCIML_GEN_UNARY(g_sqrt, sqrt(a), R(0.5) / v)
SCIML_GEN_UNARY(g_cbrt, cbrt(a), R(1) / (R(3) * v * v))
SCIML_GEN_UNARY(g_abs, fabs(a), sign_r(a))
SCIML_GEN_UNARY(g_floor, floor(a), R(0))
SCIML_GEN_UNARY(g_ceil, ceil(a), R(0))
#undef SCIML_GEN_UNARY
template <class S>
SCIML_HD inline S g_sign(const S& x) { return S(sign_r(primal(x))); }
template <class S>
SCIML_HD inline S g_not(const S& x) { return truth<S>(primal(x) == 0); }
// division with the value rounded as a / b (Dual's operator/ multiplies by the reciprocal)
template <class S>
SCIML_HD inline S g_div(const S& a, const S& b) { return a / b; }
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> g_div(const sciml::Dual<T, N>& a, const sciml::Dual<T, N>& b) {
  sciml::Dual<T, N> r(a.val / b.val);
  for (int i = 0; i < N; ++i) r.der[i] = (a.der[i] - r.val * b.der[i]) / b.val;
  return r;
}
// x^k for a constant k that is not special-cased
template <class S>
SCIML_HD inline S g_pow_k(const S& x, double k) {
  using std::pow;
  return pow(x, S(k));
}
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> g_pow_k(const sciml::Dual<T, N>& x, double k) {
  using std::pow;
  return sciml::detail::chain(x, T(pow(x.val, T(k))), T(T(k) * pow(x.val, T(k - 1))));
}
// x^y, y not a constant
template <class S>
SCIML_HD inline S g_pow(const S& x, const S& y) {
  using std::pow;
  return pow(x, y);
}
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> g_pow(const sciml::Dual<T, N>& x, const sciml::Dual<T, N>& y) {
  using std::pow;
  using std::log;
  const T v = pow(x.val, y.val);
  bool y_varies = false;
  for (int i = 0; i < N; ++i) y_varies = y_varies || y.der[i] != T(0);
  return binary_chain(x, y, v, T(y.val * pow(x.val, y.val - T(1))), y_varies ? T(v * log(x.val)) : T(0));
}
template <class S>
SCIML_HD inline S g_atan2(const S& y, const S& x) {
  using std::atan2;
  return atan2(y, x);
}
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> g_atan2(const sciml::Dual<T, N>& y, const sciml::Dual<T, N>& x) {
  using std::atan2;
  const T r2 = x.val * x.val + y.val * y.val;
  return binary_chain(y, x, T(atan2(y.val, x.val)), T(x.val / r2), T(-y.val / r2));
}
template <class S>
SCIML_HD inline S g_min(const S& a, const S& b) { return (primal(a) < primal(b) || primal(a) != primal(a)) ? a : b; }
template <class S>
SCIML_HD inline S g_max(const S& a, const S& b) { return (primal(a) > primal(b) || primal(a) != primal(a)) ? a : b; }
template <class S>
SCIML_HD inline S g_mod(const S& a, const S& b) { return mod_r(a, b); }
template <class T, int N>
SCIML_HD inline sciml::Dual<T, N> g_mod(const sciml::Dual<T, N>& a, const sciml::Dual<T, N>& b) {
  using std::floor;
  return binary_chain(a, b, mod_r(a.val, b.val), T(1), T(-floor(a.val / b.val)));
}
template <class S>
SCIML_HD inline S g_ifelse(const S& c, const S& a, const S& b) { return primal(c) != 0 ? a : b; }
}  // namespace sciml_gen
)PRELUDE";
}

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
    auto call = [&](const char* f) { return std::string("sciml_gen::") + f + "(" + a + ")"; };
    auto call2 = [&](const char* f) { return std::string("sciml_gen::") + f + "(" + a + ", " + b + ")"; };
    auto truth = [&](const std::string& cond) { return "sciml_gen::truth<S>(" + cond + ")"; };
    auto pa = "sciml_gen::primal(" + a + ")", pb = "sciml_gen::primal(" + b + ")";
    std::string e;
    switch (n.op) {
      case Op::Var: e = "u[" + std::to_string(n.a) + "]"; break;
      case Op::Param: e = "S(p[" + std::to_string(n.a) + "])"; break;
      case Op::Time: e = "S(t)"; break;
      case Op::Neg: e = "-" + a; break;
      case Op::Sin: e = call("g_sin"); break;
      case Op::Cos: e = call("g_cos"); break;
      case Op::Tan: e = call("g_tan"); break;
      case Op::Asin: e = call("g_asin"); break;
      case Op::Acos: e = call("g_acos"); break;
      case Op::Atan: e = call("g_atan"); break;
      case Op::Sinh: e = call("g_sinh"); break;
      case Op::Cosh: e = call("g_cosh"); break;
      case Op::Tanh: e = call("g_tanh"); break;
      case Op::Exp: e = call("g_exp"); break;
      case Op::Expm1: e = call("g_expm1"); break;
      case Op::Log: e = call("g_log"); break;
      case Op::Log1p: e = call("g_log1p"); break;
      case Op::Sqrt: e = call("g_sqrt"); break;
      case Op::Cbrt: e = call("g_cbrt"); break;
      case Op::Abs: e = call("g_abs"); break;
      case Op::Sign: e = call("g_sign"); break;
      case Op::Floor: e = call("g_floor"); break;
      case Op::Ceil: e = call("g_ceil"); break;
      case Op::Not: e = call("g_not"); break;
      case Op::Add: e = a + " + " + b; break;
      case Op::Sub: e = a + " - " + b; break;
      case Op::Mul: e = a + " * " + b; break;
      case Op::Div: e = call2("g_div"); break;
      case Op::Pow: {
        if (nodes[std::size_t(n.b)].op != Op::Const) {
          e = call2("g_pow");
          break;
        }
        const double k = nodes[std::size_t(n.b)].value;
        using symbolic::detail::PowKind;
        switch (symbolic::detail::pow_kind(k)) {
          case PowKind::Square: e = a + " * " + a; break;
          case PowKind::Cube: e = a + " * " + a + " * " + a; break;
          case PowKind::Fourth: e = "(" + a + " * " + a + ") * (" + a + " * " + a + ")"; break;
          case PowKind::Recip: e = "sciml_gen::g_div(S(1.0), " + a + ")"; break;
          case PowKind::RecipSquare: e = "sciml_gen::g_div(S(1.0), S(" + a + " * " + a + "))"; break;
          case PowKind::Sqrt: e = call("g_sqrt"); break;
          case PowKind::RecipSqrt: e = "sciml_gen::g_div(S(1.0), sciml_gen::g_sqrt(" + a + "))"; break;
          default: e = "sciml_gen::g_pow_k(" + a + ", " + symbolic::detail::c_literal(k) + ")"; break;
        }
        break;
      }
      case Op::Atan2: e = call2("g_atan2"); break;
      case Op::Min: e = call2("g_min"); break;
      case Op::Max: e = call2("g_max"); break;
      case Op::Mod: e = call2("g_mod"); break;
      case Op::Lt: e = truth(pa + " < " + pb); break;
      case Op::Le: e = truth(pa + " <= " + pb); break;
      case Op::Gt: e = truth(pa + " > " + pb); break;
      case Op::Ge: e = truth(pa + " >= " + pb); break;
      case Op::Eq: e = truth(pa + " == " + pb); break;
      case Op::Ne: e = truth(pa + " != " + pb); break;
      case Op::And: e = truth(pa + " != 0 && " + pb + " != 0"); break;
      case Op::Or: e = truth(pa + " != 0 || " + pb + " != 0"); break;
      case Op::IfElse: e = "sciml_gen::g_ifelse(" + a + ", " + b + ", " + c + ")"; break;
      default: throw std::logic_error("emit_kernel_functor: unhandled op");
    }
    body += "    const S v" + std::to_string(i) + " = " + e + ";\n";
  }
  std::string src = "struct " + name + " {\n";
  src += "  template <class U, class P, class T>\n";
  src += "  SCIML_HD U operator()(const U& u, const P& p, T t) const {\n";
  src += "    using S = typename U::value_type;\n";
  src += "    (void)u;\n    (void)p;\n    (void)t;\n";
  src += body;
  src += "    return U{";
  for (std::size_t k = 0; k < outputs.size(); ++k) src += (k ? ", " : "") + ref(outputs[k]);
  src += "};\n  }\n};\n";
  return src;
}

}  // namespace sciml::python
