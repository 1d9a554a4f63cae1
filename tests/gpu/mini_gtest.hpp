// The few GoogleTest macros tests/gpu/test_gpu_kernel.cu uses, for machines without googletest (the device
// machine): TEST, ASSERT_EQ, ASSERT_NEAR, ASSERT_TRUE, EXPECT_NEAR and GTEST_SKIP, each taking `<< message`, and
// a main that runs every test (or lists them: --gtest_list_tests), prints a gtest-like summary and exits nonzero
// when one failed. As in gtest, an ASSERT_* or GTEST_SKIP returns from the function it is in (a helper's too).
#pragma once
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace mini_gtest {
struct Test {
  std::string name;
  void (*fn)();
};
inline std::vector<Test>& tests() {
  static std::vector<Test> t;
  return t;
}
inline bool add(const char* suite, const char* name, void (*fn)()) {
  tests().push_back({std::string(suite) + "." + name, fn});
  return true;
}
inline bool failed = false, skipped = false;  // the running test's state

template <class T>
std::string show(const T& v) {
  std::ostringstream o;
  o.precision(15);
  if constexpr (requires { o << v; }) o << v;
  else if constexpr (std::is_enum_v<T>) o << +static_cast<std::underlying_type_t<T>>(v);
  else o << "(unprintable)";
  return o.str();
}
// "" when the check holds, else what gtest would say
template <class A, class B>
std::string eq(const A& a, const B& b, const char* ea, const char* eb) {
  if (a == b) return "";
  return std::string("Expected equality of these values:\n  ") + ea + "\n    Which is: " + show(a) + "\n  " + eb +
         "\n    Which is: " + show(b);
}
inline std::string near(double a, double b, double tol, const char* ea, const char* eb, const char* et) {
  if (std::abs(a - b) <= tol) return "";
  return std::string("The difference between ") + ea + " and " + eb + " is " + show(std::abs(a - b)) + ", which exceeds " +
         et + ", where\n" + ea + " evaluates to " + show(a) + ",\n" + eb + " evaluates to " + show(b) + ", and\n" + et +
         " evaluates to " + show(tol) + ".";
}

// Collects `<< message` and reports when the full expression ends.
struct Report {
  const char* file;
  int line;
  std::string what;
  bool skip;
  std::ostringstream msg;
  Report(const char* f, int l, std::string w, bool s) : file(f), line(l), what(std::move(w)), skip(s) {}
  template <class T>
  Report& operator<<(const T& v) {
    msg << v;
    return *this;
  }
  ~Report() {
    const std::string m = msg.str(), text = what.empty() || m.empty() ? what + m : what + "\n" + m;
    std::printf("%s:%d: %s\n%s\n", file, line, skip ? "Skipped" : "Failure", text.c_str());
    (skip ? skipped : failed) = true;
  }
};
struct Voidify {  // `=` binds after `<<`: the message is complete before the statement becomes void
  void operator=(const Report&) const {}
};
}  // namespace mini_gtest

#define MINI_GTEST_CHECK_(text, ret) \
  if (const std::string mini_gtest_what_ = (text); mini_gtest_what_.empty()) \
    ;                                                                        \
  else ret ::mini_gtest::Voidify() = ::mini_gtest::Report(__FILE__, __LINE__, mini_gtest_what_, false)
#define ASSERT_EQ(a, b) MINI_GTEST_CHECK_(::mini_gtest::eq((a), (b), #a, #b), return)
#define ASSERT_NEAR(a, b, tol) MINI_GTEST_CHECK_(::mini_gtest::near((a), (b), (tol), #a, #b, #tol), return)
#define EXPECT_NEAR(a, b, tol) MINI_GTEST_CHECK_(::mini_gtest::near((a), (b), (tol), #a, #b, #tol), )
#define ASSERT_TRUE(c) \
  MINI_GTEST_CHECK_((c) ? std::string() : std::string("Value of: " #c "\n  Actual: false\nExpected: true"), return)
#define GTEST_SKIP() return ::mini_gtest::Voidify() = ::mini_gtest::Report(__FILE__, __LINE__, "", true)
#define TEST(suite, name)                                                                          \
  static void mini_gtest_##suite##_##name();                                                       \
  static const bool mini_gtest_added_##suite##_##name =                                            \
      ::mini_gtest::add(#suite, #name, &mini_gtest_##suite##_##name);                              \
  static void mini_gtest_##suite##_##name()

int main(int argc, char** argv) {
  using namespace mini_gtest;
  if (argc > 1 && std::string(argv[1]) == "--gtest_list_tests") {  // as gtest: names only (a start-up check)
    for (const auto& t : tests()) std::printf("%s\n", t.name.c_str());
    return 0;
  }
  std::vector<std::string> failures;
  int passed = 0, nskipped = 0;
  std::printf("[==========] Running %zu tests (mini_gtest: googletest was not found).\n", tests().size());
  for (const auto& t : tests()) {
    std::printf("[ RUN      ] %s\n", t.name.c_str());
    std::fflush(stdout);
    failed = skipped = false;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      t.fn();
    } catch (const std::exception& e) {
      std::printf("C++ exception thrown in the test body: %s\n", e.what());
      failed = true;
    } catch (...) {
      std::printf("Unknown C++ exception thrown in the test body\n");
      failed = true;
    }
    const long ms = long(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    std::printf("[%s] %s (%ld ms)\n", failed ? "  FAILED  " : skipped ? "  SKIPPED " : "       OK ", t.name.c_str(), ms);
    if (failed) failures.push_back(t.name);
    else if (skipped) ++nskipped;
    else ++passed;
  }
  std::printf("[==========] %zu tests ran.\n[  PASSED  ] %d tests.\n", tests().size(), passed);
  if (nskipped) std::printf("[  SKIPPED ] %d tests.\n", nskipped);
  if (!failures.empty()) std::printf("[  FAILED  ] %zu tests, listed below:\n", failures.size());
  for (const auto& f : failures) std::printf("[  FAILED  ] %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}
