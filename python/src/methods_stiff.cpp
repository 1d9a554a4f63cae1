// The Rosenbrock methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_stiff(Registry& r) {
  add_method<Rosenbrock23>(r, "Rosenbrock23", {"stiff", "Rosenbrock 2(3), stiff, loose tolerances",
                                               "sciml/algorithm/rosenbrock/rosenbrock23.hpp"});
  const char* rodas = "sciml/algorithm/rosenbrock/rosenbrock.hpp";
  add_method<Rodas4>(r, "Rodas4", {"stiff", "Rodas4, stiff", rodas});
  add_method<Rodas5P>(r, "Rodas5P", {"stiff", "Rodas5P, stiff (Steinebach 2023)", rodas});
}
}  // namespace sciml::python
