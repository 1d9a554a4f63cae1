// Program: a Graph's outputs compiled to register bytecode and run by a switch-dispatch interpreter on double or
// sciml::Dual<double, N>. The leaves are loaded once into registers, constants ride in the instructions
// (x + k, k * x, x / k, k - x, k / x, x^k with x^2, x^3, x^4, x^-1, x^-2, x^±0.5 special-cased), products
// feeding one sum are fused into it, and registers are reused after a value's last use. No allocation in run().
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>
#include "expression_graph.hpp"
#include "scalar_ops.hpp"

namespace sciml::symbolic {

namespace detail {
enum class Code : std::uint8_t {
  // dst = f(R[a])
  Neg, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Exp, Expm1, Log, Log1p, Sqrt, Cbrt, Abs, Sign, Floor,
  Ceil, Not, Square, Cube, Fourth, Recip, RecipSquare, RecipSqrt,
  PowK,  // R[a] ^ K[b]
  // dst = R[a] op R[b]
  Add, Sub, Mul, Div, Pow, Atan2, Min, Max, Mod, Lt, Le, Gt, Ge, Eq, Ne, And, Or,
  // with a constant K[b]
  AddK,  // R[a] + K[b]   (x - k is x + (-k): the same IEEE result)
  MulK,  // R[a] * K[b]
  DivK,  // R[a] / K[b]
  KSub,  // K[b] - R[a]
  KDiv,  // K[b] / R[a]
  // fused: a product used once, by a sum (rounded twice, exactly as unfused)
  MulAdd,   // R[a] * R[b] + R[c]
  MulSub,   // R[a] * R[b] - R[c]
  SubMul,   // R[c] - R[a] * R[b]
  MulKAdd,  // R[a] * K[b] + R[c]
  MulKSub,  // R[a] * K[b] - R[c]
  SubMulK,  // R[c] - R[a] * K[b]
  MulK2Add,  // R[a] * K[b] + R[c] * K[b + 1]
  MulK2Sub,  // R[a] * K[b] - R[c] * K[b + 1]
  IfElse    // R[a] != 0 ? R[b] : R[c]
};
inline const char* code_name(Code c) {
  static const char* const names[] = {
      "neg",   "sin",    "cos",   "tan",    "asin",   "acos",     "atan",   "sinh",    "cosh",   "tanh",
      "exp",   "expm1",  "log",   "log1p",  "sqrt",   "cbrt",     "abs",    "sign",    "floor",  "ceil",
      "not",   "square", "cube",  "fourth", "recip",  "recip_sq", "rsqrt",  "powk",    "add",    "sub",
      "mul",   "div",    "pow",   "atan2",  "min",    "max",      "mod",    "lt",      "le",     "gt",
      "ge",    "eq",     "ne",    "and",    "or",     "addk",     "mulk",   "divk",    "ksub",   "kdiv",
      "muladd", "mulsub", "submul", "mulkadd", "mulksub", "submulk", "mulk2add", "mulk2sub", "ifelse"};
  static_assert(sizeof(names) / sizeof(names[0]) == std::size_t(Code::IfElse) + 1);
  return names[std::size_t(c)];
}
inline bool reads_constant(Code c) {  // operand b indexes the constant pool
  return c == Code::PowK || (c >= Code::AddK && c <= Code::KDiv) || (c >= Code::MulKAdd && c <= Code::MulK2Sub);
}
struct Instr {
  Code op;
  std::int32_t dst = 0, a = 0, b = 0, c = 0;
};
struct Load {
  std::int32_t reg, index;
};
inline Code unary_code(Op op) {
  switch (op) {
    case Op::Neg: return Code::Neg;
    case Op::Sin: return Code::Sin;
    case Op::Cos: return Code::Cos;
    case Op::Tan: return Code::Tan;
    case Op::Asin: return Code::Asin;
    case Op::Acos: return Code::Acos;
    case Op::Atan: return Code::Atan;
    case Op::Sinh: return Code::Sinh;
    case Op::Cosh: return Code::Cosh;
    case Op::Tanh: return Code::Tanh;
    case Op::Exp: return Code::Exp;
    case Op::Expm1: return Code::Expm1;
    case Op::Log: return Code::Log;
    case Op::Log1p: return Code::Log1p;
    case Op::Sqrt: return Code::Sqrt;
    case Op::Cbrt: return Code::Cbrt;
    case Op::Abs: return Code::Abs;
    case Op::Sign: return Code::Sign;
    case Op::Floor: return Code::Floor;
    case Op::Ceil: return Code::Ceil;
    default: return Code::Not;
  }
}
inline Code binary_code(Op op) {  // register-register forms, in the same order as Op
  return Code(int(Code::Add) + (op <= Op::Mod ? int(op) - int(Op::Add) : 9 + int(op) - int(Op::Lt)));
}
}  // namespace detail

class Program {
 public:
  // Compiles the nodes reachable from outputs; out[i] of run() is outputs[i].
  static Program compile(const Graph& g, const std::vector<int>& outputs) {
    using detail::Code;
    const auto& nodes = g.nodes();
    const std::vector<char> reach = detail::reachable(g, outputs, "Program::compile");
    const std::size_t n = nodes.size();
    Program P;
    std::unordered_map<std::uint64_t, std::int32_t> pool;
    auto konst = [&](double v) {
      auto [it, fresh] = pool.try_emplace(detail::double_bits(v), std::int32_t(P.consts_.size()));
      if (fresh) P.consts_.push_back(v);
      return it->second;
    };
    auto is_const = [&](int i) { return nodes[std::size_t(i)].op == Op::Const; };
    auto cval = [&](int i) { return nodes[std::size_t(i)].value; };

    // 1. one planned instruction per reachable operation; operands as node ids (-1: none), constants as K
    struct Plan {
      Code code;
      int a = -1, b = -1, c = -1;  // register operands (node ids)
      std::int32_t k = -1;         // constant pool index
      bool fused_away = false;     // a product folded into its one user
    };
    std::vector<Plan> plan(n);
    std::vector<int> uses(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!reach[i] || detail::is_leaf(nodes[i].op)) continue;
      const Node& nd = nodes[i];
      Plan& q = plan[i];
      if (detail::is_unary(nd.op)) {
        q = {detail::unary_code(nd.op), nd.a};
      } else if (nd.op == Op::IfElse) {
        q = {Code::IfElse, nd.a, nd.b, nd.c};
      } else {
        const bool ka = is_const(nd.a), kb = is_const(nd.b);
        q = {detail::binary_code(nd.op), nd.a, nd.b};
        switch (nd.op) {
          case Op::Add:
          case Op::Mul:
            if (ka || kb)
              q = {nd.op == Op::Add ? Code::AddK : Code::MulK, kb ? nd.a : nd.b, -1, -1, konst(cval(kb ? nd.b : nd.a))};
            break;
          case Op::Sub:
            if (kb) q = {Code::AddK, nd.a, -1, -1, konst(-cval(nd.b))};
            else if (ka) q = {Code::KSub, nd.b, -1, -1, konst(cval(nd.a))};
            break;
          case Op::Div:
            if (kb) q = {Code::DivK, nd.a, -1, -1, konst(cval(nd.b))};
            else if (ka) q = {Code::KDiv, nd.b, -1, -1, konst(cval(nd.a))};
            break;
          case Op::Pow:
            if (kb) {
              switch (detail::pow_kind(cval(nd.b))) {
                case detail::PowKind::Square: q = {Code::Square, nd.a}; break;
                case detail::PowKind::Cube: q = {Code::Cube, nd.a}; break;
                case detail::PowKind::Fourth: q = {Code::Fourth, nd.a}; break;
                case detail::PowKind::Recip: q = {Code::Recip, nd.a}; break;
                case detail::PowKind::RecipSquare: q = {Code::RecipSquare, nd.a}; break;
                case detail::PowKind::Sqrt: q = {Code::Sqrt, nd.a}; break;
                case detail::PowKind::RecipSqrt: q = {Code::RecipSqrt, nd.a}; break;
                default: q = {Code::PowK, nd.a, -1, -1, konst(cval(nd.b))}; break;
              }
            }
            break;
          default: break;
        }
      }
      for (int o : {q.a, q.b, q.c})
        if (o >= 0) ++uses[std::size_t(o)];
    }
    for (int o : outputs) uses[std::size_t(o)] += 2;  // never fuse an output away
    // 2. fuse a product with one use into the sum or difference that uses it
    auto fusable = [&](int i) {
      return i >= 0 && uses[std::size_t(i)] == 1 && !detail::is_leaf(nodes[std::size_t(i)].op) &&
             (plan[std::size_t(i)].code == Code::Mul || plan[std::size_t(i)].code == Code::MulK);
    };
    for (std::size_t i = 0; i < n; ++i) {
      if (!reach[i] || detail::is_leaf(nodes[i].op)) continue;
      Plan& q = plan[i];
      if (q.code != Code::Add && q.code != Code::Sub) continue;
      if (fusable(q.a) && fusable(q.b) && q.a != q.b && plan[std::size_t(q.a)].code == Code::MulK &&
          plan[std::size_t(q.b)].code == Code::MulK) {  // two products by constants
        Plan &m1 = plan[std::size_t(q.a)], &m2 = plan[std::size_t(q.b)];
        const auto k = std::int32_t(P.consts_.size());  // K[k], K[k + 1]: appended, not shared
        P.consts_.push_back(P.consts_[std::size_t(m1.k)]);
        P.consts_.push_back(P.consts_[std::size_t(m2.k)]);
        q = {q.code == Code::Add ? Code::MulK2Add : Code::MulK2Sub, m1.a, -1, m2.a, k};
        m1.fused_away = m2.fused_away = true;
        continue;
      }
      int prod = -1, other = -1;
      bool prod_first = true;
      if (fusable(q.a)) prod = q.a, other = q.b;
      else if (fusable(q.b)) prod = q.b, other = q.a, prod_first = false;
      if (prod < 0) continue;
      Plan& m = plan[std::size_t(prod)];
      const bool k = m.code == Code::MulK;
      Code c;
      if (q.code == Code::Add) c = k ? Code::MulKAdd : Code::MulAdd;  // + is commutative in IEEE
      else if (prod_first) c = k ? Code::MulKSub : Code::MulSub;
      else c = k ? Code::SubMulK : Code::SubMul;
      q = {c, m.a, m.b, other, m.k};
      m.fused_away = true;
    }

