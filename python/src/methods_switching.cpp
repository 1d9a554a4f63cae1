// Automatic stiffness switching and the default algorithm, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_switching(Registry& r) {
  add_method<DefaultODEAlgorithm>(
      r, "DefaultODEAlgorithm", {"switching", "the default: stiffness switching, stiff method by size and tolerance"});
  add_switching<Tsit5, Rosenbrock23>(r, true);  // AutoTsit5(): Rosenbrock23
  add_switching<Tsit5, Rodas5P>(r, false);
  add_switching<Vern7, Rodas5P>(r, true);
  add_switching<Vern9, Rodas5P>(r, true);
}
}  // namespace sciml::python
