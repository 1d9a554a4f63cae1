// deserialize (symbolic/deserialize.hpp), the inverse of serialize: the round trip
// serialize(deserialize(serialize(g))) == serialize(g) on Lorenz, ROBER and HIRES (and their Jacobians), on every
// Op, on special constants (NaN, ±Inf, -0.0, subnormals, the extremes of double) and on random graphs, with the
// read-back graph computing the same values in the VM; and a table of malformed texts, each refused with
// std::invalid_argument naming what is wrong and where.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <sciml/symbolic/deserialize.hpp>
#include <sciml/symbolic/serialize.hpp>
#include <string>
#include <vector>

#include "common/expect_invalid.hpp"
#include "common/problems.hpp"

using namespace sciml::symbolic;

namespace {
constexpr double inf_ = std::numeric_limits<double>::infinity();
constexpr double nan_ = std::numeric_limits<double>::quiet_NaN();

// A tracing scalar: each operation adds a node (what the problems.hpp right-hand sides need).
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
Sym operator*(double a, Sym b) { return lift(b.g, a) * b; }

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

bool same_bits(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// The round trip, and the read-back graph giving the same values as the original at a few points.
void expect_round_trip(const Graph& g, const std::vector<int>& outputs, const char* name) {
  const std::string text = serialize(g, outputs);
  DeserializedGraph back;
  ASSERT_NO_THROW(back = deserialize(text)) << name << ":\n" << text;
  ASSERT_EQ(back.outputs.size(), outputs.size()) << name;
  EXPECT_EQ(serialize(back.graph, back.outputs), text) << name;
  const Program P = Program::compile(g, outputs), Q = Program::compile(back.graph, back.outputs);
  ASSERT_EQ(P.min_states(), Q.min_states()) << name;
  ASSERT_EQ(P.min_params(), Q.min_params()) << name;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> dist(-2, 2);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> u(P.min_states()), p(P.min_params());
    for (double& x : u) x = dist(rng);
    for (double& x : p) x = dist(rng);
    const double t = dist(rng);
    std::vector<double> a(outputs.size()), b(outputs.size()), ra(P.num_registers()), rb(Q.num_registers());
    P.run(u.data(), p.data(), t, a.data(), ra.data());
    Q.run(u.data(), p.data(), t, b.data(), rb.data());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same_bits(a[i], b[i])) << name << " output " << i;
  }
}

const Op unary_ops[] = {Op::Neg,  Op::Sin,  Op::Cos,  Op::Tan,  Op::Asin,  Op::Acos, Op::Atan,
                        Op::Sinh, Op::Cosh, Op::Tanh, Op::Exp,  Op::Expm1, Op::Log,  Op::Log1p,
                        Op::Sqrt, Op::Cbrt, Op::Abs,  Op::Sign, Op::Floor, Op::Ceil, Op::Not};
const Op binary_ops[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Pow, Op::Atan2, Op::Min, Op::Max, Op::Mod,
                         Op::Lt,  Op::Le,  Op::Gt,  Op::Ge,  Op::Eq,  Op::Ne,    Op::And, Op::Or};
}  // namespace

TEST(SymbolicDeserialize, ReadsBackTheStableText) {
  const std::string text = "sciml-symbolic-v1\n0 var 0\n1 const 1.999999999999ap-4\n2 mul 0 1\nout 2\n";
  const DeserializedGraph d = deserialize(text);
  ASSERT_EQ(d.outputs.size(), 1u);
  const Node& n = d.graph.node(d.outputs[0]);
  EXPECT_EQ(n.op, Op::Mul);
  EXPECT_EQ(d.graph.to_string(d.outputs[0]), "(u[0] * 0.1)");
  EXPECT_EQ(serialize(d.graph, d.outputs), text);
}

TEST(SymbolicDeserialize, RoundTripOfTheTestProblemsAndTheirJacobians) {
  Function lorenz = trace<3, 3>(sciml::problems::lorenz);
  Function rober = trace<3, 3>(sciml::problems::rober);
  Function hires = trace<8, 0>(sciml::problems::hires);
  expect_round_trip(lorenz.graph, lorenz.outputs, "lorenz");
  expect_round_trip(rober.graph, rober.outputs, "rober");
  expect_round_trip(hires.graph, hires.outputs, "hires");
  for (Function* f : {&lorenz, &rober, &hires}) {
    const SparseJacobian J = jacobian(*f);
    expect_round_trip(f->graph, J.values, "jacobian");
    expect_round_trip(f->graph, time_derivative(*f), "time derivative");
    if (f->n_params > 0) expect_round_trip(f->graph, param_jacobian(*f).values, "parameter jacobian");
  }
}

