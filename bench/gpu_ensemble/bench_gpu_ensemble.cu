// The DiffEqGPU paper's ensemble benchmark on a CUDA device (issue 6): Lorenz with rho swept over [0, 21],
// u0 = (1, 0, 0), t in [0, 1], float32, end points only, N = 8 * 4^k trajectories up to 8,388,608; Tsit5 with
// 1000 fixed steps (dt = 0.001) and adaptive (abstol = reltol = 1e-8), by EnsembleGPUKernel (one thread per
// trajectory, the whole solve in one kernel). Reports the kernel time (best of repeats), the time with host <->
// device transfers, achieved FLOP/s (195 flops per Tsit5 Lorenz step, the paper's count) against the device's
// FP32 peak, and the same ensembles by EnsembleGPUArray (the array-at-a-time form: one launch per stage, one
// shared step, a reduction per step) on the same device; writes a markdown table (--out) and CSV (--csv).
//   bench_gpu_ensemble [--out FILE.md] [--csv FILE] [--min-k 0] [--max-k 10] [--repeats 5] [--modes fixed,adaptive]
//                      [--no-array]   (N = 8 * 4^k for k in [min-k, max-k]; --no-array: EnsembleGPUKernel only,
//                      e.g. to profile its kernel alone with ncu)
#include <cuda_runtime.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sciml/algorithm/erk/methods.hpp>
#include <sciml/core/svector.hpp>
#include "array_ensemble.cuh"
#include <sciml/gpu/ensemble_gpu_kernel.cuh>

namespace {

struct Lorenz {
  template <class U, class P, class T>
  SCIML_HD U operator()(const U& u, const P& p, T) const {
    return U{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
  }
};
using S3 = sciml::SVector<float, 3>;

struct Row {
  std::string mode;
  std::size_t N = 0;
  double kernel = 0, total = 0, steps = 0;  // seconds; mean accepted + rejected steps per trajectory
  double array = 0, array_steps = 0;        // EnsembleGPUArray: seconds, its (shared) steps
  std::size_t failures = 0;
  double gflops() const { return double(N) * steps * 195.0 / kernel * 1e-9; }
};

double peak_fp32_gflops(std::string& name) {
  int dev = 0, sms = 0, clock_khz = 0, major = 0;
  cudaGetDevice(&dev);
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, dev);
  name = prop.name;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
  cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, dev);
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev);
  const int fp32_per_sm = major >= 8 ? 128 : 64;  // Ampere, Hopper: 128 FP32 lanes per SM; Volta: 64
  return double(sms) * fp32_per_sm * 2.0 * double(clock_khz) * 1e3 * 1e-9;
}

