// libFuzzer harness: the bytecode VM against a direct evaluation of the graph. The fuzz bytes build a random
// valid graph (fuzz_graph.hpp: every Op, leaves u[i], p[j], t, special constants) and a point; then
//  - Program::run on double equals evaluate_nodes (scalar_ops.hpp, node by node) bit for bit, or both NaN: the
//    VM's fused forms (a*b + c, x + k for x - k, ...) round each operation exactly as unfused, without FMA;
//  - the same with out == u (the documented aliasing), and on sciml::Dual<double, 2> (the value part);
//  - the expression as written, in IEEE arithmetic, equals the graph's value, unless one of the two
//    documented inexact identities (x * 0 -> 0, x + 0 -> x) applied: checks every other simplification and
//    the constant folding;
//  - serialize -> deserialize -> serialize gives the same text, and the read-back graph the same values;
//  - Graph::to_string of each output and emit_c do not crash.
#include <algorithm>
#include <cstdint>
#include <sciml/core/dual.hpp>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/deserialize.hpp>
#include <vector>

#include "fuzz_graph.hpp"

using namespace sciml::symbolic;
using sciml::fuzz::same_bits;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sciml::fuzz::FuzzBytes in(data, size);
  const sciml::fuzz::FuzzGraph f = sciml::fuzz::build_fuzz_graph(in);
  const Graph& g = f.graph;
  const std::vector<int> outputs = f.outputs();
  const std::size_t m = outputs.size();
  const std::vector<double> ref = sciml::fuzz::evaluate_nodes(g, f.u.data(), f.p.data(), f.t);

  const Program P = Program::compile(g, outputs);
  FUZZ_CHECK(P.num_outputs() == m, "outputs " << P.num_outputs() << " of " << m);
  FUZZ_CHECK(P.min_states() <= f.u.size() && P.min_params() <= f.p.size(),
             "reads u[" << P.min_states() << "], p[" << P.min_params() << "]");
  // exactly sized arrays, so that AddressSanitizer sees any read or write past them
  std::vector<double> u(f.u), out(m), regs(P.num_registers());
  P.run(u.data(), f.p.data(), f.t, out.data(), regs.data());
  auto where = [&](std::size_t k) {
    std::ostringstream os;
    os << "output " << k << " (node " << outputs[k] << " = " << g.to_string(outputs[k]) << ")\n"
       << f.text() << P.to_string();
    return os.str();
  };
  for (std::size_t k = 0; k < m; ++k)
    FUZZ_CHECK(same_bits(out[k], ref[std::size_t(outputs[k])]),
               "VM " << out[k] << " != direct " << ref[std::size_t(outputs[k])] << " at " << where(k));

  // out aliasing u (one buffer, as long as the longer of the two)
  std::vector<double> io(std::max(u.size(), m));
  std::copy(f.u.begin(), f.u.end(), io.begin());
  P.run(io.data(), f.p.data(), f.t, io.data(), regs.data());
  for (std::size_t k = 0; k < m; ++k)
    FUZZ_CHECK(same_bits(io[k], out[k]), "aliased run " << io[k] << " != " << out[k] << " at " << where(k));

  // dual numbers: the value part is the double computation
  using D = sciml::Dual<double, 2>;
  std::vector<D> ud(f.u.size()), outd(m), regsd(P.num_registers());
  for (std::size_t i = 0; i < ud.size(); ++i) ud[i] = D::variable(f.u[i], int(i % 2));
  P.run(ud.data(), f.p.data(), D(f.t), outd.data(), regsd.data());
  for (std::size_t k = 0; k < m; ++k)
    FUZZ_CHECK(same_bits(outd[k].val, out[k]), "Dual value " << outd[k].val << " != " << out[k] << " at " << where(k));

  // the expressions as written (before simplification) against the graph
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t e = f.outs[k];
    if (f.tainted[e]) continue;
    FUZZ_CHECK(same_bits(f.written[e], out[k]),
               "as written " << f.written[e] << " != graph " << out[k] << " at " << where(k));
  }

  // serialize round trip
  const std::string text = f.text();
  const DeserializedGraph d = deserialize(text);
  FUZZ_CHECK(serialize(d.graph, d.outputs) == text, "round trip:\n" << text << "---\n" << serialize(d.graph, d.outputs));
  const Program Q = Program::compile(d.graph, d.outputs);
  std::vector<double> outq(m), regsq(Q.num_registers());
  Q.run(u.data(), f.p.data(), f.t, outq.data(), regsq.data());
  for (std::size_t k = 0; k < m; ++k)
    FUZZ_CHECK(same_bits(outq[k], out[k]), "read back " << outq[k] << " != " << out[k] << " at " << where(k));

  for (int o : outputs) (void)g.to_string(o);
  (void)emit_c(g, outputs, "fuzz_rhs");
  return 0;
}
