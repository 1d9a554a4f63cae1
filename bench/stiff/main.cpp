// bench_stiff: races sciml.cpp's stiff methods (Rosenbrock, SDIRK, RadauIIA5) against SUNDIALS CVODE
// BDF (dense Newton; difference-quotient and analytic Jacobian) and SciPy's solve_ivp Radau/BDF/LSODA (run
// as a subprocess, bench/stiff/scipy_stiff.py, timed inside Python) on ROBER and HIRES, and on the large
// systems of tests/common/large_problems.hpp (2D Brusselator N = 8, 32, 128; ROBER stacked 10, 100, 1000
// times; CVODE also with KLU on the analytic sparse Jacobian, SciPy with sparse Jacobians), in one run; prints
// work-precision tables with nf / njac / LU / steps / time per step, speed-ups at equal error against the
// fastest competitor and against CVODE, and writes them as markdown (--out) and CSV (--csv).
//
//   bench_stiff [--out FILE.md] [--csv DIR] [--min-time S] [--min-repeats N] [--only KEY[,KEY...]]
//               [--tols 1e-6,1e-8] [--budget S] [--no-scipy] [--python EXE]
// Keys: rober, hires, bruss-n8, bruss-n32, bruss-n128, rober-k10, rober-k100, rober-k1000. --budget: seconds
// one solve of a large problem may take (default 60) before that contestant's tighter tolerances are skipped.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <malloc.h>
#include <sstream>
#include <string>
#include "stiff.hpp"

#ifndef SCIML_BENCH_SOURCE_DIR
#define SCIML_BENCH_SOURCE_DIR "."
#endif
#ifndef SCIML_BENCH_FLAGS
#define SCIML_BENCH_FLAGS "?"
#endif

