// The C++ MLP (include/sciml/nn/mlp.hpp) for the Python package: Glorot initialisation, forward and VJP over a
// flat parameter vector. sciml.nn.MLP evaluates itself in NumPy or traces itself into the expression graph; these
// are the reference it is tested against (same layout, same initial parameters, same activations).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <cstdint>
#include <string>
#include <vector>
#include <sciml/nn/mlp.hpp>

namespace py = pybind11;

namespace sciml::python {

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

nn::MLP make_mlp(const std::vector<std::size_t>& sizes, const std::vector<int>& acts) {
  std::vector<nn::Activation> a;
  for (int v : acts) {
    if (v < 0 || v > int(nn::Activation::Rbf))
      throw py::value_error("activation code " + std::to_string(v) + " out of range");
    a.push_back(nn::Activation(v));
  }
  try {
    return nn::MLP(sizes, a);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
}

// rows of x (batch x input_size, or one input) -> checked
void check(const nn::MLP& net, const Array& x, const Array& theta) {
  if (x.ndim() != 2 || std::size_t(x.shape(1)) != net.input_size())
    throw py::value_error("x: expected shape (batch, " + std::to_string(net.input_size()) + ")");
  if (theta.ndim() != 1 || std::size_t(theta.size()) != net.num_params())
    throw py::value_error("theta: expected " + std::to_string(net.num_params()) + " values");
}

}  // namespace

void register_nn(py::module_& m) {
  m.def("mlp_num_params", [](const std::vector<std::size_t>& sizes, const std::vector<int>& acts) {
    return make_mlp(sizes, acts).num_params();
  }, py::arg("sizes"), py::arg("activations"));

  m.def("mlp_init_glorot", [](const std::vector<std::size_t>& sizes, const std::vector<int>& acts, std::uint64_t seed) {
    auto th = make_mlp(sizes, acts).init_glorot(seed);
    return Array(py::ssize_t(th.size()), th.data());
  }, py::arg("sizes"), py::arg("activations"), py::arg("seed"));

  m.def("mlp_forward", [](const std::vector<std::size_t>& sizes, const std::vector<int>& acts, const Array& x,
                          const Array& theta) {
    const nn::MLP net = make_mlp(sizes, acts);
    check(net, x, theta);
    const std::size_t rows = std::size_t(x.shape(0)), nin = net.input_size(), nout = net.output_size();
    Array y({py::ssize_t(rows), py::ssize_t(nout)});
    double* w = y.mutable_data();
    for (std::size_t r = 0; r < rows; ++r) net(x.data() + r * nin, theta.data(), w + r * nout);
    return y;
  }, py::arg("sizes"), py::arg("activations"), py::arg("x"), py::arg("theta"));

  m.def("mlp_vjp", [](const std::vector<std::size_t>& sizes, const std::vector<int>& acts, const Array& x,
                      const Array& theta, const Array& ybar) {
    const nn::MLP net = make_mlp(sizes, acts);
    check(net, x, theta);
    if (ybar.ndim() != 2 || ybar.shape(0) != x.shape(0) || std::size_t(ybar.shape(1)) != net.output_size())
      throw py::value_error("ybar: expected one row of output cotangents per row of x");
    const std::size_t rows = std::size_t(x.shape(0)), nin = net.input_size(), nout = net.output_size();
    Array xbar({py::ssize_t(rows), py::ssize_t(nin)});
    std::vector<double> tbar(net.num_params(), 0.0), work(net.work_size());
    double* xb = xbar.mutable_data();
    for (std::size_t i = 0; i < rows * nin; ++i) xb[i] = 0.0;
    for (std::size_t r = 0; r < rows; ++r)
      net.vjp(x.data() + r * nin, theta.data(), ybar.data() + r * nout, xb + r * nin, tbar.data(), work.data());
    return py::make_tuple(xbar, Array(py::ssize_t(tbar.size()), tbar.data()));
  }, py::arg("sizes"), py::arg("activations"), py::arg("x"), py::arg("theta"), py::arg("ybar"),
     "(dL/dx per row, dL/dtheta summed over the rows) for L = sum ybar * y");
}

}  // namespace sciml::python
