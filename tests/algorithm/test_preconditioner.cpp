// A user preconditioner for GMRES (SolveOptions::preconditioner). On a 2-D Brusselator-like reaction-diffusion
// system whose kinetics rate varies over the mesh by three orders of magnitude (so W = I - gh J has eigenvalues
// spread from 1 to ~1e3 gh and unpreconditioned GMRES needs many iterations), the block-diagonal part of W (the
// 2 x 2 kinetics Jacobian at each mesh point plus the diffusion's diagonal, inverted in setup) cuts FBDF's and
// KenCarp4's Krylov iterations many times over, and the solution stays that of the dense LU to the tolerance;
// setup runs once per formed W. An identity preconditioner reproduces the unpreconditioned solve exactly; a
// preconditioner without GMRES, or without solve, is refused naming the option.
#include <gtest/gtest.h>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <span>
#include <vector>
#include <sciml/ode.hpp>
#include "common/expect_invalid.hpp"

namespace {

// u' = alpha L u + k (1 + u^2 v - 2 u), v' = alpha L v + k (u - u^2 v) on an N x N periodic mesh (L: the
// 5-point Laplacian), k = 10^(3 (i + j) / (2N - 2)) at mesh point (i, j), alpha = 1e-3 / dx^2: the Brusselator
// kinetics with A = B = 1, a stable spiral about (u, v) = (1, 1). State u[2 (i + N j) + species].
struct Params {
  std::size_t N = 12;
  double alpha = 0;
  std::vector<double> k;
};
Params make_params(std::size_t N) {
  Params p;
  p.N = N;
  p.alpha = 1e-3 * double(N * N);
  for (std::size_t j = 0; j < N; ++j)
    for (std::size_t i = 0; i < N; ++i) p.k.push_back(std::pow(10.0, 3.0 * double(i + j) / double(2 * N - 2)));
  return p;
}
std::vector<double> make_u0(const Params& p) {
  std::vector<double> u(2 * p.N * p.N);
  for (std::size_t j = 0; j < p.N; ++j)
    for (std::size_t i = 0; i < p.N; ++i) {
      const double x = double(i) / double(p.N), y = double(j) / double(p.N);
      u[2 * (i + p.N * j)] = 1.0 + 0.5 * std::sin(2 * std::numbers::pi * x);
      u[2 * (i + p.N * j) + 1] = 1.0 + 0.5 * std::cos(2 * std::numbers::pi * y);
    }
  return u;
}
auto varying_brusselator = [](auto& du, const auto& u, const Params& p, auto) {
  const std::size_t N = p.N;
  for (std::size_t j = 0; j < N; ++j)
    for (std::size_t i = 0; i < N; ++i) {
      const std::size_t k = i + N * j, l = (i + N - 1) % N + N * j, r = (i + 1) % N + N * j;
      const std::size_t d = i + N * ((j + N - 1) % N), t = i + N * ((j + 1) % N);
      for (std::size_t s = 0; s < 2; ++s) {
        const auto lap = u[2 * l + s] + u[2 * r + s] + u[2 * d + s] + u[2 * t + s] - 4.0 * u[2 * k + s];
        const auto uu = u[2 * k], uuv = uu * uu * u[2 * k + 1];
        du[2 * k + s] = p.alpha * lap + p.k[k] * (s == 0 ? 1.0 + uuv - 2.0 * uu : uu - uuv);
      }
    }
};

// P = I - gh Jb, Jb: the kinetics Jacobian at each mesh point plus the Laplacian's diagonal -4 alpha; setup
// inverts each 2 x 2 block, solve applies them.
struct BlockDiagonal {
  explicit BlockDiagonal(const Params& params) : p(&params) {}
  const Params* p;
  std::vector<std::array<double, 4>> inv;  // row-major inverses of the blocks
  long setups = 0;
  void setup(double, std::span<const double> u, double gh) {
    ++setups;
    inv.resize(p->k.size());
    for (std::size_t m = 0; m < inv.size(); ++m) {
      const double uu = u[2 * m], vv = u[2 * m + 1], k = p->k[m], diag = -4.0 * p->alpha;
      const double j11 = k * (2 * uu * vv - 2) + diag, j12 = k * uu * uu;
      const double j21 = k * (1 - 2 * uu * vv), j22 = -k * uu * uu + diag;
      const double a = 1 - gh * j11, b = -gh * j12, c = -gh * j21, d = 1 - gh * j22, det = a * d - b * c;
      inv[m] = {d / det, -b / det, -c / det, a / det};
    }
  }
  void solve(std::span<const double> r, std::span<double> z) const {
    for (std::size_t m = 0; m < inv.size(); ++m) {
      z[2 * m] = inv[m][0] * r[2 * m] + inv[m][1] * r[2 * m + 1];
      z[2 * m + 1] = inv[m][2] * r[2 * m] + inv[m][3] * r[2 * m + 1];
    }
  }
};

sciml::Preconditioner block_diagonal(BlockDiagonal& bd) {
  return {.setup = [&bd](double t, std::span<const double> u, double gh) { bd.setup(t, u, gh); },
          .solve = [&bd](std::span<const double> r, std::span<double> z) { bd.solve(r, z); }};
}

sciml::SolveOptions options() {
  sciml::SolveOptions o;
  o.reltol = 1e-6;
  o.abstol = 1e-8;
  o.saveat = {0.5, 1.0, 2.0, 5.0};
  return o;
}

// the largest difference of two solutions at the save points, in units of the tolerance
template <class SA, class SB>
double worst_difference(const SA& a, const SB& b, const sciml::SolveOptions& o) {
  double e = 0;
  for (std::size_t i = 0; i < b.u.size(); ++i)
    for (std::size_t m = 0; m < b.u[i].size(); ++m)
      e = std::max(e, std::abs(a.u[i][m] - b.u[i][m]) / (o.abstol.scalar + o.reltol * std::abs(b.u[i][m])));
  return e;
}

template <class Alg>
void check(const char* name) {
  const Params p = make_params(12);
  const auto prob = sciml::ODEProblem(varying_brusselator, make_u0(p), {0.0, 5.0}, p);
  auto o = options();
  const auto dense = sciml::solve(prob, Alg{}, o);
  o.linsolve = sciml::LinearSolver::GMRES;
  const auto plain = sciml::solve(prob, Alg{}, o);
  BlockDiagonal bd(p);
  o.preconditioner = block_diagonal(bd);
  const auto prec = sciml::solve(prob, Alg{}, o);
  for (const auto* s : {&dense, &plain, &prec}) {
    ASSERT_EQ(s->retcode, sciml::ReturnCode::Success) << name << ": " << s->message;
    ASSERT_EQ(s->u.size(), o.saveat.times.size()) << name;
  }
  const double d_plain = worst_difference(plain, dense, o), d_prec = worst_difference(prec, dense, o);
  std::printf("  %s: Krylov iterations %ld unpreconditioned, %ld block-diagonal (%.1f times fewer); steps %ld / %ld "
              "(dense LU %ld); Newton iterations %ld / %ld; difference from the dense LU %.1e / %.1e x tolerance\n",
              name, plain.stats.nkrylov, prec.stats.nkrylov, double(plain.stats.nkrylov) / double(prec.stats.nkrylov),
              plain.stats.naccept, prec.stats.naccept, dense.stats.naccept, plain.stats.nnonliniter,
              prec.stats.nnonliniter, d_plain, d_prec);
  EXPECT_GT(prec.stats.nkrylov, 0) << name;
  EXPECT_LT(5 * prec.stats.nkrylov, plain.stats.nkrylov) << name;
  EXPECT_EQ(bd.setups, prec.stats.nw) << name << ": setup once per formed W";
  EXPECT_LT(d_prec, 10.0) << name;
}
}  // namespace

