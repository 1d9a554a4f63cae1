// The symbolic back end: hash-consing and each simplification of the Graph, constant folding with the VM's
// semantics, bad input; Lorenz, ROBER and HIRES traced from tests/common/problems.hpp and run by the bytecode VM
// against the C++ lambdas; every Op through the VM (double and dual numbers) against std::; symbolic Jacobians
// and time derivatives against forward AD and finite differences (sparsity patterns exactly); the generated C
// compiled with the system C compiler and dlopen'ed against the VM; serialize's canonical text.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <sciml/symbolic/expression_graph.hpp>
#include <string>
#include <vector>

#include "common/problems.hpp"

using namespace sciml::symbolic;

namespace {
using D8 = sciml::Dual<double, 8>;
constexpr double nan_ = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_ = std::numeric_limits<double>::infinity();

// A tracing scalar, as the Python front end has: each operation adds a node to the graph.
struct Sym {
  Graph* g = nullptr;
  int id = -1;
};
Sym lift(Graph* g, double v) { return {g, g->constant(v)}; }
Sym operator+(Sym a, Sym b) { return {a.g, a.g->binary(Op::Add, a.id, b.id)}; }
Sym operator-(Sym a, Sym b) { return {a.g, a.g->binary(Op::Sub, a.id, b.id)}; }
Sym operator*(Sym a, Sym b) { return {a.g, a.g->binary(Op::Mul, a.id, b.id)}; }
Sym operator-(Sym a) { return {a.g, a.g->unary(Op::Neg, a.id)}; }
Sym operator+(Sym a, double b) { return a + lift(a.g, b); }
Sym operator*(double a, Sym b) { return lift(b.g, a) * b; }  // what the three problems need

// Traces f(u, p, t) of a problems.hpp lambda with N states and M parameters.
template <std::size_t N, std::size_t M, class F>
Function trace(const F& f) {
  Function fn;
  fn.n_states = int(N);
  fn.n_params = int(M);
  Graph* g = &fn.graph;
  std::array<Sym, N> u;
  std::array<Sym, M> p;
  for (std::size_t i = 0; i < N; ++i) u[i] = {g, g->var(int(i))};
  for (std::size_t i = 0; i < M; ++i) p[i] = {g, g->param(int(i))};
  const auto du = f(u, p, Sym{g, g->time()});
  for (std::size_t i = 0; i < N; ++i) fn.outputs.push_back(du[i].id);
  return fn;
}

std::vector<double> run(const Program& P, const std::vector<double>& u, const std::vector<double>& p, double t) {
  std::vector<double> out(P.num_outputs()), regs(P.num_registers());
  P.run(u.data(), p.data(), t, out.data(), regs.data());
  return out;
}

// a == b including the sign of zero and NaN == NaN; ulps > 0 allows that many units in the last place
bool same(double a, double b, int ulps = 0) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return a != 0 || std::signbit(a) == std::signbit(b);
  if (std::isinf(a) || std::isinf(b)) return false;
  return std::abs(a - b) <= ulps * std::numeric_limits<double>::epsilon() * std::max(std::abs(a), std::abs(b));
}

// ---- every Op: reference values straight from std:: (Python semantics written out independently) ----
const Op unary_ops[] = {Op::Neg,  Op::Sin,  Op::Cos,  Op::Tan,  Op::Asin,  Op::Acos, Op::Atan,
                        Op::Sinh, Op::Cosh, Op::Tanh, Op::Exp,  Op::Expm1, Op::Log,  Op::Log1p,
                        Op::Sqrt, Op::Cbrt, Op::Abs,  Op::Sign, Op::Floor, Op::Ceil, Op::Not};
const Op binary_ops[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Pow, Op::Atan2, Op::Min, Op::Max, Op::Mod,
                         Op::Lt,  Op::Le,  Op::Gt,  Op::Ge,  Op::Eq,  Op::Ne,    Op::And, Op::Or};
double ref_unary(Op op, double x) {
  switch (op) {
    case Op::Neg: return -x;
    case Op::Sin: return std::sin(x);
    case Op::Cos: return std::cos(x);
    case Op::Tan: return std::tan(x);
    case Op::Asin: return std::asin(x);
    case Op::Acos: return std::acos(x);
    case Op::Atan: return std::atan(x);
    case Op::Sinh: return std::sinh(x);
    case Op::Cosh: return std::cosh(x);
    case Op::Tanh: return std::tanh(x);
    case Op::Exp: return std::exp(x);
    case Op::Expm1: return std::expm1(x);
    case Op::Log: return std::log(x);
    case Op::Log1p: return std::log1p(x);
    case Op::Sqrt: return std::sqrt(x);
    case Op::Cbrt: return std::cbrt(x);
    case Op::Abs: return std::fabs(x);
    case Op::Sign: return std::isnan(x) ? x : x > 0 ? 1.0 : x < 0 ? -1.0 : x;
    case Op::Floor: return std::floor(x);
    case Op::Ceil: return std::ceil(x);
    case Op::Not: return x == 0 ? 1.0 : 0.0;
    default: return nan_;
  }
}
double ref_binary(Op op, double x, double y) {
  switch (op) {
    case Op::Add: return x + y;
    case Op::Sub: return x - y;
    case Op::Mul: return x * y;
    case Op::Div: return x / y;
    case Op::Pow: return std::pow(x, y);
    case Op::Atan2: return std::atan2(x, y);
    case Op::Min: return std::isnan(x) || std::isnan(y) ? nan_ : y < x ? y : x < y ? x : y;
    case Op::Max: return std::isnan(x) || std::isnan(y) ? nan_ : y > x ? y : x > y ? x : y;
    case Op::Mod: {  // Python: the result has the sign of y, |result| < |y|
      if (y == 0 || std::isnan(x) || std::isnan(y) || std::isinf(x)) return nan_;
      double r = std::fmod(x, y);
      if (r == 0) return std::copysign(0.0, y);
      return (r < 0) != (y < 0) ? r + y : r;
    }
    case Op::Lt: return x < y;
    case Op::Le: return x <= y;
    case Op::Gt: return x > y;
    case Op::Ge: return x >= y;
    case Op::Eq: return x == y;
    case Op::Ne: return x != y;
    case Op::And: return (x != 0) && (y != 0);
    case Op::Or: return (x != 0) || (y != 0);
    default: return nan_;
  }
}
const std::vector<std::pair<double, double>> op_points = {
    {0.3, -0.7}, {-0.5, 2.0}, {0.0, 0.0},  {-0.0, 1.0},  {2.5, 2.5},  {-7.0, 3.0},  {7.0, -3.0},
    {-7.5, 2.0}, {6.0, -3.0}, {-6.0, 3.0}, {1e-3, -4.0}, {0.9, 0.25}, {-2.0, nan_}, {1.0, inf_}};

