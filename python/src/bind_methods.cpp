// sciml._core.methods, method_info and default_method: the one list of the methods (the registry the
// methods_*.cpp files fill), what the package needs to know of each, and the default algorithm of a problem
// (include/sciml/integrator/default_algorithm.hpp), so that the Python package keeps no list or default of its own.
#include <pybind11/stl.h>
#include "bindings.hpp"

namespace sciml::python {

void bind_methods(py::module_& m) {
  m.def("methods", [] { return keys_of(registry()); });

  m.def("method_info", [] {
    py::list out;
    for (const Method* method : methods_in_order()) {
      const MethodInfo& i = method->info;
      py::dict d;
      d["name"] = i.name;
      d["kind"] = i.kind;
      d["summary"] = i.summary;
      d["order"] = i.order;
      d["adaptive"] = i.adaptive;
      d["mass_matrix"] = i.mass_matrix;
      d["nonstiff"] = i.nonstiff;
      d["stiff"] = i.stiff;
      d["default_pairing"] = i.default_pairing;
      d["kernel_type"] = i.kernel_type;
      d["kernel_header"] = i.kernel_header;
      out.append(d);
    }
    return out;
  }, "the methods in registration order, each a dict: name, kind ('nonstiff', 'stiff' or 'switching'), summary, "
     "order, adaptive, mass_matrix (solves M u' = f), nonstiff and stiff (a switching pair's methods), "
     "default_pairing (the pair sciml.Auto<nonstiff>() takes), kernel_type and kernel_header (EnsembleGPUKernel "
     "runs it; else empty)");

  m.def("default_method", [](bool mass_matrix, std::size_t n) {
    // a Python problem's size is known at run time, and no Jacobian pattern is given by the user: a sparse
    // pattern the tracer detects is DefaultODEAlgorithm's own business (sparse LU for its stiff method)
    return std::string(default_algorithm_name(mass_matrix, n, /*sparse_jacobian=*/false));
  }, py::arg("mass_matrix"), py::arg("n"),
        "the method solve uses when none is named for a problem of n states (sciml::default_algorithm_name)");
}

}  // namespace sciml::python
