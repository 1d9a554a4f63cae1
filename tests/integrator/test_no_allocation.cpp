// The step loop allocates nothing: global operator new is counted while an integrator takes steps
// (SVector and in-place std::vector states, with and without an event callback, every method family, the
// sparse LU and GMRES with and without a preconditioner).
#include <gtest/gtest.h>
#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <span>
#include <vector>
#include <sciml/ode.hpp>
#include "common/problems.hpp"

static std::atomic<long> g_allocs{0};
void* operator new(std::size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {
template <class Integ>
long allocations_during_steps(Integ& integ, int nsteps) {
  integ.step();  // warm up
  const long before = g_allocs.load();
  for (int i = 0; i < nsteps && !integ.done(); ++i) integ.step();
  EXPECT_FALSE(integ.done()) << "the test needs a long enough tspan";
  return g_allocs.load() - before;
}
sciml::SolveOptions no_saving() {
  sciml::SolveOptions o;
  o.save_everystep = false;
  o.reltol = 1e-8;
  o.abstol = 1e-8;
  return o;
}
auto lorenz_inplace = [](auto& du, const auto& u, const auto& p, auto) {
  du[0] = p[0] * (u[1] - u[0]);
  du[1] = u[0] * (p[1] - u[2]) - u[1];
  du[2] = u[0] * u[1] - p[2] * u[2];
};
}  // namespace

template <class Alg>
void check_method() {
  auto sprob = sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1000.0},
                                 sciml::problems::lorenz_p);
  auto s = sciml::init(sprob, Alg{}, no_saving());
  EXPECT_EQ(allocations_during_steps(s, 2000), 0) << Alg::name() << " SVector";
  auto vprob = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto v = sciml::init(vprob, Alg{}, no_saving());
  EXPECT_EQ(allocations_during_steps(v, 2000), 0) << Alg::name() << " std::vector";
}

TEST(NoAllocation, StepLoop) {
  check_method<sciml::RK4>();
  check_method<sciml::BS3>();
  check_method<sciml::Tsit5>();
  check_method<sciml::Vern7>();
  check_method<sciml::Vern9>();
  check_method<sciml::DP8>();
}

TEST(NoAllocation, Rosenbrock23) {  // Jacobian by AD, LU and solves all in registers
  auto sprob = sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1000.0},
                                 sciml::problems::lorenz_p);
  auto s = sciml::init(sprob, sciml::Rosenbrock23{}, no_saving());
  EXPECT_EQ(allocations_during_steps(s, 2000), 0);
  auto r = sciml::init(sprob, sciml::Rodas5P{}, no_saving());
  EXPECT_EQ(allocations_during_steps(r, 2000), 0);
#ifdef SCIML_HAVE_EIGEN
  auto vprob = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto v = sciml::init(vprob, sciml::Rodas5P{}, no_saving());  // Eigen LU, AD work vectors kept in the cache
  EXPECT_EQ(allocations_during_steps(v, 2000), 0);
#endif
}

TEST(NoAllocation, SDIRK) {  // Newton iterations, Jacobian reuse and refreshes, LU in registers or Eigen
  auto sprob = sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1000.0},
                                 sciml::problems::lorenz_p);
  auto s = sciml::init(sprob, sciml::TRBDF2{}, no_saving());
  EXPECT_EQ(allocations_during_steps(s, 2000), 0);
#ifdef SCIML_HAVE_EIGEN
  auto vprob = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto v = sciml::init(vprob, sciml::TRBDF2{}, no_saving());
  EXPECT_EQ(allocations_during_steps(v, 2000), 0);
#endif
  auto rprob = sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1000.0},
                                 sciml::problems::lorenz_p);
  auto r = sciml::init(rprob, sciml::RadauIIA5{}, no_saving());  // real and complex LUs in registers
  EXPECT_EQ(allocations_during_steps(r, 2000), 0);
#ifdef SCIML_HAVE_EIGEN
  auto vr = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto rv = sciml::init(vr, sciml::RadauIIA5{}, no_saving());
  EXPECT_EQ(allocations_during_steps(rv, 2000), 0);
#endif
}

TEST(NoAllocation, FBDF) {  // history rescaling, order changes, Newton with reused J
  auto sprob = sciml::ODEProblem(sciml::problems::lorenz, sciml::SVector{1.0, 0.0, 0.0}, {0.0, 1000.0},
                                 sciml::problems::lorenz_p);
  auto s = sciml::init(sprob, sciml::FBDF<>{}, no_saving());
  EXPECT_EQ(allocations_during_steps(s, 2000), 0);
#ifdef SCIML_HAVE_EIGEN
  auto vprob = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto v = sciml::init(vprob, sciml::FBDF<>{}, no_saving());
  EXPECT_EQ(allocations_during_steps(v, 2000), 0);
#endif
}

