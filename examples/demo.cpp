// The sciml.cpp demo: a Lorenz solve with dense output, and a bouncing ball whose bounces are events.
// Build and run with `make demo`.
#include <cmath>
#include <cstdio>
#include <sciml/ode.hpp>

int main() {
  // Lorenz: out-of-place right-hand side on a fixed-size state, parameters as a std::array.
  auto lorenz = [](const auto& u, const auto& p, auto) {
    return sciml::SVector{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
  };
  auto prob = sciml::ODEProblem(lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 100.0}, std::array{10.0, 28.0, 8.0 / 3});
  sciml::SolveOptions opts;
  opts.reltol = 1e-8;
  opts.abstol = 1e-8;
  auto sol = sciml::solve(prob, sciml::Tsit5{}, opts);
  std::printf("Lorenz with Tsit5, reltol = abstol = 1e-8: %s, %ld steps, %ld f calls\n",
              std::string(sciml::to_string(sol.retcode)).c_str(), sol.stats.naccept, sol.stats.nf);
  for (double t : {0.5, 1.0, 12.5, 20.0}) {
    auto u = sol(t);  // dense output: Tsit5's own interpolant
    std::printf("  u(%5.1f) = (%10.6f, %10.6f, %10.6f)\n", t, u[0], u[1], u[2]);
  }

  // Bouncing ball: x'' = -g; when x crosses 0 the velocity flips and loses 10%.
  auto ball = [](const auto& u, const auto& g, auto) { return sciml::SVector{u[1], -g}; };
  auto bounce = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[0]; },  // event: x = 0
                                          [](auto& integ) { integ.u[1] = -0.9 * integ.u[1]; });
  auto bprob = sciml::ODEProblem(ball, sciml::SVector{10.0, 0.0}, {0.0, 10.0}, 9.81);
  auto bsol = sciml::solve(bprob, sciml::Tsit5{}, sciml::SolveOptions{}, bounce);
  std::printf("\nBouncing ball from 10 m: %s, %ld bounces\n", std::string(sciml::to_string(bsol.retcode)).c_str(),
              bsol.stats.nevents);
  // exact bounce times: t1 = sqrt(2h/g), then each flight lasts 0.9 times the previous one
  double exact = std::sqrt(2 * 10.0 / 9.81), flight = 2 * 0.9 * std::sqrt(2 * 9.81 * 10.0) / 9.81;
  for (std::size_t i = 1; i < bsol.t.size(); ++i) {
    if (bsol.t[i] == bsol.t[i - 1]) {  // an event is saved twice: before and after the affect
      std::printf("  bounce at t = %.15f   (exact %.15f, error %.1e)\n", bsol.t[i], exact, std::abs(bsol.t[i] - exact));
      exact += flight;
      flight *= 0.9;
    }
  }
  return sol.retcode == sciml::ReturnCode::Success && bsol.retcode == sciml::ReturnCode::Success ? 0 : 1;
}