TEST(SymbolicDeserialize, RoundTripOfEveryOp) {
  Graph g;
  const int x = g.var(0), y = g.param(1), t = g.time();
  std::vector<int> outs;
  for (Op op : unary_ops) outs.push_back(g.unary(op, x));
  for (Op op : binary_ops) {
    outs.push_back(g.binary(op, x, y));
    outs.push_back(g.binary(op, y, x));
    outs.push_back(g.binary(op, x, g.constant(2.5)));
    outs.push_back(g.binary(op, g.constant(-0.75), t));
  }
  outs.push_back(g.ifelse(g.binary(Op::Lt, x, y), x, t));
  outs.push_back(g.ifelse(x, g.constant(3), y));
  for (double k : {2.0, 3.0, 4.0, -1.0, -2.0, 0.5, -0.5, 1.5}) outs.push_back(g.binary(Op::Pow, x, g.constant(k)));
  expect_round_trip(g, outs, "every op");
  // the op names in the text are op.hpp's
  const std::string text = serialize(g, outs);
  for (int i = int(Op::Neg); i < detail::num_ops; ++i)
    EXPECT_NE(text.find(std::string(" ") + detail::op_names[i] + " "), std::string::npos) << detail::op_names[i];
}

TEST(SymbolicDeserialize, RoundTripOfSpecialConstants) {
  const double specials[] = {0.0,
                             -0.0,
                             1.0,
                             -1.0,
                             nan_,
                             -nan_,
                             inf_,
                             -inf_,
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             3 * std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::min() / 3,
                             std::numeric_limits<double>::min(),
                             std::nextafter(std::numeric_limits<double>::min(), 0.0),
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::epsilon(),
                             0.1,
                             1.0 / 3,
                             -2.5e-300,
                             6.02214076e23};
  Graph g;
  const int x = g.var(0);
  std::vector<int> outs;
  for (double v : specials) {
    outs.push_back(g.constant(v));                                  // a constant output (a leaf)
    outs.push_back(g.binary(Op::Atan2, x, g.constant(v)));         // a constant operand
  }
  expect_round_trip(g, outs, "special constants");
  const DeserializedGraph d = deserialize(serialize(g, outs));
  for (std::size_t k = 0; k < std::size(specials); ++k) {
    const Node& n = d.graph.node(d.outputs[2 * k]);
    ASSERT_EQ(n.op, Op::Const);
    EXPECT_TRUE(same_bits(n.value, std::isnan(specials[k]) ? nan_ : specials[k])) << specials[k];
  }
  // -0.0 and 0.0 stay two constants
  const std::string text = serialize(g, outs);
  EXPECT_NE(text.find(" const -0p+0\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" const 0p+0\n"), std::string::npos) << text;
}

TEST(SymbolicDeserialize, RoundTripOfOutputShapes) {
  Graph g;
  const int x = g.var(2), y = g.param(0), s = g.binary(Op::Mul, x, y);
  expect_round_trip(g, {}, "no outputs");
  expect_round_trip(g, {s, s, x, g.constant(1.5), g.time(), s}, "repeated and leaf outputs");
  EXPECT_EQ(serialize(g, {}), "sciml-symbolic-v1\nout\n");
  const DeserializedGraph d = deserialize("sciml-symbolic-v1\nout\n");
  EXPECT_EQ(d.graph.size(), 0u);
  EXPECT_TRUE(d.outputs.empty());
}

TEST(SymbolicDeserialize, RoundTripOfRandomGraphs) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    Graph g;
    std::vector<int> pool = {g.var(0), g.var(1), g.param(0), g.time(), g.constant(0.5), g.constant(-3)};
    auto pick = [&] { return pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)]; };
    const int steps = std::uniform_int_distribution<int>(1, 40)(rng);
    for (int s = 0; s < steps; ++s) {
      const int kind = std::uniform_int_distribution<int>(0, 9)(rng);
      if (kind < 3) pool.push_back(g.unary(unary_ops[rng() % std::size(unary_ops)], pick()));
      else if (kind < 9) pool.push_back(g.binary(binary_ops[rng() % std::size(binary_ops)], pick(), pick()));
      else pool.push_back(g.ifelse(pick(), pick(), pick()));
    }
    std::vector<int> outs;
    for (int k = 0, m = int(rng() % 4); k < m; ++k) outs.push_back(pick());
    expect_round_trip(g, outs, "random graph");
    if (testing::Test::HasFailure()) {
      ADD_FAILURE() << "trial " << trial << ":\n" << serialize(g, outs);
      return;
    }
  }
}