// All unary ops on u[0], all binary ops on (u[0], u[1]), IfElse(u[0], u[1], u[2]).
struct AllOps {
  Function f;
  AllOps() {
    Graph& g = f.graph;
    const int x = g.var(0), y = g.var(1), z = g.var(2);
    for (Op op : unary_ops) f.outputs.push_back(g.unary(op, x));
    for (Op op : binary_ops) f.outputs.push_back(g.binary(op, x, y));
    f.outputs.push_back(g.ifelse(x, y, z));
    f.n_states = 3;
  }
  static std::vector<double> reference(double x, double y, double z) {
    std::vector<double> r;
    for (Op op : unary_ops) r.push_back(ref_unary(op, x));
    for (Op op : binary_ops) r.push_back(ref_binary(op, x, y));
    r.push_back(x != 0 ? y : z);
    return r;
  }
};

// Random smooth (or, with kinks, piecewise smooth) expressions in 4 states, 2 parameters and t.
Function random_function(unsigned seed, bool kinks) {
  std::mt19937 rng(seed);
  Function f;
  f.n_states = 4;
  f.n_params = 2;
  Graph& g = f.graph;
  std::vector<int> pool;
  for (int i = 0; i < 4; ++i) pool.push_back(g.var(i));
  pool.push_back(g.param(0));
  pool.push_back(g.param(1));
  pool.push_back(g.time());
  pool.push_back(g.constant(0.75));
  auto pick = [&]() { return pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)]; };
  auto one = g.constant(1.0), two = g.constant(2.0);
  auto safe_pos = [&](int a) { return g.binary(Op::Add, two, g.binary(Op::Mul, a, a)); };  // 2 + a^2
  for (int k = 0; k < 40; ++k) {
    const int a = pick(), b = pick();
    int r;
    switch (std::uniform_int_distribution<int>(0, kinks ? 17 : 14)(rng)) {
      case 0: r = g.binary(Op::Add, a, b); break;
      case 1: r = g.binary(Op::Sub, a, b); break;
      case 2: r = g.unary(Op::Tanh, g.binary(Op::Mul, a, b)); break;
      case 3: r = g.binary(Op::Div, a, safe_pos(b)); break;
      case 4: r = g.unary(Op::Sin, a); break;
      case 5: r = g.unary(Op::Cos, g.binary(Op::Mul, a, b)); break;
      case 6: r = g.unary(Op::Exp, g.unary(Op::Sin, a)); break;
      case 7: r = g.unary(Op::Sqrt, safe_pos(a)); break;
      case 8: r = g.unary(Op::Log, safe_pos(a)); break;
      case 9: r = g.binary(Op::Pow, g.unary(Op::Tanh, a), g.constant(3)); break;
      case 10: r = g.binary(Op::Pow, safe_pos(a), g.unary(Op::Sin, b)); break;
      case 11: r = g.binary(Op::Atan2, a, safe_pos(b)); break;
      case 12: r = g.unary(Op::Atan, g.binary(Op::Mul, a, g.constant(-1.5))); break;
      case 13: r = g.binary(Op::Pow, safe_pos(a), g.constant(-0.5)); break;
      case 14: r = g.unary(Op::Asin, g.binary(Op::Div, a, g.binary(Op::Add, one, safe_pos(a)))); break;
      case 15: r = g.binary(Op::Max, a, b); break;
      case 16: r = g.unary(Op::Abs, g.binary(Op::Sub, a, b)); break;
      default: r = g.ifelse(g.binary(Op::Lt, a, b), g.unary(Op::Sin, a), g.binary(Op::Mul, b, b)); break;
    }
    pool.push_back(r);
  }
  for (int i = 0; i < 4; ++i) f.outputs.push_back(g.binary(Op::Add, pool[pool.size() - 1 - std::size_t(i)], pick()));
  return f;
}

// Dense df/du by forward AD through the VM (D8: up to 8 states at once).
std::vector<std::vector<double>> dual_jacobian(const Function& f, const std::vector<double>& u,
                                               const std::vector<double>& p, double t) {
  const Program P = Program::compile(f.graph, f.outputs);
  EXPECT_LE(u.size(), 8u);
  std::vector<D8> ud(u.size()), out(P.num_outputs()), regs(P.num_registers());
  for (std::size_t j = 0; j < u.size(); ++j) ud[j] = D8::variable(u[j], int(j));
  P.run(ud.data(), p.data(), D8(t), out.data(), regs.data());
  std::vector<std::vector<double>> J(out.size(), std::vector<double>(u.size()));
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = 0; j < u.size(); ++j) J[i][j] = out[i].der[j];
  return J;
}
// The symbolic Jacobian at (u, p, t) as a dense matrix (entries outside the pattern 0).
std::vector<std::vector<double>> symbolic_jacobian(Function& f, const SparseJacobian& J, const std::vector<double>& u,
                                                   const std::vector<double>& p, double t) {
  const std::vector<double> v = run(Program::compile(f.graph, J.values), u, p, t);
  const std::size_t n = J.pattern.n;
  std::vector<std::vector<double>> M(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = J.pattern.row_ptr[i]; k < J.pattern.row_ptr[i + 1]; ++k) M[i][J.pattern.col[k]] = v[k];
  return M;
}
std::vector<std::vector<double>> fd_jacobian(const Function& f, std::vector<double> u, const std::vector<double>& p,
                                             double t) {
  const Program P = Program::compile(f.graph, f.outputs);
  std::vector<std::vector<double>> J(f.outputs.size(), std::vector<double>(u.size()));
  for (std::size_t j = 0; j < u.size(); ++j) {
    const double u0 = u[j], h = 1e-6 * std::max(1.0, std::abs(u0));
    u[j] = u0 + h;
    const auto fp = run(P, u, p, t);
    u[j] = u0 - h;
    const auto fm = run(P, u, p, t);
    u[j] = u0;
    for (std::size_t i = 0; i < J.size(); ++i) J[i][j] = (fp[i] - fm[i]) / (2 * h);
  }
  return J;
}
void expect_jacobians_near(const std::vector<std::vector<double>>& A, const std::vector<std::vector<double>>& B,
                           double rtol, const char* what) {
  double scale = 1;
  for (const auto& r : B)
    for (double x : r) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < A.size(); ++i)
    for (std::size_t j = 0; j < A[i].size(); ++j)
      EXPECT_NEAR(A[i][j], B[i][j], rtol * scale) << what << " (" << i << ", " << j << ")";
}
std::vector<double> random_vector(std::mt19937& rng, std::size_t n, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}
}  // namespace

