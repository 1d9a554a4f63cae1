// The explicit Runge-Kutta methods, for the Python package.
#include "runtime_solve.hpp"

namespace sciml::python {
void register_explicit(Registry& r) {
  add_method<Euler>(r, "Euler");
  add_method<Midpoint>(r, "Midpoint");
  add_method<RK4>(r, "RK4");
  add_method<BS3>(r, "BS3");
  add_method<DP5>(r, "DP5");
  add_method<Tsit5>(r, "Tsit5");
  add_method<Vern6>(r, "Vern6");
  add_method<Vern7>(r, "Vern7");
  add_method<Vern8>(r, "Vern8");
  add_method<Vern9>(r, "Vern9");
  add_method<DP8>(r, "DP8");
}
}  // namespace sciml::python
