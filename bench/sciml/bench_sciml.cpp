// bench_sciml: what a gradient costs. For each problem and sensitivity method, the wall time of one
// sciml::gradient call over the wall time of the forward solve it differentiates (same method, tolerances and
// saveat at the loss times), with the counters (GradientResult::forward.nf / adjoint.nf) and the gradient's
// agreement with central finite differences of a tightly solved loss (so every timed gradient is shown right).
// Issue 5's target: a gradient costs at most 5 forward solves.
//
// Problems: Lotka-Volterra (Tsit5 at 1e-6 and 1e-8), the DiffEqFlux spiral neural ODE u' = NN(u.^3) with a
// 2 -> 50 -> 2 tanh MLP (252 parameters; through the reverse tape and through the network's hand-written VJP;
// at 1e-6 and at Julia's default tolerances, the setting of the published SciMLSensitivity number), ROBER
// (Rodas5P forward and adjoint; FBDF forward with Rodas5P adjoint).
//
//   bench_sciml [--out FILE.md] [--csv FILE.csv] [--quick]
// --quick: short timing loops (0.02 s, one repeat) to check that everything runs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
#include <sciml/nn/mlp.hpp>
#include <sciml/ode.hpp>
#include <sciml/sensitivity/adjoint.hpp>
#include "../common/harness.hpp"

#ifndef SCIML_BENCH_SOURCE_DIR
#define SCIML_BENCH_SOURCE_DIR "."
#endif
#ifndef SCIML_BENCH_FLAGS
#define SCIML_BENCH_FLAGS "?"
#endif

namespace {

using bench::Clock;
using bench::seconds_since;

// ---- timing ------------------------------------------------------------------------------------------

struct Settings {
  bool quick = false;
  double target = 0.2;  // seconds per timing loop
  int repeats = 3;      // timing loops; the best per-call time is reported
};

// Best (smallest) seconds per call over `repeats` loops of k calls each, k sized so that a loop takes about
// `target` seconds (at least one call). One warm-up call first.
template <class Fn>
double best_time(Fn&& fn, const Settings& s) {
  fn();
  long k = 1;
  double dt = 0;
  for (;;) {  // calibrate on a tenth of the target
    const auto t0 = Clock::now();
    for (long i = 0; i < k; ++i) fn();
    dt = seconds_since(t0);
    if (dt >= 0.1 * s.target || k >= (1L << 24)) break;
    k *= dt > 0 ? std::max(2L, std::min(64L, long(0.1 * s.target / dt) + 1)) : 64;
  }
  double best = dt / double(k);
  const long reps = std::max(1L, long(std::ceil(s.target / best)));
  for (int r = 0; r < s.repeats; ++r) {
    const auto t0 = Clock::now();
    for (long i = 0; i < reps; ++i) fn();
    best = std::min(best, seconds_since(t0) / double(reps));
  }
  return best;
}

// ---- results -----------------------------------------------------------------------------------------

struct Row {
  std::string problem, config, method, vjp;
  double t_fwd = NAN, t_grad = NAN;
  long nf_plain = 0;          // the forward solve alone
  long nf_fwd = 0, nf_adj = 0;  // GradientResult::forward.nf / adjoint.nf
  long steps_plain = 0, steps_adj = 0;
  double err_p = NAN, err_u0 = NAN;  // against central differences
  bool ok = true;
  std::string msg;
  double ratio() const { return t_grad / t_fwd; }
  bool met() const { return ok && ratio() <= 5.0; }
};

struct Reference {          // central differences of the loss, tight solves
  std::vector<std::size_t> idx;  // parameters compared (all, or a sample)
  std::vector<double> dp;        // at idx
  std::vector<double> du0;
};

double rel_err(const std::vector<double>& g, const std::vector<std::size_t>& idx, const std::vector<double>& ref) {
  double scale = 0, e = 0;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    scale = std::max(scale, std::abs(ref[k]));
    e = std::max(e, std::abs(g[idx[k]] - ref[k]));
  }
  return scale > 0 ? e / scale : e;
}

struct ForwardCost {
  double t = NAN;
  long nf = 0, steps = 0;
};

template <class Prob, class Alg>
ForwardCost time_forward(const Prob& prob, Alg alg, const std::vector<double>& ts, sciml::SolveOptions o,
                         const Settings& s) {
  o.saveat = sciml::SaveAt(ts);
  ForwardCost c;
  const auto sol = sciml::solve(prob, alg, o);
  if (!sol.success()) {
    std::fprintf(stderr, "forward solve failed: %s\n", sol.message.c_str());
    std::exit(1);
  }
  c.nf = sol.stats.nf;
  c.steps = sol.stats.naccept;
  c.t = best_time(
      [&] {
        auto r = sciml::solve(prob, alg, o);
        bench::escape(r);
      },
      s);
  return c;
}

template <class Sense>
std::string sense_label(const Sense& sense) {
  if constexpr (std::is_same_v<Sense, sciml::InterpolatingAdjoint>)
    return sense.checkpointing ? "InterpolatingAdjoint (checkpointing)" : "InterpolatingAdjoint (dense)";
  else if constexpr (std::is_same_v<Sense, sciml::BacksolveAdjoint>)
    return sense.checkpointing ? "BacksolveAdjoint" : "BacksolveAdjoint (no reset)";
  else
    return Sense::name();
}

