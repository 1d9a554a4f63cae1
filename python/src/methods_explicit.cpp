// The explicit Runge-Kutta methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_explicit(Registry& r) {
  const char* erk = "sciml/algorithm/erk/methods.hpp";  // EnsembleGPUKernel runs all of them
  add_method<Euler>(r, "Euler", {"nonstiff", "explicit Euler, order 1 (fixed step: pass dt)", erk});
  add_method<Midpoint>(r, "Midpoint", {"nonstiff", "explicit midpoint, order 2", erk});
  add_method<RK4>(r, "RK4", {"nonstiff", "classical Runge-Kutta, order 4", erk});
  add_method<BS3>(r, "BS3", {"nonstiff", "Bogacki-Shampine 3(2)", erk});
  add_method<DP5>(r, "DP5", {"nonstiff", "Dormand-Prince 5(4) (SciPy's RK45)", erk});
  add_method<Tsit5>(r, "Tsit5", {"nonstiff", "Tsitouras 5(4): the default non-stiff method", erk});
  add_method<Vern6>(r, "Vern6", {"nonstiff", "Verner 6(5)", erk});
  add_method<Vern7>(r, "Vern7", {"nonstiff", "Verner 7(6)", erk});
  add_method<Vern8>(r, "Vern8", {"nonstiff", "Verner 8(7)", erk});
  add_method<Vern9>(r, "Vern9", {"nonstiff", "Verner 9(8)", erk});
  add_method<DP8>(r, "DP8", {"nonstiff", "Dormand-Prince 8(5,3) (SciPy's DOP853)", erk});
}
}  // namespace sciml::python
