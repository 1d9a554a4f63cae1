// ThreadPool: a fixed set of worker threads for parallel loops. parallel_for(n, chunk, fn) calls fn(i) for every
// i in [0, n): the workers and the calling thread take chunks of indices from one atomic counter, and the call
// returns when every index is done. ThreadPool::shared(n) keeps one pool per size for the whole process, so
// repeated ensemble solves pay no thread start-up.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace sciml {

class ThreadPool {
 public:
  static constexpr unsigned max_threads = 4096;

  // threads: how many threads run a loop, the caller included (threads - 1 workers are started);
  // 0: std::thread::hardware_concurrency().
  explicit ThreadPool(unsigned threads = 0) : size_(resolve(threads)) {
    workers_.reserve(size_ - 1);
    for (unsigned w = 0; w + 1 < size_; ++w) workers_.emplace_back([this] { worker_loop(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& w : workers_) w.join();
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads taking part in a loop, the caller included.
  unsigned size() const { return size_; }

  // fn(i) for every i in [0, n), in chunks of `chunk` (0 is taken as 1) indices, on all threads of the pool.
  // Blocks until all are done. An exception thrown by fn stops the hand-out of further chunks and is rethrown
  // here once every thread has stopped. Called from inside a loop of any pool (nesting), it runs serially.
  template <class Fn>
  void parallel_for(std::size_t n, std::size_t chunk, Fn&& fn) {
    if (n == 0) return;
    if (size_ == 1 || n == 1 || busy()) {
      for (std::size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    using FnT = std::remove_reference_t<Fn>;
    std::lock_guard<std::mutex> one_loop_at_a_time(submit_);
    BusyScope scope;
    {
      std::lock_guard<std::mutex> lk(m_);
      job_ = Job{[](void* ctx, std::size_t i) { (*static_cast<FnT*>(ctx))(i); }, const_cast<void*>(static_cast<const void*>(&fn)), n,
                 std::clamp<std::size_t>(chunk, 1, n)};
      next_.store(0, std::memory_order_relaxed);
      error_ = nullptr;
      active_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
    run(job_);
    spin_until([this] { return active_.load(std::memory_order_acquire) == 0; });
    std::exception_ptr err;
    {
      std::unique_lock<std::mutex> lk(m_);
      done_.wait(lk, [this] { return active_.load(std::memory_order_acquire) == 0; });
      err = error_;
      error_ = nullptr;
    }
    if (err) std::rethrow_exception(err);
  }

  // The process-wide pool with `threads` threads (0: hardware_concurrency), made on first use and kept until exit.
  static ThreadPool& shared(unsigned threads = 0) {
    threads = resolve(threads);
    static std::mutex m;
    static std::map<unsigned, std::unique_ptr<ThreadPool>> pools;
    std::lock_guard<std::mutex> lk(m);
    auto& p = pools[threads];
    if (!p) p = std::make_unique<ThreadPool>(threads);
    return *p;
  }

  // The thread count `threads` stands for (0: hardware_concurrency, at least 1); refuses absurd counts (a
  // negative int converted to unsigned).
  static unsigned resolve(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (threads > max_threads)
      throw std::invalid_argument("threads: " + std::to_string(threads) + " threads asked for; at most " +
                                  std::to_string(max_threads) + " (0 picks the hardware's count)");
    return threads;
  }

 private:
  struct Job {
    void (*call)(void*, std::size_t) = nullptr;
    void* ctx = nullptr;
    std::size_t n = 0, chunk = 1;
  };
  // Marks threads inside a loop, so a nested parallel_for runs serially instead of waiting on itself.
  static bool& busy() {
    thread_local bool b = false;
    return b;
  }
  struct BusyScope {
    BusyScope() { busy() = true; }
    ~BusyScope() { busy() = false; }
  };

  void run(const Job& job) noexcept {
    for (;;) {
      const std::size_t b = next_.fetch_add(job.chunk, std::memory_order_relaxed);
      if (b >= job.n) return;
      const std::size_t e = std::min(job.n, b + job.chunk);
      try {
        for (std::size_t i = b; i < e; ++i) job.call(job.ctx, i);
      } catch (...) {
        next_.store(job.n, std::memory_order_relaxed);  // hand out nothing more
        std::lock_guard<std::mutex> lk(m_);
        if (!error_) error_ = std::current_exception();
        return;
      }
    }
  }

  // Spins for up to spin_us microseconds until done() holds (waking a sleeping thread takes tens of
  // microseconds, which small ensembles solved in a loop would otherwise pay every time); false if it did not.
  template <class Done>
  static bool spin_until(Done&& done) {
    constexpr double spin_us = 50;
    const auto t0 = std::chrono::steady_clock::now();
    for (unsigned i = 1;; ++i) {
      if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      asm volatile("yield");
#endif
      if (i % 64 == 0 &&
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() > spin_us)
        return false;
    }
  }

  void worker_loop() {
    busy() = true;
    std::uint64_t seen = 0;
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      Job job;
      {
        std::unique_lock<std::mutex> lk(m_);
        start_.wait(lk, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        job = job_;
      }
      run(job);
      if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(m_);  // the caller checks active_ under m_ before it sleeps
        done_.notify_one();
      }
    }
  }

  unsigned size_;
  std::vector<std::thread> workers_;
  std::mutex submit_;  // one loop at a time per pool
  std::mutex m_;       // guards job_, stop_, error_ and the sleeping on start_ / done_
  std::condition_variable start_, done_;
  Job job_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::uint64_t> generation_{0};  // one more per loop; written under m_
  std::atomic<unsigned> active_{0};           // workers still in the current loop
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace sciml
