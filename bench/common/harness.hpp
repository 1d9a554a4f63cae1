// Shared pieces of the benchmark programs (bench_nonstiff, bench_stiff; the machine description also for
// bench_sciml and bench_ensemble_cpu): what a solve returns, a contestant,
// one measured point, the median timing loop, and the work-precision reporting rules (formatting, time at
// equal error by log-log interpolation, the error levels compared), plus the machine description.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Keep a value alive and opaque to the optimiser.
template <class T>
inline void escape(T& v) {
  asm volatile("" : : "g"(&v) : "memory");
}

// What one solve returns.
struct Outcome {
  std::vector<double> u;  // state at tf
  long nf = 0;            // right-hand-side calls
  long steps = 0;         // accepted steps
  long rejects = -1;      // rejected steps (-1: the solver does not report them)
  long njac = -1;         // Jacobian evaluations (-1: not applicable / not reported)
  long nlu = -1;          // LU factorisations (-1: not reported)
  bool ok = true;
  std::string msg;
};

// A contestant: a library's method, solving one problem at a tolerance.
struct Contestant {
  std::string method;   // "Tsit5", "rk8pd"
  std::string library;  // "sciml.cpp", "Boost.Odeint", "GSL", "SUNDIALS"
  std::function<Outcome(double tol)> solve;
  bool ours() const { return library == "sciml.cpp"; }
  std::string label() const { return ours() ? method : library + " " + method; }
};

// One measured point of a work-precision diagram.
struct Run {
  std::string problem, method, library;
  double tol = 0;
  double error = NAN;  // error at tf (NaN: timing only)
  double time = 0;     // median seconds per solve
  int repeats = 0;
  long nf = 0, steps = 0, rejects = -1, njac = -1, nlu = -1;
  bool ok = true, deterministic = true;
  std::string msg;
  bool ours() const { return library == "sciml.cpp"; }
  std::string label() const { return ours() ? method : library + " " + method; }
};

// Timing: median seconds over repeats, repeating until `min_total` seconds or at least `min_repeats` runs.
struct Timing {
  double median = 0;
  int repeats = 0;
  bool deterministic = true;  // every repeat gave the bitwise same final state
};
inline Timing time_solve(const std::function<Outcome(double)>& solve, double tol, const Outcome& first,
                         double min_total, int min_repeats) {
  std::vector<double> ts;
  double total = 0;
  Timing r;
  while ((int(ts.size()) < min_repeats || total < min_total) && ts.size() < 200000) {
    const auto t0 = Clock::now();
    Outcome o = solve(tol);
    const double dt = seconds_since(t0);
    ts.push_back(dt);
    total += dt;
    if (o.u != first.u || o.nf != first.nf) r.deterministic = false;
  }
  std::sort(ts.begin(), ts.end());
  const std::size_t n = ts.size();
  r.median = n % 2 ? ts[n / 2] : 0.5 * (ts[n / 2 - 1] + ts[n / 2]);
  r.repeats = int(n);
  return r;
}

// Solve once (for the answer and counters), time the repeats, and fill a Run; `error_of(u)` measures the final
// state (only called for a successful solve).
inline Run measure_run(const std::string& problem, const Contestant& c, double tol,
                       const std::function<double(const std::vector<double>&)>& error_of, double min_time,
                       int min_repeats) {
  const Outcome first = c.solve(tol);
  const Timing tm = time_solve(c.solve, tol, first, min_time, min_repeats);
  Run r;
  r.problem = problem;
  r.method = c.method;
  r.library = c.library;
  r.tol = tol;
  r.error = first.ok ? error_of(first.u) : NAN;
  r.time = tm.median;
  r.repeats = tm.repeats;
  r.nf = first.nf;
  r.steps = first.steps;
  r.rejects = first.rejects;
  r.njac = first.njac;
  r.nlu = first.nlu;
  r.ok = first.ok;
  r.msg = first.msg;
  r.deterministic = tm.deterministic;
  return r;
}

// ---- reporting helpers -------------------------------------------------------------------------------

