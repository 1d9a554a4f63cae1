// The machine is shared: how much of its CPU time others used while a point was measured (from /proc/stat, less
// this process's own CPU time), and a wait for an idle machine. Points measured while others used more than a
// little are measured again, so the scaling columns compare like with like.
#pragma once
#include <sys/resource.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace bench_ensemble {

struct CpuSample {
  double total = 0, idle = 0;  // seconds of all CPUs together, from /proc/stat
  double self = 0;             // this process's CPU seconds (all threads)
};

inline CpuSample cpu_sample() {
  CpuSample s;
  std::ifstream st("/proc/stat");
  std::string cpu;
  unsigned long long v[8] = {};
  st >> cpu;
  for (auto& x : v) st >> x;
  const double hz = double(sysconf(_SC_CLK_TCK));
  for (auto x : v) s.total += double(x) / hz;
  s.idle = double(v[3] + v[4]) / hz;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.self = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  return s;
}

// Share of the machine's CPU capacity used between a and b by processes other than ours (own_cpu: our CPU
// seconds in that time, b.self - a.self for this process alone).
inline double others_share(const CpuSample& a, const CpuSample& b, double own_cpu) {
  const double total = b.total - a.total;
  if (total <= 0) return 0;
  const double busy = total - (b.idle - a.idle);
  return std::max(0.0, (busy - own_cpu) / total);
}

// Share of the machine busy over `seconds` (nothing of ours runs meanwhile).
inline double busy_share(double seconds) {
  const CpuSample a = cpu_sample();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const CpuSample b = cpu_sample();
  return others_share(a, b, 0.0);
}

// Waits (up to max_wait seconds) until the machine is nearly idle; returns the last busy share seen.
inline double wait_idle(double max_wait, double threshold = 0.05) {
  const auto t0 = std::chrono::steady_clock::now();
  double busy = busy_share(1.0);
  while (busy > threshold &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < max_wait) {
    busy = busy_share(1.0);
  }
  return busy;
}

// The waiting a whole run may spend (--wait-idle): once spent, points are kept as measured.
class WaitBudget {
 public:
  explicit WaitBudget(double seconds)
      : end_(std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                    std::chrono::duration<double>(seconds))) {}
  double left() const {
    return std::max(0.0, std::chrono::duration<double>(end_ - std::chrono::steady_clock::now()).count());
  }

 private:
  std::chrono::steady_clock::time_point end_;
};

}  // namespace bench_ensemble
