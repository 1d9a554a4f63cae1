// sciml._core.solve: a model solved with a method by name, the GIL released unless the model calls back into
// Python, and the _Solution it returns (saved points, counters, dense output for sol(t)).
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include "bindings.hpp"

namespace sciml::python {

void bind_solve(py::module_& m) {
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

  m.def("solve", [](std::shared_ptr<PyModel> pm, const std::string& alg, const Array& u0, double t0, double t1,
                    const Array& p, double reltol, py::object abstol, double dt, bool adaptive, py::object saveat,
                    std::optional<bool> save_everystep, std::optional<bool> save_start, std::optional<bool> save_end,
                    std::optional<bool> dense, std::vector<double> tstops, double dtmin, std::optional<double> dtmax,
                    long maxiters, const std::string& linsolve, bool allow_native,
                    std::vector<std::shared_ptr<PyCallback>> callbacks, py::object mass_matrix) {
    const Method& method = method_arg(alg);
    auto u = to_vector(u0, "u0");
    auto pv = to_vector(p, "p");
    if (u.size() != pm->m->n)
      throw py::value_error("u0: " + std::to_string(u.size()) + " values for a model of " + std::to_string(pm->m->n) + " states");
    if (pv.size() != pm->m->np)
      throw py::value_error("p: " + std::to_string(pv.size()) + " values for a model of " + std::to_string(pm->m->np) + " parameters");
    SolveOptions o = make_options(reltol, abstol, dt, adaptive, saveat, save_everystep, save_start, save_end, dense,
                                  std::move(tstops), dtmin, dtmax, maxiters, linsolve, u.size());
    std::optional<MassMatrix> mass = mass_matrix_arg(mass_matrix, u.size());
    RuntimeFunction fn = make_runtime_function(ModelView::snapshot(pm->m, allow_native));
    if (mass && !mass->isDiagonal()) fn.enabled = false;  // the sparse path takes diagonal mass matrices only
    RuntimeProblem prob(std::move(fn), u, {t0, t1}, pv);
    std::shared_ptr<RuntimeSolution> sol;
    InterruptGuard guard;
    o.interrupt = guard.flag();
    {
      RuntimeCallbacks rc = make_callbacks(callbacks, u.size());
      py::gil_scoped_release release;  // Python code (callbacks, an untraced f) takes the GIL back itself
      sol = method.solve(prob, mass ? &*mass : nullptr, o, rc);
    }
    guard.deliver();
    return sol;
  }, py::arg("model"), py::arg("alg"), py::arg("u0"), py::arg("t0"), py::arg("t1"), py::arg("p"),
     py::arg("reltol"), py::arg("abstol"), py::arg("dt"), py::arg("adaptive"), py::arg("saveat"),
     py::arg("save_everystep"), py::arg("save_start"), py::arg("save_end"), py::arg("dense"), py::arg("tstops"),
     py::arg("dtmin"), py::arg("dtmax"), py::arg("maxiters"), py::arg("linsolve"), py::arg("allow_native"),
     py::arg("callbacks"), py::arg("mass_matrix") = py::none());
}

}  // namespace sciml::python
