// Found by fuzz_bytecode (issue 14): Graph put the operands of Min and Max in a canonical order as if they were
// commutative, but on a tie they return the second operand, so min(0.0, -0.0) = -0.0 came out as
// min(-0.0, 0.0) = 0.0 whenever -0.0 had the smaller node index (and the derivative at a tie followed the
// swapped operand). Fixed: Min and Max are no longer in detail::is_commutative; the written order is kept.
// Fuzz input: tests/fuzz/corpus/bytecode/regression-min-max-operand-order.
#include <gtest/gtest.h>

#include <cmath>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <sciml/symbolic/deserialize.hpp>
#include <sciml/symbolic/serialize.hpp>
#include <vector>

using namespace sciml::symbolic;

TEST(RegressionSymbolic, MinMaxOperandOrderIsKept) {
  for (Op op : {Op::Min, Op::Max}) {
    Graph g;
    const int t = g.time(), x = g.var(0);  // t has the smaller index
    const int e = g.binary(op, x, t);      // min(x, t): a tie returns t
    EXPECT_EQ(g.node(e).a, x) << Graph::op_name(op);
    EXPECT_NE(g.binary(op, t, x), e) << Graph::op_name(op);
    const Program P = Program::compile(g, {e});
    std::vector<double> regs(P.num_registers());
    const double u[1] = {0.0};
    double out[1];
    P.run(u, static_cast<const double*>(nullptr), -0.0, out, regs.data());
    EXPECT_EQ(out[0], 0.0);
    EXPECT_TRUE(std::signbit(out[0])) << Graph::op_name(op) << ": the tie returns the second operand, t = -0.0";
    // constant folding agrees with the order as written
    Graph c;
    EXPECT_TRUE(std::signbit(c.node(c.binary(op, c.constant(0.0), c.constant(-0.0))).value));
    EXPECT_FALSE(std::signbit(c.node(c.binary(op, c.constant(-0.0), c.constant(0.0))).value));
    // the derivative at a tie is the second operand's: d/du0 min(u0, 2 u0) at u0 = 0 is 2
    Function f;
    f.n_states = 1;
    const int u0 = f.graph.var(0);
    f.outputs = {f.graph.binary(op, u0, f.graph.binary(Op::Mul, f.graph.constant(2), u0))};
    const SparseJacobian J = jacobian(f);
    ASSERT_EQ(J.values.size(), 1u);
    const Program Jp = Program::compile(f.graph, J.values);
    std::vector<double> jregs(Jp.num_registers());
    double d[1];
    Jp.run(u, static_cast<const double*>(nullptr), 0.0, d, jregs.data());
    EXPECT_EQ(d[0], 2.0) << Graph::op_name(op);
    // and the text keeps the order: it reads back to the same graph
    const std::string text = serialize(g, {e});
    const DeserializedGraph back = deserialize(text);
    EXPECT_EQ(serialize(back.graph, back.outputs), text);
  }
}
