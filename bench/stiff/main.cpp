// bench_stiff: races sciml.cpp's stiff methods (Rosenbrock, SDIRK, RadauIIA5) against SUNDIALS CVODE
// BDF (dense Newton; difference-quotient and analytic Jacobian) and SciPy's solve_ivp Radau/BDF/LSODA (run
// as a subprocess, bench/stiff/scipy_stiff.py, timed inside Python) on ROBER and HIRES, in one run; prints
// work-precision tables with nf / njac / LU / steps / time per step, speed-ups at equal error against the
// fastest competitor and against CVODE, and writes them as markdown (--out) and CSV (--csv).
//
//   bench_stiff [--out FILE.md] [--csv DIR] [--min-time S] [--min-repeats N] [--only rober|hires]
//               [--no-scipy] [--python EXE]
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
  return {rober, hires};
}

double stiff_error(const StiffProblem& P, const std::vector<double>& u) {
  if (u.size() != P.ref.size()) return NAN;
  if (P.id == StiffId::Rober) {
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

// SciPy: runs scipy_stiff.py for one problem and turns its RESULT lines into Runs.
std::vector<Run> scipy_runs(const StiffProblem& P, const std::string& python, const std::string& script,
                            double min_time, int min_repeats, std::string& version) {
  std::ostringstream cmd;
  cmd << "'" << python << "' '" << script << "' " << P.key << " " << f("%.17g", P.abstol_factor) << " " << min_time
      << " " << min_repeats;
  for (double t : P.tols) cmd << " " << f("%.0e", t);
  std::vector<Run> out;
  FILE* p = popen(cmd.str().c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    std::istringstream in(buf);
    std::string tag;
    in >> tag;
    if (tag == "VERSION") {
      std::string sv, nv, pv;
      in >> sv >> nv >> pv;
      version = "SciPy " + sv + " (NumPy " + nv + ", Python " + pv + ")";
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

void report(const std::vector<StiffProblem>& problems, const std::vector<Run>& runs, const std::vector<std::string>& notes,
            const std::string& versions, const std::string& command, const std::string& md_path,
            const std::string& csv_dir) {
  const MachineInfo m = machine_info(SCIML_BENCH_SOURCE_DIR);
  std::ostringstream o;
  o << "# Stiff benchmark (small systems): sciml.cpp against SUNDIALS CVODE and SciPy\n\n";
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
       "final state. sciml.cpp: Rosenbrock23, Rodas4, Rodas5P (Rosenbrock), TRBDF2 (SDIRK, "
       "Newton with Jacobian reuse) and RadauIIA5 on `SVector` states, Jacobian by forward-mode AD (`_jac`: the "
       "analytic Jacobian through `ODEFunction`), `save_everystep = false`. CVODE: `CV_BDF`, Newton iteration with `SUNLinSol_Dense` + `SUNDenseMatrix`, "
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
  o << "\n## Summary\n\nOur fastest method over the fastest competitor, and over the faster CVODE variant (target: "
       ">= 5 at every error level), at equal error, over the error decades both sides reach:\n\n"
       "| problem | against | levels compared | worst ratio | best ratio | levels with ratio >= 5 |\n"
       "|---|---|---|---:|---:|---:|\n";
  for (const auto& P : problems) {
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
    o << "\n**Speed-up against the fastest competitor at equal error** (competitor time / our time):\n\n";
    speedup_table(o, levels(curves_of(runs, P.name)), 5);
    o << "\n**Speed-up against CVODE at equal error** (faster of CVODE_BDF and CVODE_BDF_jac; target >= 5):\n\n";
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
  std::string out_md, csv_dir = "bench/results", only, python = "/usr/bin/python3";
  const std::string script = std::string(SCIML_BENCH_SOURCE_DIR) + "/bench/stiff/scipy_stiff.py";
  double min_time = 0.2;
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
    else if (a == "--no-scipy") scipy = false;
    else if (a == "--python") python = next();
    else {
      std::cerr << "usage: bench_stiff [--out FILE.md] [--csv DIR] [--min-time S] [--min-repeats N] "
                   "[--only rober|hires] [--no-scipy] [--python EXE]\n";
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
  if (!only.empty()) std::erase_if(problems, [&](const StiffProblem& p) { return p.key != only; });
  std::vector<std::string> notes;
  for (const auto& P : problems)
    with_stiff(P.id, [&](auto id) { notes.push_back(check_jacobian<decltype(id)::value>(P)); });

  std::vector<Run> runs;
  std::string scipy_version = "SciPy: not run (--no-scipy)";
  for (const auto& P : problems) {
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
  report(problems, runs, notes, versions, command, out_md, csv_dir);
  return 0;
}