// ---------------------------------------------------------------- graph construction

TEST(SymbolicGraph, HashConsingSharesEqualNodes) {
  Graph g;
  const int x = g.var(0), y = g.var(1), p = g.param(0);
  EXPECT_EQ(g.var(0), x);
  EXPECT_NE(g.param(0), g.var(0));
  EXPECT_EQ(g.time(), g.time());
  const int e1 = g.binary(Op::Mul, g.unary(Op::Sin, x), p);
  const std::size_t n = g.size();
  const int e2 = g.binary(Op::Mul, g.unary(Op::Sin, x), p);
  EXPECT_EQ(e1, e2);
  EXPECT_EQ(g.size(), n);
  // commutative operands in canonical order; non-commutative kept apart (Min and Max too: a tie returns the
  // second operand)
  for (Op op : {Op::Add, Op::Mul, Op::Eq, Op::Ne, Op::And, Op::Or})
    EXPECT_EQ(g.binary(op, x, y), g.binary(op, y, x)) << Graph::op_name(op);
  for (Op op : {Op::Sub, Op::Div, Op::Pow, Op::Atan2, Op::Mod, Op::Lt, Op::Le, Op::Min, Op::Max})
    EXPECT_NE(g.binary(op, x, y), g.binary(op, y, x)) << Graph::op_name(op);
  // constants compare bitwise: -0.0 and 0.0 differ, NaNs are one node
  EXPECT_EQ(g.constant(1.5), g.constant(1.5));
  EXPECT_NE(g.constant(0.0), g.constant(-0.0));
  EXPECT_EQ(g.constant(nan_), g.constant(-std::numeric_limits<double>::signaling_NaN()));
  // topological order
  for (std::size_t i = 0; i < g.size(); ++i) {
    const Node& nd = g.node(int(i));
    if (nd.op == Op::Var || nd.op == Op::Param || nd.op == Op::Const || nd.op == Op::Time) continue;
    for (int o : {nd.a, nd.b, nd.c}) EXPECT_LT(o, int(i));
  }
}

TEST(SymbolicGraph, Simplifications) {
  Graph g;
  const int x = g.var(0), y = g.var(1), c = g.param(0);
  const int zero = g.constant(0), one = g.constant(1), two = g.constant(2), mone = g.constant(-1);
  EXPECT_EQ(g.binary(Op::Add, x, zero), x);
  EXPECT_EQ(g.binary(Op::Add, zero, x), x);
  EXPECT_EQ(g.binary(Op::Sub, x, zero), x);
  const int mzero = g.constant(-0.0);
  const int nx = g.binary(Op::Sub, mzero, x);  // -0.0 - x = -x exactly; 0.0 - x is not -x for x = 0.0
  EXPECT_EQ(g.node(nx).op, Op::Neg);
  EXPECT_EQ(g.node(nx).a, x);
  EXPECT_EQ(g.node(g.binary(Op::Sub, zero, x)).op, Op::Sub);
  EXPECT_EQ(g.node(g.binary(Op::Sub, x, mzero)).op, Op::Sub);  // x - (-0.0) is not x for x = -0.0
  EXPECT_EQ(g.binary(Op::Mul, x, one), x);
  EXPECT_EQ(g.binary(Op::Mul, one, x), x);
  EXPECT_EQ(g.binary(Op::Mul, x, zero), zero);
  EXPECT_EQ(g.binary(Op::Mul, zero, x), zero);
  EXPECT_EQ(g.binary(Op::Div, x, one), x);
  EXPECT_EQ(g.binary(Op::Pow, x, one), x);
  EXPECT_EQ(g.binary(Op::Pow, x, zero), one);
  EXPECT_EQ(g.binary(Op::Pow, one, x), one);
  const int sq = g.binary(Op::Pow, x, two);
  EXPECT_EQ(g.node(sq).op, Op::Pow);  // the VM and the C special-case it
  EXPECT_EQ(g.unary(Op::Neg, g.unary(Op::Neg, x)), x);
  EXPECT_EQ(g.binary(Op::Mul, x, mone), nx);
  EXPECT_EQ(g.binary(Op::Div, x, mone), nx);
  const int d = g.binary(Op::Sub, y, x);
  EXPECT_EQ(g.binary(Op::Add, y, nx), d);  // y + (-x) = y - x
  EXPECT_EQ(g.binary(Op::Add, nx, y), d);
  EXPECT_EQ(g.binary(Op::Sub, y, nx), g.binary(Op::Add, y, x));
  // IfElse
  EXPECT_EQ(g.ifelse(one, x, y), x);
  EXPECT_EQ(g.ifelse(zero, x, y), y);
  EXPECT_EQ(g.ifelse(g.constant(nan_), x, y), x);  // NaN is true
  EXPECT_EQ(g.ifelse(c, x, x), x);
  EXPECT_EQ(g.node(g.ifelse(c, x, y)).op, Op::IfElse);
  // nothing simplified that should not be
  EXPECT_EQ(g.node(g.binary(Op::Sub, x, x)).op, Op::Sub);
  EXPECT_EQ(g.node(g.binary(Op::Mul, x, two)).op, Op::Mul);
}

