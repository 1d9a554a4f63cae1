// Stiff chemistry (Robertson): Rodas5P with the Jacobian by automatic differentiation, and again with a
// user-supplied Jacobian through ODEFunction; an explicit method on the same problem runs into maxiters.
#include <cstdio>
#include <sciml/ode.hpp>

int main() {
  auto rober = [](const auto& y, const auto& k, auto) {
    using S = std::remove_cvref_t<decltype(y[0])>;  // generic: the AD Jacobian calls f with dual numbers
    return sciml::SVector<S, 3>{-k[0] * y[0] + k[1] * y[1] * y[2],
                                k[0] * y[0] - k[1] * y[1] * y[2] - k[2] * y[1] * y[1], k[2] * y[1] * y[1]};
  };
  const std::array k{0.04, 1e4, 3e7};
  auto prob = sciml::ODEProblem(rober, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, k);
  sciml::SolveOptions opts;
  opts.reltol = 1e-8;
  opts.abstol = 1e-12;
  opts.saveat = {1.0, 1e2, 1e4, 1e5};
  auto sol = sciml::solve(prob, sciml::Rodas5P{}, opts);
  std::printf("Rodas5P (AD Jacobian): %s, %ld steps, %ld Jacobians, %ld LU\n",
              std::string(sciml::to_string(sol.retcode)).c_str(), sol.stats.naccept, sol.stats.njac, sol.stats.nw);
  for (std::size_t i = 0; i < sol.t.size(); ++i)
    std::printf("  t = %8.0e   y = (%.9e, %.9e, %.9e)\n", sol.t[i], sol.u[i][0], sol.u[i][1], sol.u[i][2]);

  auto jac = [](auto& J, const auto& y, const auto& k, auto) {  // J(i, j) = d f_i / d y_j
    J(0, 0) = -k[0], J(0, 1) = k[1] * y[2], J(0, 2) = k[1] * y[1];
    J(1, 0) = k[0], J(1, 1) = -k[1] * y[2] - 2 * k[2] * y[1], J(1, 2) = -k[1] * y[1];
    J(2, 0) = 0, J(2, 1) = 2 * k[2] * y[1], J(2, 2) = 0;
  };
  auto sol2 = sciml::solve(sciml::ODEProblem(sciml::ODEFunction(rober, jac), sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1e5}, k),
                           sciml::Rodas5P{}, opts);
  std::printf("Rodas5P (user Jacobian): y(1e5) = (%.9e, %.9e, %.9e)\n", sol2.u.back()[0], sol2.u.back()[1],
              sol2.u.back()[2]);

  sciml::SolveOptions explicit_opts;
  explicit_opts.maxiters = 20000;
  auto tsit = sciml::solve(prob, sciml::Tsit5{}, explicit_opts);
  std::printf("Tsit5: %s: %s\n", std::string(sciml::to_string(tsit.retcode)).c_str(), tsit.message.c_str());
  return sol.success() && sol2.success() ? 0 : 1;
}