#ifdef SCIML_HAVE_EIGEN
namespace {
auto forced_ring = [](auto& du, const auto& u, const auto& p, auto t) {  // reaction-diffusion on a ring
  using std::sin;
  const std::size_t n = u.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto left = i > 0 ? u[i - 1] : u[n - 1], right = i + 1 < n ? u[i + 1] : u[0];
    du[i] = p[0] * (left - 2.0 * u[i] + right) - u[i] * u[i] * u[i] + u[i] + sin(t + 0.05 * double(i));
  }
};
std::vector<double> forced_ring_u0() {  // 200 states
  std::vector<double> u0(200);
  for (std::size_t i = 0; i < u0.size(); ++i) u0[i] = std::sin(0.1 * double(i));
  return u0;
}
}  // namespace

TEST(NoAllocation, SparseJacobian) {  // compressed AD, KLU refactorisations and solves
  const auto f = forced_ring;
  const auto u0 = forced_ring_u0();
  auto prob = sciml::ODEProblem(sciml::with_sparse_jacobian(f), u0, {0.0, 1e4}, std::array<double, 1>{400.0});
  auto b = sciml::init(prob, sciml::FBDF<>{}, no_saving());
  EXPECT_EQ(allocations_during_steps(b, 500), 0);
  auto k = sciml::init(prob, sciml::KenCarp4{}, no_saving());
  EXPECT_EQ(allocations_during_steps(k, 500), 0);
  auto r = sciml::init(prob, sciml::Rodas5P{}, no_saving());
  EXPECT_EQ(allocations_during_steps(r, 500), 0);
  // the default algorithm makes its stiff method (FBDF on the traced pattern, KLU) at the first stiff step;
  // after that, stiff steps allocate nothing
  auto d = sciml::init(sciml::ODEProblem(f, u0, {0.0, 1e4}, std::array<double, 1>{400.0}), no_saving());
  while (d.sol.stats.nswitch == 0 && !d.done()) d.step();
  ASSERT_EQ(d.sol.stats.nswitch, 1);
  EXPECT_EQ(allocations_during_steps(d, 500), 0);
  EXPECT_EQ(d.sol.stats.nkrylov, 0);
}
TEST(NoAllocation, Krylov) {  // GMRES: the Jacobian-vector product closure, with and without a preconditioner
  auto prob = sciml::ODEProblem(forced_ring, forced_ring_u0(), {0.0, 1e4}, std::array<double, 1>{400.0});
  auto o = no_saving();
  o.linsolve = sciml::LinearSolver::GMRES;
  auto b = sciml::init(prob, sciml::FBDF<>{}, o);
  EXPECT_EQ(allocations_during_steps(b, 300), 0);
  auto r = sciml::init(prob, sciml::Rodas5P{}, o);
  EXPECT_EQ(allocations_during_steps(r, 300), 0);
  std::vector<double> diag(200);  // Jacobi: the diagonal of W = I - gh J, from the diffusion alone
  o.preconditioner.setup = [&diag](double, std::span<const double>, double gh) {
    for (double& d : diag) d = 1.0 + gh * 2.0 * 400.0;
  };
  o.preconditioner.solve = [&diag](std::span<const double> r, std::span<double> z) {
    for (std::size_t i = 0; i < r.size(); ++i) z[i] = r[i] / diag[i];
  };
  auto pb = sciml::init(prob, sciml::FBDF<>{}, o);
  EXPECT_EQ(allocations_during_steps(pb, 300), 0);
  EXPECT_GT(pb.sol.stats.nkrylov, 0);
}
#endif

TEST(NoAllocation, WithContinuousCallback) {
  // an event that never fires still checks the condition on the dense output every step
  auto cb = sciml::ContinuousCallback([](const auto& u, auto, auto&) { return u[2] + 1000.0; },
                                      [](auto& integ) { integ.terminate(); });
  auto vprob = sciml::ODEProblem(lorenz_inplace, std::vector{1.0, 0.0, 0.0}, {0.0, 1000.0}, sciml::problems::lorenz_p);
  auto v = sciml::init(vprob, sciml::Vern7{}, no_saving(), cb);
  EXPECT_EQ(allocations_during_steps(v, 2000), 0);
}
