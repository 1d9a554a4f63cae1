// The symbolic expression graph, the back end of Python tracing: Op and Node (op.hpp), the hash-consed,
// self-simplifying Graph (graph.hpp), a traced right-hand side Function (function.hpp) and its canonical text
// for compile-cache keys (serialize.hpp). Derivatives: derivative.hpp; VM: bytecode.hpp; C: codegen.hpp.
#pragma once
#include "function.hpp"
#include "graph.hpp"
#include "op.hpp"
#include "serialize.hpp"
