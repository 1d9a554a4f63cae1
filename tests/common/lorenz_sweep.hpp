// The ensemble tests' set-up (serial, threads, MPI): the DiffEqGPU.jl benchmark's Lorenz problem with rho swept
// over [0, 21], u0 = (1, 0, 0), t in [0, 1], solved at reltol = abstol = 1e-8.
#pragma once
#include <array>
#include <cstddef>
#include <vector>
#include <sciml/ode.hpp>
#include "problems.hpp"

namespace sciml::testing {

inline auto lorenz_base() {
  return sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector<double, 3>{1.0, 0.0, 0.0}, {0.0, 1.0},
                           sciml::problems::lorenz_p);
}

inline std::vector<std::array<double, 3>> rho_sweep(std::size_t n) {
  std::vector<std::array<double, 3>> ps(n);
  for (std::size_t i = 0; i < n; ++i) ps[i] = {10.0, 21.0 * double(i) / double(n - 1), 8.0 / 3.0};
  return ps;
}

inline sciml::SolveOptions tight() {
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  return o;
}

}  // namespace sciml::testing