TEST(SymbolicGraph, ConstantFoldingWithTheVMSemantics) {
  Graph g;
  const std::size_t n0 = g.size();
  const int five = g.binary(Op::Add, g.constant(2), g.constant(3));
  EXPECT_EQ(g.node(five).op, Op::Const);
  EXPECT_EQ(g.node(five).value, 5.0);
  EXPECT_EQ(g.size(), n0 + 3);  // 2, 3, 5: no operation node
  EXPECT_EQ(g.node(g.unary(Op::Sin, g.constant(0.5))).value, std::sin(0.5));
  EXPECT_EQ(g.node(g.binary(Op::Mod, g.constant(-7), g.constant(3))).value, 2.0);
  EXPECT_EQ(g.node(g.binary(Op::Lt, g.constant(1), g.constant(2))).value, 1.0);
  EXPECT_EQ(g.node(g.unary(Op::Sign, g.constant(0))).value, 0.0);
  EXPECT_EQ(g.node(g.ifelse(g.binary(Op::Gt, g.constant(1), g.constant(2)), g.constant(7), g.constant(8))).value, 8.0);
  // every op folded on constants equals the VM on variables, bit for bit
  for (auto [x, y] : op_points) {
    Graph h;
    std::vector<int> folded;
    const int cx = h.constant(x), cy = h.constant(y), cz = h.constant(-1.25);
    for (Op op : unary_ops) folded.push_back(h.unary(op, cx));
    for (Op op : binary_ops) folded.push_back(h.binary(op, cx, cy));
    folded.push_back(h.ifelse(cx, cy, cz));
    AllOps ops;
    // Pow with a constant exponent is special-cased alike in both; with a variable exponent it is std::pow
    const std::vector<double> vm = run(Program::compile(ops.f.graph, ops.f.outputs), {x, y, -1.25}, {}, 0);
    for (std::size_t k = 0; k < folded.size(); ++k) {
      ASSERT_EQ(h.node(folded[k]).op, Op::Const);
      const bool is_pow = k == std::size(unary_ops) + 4;
      if (is_pow) continue;
      EXPECT_TRUE(same(h.node(folded[k]).value, vm[k])) << k << " at " << x << ", " << y;
    }
  }
  // a constant exponent: folding and the VM special-case the same exponents
  for (double k : {2.0, 3.0, 4.0, -1.0, -2.0, 0.5, -0.5, 1.7}) {
    Graph h;
    const int e = h.binary(Op::Pow, h.var(0), h.constant(k));
    for (double x : {0.37, 2.5, -1.5, 0.0}) {
      Graph c;
      const double fv = c.node(c.binary(Op::Pow, c.constant(x), c.constant(k))).value;
      EXPECT_TRUE(same(fv, run(Program::compile(h, {e}), {x}, {}, 0)[0])) << x << "^" << k;
      EXPECT_TRUE(same(fv, std::pow(x, k), 2)) << x << "^" << k;
    }
  }
}