TEST(Preconditioner, BlockDiagonalCutsKrylovIterationsFBDF) { check<sciml::FBDF<>>("FBDF"); }
TEST(Preconditioner, BlockDiagonalCutsKrylovIterationsKenCarp4) { check<sciml::KenCarp4>("KenCarp4"); }

// Right preconditioning by the identity runs GMRES on the same numbers: the very same solve.
TEST(Preconditioner, IdentityReproducesUnpreconditioned) {
  const Params p = make_params(12);
  const auto prob = sciml::ODEProblem(varying_brusselator, make_u0(p), {0.0, 5.0}, p);
  auto o = options();
  o.linsolve = sciml::LinearSolver::GMRES;
  const auto plain = sciml::solve(prob, sciml::FBDF<>{}, o);
  long setups = 0;
  o.preconditioner.setup = [&](double, std::span<const double>, double) { ++setups; };
  o.preconditioner.solve = [](std::span<const double> r, std::span<double> z) {
    for (std::size_t i = 0; i < r.size(); ++i) z[i] = r[i];
  };
  const auto ident = sciml::solve(prob, sciml::FBDF<>{}, o);
  ASSERT_EQ(ident.retcode, sciml::ReturnCode::Success) << ident.message;
  EXPECT_EQ(ident.stats.naccept, plain.stats.naccept);
  EXPECT_EQ(ident.stats.nkrylov, plain.stats.nkrylov);
  EXPECT_EQ(ident.stats.nnonliniter, plain.stats.nnonliniter);
  EXPECT_EQ(ident.u, plain.u);
  EXPECT_EQ(setups, ident.stats.nw);
}

TEST(Preconditioner, RefusedWithoutGMRES) {
  const Params p = make_params(4);
  const auto prob = sciml::ODEProblem(varying_brusselator, make_u0(p), {0.0, 1.0}, p);
  BlockDiagonal bd(p);
  sciml::SolveOptions o;
  o.preconditioner = block_diagonal(bd);
  sciml::testing::expect_invalid([&] { sciml::solve(prob, sciml::FBDF<>{}, o); }, "preconditioner");
  o.preconditioner.solve = nullptr;  // setup alone
  o.linsolve = sciml::LinearSolver::GMRES;
  sciml::testing::expect_invalid([&] { sciml::solve(prob, sciml::FBDF<>{}, o); }, "preconditioner");
}
