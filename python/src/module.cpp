// sciml._core: the pybind11 extension behind the Python package. It exposes the expression graph that
// tracing builds, turns a traced graph into a run-time model (bytecode for f and its symbolic Jacobian, plus C
// sources for the native build and the SCIML_HD functor of a GPU kernel), wraps untraceable Python functions as
// models, and solves a model with any method by name, alone or as an ensemble over arrays of initial values
// and parameters (serial or on threads), with the GIL released unless the model calls back into Python.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <sciml/symbolic/expression_graph.hpp>
#include <sciml/ensemble/summary.hpp>
#include "gpu_codegen.hpp"
#include "runtime_gradient.hpp"
#include "runtime_solve.hpp"

namespace py = pybind11;

namespace sciml::python {
void register_nn(py::module_& m);     // nn.cpp: the C++ MLP (reference for sciml.nn)
void register_optim(py::module_& m);  // optim.cpp: Adam/AdamW, L-BFGS, schedules, the training loops
void register_sindy(py::module_& m);  // sindy.cpp: libraries, STLSQ/SR3, fit, threshold_sweep, derivatives
}  // namespace sciml::python
using namespace sciml;
using namespace sciml::python;
using sciml::symbolic::Graph;
using sciml::symbolic::Op;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<double> to_vector(const Array& a, const char* name) {
  if (a.ndim() > 1) throw py::value_error(std::string(name) + ": expected a 1-D array, got " + std::to_string(a.ndim()) + " dimensions");
  return std::vector<double>(a.data(), a.data() + a.size());
}

// A NumPy array owning a copy of n doubles at ptr. Arrays handed to Python are never views of C++ memory:
// Python may keep them after the call (events.append(integ.u)), and a view would then read freed memory.
Array copy_array(const double* ptr, std::size_t n) { return Array(py::ssize_t(n), ptr); }

// The marker an in-place Python f's du starts filled with: a NaN with a payload no arithmetic produces, so an
// entry f did not assign is told apart from a NaN f computed (regression: test_unassigned_du_python_f).
constexpr std::uint64_t kUnassignedBits = 0x7ff8dead5c1a0001ull;
double unassigned_marker() {
  double x;
  std::memcpy(&x, &kUnassignedBits, sizeof x);
  return x;
}
bool is_unassigned_marker(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b == kUnassignedBits;
}

// Ctrl-C during a solve. The GIL is released while C++ steps, so Python's own SIGINT handler cannot run; while
// a solve started from the main thread runs, a C handler sets `interrupt_flag`, which every step reads
// (SolveOptions::interrupt) and every ensemble trajectory checks before it starts. When the solve returns, the
// signal is handed back to Python (PyErr_SetInterruptEx), whose handler raises KeyboardInterrupt (or runs the
// user's own handler). Nested solves (a solve inside a callback) share the outer guard.
std::atomic<bool> interrupt_flag{false};
thread_local int interrupt_depth = 0;  // solves running in this thread
extern "C" void sciml_on_sigint(int) { interrupt_flag.store(true, std::memory_order_relaxed); }