TEST(SymbolicGraph, BadInputThrows) {
  Graph g;
  const int x = g.var(0), y = g.var(1);
  EXPECT_THROW(g.var(-1), std::invalid_argument);
  EXPECT_THROW(g.param(-2), std::invalid_argument);
  EXPECT_THROW(g.unary(Op::Add, x), std::invalid_argument);
  EXPECT_THROW(g.unary(Op::IfElse, x), std::invalid_argument);
  EXPECT_THROW(g.binary(Op::Sin, x, y), std::invalid_argument);
  EXPECT_THROW(g.binary(Op::Not, x, y), std::invalid_argument);
  EXPECT_THROW(g.binary(Op::Var, x, y), std::invalid_argument);
  EXPECT_THROW(g.unary(Op(200), x), std::invalid_argument);
  EXPECT_THROW(g.binary(Op::Add, x, 99), std::invalid_argument);
  EXPECT_THROW(g.unary(Op::Sin, -1), std::invalid_argument);
  EXPECT_THROW(g.ifelse(x, y, 1000), std::invalid_argument);
  EXPECT_THROW(g.node(int(g.size())), std::invalid_argument);
  EXPECT_THROW(g.to_string(-1), std::invalid_argument);
  try {
    g.unary(Op::Mul, x);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'mul' is not a unary op"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Program::compile(g, {x, 42}), std::invalid_argument);
  EXPECT_THROW(serialize(g, {-1}), std::invalid_argument);
  std::unordered_map<int, int> memo;
  EXPECT_THROW(differentiate(g, x, Op::Add, 0, memo), std::invalid_argument);
  EXPECT_THROW(differentiate(g, x, Op::Var, -1, memo), std::invalid_argument);
  Function f;
  f.n_states = 1;
  f.outputs = {g.var(0), g.var(1)};
  f.graph = g;
  EXPECT_THROW(jacobian(f), std::invalid_argument);  // 2 outputs for 1 state
  f.outputs = {f.graph.var(3)};
  EXPECT_THROW(jacobian(f), std::invalid_argument);  // u[3] of 1 state
}

TEST(SymbolicGraph, ToString) {
  Graph g;
  const int u0 = g.var(0), p1 = g.param(1);
  EXPECT_EQ(g.to_string(g.binary(Op::Mul, u0, p1)), "(u[0] * p[1])");
  const int f = g.binary(Op::Pow, g.unary(Op::Sin, g.binary(Op::Sub, g.time(), g.constant(2.5))), g.constant(2));
  EXPECT_EQ(g.to_string(f), "(sin((t - 2.5)) ** 2)");
  EXPECT_EQ(g.to_string(g.ifelse(g.binary(Op::Lt, g.var(0), g.constant(0)), g.constant(-1), g.var(0))),
            "ifelse((u[0] < 0), -1, u[0])");
  EXPECT_STREQ(Graph::op_name(Op::Atan2), "atan2");
  int sq = g.var(0);  // 2^40 copies of u[0] when written out in full: abbreviated instead
  for (int i = 0; i < 40; ++i) sq = g.binary(Op::Mul, sq, sq);
  const std::string big = g.to_string(sq);
  EXPECT_LT(big.size(), 1u << 18);
  EXPECT_NE(big.find('%'), std::string::npos);
}

// ---------------------------------------------------------------- the VM

TEST(SymbolicVM, ProblemsMatchTheCppRightHandSides) {
  std::mt19937 rng(7);
  auto check = [&](Function f, auto rhs, const std::vector<double>& p, double lo, double hi, const char* name) {
    const Program P = Program::compile(f.graph, f.outputs);
    EXPECT_EQ(P.num_outputs(), std::size_t(f.n_states));
    for (int trial = 0; trial < 20; ++trial) {
      const std::vector<double> u = random_vector(rng, std::size_t(f.n_states), lo, hi);
      const std::vector<double> vm = run(P, u, p, 0.5);
      const auto ref = rhs(u, p);
      double scale = 0;
      for (std::size_t i = 0; i < vm.size(); ++i) scale = std::max(scale, std::abs(ref[i]));
      for (std::size_t i = 0; i < vm.size(); ++i)
        EXPECT_NEAR(vm[i], ref[i], 1e-15 * scale) << name << " du[" << i << "]";
    }
  };
  const std::vector<double> lp(sciml::problems::lorenz_p.begin(), sciml::problems::lorenz_p.end());
  const std::vector<double> rk(sciml::problems::rober_k.begin(), sciml::problems::rober_k.end());
  auto as_array = [](const std::vector<double>& v, auto n) {
    std::array<double, decltype(n)::value> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = v[i];
    return a;
  };
  using I3 = std::integral_constant<std::size_t, 3>;
  using I8 = std::integral_constant<std::size_t, 8>;
  check(
      trace<3, 3>(sciml::problems::lorenz),
      [&](const auto& u, const auto& p) { return sciml::problems::lorenz(as_array(u, I3{}), as_array(p, I3{}), 0.5); },
      lp, -20, 20, "lorenz");
  check(
      trace<3, 3>(sciml::problems::rober),
      [&](const auto& u, const auto& p) { return sciml::problems::rober(as_array(u, I3{}), as_array(p, I3{}), 0.5); },
      rk, 0, 1, "rober");
  check(
      trace<8, 0>(sciml::problems::hires),
      [&](const auto& u, const auto&) {
        return sciml::problems::hires(as_array(u, I8{}), std::array<double, 0>{}, 0.5);
      },
      {}, 0, 1, "hires");
  // the fused, constant-carrying instruction set keeps HIRES short
  const Function h = trace<8, 0>(sciml::problems::hires);
  EXPECT_LE(Program::compile(h.graph, h.outputs).num_instructions(), 22u);
}

TEST(SymbolicVM, Listing) {
  Graph g;
  const int x = g.var(0), y = g.var(1);
  const Program P = Program::compile(g, {g.binary(Op::Add, g.binary(Op::Mul, x, g.constant(2.5)), y)});
  EXPECT_EQ(P.to_string(), "r0 = u[0]\nr1 = u[1]\nr2 = r0 * 2.5 + r1\nout[0] = r2\n");
  EXPECT_EQ(P.num_instructions(), 1u);  // the product fused into the sum
}

TEST(SymbolicVM, EveryOpAgainstStd) {
  AllOps ops;
  const Program P = Program::compile(ops.f.graph, ops.f.outputs);
  for (auto [x, y] : op_points)
    for (double z : {-1.25, 4.0}) {
      const std::vector<double> vm = run(P, {x, y, z}, {}, 0), ref = AllOps::reference(x, y, z);
      ASSERT_EQ(vm.size(), ref.size());
      for (std::size_t k = 0; k < vm.size(); ++k)
        EXPECT_TRUE(same(vm[k], ref[k])) << k << " at " << x << ", " << y << ": " << vm[k] << " vs " << ref[k];
    }
  // the edge cases spelled out
  Graph g;
  const int x = g.var(0), y = g.var(1);
  const Program mod = Program::compile(g, {g.binary(Op::Mod, x, y), g.unary(Op::Sign, x)});
  auto m = [&](double a, double b) { return run(mod, {a, b}, {}, 0); };
  EXPECT_EQ(m(-7, 3)[0], 2.0);
  EXPECT_EQ(m(7, -3)[0], -2.0);
  EXPECT_EQ(m(-7.5, 2)[0], 0.5);
  EXPECT_EQ(m(5.5, 2)[0], 1.5);
  EXPECT_TRUE(same(m(6, -3)[0], -0.0));  // Python: 6.0 % -3.0 == -0.0
  EXPECT_TRUE(same(m(-6, 3)[0], 0.0));
  EXPECT_TRUE(std::isnan(m(1, 0)[0]));
  EXPECT_EQ(m(0, 1)[1], 0.0);
  EXPECT_EQ(m(-3, 1)[1], -1.0);
  EXPECT_EQ(m(1e-300, 1)[1], 1.0);
}

TEST(SymbolicVM, ConstantOperandsAndSpecialPowers) {
  Graph g;
  const int x = g.var(0), k = g.constant(2.5);
  std::vector<int> outs = {g.binary(Op::Add, x, k),   g.binary(Op::Add, k, x), g.binary(Op::Sub, x, k),
                           g.binary(Op::Sub, k, x),   g.binary(Op::Mul, k, x), g.binary(Op::Div, x, k),
                           g.binary(Op::Div, k, x),   g.binary(Op::Min, x, k), g.binary(Op::Lt, k, x),
                           g.binary(Op::Atan2, k, x), g.binary(Op::Pow, k, x)};
  const std::vector<double> pw = {2, 3, 4, -1, -2, 0.5, -0.5, 1.7, -3};
  for (double e : pw) outs.push_back(g.binary(Op::Pow, x, g.constant(e)));
  const Program P = Program::compile(g, outs);
  // constants ride in the instructions or are preloaded: one instruction per node (x + k and k + x are one)
  EXPECT_EQ(P.num_instructions(), outs.size() - 1);
  for (double v : {0.37, -1.5, 3.0, 0.0}) {
    const auto r = run(P, {v}, {}, 0);
    const std::vector<double> ref = {v + 2.5,
                                     2.5 + v,
                                     v - 2.5,
                                     2.5 - v,
                                     2.5 * v,
                                     v / 2.5,
                                     2.5 / v,
                                     std::min(v, 2.5),
                                     2.5 < v ? 1.0 : 0.0,
                                     std::atan2(2.5, v),
                                     std::pow(2.5, v)};
    for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_TRUE(same(r[i], ref[i])) << i << " at " << v;
    for (std::size_t i = 0; i < pw.size(); ++i)
      EXPECT_TRUE(same(r[ref.size() + i], std::pow(v, pw[i]), 2)) << v << "^" << pw[i] << ": " << r[ref.size() + i];
  }
}

TEST(SymbolicVM, OutputsThatAreLeavesConstantsOrSharedAndAliasing) {
  Graph g;
  const int x = g.var(0), y = g.var(1), s = g.binary(Op::Mul, x, y), c = g.constant(3.5);
  const int e = g.binary(Op::Add, s, g.unary(Op::Sin, s));
  const Program P = Program::compile(g, {e, x, c, s, s, g.param(0), g.time(), e});
  const std::vector<double> r = run(P, {2.0, -0.25}, {9.0}, 1.5);
  const double sv = 2.0 * -0.25;
  EXPECT_EQ(r, (std::vector<double>{sv + std::sin(sv), 2.0, 3.5, sv, sv, 9.0, 1.5, sv + std::sin(sv)}));
  // out may be u (in place): every output is written after all reads
  const Program Q = Program::compile(g, {y, x});
  std::vector<double> u = {2.0, -0.25}, regs(Q.num_registers());
  Q.run(u.data(), nullptr, 0.0, u.data(), regs.data());
  EXPECT_EQ(u, (std::vector<double>{-0.25, 2.0}));
  EXPECT_EQ(P.min_states(), 2u);
  EXPECT_EQ(P.min_params(), 1u);
}

TEST(SymbolicVM, RegistersAreReusedAfterLastUse) {
  Graph g;
  int e = g.var(0);
  for (int i = 0; i < 200; ++i) e = g.unary(i % 2 ? Op::Sin : Op::Cos, g.binary(Op::Mul, e, g.constant(1.5 + i)));
  const Program P = Program::compile(g, {e});
  EXPECT_EQ(P.num_instructions(), 400u);
  EXPECT_LE(P.num_registers(), 2u);
  double r = 0.3;
  for (int i = 0; i < 200; ++i) r = i % 2 ? std::sin(r * (1.5 + i)) : std::cos(r * (1.5 + i));
  EXPECT_EQ(run(P, {0.3}, {}, 0)[0], r);
}

TEST(SymbolicVM, DualPowerOfANegativeBase) {
  Graph g;
  const int e = g.binary(Op::Pow, g.var(0), g.var(1));  // the exponent a register, not a constant
  const Program P = Program::compile(g, {e});
  using D2 = sciml::Dual<double, 2>;
  D2 u[2] = {D2::variable(-2.0, 0), D2(3.0)}, out[1];
  std::vector<D2> regs(P.num_registers());
  P.run(u, static_cast<const double*>(nullptr), D2(0.0), out, regs.data());
  EXPECT_EQ(out[0].val, -8.0);
  EXPECT_EQ(out[0].der[0], 12.0);  // 3 x^2; no log(x) term where the exponent does not vary
  EXPECT_EQ(out[0].der[1], 0.0);
}

TEST(SymbolicVM, DualNumbersEveryOp) {
  AllOps ops;
  const Program P = Program::compile(ops.f.graph, ops.f.outputs);
  using D2 = sciml::Dual<double, 2>;
  std::vector<D2> out(P.num_outputs()), regs(P.num_registers());
  // smooth points of every op (away from kinks, branch cuts and jumps)
  for (auto [x, y] : std::vector<std::pair<double, double>>{{0.3, -0.7}, {-0.45, 2.2}, {0.6, 0.25}}) {
    const D2 u[3] = {D2::variable(x, 0), D2::variable(y, 1), D2(1.0)};
    P.run(u, static_cast<const double*>(nullptr), D2(0.1), out.data(), regs.data());
    const std::vector<double> v = run(P, {x, y, 1.0}, {}, 0.1);
    for (std::size_t k = 0; k < out.size(); ++k) {
      EXPECT_TRUE(same(out[k].val, v[k])) << k;  // the value rounds exactly as in double
      for (int j = 0; j < 2; ++j) {
        std::vector<double> up = {x, y, 1.0}, dn = up;
        const double h = 1e-6;
        up[std::size_t(j)] += h;
        dn[std::size_t(j)] -= h;
        const double fd = (run(P, up, {}, 0.1)[k] - run(P, dn, {}, 0.1)[k]) / (2 * h);
        if (std::isnan(v[k])) continue;
        EXPECT_NEAR(out[k].der[j], fd, 1e-7 * std::max(1.0, std::abs(fd)))
            << "output " << k << " d/du" << j << " at " << x << ", " << y;
      }
    }
  }
}

// ---------------------------------------------------------------- derivatives

TEST(SymbolicDerivative, RoberPatternAndValues) {
  Function f = trace<3, 3>(sciml::problems::rober);
  const SparseJacobian J = jacobian(f);
  EXPECT_EQ(J.pattern.n, 3u);
  EXPECT_EQ(J.pattern.row_ptr, (std::vector<std::size_t>{0, 3, 6, 7}));
  EXPECT_EQ(J.pattern.col, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 1}));
  ASSERT_EQ(J.values.size(), 7u);
  const std::vector<double> k(sciml::problems::rober_k.begin(), sciml::problems::rober_k.end());
  std::mt19937 rng(3);
  for (int trial = 0; trial < 5; ++trial) {
    const std::vector<double> u = random_vector(rng, 3, 0, 1);
    const auto S = symbolic_jacobian(f, J, u, k, 0);
    const std::vector<std::vector<double>> exact = {{-k[0], k[1] * u[2], k[1] * u[1]},
                                                    {k[0], -k[1] * u[2] - 2 * k[2] * u[1], -k[1] * u[1]},
                                                    {0, 2 * k[2] * u[1], 0}};
    expect_jacobians_near(S, exact, 1e-15, "rober exact");
    expect_jacobians_near(S, dual_jacobian(f, u, k, 0), 1e-15, "rober dual");
    expect_jacobians_near(S, fd_jacobian(f, u, k, 0), 1e-8, "rober fd");
  }
}

