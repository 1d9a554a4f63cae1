// bench_nonstiff: races sciml.cpp's explicit Runge–Kutta methods against Boost.Odeint, GSL and SUNDIALS CVODE
// on Lorenz, Arenstorf, Pleiades and a 10000-state linear problem, in one run; prints work-precision tables,
// speed-ups at equal error and the per-step overhead, and writes them as markdown (--out) and CSV (--csv).
//
//   bench_nonstiff [--out FILE.md] [--csv DIR] [--img-rel DIR] [--min-time S] [--min-repeats N] [--only NAME]
//                  [--no-overhead] [--glibc-trim]
// --glibc-trim: leave glibc's default trimming of freed memory on (see below).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <malloc.h>
#include <string>
#include "bench.hpp"

int main(int argc, char** argv) {
  using namespace bench;
  std::string out_md, csv_dir = "bench/results", img_rel = "img", only;
  double min_time = 0.2;
  int min_repeats = 3;
  bool overhead = true, keep_memory = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_nonstiff: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--out") out_md = next();
    else if (a == "--csv") csv_dir = next();
    else if (a == "--img-rel") img_rel = next();
    else if (a == "--min-time") min_time = std::stod(next());
    else if (a == "--min-repeats") min_repeats = std::stoi(next());
    else if (a == "--only") only = next();
    else if (a == "--no-overhead") overhead = false;
    else if (a == "--glibc-trim") keep_memory = false;
    else {
      std::cerr << "usage: bench_nonstiff [--out FILE.md] [--csv DIR] [--img-rel DIR] [--min-time S] "
                   "[--min-repeats N] [--only lorenz|arenstorf|pleiades|linear] [--no-overhead] [--glibc-trim]\n";
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  // Keep freed memory in the process: otherwise glibc returns it to the OS depending on the history of
  // earlier solves, and the next solve's fresh pages cost a page fault each (~9 µs in this VM), which makes
  // every contestant's time depend on who ran before it. Allocation itself still counts.
  if (keep_memory) {
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
  }
  Machine machine = describe_machine(argc, argv);
  machine.memory = keep_memory ? "glibc told to keep freed memory (mallopt M_TRIM_THRESHOLD and M_MMAP_THRESHOLD = 1 GiB), "
                                 "so a solve's allocations are not fresh pages whose faults (about 9 µs each in this VM) "
                                 "depend on which solves ran before; allocation and setup still count"
                               : "glibc defaults (--glibc-trim): freed memory may go back to the OS between solves";
  const auto t_start = Clock::now();

  std::vector<Problem> problems = make_problems();
  if (!only.empty()) std::erase_if(problems, [&](const Problem& p) { return p.key != only; });
  std::cerr << "checking references ...\n";
  const ReferenceCheck refs = check_references(problems);
  for (const auto& n : refs.notes) std::cerr << "  " << n << "\n";

  std::vector<Run> runs;
  for (const auto& P : problems) {
    std::vector<Contestant> cs = sciml_contestants(P);
    for (auto* add : {&odeint_contestants, &gsl_contestants, &cvode_contestants})
      for (auto& c : add(P)) cs.push_back(std::move(c));
    for (double tol : P.tols) {
      for (const auto& c : cs) {
        Run r = measure_run(
            P.name, c, tol, [&](const std::vector<double>& u) { return relative_error(P, u); }, min_time, min_repeats);
        std::fprintf(stderr, "  %-15s %-30s tol %.0e  error %.2e  time %.3e s  nf %8ld  steps %7ld%s%s\n",
                     P.name.c_str(), r.label().c_str(), tol, r.error, r.time, r.nf, r.steps,
                     r.ok ? "" : ("  FAILED: " + r.msg).c_str(), r.deterministic ? "" : "  NONDETERMINISTIC");
        runs.push_back(std::move(r));
      }
    }
  }
  std::vector<OverheadRow> ov;
  if (overhead) {
    std::cerr << "measuring overhead per step ...\n";
    ov = measure_overhead(problems);
  }
  std::fprintf(stderr, "benchmark took %.0f s\n", seconds_since(t_start));
  print_tables(problems, runs, ov, machine, refs, out_md, csv_dir, img_rel);
  return 0;
}