Row run(const std::string& mode, std::size_t N, const sciml::SolveOptions& o, int repeats, bool array) {
  std::vector<S3> u0(N, S3{1.f, 0.f, 0.f}), p(N);
  for (std::size_t i = 0; i < N; ++i) p[i] = {10.f, float(21.0 * double(i) / double(N > 1 ? N - 1 : 1)), 8.f / 3.f};
  const sciml::ODEProblem prob(Lorenz{}, u0[0], {0.f, 1.f}, p[0]);
  Row r;
  r.mode = mode;
  r.N = N;
  r.kernel = r.total = 1e300;
  for (int k = 0; k <= repeats; ++k) {  // k = 0: warm-up
    const auto t0 = std::chrono::steady_clock::now();
    const auto res = sciml::solve_gpu_kernel(prob, sciml::Tsit5{}, u0, p, o);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (k == 0) {
      r.failures = res.failures();
      double s = 0;
      for (const auto& st : res.stats) s += double(st.naccept + st.nreject);
      r.steps = s / double(N);
      if (repeats > 0) continue;  // else the warm-up is the only run
    }
    r.kernel = std::min(r.kernel, res.seconds);
    r.total = std::min(r.total, total);
  }
  r.array = array ? 1e300 : std::nan("");
  for (int k = 0; array && k <= repeats; ++k) {  // the array-at-a-time form on the same device
    double secs = 0;
    const auto res = sciml::solve_gpu_array(prob, sciml::Tsit5{}, u0, p, o, &secs);
    r.array_steps = double(res.second.naccept + res.second.nreject);
    if (k > 0 || repeats == 0) r.array = std::min(r.array, secs);
  }
  std::fprintf(stderr, "  %-9s N = %8zu  kernel %10.3f ms  with transfers %10.3f ms  steps %7.1f  %8.1f GFLOP/s  array %10.3f ms\n",
               mode.c_str(), N, r.kernel * 1e3, r.total * 1e3, r.steps, r.gflops(), r.array * 1e3);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out, csv;
  int min_k = 0, max_k = 10, repeats = 5;
  std::string modes = "fixed,adaptive";
  bool array = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--out") out = next();
    else if (a == "--csv") csv = next();
    else if (a == "--max-k") max_k = std::atoi(next().c_str());
    else if (a == "--min-k") min_k = std::atoi(next().c_str());
    else if (a == "--modes") modes = next();
    else if (a == "--no-array") array = false;
    else if (a == "--repeats") repeats = std::atoi(next().c_str());
    else {
      std::fprintf(stderr, "usage: bench_gpu_ensemble [--out FILE.md] [--csv FILE] [--min-k K] [--max-k K] [--repeats R] "
                           "[--modes fixed,adaptive] [--no-array]\n");
      return 2;
    }
  }
  if (!sciml::gpu_available()) {
    std::fprintf(stderr, "bench_gpu_ensemble: no CUDA device here; nothing measured\n");
    return 0;
  }
  std::string device;
  const double peak = peak_fp32_gflops(device);
  std::vector<Row> rows;
  sciml::SolveOptions fixed;
  fixed.adaptive = false;
  fixed.dt = 0.001;
  sciml::SolveOptions adaptive;
  adaptive.reltol = 1e-8;
  adaptive.abstol = 1e-8;
  std::ofstream csvf;  // written row by row: a run cut short keeps what it measured
  if (!csv.empty()) {
    csvf.open(csv);
    csvf << "mode,N,kernel_s,total_s,steps,gflops,peak_gflops,failures,array_s,array_steps\n" << std::flush;
  }
  for (int k = min_k; k <= max_k; ++k) {
    const std::size_t N = std::size_t(8) << (2 * k);
    for (const char* mode : {"fixed", "adaptive"}) {
      if (modes.find(mode) == std::string::npos) continue;
      const Row& r = rows.emplace_back(run(mode, N, mode[0] == 'f' ? fixed : adaptive, repeats, array));
      if (csvf.is_open())
        csvf << r.mode << ',' << r.N << ',' << r.kernel << ',' << r.total << ',' << r.steps << ',' << r.gflops() << ','
             << peak << ',' << r.failures << ',' << r.array << ',' << r.array_steps << '\n' << std::flush;
    }
  }
  std::ostringstream md;
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  md << "# GPU ensembles: EnsembleGPUKernel on the DiffEqGPU benchmark\n\n"
     << "| | |\n|---|---|\n| Device | " << device << " (FP32 peak " << peak / 1e3 << " TFLOP/s) |\n| Date | " << date
     << " |\n| Reproduce | `bench/gpu_ensemble/run_on_device.sh` |\n\n"
     << "Lorenz, rho swept over [0, 21], u0 = (1, 0, 0), t in [0, 1], float32, end points only; Tsit5 with 1000 fixed "
        "steps (dt = 0.001) or adaptive (abstol = reltol = 1e-8). `kernel`: best of "
     << repeats
     << " kernel runs (launch to synchronise); `with transfers`: the whole `solve_gpu_kernel` call, copies of u0, p "
        "and the end points included. FLOP/s: N x steps x 195 / kernel time (195 flops per Tsit5 Lorenz step).\n\n"
     << "| mode | N | kernel | with transfers | steps per trajectory | GFLOP/s | % of FP32 peak | failed | EnsembleGPUArray | its steps | kernel speed-up |\n"
     << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : rows) {
    char line[256];
    std::snprintf(line, sizeof line, "| %s | %zu | %.3f ms | %.3f ms | %.1f | %.0f | %.1f%% | %zu | %.3f ms | %.0f | %.1fx |\n",
                  r.mode.c_str(), r.N, r.kernel * 1e3, r.total * 1e3, r.steps, r.gflops(), 100 * r.gflops() / peak,
                  r.failures, r.array * 1e3, r.array_steps, r.array / r.kernel);
    md << line;
  }
  std::printf("%s", md.str().c_str());
  if (!out.empty()) std::ofstream(out) << md.str();
  return 0;
}
