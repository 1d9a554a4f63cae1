// TrajectoryError: the exception thrown by user code (prob_func, output_func, f) or refused input (say a NaN
// u0) in one trajectory of an ensemble. The lowest failing index is kept, so the error rethrown after all workers
// stop is the same for any thread count or rank count; it names the trajectory and keeps the standard type.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace sciml::detail {

// The standard exception classes kept across the rethrow (and across MPI ranks).
enum class ErrorKind : std::int32_t { InvalidArgument, OutOfRange, LogicError, RuntimeError, Other };

inline std::pair<ErrorKind, std::string> classify_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::invalid_argument& x) {
    return {ErrorKind::InvalidArgument, x.what()};
  } catch (const std::out_of_range& x) {
    return {ErrorKind::OutOfRange, x.what()};
  } catch (const std::logic_error& x) {
    return {ErrorKind::LogicError, x.what()};
  } catch (const std::runtime_error& x) {
    return {ErrorKind::RuntimeError, x.what()};
  } catch (const std::exception& x) {
    return {ErrorKind::Other, x.what()};
  } catch (...) {
    return {ErrorKind::Other, "an exception not derived from std::exception"};
  }
}

// Throws `msg` as the standard class `kind` stands for (nested around the exception being handled, if any).
[[noreturn]] inline void throw_as(ErrorKind kind, const std::string& msg) {
  switch (kind) {
    case ErrorKind::InvalidArgument: std::throw_with_nested(std::invalid_argument(msg));
    case ErrorKind::OutOfRange: std::throw_with_nested(std::out_of_range(msg));
    case ErrorKind::LogicError: std::throw_with_nested(std::logic_error(msg));
    default: std::throw_with_nested(std::runtime_error(msg));
  }
}

class TrajectoryError {
 public:
  static constexpr std::size_t none = SIZE_MAX;

  // Trajectory i need not run: a lower one already failed.
  bool skip(std::size_t i) const { return i > index_.load(std::memory_order_relaxed); }
  bool failed() const { return index_.load() != none; }
  std::size_t index() const { return index_.load(); }
  const std::exception_ptr& error() const { return error_; }

  void record(std::size_t i, std::exception_ptr e) {
    std::lock_guard<std::mutex> lk(m_);
    if (i < index_.load(std::memory_order_relaxed)) {
      error_ = std::move(e);
      index_.store(i, std::memory_order_relaxed);
    }
  }
  void reset() {
    std::lock_guard<std::mutex> lk(m_);
    error_ = nullptr;
    index_.store(none);
  }

  // Rethrows the recorded exception as "trajectory i: <what>", same standard class, the original nested inside
  // (std::rethrow_if_nested). bad_alloc and exceptions not derived from std::exception pass through unchanged.
  [[noreturn]] void rethrow() const {
    const std::string where = "trajectory " + std::to_string(index()) + ": ";
    try {
      std::rethrow_exception(error_);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception&) {
      auto [kind, what] = classify_exception(std::current_exception());
      throw_as(kind, where + what);
    }
  }

 private:
  std::atomic<std::size_t> index_{none};
  std::mutex m_;
  std::exception_ptr error_;
};

}  // namespace sciml::detail