TEST(SymbolicDerivative, ParameterJacobianOfRober) {
  Function f = trace<3, 3>(sciml::problems::rober);
  const SparseJacobian Jp = param_jacobian(f);
  // du1 depends on k1, k2; du2 on k1, k2, k3; du3 on k3
  EXPECT_EQ(Jp.pattern.row_ptr, (std::vector<std::size_t>{0, 2, 5, 6}));
  EXPECT_EQ(Jp.pattern.col, (std::vector<std::size_t>{0, 1, 0, 1, 2, 2}));
  const Program P = Program::compile(f.graph, f.outputs), PJ = Program::compile(f.graph, Jp.values);
  const std::vector<double> u = {0.8, 2e-5, 0.2}, k = {0.04, 1e4, 3e7};
  const auto vals = run(PJ, u, k, 0.0);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t e = Jp.pattern.row_ptr[i]; e < Jp.pattern.row_ptr[i + 1]; ++e) {
      const std::size_t j = Jp.pattern.col[e];
      auto kp = k, km = k;
      const double h = 1e-6 * k[j];
      kp[j] += h;
      km[j] -= h;
      const double fd = (run(P, u, kp, 0.0)[i] - run(P, u, km, 0.0)[i]) / (2 * h);
      EXPECT_NEAR(vals[e], fd, 1e-7 * (std::abs(fd) + 1e-12)) << i << "," << j;
    }
}

TEST(SymbolicDerivative, HiresAgainstDualAndFiniteDifferences) {
  Function f = trace<8, 0>(sciml::problems::hires);
  const SparseJacobian J = jacobian(f);
  std::mt19937 rng(5);
  const std::vector<double> u = random_vector(rng, 8, 0, 1);
  const auto D = dual_jacobian(f, u, {}, 0);
  std::size_t nnz = 0;
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t j = 0; j < 8; ++j) {
      nnz += D[i][j] != 0;
      EXPECT_EQ(J.pattern.contains(i, j), D[i][j] != 0) << i << ", " << j;
    }
  EXPECT_EQ(J.pattern.nnz(), nnz);
  const auto S = symbolic_jacobian(f, J, u, {}, 0);
  expect_jacobians_near(S, D, 1e-15, "hires dual");
  expect_jacobians_near(S, fd_jacobian(f, u, {}, 0), 1e-8, "hires fd");
}

