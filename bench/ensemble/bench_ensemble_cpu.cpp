// bench_ensemble_cpu: CPU ensemble throughput on DiffEqGPU.jl's Lorenz rho sweep (lorenz_sweep.hpp): EnsembleSerial
// against EnsembleThreads with 1 and 2 threads, and EnsembleDistributed with 2 MPI ranks (bench_ensemble_mpi under
// mpirun), for float and double, Tsit5 fixed dt = 0.001 and adaptive 1e-8, N = 8 * 4^k trajectories. Checks that
// every backend gives bitwise the same end states, and writes a markdown table (docs/benchmarks-ensemble.md).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "../common/harness.hpp"
#include "cpu_share.hpp"
#include "lorenz_sweep.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Point {
  std::string type, mode;  // "float"/"double", "fixed"/"adaptive"
  std::size_t n = 0;
  bench_ensemble::Timed serial, threads1, threads2;
  bool have_mpi = false;
  bench_ensemble::Timed mpi;
  double others = 0, mpi_others = 0;  // share of the machine others used while measured
  int attempts = 1, mpi_attempts = 1;
};

using bench::run_command;
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}
std::string load_average() {
  std::string s;
  std::ifstream la("/proc/loadavg");
  std::getline(la, s);
  return s;
}
std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

template <class T>
void run_config(std::vector<Point>& pts, const char* type, bool adaptive, int max_k, double min_total,
                const bench_ensemble::WaitBudget& budget) {
  for (int k = 0; k <= max_k; ++k) {
    Point p;
    p.type = type;
    p.mode = adaptive ? "adaptive" : "fixed";
    p.n = std::size_t(8) << (2 * k);
    for (p.attempts = 1;; ++p.attempts) {
      const auto a = bench_ensemble::cpu_sample();
      p.serial = bench_ensemble::time_ensemble<T>(sciml::EnsembleSerial{}, p.n, adaptive, min_total, 3);
      p.threads1 = bench_ensemble::time_ensemble<T>(sciml::EnsembleThreads{1}, p.n, adaptive, min_total, 3);
      p.threads2 = bench_ensemble::time_ensemble<T>(sciml::EnsembleThreads{2}, p.n, adaptive, min_total, 3);
      const auto b = bench_ensemble::cpu_sample();
      p.others = bench_ensemble::others_share(a, b, b.self - a.self);
      if (p.others <= 0.05 || p.attempts >= 10 || budget.left() <= 0) break;
      std::fprintf(stderr, "  others used %.0f%% of the machine meanwhile: waiting, then again\n", 100 * p.others);
      bench_ensemble::wait_idle(budget.left());
    }
    std::fprintf(stderr, "%-6s %-8s N=%6zu serial %.3e s  threads(1) %.3e s  threads(2) %.3e s  (others %.0f%%)\n", type,
                 p.mode.c_str(), p.n, p.serial.median, p.threads1.median, p.threads2.median, 100 * p.others);
    pts.push_back(p);
  }
}

// Runs the MPI driver and fills the matching points; returns the command (empty: not run).
std::string run_mpi(std::vector<Point>& pts, const std::string& mpiexec, const std::string& driver, int max_k,
                    double wait, std::string& note) {
  if (mpiexec.empty() || driver.empty()) {
    note = "MPI not built (Debian: libopenmpi-dev openmpi-bin)";
    return "";
  }
  std::string flags = "-np 2";
  const std::string version = run_command(mpiexec + " --version 2>&1");
  if (version.find("Open MPI") != std::string::npos || version.find("OpenRTE") != std::string::npos)
    flags += " --oversubscribe";
  const std::string cmd = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " + mpiexec + " " + flags + " " +
                          driver + " --max-k " + std::to_string(max_k) + " --wait " + std::to_string(int(wait)) + " 2>&1";
  const auto t0 = Clock::now();
  const std::string out = run_command(cmd);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::istringstream in(out);
  std::string line;
  int got = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string type, mode, hash;
    std::size_t n = 0, failures = 0;
    double sec = 0;
    int reps = 0, attempts = 1;
    double others = 0;
    if (!(ls >> type >> mode >> n >> sec >> reps >> hash >> failures >> others >> attempts)) continue;
    for (auto& p : pts)
      if (p.type == type && p.mode == mode && p.n == n) {
        p.have_mpi = true;
        p.mpi.median = sec;
        p.mpi.repeats = reps;
        p.mpi.hash = std::strtoull(hash.c_str(), nullptr, 16);
        p.mpi.failures = failures;
        p.mpi_others = others;
        p.mpi_attempts = attempts;
        ++got;
      }
  }
  if (got == 0) note = "the MPI driver gave no results: " + trim(out.substr(0, 400));
  std::fprintf(stderr, "mpirun: %d points in %.1f s (start-up included)\n", got, wall);
  return mpiexec + " " + flags + " " + driver + " --max-k " + std::to_string(max_k);
}

