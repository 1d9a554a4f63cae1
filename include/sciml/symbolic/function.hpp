// Function: a traced right-hand side du = f(u, p, t) as a Graph and the node of each du[i]; what tracing a
// Python f hands to differentiation (derivative.hpp), the VM (bytecode.hpp) and code generation (codegen.hpp).
#pragma once
#include <vector>
#include "graph.hpp"

namespace sciml::symbolic {

struct Function {
  Graph graph;
  int n_states = 0, n_params = 0;
  std::vector<int> outputs;  // outputs[i]: the node of du[i]
};

}  // namespace sciml::symbolic
