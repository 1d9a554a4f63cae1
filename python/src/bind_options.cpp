// sciml._core.check_options: the options of a solve checked by the integrator's own validator
// (sciml::detail::validate_options) for a method and a state, before anything is compiled or solved, so that the
// Python package keeps no rules of its own; and make_options, the SolveOptions of a solve from its arguments.
#include <pybind11/stl.h>
#include "bindings.hpp"

namespace sciml::python {

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
      const double every = saveat.cast<double>();
      if (!(every > 0)) throw py::value_error("saveat: the spacing must be > 0 (got " + py::str(saveat).cast<std::string>() + ")");
      o.saveat = SaveAt(every);
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

void bind_options(py::module_& m) {
  m.def("check_options", [](const std::string& alg, std::size_t n, bool has_tspan, double t0, double t1, double reltol,
                            py::object abstol, double dt, bool adaptive, py::object saveat, std::vector<double> tstops,
                            double dtmin, std::optional<double> dtmax, long maxiters, const std::string& linsolve) {
    const Method& method = method_arg(alg);
    SolveOptions o = make_options(reltol, abstol, dt, adaptive, saveat, std::nullopt, std::nullopt, std::nullopt,
                                  std::nullopt, std::move(tstops), dtmin, dtmax, maxiters, linsolve, n);
    method.validate(o, n, has_tspan, t0, t1);  // std::invalid_argument: ValueError
  }, py::arg("alg"), py::arg("n"), py::arg("has_tspan"), py::arg("t0"), py::arg("t1"), py::arg("reltol"),
     py::arg("abstol"), py::arg("dt"), py::arg("adaptive"), py::arg("saveat"), py::arg("tstops"), py::arg("dtmin"),
     py::arg("dtmax"), py::arg("maxiters"), py::arg("linsolve"),
     "raise ValueError naming the option when the integrator would refuse these options for method alg on a state "
     "of n components (has_tspan: saveat times inside [t0, t1], and a fixed step needs dt unless t0 == t1)");
}

}  // namespace sciml::python