void write_markdown(const std::vector<Point>& pts, const std::string& path, const bench::MachineInfo& m, const std::string& mpi_cmd,
                    const std::string& mpi_note, double total, const std::string& load_start,
                    const std::string& load_end, int max_k) {
  std::ostringstream md;
  md << "# Ensembles on the CPU: EnsembleSerial, EnsembleThreads, EnsembleDistributed (MPI)\n\n";
  md << "The DiffEqGPU.jl ensemble benchmark: Lorenz (sigma = 10, beta = 8/3) with rho swept linearly over [0, 21], "
        "u0 = (1, 0, 0), t in [0, 1], N trajectories, Tsit5 with a fixed dt = 0.001 (1000 steps) or adaptive at "
        "reltol = abstol = 1e-8; only the end state is kept (output_func), nothing is saved along the way. Times are "
        "the median of repeated whole-ensemble solves (at least 3, and at least 0.2 s in all); the MPI column runs "
        "`bench_ensemble_mpi` under mpirun with 2 ranks of one thread each, timed inside the program (MPI start-up "
        "excluded, the gather of the end states included). \"same\" says whether every backend gave bitwise the "
        "same end states as EnsembleSerial.\n\n";
  md << "| | |\n|---|---|\n";
  md << "| Machine | " << m.cpu << ", " << m.cores << " cores |\n";
  md << "| Compiler | " << m.compiler << "; flags `" << SCIML_BENCH_FLAGS << "` |\n";
  md << "| sciml.cpp | commit " << m.commit << " |\n";
  md << "| Date | " << m.date << " |\n";
  md << "| Other load | load average " << load_start << " (start), " << load_end << " (end); the machine is shared, so "
        "a point was measured again (after waiting for an idle machine, within the --wait-idle budget) while others "
        "used more than 5% of its CPU time; the \"others\" column shows their share during the kept measurement "
        "(Threads / MPI) |\n";
  md << "| MPI | " << (mpi_cmd.empty() ? mpi_note : "`" + mpi_cmd + "`" + (mpi_note.empty() ? "" : "; " + mpi_note))
     << " |\n";
  md << "| Reproduce | `cmake -S . -B build-bench -DSCIML_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release && cmake --build "
        "build-bench --target bench_ensemble_cpu && build-bench/bench/ensemble/bench_ensemble_cpu "
        "--max-k " << max_k << " --wait-idle 600 --out docs/benchmarks-ensemble.md` (also run by `make bench`) |\n";
  md << "| Total run time | " << fmt("%.1f", total) << " s |\n\n";
  std::string cur;
  for (const auto& p : pts) {
    const std::string key = p.type + " " + p.mode;
    if (key != cur) {
      cur = key;
      md << "\n## " << p.type << ", " << (p.mode == "fixed" ? "fixed dt = 0.001" : "adaptive, tolerance 1e-8") << "\n\n";
      md << "| N | Serial | Threads(1) | Threads(2) | Threads(2) speed-up over Threads(1) | MPI 2 ranks | MPI speed-up "
            "over Serial | Serial per trajectory | f calls per trajectory | failed | same | others |\n";
      md << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|\n";
    }
    const bool same = p.threads1.hash == p.serial.hash && p.threads2.hash == p.serial.hash &&
                      (!p.have_mpi || p.mpi.hash == p.serial.hash);
    md << "| " << p.n << " | " << fmt("%.3f ms", 1e3 * p.serial.median) << " | " << fmt("%.3f ms", 1e3 * p.threads1.median)
       << " | " << fmt("%.3f ms", 1e3 * p.threads2.median) << " | " << fmt("%.2fx", p.threads1.median / p.threads2.median)
       << " | " << (p.have_mpi ? fmt("%.3f ms", 1e3 * p.mpi.median) : std::string("-")) << " | "
       << (p.have_mpi ? fmt("%.2fx", p.serial.median / p.mpi.median) : std::string("-")) << " | "
       << fmt("%.2f us", 1e6 * p.serial.median / double(p.n)) << " | " << fmt("%.0f", double(p.serial.nf) / double(p.n))
       << " | " << p.serial.failures << " | " << (same ? "yes" : "**no**") << " | " << fmt("%.0f%%", 100 * p.others)
       << (p.have_mpi ? " / " + fmt("%.0f%%", 100 * p.mpi_others) : std::string()) << " |\n";
  }
  md << "\n## Reading the tables\n\n"
        "- One trajectory is scalar code on an `SVector` of three numbers, so on the CPU float costs what double costs; "
        "float pays on GPUs (the GPU backends, later).\n"
        "- Threads(1) runs the trajectories on the calling thread like Serial (a one-thread pool starts no worker): "
        "the two columns measure the ensemble machinery (per-trajectory problem, ReturnCode, message and counters), "
        "which is lost in the noise.\n"
        "- Threads(2): after a loop, the worker spins for 50 us before it sleeps, so back-to-back solves (as here) "
        "find it awake; woken from sleep it takes a few dozen microseconds more, which an ensemble of a few "
        "fast trajectories would notice.\n"
        "- MPI: rank r takes trajectories r, r + 2, ... (strided), so the cheap low-rho and dear high-rho adaptive "
        "trajectories are shared evenly; every solve also checks the count across ranks (MPI_Allreduce) and gathers "
        "every end state to every rank (MPI_Allgatherv). Both ranks run on this machine (shared memory).\n";
  std::ofstream f(path);
  f << md.str();
  std::fprintf(stderr, "wrote %s\n", path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  int max_k = 5;
  double min_total = 0.2, wait = 0;
  std::string mpiexec = SCIML_BENCH_MPIEXEC, driver = SCIML_BENCH_MPI_DRIVER;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--max-k" && i + 1 < argc) max_k = std::atoi(argv[++i]);
    else if (a == "--min-total" && i + 1 < argc) min_total = std::atof(argv[++i]);
    else if (a == "--no-mpi") driver.clear();
    else if (a == "--wait-idle" && i + 1 < argc) wait = std::atof(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--out FILE.md] [--max-k K (N = 8 * 4^k, k <= K)] [--min-total S] [--no-mpi] [--wait-idle S (waiting budget for an idle machine)]\n",
                   argv[0]);
      return 2;
    }
  }
  const bench_ensemble::WaitBudget budget(wait);
  if (wait > 0) bench_ensemble::wait_idle(budget.left());
  const bench::MachineInfo m = bench::machine_info(SCIML_BENCH_SOURCE_DIR);
  const std::string load_start = load_average();
  const auto t0 = Clock::now();
  std::vector<Point> pts;
  run_config<float>(pts, "float", false, max_k, min_total, budget);
  run_config<float>(pts, "float", true, max_k, min_total, budget);
  run_config<double>(pts, "double", false, max_k, min_total, budget);
  run_config<double>(pts, "double", true, max_k, min_total, budget);
  std::string note;
  const std::string mpi_cmd = run_mpi(pts, mpiexec, driver, max_k, budget.left(), note);
  const double total = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::string load_end = load_average();
  std::fprintf(stderr, "total %.1f s\n", total);
  bool all_same = true;
  for (const auto& p : pts)
    all_same = all_same && p.threads1.hash == p.serial.hash && p.threads2.hash == p.serial.hash &&
               (!p.have_mpi || p.mpi.hash == p.serial.hash);
  if (!out.empty()) write_markdown(pts, out, m, mpi_cmd, note, total, load_start, load_end, max_k);
  if (!all_same) std::fprintf(stderr, "backends disagree: see the 'same' column\n");
  return all_same ? 0 : 1;
}