TEST(SymbolicDerivative, BandedChainPatternIsExact) {
  const int n = 9;
  Function f;
  f.n_states = n;
  f.n_params = 1;
  Graph& g = f.graph;
  for (int i = 0; i < n; ++i) {
    int e = g.binary(Op::Mul, g.constant(-2), g.var(i));
    if (i > 0) e = g.binary(Op::Add, e, g.var(i - 1));
    if (i < n - 1) e = g.binary(Op::Add, e, g.binary(Op::Mul, g.param(0), g.unary(Op::Sin, g.var(i + 1))));
    if (i == 0) e = g.binary(Op::Add, e, g.binary(Op::Sub, g.var(5), g.var(5)));  // d/du5 folds to 0
    f.outputs.push_back(e);
  }
  const SparseJacobian J = jacobian(f);
  sciml::SparsityPattern expected;
  expected.n = std::size_t(n);
  for (int i = 0; i < n; ++i) {
    for (int j = std::max(0, i - 1); j <= std::min(n - 1, i + 1); ++j) expected.col.push_back(std::size_t(j));
    expected.row_ptr.push_back(expected.col.size());
  }
  EXPECT_EQ(J.pattern.n, expected.n);
  EXPECT_EQ(J.pattern.row_ptr, expected.row_ptr);
  EXPECT_EQ(J.pattern.col, expected.col);
  std::mt19937 rng(11);
  const std::vector<double> u = random_vector(rng, std::size_t(n), -2, 2);
  const auto S = symbolic_jacobian(f, J, u, {0.7}, 0);
  expect_jacobians_near(S, fd_jacobian(f, u, {0.7}, 0), 1e-8, "chain fd");
  EXPECT_DOUBLE_EQ(S[3][4], 0.7 * std::cos(u[4]));
}

TEST(SymbolicDerivative, RandomExpressionsAgainstDualAndFiniteDifferences) {
  std::mt19937 rng(17);
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const bool kinks = seed % 2 == 0;
    Function f = random_function(seed, kinks);
    const SparseJacobian J = jacobian(f);
    for (int trial = 0; trial < 3; ++trial) {
      const std::vector<double> u = random_vector(rng, 4, -1.5, 1.5), p = random_vector(rng, 2, -1, 1);
      const double t = 0.3;
      const auto S = symbolic_jacobian(f, J, u, p, t);
      const auto D = dual_jacobian(f, u, p, t);
      for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j)
          if (!J.pattern.contains(i, j)) {
            EXPECT_EQ(D[i][j], 0.0) << "seed " << seed << ": AD nonzero outside the pattern";
          }
      expect_jacobians_near(S, D, 1e-12, ("dual, seed " + std::to_string(seed)).c_str());
      if (!kinks) expect_jacobians_near(S, fd_jacobian(f, u, p, t), 1e-6, ("fd, seed " + std::to_string(seed)).c_str());
    }
  }
}

TEST(SymbolicDerivative, TimeDerivative) {
  Function f;
  f.n_states = 3;
  f.n_params = 1;
  Graph& g = f.graph;
  const int t = g.time(), u0 = g.var(0), u1 = g.var(1);
  f.outputs = {g.binary(Op::Add, g.binary(Op::Mul, g.unary(Op::Sin, t), u0),
                        g.binary(Op::Mul, g.binary(Op::Mul, t, t), g.param(0))),
               g.binary(Op::Mul, u1, g.unary(Op::Exp, g.unary(Op::Neg, t))), g.var(2)};
  const std::vector<int> dt = time_derivative(f);
  ASSERT_EQ(dt.size(), 3u);
  EXPECT_EQ(g.node(dt[2]).op, Op::Const);
  EXPECT_EQ(g.node(dt[2]).value, 0.0);
  const Program P = Program::compile(g, f.outputs), Pt = Program::compile(g, dt);
  const std::vector<double> u = {0.4, -1.3, 2.0}, p = {1.7};
  for (double tv : {0.0, 0.8, -2.5}) {
    const double h = 1e-6;
    const auto d = run(Pt, u, p, tv), fp = run(P, u, p, tv + h), fm = run(P, u, p, tv - h);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(d[i], (fp[i] - fm[i]) / (2 * h), 1e-8) << i << " at t = " << tv;
    EXPECT_NEAR(d[0], std::cos(tv) * 0.4 + 2 * tv * 1.7, 1e-15);
  }
}

TEST(SymbolicDerivative, EveryOpRuleMatchesDualNumbers) {
  AllOps ops;
  Function& f = ops.f;
  // d/du0 and d/du1 of every output, symbolically; compare with the VM on dual numbers
  std::vector<int> d0, d1;
  std::unordered_map<int, int> m0, m1;
  for (int o : f.outputs) {
    d0.push_back(differentiate(f.graph, o, Op::Var, 0, m0));
    d1.push_back(differentiate(f.graph, o, Op::Var, 1, m1));
  }
  const Program P = Program::compile(f.graph, f.outputs), P0 = Program::compile(f.graph, d0),
                P1 = Program::compile(f.graph, d1);
  using D2 = sciml::Dual<double, 2>;
  std::vector<D2> out(P.num_outputs()), regs(P.num_registers());
  for (auto [x, y] : std::vector<std::pair<double, double>>{{0.3, -0.7}, {-0.45, 2.2}, {0.6, 0.25}, {-0.6, -0.2}}) {
    const D2 u[3] = {D2::variable(x, 0), D2::variable(y, 1), D2(1.0)};
    P.run(u, static_cast<const double*>(nullptr), D2(0.0), out.data(), regs.data());
    const auto s0 = run(P0, {x, y, 1.0}, {}, 0), s1 = run(P1, {x, y, 1.0}, {}, 0);
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (std::isnan(out[k].val)) continue;
      EXPECT_NEAR(s0[k], out[k].der[0], 1e-14 * std::max(1.0, std::abs(s0[k])))
          << "d/du0 of output " << k << " at " << x << ", " << y;
      EXPECT_NEAR(s1[k], out[k].der[1], 1e-14 * std::max(1.0, std::abs(s1[k])))
          << "d/du1 of output " << k << " at " << x << ", " << y;
    }
  }
}

// ---------------------------------------------------------------- serialize

