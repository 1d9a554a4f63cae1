// sciml._core.Integrator (the integrator as a Python affect sees it) and _Callback (one callback as the package
// passes it), and the run-time callback lists a solve runs over them.
#include <algorithm>
#include "bindings.hpp"

namespace sciml::python {

using sciml::symbolic::Graph;

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

void bind_callbacks(py::module_& m) {
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
}

}  // namespace sciml::python