namespace bench {

std::vector<StiffProblem> make_stiff_problems() {
  std::vector<double> tols;
  for (int k = 4; k <= 10; ++k) tols.push_back(std::pow(10.0, -k));
  namespace pr = sciml::problems;
  StiffProblem rober{StiffId::Rober, "ROBER", "rober",
                     "Robertson's chemical kinetics, 3 states, k = (0.04, 1e4, 3e7), u0 = (1, 0, 0), t in [0, 1e5]; "
                     "error = max over the 3 components of |u_i(tf) - ref_i| / |ref_i| (ref: tests/common/problems.hpp "
                     "`rober_ref`, 10 significant digits: y1 = 1.786592114e-02 is rounded to 2.8e-10 relative, so errors below ~3e-10 are not resolved)",
                     "max relative error over the components", 0.0, 1e5, {1.0, 0.0, 0.0},
                     {pr::rober_ref.begin(), pr::rober_ref.end()}, tols};
  StiffProblem hires{StiffId::Hires, "HIRES", "hires",
                     "HIRES (IVPtestset), 8 states, t in [0, 321.8122]; error = ||u(tf) - ref||_2 / ||ref||_2 (ref: "
                     "tests/common/problems.hpp `hires_ref`)",
                     "relative 2-norm error", 0.0, 321.8122, {1.0, 0, 0, 0, 0, 0, 0, 0.0057},
                     {pr::hires_ref.begin(), pr::hires_ref.end()}, tols};
  std::vector<StiffProblem> out{rober, hires};
  for (std::size_t N : {8, 32, 128}) {
    const std::size_t n = 2 * N * N;
    // The N = 32 figures were measured once, when this benchmark was set up: CVODE + KLU at rtol 1e-12 against
    // SciPy Radau at rtol 1e-12 (which agrees with CVODE at rtol 1e-14 to 2.1e-10).
    const std::string ref_text =
        N == 8 ? std::string("tests/common/large_problems.hpp `brusselator8_ref`, good to ~1e-12")
               : N == 32 ? std::string("CVODE + KLU at rtol 1e-14, atol 1e-16, computed at the start of the run; at "
                                       "rtol 1e-12 it was off SciPy Radau (rtol 1e-12) by 4.5e-9, at 1e-14 it agrees "
                                       "with it to 2e-10")
                         : std::string("CVODE + KLU at rtol 1e-12, atol 1e-14, computed at the start of the run; its "
                                       "own error is not measured (a tighter solve takes many minutes); on N = 32 "
                                       "this recipe is off by 4.5e-9, so errors below ~5e-9 are not resolved");
    StiffProblem b{StiffId::Bruss, "Brusselator N=" + std::to_string(N), "bruss-n" + std::to_string(N),
                   "2D Brusselator (SciMLBenchmarks `Bruss`, `brusselator_2d_loop`) on a " + std::to_string(N) +
                       " x " + std::to_string(N) + " periodic grid, n = " + std::to_string(n) +
                       " states, A = 3.4, B = 1, alpha = 10 / dx^2, forcing from t = 1.1 (a tstop for every "
                       "solver), t in [0, 11.5]; Jacobian " + std::to_string(12 * N * N) +
                       " nonzeros; error = ||u(tf) - ref||_2 / ||ref||_2 (ref: " + ref_text +
                       "); abstol = reltol (the states are O(1))",
                   "relative 2-norm error", 0.0, pr::brusselator_tf, pr::brusselator_u0(N), {}, tols, 1.0};
    b.size = N;
    b.tstops = {pr::brusselator_tstop};
    if (N == 8) b.ref.assign(pr::brusselator8_ref.begin(), pr::brusselator8_ref.end());
    out.push_back(std::move(b));
  }
  for (std::size_t k : {10, 100, 1000}) {
    StiffProblem r{StiffId::RoberScaled, "ROBER x" + std::to_string(k), "rober-k" + std::to_string(k),
                   std::to_string(k) + " independent copies of ROBER stacked into one system, n = " +
                       std::to_string(3 * k) + " states, t in [0, 1e5], abstol = 1e-4 x reltol as for ROBER; error = "
                       "max over all components of |u_i(tf) - ref_i| / |ref_i| (ref: `rober_ref` repeated, resolving "
                       "errors down to ~3e-10 as for ROBER)",
                   "max relative error over the components", 0.0, pr::rober_tf, pr::rober_scaled_u0(k),
                   pr::rober_scaled_ref(k), tols, 1e-4};
    r.size = k;
    out.push_back(std::move(r));
  }
  return out;
}

double stiff_error(const StiffProblem& P, const std::vector<double>& u) {
  if (u.size() != P.ref.size()) return NAN;
  if (P.id == StiffId::Rober || P.id == StiffId::RoberScaled) {
    double e = 0;
    for (std::size_t i = 0; i < u.size(); ++i) e = std::max(e, std::abs(u[i] - P.ref[i]) / std::abs(P.ref[i]));
    return e;
  }
  double num = 0, den = 0;
  for (std::size_t i = 0; i < u.size(); ++i) {
    num += (u[i] - P.ref[i]) * (u[i] - P.ref[i]);
    den += P.ref[i] * P.ref[i];
  }
  return std::sqrt(num / den);
}

namespace {

std::string f(const char* fmt, double x) { return fmtd(fmt, x); }
std::string lnum(long v) { return v >= 0 ? std::to_string(v) : "–"; }
std::string fmt_step(double s) { return !(s > 0) ? "n/a" : s < 1e-5 ? f("%.0f ns", s * 1e9) : fmt_time(s); }

// Checks the analytic Jacobians of stiff.hpp against central differences of the RHS at u0 and at the
// reference state; returns a note for the report.
template <StiffId Id>
std::string check_jacobian(const StiffProblem& P) {
  using K = StiffKernel<Id>;
  double worst = 0;
  for (const auto* pt : {&P.u0, &P.ref}) {
    std::vector<double> u = *pt;
    double J[K::N][K::N];
    K::jac(RawView{u.data()}, [&](std::size_t i, std::size_t j, double v) { J[i][j] = v; });
    for (std::size_t j = 0; j < K::N; ++j) {
      const double h = 1e-6 * std::max(1e-3, std::abs(u[j]));
      std::vector<double> up = u, um = u;
      up[j] += h;
      um[j] -= h;
      const auto fp = K::f(RawView{up.data()}, K::p, 0.0), fm = K::f(RawView{um.data()}, K::p, 0.0);
      for (std::size_t i = 0; i < K::N; ++i) {
        const double d = (fp[i] - fm[i]) / (2 * h);
        worst = std::max(worst, std::abs(d - J[i][j]) / std::max(1.0, std::abs(J[i][j])));
      }
    }
  }
  return P.name + ": analytic Jacobian (CVODE_BDF_jac, SciPy) agrees with central differences of the RHS at u0 and "
                  "at the reference state to " + f("%.1e", worst) + (worst < 1e-5 ? "" : "  ** MISMATCH **");
}

// The large problems' analytic sparse Jacobians (large_problems.hpp) against the library's own machinery: the
// pattern against detect_sparsity (the tracer run of the RHS), the values against sparse_jacobian_ad (AD on
// the colouring), at u0 and at the reference state. Returns a note for the report.
std::string check_jacobian_large(const StiffProblem& P) {
  namespace pr = sciml::problems;
  const LargeSystem sys = large_system(P);
  double worst = 0;
  bool same_pattern = true;
  std::size_t ncolors = 0;
  auto check = [&](const auto& f, const auto& p) {
    for (const auto* pt : {&P.u0, &P.ref}) {
      if (pt->size() != P.n()) continue;
      const std::vector<double>& u = *pt;
      const sciml::SparsityPattern s = sciml::detect_sparsity<true>(f, u, p, 2.0);
      same_pattern = same_pattern && s.row_ptr == sys.pattern.row_ptr && s.col == sys.pattern.col;
      const auto color = sciml::color_columns(sys.pattern);
      ncolors = *std::max_element(color.begin(), color.end()) + 1;
      std::vector<double> ad, an(sys.pattern.nnz());
      sciml::sparse_jacobian_ad<true>(f, u, p, 2.0, sys.pattern, color, ad);
      sys.jac_values(u.data(), an.data());
      for (std::size_t e = 0; e < an.size(); ++e)
        worst = std::max(worst, std::abs(ad[e] - an[e]) / std::max(1.0, std::abs(an[e])));
    }
  };
  if (P.id == StiffId::Bruss) check(pr::brusselator_2d, pr::brusselator_params(P.size));
  else check(pr::rober_scaled, pr::rober_k);
  return P.name + ": analytic sparse Jacobian (" + std::to_string(sys.pattern.nnz()) + " nonzeros; CVODE, SciPy) " +
         (same_pattern ? "has the pattern detect_sparsity finds" : "** differs from detect_sparsity's pattern **") +
         " and agrees with sparse_jacobian_ad (" + std::to_string(ncolors) + " colours) at u0 and at the reference " +
         "state to " + f("%.1e", worst) + (worst < 1e-12 ? "" : "  ** MISMATCH **");
}

// One point of a large problem: a first solve longer than 1 s (or failed) is the timing; faster ones are
// repeated as for the small problems.
Run measure_large(const StiffProblem& P, const Contestant& c, double tol, double min_time, int min_repeats) {
  const auto t0 = Clock::now();
  const Outcome first = c.solve(tol);
  const double t_first = seconds_since(t0);
  Run r;
  r.problem = P.name;
  r.method = c.method;
  r.library = c.library;
  r.tol = tol;
  r.error = first.ok ? stiff_error(P, first.u) : NAN;
  r.time = t_first;
  r.repeats = 1;
  if (first.ok && t_first < 1.0) {
    const Timing tm = time_solve(c.solve, tol, first, min_time, min_repeats);
    r.time = tm.median;
    r.repeats = tm.repeats;
    r.deterministic = tm.deterministic;
  }
  r.nf = first.nf;
  r.steps = first.steps;
  r.rejects = first.rejects;
  r.njac = first.njac;
  r.nlu = first.nlu;
  r.ok = first.ok;
  r.msg = first.msg;
  return r;
}

// SciPy: runs scipy_stiff.py for one problem and turns its RESULT lines into Runs.
std::vector<Run> scipy_runs(const StiffProblem& P, const std::string& python, const std::string& script,
                            double min_time, int min_repeats, std::string& version) {
  std::ostringstream cmd;
  cmd << "'" << python << "' '" << script << "' " << P.key << " " << f("%.17g", P.abstol_factor) << " " << min_time
      << " " << min_repeats;
  for (double t : P.tols) cmd << " " << f("%.0e", t);
  if (P.large()) cmd << " --budget " << P.budget_s << " --dense-max " << cvode_dense_max;
  std::vector<Run> out;
  FILE* p = popen(cmd.str().c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::string line;
  while (std::fgets(buf, sizeof buf, p)) {
    line += buf;  // a RESULT line of a large problem holds the whole state: gather it
    if (line.back() != '\n' && !std::feof(p)) continue;
    std::istringstream in(line);
    line.clear();
    std::string tag;
    in >> tag;
    if (tag == "VERSION") {
      std::string sv, nv, pv;
      in >> sv >> nv >> pv;
      version = "SciPy " + sv + " (NumPy " + nv + ", Python " + pv + ")";
      continue;
    }
    if (tag == "SKIP") {
      Run r;
      std::string key, reason, w;
      in >> key >> r.method >> r.tol;
      while (in >> w) reason += (reason.empty() ? "" : " ") + w;
      r.problem = P.name;
      r.library = "SciPy";
      r.ok = false;
      r.error = NAN;
      r.nf = r.steps = 0;
      r.msg = "skipped from here on: " + reason;
      std::fprintf(stderr, "  %-6s %-28s tol %.0e  %s\n", P.name.c_str(), r.label().c_str(), r.tol, r.msg.c_str());
      out.push_back(std::move(r));
      continue;
    }
    if (tag != "RESULT") continue;
    Run r;
    std::string key;
    int ok = 0;
    in >> key >> r.method >> r.tol >> r.time >> r.repeats >> r.nf >> r.njac >> r.nlu >> r.steps >> ok;
    std::vector<double> u;
    double x;
    while (in >> x) u.push_back(x);
    r.problem = P.name;
    r.library = "SciPy";
    r.ok = ok != 0;
    r.error = r.ok ? stiff_error(P, u) : NAN;
    if (!r.ok) r.msg = "solve_ivp failed";
    std::fprintf(stderr, "  %-6s %-28s tol %.0e  error %.2e  time %.3e s  nf %7ld  njac %5ld  steps %6ld\n",
                 P.name.c_str(), r.label().c_str(), r.tol, r.error, r.time, r.nf, r.njac, r.steps);
    out.push_back(std::move(r));
  }
  const int rc = pclose(p);
  if (rc != 0) std::cerr << "bench_stiff: scipy_stiff.py exited with status " << rc << "\n";
  return out;
}

void wp_table(std::ostream& o, const StiffProblem& P, const std::vector<Run>& runs) {
  o << "| tol | method | error | time | nf | njac | LU | steps | rejected | time/step |\n"
       "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::vector<const Run*> rs;
  for (const auto& r : runs)
    if (r.problem == P.name) rs.push_back(&r);
  std::stable_sort(rs.begin(), rs.end(), [](const Run* a, const Run* b) {
    if (a->tol != b->tol) return a->tol > b->tol;
    return a->ours() && !b->ours();
  });
  for (const Run* r : rs) {
    if (!r->ok && r->msg.rfind("skipped", 0) == 0) {  // a contestant's tolerances left out (large problems)
      o << "| " << f("%.0e", r->tol) << " | " << r->label() << " | – | – | – | – | – | – | – | – | " << r->msg << "\n";
      continue;
    }
    const double tps = r->steps > 0 ? r->time / double(r->steps + std::max(0L, r->rejects)) : NAN;
    o << "| " << f("%.0e", r->tol) << " | " << (r->ours() ? "**" + r->label() + "**" : r->label()) << " | "
      << fmt_err(r->error) << " | " << fmt_time(r->time) << " | " << r->nf << " | " << lnum(r->njac) << " | "
      << lnum(r->nlu) << " | " << r->steps << " | " << lnum(r->rejects) << " | " << fmt_step(tps) << " |";
    if (!r->ok) o << " FAILED: " << r->msg;
    if (!r->deterministic) o << " (repeats differed!)";
    o << "\n";
  }
}

std::vector<Run> only_vs(const std::vector<Run>& runs, const std::string& library) {
  std::vector<Run> out;
  for (const auto& r : runs)
    if (r.ours() || r.library == library) out.push_back(r);
  return out;
}

struct Worst {
  double worst = NAN, best = NAN, ew = 0, eb = 0, hi = 0, lo = 0;
  int n = 0, met = 0;
};
Worst summarize(const std::vector<Level>& ls, double target) {
  Worst w;
  for (const Level& l : ls) {
    const double r = l.t_theirs / l.t_ours;
    if (std::isnan(r)) continue;
    if (w.n == 0) w.hi = l.e;
    w.lo = l.e;
    ++w.n;
    if (r >= target) ++w.met;
    if (std::isnan(w.worst) || r < w.worst) w.worst = r, w.ew = l.e;
    if (std::isnan(w.best) || r > w.best) w.best = r, w.eb = l.e;
  }
  return w;
}

void speedup_table(std::ostream& o, const std::vector<Level>& ls, double target) {
  o << "| error | our fastest | time | fastest competitor | time | ratio |\n|---:|---|---:|---|---:|---:|\n";
  for (const Level& l : ls) {
    const double ratio = l.t_theirs / l.t_ours;
    o << "| " << f("%.0e", l.e) << " | " << (l.ours.empty() ? "n/a" : l.ours) << " | " << fmt_time(l.t_ours) << " | "
      << (l.theirs.empty() ? "n/a" : l.theirs) << " | " << fmt_time(l.t_theirs) << " | "
      << (std::isnan(ratio) ? "n/a" : (ratio >= target ? "**" + fmt_ratio(ratio) + "**" : fmt_ratio(ratio) + " ✗"))
      << " |\n";
  }
}

void report(const std::vector<StiffProblem>& problems, const std::vector<Run>& runs,
            const std::vector<std::string>& notes, const std::vector<std::string>& large_notes,
            const std::string& versions, const std::string& command, const std::string& md_path,
            const std::string& csv_dir) {
  const MachineInfo m = machine_info(SCIML_BENCH_SOURCE_DIR);
  std::ostringstream o;
  o << "# Stiff benchmark: sciml.cpp against SUNDIALS CVODE and SciPy\n\n";
  o << "| | |\n|---|---|\n";
  o << "| Machine | " << m.cpu << ", " << m.cores << " cores |\n";
  o << "| Compiler | " << m.compiler << "; flags `" << SCIML_BENCH_FLAGS
    << "` for sciml.cpp and for the right-hand sides and Jacobians CVODE calls |\n";
  o << "| sciml.cpp | commit " << m.commit << " |\n";
  o << "| Competitors | " << versions << " |\n";
  o << "| Date | " << m.date << " |\n";
  o << "| Reproduce | `" << command << "` |\n\n";
  o << "Every contestant solves the same problems (the right-hand sides of `tests/common/problems.hpp`; SciPy: "
       "the same formulas in NumPy) with reltol = tol and abstol = 1e-4 x tol, from t0 to tf, keeping only the "
       "final state (the large problems below state their own abstol). sciml.cpp: Rosenbrock23, Rodas4, Rodas5P "
       "(Rosenbrock), TRBDF2, KenCarp4, Kvaerno5 (SDIRK, Newton with Jacobian reuse), FBDF (variable-order BDF) "
       "and RadauIIA5 on `SVector` states, Jacobian by forward-mode AD (`_jac`: the analytic Jacobian through "
       "`ODEFunction`), `save_everystep = false`. CVODE: `CV_BDF`, Newton iteration with `SUNLinSol_Dense` + "
       "`SUNDenseMatrix`, "
       "stop time tf; `CVODE_BDF` uses CVODE's difference-quotient Jacobian, `CVODE_BDF_jac` an analytic one. "
       "SciPy: `solve_ivp` (Radau, BDF, LSODA) with the analytic `jac`, timed inside Python with "
       "`time.perf_counter` (interpreter overhead included: this is what a SciPy user gets). Time: median over "
       "repeats (at least 3, and at least 0.2 s in all), setup included. nf: right-hand-side calls (CVODE: "
       "including the difference-quotient Jacobian's; sciml.cpp: the AD Jacobian's dual-number call is not an "
       "nf); njac: Jacobian evaluations; LU: factorisations (CVODE: linear-solver setups; sciml.cpp: `stats.nw`); "
       "steps: accepted steps; rejected: error-test + convergence failures (SciPy does not report them); "
       "time/step: time / (steps + rejected). Speed-ups compare times at equal error by log-log interpolation "
       "along each method's work-precision curve, a point at least as accurate counting as reaching that error in "
       "its time (the rule of docs/benchmarks.md).\n\n";
  for (const auto& n : notes) o << "- " << n << "\n";
  const bool any_large =
      std::any_of(problems.begin(), problems.end(), [](const StiffProblem& P) { return P.large(); });
  if (any_large) {
    o << "\n**Large systems** (`tests/common/large_problems.hpp`): the 2D Brusselator for N = 8, 32, 128 (n = 2 N^2 = "
         "128, 2048, 32768; reltol = tol, abstol = tol: the states are O(1)) and ROBER stacked k = 10, 100, 1000 "
         "times (n = 3k; abstol = 1e-4 x tol as for ROBER; k = 1 is ROBER above). Every solver steps onto t = 1.1, "
         "where the Brusselator's forcing switches on (CVODE: `CVodeSetStopTime(1.1)`, then tf; sciml.cpp: "
         "`tstops`; SciPy: two `solve_ivp` calls, [0, 1.1] and [1.1, 11.5], counters summed). CVODE: `CV_BDF` with "
         "the analytic Jacobian, `CVODE_BDF_KLU` in a `SUNSparseMatrix` (CSR, the diagonal added where the "
         "pattern lacks it) solved by `SUNLinSol_KLU`, `CVODE_BDF_jac` in a dense matrix with `SUNLinSol_Dense` "
         "(only where n <= " << cvode_dense_max << "). SciPy: Radau and BDF with the analytic Jacobian as a "
         "`scipy.sparse` CSC matrix (SuperLU); LSODA takes no sparse Jacobian: the banded one (lband = 1, uband = 2) "
         "for stacked ROBER, the dense one for the Brusselator where n <= " << cvode_dense_max << " (its band "
         "would be N^2 wide), else not run. A solve slower than 1 s is timed once (no repeats). Time budget: a "
         "solve is abandoned after " << f("%.0f", problems.back().budget_s) << " s, and a contestant's tighter "
         "tolerances are skipped after a solve that was abandoned or took more than half the budget (the tighter "
         "one would most likely run over); the tables mark where.\n\n";
    for (const auto& n : large_notes) o << "- " << n << "\n";
  }
  o << "\n## Summary\n\nOur fastest method over the fastest competitor, and over the faster CVODE variant (target: "
       ">= 5 at every error level), at equal error, over the error decades both sides reach:\n\n"
       "| problem | against | levels compared | worst ratio | best ratio | levels with ratio >= 5 |\n"
       "|---|---|---|---:|---:|---:|\n";
  for (const auto& P : problems) {
    if (std::none_of(runs.begin(), runs.end(), [&](const Run& r) { return r.problem == P.name && r.ours(); })) {
      o << "| " << P.name << " | – | no sciml.cpp contestant yet | | | |\n";
      continue;
    }
    for (const std::string vs : {"all", "SUNDIALS"}) {
      const std::vector<Run> sub = vs == "all" ? runs : only_vs(runs, vs);
      const Worst w = summarize(levels(curves_of(sub, P.name)), 5);
      o << "| " << P.name << " | " << (vs == "all" ? "fastest competitor" : "CVODE") << " | " << f("%.0e", w.hi)
        << " ... " << f("%.0e", w.lo) << " | " << fmt_ratio(w.worst) << " (at " << f("%.0e", w.ew) << ") | "
        << fmt_ratio(w.best) << " (at " << f("%.0e", w.eb) << ") | " << w.met << " of " << w.n << " |\n";
    }
  }
  o << "\n";
  for (const auto& P : problems) {
    o << "## " << P.name << "\n\n" << P.summary << ".\n\n";
    wp_table(o, P, runs);
    if (std::none_of(runs.begin(), runs.end(), [&](const Run& r) { return r.problem == P.name && r.ours(); })) {
      o << "\nNo sciml.cpp contestant on this problem yet (see the notes above): no speed-ups.\n\n";
      continue;
    }
    o << "\n**Speed-up against the fastest competitor at equal error** (competitor time / our time):\n\n";
    speedup_table(o, levels(curves_of(runs, P.name)), 5);
    o << "\n**Speed-up against CVODE at equal error** (the fastest CVODE variant; target >= 5):\n\n";
    speedup_table(o, levels(curves_of(only_vs(runs, "SUNDIALS"), P.name)), 5);
    double best_cvode = NAN, best_ours = NAN;
    for (const auto& r : runs)
      if (r.problem == P.name && r.ok) {
        double& b = r.ours() ? best_ours : best_cvode;
        if (!r.ours() && r.library != "SUNDIALS") continue;
        if (std::isnan(b) || r.error < b) b = r.error;
      }
    o << "\nn/a: that side has no point this accurate (CVODE's most accurate point: " << fmt_err(best_cvode)
      << "; ours: " << fmt_err(best_ours) << "). A level looser than our loosest point (tol 1e-4) is charged our tol "
                                              "1e-4 time.\n\n";
  }
  o << "CSV: `bench/results/stiff_*.csv`.\n";
  std::cout << o.str() << std::flush;
  if (!md_path.empty()) {
    std::ofstream out(md_path);
    out << o.str();
    if (!out) std::cerr << "bench_stiff: cannot write " << md_path << "\n";
  }
  if (csv_dir.empty()) return;
  std::system(("mkdir -p '" + csv_dir + "'").c_str());
  for (const auto& P : problems) {
    std::ofstream c(csv_dir + "/stiff_" + P.key + ".csv");
    c << "problem,library,method,tol,error,time_s,repeats,nf,njac,nlu,steps,rejects,ok,deterministic\n";
    for (const auto& r : runs) {
      if (r.problem != P.name) continue;
      char buf[512];
      std::snprintf(buf, sizeof buf, "%s,%s,%s,%.0e,%.6e,%.6e,%d,%ld,%ld,%ld,%ld,%ld,%d,%d\n", P.key.c_str(),
                    r.library.c_str(), r.method.c_str(), r.tol, r.error, r.time, r.repeats, r.nf, r.njac, r.nlu,
                    r.steps, r.rejects, int(r.ok), int(r.deterministic));
      c << buf;
    }
  }
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  std::string out_md, csv_dir = "bench/results", only, only_tols, python = "/usr/bin/python3";
  const std::string script = std::string(SCIML_BENCH_SOURCE_DIR) + "/bench/stiff/scipy_stiff.py";
  double min_time = 0.2, budget = 60;
  int min_repeats = 3;
  bool scipy = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_stiff: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--out") out_md = next();
    else if (a == "--csv") csv_dir = next();
    else if (a == "--min-time") min_time = std::stod(next());
    else if (a == "--min-repeats") min_repeats = std::stoi(next());
    else if (a == "--only") only = next();
    else if (a == "--tols") only_tols = next();
    else if (a == "--budget") budget = std::stod(next());
    else if (a == "--no-scipy") scipy = false;
    else if (a == "--python") python = next();
    else {
      std::cerr << "usage: bench_stiff [--out FILE.md] [--csv DIR] [--min-time S] [--min-repeats N] "
                   "[--only KEY[,KEY...]] [--tols 1e-6,1e-8] [--budget S] [--no-scipy] [--python EXE]\n"
                   "keys: rober hires bruss-n8 bruss-n32 bruss-n128 rober-k10 rober-k100 rober-k1000\n";
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  // As bench_nonstiff: keep freed memory in the process so no solve pays page faults for an earlier one's frees.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  std::string command = "make bench  (runs bench_stiff";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  command += ")";
  const auto t_start = Clock::now();

  std::vector<StiffProblem> problems = make_stiff_problems();
  auto split = [](const std::string& list) {
    std::vector<std::string> out;
    std::istringstream in(list);
    for (std::string w; std::getline(in, w, ',');)
      if (!w.empty()) out.push_back(w);
    return out;
  };
  if (!only.empty()) {
    const auto keys = split(only);
    std::erase_if(problems,
                  [&](const StiffProblem& p) { return std::find(keys.begin(), keys.end(), p.key) == keys.end(); });
  }
  if (!only_tols.empty()) {
    std::vector<double> ts;
    for (const auto& w : split(only_tols)) ts.push_back(std::stod(w));
    for (auto& P : problems) P.tols = ts;
  }
  for (auto& P : problems)
    if (P.large()) P.budget_s = budget;
  std::vector<std::string> notes, large_notes;
  // References of the large Brusselators: CVODE + KLU now, at rtol 1e-14 for N = 32 (seconds) and 1e-12 for
  // N = 128 (minutes); the 1e-12 recipe on N = 8 against the test reference tells how far that one can be trusted.
  for (auto& P : problems) {
    if (P.id != StiffId::Bruss || !P.ref.empty()) continue;
    const auto t0 = Clock::now();
    const double rrt = P.size <= 32 ? 1e-14 : 1e-12;
    P.ref = cvode_large_reference(P, rrt, rrt * 1e-2);
    const double dt = seconds_since(t0);
    std::fprintf(stderr, "  reference for %s: CVODE + KLU at rtol %.0e in %.1f s\n", P.name.c_str(), rrt, dt);
    if (P.ref.empty()) {
      std::cerr << "bench_stiff: the reference solve for " << P.name << " failed\n";
      return 1;
    }
    static double off8 = NAN;
    if (std::isnan(off8))
      for (const auto& p8 : make_stiff_problems())
        if (p8.key == "bruss-n8") off8 = stiff_error(p8, cvode_large_reference(p8, 1e-12, 1e-14));
    large_notes.push_back(P.name + ": reference by CVODE BDF + KLU (analytic Jacobian) at rtol " + f("%.0e", rrt) +
                          ", atol " + f("%.0e", rrt * 1e-2) + ", computed at the start of this run (" + f("%.1f", dt) +
                          " s); the rtol 1e-12 recipe on N = 8 is off the test reference `brusselator8_ref` by " +
                          f("%.1e", off8) + " (relative 2-norm)" +
                          (P.size <= 32 ? "; rtol 1e-14 is ~100x closer" : ", about the smallest error this reference resolves"));
  }
  for (const auto& P : problems) {
    if (P.large()) large_notes.push_back(check_jacobian_large(P));
    else with_stiff(P.id, [&](auto id) { notes.push_back(check_jacobian<decltype(id)::value>(P)); });
  }

  std::vector<Run> runs;
  std::string scipy_version = "SciPy: not run (--no-scipy)";
  for (const auto& P : problems) {
    if (P.large()) {
      std::vector<Contestant> cs = sciml_large_contestants(P);
      for (auto& c : cvode_large_contestants(P)) cs.push_back(std::move(c));
      std::vector<bool> dropped(cs.size(), false);
      for (std::size_t it = 0; it < P.tols.size(); ++it) {
        const double tol = P.tols[it];
        for (std::size_t ci = 0; ci < cs.size(); ++ci) {
          if (dropped[ci]) continue;
          Run r = measure_large(P, cs[ci], tol, min_time, min_repeats);
          if (!r.ok && r.msg.rfind("over budget", 0) == 0) {
            r.msg = "skipped from here on: the solve ran over the " + f("%.0f", P.budget_s) + " s budget (abandoned)";
            dropped[ci] = true;
          }
          std::fprintf(stderr, "  %-6s %-28s tol %.0e  error %.2e  time %.3e s  nf %7ld  njac %5ld  steps %6ld%s%s\n",
                       P.name.c_str(), r.label().c_str(), tol, r.error, r.time, r.nf, r.njac, r.steps,
                       r.ok ? "" : ("  " + r.msg).c_str(), r.deterministic ? "" : "  NONDETERMINISTIC");
          const bool slow = r.ok && r.time > 0.5 * P.budget_s;  // the next, tighter tol would likely run over
          runs.push_back(std::move(r));
          if (slow && it + 1 < P.tols.size()) {
            Run s;
            s.problem = P.name;
            s.method = cs[ci].method;
            s.library = cs[ci].library;
            s.tol = P.tols[it + 1];
            s.ok = false;
            s.msg = "skipped from here on: the tol " + f("%.0e", tol) + " solve took " +
                    f("%.0f", runs.back().time) + " s, over half the " + f("%.0f", P.budget_s) + " s budget";
            runs.push_back(std::move(s));
            dropped[ci] = true;
          }
        }
      }
      if (scipy) {
        std::string v;
        for (auto& r : scipy_runs(P, python, script, min_time, min_repeats, v)) runs.push_back(std::move(r));
        if (!v.empty()) scipy_version = v;
      }
      continue;
    }
    std::vector<Contestant> cs = sciml_stiff_contestants(P);
    for (auto& c : cvode_stiff_contestants(P)) cs.push_back(std::move(c));
    for (double tol : P.tols) {
      for (const auto& c : cs) {
        Run r = measure_run(
            P.name, c, tol, [&](const std::vector<double>& u) { return stiff_error(P, u); }, min_time, min_repeats);
        std::fprintf(stderr, "  %-6s %-28s tol %.0e  error %.2e  time %.3e s  nf %7ld  njac %5ld  steps %6ld%s%s\n",
                     P.name.c_str(), r.label().c_str(), tol, r.error, r.time, r.nf, r.njac, r.steps,
                     r.ok ? "" : ("  FAILED: " + r.msg).c_str(), r.deterministic ? "" : "  NONDETERMINISTIC");
        runs.push_back(std::move(r));
      }
    }
    if (scipy) {
      std::string v;
      for (auto& r : scipy_runs(P, python, script, min_time, min_repeats, v)) runs.push_back(std::move(r));
      if (!v.empty()) scipy_version = v;
      else scipy_version = "SciPy: " + python + " " + script + " gave no version line";
    }
  }
  std::fprintf(stderr, "benchmark took %.0f s\n", seconds_since(t_start));
  const std::string versions = "SUNDIALS " + sundials_stiff_version() + " (Debian's shared libraries), " +
                               scipy_version + " (Debian's python3-scipy)";
  large_notes.push_back(sciml_large_note());
  report(problems, runs, notes, large_notes, versions, command, out_md, csv_dir);
  return 0;
}