    // 3. which nodes live in registers, and until which instruction
    std::vector<int> order;  // instruction node ids in topological order
    std::vector<char> in_reg(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (!reach[i] || detail::is_leaf(nodes[i].op) || plan[i].fused_away) continue;
      order.push_back(int(i));
      in_reg[i] = 1;
      for (int o : {plan[i].a, plan[i].b, plan[i].c})
        if (o >= 0) in_reg[std::size_t(o)] = 1;
    }
    for (int o : outputs) in_reg[std::size_t(o)] = 1;
    constexpr int forever = std::numeric_limits<int>::max();
    std::vector<int> last_use(n, -1);
    for (std::size_t t = 0; t < order.size(); ++t) {
      const Plan& q = plan[std::size_t(order[t])];
      for (int o : {q.a, q.b, q.c})
        if (o >= 0) last_use[std::size_t(o)] = int(t);
    }
    for (int o : outputs) last_use[std::size_t(o)] = forever;

    // 4. registers. Loaded before the first instruction, in blocks: u by index, p by index, t, the constants
    // that live in registers; then a block of one register per output when the outputs are distinct computed
    // values (so the last copy is contiguous); then each instruction's result in a register freed by a value
    // whose last use has passed.
    std::vector<std::int32_t> reg(n, -1), free_regs;
    std::int32_t nregs = 0;
    auto take = [&]() {
      if (free_regs.empty()) return nregs++;
      const std::int32_t r = free_regs.back();
      free_regs.pop_back();
      return r;
    };
    std::vector<int> leaves[4];  // Var, Param, Time, Const
    for (std::size_t i = 0; i < n; ++i)
      if (reach[i] && in_reg[i] && detail::is_leaf(nodes[i].op)) {
        const Op op = nodes[i].op;
        leaves[op == Op::Var ? 0 : op == Op::Param ? 1 : op == Op::Time ? 2 : 3].push_back(int(i));
      }
    for (int kind = 0; kind < 2; ++kind) {
      auto& ls = leaves[kind];
      std::sort(ls.begin(), ls.end(), [&](int x, int y) { return nodes[std::size_t(x)].a < nodes[std::size_t(y)].a; });
      auto& loads = kind == 0 ? P.load_u_ : P.load_p_;
      bool dense = true;  // indices 0, 1, ..., in consecutive registers
      for (std::size_t k = 0; k < ls.size(); ++k) {
        const int i = ls[k];
        reg[std::size_t(i)] = take();
        loads.push_back({reg[std::size_t(i)], nodes[std::size_t(i)].a});
        dense = dense && nodes[std::size_t(i)].a == int(k);
      }
      (kind == 0 ? P.u_base_ : P.p_base_) = dense && !ls.empty() ? loads[0].reg : -1;
      if (!ls.empty())
        (kind == 0 ? P.min_states_ : P.min_params_) = std::size_t(nodes[std::size_t(ls.back())].a) + 1;
    }
    for (int i : leaves[2]) P.t_reg_ = reg[std::size_t(i)] = take();
    P.k_base_ = nregs;
    for (int i : leaves[3]) {
      reg[std::size_t(i)] = take();
      P.reg_consts_.push_back(nodes[std::size_t(i)].value);
    }
    std::vector<std::int32_t> reserved(n, -1);
    bool regular = true;
    for (int o : outputs) {
      regular = regular && !detail::is_leaf(nodes[std::size_t(o)].op) && reserved[std::size_t(o)] < 0;
      reserved[std::size_t(o)] = 0;
    }
    if (regular) {
      P.out_base_ = nregs;
      for (int o : outputs) reserved[std::size_t(o)] = nregs++;
    } else {
      for (int o : outputs) reserved[std::size_t(o)] = -1;
    }
    for (std::size_t t = 0; t < order.size(); ++t) {
      const int i = order[t];
      const Plan& q = plan[std::size_t(i)];
      detail::Instr ins{q.code};
      for (int o : {q.a, q.b, q.c})  // free operands at their last use (each once)
        if (o >= 0 && last_use[std::size_t(o)] == int(t)) {
          free_regs.push_back(reg[std::size_t(o)]);
          last_use[std::size_t(o)] = -2;
        }
      ins.a = q.a >= 0 ? reg[std::size_t(q.a)] : 0;
      ins.b = q.b >= 0 ? reg[std::size_t(q.b)] : q.k >= 0 ? q.k : 0;
      ins.c = q.c >= 0 ? reg[std::size_t(q.c)] : 0;
      reg[std::size_t(i)] = ins.dst = reserved[std::size_t(i)] >= 0 ? reserved[std::size_t(i)] : take();
      P.code_.push_back(ins);
    }
    for (int o : outputs) P.out_.push_back(reg[std::size_t(o)]);
    P.nregs_ = std::size_t(nregs);
    return P;
  }

