// Shared by the binding files of sciml._core (bind_*.cpp, one a concern; module.cpp calls them in order): the
// NumPy conversions, the Ctrl-C guard of a solve, the model, integrator and callback objects Python holds, and
// the solve options and run-time callbacks made from Python's arguments.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <sciml/symbolic/expression_graph.hpp>
#include "runtime_solve.hpp"

namespace sciml::python {

// The names a registry (a map from name to entry) holds, in its order.
template <class Map>
std::vector<std::string> keys_of(const Map& registry) {
  std::vector<std::string> names;
  for (const auto& kv : registry) names.push_back(kv.first);
  return names;
}

namespace py = pybind11;

// One function a concern, called by module.cpp in this order (a class is registered before the functions whose
// signatures name it).
void bind_tracing(py::module_& m);    // bind_tracing.cpp: Op and Graph, the expression graph tracing builds
void bind_callbacks(py::module_& m);  // bind_callbacks.cpp: Integrator (what an affect sees), _Callback
void bind_models(py::module_& m);     // bind_models.cpp: Model, traced_model, callback_model
void bind_methods(py::module_& m);    // bind_methods.cpp: the methods, their properties, the default choice
void bind_options(py::module_& m);    // bind_options.cpp: check_options (the integrator's validator)
void bind_solve(py::module_& m);      // bind_solve.cpp: solve and its _Solution
void bind_gradients(py::module_& m);  // bind_gradients.cpp: gradient, gradient_methods
void bind_ensembles(py::module_& m);  // bind_ensembles.cpp: solve_ensemble, ensemble_summary
void register_nn(py::module_& m);     // nn.cpp: the C++ MLP (reference for sciml.nn)
void register_optim(py::module_& m);  // optim.cpp: Adam/AdamW, L-BFGS, schedules, the training loops
void register_sindy(py::module_& m);  // sindy.cpp: libraries, STLSQ/SR3, fit, threshold_sweep, derivatives

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<double> to_vector(const Array& a, const char* name);

// A NumPy array owning a copy of n doubles at ptr. Arrays handed to Python are never views of C++ memory:
// Python may keep them after the call (events.append(integ.u)), and a view would then read freed memory.
inline Array copy_array(const double* ptr, std::size_t n) { return Array(py::ssize_t(n), ptr); }

inline std::string retcode_name(ReturnCode rc) { return std::string(to_string(rc)); }

// Ctrl-C during a solve. The GIL is released while C++ steps, so Python's own SIGINT handler cannot run; while
// a solve started from the main thread runs, a C handler sets `interrupt_flag`, which every step reads
// (SolveOptions::interrupt) and every ensemble trajectory checks before it starts. When the solve returns, the
// signal is handed back to Python (PyErr_SetInterruptEx), whose handler raises KeyboardInterrupt (or runs the
// user's own handler). Nested solves (a solve inside a callback) share the outer guard.
extern std::atomic<bool> interrupt_flag;
struct InterruptGuard {
  bool installed = false;
  struct sigaction previous {};
  InterruptGuard();
  ~InterruptGuard();
  const std::atomic<bool>* flag() const { return &interrupt_flag; }  // never set unless a guard is installed
  // after the solve, with the GIL held: hand a Ctrl-C that arrived to Python (raises KeyboardInterrupt)
  void deliver();
};

// The traced model together with its graph (kept for C sources and the cache key).
struct PyModel {
  std::shared_ptr<Model> m;
  symbolic::Function fn;  // f's graph and outputs (the Jacobian's nodes are added to fn.graph)
  std::vector<int> jac_outputs;
  std::vector<int> pjac_outputs;  // df/dp's nonzeros (adjoints)
  py::object pyfunc;      // the Python callable of an untraced model
  bool inplace = false;
};

// Integrator handle given to Python affects; valid only while the affect runs. integ.u and integ.p are NumPy
// arrays owning copies of the state and parameters (the same array for every access within one affect, so
// `integ.u[1] = -0.9 * integ.u[1]` works); what the affect wrote is copied back when it returns. An array kept
// after the affect is the user's own copy, safe to read and write.
struct PyIntegrator {
  IntegratorRef* ref = nullptr;
  py::object u_arr, p_arr;
  IntegratorRef& get() const {
    if (!ref) throw std::runtime_error("this integrator handle is only valid inside the callback it was passed to");
    return *ref;
  }
  py::object& state(bool params) {
    auto& r = get();
    py::object& a = params ? p_arr : u_arr;
    if (!a) a = copy_array(params ? r.p : r.u, params ? r.np : r.n);
    return a;
  }
  void assign(bool params, const py::object& value) {
    auto& r = get();
    const std::size_t n = params ? r.np : r.n;
    Array v = value.cast<Array>();
    if (std::size_t(v.size()) != n)
      throw py::value_error(std::string(params ? "integrator.p" : "integrator.u") + ": " + std::to_string(v.size()) +
                            " values given for " + std::to_string(n) + " entries");
    py::array dst = state(params);
    std::copy(v.data(), v.data() + n, static_cast<double*>(dst.mutable_data()));
  }
  // the affect returned: its changes reach the integrator
  void write_back() {
    auto& r = get();
    auto put = [](const py::object& a, double* dst, std::size_t n, const char* name) {
      if (!a) return;
      Array v = a.cast<Array>();
      if (std::size_t(v.size()) != n)
        throw py::value_error(std::string(name) + " was resized inside the affect (" + std::to_string(v.size()) +
                              " values for " + std::to_string(n) + " entries)");
      std::copy(v.data(), v.data() + n, dst);
    };
    put(u_arr, r.u, r.n, "integrator.u");
    put(p_arr, r.p, r.np, "integrator.p");
  }
};

// One callback as the package passes it.
struct PyCallback {
  bool continuous = true;
  std::optional<symbolic::Program> condition;  // traced condition of (u, p, t)
  py::object py_condition;                      // else the Python one: condition(u, t, integrator)
  py::object affect, affect_neg;                // None: ignore that direction (continuous)
  int interp_points = 10;
};

// The options of a solve from Python's arguments (the choices of linsolve and a positive saveat spacing are
// checked here; the integrator's validator checks the rest).
SolveOptions make_options(double reltol, py::object abstol, double dt, bool adaptive, py::object saveat,
                          std::optional<bool> save_everystep, std::optional<bool> save_start,
                          std::optional<bool> save_end, std::optional<bool> dense, std::vector<double> tstops,
                          double dtmin, std::optional<double> dtmax, long maxiters, const std::string& linsolve,
                          std::size_t n);

// The registry's method called alg (ValueError naming it otherwise).
const Method& method_arg(const std::string& alg);

// The mass matrix argument of a solve: None, or an n x n array of finite numbers.
std::optional<MassMatrix> mass_matrix_arg(const py::object& mass_matrix, std::size_t n);

// The run-time callback lists over the package's callbacks (conditions traced or Python).
RuntimeCallbacks make_callbacks(const std::vector<std::shared_ptr<PyCallback>>& list, std::size_t n);

}  // namespace sciml::python
