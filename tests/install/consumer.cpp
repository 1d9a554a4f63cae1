// Built against an installed sciml.cpp: solves u' = -u and checks u(1) = e^-1.
#include <cmath>
#include <sciml/ode.hpp>
int main() {
  auto f = [](const auto& u, const auto&, auto) { return -u; };
  sciml::SolveOptions o;
  o.reltol = 1e-10;
  o.abstol = 1e-10;
  auto sol = sciml::solve(sciml::ODEProblem(f, sciml::SVector{1.0}, {0.0, 1.0}), sciml::Tsit5{}, o);
  return std::abs(sol.u.back()[0] - std::exp(-1.0)) < 1e-8 ? 0 : 1;
}