  // out[i] = outputs[i] at (u, p, t). regs: num_registers() scratch values. u and out may alias (the outputs
  // are written after everything is computed). S: double or sciml::Dual<double, N> (every Op supported).
  template <class S>
  void run(const S* u, const double* p, S t, S* out, S* regs) const {
    using namespace detail;
    S* const R = regs;
    if (u_base_ >= 0) {
      for (std::size_t i = 0, m = load_u_.size(); i < m; ++i) R[std::size_t(u_base_) + i] = u[i];
    } else {
      for (const Load& l : load_u_) R[l.reg] = u[l.index];
    }
    if (p_base_ >= 0) {
      for (std::size_t i = 0, m = load_p_.size(); i < m; ++i) R[std::size_t(p_base_) + i] = S(p[i]);
    } else {
      for (const Load& l : load_p_) R[l.reg] = S(p[l.index]);
    }
    if (t_reg_ >= 0) R[t_reg_] = t;
    for (std::size_t i = 0, m = reg_consts_.size(); i < m; ++i) R[std::size_t(k_base_) + i] = S(reg_consts_[i]);
    const double* const K = consts_.data();
    for (const Instr* ip = code_.data(), *end = ip + code_.size(); ip != end; ++ip) {
      const Instr& in = *ip;
      switch (in.op) {
        case Code::Neg: R[in.dst] = -R[in.a]; break;
        case Code::Sin: R[in.dst] = f_sin(R[in.a]); break;
        case Code::Cos: R[in.dst] = f_cos(R[in.a]); break;
        case Code::Tan: R[in.dst] = f_tan(R[in.a]); break;
        case Code::Asin: R[in.dst] = f_asin(R[in.a]); break;
        case Code::Acos: R[in.dst] = f_acos(R[in.a]); break;
        case Code::Atan: R[in.dst] = f_atan(R[in.a]); break;
        case Code::Sinh: R[in.dst] = f_sinh(R[in.a]); break;
        case Code::Cosh: R[in.dst] = f_cosh(R[in.a]); break;
        case Code::Tanh: R[in.dst] = f_tanh(R[in.a]); break;
        case Code::Exp: R[in.dst] = f_exp(R[in.a]); break;
        case Code::Expm1: R[in.dst] = f_expm1(R[in.a]); break;
        case Code::Log: R[in.dst] = f_log(R[in.a]); break;
        case Code::Log1p: R[in.dst] = f_log1p(R[in.a]); break;
        case Code::Sqrt: R[in.dst] = f_sqrt(R[in.a]); break;
        case Code::Cbrt: R[in.dst] = f_cbrt(R[in.a]); break;
        case Code::Abs: R[in.dst] = f_fabs(R[in.a]); break;
        case Code::Sign: R[in.dst] = f_sign(R[in.a]); break;
        case Code::Floor: R[in.dst] = f_floor(R[in.a]); break;
        case Code::Ceil: R[in.dst] = f_ceil(R[in.a]); break;
        case Code::Not: R[in.dst] = f_not(R[in.a]); break;
        case Code::Square: R[in.dst] = f_square(R[in.a]); break;
        case Code::Cube: R[in.dst] = f_cube(R[in.a]); break;
        case Code::Fourth: R[in.dst] = f_fourth(R[in.a]); break;
        case Code::Recip: R[in.dst] = f_recip(R[in.a]); break;
        case Code::RecipSquare: R[in.dst] = f_recip_square(R[in.a]); break;
        case Code::RecipSqrt: R[in.dst] = f_recip_sqrt(R[in.a]); break;
        case Code::PowK: R[in.dst] = f_pow_general_k(R[in.a], K[in.b]); break;
        case Code::Add: R[in.dst] = R[in.a] + R[in.b]; break;
        case Code::Sub: R[in.dst] = R[in.a] - R[in.b]; break;
        case Code::Mul: R[in.dst] = R[in.a] * R[in.b]; break;
        case Code::Div: R[in.dst] = f_div(R[in.a], R[in.b]); break;
        case Code::Pow: R[in.dst] = f_pow(R[in.a], R[in.b]); break;
        case Code::Atan2: R[in.dst] = f_atan2(R[in.a], R[in.b]); break;
        case Code::Min: R[in.dst] = f_min(R[in.a], R[in.b]); break;
        case Code::Max: R[in.dst] = f_max(R[in.a], R[in.b]); break;
        case Code::Mod: R[in.dst] = f_mod(R[in.a], R[in.b]); break;
        case Code::Lt: R[in.dst] = f_lt(R[in.a], R[in.b]); break;
        case Code::Le: R[in.dst] = f_le(R[in.a], R[in.b]); break;
        case Code::Gt: R[in.dst] = f_gt(R[in.a], R[in.b]); break;
        case Code::Ge: R[in.dst] = f_ge(R[in.a], R[in.b]); break;
        case Code::Eq: R[in.dst] = f_eq(R[in.a], R[in.b]); break;
        case Code::Ne: R[in.dst] = f_ne(R[in.a], R[in.b]); break;
        case Code::And: R[in.dst] = f_and(R[in.a], R[in.b]); break;
        case Code::Or: R[in.dst] = f_or(R[in.a], R[in.b]); break;
        case Code::AddK: R[in.dst] = R[in.a] + K[in.b]; break;
        case Code::MulK: R[in.dst] = R[in.a] * K[in.b]; break;
        case Code::DivK: R[in.dst] = f_div_k(R[in.a], K[in.b]); break;
        case Code::KSub: R[in.dst] = K[in.b] - R[in.a]; break;
        case Code::KDiv: R[in.dst] = f_div(S(K[in.b]), R[in.a]); break;
        case Code::MulAdd: R[in.dst] = R[in.a] * R[in.b] + R[in.c]; break;
        case Code::MulSub: R[in.dst] = R[in.a] * R[in.b] - R[in.c]; break;
        case Code::SubMul: R[in.dst] = R[in.c] - R[in.a] * R[in.b]; break;
        case Code::MulKAdd: R[in.dst] = R[in.a] * K[in.b] + R[in.c]; break;
        case Code::MulKSub: R[in.dst] = R[in.a] * K[in.b] - R[in.c]; break;
        case Code::SubMulK: R[in.dst] = R[in.c] - R[in.a] * K[in.b]; break;
        case Code::MulK2Add: R[in.dst] = R[in.a] * K[in.b] + R[in.c] * K[in.b + 1]; break;
        case Code::MulK2Sub: R[in.dst] = R[in.a] * K[in.b] - R[in.c] * K[in.b + 1]; break;
        case Code::IfElse: R[in.dst] = f_ifelse(R[in.a], R[in.b], R[in.c]); break;
#if defined(__GNUC__)
        default: __builtin_unreachable();  // compile() emits only the codes above: no range check
#endif
      }
    }
    if (out_base_ >= 0) {
      for (std::size_t i = 0, m = out_.size(); i < m; ++i) out[i] = R[std::size_t(out_base_) + i];
    } else {
      for (std::size_t i = 0, m = out_.size(); i < m; ++i) out[i] = R[out_[i]];
    }
  }

