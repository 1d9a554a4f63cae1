// The SDIRK, Radau and BDF methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_implicit(Registry& r) {
  const char* sdirk = "sciml/algorithm/sdirk/sdirk.hpp";  // EnsembleGPUKernel runs the SDIRK methods
  add_method<ImplicitEuler>(r, "ImplicitEuler", {"stiff", "implicit Euler, stiff, order 1", sdirk});
  add_method<TRBDF2>(r, "TRBDF2", {"stiff", "TR-BDF2, stiff, order 2", sdirk});
  add_method<KenCarp4>(r, "KenCarp4", {"stiff", "KenCarp4 (ESDIRK), stiff, order 4", sdirk});
  add_method<Kvaerno5>(r, "Kvaerno5", {"stiff", "Kvaerno5 (ESDIRK), stiff, order 5", sdirk});
  add_method<RadauIIA5>(r, "RadauIIA5", {"stiff", "Radau IIA order 5 (Hairer's RADAU5), stiff"});
  add_method<FBDF<>>(r, "FBDF", {"stiff", "variable-order BDF 1-5, stiff, large systems"});
}
}  // namespace sciml::python
