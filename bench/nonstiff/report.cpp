// Reporting: work-precision tables, speed-ups at equal error, the overhead table, the header naming the
// machine, compiler and commit, the markdown file and the CSV files the plot script reads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include "bench.hpp"

#ifndef SCIML_BENCH_SOURCE_DIR
#define SCIML_BENCH_SOURCE_DIR "."
#endif
#ifndef SCIML_BENCH_FLAGS
#define SCIML_BENCH_FLAGS "?"
#endif

namespace bench {
namespace {

std::string f(const char* fmt, double x) { return fmtd(fmt, x); }

void summary_table(std::ostream& o, const std::vector<Problem>& problems, const std::vector<Run>& runs) {
  o << "## Summary\n\nSpeed-up of our fastest method over the fastest competitor at equal error (competitor time / "
       "our time; target >= 2 at every error level), over the error decades both reach:\n\n"
       "| problem | levels compared | worst ratio | best ratio | levels with ratio >= 2 |\n|---|---|---:|---:|---:|\n";
  for (const auto& P : problems) {
    const Curves c = curves_of(runs, P.name);
    if (!P.has_error()) {
      double ours = NAN, theirs = NAN;
      for (const auto& r : runs) {
        if (r.problem != P.name || !r.ok) continue;
        double& b = r.ours() ? ours : theirs;
        if (std::isnan(b) || r.time < b) b = r.time;
      }
      o << "| " << P.name << " | same tolerance (no error) | " << fmt_ratio(theirs / ours) << " | "
        << fmt_ratio(theirs / ours) << " | " << (theirs / ours >= 2 ? "1 of 1" : "0 of 1") << " |\n";
      continue;
    }
    double worst = NAN, best = NAN, ew = 0, eb = 0, lo = 0, hi = 0;
    int n = 0, met = 0;
    for (const Level& l : levels(c)) {
      const double r = l.t_theirs / l.t_ours;
      if (std::isnan(r)) continue;
      if (n == 0) hi = l.e;
      lo = l.e;
      ++n;
      if (r >= 2) ++met;
      if (std::isnan(worst) || r < worst) worst = r, ew = l.e;
      if (std::isnan(best) || r > best) best = r, eb = l.e;
    }
    o << "| " << P.name << " | " << f("%.0e", hi) << " ... " << f("%.0e", lo) << " | " << fmt_ratio(worst) << " (at "
      << f("%.0e", ew) << ") | " << fmt_ratio(best) << " (at " << f("%.0e", eb) << ") | " << met << " of " << n
      << " |\n";
  }
  o << "\n";
}

void work_precision_table(std::ostream& o, const Problem& P, const std::vector<Run>& runs) {
  o << "| tol | method | error | time | nf | steps | rejected |\n|---:|---|---:|---:|---:|---:|---:|\n";
  std::vector<const Run*> rs;
  for (const auto& r : runs)
    if (r.problem == P.name) rs.push_back(&r);
  std::stable_sort(rs.begin(), rs.end(), [](const Run* a, const Run* b) {
    if (a->tol != b->tol) return a->tol > b->tol;
    return a->ours() && !b->ours();
  });
  for (const Run* r : rs) {
    o << "| " << f("%.0e", r->tol) << " | " << (r->ours() ? "**" + r->label() + "**" : r->label()) << " | "
      << fmt_err(r->error) << " | " << fmt_time(r->time) << " | " << r->nf << " | " << r->steps << " | "
      << (r->rejects >= 0 ? std::to_string(r->rejects) : "–") << " |";
    if (!r->ok) o << " FAILED: " << r->msg;
    if (!r->deterministic) o << " (repeats differed!)";
    o << "\n";
  }
}

void speedup_tables(std::ostream& o, const Problem& P, const std::vector<Run>& runs) {
  const Curves c = curves_of(runs, P.name);
  if (!P.has_error()) {
    // Timing only: compare at the same tolerance.
    double ours = NAN, theirs = NAN;
    std::string ow, tw;
    for (const auto& r : runs) {
      if (r.problem != P.name || !r.ok) continue;
      double& b = r.ours() ? ours : theirs;
      if (std::isnan(b) || r.time < b) {
        b = r.time;
        (r.ours() ? ow : tw) = r.label();
      }
    }
    o << "\nNo error (chaotic): at the same tolerance, fastest competitor " << tw << " " << fmt_time(theirs)
      << " / our fastest " << ow << " " << fmt_time(ours) << " = **" << fmt_ratio(theirs / ours) << "**\n";
    return;
  }
  o << "\n**Speed-up against the fastest competitor at equal error** (ratio = competitor time / our time, "
       "> 1: sciml.cpp is faster; target >= 2):\n\n";
  o << "| error | our fastest | time | fastest competitor | time | ratio |\n|---:|---|---:|---|---:|---:|\n";
  for (const Level& l : levels(c)) {
    const double ratio = l.t_theirs / l.t_ours;
    o << "| " << f("%.0e", l.e) << " | " << (l.ours.empty() ? "n/a" : l.ours) << " | " << fmt_time(l.t_ours) << " | "
      << (l.theirs.empty() ? "n/a" : l.theirs) << " | " << fmt_time(l.t_theirs) << " | "
      << (std::isnan(ratio) ? "n/a" : (ratio >= 2 ? "**" + fmt_ratio(ratio) + "**" : fmt_ratio(ratio) + " ✗"))
      << " |\n";
  }
  o << "\n<details><summary>Each competitor point against our fastest method at its error</summary>\n\n";
  o << "| competitor | tol | error | its time | our fastest at that error | our time | ratio |\n"
       "|---|---:|---:|---:|---|---:|---:|\n";
  for (const auto& [label, curve] : c.theirs) {
    for (const Run* r : curve) {
      const auto [to, wo] = r->ok ? fastest_at(c.ours, r->error) : std::pair<double, std::string>{NAN, ""};
      o << "| " << label << " | " << f("%.0e", r->tol) << " | " << fmt_err(r->error) << " | " << fmt_time(r->time)
        << " | " << (wo.empty() ? "n/a" : wo) << " | " << fmt_time(to) << " | " << fmt_ratio(r->time / to) << " |\n";
    }
  }
  o << "\n</details>\n";
}

void overhead_table(std::ostream& o, const std::vector<OverheadRow>& rows) {
  o << "| problem | method | tol | RHS call | time per step | RHS calls per step s | ratio | target (s+1)/s | "
       "RHS call, chained | ratio, chained |\n"
       "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : rows) {
    o << "| " << r.problem << " | " << r.method << " | " << f("%.0e", r.tol) << " | " << f("%.2f ns", r.t_rhs * 1e9)
      << " | " << f("%.1f ns", r.t_step * 1e9) << " | " << f("%.2f", r.f_per_step) << " | "
      << (r.ratio <= r.target ? "**" + f("%.2f", r.ratio) + "**" : f("%.2f", r.ratio) + " ✗") << " | "
      << f("%.3f", r.target) << " | " << f("%.2f ns", r.t_rhs_chain * 1e9) << " | " << f("%.2f", r.ratio_chain)
      << " |\n";
  }
}

void write_csv(const std::vector<Problem>& problems, const std::vector<Run>& runs,
               const std::vector<OverheadRow>& overhead, const std::string& dir) {
  if (dir.empty()) return;
  std::system(("mkdir -p '" + dir + "'").c_str());
  for (const auto& P : problems) {
    std::ofstream o(dir + "/" + P.key + ".csv");
    o << "problem,library,method,tol,error,time_s,repeats,nf,steps,rejects,ok,deterministic\n";
    for (const auto& r : runs) {
      if (r.problem != P.name) continue;
      char buf[512];
      std::snprintf(buf, sizeof buf, "%s,%s,%s,%.0e,%.6e,%.6e,%d,%ld,%ld,%ld,%d,%d\n", P.key.c_str(),
                    r.library.c_str(), r.method.c_str(), r.tol, r.error, r.time, r.repeats, r.nf, r.steps,
                    r.rejects, int(r.ok), int(r.deterministic));
      o << buf;
    }
  }
  std::ofstream o(dir + "/overhead.csv");
  o << "problem,method,tol,t_rhs_s,t_step_s,f_per_step,ratio,target,t_rhs_chain_s,ratio_chain\n";
  for (const auto& r : overhead) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s,%s,%.0e,%.6e,%.6e,%.4f,%.4f,%.4f,%.6e,%.4f\n", r.problem.c_str(),
                  r.method.c_str(), r.tol, r.t_rhs, r.t_step, r.f_per_step, r.ratio, r.target, r.t_rhs_chain,
                  r.ratio_chain);
    o << buf;
  }
}

}  // namespace

