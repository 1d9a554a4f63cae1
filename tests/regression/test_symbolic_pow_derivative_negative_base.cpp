// Found by fuzz_derivative (issue 14): the symbolic derivative of x^y with y not a constant always added
// x^y log(x) y', so with x < 0 it was NaN (log(x) * 0) even where y' is 0 at the point, e.g. an exponent that is
// an IfElse taking a constant branch; the dual numbers gave the true 0. The dual numbers had the same flaw per
// partial: with y varying in one slot, every other slot got log(x) * 0 = NaN too. Fixed: derivative.hpp keeps
// the term only where y' != 0 (an IfElse), and f_pow on dual numbers adds it only in the slots where y varies.
// Fuzz input: tests/fuzz/corpus/derivative/regression-pow-derivative-negative-base.
#include <gtest/gtest.h>

#include <cmath>
#include <sciml/core/dual.hpp>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <vector>

using namespace sciml::symbolic;

TEST(RegressionSymbolic, PowDerivativeWithANegativeBase) {
  // f = (-1.9) ^ ifelse(tan(t) == t, u0, tan(t) == t): at t = 1 the exponent is the constant branch, 0
  Function f;
  Graph& g = f.graph;
  f.n_states = 1;
  const int t = g.time(), eq = g.binary(Op::Eq, g.unary(Op::Tan, t), t);
  f.outputs = {g.binary(Op::Pow, g.constant(-1.9), g.ifelse(eq, g.var(0), eq))};
  const SparseJacobian J = jacobian(f);
  ASSERT_EQ(J.values.size(), 1u);  // structurally, f depends on u0
  const Program P = Program::compile(g, J.values);
  std::vector<double> regs(P.num_registers());
  const double u[1] = {0.7};
  double d[1];
  P.run(u, static_cast<const double*>(nullptr), 1.0, d, regs.data());
  EXPECT_EQ(d[0], 0.0);  // was NaN

  // where the exponent does vary, the log term is there: d/du0 (2 ^ u0) = 2^u0 log 2
  Function h;
  h.n_states = 1;
  h.outputs = {h.graph.binary(Op::Pow, h.graph.constant(2.0), h.graph.var(0))};
  const SparseJacobian Jh = jacobian(h);
  const Program Ph = Program::compile(h.graph, Jh.values);
  std::vector<double> hregs(Ph.num_registers());
  Ph.run(u, static_cast<const double*>(nullptr), 0.0, d, hregs.data());
  EXPECT_NEAR(d[0], std::pow(2.0, 0.7) * std::log(2.0), 1e-15);

  // dual numbers: x = u0 < 0 in slot 0, y = p-like in slot 1; d/dslot0 = y x^(y-1) = 3 * 4 = 12 (was NaN)
  using D2 = sciml::Dual<double, 2>;
  const D2 x = D2::variable(-2.0, 0), y = D2::variable(3.0, 1);
  const D2 r = detail::f_pow(x, y);
  EXPECT_EQ(r.val, -8.0);
  EXPECT_EQ(r.der[0], 12.0);
  EXPECT_TRUE(std::isnan(r.der[1]));  // d/dy = x^y log(x): NaN for x < 0, truly undefined
}
