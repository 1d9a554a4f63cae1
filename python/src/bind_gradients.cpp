// sciml._core.gradient: gradients of a loss over a model's solution by the adjoint methods (runtime_gradient.hpp),
// and the (method, sensitivity method) pairs compiled in.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include "bindings.hpp"
#include "runtime_gradient.hpp"

namespace sciml::python {

void bind_gradients(py::module_& m) {
  m.def("gradient_methods", [] { return keys_of(gradient_registry()); });

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
}

}  // namespace sciml::python
