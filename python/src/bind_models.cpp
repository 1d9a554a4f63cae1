// sciml._core.Model: a traced graph turned into a run-time model (bytecode for f, its symbolic Jacobian and
// df/dp, C sources for the native build, the SCIML_HD functor of a GPU kernel), or an untraceable Python function
// wrapped as one.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <cstdint>
#include <cstring>
#include <sciml/symbolic/codegen.hpp>
#include <sciml/symbolic/derivative.hpp>
#include "bindings.hpp"
#include "gpu_codegen.hpp"

namespace sciml::python {

using sciml::symbolic::Graph;

namespace {

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

}  // namespace

void bind_models(py::module_& m) {
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
}

}  // namespace sciml::python
