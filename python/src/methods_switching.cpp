// Automatic stiffness switching and the default algorithm, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_switching(Registry& r) {
  add_method<DefaultODEAlgorithm>(r, "DefaultODEAlgorithm");
  add_method<AutoTsit5<Rosenbrock23>>(r, "AutoTsit5(Rosenbrock23)");
  add_method<AutoTsit5<Rodas5P>>(r, "AutoTsit5(Rodas5P)");
  add_method<AutoVern7<Rodas5P>>(r, "AutoVern7(Rodas5P)");
  add_method<AutoSwitch<Vern9, Rodas5P>>(r, "AutoVern9(Rodas5P)");
}
}  // namespace sciml::python