struct InterruptGuard {
  bool installed = false;
  struct sigaction previous {};
  InterruptGuard() {  // with the GIL held
    if (interrupt_depth++ > 0) return;
    py::module_ threading = py::module_::import("threading");
    if (!threading.attr("current_thread")().is(threading.attr("main_thread")())) return;  // signals go to main
    interrupt_flag.store(false);
    struct sigaction sa {};
    sa.sa_handler = sciml_on_sigint;
    sigemptyset(&sa.sa_mask);
    installed = sigaction(SIGINT, &sa, &previous) == 0;
  }
  ~InterruptGuard() {
    --interrupt_depth;
    if (installed) sigaction(SIGINT, &previous, nullptr);
  }
  const std::atomic<bool>* flag() const { return &interrupt_flag; }  // never set unless a guard is installed
  // after the solve, with the GIL held: hand a Ctrl-C that arrived to Python (raises KeyboardInterrupt)
  void deliver() {
    if (!installed || !interrupt_flag.exchange(false)) return;
    sigaction(SIGINT, &previous, nullptr);
    installed = false;
    PyErr_SetInterruptEx(SIGINT);
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
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

std::string retcode_name(ReturnCode rc) { return std::string(to_string(rc)); }

SolveOptions make_options(double reltol, py::object abstol, double dt, bool adaptive, py::object saveat,
                          std::optional<bool> save_everystep, std::optional<bool> save_start,
                          std::optional<bool> save_end, std::optional<bool> dense, std::vector<double> tstops,
                          double dtmin, std::optional<double> dtmax, long maxiters, const std::string& linsolve,
                          std::size_t n) {
  SolveOptions o;
  o.reltol = reltol;
  if (py::isinstance<py::float_>(abstol) || py::isinstance<py::int_>(abstol)) {
    o.abstol = abstol.cast<double>();
  } else {
    auto v = to_vector(abstol.cast<Array>(), "abstol");
    if (v.size() != n)
      throw py::value_error("abstol: " + std::to_string(v.size()) + " values for " + std::to_string(n) + " states");
    o.abstol = Tolerance(std::move(v));
  }
  o.dt = dt;
  o.adaptive = adaptive;
  if (!saveat.is_none()) {
    if (py::isinstance<py::float_>(saveat) || py::isinstance<py::int_>(saveat)) {
      o.saveat = SaveAt(saveat.cast<double>());
    } else {
      o.saveat = SaveAt(to_vector(saveat.cast<Array>(), "saveat"));
    }
  }
  o.save_everystep = save_everystep;
  o.save_start = save_start;
  o.save_end = save_end;
  o.dense = dense;
  o.tstops = std::move(tstops);
  o.dtmin = dtmin;
  if (dtmax) o.dtmax = *dtmax;
  o.maxiters = maxiters;
  if (linsolve == "gmres" || linsolve == "GMRES") {
    o.linsolve = LinearSolver::GMRES;
  } else if (linsolve != "auto") {
    throw py::value_error("linsolve: expected 'auto' or 'gmres', got '" + linsolve + "'");
  }
  return o;
}

// The run-time callback lists over the package's callbacks (conditions traced or Python).
RuntimeCallbacks make_callbacks(const std::vector<std::shared_ptr<PyCallback>>& list, std::size_t n) {
  RuntimeCallbacks rc;
  std::vector<std::shared_ptr<PyCallback>> cont, disc;
  for (const auto& c : list) (c->continuous ? cont : disc).push_back(c);
  rc.len = cont.size();
  for (const auto& c : cont) {
    rc.up_enabled.push_back(!c->affect.is_none());
    rc.down_enabled.push_back(!c->affect_neg.is_none());
  }
  for (const auto& c : cont) rc.interp_points = std::max(rc.interp_points, c->interp_points);
  std::size_t nregs = 0;
  for (const auto& c : list)
    if (c->condition) nregs = std::max(nregs, c->condition->num_registers());
  // value of callback c's condition at (u, t); the VM's registers are per thread (ensembles solve on several)
  auto eval = [n, nregs](const PyCallback& c, const double* u, const double* p, double t) -> double {
    if (c.condition) {
      static thread_local std::vector<double> regs;
      if (regs.size() < nregs) regs.resize(nregs);
      double out = 0;
      c.condition->run(u, p, t, &out, regs.data());
      return out;
    }
    py::gil_scoped_acquire gil;
    py::object r = c.py_condition(copy_array(u, n), t, py::none());
    try {
      return r.cast<double>();
    } catch (const py::cast_error&) {
      throw py::type_error("a callback condition must return a number, got " +
                           std::string(py::str(r.get_type().attr("__name__"))));
    }
  };
  auto run_affect = [](const py::object& a, IntegratorRef& ref) {
    py::gil_scoped_acquire gil;
    auto handle = std::make_shared<PyIntegrator>();
    handle->ref = &ref;
    py::object h = py::cast(handle);
    try {
      a(h);
      handle->write_back();
    } catch (...) {
      handle->ref = nullptr;
      handle->u_arr = handle->p_arr = py::object();
      throw;
    }
    handle->ref = nullptr;
    handle->u_arr = handle->p_arr = py::object();
  };
  if (!cont.empty()) {
    rc.conditions = [cont, eval](double* out, const double* u, const double* p, double t) {
      for (std::size_t i = 0; i < cont.size(); ++i) out[i] = eval(*cont[i], u, p, t);
    };
    rc.affect = [cont, run_affect](std::size_t i, IntegratorRef& ref, bool up) {
      run_affect(up ? cont[i]->affect : cont[i]->affect_neg, ref);  // only enabled directions get here
    };
  }
  rc.ndiscrete = disc.size();
  if (!disc.empty()) {
    rc.discrete_conditions = [disc, eval](std::vector<char>& fire, const double* u, const double* p, double t) {
      for (std::size_t i = 0; i < disc.size(); ++i) fire[i] = eval(*disc[i], u, p, t) != 0.0;
    };
    rc.discrete_affect = [disc, run_affect](std::size_t i, IntegratorRef& ref) { run_affect(disc[i]->affect, ref); };
  }
  return rc;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "sciml.cpp: the compiled core of the sciml package";

  py::enum_<Op>(m, "Op")
      .value("Const", Op::Const).value("Var", Op::Var).value("Param", Op::Param).value("Time", Op::Time)
      .value("Neg", Op::Neg).value("Sin", Op::Sin).value("Cos", Op::Cos).value("Tan", Op::Tan)
      .value("Asin", Op::Asin).value("Acos", Op::Acos).value("Atan", Op::Atan).value("Sinh", Op::Sinh)
      .value("Cosh", Op::Cosh).value("Tanh", Op::Tanh).value("Exp", Op::Exp).value("Expm1", Op::Expm1)
      .value("Log", Op::Log).value("Log1p", Op::Log1p).value("Sqrt", Op::Sqrt).value("Cbrt", Op::Cbrt)
      .value("Abs", Op::Abs).value("Sign", Op::Sign).value("Floor", Op::Floor).value("Ceil", Op::Ceil)
      .value("Add", Op::Add).value("Sub", Op::Sub).value("Mul", Op::Mul).value("Div", Op::Div)
      .value("Pow", Op::Pow).value("Atan2", Op::Atan2).value("Min", Op::Min).value("Max", Op::Max)
      .value("Mod", Op::Mod).value("Lt", Op::Lt).value("Le", Op::Le).value("Gt", Op::Gt).value("Ge", Op::Ge)
      .value("Eq", Op::Eq).value("Ne", Op::Ne).value("And", Op::And).value("Or", Op::Or).value("Not", Op::Not)
      .value("IfElse", Op::IfElse);

  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph")
      .def(py::init<>())
      .def("constant", &Graph::constant)
      .def("var", &Graph::var)
      .def("param", &Graph::param)
      .def("time", &Graph::time)
      .def("unary", &Graph::unary)
      .def("binary", &Graph::binary)
      .def("ifelse", &Graph::ifelse)
      .def("is_constant", [](const Graph& g, int i) { return g.node(i).op == Op::Const; })
      .def("constant_value", [](const Graph& g, int i) {
        if (g.node(i).op != Op::Const) throw py::value_error("node is not a constant");
        return g.node(i).value;
      })
      .def("to_string", &Graph::to_string)
      .def("__len__", &Graph::size);

  py::class_<PyIntegrator, std::shared_ptr<PyIntegrator>>(m, "Integrator", "The integrator as an affect sees it")
      .def_property_readonly("t", [](const PyIntegrator& h) { return h.get().t; })
      .def_property("u", [](PyIntegrator& h) { return h.state(false); },
                    [](PyIntegrator& h, py::object v) { h.assign(false, v); },
                    "the current state (a copy: change it in place or assign it; the changes apply when the affect "
                    "returns)")
      .def_property("p", [](PyIntegrator& h) { return h.state(true); },
                    [](PyIntegrator& h, py::object v) { h.assign(true, v); }, "the parameters (as integrator.u)")
      .def("terminate", [](PyIntegrator& h) { h.get().terminate = true; }, "stop the solve after this callback")
      .def("__call__", [](PyIntegrator& h, double t) {
        auto& r = h.get();
        std::vector<double> out(r.n);
        r.interpolate(t, out.data());
        return Array(py::ssize_t(out.size()), out.data());
      }, "the state at a time inside the last step");

  py::class_<PyCallback, std::shared_ptr<PyCallback>>(m, "_Callback")
      .def(py::init([](bool continuous, py::object traced, py::object py_condition, py::object affect,
                       py::object affect_neg, int interp_points) {
        auto c = std::make_shared<PyCallback>();
        c->continuous = continuous;
        if (!traced.is_none()) {
          auto [graph, node] = traced.cast<std::pair<std::shared_ptr<Graph>, int>>();
          c->condition = symbolic::Program::compile(*graph, {node});
        }
        c->py_condition = py_condition;
        c->affect = affect;
        c->affect_neg = affect_neg;
        c->interp_points = interp_points;
        return c;
      }), py::arg("continuous"), py::arg("traced"), py::arg("condition"), py::arg("affect"), py::arg("affect_neg"),
           py::arg("interp_points") = 10)
      .def_property_readonly("traced", [](const PyCallback& c) { return bool(c.condition); });

  py::class_<PyModel, std::shared_ptr<PyModel>>(m, "Model", py::dynamic_attr())  // the package keeps its JIT state on it
      .def_property_readonly("n", [](const PyModel& pm) { return pm.m->n; })
      .def_property_readonly("np", [](const PyModel& pm) { return pm.m->np; })
      .def_property_readonly("traced", [](const PyModel& pm) { return pm.m->traced; })
      .def_property_readonly("sparse", [](const PyModel& pm) { return pm.m->sparse; })
      .def_property_readonly("jac_nnz", [](const PyModel& pm) { return pm.m->pattern.nnz(); })
      .def_property_readonly("num_instructions", [](const PyModel& pm) {
        return pm.m->traced ? pm.m->f.program.num_instructions() : std::size_t(0);
      })
      .def_property_readonly("native", [](const PyModel& pm) {
        return pm.m->f.native.load() != nullptr && pm.m->jac.native.load() != nullptr;
      })
      .def("serialize", [](const PyModel& pm) {
        if (!pm.m->traced) throw py::value_error("serialize: the model is not traced");
        return symbolic::serialize(pm.fn.graph, pm.fn.outputs) + "\n--jacobian--\n" +
               symbolic::serialize(pm.fn.graph, pm.jac_outputs) + "\n--parameter-jacobian--\n" +
               symbolic::serialize(pm.fn.graph, pm.pjac_outputs);
      }, "the canonical text of f, its Jacobian and df/dp (the compile cache hashes it)")
      .def("c_source", [](const PyModel& pm, const std::string& fsym, const std::string& jsym,
                          const std::string& psym) {
        if (!pm.m->traced) throw py::value_error("c_source: the model is not traced");
        // each function's static helpers (sciml_h_max, ...) renamed apart, so that two functions using the same
        // helper do not define it twice in one translation unit
        static const char* const helpers[] = {"sciml_h_sign", "sciml_h_min", "sciml_h_max", "sciml_h_mod"};
        auto part = [&](const std::vector<int>& outs, const std::string& sym, const std::string& tag) {
          std::string s;
          for (const char* h : helpers) s += std::string("#define ") + h + " " + h + "_" + tag + "\n";
          s += symbolic::emit_c(pm.fn.graph, outs, sym);
          for (const char* h : helpers) s += std::string("#undef ") + h + "\n";
          return s;
        };
        std::string src = part(pm.fn.outputs, fsym, "f") + "\n" + part(pm.jac_outputs, jsym, "jac");
        if (!psym.empty()) src += "\n" + part(pm.pjac_outputs, psym, "pjac");
        return src;
      }, py::arg("f_symbol"), py::arg("jac_symbol"), py::arg("pjac_symbol") = "",
         "C source of f, its Jacobian's nonzeros and (with pjac_symbol) df/dp's nonzeros")
      .def("kernel_functor", [](const PyModel& pm, const std::string& name) {
        if (!pm.m->traced) throw py::value_error("kernel_functor: the model is not traced");
        return std::string(kernel_prelude()) + "\n" + emit_kernel_functor(pm.fn.graph, pm.fn.outputs, name);
      }, py::arg("name"), "C++ source of a SCIML_HD functor computing f on fixed-size states (GPU kernels)")
      .def("load_native", [](PyModel& pm, std::uintptr_t f, std::uintptr_t jac, std::uintptr_t pjac) {
        if (!pm.m->traced || !f || !jac) throw py::value_error("load_native: a traced model and two function addresses");
        if (pjac) pm.m->pjac.native.store(reinterpret_cast<NativeFn>(pjac), std::memory_order_release);
        pm.m->f.native.store(reinterpret_cast<NativeFn>(f), std::memory_order_release);
        pm.m->jac.native.store(reinterpret_cast<NativeFn>(jac), std::memory_order_release);
      }, py::arg("f"), py::arg("jac"), py::arg("pjac") = 0,
         "use native functions (addresses from the compiled library) for f, the Jacobian and df/dp")
      .def("unload_native", [](PyModel& pm) {
        pm.m->f.native.store(nullptr);
        pm.m->jac.native.store(nullptr);
        pm.m->pjac.native.store(nullptr);
      })
      .def("rhs", [](const PyModel& pm, const Array& u, const Array& p, double t, bool native) {
        auto uv = to_vector(u, "u"), pv = to_vector(p, "p");
        if (uv.size() != pm.m->n) throw py::value_error("u: expected " + std::to_string(pm.m->n) + " values");
        std::vector<double> du(pm.m->n);
        RuntimeRHS f(ModelView::snapshot(pm.m, native));
        if (native && pm.m->traced && !f.v.f_native) throw py::value_error("rhs: no native code loaded");
        f(du, uv, pv, t);
        return Array(py::ssize_t(du.size()), du.data());
      }, py::arg("u"), py::arg("p"), py::arg("t"), py::arg("native") = false)
      .def("jacobian", [](const PyModel& pm, const Array& u, const Array& p, double t, bool native) {
        auto uv = to_vector(u, "u"), pv = to_vector(p, "p");
        const std::size_t n = pm.m->n;
        if (uv.size() != n) throw py::value_error("u: expected " + std::to_string(n) + " values");
        Eigen::MatrixXd J = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
        RuntimeJac jac(ModelView::snapshot(pm.m, native));
        jac(J, uv, pv, t);
        Array out({py::ssize_t(n), py::ssize_t(n)});
        auto w = out.mutable_unchecked<2>();
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < n; ++j) w(i, j) = J(Eigen::Index(i), Eigen::Index(j));
        return out;
      }, py::arg("u"), py::arg("p"), py::arg("t"), py::arg("native") = false);

  m.def("traced_model", [](std::shared_ptr<Graph> g, std::vector<int> outputs, std::size_t np, std::size_t n,
                           double sparse_fill, std::size_t sparse_min) {
    if (outputs.size() != n)
      throw py::value_error("f returned " + std::to_string(outputs.size()) + " values for " + std::to_string(n) + " states");
    auto pm = std::make_shared<PyModel>();
    pm->fn.graph = *g;
    pm->fn.n_states = int(n);
    pm->fn.n_params = int(np);
    pm->fn.outputs = outputs;
    auto jac = symbolic::jacobian(pm->fn);
    pm->jac_outputs = jac.values;
    auto model = std::make_shared<Model>();
    model->n = n;
    model->np = np;
    model->traced = true;
    model->f.program = symbolic::Program::compile(pm->fn.graph, pm->fn.outputs);
    model->jac.program = symbolic::Program::compile(pm->fn.graph, jac.values);
    if (np > 0) {  // df/dp for adjoints (symbolic, bytecode)
      auto pj = symbolic::param_jacobian(pm->fn);
      model->pjac.program = symbolic::Program::compile(pm->fn.graph, pj.values);
      pm->pjac_outputs = pj.values;
      model->ppattern = std::move(pj.pattern);
    } else {
      model->pjac.program = symbolic::Program::compile(pm->fn.graph, {});
      model->ppattern.n = n;
      model->ppattern.row_ptr.assign(n + 1, 0);
    }
    model->pattern = std::move(jac.pattern);
    model->pattern.n = n;
    model->sparse = n >= sparse_min && double(model->pattern.nnz()) <= sparse_fill * double(n) * double(n);
    pm->m = std::move(model);
    return pm;
  }, py::arg("graph"), py::arg("outputs"), py::arg("np"), py::arg("n"), py::arg("sparse_fill") = 0.1,
     py::arg("sparse_min") = 51);

  m.def("callback_model", [](py::object f, bool inplace, std::size_t n, std::size_t np, py::object jac) {
    auto pm = std::make_shared<PyModel>();
    pm->pyfunc = f;
    pm->inplace = inplace;
    auto model = std::make_shared<Model>();
    model->n = n;
    model->np = np;
    model->traced = false;
    py::object fobj = f;
    // hold a reference without the GIL-less copies pybind's std::function casts would make
    auto holder = std::make_shared<py::object>(fobj);
    model->callback = [holder, inplace, n, np](double* du, const double* u, const double* p, double t) {
      py::gil_scoped_acquire gil;
      Array ua = copy_array(u, n), pa = copy_array(p, np);
      if (inplace) {
        Array da(static_cast<py::ssize_t>(n));
        std::fill(da.mutable_data(), da.mutable_data() + n, unassigned_marker());
        (*holder)(da, ua, pa, t);
        for (std::size_t i = 0; i < n; ++i)
          if (is_unassigned_marker(da.data()[i]))
            throw py::value_error("f(du, u, p, t) did not assign du[" + std::to_string(i) +
                                  "]: write every entry (du[:] = ... rather than rebinding du)");
        std::copy(da.data(), da.data() + n, du);
        return;
      }
      py::object r = (*holder)(ua, pa, t);
      Array ra;
      try {
        ra = r.cast<Array>();
      } catch (const py::cast_error&) {
        throw py::type_error("f must return a sequence of numbers, got " + std::string(py::str(r.get_type())));
      }
      if (std::size_t(ra.size()) != n)
        throw py::value_error("f returned " + std::to_string(ra.size()) + " values for " + std::to_string(n) + " states");
      std::copy(ra.data(), ra.data() + n, du);
    };
    if (!jac.is_none()) {  // jac(u, p, t) -> n x n
      auto jholder = std::make_shared<py::object>(jac);
      model->jac_callback = [jholder, n, np](double* J, const double* u, const double* p, double t) {
        py::gil_scoped_acquire gil;
        py::object r = (*jholder)(copy_array(u, n), copy_array(p, np), t);
        Array ra = r.cast<Array>();
        if (ra.ndim() != 2 || std::size_t(ra.shape(0)) != n || std::size_t(ra.shape(1)) != n)
          throw py::value_error("jac must return an n x n array for n = " + std::to_string(n) + " states");
        std::copy(ra.data(), ra.data() + n * n, J);
      };
    }
    pm->m = std::move(model);
    return pm;
  }, py::arg("f"), py::arg("inplace"), py::arg("n"), py::arg("np"), py::arg("jac") = py::none());

  py::class_<RuntimeSolution, std::shared_ptr<RuntimeSolution>>(m, "_Solution")
      .def_property_readonly("t", [](py::object self) {
        auto& s = self.cast<RuntimeSolution&>();
        return py::array(py::dtype::of<double>(), {s.t.size()}, {sizeof(double)}, s.t.data(), self);
      })
      .def_property_readonly("u", [](py::object self) {
        auto& s = self.cast<RuntimeSolution&>();
        const std::size_t rows = s.n ? s.u.size() / s.n : 0;
        return py::array(py::dtype::of<double>(), {rows, s.n}, {s.n * sizeof(double), sizeof(double)}, s.u.data(), self);
      })
      .def_property_readonly("retcode", [](const RuntimeSolution& s) { return retcode_name(s.retcode); })
      .def_property_readonly("success", [](const RuntimeSolution& s) { return successful_retcode(s.retcode); })
      .def_property_readonly("message", [](const RuntimeSolution& s) { return s.message; })
      .def_property_readonly("alg", [](const RuntimeSolution& s) { return s.alg; })
      .def_property_readonly("dense", [](const RuntimeSolution& s) { return s.dense; })
      .def_property_readonly("stats", [](const RuntimeSolution& s) {
        py::dict d;
        d["nf"] = s.stats.nf;
        d["njac"] = s.stats.njac;
        d["nw"] = s.stats.nw;
        d["nsolve"] = s.stats.nsolve;
        d["naccept"] = s.stats.naccept;
        d["nreject"] = s.stats.nreject;
        d["nsteps"] = s.stats.nsteps;
        d["nnonliniter"] = s.stats.nnonliniter;
        d["nnonlinconvfail"] = s.stats.nnonlinconvfail;
        d["nswitch"] = s.stats.nswitch;
        d["nkrylov"] = s.stats.nkrylov;
        return d;
      })
      .def("interpolate", [](const RuntimeSolution& s, const Array& ts) {
        Array out({py::ssize_t(ts.size()), py::ssize_t(s.n)});
        auto w = out.mutable_data();
        for (py::ssize_t i = 0; i < ts.size(); ++i) s.interpolate(ts.data()[i], w + std::size_t(i) * s.n);
        return out;
      });

  m.def("methods", [] {
    std::vector<std::string> names;
    for (const auto& [k, v] : registry()) names.push_back(k);
    return names;
  });

  m.def("gradient_methods", [] {
    std::vector<std::string> names;
    for (const auto& [k, v] : gradient_registry()) names.push_back(k);
    return names;
  });

  m.def("gradient", [](std::shared_ptr<PyModel> pm, const std::string& alg, const std::string& sense, const Array& u0,
                       double t0, double t1, const Array& p, const Array& ts, py::object data, py::object loss,
                       double reltol, py::object abstol, double dt, long maxiters, bool allow_native) {
    const auto& reg = gradient_registry();
    auto it = reg.find(alg + "|" + sense);
    if (it == reg.end()) {
      std::string have;
      for (const auto& [k, v] : reg) have += (have.empty() ? "" : ", ") + k;
      throw py::value_error("gradient: the pair " + alg + " with " + sense + " is not available; choose one of " + have);
    }
    if (!pm->m->traced) throw py::value_error("gradient: f could not be traced; adjoints need a traced right-hand side");
    auto u = to_vector(u0, "u0");
    auto pv = to_vector(p, "p");
    auto tv = to_vector(ts, "ts");
    const std::size_t n = u.size();
    if (n != pm->m->n) throw py::value_error("u0: " + std::to_string(n) + " values for a model of " + std::to_string(pm->m->n) + " states");
    if (pv.size() != pm->m->np) throw py::value_error("p: " + std::to_string(pv.size()) + " values for " + std::to_string(pm->m->np) + " parameters");
    LossFn lossfn;
    bool python_loss = false;
    if (!data.is_none()) {
      auto d = data.cast<Array>();
      if (d.ndim() != 2 || std::size_t(d.shape(0)) != tv.size() || std::size_t(d.shape(1)) != n)
        throw py::value_error("data: expected an array of shape (len(ts), n) = (" + std::to_string(tv.size()) + ", " +
                              std::to_string(n) + ")");
      SquaredErrorLoss sq;
      for (std::size_t i = 0; i < tv.size(); ++i) sq.data.emplace_back(d.data() + i * n, d.data() + (i + 1) * n);
      lossfn = sq;
    } else if (!loss.is_none()) {
      python_loss = true;
      auto holder = std::make_shared<py::object>(loss);
      lossfn = [holder, n](std::size_t i, double t, const std::vector<double>& uu, std::vector<double>& g) {
        py::gil_scoped_acquire gil;
        py::array ua(py::dtype::of<double>(), {n}, {sizeof(double)}, uu.data());
        py::object r = (*holder)(i, t, ua);
        auto pair = r.cast<std::pair<double, Array>>();
        if (std::size_t(pair.second.size()) != n)
          throw py::value_error("loss must return (value, gradient) with one gradient entry per state");
        std::copy(pair.second.data(), pair.second.data() + n, g.begin());
        return pair.first;
      };
    } else {
      throw py::value_error("gradient: give data (an array of shape (len(ts), n)) or loss(i, t, u) -> (value, grad)");
    }
    (void)python_loss;
    SolveOptions o = make_options(reltol, abstol, dt, true, py::none(), std::nullopt, std::nullopt, std::nullopt,
                                  std::nullopt, {}, 0.0, std::nullopt, maxiters, "auto", n);
    RuntimeProblem prob(make_runtime_function(ModelView::snapshot(pm->m, allow_native)), u, {t0, t1}, pv);
    GradientResult r;
    InterruptGuard guard;
    o.interrupt = guard.flag();
    {
      py::gil_scoped_release release;  // a Python loss takes the GIL back itself
      r = it->second(prob, tv, lossfn, o);
    }
    guard.deliver();
    py::dict out;
    out["loss"] = r.loss;
    out["dp"] = Array(py::ssize_t(r.dp.size()), r.dp.data());
    out["du0"] = Array(py::ssize_t(r.du0.size()), r.du0.data());
    out["retcode"] = retcode_name(r.retcode);
    out["message"] = r.message;
    out["forward_nf"] = r.forward.nf;
    out["adjoint_nf"] = r.adjoint.nf;
    return out;
  }, py::arg("model"), py::arg("alg"), py::arg("sense"), py::arg("u0"), py::arg("t0"), py::arg("t1"), py::arg("p"),
     py::arg("ts"), py::arg("data"), py::arg("loss"), py::arg("reltol"), py::arg("abstol"), py::arg("dt"),
     py::arg("maxiters"), py::arg("allow_native"));

  m.def("solve", [](std::shared_ptr<PyModel> pm, const std::string& alg, const Array& u0, double t0, double t1,
                    const Array& p, double reltol, py::object abstol, double dt, bool adaptive, py::object saveat,
                    std::optional<bool> save_everystep, std::optional<bool> save_start, std::optional<bool> save_end,
                    std::optional<bool> dense, std::vector<double> tstops, double dtmin, std::optional<double> dtmax,
                    long maxiters, const std::string& linsolve, bool allow_native,
                    std::vector<std::shared_ptr<PyCallback>> callbacks, py::object mass_matrix) {
    const auto& reg = registry();
    auto it = reg.find(alg);
    if (it == reg.end()) throw py::value_error("alg: unknown method '" + alg + "'");
    auto u = to_vector(u0, "u0");
    auto pv = to_vector(p, "p");
    if (u.size() != pm->m->n)
      throw py::value_error("u0: " + std::to_string(u.size()) + " values for a model of " + std::to_string(pm->m->n) + " states");
    if (pv.size() != pm->m->np)
      throw py::value_error("p: " + std::to_string(pv.size()) + " values for a model of " + std::to_string(pm->m->np) + " parameters");
    SolveOptions o = make_options(reltol, abstol, dt, adaptive, saveat, save_everystep, save_start, save_end, dense,
                                  std::move(tstops), dtmin, dtmax, maxiters, linsolve, u.size());
    std::optional<MassMatrix> mass;
    if (!mass_matrix.is_none()) {
      auto a = mass_matrix.cast<Array>();
      const auto n = py::ssize_t(u.size());
      if (a.ndim() != 2 || a.shape(0) != n || a.shape(1) != n)
        throw py::value_error("mass_matrix: expected an n x n array for n = " + std::to_string(n) + " states");
      mass = MassMatrix(n, n);
      auto r = a.unchecked<2>();
      for (py::ssize_t i = 0; i < n; ++i)
        for (py::ssize_t j = 0; j < n; ++j) (*mass)(i, j) = r(i, j);
      if (!mass->allFinite()) throw py::value_error("mass_matrix: contains NaN or Inf");
    }
    RuntimeFunction fn = make_runtime_function(ModelView::snapshot(pm->m, allow_native));
    if (mass && !mass->isDiagonal()) fn.enabled = false;  // the sparse path takes diagonal mass matrices only
    RuntimeProblem prob(std::move(fn), u, {t0, t1}, pv);
    std::shared_ptr<RuntimeSolution> sol;
    InterruptGuard guard;
    o.interrupt = guard.flag();
    {
      RuntimeCallbacks rc = make_callbacks(callbacks, u.size());
      py::gil_scoped_release release;  // Python code (callbacks, an untraced f) takes the GIL back itself
      sol = it->second.solve(prob, mass ? &*mass : nullptr, o, rc);
    }
    guard.deliver();
    return sol;
  }, py::arg("model"), py::arg("alg"), py::arg("u0"), py::arg("t0"), py::arg("t1"), py::arg("p"),
     py::arg("reltol"), py::arg("abstol"), py::arg("dt"), py::arg("adaptive"), py::arg("saveat"),
     py::arg("save_everystep"), py::arg("save_start"), py::arg("save_end"), py::arg("dense"), py::arg("tstops"),
     py::arg("dtmin"), py::arg("dtmax"), py::arg("maxiters"), py::arg("linsolve"), py::arg("allow_native"),
     py::arg("callbacks"), py::arg("mass_matrix") = py::none());

  m.def("solve_ensemble", [](std::shared_ptr<PyModel> pm, const std::string& alg, const Array& u0s,
                             const Array& params, long long trajectories, double t0, double t1, double reltol,
                             py::object abstol, double dt, bool adaptive, py::object saveat,
                             std::optional<bool> save_everystep, std::optional<bool> save_start,
                             std::optional<bool> save_end, std::vector<double> tstops, double dtmin,
                             std::optional<double> dtmax, long maxiters, const std::string& linsolve,
                             bool allow_native, std::vector<std::shared_ptr<PyCallback>> callbacks,
                             py::object mass_matrix, bool serial, unsigned threads, std::size_t chunk) {
    const auto& reg = registry();
    auto it = reg.find(alg);
    if (it == reg.end()) throw py::value_error("alg: unknown method '" + alg + "'");
    const std::size_t n = pm->m->n, np = pm->m->np;
    if (u0s.ndim() != 2 || std::size_t(u0s.shape(1)) != n)
      throw py::value_error("u0s: expected an array of shape (trajectories, " + std::to_string(n) + ")");
    if (params.ndim() != 2 || std::size_t(params.shape(1)) != np)
      throw py::value_error("params: expected an array of shape (trajectories, " + std::to_string(np) + ")");
    if (u0s.shape(0) != params.shape(0))
      throw py::value_error("u0s: " + std::to_string(u0s.shape(0)) + " rows, but params has " +
                            std::to_string(params.shape(0)) + "; give one of each per trajectory");
    const std::size_t rows = std::size_t(u0s.shape(0));
    std::vector<std::vector<double>> uv(rows), pv(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      uv[i].assign(u0s.data() + i * n, u0s.data() + (i + 1) * n);
      pv[i].assign(params.data() + i * np, params.data() + (i + 1) * np);
    }
    SolveOptions o = make_options(reltol, abstol, dt, adaptive, saveat, save_everystep, save_start, save_end, false,
                                  std::move(tstops), dtmin, dtmax, maxiters, linsolve, n);
    std::optional<MassMatrix> mass;
    if (!mass_matrix.is_none()) {
      auto a = mass_matrix.cast<Array>();
      if (a.ndim() != 2 || std::size_t(a.shape(0)) != n || std::size_t(a.shape(1)) != n)
        throw py::value_error("mass_matrix: expected an n x n array for n = " + std::to_string(n) + " states");
      mass = MassMatrix(Eigen::Index(n), Eigen::Index(n));
      auto r = a.unchecked<2>();
      for (py::ssize_t i = 0; i < py::ssize_t(n); ++i)
        for (py::ssize_t j = 0; j < py::ssize_t(n); ++j) (*mass)(i, j) = r(i, j);
    }
    RuntimeFunction fn = make_runtime_function(ModelView::snapshot(pm->m, allow_native));
    if (mass && !mass->isDiagonal()) fn.enabled = false;
    std::vector<double> u0 = rows ? uv[0] : std::vector<double>(n, 0.0);
    std::vector<double> p0 = rows ? pv[0] : std::vector<double>(np, 0.0);
    RuntimeProblem prob(std::move(fn), u0, {t0, t1}, p0);
    RuntimeEnsembleBackend backend{serial, threads, chunk};
    RuntimeCallbacks rc = make_callbacks(callbacks, n);
    RuntimeEnsembleSolution es;
    InterruptGuard guard;
    o.interrupt = guard.flag();
    try {
      py::gil_scoped_release release;  // Python code (callbacks, an untraced f) takes the GIL back itself
      es = it->second.ensemble(prob, mass ? &*mass : nullptr, std::move(uv), std::move(pv), trajectories, o, rc,
                               backend);
    } catch (const std::exception& e) {
      // an exception raised by Python code (f, a callback) in a trajectory reaches the caller as it was raised,
      // with a note naming the trajectory ("trajectory i: ..." from the ensemble solve)
      try {
        std::rethrow_if_nested(e);
      } catch (py::error_already_set& inner) {
        const std::string what = e.what();
        const auto colon = what.find(':');
        py::object value = inner.value();
        if (value && py::hasattr(value, "add_note"))
          value.attr("add_note")("raised in " + what.substr(0, colon) + " of the ensemble");
        throw;
      } catch (...) {
      }
      throw;
    }
    guard.deliver();
    // pack: when every trajectory's times are a prefix of the longest successful one's (saveat, or the same
    // adaptive steps), one (N, len(t), n) array with NaN after the points a failed trajectory did not reach (the
    // point where a failed solve stopped, off those times, is kept apart in "extra"); else lists
    const std::size_t N = es.u.size();
    py::dict out;
    std::size_t ref = N;
    for (std::size_t i = 0; i < N; ++i)
      if (successful_retcode(es.retcodes[i]) && (ref == N || es.u[i].t.size() > es.u[ref].t.size())) ref = i;
    if (ref == N)
      for (std::size_t i = 0; i < N; ++i)
        if (ref == N || es.u[i].t.size() > es.u[ref].t.size()) ref = i;
    auto is_prefix = [&](std::size_t i, std::size_t k) {
      const auto& ti = es.u[i].t;
      const auto& tr = es.u[ref].t;
      return k <= tr.size() && std::equal(ti.begin(), ti.begin() + std::ptrdiff_t(k), tr.begin());
    };
    std::vector<std::size_t> kept(N, 0);
    bool common = N > 0;
    for (std::size_t i = 0; i < N && common; ++i) {
      const std::size_t k = es.u[i].t.size();
      if (is_prefix(i, k)) {
        kept[i] = k;
      } else if (!successful_retcode(es.retcodes[i]) && k > 0 && is_prefix(i, k - 1)) {
        kept[i] = k - 1;
      } else {
        common = false;
      }
    }
    py::array_t<long long> saved(static_cast<py::ssize_t>(N));
    for (std::size_t i = 0; i < N; ++i) saved.mutable_data()[i] = (long long)(common ? kept[i] : es.u[i].t.size());
    py::dict extra;
    if (common) {
      const auto& tr = es.u[ref].t;
      const std::size_t nt = tr.size();
      out["t"] = Array(py::ssize_t(nt), tr.data());
      Array u({py::ssize_t(N), py::ssize_t(nt), py::ssize_t(n)});
      double* w = u.mutable_data();
      std::fill(w, w + N * nt * n, std::numeric_limits<double>::quiet_NaN());
      for (std::size_t i = 0; i < N; ++i) {
        const auto& x = es.u[i];
        std::copy(x.u.begin(), x.u.begin() + std::ptrdiff_t(kept[i] * n), w + i * nt * n);
        if (kept[i] < x.t.size())
          extra[py::int_(i)] = py::make_tuple(x.t.back(), Array(py::ssize_t(n), x.u.data() + kept[i] * n));
      }
      out["u"] = u;
    } else {
      py::list ts, us;
      for (std::size_t i = 0; i < N; ++i) {
        const auto& x = es.u[i];
        ts.append(Array(py::ssize_t(x.t.size()), x.t.data()));
        Array ui({py::ssize_t(x.t.size()), py::ssize_t(n)});
        std::copy(x.u.begin(), x.u.end(), ui.mutable_data());
        us.append(ui);
      }
      out["t"] = ts;
      out["u"] = us;
    }
    out["extra"] = extra;
    out["saved"] = saved;
    py::list retcodes;
    for (auto r : es.retcodes) retcodes.append(retcode_name(r));
    out["retcodes"] = retcodes;
    out["messages"] = es.messages;
    py::dict stats;
    auto counter = [&](const char* name, auto get) {
      py::array_t<long long> a(static_cast<py::ssize_t>(N));
      for (std::size_t i = 0; i < N; ++i) a.mutable_data()[i] = (long long)get(es.stats[i]);
      stats[name] = a;
    };
    counter("nf", [](const Stats& s) { return s.nf; });
    counter("njac", [](const Stats& s) { return s.njac; });
    counter("nsolve", [](const Stats& s) { return s.nsolve; });
    counter("naccept", [](const Stats& s) { return s.naccept; });
    counter("nreject", [](const Stats& s) { return s.nreject; });
    counter("nsteps", [](const Stats& s) { return s.nsteps; });
    out["stats"] = stats;
    out["failures"] = es.failures;
    out["elapsed"] = es.elapsed;
    return out;
  }, py::arg("model"), py::arg("alg"), py::arg("u0s"), py::arg("params"), py::arg("trajectories"), py::arg("t0"),
     py::arg("t1"), py::arg("reltol"), py::arg("abstol"), py::arg("dt"), py::arg("adaptive"), py::arg("saveat"),
     py::arg("save_everystep"), py::arg("save_start"), py::arg("save_end"), py::arg("tstops"), py::arg("dtmin"),
     py::arg("dtmax"), py::arg("maxiters"), py::arg("linsolve"), py::arg("allow_native"), py::arg("callbacks"),
     py::arg("mass_matrix"), py::arg("serial"), py::arg("threads"), py::arg("chunk"),
     "trajectory i solves the model from u0s[i] with params[i] (sciml::ensemble_from_arrays), for i < trajectories, "
     "on EnsembleSerial or EnsembleThreads{threads, chunk}");

  // sciml::summarize over saved points: per trajectory its times and states (failed ones left out)
  m.def("ensemble_summary", [](std::vector<Array> ts, std::vector<Array> us, std::vector<bool> success,
                               std::vector<double> levels) {
    struct Row {
      std::vector<double> t;
      std::vector<std::vector<double>> u;
    };
    if (ts.size() != us.size() || ts.size() != success.size())
      throw py::value_error("ensemble_summary: one t, u and success flag per trajectory");
    EnsembleSolution<Row> es;
    es.u.resize(ts.size());
    es.retcodes.resize(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
      es.retcodes[i] = success[i] ? ReturnCode::Success : ReturnCode::Failure;
      if (!success[i]) continue;
      const Array& u = us[i];
      if (u.ndim() != 2 || u.shape(0) != ts[i].size())
        throw py::value_error("ensemble_summary: trajectory " + std::to_string(i) + ": u needs one row per time");
      es.u[i].t.assign(ts[i].data(), ts[i].data() + ts[i].size());
      const std::size_t n = std::size_t(u.shape(1));
      for (py::ssize_t r = 0; r < u.shape(0); ++r) es.u[i].u.emplace_back(u.data() + r * n, u.data() + (r + 1) * n);
    }
    EnsembleSummary s = summarize(es, std::move(levels));
    const std::size_t nt = s.mean.size(), n = nt ? s.mean[0].size() : 0;
    auto matrix = [&](const std::vector<std::vector<double>>& x) {
      Array a({py::ssize_t(nt), py::ssize_t(n)});
      for (std::size_t i = 0; i < nt; ++i) std::copy(x[i].begin(), x[i].end(), a.mutable_data() + i * n);
      return a;
    };
    py::dict d;
    d["t"] = Array(py::ssize_t(s.t.size()), s.t.data());
    d["levels"] = Array(py::ssize_t(s.levels.size()), s.levels.data());
    d["trajectories"] = s.trajectories;
    d["failures"] = s.failures;
    d["mean"] = matrix(s.mean);
    d["variance"] = matrix(s.variance);
    Array q({py::ssize_t(s.levels.size()), py::ssize_t(nt), py::ssize_t(n)});
    for (std::size_t j = 0; j < s.levels.size(); ++j)
      for (std::size_t i = 0; i < nt; ++i)
        std::copy(s.quantiles[j][i].begin(), s.quantiles[j][i].end(), q.mutable_data() + (j * nt + i) * n);
    d["quantiles"] = q;
    return d;
  }, py::arg("t"), py::arg("u"), py::arg("success"), py::arg("levels"),
     "sciml::summarize: mean, variance and quantiles over the successful trajectories per saved time");

  register_nn(m);
  register_optim(m);
  register_sindy(m);
}
