// The Rosenbrock methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_stiff(Registry& r) {
  add_method<Rosenbrock23>(r, "Rosenbrock23");
  add_method<Rodas4>(r, "Rodas4");
  add_method<Rodas5P>(r, "Rodas5P");
}
}  // namespace sciml::python
