// Two things beyond small ODEs: ROBER written as a DAE with its conservation law (a singular mass matrix),
// solved by Rodas5P and FBDF from an inconsistent u0; and a 1-D reaction-diffusion system with 2000 states
// whose Jacobian's sparsity is detected automatically, solved by FBDF with KLU and, matrix-free, with GMRES.
#include <cmath>
#include <cstdio>
#include <vector>
#include <sciml/ode.hpp>

int main() {
  // M u' = f(u): y1' = -k1 y1 + k2 y2 y3, y2' = k1 y1 - k2 y2 y3 - k3 y2^2, 0 = y1 + y2 + y3 - 1
  auto rober = [](const auto& u, const auto& k, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return sciml::SVector<S, 3>{-k[0] * u[0] + k[1] * u[1] * u[2],
                                k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0};
  };
  const sciml::SMatrix<double, 3, 3> M{{1, 0, 0, 0, 1, 0, 0, 0, 0}};
  // y3 = 0.5 is inconsistent: the solver makes it 0 before the first step
  auto dae = sciml::ODEProblem(sciml::with_mass_matrix(rober, M), sciml::SVector{1.0, 0.0, 0.5}, {0.0, 1e5},
                               std::array{0.04, 1e4, 3e7});
  sciml::SolveOptions o;
  o.reltol = 1e-8;
  o.abstol = 1e-12;
  for (int which = 0; which < 2; ++which) {
    auto report = [](const char* name, const auto& sol) {
      std::printf("%-8s %s: y(0) = (%g, %g, %g), y(1e5) = (%.9e, %.9e, %.9e), %ld steps\n", name,
                  sciml::to_string(sol.retcode).data(), sol.u[0][0], sol.u[0][1], sol.u[0][2], sol.u.back()[0],
                  sol.u.back()[1], sol.u.back()[2], sol.stats.naccept);
    };
    if (which == 0) report("Rodas5P", sciml::solve(dae, sciml::Rodas5P{}, o));
    else report("FBDF", sciml::solve(dae, sciml::FBDF<>{}, o));
  }

  // u_t = D u_xx + u (1 - u) - a u v, v_t = D v_xx - v + u v on a periodic 1-D grid of 1000 points
  auto rd = [](auto& du, const auto& u, const auto& p, auto) {
    const std::size_t n = u.size() / 2;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t l = i ? i - 1 : n - 1, r = i + 1 < n ? i + 1 : 0;
      const auto a = u[i], b = u[n + i];
      du[i] = p[0] * (u[l] - 2.0 * a + u[r]) + a * (1.0 - a) - p[1] * a * b;
      du[n + i] = p[0] * (u[n + l] - 2.0 * b + u[n + r]) - b + a * b;
    }
  };
  const std::size_t n = 1000;
  std::vector<double> u0(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    u0[i] = 0.5 + 0.4 * std::sin(2 * M_PI * double(i) / double(n));
    u0[n + i] = 0.2;
  }
  const std::array<double, 2> p{1e3, 2.0};  // D = diffusion / dx^2: stiff
  auto prob = sciml::ODEProblem(sciml::with_sparse_jacobian(rd), u0, {0.0, 0.5}, p);
  sciml::SolveOptions q;
  q.reltol = 1e-6;
  q.abstol = 1e-8;
  q.save_everystep = false;
  auto klu = sciml::solve(prob, sciml::FBDF<>{}, q);
  q.linsolve = sciml::LinearSolver::GMRES;
  auto gmres = sciml::solve(sciml::ODEProblem(rd, u0, {0.0, 0.5}, p), sciml::FBDF<>{}, q);
  double diff = 0;
  for (std::size_t i = 0; i < 2 * n; ++i) diff = std::max(diff, std::abs(klu.u.back()[i] - gmres.u.back()[i]));
  std::printf("reaction-diffusion, 2000 states: FBDF + KLU %s (%ld steps, %ld LU), FBDF + GMRES %s (%ld Krylov "
              "iterations); max difference %.1e\n",
              sciml::to_string(klu.retcode).data(), klu.stats.naccept, klu.stats.nw, sciml::to_string(gmres.retcode).data(),
              gmres.stats.nkrylov, diff);
  return 0;
}