template <class Prob, class Alg, class Loss, class Sense, class AdjAlg>
Row measure(const std::string& problem, const std::string& config, const std::string& vjp, const Prob& prob,
            Alg alg, const std::vector<double>& ts, const Loss& loss, Sense sense, const sciml::SolveOptions& o,
            AdjAlg aalg, const ForwardCost& fwd, const Reference& ref, const Settings& s) {
  Row r;
  r.problem = problem;
  r.config = config;
  r.method = sense_label(sense);
  r.vjp = vjp;
  r.t_fwd = fwd.t;
  r.nf_plain = fwd.nf;
  r.steps_plain = fwd.steps;
  const auto t0 = Clock::now();
  const auto g = sciml::gradient(prob, alg, ts, loss, sense, o, aalg);
  const double once = seconds_since(t0);
  r.nf_fwd = g.forward.nf;
  r.nf_adj = g.adjoint.nf;
  r.steps_adj = g.adjoint.naccept;
  if (!g.success()) {
    r.ok = false;
    r.msg = g.message;
    r.t_grad = once;  // the time to fail, once
  } else {
    r.err_p = rel_err(g.dp, ref.idx, ref.dp);
    std::vector<std::size_t> all(ref.du0.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    r.err_u0 = rel_err(g.du0, all, ref.du0);
    r.t_grad = best_time(
        [&] {
          auto x = sciml::gradient(prob, alg, ts, loss, sense, o, aalg);
          bench::escape(x);
        },
        s);
  }
  std::fprintf(stderr, "  %-14s %-22s %-38s %-5s fwd %9.1f us  grad %10.1f us  ratio %7.2f  nf %ld/%ld/%ld  err %.1e/%.1e %s\n",
               problem.c_str(), config.c_str(), r.method.c_str(), vjp.c_str(), r.t_fwd * 1e6, r.t_grad * 1e6,
               r.ratio(), r.nf_plain, r.nf_fwd, r.nf_adj, r.err_p, r.err_u0, r.ok ? "" : ("FAILED: " + r.msg).c_str());
  return r;
}

// The loss of a solve at the saved times (for differences).
template <class Prob, class Alg, class Loss>
double loss_of(const Prob& prob, Alg alg, const std::vector<double>& ts, const Loss& loss, sciml::SolveOptions o) {
  o.saveat = sciml::SaveAt(ts);
  const auto sol = sciml::solve(prob, alg, o);
  if (!sol.success() || sol.u.size() != ts.size()) {
    std::fprintf(stderr, "reference solve failed: %s\n", sol.message.c_str());
    std::exit(1);
  }
  double l = 0;
  std::vector<double> gu(prob.u0.size());
  for (std::size_t i = 0; i < ts.size(); ++i) {
    std::fill(gu.begin(), gu.end(), 0.0);
    l += loss(i, ts[i], sol.u[i], gu);
  }
  return l;
}

// Central differences in p (at idx; step hp * max(|p_j|, pfloor)) and u0 (step hu) of the tightly solved loss.
template <class MakeProb, class Alg, class Loss>
Reference fd_reference(MakeProb make, Alg alg, const sciml::SolveOptions& tight, const std::vector<double>& ts,
                       const Loss& loss, const std::vector<double>& u0, const std::vector<double>& p,
                       std::vector<std::size_t> idx, double hp, double pfloor, double hu) {
  Reference ref;
  ref.idx = std::move(idx);
  for (std::size_t j : ref.idx) {
    const double h = hp * std::max(std::abs(p[j]), pfloor);
    auto a = p, b = p;
    a[j] += h;
    b[j] -= h;
    ref.dp.push_back((loss_of(make(u0, a), alg, ts, loss, tight) - loss_of(make(u0, b), alg, ts, loss, tight)) / (2 * h));
  }
  for (std::size_t j = 0; j < u0.size(); ++j) {
    auto a = u0, b = u0;
    a[j] += hu;
    b[j] -= hu;
    ref.du0.push_back((loss_of(make(a, p), alg, ts, loss, tight) - loss_of(make(b, p), alg, ts, loss, tight)) / (2 * hu));
  }
  return ref;
}

std::vector<std::size_t> iota(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Per-call costs: one f evaluation and one VJP (lambda^T df/du and lambda^T df/dp) as the adjoint calls it.
struct CallCost {
  std::string what;
  double t = NAN;
};

template <class F>
double time_f(const F& f, const std::vector<double>& u, const std::vector<double>& p, const Settings& s) {
  std::vector<double> du(u.size());
  return best_time(
      [&] {
        f(du, u, p, 0.5);
        bench::escape(du);
      },
      s);
}
template <class F>
double time_vjp(const F& f, const std::vector<double>& u, const std::vector<double>& p, const Settings& s) {
  sciml::detail::VjpWork<std::vector<double>> w;
  std::vector<double> lam(u.size(), 1.0), ub(u.size()), pb(p.size());
  return best_time(
      [&] {
        std::fill(ub.begin(), ub.end(), 0.0);
        std::fill(pb.begin(), pb.end(), 0.0);
        sciml::detail::vjp<true>(f, u, p, 0.5, lam.data(), ub.data(), pb.data(), w);
        bench::escape(pb);
      },
      s);
}

// ---- problems ------------------------------------------------------------------------------------------

auto lv = [](auto& du, const auto& u, const auto& p, auto) {
  du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
  du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
};
using LV = decltype(lv);

auto rober = [](auto& du, const auto& u, const auto& k, auto) {
  du[0] = -k[0] * u[0] + k[1] * u[1] * u[2];
  du[1] = k[0] * u[0] - k[1] * u[1] * u[2] - k[2] * u[1] * u[1];
  du[2] = k[2] * u[1] * u[1];
};

// The spiral neural ODE of DiffEqFlux's examples: u' = NN(u.^3), 2 -> 50 -> 2, tanh then identity.
struct SpiralNODE {
  sciml::nn::MLP net{{2, 50, 2}, {sciml::nn::Activation::Tanh, sciml::nn::Activation::Identity}};
  template <class DU, class U, class P, class T>
  void operator()(DU& du, const U& u, const P& th, T) const {
    using S = std::remove_cvref_t<decltype(du[0])>;
    const S x[2] = {S(u[0] * u[0] * u[0]), S(u[1] * u[1] * u[1])};
    S y[2], work[64];
    net.forward(x, th.data(), y, work);
    du[0] = y[0];
    du[1] = y[1];
  }
};
// The same with the network's hand-written reverse pass as f.vjp.
struct SpiralNODEWithVjp : SpiralNODE {
  void vjp(const double* lambda, const std::vector<double>& u, const std::vector<double>& th, double, double* ubar,
           double* pbar) const {
    const double x[2] = {u[0] * u[0] * u[0], u[1] * u[1] * u[1]};
    double xbar[2] = {0, 0}, work[256];
    net.vjp(x, th.data(), lambda, xbar, pbar, work);
    ubar[0] += 3 * u[0] * u[0] * xbar[0];
    ubar[1] += 3 * u[1] * u[1] * xbar[1];
  }
};
// The true spiral: du = ((u.^3)' A)' with A = [-0.1 2.0; -2.0 -0.1] (DiffEqFlux's trueODEfunc), i.e. A^T u.^3.
auto true_spiral = [](auto& du, const auto& u, const auto&, auto) {
  const double A[2][2] = {{-0.1, 2.0}, {-2.0, -0.1}};
  const auto c0 = u[0] * u[0] * u[0], c1 = u[1] * u[1] * u[1];
  du[0] = A[0][0] * c0 + A[1][0] * c1;
  du[1] = A[0][1] * c0 + A[1][1] * c1;
};

sciml::SolveOptions tols(double rtol, double atol) {
  sciml::SolveOptions o;
  o.reltol = rtol;
  o.abstol = atol;
  return o;
}

const Row* find(const std::vector<Row>& rows, const std::string& problem, const std::string& config,
                const std::string& method, const std::string& vjp) {
  for (const auto& r : rows)
    if (r.problem == problem && r.config == config && r.method == method && r.vjp == vjp) return &r;
  return nullptr;
}

// One call's time: ns below a microsecond.
std::string fmt_call(double t) {
  if (!(t > 0)) return "n/a";
  if (t < 1e-6) return bench::fmtd("%.0f ns", t * 1e9);
  return bench::fmtd("%.2f µs", t * 1e6);
}

struct Section {
  std::string problem, description;
  std::vector<std::string> notes;
  std::vector<CallCost> costs;
};

// ---- Lotka-Volterra ----------------------------------------------------------------------------------------

// Lotka-Volterra with a hand-written VJP (what a user can give for a cheap f; the tape's overhead then goes).
struct LVHand {
  template <class DU, class U, class P, class T>
  void operator()(DU& du, const U& u, const P& p, T t) const {
    lv(du, u, p, t);
  }
  void vjp(const double* l, const std::vector<double>& u, const std::vector<double>& p, double, double* ubar,
           double* pbar) const {
    ubar[0] += l[0] * (p[0] - p[1] * u[1]) + l[1] * p[3] * u[1];
    ubar[1] += -l[0] * p[1] * u[0] + l[1] * (-p[2] + p[3] * u[0]);
    if (pbar) {
      pbar[0] += l[0] * u[0];
      pbar[1] -= l[0] * u[0] * u[1];
      pbar[2] -= l[1] * u[1];
      pbar[3] += l[1] * u[0] * u[1];
    }
  }
};

void run_lv(std::vector<Row>& rows, std::vector<Section>& secs, const Settings& s) {
  const std::vector<double> p{1.5, 1.0, 3.0, 1.0}, u0{1.0, 1.0}, pdata{1.6, 0.9, 3.1, 1.1};
  std::vector<double> ts;
  for (int i = 1; i <= 10; ++i) ts.push_back(double(i));
  sciml::SquaredErrorLoss loss;
  {
    auto o = tols(1e-12, 1e-12);
    o.saveat = sciml::SaveAt(ts);
    const auto sol = sciml::solve(sciml::ODEProblem(lv, u0, {0.0, 10.0}, pdata), sciml::Vern9{}, o);
    loss.data = sol.u;
  }
  auto make = [](const std::vector<double>& uu, const std::vector<double>& pp) {
    return sciml::ODEProblem(lv, uu, {0.0, 10.0}, pp);
  };
  const auto ref = fd_reference(make, sciml::Vern9{}, tols(1e-12, 1e-12), ts, loss, u0, p, iota(4), 1e-5, 1e-3, 1e-6);
  Section sec;
  sec.problem = "Lotka-Volterra";
  sec.description =
      "u' = (p1 u1 - p2 u1 u2, -p3 u2 + p4 u1 u2), p = (1.5, 1, 3, 1), u0 = (1, 1), t in [0, 10]; loss = sum over "
      "t = 1, ..., 10 of |u(t) - data(t)|^2, data = the solution with p = (1.6, 0.9, 3.1, 1.1) (Vern9 at 1e-12). "
      "Tsit5 forward (and adjoint), reltol = abstol = tol. 4 parameters + 2 initial values. VJP `AD`: the generic "
      "f differentiated automatically (n + np = 6 <= 8 inputs: one forward-mode pass on Dual<double, 8>); `hand`: "
      "the same f with a hand-written `vjp` (8 multiply-adds), to separate the AD's cost from the adjoint's. Differences: all 4 parameters (step 1e-5 |p_j|) and both u0 (step "
      "1e-6) on Vern9 at 1e-12.";
  const auto prob = make(u0, p);
  const auto probh = sciml::ODEProblem(LVHand{}, u0, {0.0, 10.0}, p);
  {
    std::vector<double> uu{1.2, 0.8};
    sec.costs.push_back({"f", time_f(lv, uu, p, s)});
    sec.costs.push_back({"VJP (AD)", time_vjp(lv, uu, p, s)});
    sec.costs.push_back({"VJP (hand)", time_vjp(LVHand{}, uu, p, s)});
  }
  const std::string P = "Lotka-Volterra";
  for (double tol : {1e-6, 1e-8}) {
    const auto o = tols(tol, tol);
    const std::string cfg = "Tsit5, tol " + bench::fmtd("%.0e", tol);
    const auto fwd = time_forward(prob, sciml::Tsit5{}, ts, o, s);
    const sciml::Tsit5 A;
    rows.push_back(measure(P, cfg, "–", prob, A, ts, loss, sciml::ForwardDiffSensitivity{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "–", prob, A, ts, loss, sciml::ForwardSensitivity{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::InterpolatingAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probh, A, ts, loss, sciml::InterpolatingAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::InterpolatingAdjoint{false}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probh, A, ts, loss, sciml::InterpolatingAdjoint{false}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::QuadratureAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probh, A, ts, loss, sciml::QuadratureAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::BacksolveAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probh, A, ts, loss, sciml::BacksolveAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::DiscreteAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probh, A, ts, loss, sciml::DiscreteAdjoint{}, o, A, fwd, ref, s));
  }
  // why: per-call costs and the adjoint's f calls against the forward's, and one interval against ten
  {
    const std::string C = "Tsit5, tol 1e-06";
    const Row* fd = find(rows, P, C, "ForwardDiffSensitivity", "–");
    const Row* dt = find(rows, P, C, "InterpolatingAdjoint (dense)", "AD");
    const Row* dh = find(rows, P, C, "InterpolatingAdjoint (dense)", "hand");
    const Row* da = find(rows, P, C, "DiscreteAdjoint", "hand");
    const auto o = tols(1e-6, 1e-6);
    sciml::SquaredErrorLoss l1;
    l1.data = {loss.data.back()};
    const auto g1 = sciml::gradient(probh, sciml::Tsit5{}, {10.0}, l1, sciml::InterpolatingAdjoint{false}, o);
    std::ostringstream w;
    w << "- **Lotka-Volterra**: f is a handful of flops (the forward solve spends "
      << fmt_call(dh->t_fwd / double(dh->nf_plain)) << " per f call, step overhead included), so everything "
      << "besides the f calls shows. ForwardDiffSensitivity carries all 6 derivatives in one "
      << "`Dual<double, 8>` solve with the same steps: ratio " << bench::fmtd("%.2f", fd->ratio())
      << ". An adjoint right-hand-side call is an interpolation of the forward solution plus one VJP: "
      << fmt_call(sec.costs[1].t) << " by AD (one forward-mode pass over the 6 inputs), " << fmt_call(sec.costs[2].t)
      << " by hand. The adjoint is one backward integration (n + np = 6 states, error-controlled on mu too) that "
      << "stops at each of the 10 saved times to add dl_i/du to lambda: " << dh->nf_adj << " calls, " << dh->steps_adj
      << " steps, to the forward's " << dh->nf_plain << " calls (with only t = 10 in the loss: " << g1.adjoint.nf
      << " calls, " << g1.adjoint.naccept << " steps). So InterpolatingAdjoint (dense) costs "
      << bench::fmtd("%.1f", dt->ratio()) << " forward solves with AD and " << bench::fmtd("%.1f", dh->ratio())
      << " with the hand-written VJP; checkpointing adds the re-solve of every interval, QuadratureAdjoint its "
      << "Gauss points. DiscreteAdjoint recomputes the stages of the forward's own steps and sweeps them back, one "
      << "VJP per stage, the saved values through the interpolant's weights (" << bench::fmtd("%.1f", da->ratio())
      << " with the hand VJP). The rest of the adjoints' excess over their f-call count is the interpolation of the "
      << "forward solution at every adjoint call.";
    sec.notes.push_back(w.str());
  }
  secs.push_back(sec);
}

// ---- spiral neural ODE ---------------------------------------------------------------------------------------

void run_spiral(std::vector<Row>& rows, std::vector<Section>& secs, const Settings& s) {
  const std::vector<double> u0{2.0, 0.0};
  std::vector<double> ts;
  for (int i = 0; i < 30; ++i) ts.push_back(1.5 * i / 29.0);  // range(0, 1.5, length = 30): t = 0 included
  sciml::SquaredErrorLoss loss;
  {
    auto o = tols(1e-12, 1e-12);
    o.saveat = sciml::SaveAt(ts);
    const auto sol = sciml::solve(sciml::ODEProblem(true_spiral, u0, {0.0, 1.5}, std::vector<double>{}), sciml::Vern9{}, o);
    loss.data = sol.u;
  }
  const SpiralNODE f;
  const SpiralNODEWithVjp fv;
  const auto theta = f.net.init_glorot(1);
  // differences on a sample of parameters: first-layer weights, biases, output weights and biases
  const std::vector<std::size_t> sample{0, 3, 41, 77, 99, 100, 123, 149, 150, 188, 249, 250, 251};
  auto make = [f](const std::vector<double>& uu, const std::vector<double>& pp) {
    return sciml::ODEProblem(f, uu, {0.0, 1.5}, pp);
  };
  const auto ref = fd_reference(make, sciml::Vern9{}, tols(1e-12, 1e-12), ts, loss, u0, theta, sample, 1e-5, 1.0, 1e-5);
  Section sec;
  sec.problem = "Spiral neural ODE";
  sec.description =
      "DiffEqFlux's spiral: u' = NN(u.^3), NN a 2 -> 50 -> 2 MLP (tanh, then identity; 252 parameters, "
      "`init_glorot(1)`), u0 = (2, 0), t in [0, 1.5], 30 saved times range(0, 1.5, length = 30) (t = 0 included); "
      "loss = sum of |u(t_i) - data_i|^2, data from the true spiral du = ((u.^3)' A)' = A^T u.^3, A = [-0.1 2.0; "
      "-2.0 -0.1] (DiffEqFlux's `trueODEfunc`, Vern9 at 1e-12). Tsit5 forward and adjoint. VJP `AD`: the generic "
      "f recorded on the reverse-mode tape (254 inputs); `hand`: f.vjp from `MLP::vjp` (as tests/sensitivity/test_adjoint.cpp). "
      "Differences (Vern9 at 1e-12, step 1e-5) on 13 of the 252 parameters (W1: 0, 3, 41, 77, 99; b1: 100, 123, 149; "
      "W2: 150, 188, 249; b2: 250, 251) and both u0. Configurations: reltol = abstol = 1e-6, and reltol = 1e-3, "
      "abstol = 1e-6 (DifferentialEquations.jl's defaults, what the published Julia number used). "
      "ForwardDiffSensitivity differentiates the discrete solution, whose derivative components are not "
      "error-controlled (the step-size control sees only the values), so at these tolerances it is less accurate "
      "than the adjoints, whose lambda and mu are; DiscreteAdjoint's steps are forced onto the 30 saved times, "
      "which makes its solve (and gradient) more accurate than the others'.";
  {
    std::vector<double> uu{1.3, -0.4};
    sec.costs.push_back({"f", time_f(f, uu, theta, s)});
    sec.costs.push_back({"VJP (AD)", time_vjp(f, uu, theta, s)});
    sec.costs.push_back({"VJP (hand, MLP::vjp)", time_vjp(fv, uu, theta, s)});
  }
  const auto prob = sciml::ODEProblem(f, u0, {0.0, 1.5}, theta);
  const auto probv = sciml::ODEProblem(fv, u0, {0.0, 1.5}, theta);
  const std::string P = "Spiral neural ODE";
  for (int c = 0; c < 2; ++c) {
    const auto o = c == 0 ? tols(1e-6, 1e-6) : tols(1e-3, 1e-6);
    const std::string cfg = c == 0 ? "Tsit5, tol 1e-6" : "Tsit5, reltol 1e-3, abstol 1e-6 (Julia's)";
    const auto fwd = time_forward(prob, sciml::Tsit5{}, ts, o, s);
    const sciml::Tsit5 A;
    rows.push_back(measure(P, cfg, "–", prob, A, ts, loss, sciml::ForwardDiffSensitivity{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::InterpolatingAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probv, A, ts, loss, sciml::InterpolatingAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::InterpolatingAdjoint{false}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probv, A, ts, loss, sciml::InterpolatingAdjoint{false}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::QuadratureAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probv, A, ts, loss, sciml::QuadratureAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::BacksolveAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probv, A, ts, loss, sciml::BacksolveAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, A, ts, loss, sciml::DiscreteAdjoint{}, o, A, fwd, ref, s));
    rows.push_back(measure(P, cfg, "hand", probv, A, ts, loss, sciml::DiscreteAdjoint{}, o, A, fwd, ref, s));
  }
  {
    const std::string C = "Tsit5, tol 1e-6";
    const Row* fd = find(rows, P, C, "ForwardDiffSensitivity", "–");
    const Row* ct = find(rows, P, C, "InterpolatingAdjoint (checkpointing)", "AD");
    const Row* ch = find(rows, P, C, "InterpolatingAdjoint (checkpointing)", "hand");
    const Row* dt = find(rows, P, C, "InterpolatingAdjoint (dense)", "AD");
    const Row* dh = find(rows, P, C, "InterpolatingAdjoint (dense)", "hand");
    const Row* qt = find(rows, P, C, "QuadratureAdjoint", "AD");
    const Row* qh = find(rows, P, C, "QuadratureAdjoint", "hand");
    const Row* ah = find(rows, P, C, "DiscreteAdjoint", "hand");
    const auto o = tols(1e-6, 1e-6);
    sciml::SquaredErrorLoss l1;
    l1.data = {loss.data.back()};
    const auto g1 = sciml::gradient(probv, sciml::Tsit5{}, {1.5}, l1, sciml::InterpolatingAdjoint{false}, o);
    const auto g1c = sciml::gradient(probv, sciml::Tsit5{}, {1.5}, l1, sciml::InterpolatingAdjoint{}, o);
    std::ostringstream w;
    w << "- **Spiral neural ODE** (reltol = abstol = 1e-6): the forward solve is short (" << dh->steps_plain
      << " Tsit5 steps, " << dh->nf_plain << " f calls; its 30 saved values come from the interpolant). A "
      << "continuous adjoint must stop at each of the 30 saved times, where lambda jumps by dl_i/du, so it takes at "
      << "least one step per interval: " << dh->steps_adj << " steps and " << dh->nf_adj << " VJP calls ("
      << bench::fmtd("%.1f", double(dh->nf_adj) / double(dh->nf_plain)) << "x the forward's f calls), against "
      << g1.adjoint.naccept << " steps, " << g1.adjoint.nf << " calls when the loss has only t = 1.5. "
      << "Checkpointing re-solves the 29 intervals: " << (ch->nf_fwd - ch->nf_plain) << " f calls ("
      << bench::fmtd("%.1f", double(ch->nf_fwd - ch->nf_plain) / double(ch->nf_plain)) << " forward solves; with one "
      << "interval " << (g1c.forward.nf - g1.forward.nf) << "). Per call, f costs " << fmt_call(sec.costs[0].t)
      << ", the hand-written VJP " << fmt_call(sec.costs[2].t) << ", the tape VJP " << fmt_call(sec.costs[1].t)
      << " (recording some 760 nodes and sweeping them back). Hence InterpolatingAdjoint (dense) "
      << bench::fmtd("%.1f", dh->ratio()) << "x by hand / " << bench::fmtd("%.1f", dt->ratio())
      << "x on the tape, (checkpointing) " << bench::fmtd("%.1f", ch->ratio()) << "x / " << bench::fmtd("%.1f", ct->ratio())
      << "x, QuadratureAdjoint " << bench::fmtd("%.1f", qh->ratio()) << "x / " << bench::fmtd("%.1f", qt->ratio())
      << "x (plus 4 Gauss-point VJPs per adjoint step). DiscreteAdjoint differentiates the forward's own "
      << dh->steps_plain << " steps, the saved values through the interpolant's weights, so it needs no extra "
      << "steps: " << ah->nf_adj << " recomputed stages and as many VJPs, " << bench::fmtd("%.1f", ah->ratio())
      << "x by hand, within the target. ForwardDiffSensitivity needs 254 / 8 = 32 dual solves: "
      << bench::fmtd("%.0f", fd->ratio()) << "x.";
    sec.notes.push_back(w.str());
  }
  secs.push_back(sec);
}

// ---- ROBER ----------------------------------------------------------------------------------------------------

void run_rober(std::vector<Row>& rows, std::vector<Section>& secs, const Settings& s) {
  const std::vector<double> k{0.04, 1e4, 3e7}, u0{1.0, 0.0, 0.0};
  const std::vector<double> ts{1e-3, 1e-1, 1.0, 10.0, 100.0, 1e3};
  auto loss = [](std::size_t, double, const std::vector<double>& u, std::vector<double>& g) {
    g[0] = 1;
    g[1] = 1e4;
    g[2] = 0;
    return u[0] + 1e4 * u[1];
  };
  auto make = [](const std::vector<double>& uu, const std::vector<double>& pp) {
    return sciml::ODEProblem(rober, uu, {0.0, 1e3}, pp);
  };
  const auto ref = fd_reference(make, sciml::Rodas5P{}, tols(1e-12, 1e-16), ts, loss, u0, k, iota(3), 1e-5, 1e-3, 1e-9);
  Section sec;
  sec.problem = "ROBER";
  sec.description =
      "Robertson's kinetics, k = (0.04, 1e4, 3e7), u0 = (1, 0, 0), t in [0, 1e3]; loss = sum over t = 1e-3, 0.1, 1, "
      "10, 100, 1e3 of y1 + 1e4 y2 (as tests/sensitivity/test_adjoint.cpp). reltol 1e-6, abstol 1e-10. Adjoint "
      "solves by Rodas5P (the Jacobian of the n + np = 6 adjoint states by forward-mode AD). Differences: Rodas5P "
      "at reltol 1e-12, abstol 1e-16, step 1e-5 k_j for k and 1e-9 for u0. VJP `AD`: n + np = 6 <= 8 inputs, one "
      "forward-mode pass on Dual<double, 8>. ForwardDiffSensitivity solves with dual numbers through the same "
      "implicit method (dense LU on Dual<double, 8>). Not run: DiscreteAdjoint (explicit Runge-Kutta methods only).";
  {
    std::vector<double> uu{0.9, 2e-5, 0.1};
    sec.costs.push_back({"f", time_f(rober, uu, k, s)});
    sec.costs.push_back({"VJP (AD)", time_vjp(rober, uu, k, s)});
  }
  const auto prob = make(u0, k);
  const auto o = tols(1e-6, 1e-10);
  const std::string P = "ROBER";
  const sciml::Rodas5P R;
  {
    const std::string cfg = "Rodas5P";
    const auto fwd = time_forward(prob, R, ts, o, s);
    rows.push_back(measure(P, cfg, "–", prob, R, ts, loss, sciml::ForwardDiffSensitivity{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "–", prob, R, ts, loss, sciml::ForwardSensitivity{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, R, ts, loss, sciml::InterpolatingAdjoint{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, R, ts, loss, sciml::InterpolatingAdjoint{false}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, R, ts, loss, sciml::QuadratureAdjoint{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, R, ts, loss, sciml::BacksolveAdjoint{}, o, R, fwd, ref, s));
  }
  {
    const std::string cfg = "FBDF (adjoint Rodas5P)";
    const sciml::FBDF<> B;
    const auto fwd = time_forward(prob, B, ts, o, s);
    rows.push_back(measure(P, cfg, "–", prob, B, ts, loss, sciml::ForwardDiffSensitivity{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, B, ts, loss, sciml::InterpolatingAdjoint{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, B, ts, loss, sciml::InterpolatingAdjoint{false}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, B, ts, loss, sciml::QuadratureAdjoint{}, o, R, fwd, ref, s));
    rows.push_back(measure(P, cfg, "AD", prob, B, ts, loss, sciml::BacksolveAdjoint{}, o, R, fwd, ref, s));
  }
  {
    const Row* dr = find(rows, P, "Rodas5P", "InterpolatingAdjoint (dense)", "AD");
    const Row* cr = find(rows, P, "Rodas5P", "InterpolatingAdjoint (checkpointing)", "AD");
    const Row* db = find(rows, P, "FBDF (adjoint Rodas5P)", "InterpolatingAdjoint (dense)", "AD");
    const auto g1 = sciml::gradient(prob, R, {1e3}, loss, sciml::InterpolatingAdjoint{false}, o);
    const auto fw = sciml::gradient(prob, R, ts, loss, sciml::InterpolatingAdjoint{false}, o);
    const Row* fr = find(rows, P, "Rodas5P", "ForwardDiffSensitivity", "–");
    const Row* fb = find(rows, P, "FBDF (adjoint Rodas5P)", "ForwardDiffSensitivity", "–");
    std::ostringstream w;
    w << "- **ROBER**: with 3 parameters and 3 initial values, ForwardDiffSensitivity carries all 6 derivatives "
      << "in one Dual<double, 8> solve through the stiff method (the Newton/W matrices LU-factored on dual "
      << "numbers): " << bench::fmtd("%.1f", fr->ratio()) << "x with Rodas5P, " << bench::fmtd("%.1f", fb->ratio())
      << "x with FBDF -- for few parameters the method to use, as SciMLSensitivity advises. The adjoints: the forward "
      << "Rodas5P solve takes " << fw.forward.naccept << " steps (+" << fw.forward.nreject << " rejected); the "
      << "adjoint " << fw.adjoint.naccept << " (+" << fw.adjoint.nreject << " rejected), each with an AD Jacobian "
      << "of the 6 adjoint states and a 6 x 6 LU. Each saved time adds g_i = (1, 1e4, 0) to lambda, a jump along the "
      << "fast mode that the adjoint resolves anew: with only t = 1e3 in the loss it takes " << g1.adjoint.naccept
      << " steps (+" << g1.adjoint.nreject << "). Hence InterpolatingAdjoint (dense) " << bench::fmtd("%.1f", dr->ratio())
      << "x, (checkpointing) " << bench::fmtd("%.1f", cr->ratio()) << "x (the re-solve costs "
      << bench::fmtd("%.2f", double(cr->nf_fwd - cr->nf_plain) / double(cr->nf_plain)) << " forward solves' f calls); "
      << "with FBDF forward the dense variant is " << bench::fmtd("%.1f", db->ratio()) << "x (the same Rodas5P "
      << "adjoint against a slower forward). BacksolveAdjoint fails as documented: ROBER integrated backwards "
      << "blows up (the backward solve hits dtmin).";
    sec.notes.push_back(w.str());
  }
  secs.push_back(sec);
}

// ---- report --------------------------------------------------------------------------------------------------

std::string fmt_us(double t) { return bench::fmt_time(t); }
std::string fmt_e(double e) { return std::isnan(e) ? "–" : bench::fmtd("%.1e", e); }

std::string verdict(const Row& r) {
  if (!r.ok) return "failed";
  return r.met() ? "yes" : "**no**";
}

void write_csv(const std::vector<Row>& rows, const std::string& path) {
  std::ofstream f(path);
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return;
  }
  f << "problem,config,method,vjp,forward_s,gradient_s,ratio,target_met,nf_forward_solve,steps_forward_solve,"
       "nf_gradient_forward,nf_gradient_adjoint,steps_adjoint,fd_relerr_p,fd_relerr_u0,ok,message\n";
  for (const auto& r : rows) {
    std::string msg = r.msg;
    std::replace(msg.begin(), msg.end(), '"', '\'');
    f << '"' << r.problem << "\",\"" << r.config << "\",\"" << r.method << "\"," << (r.vjp == "–" ? "none" : r.vjp) << ',' << bench::fmtd("%.6e", r.t_fwd)
      << ',' << bench::fmtd("%.6e", r.t_grad) << ',' << bench::fmtd("%.3f", r.ratio()) << ',' << (r.met() ? 1 : 0) << ','
      << r.nf_plain << ',' << r.steps_plain << ',' << r.nf_fwd << ',' << r.nf_adj << ',' << r.steps_adj << ','
      << bench::fmtd("%.3e", r.err_p) << ',' << bench::fmtd("%.3e", r.err_u0) << ',' << (r.ok ? 1 : 0) << ",\"" << msg
      << "\"\n";
  }
}

std::string why(const Row& r, const std::vector<Section>& secs) {
  // where the time goes, in f-call equivalents: forward solve, re-solves, adjoint RHS calls
  std::ostringstream w;
  if (!r.ok) return "failed: " + r.msg;
  const long resolve = r.nf_fwd - r.nf_plain;
  if (r.method.rfind("ForwardDiff", 0) == 0) {
    w << "dual-number solve" << (r.problem == "Spiral neural ODE" ? "s (254 / 8 = 32 chunks of Dual<double, 8>)" : " (one chunk of Dual<double, 8>)")
      << ": nf " << r.nf_fwd << " dual calls";
    return w.str();
  }
  if (r.method == "ForwardSensitivity") {
    w << "augmented system u' = f, S' = J S + df/dtheta (" << r.nf_fwd << " calls, each one Dual<double, 8> pass of f"
      << (r.problem == "ROBER" ? "; the implicit method's Jacobian of the 21 augmented states by differences" : "") << ")";
    return w.str();
  }
  if (r.method.rfind("Discrete", 0) == 0) {
    w << "stages recomputed (" << r.nf_adj << " f calls) + one VJP per stage";
    return w.str();
  }
  if (resolve > 0) w << "re-solves " << resolve << " f calls (" << bench::fmtd("%.2f", double(resolve) / double(r.nf_plain)) << "x the forward); ";
  w << "adjoint " << r.nf_adj << " calls (" << bench::fmtd("%.2f", double(r.nf_adj) / double(r.nf_plain)) << "x the forward's nf)";
  return w.str();
}

void write_markdown(const std::vector<Row>& rows, const std::vector<Section>& secs, const std::string& path,
                    const Settings& s, double total) {
  const bench::MachineInfo m = bench::machine_info(SCIML_BENCH_SOURCE_DIR);
  std::ostringstream md;
  md << "# Gradient cost: sciml::gradient over the forward solve\n\n";
  md << "| | |\n|---|---|\n";
  md << "| Machine | " << m.cpu << ", " << m.cores << " cores |\n";
  md << "| Compiler | " << m.compiler << "; flags `" << SCIML_BENCH_FLAGS << "` |\n";
  md << "| sciml.cpp | commit " << m.commit << " |\n";
  md << "| Date | " << m.date << " |\n";
  md << "| Reproduce | `cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSCIML_BUILD_BENCH=ON && make -C build bench_sciml && "
        "build/bench/sciml/bench_sciml --out docs/benchmarks-sciml.md --csv bench/results/sciml_gradients.csv` ("
     << bench::fmtd("%.0f", total) << " s" << (s.quick ? ", --quick" : "") << ") |\n\n";
  md << "Issue 5's target: **a gradient costs at most 5 forward solves**. For every problem and sensitivity method "
        "(`include/sciml/sensitivity/adjoint.hpp`, docs/sensitivity.md), `forward` is the wall time of one `solve` "
        "of the problem with the gradient's method, tolerances and `saveat` = the loss times (the forward solve the "
        "gradient itself does first), `gradient` the wall time of one `sciml::gradient(prob, alg, ts, loss, sensealg, "
        "opts, adjoint_alg)` call, ratio = gradient / forward. Times: best per-call time over "
     << s.repeats << " timing loop" << (s.repeats > 1 ? "s" : "") << " of about " << bench::fmtd("%.2g", s.target)
     << " s each, after a warm-up call (so the tape and work vectors are allocated once; a gradient call still "
        "allocates its result, solutions and segment solves). `nf`: right-hand-side calls of the forward solve alone, "
        "`GradientResult::forward.nf` (forward solve + checkpoint re-solves; for ForwardDiffSensitivity the dual-number "
        "solves, each call on `Dual<double, 8>`) and `adjoint.nf` (adjoint right-hand-side calls, each one VJP; "
        "QuadratureAdjoint adds one VJP per Gauss point; DiscreteAdjoint counts the recomputed stages). FD error: "
        "max_j |g_j - fd_j| / max_j |fd_j| over the parameters compared (p / u0 separately), fd the central "
        "differences of the loss solved tightly (each problem states how), so it measures the gradient's error "
        "including the error of solving at the benchmark's tolerance. One core, nothing else pinned; the machine "
        "was shared with other work, so single timings can be noisy by ~10-20 %.\n\n";

  // summary
  md << "## Summary\n\n";
  md << "Ratio = gradient time / forward-solve time; where two are given: automatic VJP (AD) / hand-written VJP.\n\n";
  md << "| problem | configuration | forward | fastest gradient | its ratio | ForwardDiff | ForwardSensitivity | Interpolating (checkpointing) | "
        "Interpolating (dense) | Quadrature | Backsolve | Discrete | rows with ratio <= 5 |\n";
  md << "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<std::pair<std::string, std::string>> cfgs;
  for (const auto& r : rows)
    if (std::find(cfgs.begin(), cfgs.end(), std::make_pair(r.problem, r.config)) == cfgs.end())
      cfgs.emplace_back(r.problem, r.config);
  int met_all = 0, n_all = 0;
  for (const auto& [p, c] : cfgs) {
    const Row* best = nullptr;
    int met = 0, n = 0;
    for (const auto& r : rows) {
      if (r.problem != p || r.config != c) continue;
      ++n;
      met += r.met();
      if (r.ok && (!best || r.t_grad < best->t_grad)) best = &r;
    }
    met_all += met;
    n_all += n;
    auto cell = [&](const std::string& method) {
      std::string out;
      for (const char* v : {"–", "AD", "hand"}) {
        if (const Row* r = find(rows, p, c, method, v)) {
          if (!out.empty()) out += " / ";
          out += r->ok ? bench::fmtd("%.1f", r->ratio()) : "failed";
        }
      }
      return out.empty() ? "–" : out;
    };
    md << "| " << p << " | " << c << " | " << fmt_us(best ? best->t_fwd : NAN) << " | "
       << (best ? best->method + (best->vjp != "–" ? " (" + best->vjp + ")" : "") + ", " + fmt_us(best->t_grad) : "–")
       << " | " << (best ? bench::fmtd("%.2f", best->ratio()) : "–") << " | " << cell("ForwardDiffSensitivity") << " | "
       << cell("ForwardSensitivity") << " | " << cell("InterpolatingAdjoint (checkpointing)") << " | " << cell("InterpolatingAdjoint (dense)") << " | "
       << cell("QuadratureAdjoint") << " | " << cell("BacksolveAdjoint") << " | " << cell("DiscreteAdjoint") << " | " << met
       << " of " << n << " |\n";
  }
  md << "\nThe target (gradient <= 5 forward solves) is met by " << met_all << " of " << n_all << " measured gradients";
  {
    std::vector<std::string> who;
    for (const auto& r : rows)
      if (r.met())
        who.push_back(r.problem + " " + r.config + " " + r.method + (r.vjp != "–" ? " (" + r.vjp + ")" : "") + ": " +
                      bench::fmtd("%.2f", r.ratio()));
    if (!who.empty()) {
      md << ": ";
      for (std::size_t i = 0; i < who.size(); ++i) md << (i ? "; " : "") << who[i];
    }
  }
  md << ". Every successful gradient agrees with central differences to the accuracy its tolerance allows (FD "
        "error columns below).\n\n";
  md << "### Where the target is missed, and why\n\n";
  for (const auto& sec : secs)
    for (const auto& n : sec.notes) md << n << "\n";
  md << "\n";

  // the published Julia number
  {
    const std::string P = "Spiral neural ODE", C = "Tsit5, reltol 1e-3, abstol 1e-6 (Julia's)";
    const Row* dt = find(rows, P, C, "InterpolatingAdjoint (dense)", "AD");
    const Row* dh = find(rows, P, C, "InterpolatingAdjoint (dense)", "hand");
    const Row* ct = find(rows, P, C, "InterpolatingAdjoint (checkpointing)", "AD");
    const Row* ch = find(rows, P, C, "InterpolatingAdjoint (checkpointing)", "hand");
    const Row* b6 = find(rows, P, "Tsit5, tol 1e-6", "InterpolatingAdjoint (checkpointing)", "hand");
    if (dt && dh && ct && ch && b6) {
      md << "**Against the published Julia number** (different machine, so only indicative). SciMLSensitivity.jl's "
            "docs/src/Benchmark.md times `Zygote.gradient` of the same spiral loss with respect to (u0, p): "
            "`InterpolatingAdjoint(autojacvec = ReverseDiffVJP(true))` took **1.66 ms** (1.657377 ms, `@belapsed`, "
            "i.e. the minimum), QuadratureAdjoint 2.49 ms, BacksolveAdjoint 2.48 ms. That run used Float32 states "
            "and parameters, a Lux `Chain(x -> x.^3, Dense(2, 50, tanh), Dense(50, 2))` with random initial "
            "parameters, Tsit5 at DifferentialEquations.jl's default tolerances (reltol 1e-3, abstol 1e-6), "
            "`saveat = tsteps` (30 points, t = 0 included) and Julia's default InterpolatingAdjoint, which "
            "interpolates the forward solution (`checkpointing = false`: our `InterpolatingAdjoint{false}`, "
            "\"dense\"); the machine is not stated. Here, at the same tolerances: InterpolatingAdjoint (dense) "
         << fmt_us(dt->t_grad) << " with the automatic (tape) VJP, as ReverseDiffVJP is, " << fmt_us(dh->t_grad)
         << " with the hand-written VJP; with checkpointing " << fmt_us(ct->t_grad) << " / " << fmt_us(ch->t_grad)
         << "; at reltol = abstol = 1e-6, InterpolatingAdjoint (checkpointing, hand VJP) takes " << fmt_us(b6->t_grad)
         << ".\n\n";
    }
  }

  // per-problem tables
  for (const auto& sec : secs) {
    md << "## " << sec.problem << "\n\n" << sec.description << "\n\n";
    if (!sec.costs.empty()) {
      md << "One call at a typical state (best of loops):";
      for (std::size_t i = 0; i < sec.costs.size(); ++i)
        md << (i ? ", " : " ") << sec.costs[i].what << " " << fmt_call(sec.costs[i].t);
      md << ".\n\n";
    }
    std::vector<std::string> mycfgs;
    for (const auto& r : rows)
      if (r.problem == sec.problem && std::find(mycfgs.begin(), mycfgs.end(), r.config) == mycfgs.end())
        mycfgs.push_back(r.config);
    for (const auto& c : mycfgs) {
      const Row* first = nullptr;
      for (const auto& r : rows)
        if (r.problem == sec.problem && r.config == c) {
          first = &r;
          break;
        }
      md << "### " << c << "\n\nForward solve: " << fmt_us(first->t_fwd) << ", nf " << first->nf_plain << ", "
         << first->steps_plain << " steps.\n\n";
      md << "| method | VJP | gradient | ratio | <= 5x | nf forward (+ re-solves) | nf adjoint | adjoint steps | FD error p / u0 | where the time goes |\n";
      md << "|---|---|---:|---:|:---:|---:|---:|---:|---|---|\n";
      for (const auto& r : rows) {
        if (r.problem != sec.problem || r.config != c) continue;
        md << "| " << r.method << " | " << r.vjp << " | " << (r.ok ? fmt_us(r.t_grad) : "failed (" + fmt_us(r.t_grad) + ")")
           << " | " << (r.ok ? bench::fmtd("%.2f", r.ratio()) : "–") << " | " << verdict(r) << " | " << r.nf_fwd << " | "
           << r.nf_adj << " | " << r.steps_adj << " | " << fmt_e(r.err_p) << " / " << fmt_e(r.err_u0) << " | "
           << why(r, secs) << " |\n";
      }
      md << "\n";
    }
  }
  std::ofstream f(path);
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return;
  }
  f << md.str();
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  std::string out, csv;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--csv" && i + 1 < argc) csv = argv[++i];
    else if (a == "--quick") s.quick = true;
    else {
      std::fprintf(stderr, "usage: %s [--out FILE.md] [--csv FILE.csv] [--quick]\n", argv[0]);
      return 2;
    }
  }
  if (s.quick) {
    s.target = 0.02;
    s.repeats = 1;
  }
  const auto t0 = Clock::now();
  std::vector<Row> rows;
  std::vector<Section> secs;
  run_lv(rows, secs, s);
  run_spiral(rows, secs, s);
  run_rober(rows, secs, s);
  const double total = seconds_since(t0);
  std::fprintf(stderr, "total %.1f s\n", total);
  if (!csv.empty()) write_csv(rows, csv);
  if (!out.empty()) write_markdown(rows, secs, out, s, total);
  return 0;
}
