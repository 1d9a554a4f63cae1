// libFuzzer harness: arbitrary bytes into deserialize (symbolic/deserialize.hpp). It either throws
// std::invalid_argument (nothing else, no crash, no leak, no hang) or returns a graph whose text is a fixed point:
// serialize(deserialize(s)) == s for s = serialize(deserialize(bytes)). Small accepted graphs are also compiled and
// run by the VM at zero inputs, to reach the VM with graphs no tracer would build.
#include <cstdint>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/deserialize.hpp>
#include <sciml/symbolic/serialize.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_graph.hpp"

using namespace sciml::symbolic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  DeserializedGraph d;
  try {
    d = deserialize(bytes);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(std::string_view(e.what()).substr(0, 13) == "deserialize: ", "message: " << e.what());
    return 0;
  }
  const std::string s = serialize(d.graph, d.outputs);
  DeserializedGraph e;
  try {
    e = deserialize(s);
  } catch (const std::invalid_argument& x) {
    FUZZ_CHECK(false, "serialize's own text refused: " << x.what() << "\n" << s);
  }
  const std::string s2 = serialize(e.graph, e.outputs);
  FUZZ_CHECK(s2 == s, "not a fixed point:\n" << s << "---\n" << s2);

  // small graphs through the VM (indices bounded so that the inputs stay small)
  const Program P = Program::compile(d.graph, d.outputs);
  if (P.min_states() <= 64 && P.min_params() <= 64 && P.num_registers() <= (1u << 16)) {
    std::vector<double> u(P.min_states(), 0.5), p(P.min_params(), -1.5), out(d.outputs.size()),
        regs(P.num_registers());
    P.run(u.data(), p.data(), 0.25, out.data(), regs.data());
    const std::vector<double> ref = sciml::fuzz::evaluate_nodes(d.graph, u.data(), p.data(), 0.25, &d.outputs);
    for (std::size_t k = 0; k < out.size(); ++k)
      FUZZ_CHECK(sciml::fuzz::same_bits(out[k], ref[std::size_t(d.outputs[k])]),
                 "VM " << out[k] << " != direct " << ref[std::size_t(d.outputs[k])] << " for output " << k << "\n"
                       << s << P.to_string());
  }
  return 0;
}