TEST(SymbolicSerialize, CanonicalAndExact) {
  // the same outputs, built in different orders with unrelated nodes in between
  Graph a, b;
  int ea, fa, eb, fb;
  {
    const int x = a.var(0), y = a.var(1);
    a.unary(Op::Cos, a.param(3));  // unrelated
    ea = a.binary(Op::Add, a.binary(Op::Mul, x, y), a.unary(Op::Sin, x));
    fa = a.binary(Op::Sub, a.constant(0.1), a.binary(Op::Mul, x, y));
  }
  {
    const int p = b.param(7), y = b.var(1);
    b.binary(Op::Mul, p, p);  // unrelated
    const int x = b.var(0), s = b.unary(Op::Sin, x), m = b.binary(Op::Mul, y, x);
    fb = b.binary(Op::Sub, b.constant(0.1), m);
    eb = b.binary(Op::Add, s, m);
  }
  EXPECT_NE(ea, eb);  // other numbering
  EXPECT_EQ(serialize(a, {ea, fa}), serialize(b, {eb, fb}));
  EXPECT_NE(serialize(a, {ea, fa}), serialize(b, {fb, eb}));  // output order matters
  // a constant changed in its last bit changes the text
  Graph c;
  const int ec = c.binary(Op::Mul, c.var(0), c.constant(0.1));
  Graph d;
  const int ed = d.binary(Op::Mul, d.var(0), d.constant(std::nextafter(0.1, 1.0)));
  EXPECT_NE(serialize(c, {ec}), serialize(d, {ed}));
  Graph e;
  const int ee = e.binary(Op::Mul, e.constant(0.1), e.var(0));
  EXPECT_EQ(serialize(c, {ec}), serialize(e, {ee}));
  // stable text
  EXPECT_EQ(serialize(c, {ec}), "sciml-symbolic-v1\n0 var 0\n1 const 1.999999999999ap-4\n2 mul 0 1\nout 2\n");
}

// ---------------------------------------------------------------- code generation

TEST(SymbolicCodegen, RejectsBadSymbols) {
  Graph g;
  const int x = g.var(0);
  for (const char* bad :
       {"", "1abc", "a-b", "foo bar", "f;system(\"rm\")", "double", "return", "__x", "_Bool", "sciml_h_mod", "é"})
    EXPECT_THROW(emit_c(g, {x}, bad), std::invalid_argument) << bad;
  EXPECT_NO_THROW(emit_c(g, {x}, "_rhs_01"));
  EXPECT_NO_THROW(emit_c(g, {x}, "sciml_rhs_abc123"));
  const std::string src = emit_c(g, {x, g.constant(nan_), g.constant(-inf_), g.constant(-0.0), g.constant(3)}, "f");
  EXPECT_NE(src.find("out[1] = NAN;"), std::string::npos) << src;
  EXPECT_NE(src.find("out[2] = (-INFINITY);"), std::string::npos) << src;
  EXPECT_NE(src.find("out[3] = (-0.0);"), std::string::npos) << src;
  EXPECT_NE(src.find("out[4] = 3.0;"), std::string::npos) << src;
}

TEST(SymbolicCodegen, CompiledCMatchesTheVM) {
  std::string cc;
  for (const char* c : {"cc", "gcc"})
    if (std::system((std::string(c) + " --version > /dev/null 2>&1").c_str()) == 0) {
      cc = c;
      break;
    }
  if (cc.empty()) GTEST_SKIP() << "no C compiler (cc or gcc) found";
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sciml_symbolic_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Case {
    std::string name;
    Function f;
    std::vector<double> p;
    double lo, hi;
  };
  std::vector<Case> cases;
  cases.push_back({"lorenz_rhs", trace<3, 3>(sciml::problems::lorenz), {10, 28, 8.0 / 3}, -20, 20});
  cases.push_back({"rober_rhs", trace<3, 3>(sciml::problems::rober), {0.04, 1e4, 3e7}, 0, 1});
  cases.push_back({"hires_rhs", trace<8, 0>(sciml::problems::hires), {}, 0, 1});
  cases.push_back({"all_ops", AllOps().f, {}, -2, 2});
  {  // the Jacobian of HIRES, and constant / special-power / constant-operand forms
    Function h = trace<8, 0>(sciml::problems::hires);
    const SparseJacobian J = jacobian(h);
    h.outputs = J.values;
    cases.push_back({"hires_jac", h, {}, 0, 1});
    Function k;
    Graph& g = k.graph;
    const int x = g.var(0), c = g.constant(-2.5);
    for (double e : {2.0, 3.0, 4.0, -1.0, -2.0, 0.5, -0.5, 1.7})
      k.outputs.push_back(g.binary(Op::Pow, x, g.constant(e)));
    for (Op op : binary_ops) k.outputs.push_back(g.binary(op, c, x));
    for (Op op : binary_ops) k.outputs.push_back(g.binary(op, x, c));
    k.outputs.push_back(g.constant(1e300));
    k.outputs.push_back(g.constant(0.1));
    k.n_states = 1;
    cases.push_back({"forms", k, {}, -3, 3});
  }
  std::string files;
  for (const Case& c : cases) {
    const fs::path src = dir / (c.name + ".c");
    std::ofstream(src) << emit_c(c.f.graph, c.f.outputs, c.name);
    files += " '" + src.string() + "'";
  }
  const fs::path lib = dir / "libsym.so";
  const std::string cmd = cc + " -O2 -shared -fPIC -ffp-contract=off -o '" + lib.string() + "'" + files + " -lm";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  void* handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  using Fn = void (*)(const double*, const double*, double, double*);
  std::mt19937 rng(23);
  for (const Case& c : cases) {
    auto fn = reinterpret_cast<Fn>(dlsym(handle, c.name.c_str()));
    ASSERT_NE(fn, nullptr) << c.name;
    const Program P = Program::compile(c.f.graph, c.f.outputs);
    std::vector<std::vector<double>> points;
    for (int trial = 0; trial < 10; ++trial)
      points.push_back(random_vector(rng, std::max<std::size_t>(1, std::size_t(c.f.n_states)), c.lo, c.hi));
    if (c.name == "all_ops" || c.name == "forms")
      for (auto [x, y] : op_points) points.push_back({x, y, -1.25});
    for (auto u : points) {
      u.resize(std::max<std::size_t>(u.size(), P.min_states()));
      const std::vector<double> vm = run(P, u, c.p, 0.25);
      std::vector<double> native(vm.size(), -42.0);
      fn(u.data(), c.p.data(), 0.25, native.data());
      for (std::size_t i = 0; i < vm.size(); ++i)
        EXPECT_TRUE(same(native[i], vm[i])) << c.name << " output " << i << ": " << native[i] << " vs VM " << vm[i];
    }
  }
  dlclose(handle);
  fs::remove_all(dir);
}
