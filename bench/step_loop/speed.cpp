// Our own solvers on small standard problems, timed (best of 15): the same-run check that a change to the step
// loop costs nothing (compare.sh builds this against two revisions and prints both side by side). Prints one
// line per case: name, rtol, microseconds, f calls (which must be equal across revisions that change no results).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include <sciml/ode.hpp>

namespace {
using namespace sciml;
template <class F>
double best_us(F&& f, int reps = 15) {
  double b = 1e99;
  for (int r = 0; r < reps; ++r) {
    const auto a = std::chrono::steady_clock::now();
    f();
    b = std::min(b, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  return b * 1e6;
}
}  // namespace

int main() {
  auto lorenz = [](const auto& u, const auto&, auto) {
    return SVector<double, 3>{10 * (u[1] - u[0]), u[0] * (28 - u[2]) - u[1], u[0] * u[1] - 8.0 / 3 * u[2]};
  };
  auto rober = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return SVector<S, 3>{-0.04 * u[0] + 1e4 * u[1] * u[2], 0.04 * u[0] - 1e4 * u[1] * u[2] - 3e7 * u[1] * u[1],
                         3e7 * u[1] * u[1]};
  };
  auto rober_inplace = [](auto& du, const auto& u, const auto&, auto) {
    du[0] = -0.04 * u[0] + 1e4 * u[1] * u[2];
    du[1] = 0.04 * u[0] - 1e4 * u[1] * u[2] - 3e7 * u[1] * u[1];
    du[2] = 3e7 * u[1] * u[1];
  };
  auto vdp = [](const auto& u, const auto&, auto) {
    using S = std::remove_cvref_t<decltype(u[0])>;
    return SVector<S, 2>{u[1], 1e6 * ((1 - u[0] * u[0]) * u[1] - u[0])};
  };
  double sink = 0;
  auto run = [&](const char* name, auto prob, auto alg, double rtol, double atol) {
    SolveOptions o;
    o.save_everystep = false;
    o.reltol = rtol;
    o.abstol = atol;
    long nf = 0;
    const double us = best_us([&] {
      auto s = solve(prob, alg, o);
      sink += s.u.back()[0];
      nf = s.stats.nf;
    });
    std::printf("%-22s %-8g %10.1f %8ld\n", name, rtol, us, nf);
  };
  const auto lp = ODEProblem(lorenz, SVector<double, 3>{1, 0, 0}, {0.0, 100.0});
  for (double rt : {1e-6, 1e-10}) {
    run("Lorenz/Tsit5", lp, Tsit5{}, rt, rt);
    run("Lorenz/Vern9", lp, Vern9{}, rt, rt);
    run("Lorenz/DP5", lp, DP5{}, rt, rt);
  }
  const auto rp = ODEProblem(rober, SVector<double, 3>{1, 0, 0}, {0.0, 1e5});
  const auto rpv = ODEProblem(rober_inplace, std::vector<double>{1, 0, 0}, {0.0, 1e5});
  for (double rt : {1e-4, 1e-8}) {
    run("ROBER/Rodas5P", rp, Rodas5P{}, rt, rt * 1e-4);
    run("ROBER/Rosenbrock23", rp, Rosenbrock23{}, rt, rt * 1e-4);
    run("ROBER/KenCarp4", rp, KenCarp4{}, rt, rt * 1e-4);
    run("ROBER/FBDF(vector)", rpv, FBDF<>{}, rt, rt * 1e-4);
    run("ROBER/RadauIIA5", rp, RadauIIA5{}, rt, rt * 1e-4);
    run("ROBER/default", rp, DefaultODEAlgorithm{}, rt, rt * 1e-4);
  }
  run("VdP(1e6)/Rodas5P", ODEProblem(vdp, SVector<double, 2>{2, 0}, {0.0, 2.0}), Rodas5P{}, 1e-6, 1e-6);
  std::fprintf(stderr, "(checksum %g)\n", sink);
}