  // One line per instruction ("r3 = r1 * 2.5 + r0"), after the loads; for debugging and tests.
  std::string to_string() const {
    using detail::Code;
    auto r = [](std::int32_t i) { return std::string("r") + std::to_string(i); };
    std::string s;
    for (const auto& l : load_u_) s += r(l.reg) + " = u[" + std::to_string(l.index) + "]\n";
    for (const auto& l : load_p_) s += r(l.reg) + " = p[" + std::to_string(l.index) + "]\n";
    if (t_reg_ >= 0) s += r(t_reg_) + " = t\n";
    for (std::size_t i = 0; i < reg_consts_.size(); ++i)
      s += r(k_base_ + std::int32_t(i)) + " = " + detail::shortest(reg_consts_[i]) + "\n";
    for (const auto& in : code_) {
      const std::string a = r(in.a), b = r(in.b), c = r(in.c);
      const std::string k = detail::reads_constant(in.op) ? detail::shortest(consts_[std::size_t(in.b)]) : b;
      std::string e;
      switch (in.op) {
        case Code::Add: case Code::AddK: e = a + " + " + k; break;
        case Code::Sub: e = a + " - " + b; break;
        case Code::KSub: e = k + " - " + a; break;
        case Code::Mul: case Code::MulK: e = a + " * " + k; break;
        case Code::Div: case Code::DivK: e = a + " / " + k; break;
        case Code::KDiv: e = k + " / " + a; break;
        case Code::MulAdd: case Code::MulKAdd: e = a + " * " + k + " + " + c; break;
        case Code::MulSub: case Code::MulKSub: e = a + " * " + k + " - " + c; break;
        case Code::SubMul: case Code::SubMulK: e = c + " - " + a + " * " + k; break;
        case Code::MulK2Add: case Code::MulK2Sub:
          e = a + " * " + k + (in.op == Code::MulK2Add ? " + " : " - ") + c + " * " +
              detail::shortest(consts_[std::size_t(in.b) + 1]);
          break;
        case Code::PowK: e = a + " ** " + k; break;
        case Code::IfElse: e = a + " ? " + b + " : " + c; break;
        default:
          e = std::string(detail::code_name(in.op)) + "(" + a + (in.op >= Code::Add ? ", " + b : "") + ")";
          break;
      }
      s += r(in.dst) + " = " + e + "\n";
    }
    for (std::size_t i = 0; i < out_.size(); ++i) s += "out[" + std::to_string(i) + "] = " + r(out_[i]) + "\n";
    return s;
  }

  std::size_t num_registers() const { return nregs_; }
  std::size_t num_instructions() const { return code_.size(); }
  std::size_t num_outputs() const { return out_.size(); }
  std::size_t min_states() const { return min_states_; }  // the u length run() reads: 1 + the largest index used
  std::size_t min_params() const { return min_params_; }  // the same for p

 private:
  std::vector<detail::Instr> code_;
  std::vector<double> consts_;      // the constants instructions carry (K[b])
  std::vector<double> reg_consts_;  // the constants loaded into registers k_base_, k_base_ + 1, ...
  std::vector<detail::Load> load_u_, load_p_;
  std::vector<std::int32_t> out_;   // the register of each output
  std::int32_t u_base_ = -1, p_base_ = -1;  // >= 0: u[0..], p[0..] all loaded, into consecutive registers
  std::int32_t t_reg_ = -1, k_base_ = 0, out_base_ = -1;  // out_base_ >= 0: output i in out_base_ + i
  std::size_t nregs_ = 0, min_states_ = 0, min_params_ = 0;
};

}  // namespace sciml::symbolic
