// The SDIRK, Radau and BDF methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_implicit(Registry& r) {
  add_method<ImplicitEuler>(r, "ImplicitEuler");
  add_method<TRBDF2>(r, "TRBDF2");
  add_method<KenCarp4>(r, "KenCarp4");
  add_method<Kvaerno5>(r, "Kvaerno5");
  add_method<RadauIIA5>(r, "RadauIIA5");
  add_method<FBDF<>>(r, "FBDF");
}
}  // namespace sciml::python
