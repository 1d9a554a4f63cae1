// The symbolic expression graph, the back end of Python tracing: Op and Node (op.hpp), the hash-consed,
// self-simplifying Graph (graph.hpp), a traced right-hand side Function (function.hpp), its canonical text for
// compile-cache keys (serialize.hpp) and the way back from that text (deserialize.hpp). Derivatives:
// derivative.hpp; VM: bytecode.hpp; C: codegen.hpp.
#pragma once
#include "deserialize.hpp"
#include "function.hpp"
#include "graph.hpp"
#include "op.hpp"
#include "serialize.hpp"
