// The timing harness and the per-step overhead measurement for the small systems.
#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <sciml/ode.hpp>
#include "bench.hpp"

namespace bench {

namespace {

// Seconds per call of the problem's right-hand side: the same lambda the solvers call, on an SVector in
// memory that the optimiser must reload every iteration, its result escaping (so nothing is hoisted or
// removed). Independent calls: this is the throughput figure, the cheapest an RHS call can be.
template <ProblemId Id, bool Chained>
double rhs_seconds(const Problem& P) {
  using K = Kernel<Id>;
  sciml::SVector<double, K::N> u;
  for (std::size_t i = 0; i < K::N; ++i) u[i] = P.u0[i];
  const long n = 1 << 20;
  std::vector<double> batches;
  for (int b = 0; b < 9; ++b) {
    const auto t0 = Clock::now();
    if constexpr (Chained) {
      // u <- u0 + 1e-3 f(u): a dependent chain, as the stages of a step are (f, then the next stage's
      // input from it); converges to a fixed point, so the values stay tame.
      const auto u0 = u;
      for (long i = 0; i < n; ++i) {
        escape(u);
        const auto du = K::f(u, K::p, 0.0);
        for (std::size_t j = 0; j < K::N; ++j) u[j] = u0[j] + 1e-3 * du[j];
      }
      escape(u);
    } else {
      for (long i = 0; i < n; ++i) {
        escape(u);
        auto du = K::f(u, K::p, 0.0);
        escape(du);
      }
    }
    batches.push_back(seconds_since(t0) / double(n));
  }
  std::sort(batches.begin(), batches.end());
  return batches[batches.size() / 2];
}

template <ProblemId Id>
void overhead_rows(const Problem& P, std::vector<OverheadRow>& rows) {
  const double tol = 1e-8;
  const double t_rhs = rhs_seconds<Id, false>(P);
  const double t_chain = rhs_seconds<Id, true>(P);
  std::vector<Contestant> cs = sciml_contestants(P);
  std::vector<Contestant> pick;
  for (auto& c : cs)
    if (c.method == "Tsit5" || c.method == "Vern9" || c.method == "DP5" || c.method == "Vern7") pick.push_back(c);
  for (auto& c : odeint_contestants(P))
    if (c.method == "dopri5" || c.method == "fehlberg78") pick.push_back(c);
  for (auto& c : pick) {
    const Outcome first = c.solve(tol);
    const Timing tm = time_solve(c.solve, tol, first, 0.5, 5);
    OverheadRow r;
    r.problem = P.name;
    r.method = c.label();
    r.tol = tol;
    r.t_rhs = t_rhs;
    const double steps = double(first.steps + std::max(0L, first.rejects));
    r.t_step = tm.median / steps;
    r.f_per_step = double(first.nf) / steps;
    r.ratio = tm.median / (double(first.nf) * t_rhs);
    r.target = (r.f_per_step + 1) / r.f_per_step;
    r.t_rhs_chain = t_chain;
    r.ratio_chain = tm.median / (double(first.nf) * t_chain);
    rows.push_back(r);
  }
}

}  // namespace

std::vector<OverheadRow> measure_overhead(const std::vector<Problem>& problems) {
  std::vector<OverheadRow> rows;
  for (const auto& P : problems) {
    if (P.id == ProblemId::Lorenz) overhead_rows<ProblemId::Lorenz>(P, rows);
    if (P.id == ProblemId::Arenstorf) overhead_rows<ProblemId::Arenstorf>(P, rows);
  }
  return rows;
}

}  // namespace bench