inline std::string run_command(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

inline std::string fmtd(const char* fmt, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}
inline std::string fmt_time(double s) {
  if (!(s > 0)) return "n/a";
  if (s < 1e-3) return fmtd("%.1f µs", s * 1e6);
  if (s < 1) return fmtd("%.3g ms", s * 1e3);
  return fmtd("%.3g s", s);
}
inline std::string fmt_err(double e) { return std::isnan(e) ? "–" : fmtd("%.2e", e); }
inline std::string fmt_ratio(double r) { return std::isnan(r) ? "n/a" : fmtd("%.2f", r); }

// Time to reach error e along one method's curve (points in tolerance order): log-log interpolation between
// consecutive points whose errors bracket e, or the time of a point that is at least as accurate as e; the
// least such time. NaN when every point of the curve is less accurate than e.
inline double time_at_error(const std::vector<const Run*>& curve, double e) {
  double best = NAN;
  for (std::size_t i = 0; i + 1 < curve.size(); ++i) {
    const Run& a = *curve[i];
    const Run& b = *curve[i + 1];
    if (!(a.error > 0) || !(b.error > 0) || !a.ok || !b.ok) continue;
    const double lo = std::min(a.error, b.error), hi = std::max(a.error, b.error);
    if (e < lo || e > hi) continue;
    double t;
    if (a.error == b.error) {
      t = std::min(a.time, b.time);
    } else {
      const double w = (std::log(e) - std::log(a.error)) / (std::log(b.error) - std::log(a.error));
      t = std::exp(std::log(a.time) + w * (std::log(b.time) - std::log(a.time)));
    }
    if (std::isnan(best) || t < best) best = t;
  }
  // A point at least as accurate as e reaches e in its time (a looser tolerance would not be slower).
  for (const Run* r : curve)
    if (r->ok && r->error <= e && (std::isnan(best) || r->time < best)) best = r->time;
  return best;
}

struct Curves {
  std::map<std::string, std::vector<const Run*>> ours, theirs;  // label -> points in tolerance order
};
inline Curves curves_of(const std::vector<Run>& runs, const std::string& problem) {
  Curves c;
  for (const auto& r : runs) {
    if (r.problem != problem) continue;
    (r.ours() ? c.ours : c.theirs)[r.label()].push_back(&r);
  }
  for (auto* m : {&c.ours, &c.theirs})
    for (auto& [k, v] : *m) std::sort(v.begin(), v.end(), [](const Run* a, const Run* b) { return a->tol > b->tol; });
  return c;
}

// The fastest of a set of curves at error e: (time, label); NaN time when none reaches e.
inline std::pair<double, std::string> fastest_at(const std::map<std::string, std::vector<const Run*>>& cs, double e) {
  double best = NAN;
  std::string who;
  for (const auto& [label, curve] : cs) {
    const double t = time_at_error(curve, e);
    if (!std::isnan(t) && (std::isnan(best) || t < best)) {
      best = t;
      who = label;
    }
  }
  return {best, who};
}

// Our fastest and the fastest competitor at each error decade either side reaches.
struct Level {
  double e, t_ours, t_theirs;
  std::string ours, theirs;
};
inline std::vector<Level> levels(const Curves& c) {
  double emax = 0;  // no level looser than every point
  for (const auto* m : {&c.ours, &c.theirs})
    for (const auto& [label, curve] : *m)
      for (const Run* r : curve)
        if (r->ok && r->error > emax) emax = r->error;
  std::vector<Level> out;
  for (int k = 1; k <= 14; ++k) {
    const double e = std::pow(10.0, -k);
    if (e > emax) continue;
    const auto [to, wo] = fastest_at(c.ours, e);
    const auto [tt, wt] = fastest_at(c.theirs, e);
    if (std::isnan(to) && std::isnan(tt)) continue;
    out.push_back({e, to, tt, wo, wt});
  }
  return out;
}

// The machine, compiler, commit and date for a report header.
struct MachineInfo {
  std::string cpu, compiler, commit, date;
  int cores = 0;
};
inline MachineInfo machine_info(const std::string& source_dir) {
  MachineInfo m;
  std::ifstream cpu("/proc/cpuinfo");
  std::string line;
  int procs = 0;
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0 && m.cpu.empty()) m.cpu = line.substr(line.find(':') + 2);
    if (line.rfind("processor", 0) == 0) ++procs;
  }
  m.cores = procs > 0 ? procs : int(std::thread::hardware_concurrency());
  m.compiler = __VERSION__;
#if defined(__clang__)
  m.compiler = "clang " + m.compiler;
#elif defined(__GNUC__)
  m.compiler = "GCC " + m.compiler;
#endif
  m.commit = run_command("git -C '" + source_dir + "' rev-parse --short HEAD 2>/dev/null");
  if (m.commit.empty()) m.commit = "unknown";
  if (!run_command("git -C '" + source_dir + "' status --porcelain --untracked-files=no -- include 2>/dev/null").empty())
    m.commit += " + uncommitted changes under include/";
  const std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  m.date = buf;
  return m;
}

}  // namespace bench
