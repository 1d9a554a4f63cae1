// Found by fuzz_bytecode (issue 14): Graph simplified 0.0 - x to -x and x - (-0.0) to x, which docs/symbolic.md
// listed as exact, but 0.0 - 0.0 = 0.0 while -(0.0) = -0.0, and -0.0 - (-0.0) = 0.0: the sign of a zero
// changed (and with it 1/x, log1p(x) on -0.0, atan2, copysign-like results). Fixed: only the exact forms are
// simplified, -0.0 - x -> -x and x - 0.0 -> x; 0.0 - x and x - (-0.0) stay subtractions.
// Fuzz input: tests/fuzz/corpus/bytecode/regression-subtract-signed-zero.
#include <gtest/gtest.h>

#include <cmath>
#include <sciml/symbolic/bytecode.hpp>
#include <vector>

using namespace sciml::symbolic;

namespace {
double run1(const Graph& g, int node, double x) {
  const Program P = Program::compile(g, {node});
  std::vector<double> regs(P.num_registers());
  const double u[1] = {x};
  double out[1];
  P.run(u, static_cast<const double*>(nullptr), 0.0, out, regs.data());
  return out[0];
}
}  // namespace

TEST(RegressionSymbolic, SubtractKeepsTheSignOfZero) {
  Graph g;
  const int x = g.var(0);
  // 1 / (0 - x) at x = 0: +inf as written (was -inf)
  const int a = g.binary(Op::Div, g.constant(1.0), g.binary(Op::Sub, g.constant(0.0), x));
  EXPECT_EQ(run1(g, a, 0.0), INFINITY);
  // 1 / (x - (-0.0)) at x = -0.0: +inf as written (was -inf)
  const int b = g.binary(Op::Div, g.constant(1.0), g.binary(Op::Sub, x, g.constant(-0.0)));
  EXPECT_EQ(run1(g, b, -0.0), INFINITY);
  // the exact forms are still simplified
  const int c = g.binary(Op::Sub, g.constant(-0.0), x);
  EXPECT_EQ(g.node(c).op, Op::Neg);
  EXPECT_EQ(g.binary(Op::Sub, x, g.constant(0.0)), x);
  for (double v : {0.0, -0.0, 1.5, -2.0}) {
    EXPECT_EQ(std::signbit(run1(g, c, v)), std::signbit(-0.0 - v)) << v;
  }
}
