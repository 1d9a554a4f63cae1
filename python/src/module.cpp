// sciml._core: the pybind11 extension behind the Python package. It exposes the expression graph that
// tracing builds, turns a traced graph into a run-time model (bytecode for f and its symbolic Jacobian, plus C
// sources for the native build and the SCIML_HD functor of a GPU kernel), wraps untraceable Python functions as
// models, and solves a model with any method by name, alone or as an ensemble over arrays of initial values
// and parameters (serial or on threads), with the GIL released unless the model calls back into Python.
// One binding file a concern (bindings.hpp lists them); the order registers each class before the functions
// whose signatures name it.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  using namespace sciml::python;
  m.doc() = "sciml.cpp: the compiled core of the sciml package";
  bind_tracing(m);
  bind_callbacks(m);
  bind_models(m);
  bind_methods(m);
  bind_options(m);
  bind_solve(m);
  bind_gradients(m);
  bind_ensembles(m);
  register_nn(m);
  register_optim(m);
  register_sindy(m);
}