Machine describe_machine(int argc, char** argv) {
  Machine m;
  const MachineInfo mi = machine_info(SCIML_BENCH_SOURCE_DIR);
  m.cpu = mi.cpu;
  m.cores = mi.cores;
  m.compiler = mi.compiler;
  m.commit = mi.commit;
  m.date = mi.date;
  m.command = "make bench";
  std::string args;
  for (int i = 1; i < argc; ++i) args += std::string(" ") + argv[i];
  m.command += "  (runs bench_nonstiff" + args + ")";
  m.flags = SCIML_BENCH_FLAGS;
  m.versions = "Boost " + boost_version() + " (Odeint, header-only: compiled with the flags above), GSL " +
               gsl_version() + " and SUNDIALS " + sundials_version() +
               " (Debian's shared libraries; their right-hand sides compiled with the flags above)";
  return m;
}

void print_tables(const std::vector<Problem>& problems, const std::vector<Run>& runs,
                  const std::vector<OverheadRow>& overhead, const Machine& m, const ReferenceCheck& refs,
                  const std::string& md_path, const std::string& csv_dir, const std::string& img_rel) {
  std::ostringstream o;
  o << "# Non-stiff benchmark: sciml.cpp against Boost.Odeint, GSL and SUNDIALS CVODE\n\n";
  o << "| | |\n|---|---|\n";
  o << "| Machine | " << m.cpu << ", " << m.cores << " cores |\n";
  o << "| Compiler | " << m.compiler << "; flags `" << m.flags << "` for every contestant |\n";
  o << "| sciml.cpp | commit " << m.commit << " |\n";
  o << "| Competitors | " << m.versions << " |\n";
  o << "| Memory | " << m.memory << " |\n";
  o << "| Date | " << m.date << " |\n";
  o << "| Reproduce | `" << m.command << "` |\n\n";
  o << "All contestants solve the same problems (the right-hand sides of `tests/common/problems.hpp`, called "
       "through each library's interface) with relative = absolute tolerance = tol, from t0 to tf, keeping only "
       "the final state. sciml.cpp: `save_everystep = false`. Boost.Odeint: `make_controlled` + "
       "`integrate_adaptive` (dopri5, fehlberg78) and `bulirsch_stoer`. GSL: `gsl_odeiv2_driver` with y-control. "
       "CVODE: `CV_ADAMS` with `SUNNonlinSol_FixedPoint`, stop time tf. Error: ||u(tf) - ref||_2 / ||ref||_2. "
       "Time: median over repeats (at least 3, and at least 0.2 s in all), setup and teardown included. "
       "nf: right-hand-side calls; steps: accepted steps; rejected: as the solver reports them (– : not "
       "reported). Speed-ups compare times at equal error by log-log interpolation along each method's "
       "work-precision curve, where a point at least as accurate counts as reaching that error in its time (n/a: no "
       "point of that side is that accurate).\n\n";
  for (const auto& note : refs.notes) o << "- " << note << "\n";
  o << "\n";
  summary_table(o, problems, runs);
  for (const auto& P : problems) {
    o << "## " << P.name << "\n\n" << P.summary << ".\n\n";
    o << "![work-precision " << P.name << "](" << img_rel << "/wp_" << P.key << ".png)\n\n";
    work_precision_table(o, P, runs);
    speedup_tables(o, P, runs);
    o << "\n";
  }
  o << "## Overhead per step (small systems)\n\n"
       "ratio = time per step / (RHS calls per step x time of one RHS call) = solve time / (nf x RHS time); "
       "the RHS time is the same lambda called in a loop whose input is reloaded and output escapes "
       "(independent calls: a throughput figure). Steps are accepted + rejected ones; Boost.Odeint does not report "
       "its rejected steps, so its rows count accepted steps only (s then includes the rejected attempts' calls). "
       "\"Chained\": each call's input is u0 + 1e-3 x the last call's "
       "output, a dependent chain like the stages of a step (RHS latency plus one axpy). Target: ratio <= (s+1)/s, i.e. the integrator's own work "
       "per step costs at most one more RHS call.\n\n";
  overhead_table(o, overhead);
  o << "\nCSV: `bench/results/*.csv`; plots: `bench/plot_nonstiff.py` (run by `make bench`).\n"
       "\n"
       "## Other benchmark pages\n"
       "\n"
       "- [benchmarks-stiff.md](benchmarks-stiff.md): stiff problems against SUNDIALS CVODE and SciPy.\n"
       "- [benchmarks-sciml.md](benchmarks-sciml.md): gradients (adjoints, forward sensitivities) over the forward solve, the\n"
       "  UDE pipeline, and the race against torchdiffeq.\n"
       "- [benchmarks-python.md](benchmarks-python.md): the Python package against SciPy's `solve_ivp`.\n"
       "- [benchmarks-ensemble.md](benchmarks-ensemble.md): ensembles on the CPU (EnsembleThreads over 1 and 2 cores, MPI with\n"
       "  2 ranks) on the DiffEqGPU Lorenz benchmark.\n"
       "- [benchmarks-gpu.md](benchmarks-gpu.md): the same benchmark on a GPU (EnsembleGPUKernel, EnsembleGPUArray, JAX/diffrax,\n"
       "  torchdiffeq), written by `bench/gpu_ensemble/run_on_device.sh` on a machine with a CUDA device; absent until such\n"
       "  a run.\n";
  std::cout << o.str() << std::flush;
  if (!md_path.empty()) {
    std::ofstream out(md_path);
    out << o.str();
    if (!out) std::cerr << "bench_nonstiff: cannot write " << md_path << "\n";
  }
  write_csv(problems, runs, overhead, csv_dir);
}

}  // namespace bench
