// What the binding files share (bindings.hpp): NumPy conversions, the Ctrl-C guard, and the method and mass
// matrix of a solve from Python's arguments.
#include "bindings.hpp"

namespace sciml::python {

std::vector<double> to_vector(const Array& a, const char* name) {
  if (a.ndim() > 1) throw py::value_error(std::string(name) + ": expected a 1-D array, got " + std::to_string(a.ndim()) + " dimensions");
  return std::vector<double>(a.data(), a.data() + a.size());
}

std::atomic<bool> interrupt_flag{false};
namespace {
thread_local int interrupt_depth = 0;  // solves running in this thread
extern "C" void sciml_on_sigint(int) { interrupt_flag.store(true, std::memory_order_relaxed); }
}  // namespace

InterruptGuard::InterruptGuard() {  // with the GIL held
  if (interrupt_depth++ > 0) return;
  py::module_ threading = py::module_::import("threading");
  if (!threading.attr("current_thread")().is(threading.attr("main_thread")())) return;  // signals go to main
  interrupt_flag.store(false);
  struct sigaction sa {};
  sa.sa_handler = sciml_on_sigint;
  sigemptyset(&sa.sa_mask);
  installed = sigaction(SIGINT, &sa, &previous) == 0;
}
InterruptGuard::~InterruptGuard() {
  --interrupt_depth;
  if (installed) sigaction(SIGINT, &previous, nullptr);
}

void InterruptGuard::deliver() {
  if (!installed || !interrupt_flag.exchange(false)) return;
  sigaction(SIGINT, &previous, nullptr);
  installed = false;
  PyErr_SetInterruptEx(SIGINT);
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

const Method& method_arg(const std::string& alg) {
  const auto& reg = registry();
  auto it = reg.find(alg);
  if (it == reg.end()) throw py::value_error("alg: unknown method '" + alg + "'");
  return it->second;
}

std::optional<MassMatrix> mass_matrix_arg(const py::object& mass_matrix, std::size_t n) {
  if (mass_matrix.is_none()) return std::nullopt;
  auto a = mass_matrix.cast<Array>();
  const auto k = py::ssize_t(n);
  if (a.ndim() != 2 || a.shape(0) != k || a.shape(1) != k)
    throw py::value_error("mass_matrix: expected an n x n array for n = " + std::to_string(n) + " states");
  MassMatrix mass(k, k);
  auto r = a.unchecked<2>();
  for (py::ssize_t i = 0; i < k; ++i)
    for (py::ssize_t j = 0; j < k; ++j) mass(i, j) = r(i, j);
  if (!mass.allFinite()) throw py::value_error("mass_matrix: contains NaN or Inf");
  return mass;
}

}  // namespace sciml::python
