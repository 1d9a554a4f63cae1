// sciml._core.Op and Graph: the expression graph that tracing a Python function builds.
#include "bindings.hpp"

namespace sciml::python {

using sciml::symbolic::Graph;
using sciml::symbolic::Op;

void bind_tracing(py::module_& m) {
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
}

}  // namespace sciml::python