TEST(SymbolicDeserialize, NonCanonicalTextIsRebuiltThroughTheGraph) {
  // constants folded, simplifications applied, repeated nodes shared; the text then reads back to itself
  const DeserializedGraph d = deserialize(
      "sciml-symbolic-v1\n0 const 1p+0\n1 const 1p+1\n2 add 0 1\n3 var 0\n4 var 0\n5 mul 3 0\n6 sub 4 5\n"
      "out 2 6 3\n");
  ASSERT_EQ(d.outputs.size(), 3u);
  EXPECT_EQ(d.graph.node(d.outputs[0]).op, Op::Const);
  EXPECT_EQ(d.graph.node(d.outputs[0]).value, 3.0);
  EXPECT_EQ(d.graph.to_string(d.outputs[1]), "(u[0] - u[0])");
  const std::string again = serialize(d.graph, d.outputs);
  EXPECT_EQ(serialize(deserialize(again).graph, deserialize(again).outputs), again);
}

TEST(SymbolicDeserialize, MalformedTextIsRefused) {
  using sciml::testing::expect_invalid;
  const std::string h = "sciml-symbolic-v1\n";
  struct Case {
    std::string text, needle;
  };
  const Case cases[] = {
      {"", "line 1, column 1 (header): the text ends"},
      {"sciml-symbolic-v2\nout\n", "line 1, column 1 (header): expected 'sciml-symbolic-v1'"},
      {"sciml-symbolic-v1 \nout\n", "empty field"},
      {"sciml-symbolic-v1 x\nout\n", "unexpected field 'x'"},
      {"sciml-symbolic-v1", "line 1, column 18 (header): the text ends inside this line"},
      {h, "line 2, column 1 (node 0): the text ends before the line 'out ...'"},
      {h + "0 var 0\n", "line 3, column 1 (node 1): the text ends before"},
      {h + "0 var 0\nout 0", "line 3, column 6 (node 1): the text ends inside this line"},
      {h + "0 var 0\n1 sin", "line 3, column 6 (node 1): the text ends inside"},
      {h + "0 var 0\nout 0\n\n", "line 4, column 1: unexpected text after the 'out' line (1 bytes)"},
      {h + "0 var 0\nout 0\ngarbage", "unexpected text after the 'out' line"},
      {h + "\nout\n", "line 2, column 1 (node 0): empty line"},
      {h + "0 var 0\r\nout 0\n", "line 2, column 8 (node 0): unexpected byte '\\x0d'"},
      {h + "0  var 0\nout 0\n", "line 2, column 3 (node 0): empty field"},
      {h + "0 var 0 \nout 0\n", "column 9 (node 0): empty field"},
      {h + std::string("0 var\0 0\nout 0\n", 15), "unexpected byte '\\x00'"},
      {h + "0 foo 0\nout 0\n", "line 2, column 3 (node 0): unknown op 'foo'"},
      {h + "0 Var 0\nout 0\n", "unknown op 'Var'"},
      {h + "0 out\nout 0\n", "unknown op 'out'"},
      {h + "0\nout\n", "line 2, column 2 (node 0): the op name is missing"},
      {h + "1 var 0\nout 0\n", "line 2, column 1 (node 0): node id 1 where 0 was expected"},
      {h + "0 var 0\n0 var 1\nout 0\n", "(node 1): node id 0 where 1 was expected"},
      {h + "00 var 0\nout 0\n", "node id '00' is not a decimal integer"},
      {h + "-0 var 0\nout 0\n", "node id '-0' is not a decimal integer"},
      {h + "+0 var 0\nout 0\n", "node id '+0'"},
      {h + "x var 0\nout 0\n", "node id 'x'"},
      {h + "0 var\nout 0\n", "'var' takes one index, the line has 0 field(s) after the op"},
      {h + "0 var 1 2\nout 0\n", "column 9 (node 0): 'var' takes one index, the line has 2"},
      {h + "0 var -1\nout 0\n", "u index '-1' is not a decimal integer"},
      {h + "0 param 2147483648\nout 0\n", "p index '2147483648' is too large (at most 2147483647)"},
      {h + "0 param 99999999999999999999999\nout 0\n", "p index '99999999999999999999999' is too large"},
      {h + "0 time 0\nout 0\n", "'time' takes 0 operand(s), the line has 1"},
      {h + "0 var 0\n1 sin\nout 1\n", "(node 1): 'sin' takes 1 operand(s), the line has 0"},
      {h + "0 var 0\n1 sin 0 0\nout 1\n", "'sin' takes 1 operand(s), the line has 2"},
      {h + "0 var 0\n1 add 0\nout 1\n", "'add' takes 2 operand(s), the line has 1"},
      {h + "0 var 0\n1 ifelse 0 0\nout 1\n", "'ifelse' takes 3 operand(s)"},
      {h + "0 var 0\n1 not 0 0\nout 1\n", "'not' takes 1 operand(s)"},
      {h + "0 var 0\n1 sin 1\nout 1\n", "line 3, column 7 (node 1): operand 1 is not an earlier node"},
      {h + "0 var 0\n1 add 0 7\nout 1\n", "operand 7 is not an earlier node"},
      {h + "0 var 0\n1 add 0 2147483648\nout 1\n", "operand '2147483648' is too large"},
      {h + "0 var 0\n1 add 0 -1\nout 1\n", "operand '-1' is not a decimal integer"},
      {h + "0 var 0\nout 1\n", "line 3, column 5 (out): output 1 is not a node (the text has 1 nodes)"},
      {h + "out 0\n", "output 0 is not a node (the text has 0 nodes)"},
      {h + "out x\n", "output 'x' is not a decimal integer"},
      {h + "0 var 0\nout 0 \n", "empty field"},
      {h + "0 const\nout 0\n", "'const' takes one constant"},
      {h + "0 const 1.5\nout 0\n", "constant '1.5' has no binary exponent 'p'"},
      {h + "0 const 0x1p+0\nout 0\n", "constant '0x1p+0' is not a hexadecimal float"},
      {h + "0 const 1p+0p\nout 0\n", "constant '1p+0p' is not a hexadecimal float"},
      {h + "0 const 1p\nout 0\n", "constant '1p'"},
      {h + "0 const p+0\nout 0\n", "constant 'p+0' does not start with a hexadecimal digit"},
      {h + "0 const -\nout 0\n", "constant '-' does not start"},
      {h + "0 const --1p+0\nout 0\n", "constant '--1p+0'"},
      {h + "0 const +1p+0\nout 0\n", "constant '+1p+0'"},
      {h + "0 const 1P+0\nout 0\n", "constant '1P+0'"},
      {h + "0 const 1p+99999\nout 0\n", "constant '1p+99999' is out of the range of double"},
      {h + "0 const NaN\nout 0\n", "constant 'NaN'"},
      {h + "0 const -nan\nout 0\n", "constant '-nan'"},
      {h + "0 const infinity\nout 0\n", "constant 'infinity'"},
      {h + "0 const " + std::string(100, '1') + "p+0\nout 0\n", "is too long"},
      {h + "0 const 1p+0 2\nout 0\n", "'const' takes one constant, the line has 2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    expect_invalid([&] { deserialize(c.text); }, "deserialize: ");
    expect_invalid([&] { deserialize(c.text); }, c.needle);
  }
  // a prefix of a valid text is never valid (truncation anywhere is caught)
  Function lorenz = trace<3, 3>(sciml::problems::lorenz);
  const std::string text = serialize(lorenz.graph, lorenz.outputs);
  for (std::size_t n = 0; n < text.size(); ++n) EXPECT_THROW(deserialize(text.substr(0, n)), std::invalid_argument) << n;
}

TEST(SymbolicDeserialize, LongChainsNeedNoRecursion) {
  // 200000 nested nodes: read, re-serialized and compiled without deep recursion
  std::string text = "sciml-symbolic-v1\n0 var 0\n";
  const int n = 200000;
  for (int i = 1; i < n; ++i) text += std::to_string(i) + (i % 2 ? " sin " : " neg ") + std::to_string(i - 1) + "\n";
  text += "out " + std::to_string(n - 1) + "\n";
  const DeserializedGraph d = deserialize(text);
  EXPECT_EQ(serialize(d.graph, d.outputs), text);
}
