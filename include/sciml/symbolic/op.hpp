// The operations of a symbolic expression graph (Op) and its node (Node): leaves (constants, u[i], p[i], t),
// unary and binary arithmetic, elementary functions, comparisons and logic that give 1.0 / 0.0, and IfElse.
// Host-only; the back end of Python tracing (docs/symbolic.md).
#pragma once
#include <cstdint>

namespace sciml::symbolic {

enum class Op : std::uint8_t {
  Const, Var, Param, Time,  // leaves: Var/Param index in Node::a, Const value in Node::value
  Neg, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Exp, Expm1, Log, Log1p, Sqrt, Cbrt, Abs, Sign, Floor,
  Ceil,                                            // unary (operand a)
  Add, Sub, Mul, Div, Pow, Atan2, Min, Max, Mod,  // binary (a, b); Mod = Python's % (floored) for floats
  Lt, Le, Gt, Ge, Eq, Ne, And, Or, Not,           // comparisons/logic give 1.0 or 0.0 (Not is unary)
  IfElse                                          // a ? b : c   (cond a nonzero)
};

struct Node {
  Op op;
  std::int32_t a = -1, b = -1, c = -1;
  double value = 0;
};

namespace detail {
inline constexpr int num_ops = int(Op::IfElse) + 1;
inline constexpr bool valid_op(Op op) { return std::uint8_t(op) < num_ops; }
inline constexpr bool is_leaf(Op op) { return op <= Op::Time; }
inline constexpr bool is_unary(Op op) { return (op >= Op::Neg && op <= Op::Ceil) || op == Op::Not; }
inline constexpr bool is_binary(Op op) { return (op >= Op::Add && op <= Op::Mod) || (op >= Op::Lt && op <= Op::Or); }
inline constexpr int arity(Op op) { return is_leaf(op) ? 0 : is_unary(op) ? 1 : is_binary(op) ? 2 : 3; }
// Operands that may be swapped without changing any result bit (NaN payloads aside). Not Min and Max: on a tie
// they return the second operand, so min(-0.0, 0.0) is 0.0 and min(0.0, -0.0) is -0.0, and the derivative at a
// tie is the second operand's (found by fuzzing, tests/regression/test_symbolic_min_max_operand_order.cpp).
inline constexpr bool is_commutative(Op op) {
  return op == Op::Add || op == Op::Mul || op == Op::Eq || op == Op::Ne || op == Op::And || op == Op::Or;
}
// Results that are 1.0 / 0.0 or piecewise constant: their derivative is 0 everywhere it exists.
inline constexpr bool is_piecewise_constant(Op op) {
  return op == Op::Sign || op == Op::Floor || op == Op::Ceil || (op >= Op::Lt && op <= Op::Not);
}
inline constexpr const char* op_names[num_ops] = {
    "const", "var",  "param", "time", "neg",  "sin",   "cos",  "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh",  "exp",  "expm1", "log",  "log1p", "sqrt", "cbrt", "abs", "sign", "floor", "ceil", "add",  "sub",
    "mul",   "div",  "pow",   "atan2", "min", "max",   "mod",  "lt",  "le",   "gt",   "ge",   "eq",   "ne",
    "and",   "or",   "not",   "ifelse"};
inline constexpr const char* op_name(Op op) { return valid_op(op) ? op_names[std::uint8_t(op)] : "invalid"; }
}  // namespace detail

}  // namespace sciml::symbolic
