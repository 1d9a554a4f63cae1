// Gradients of a loss over a run-time model's solution (sciml::gradient) for the Python package: the
// (method, sensitivity method) pairs compiled into the extension, by name "Method|Sense".
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>
#include <sciml/sensitivity/adjoint.hpp>
#include "runtime_solve.hpp"

namespace sciml::python {

using LossFn = std::function<double(std::size_t, double, const std::vector<double>&, std::vector<double>&)>;
using GradientFn = std::function<GradientResult(const RuntimeProblem&, const std::vector<double>&, const LossFn&,
                                                const SolveOptions&)>;
using GradientRegistry = std::map<std::string, GradientFn>;

const GradientRegistry& gradient_registry();

}  // namespace sciml::python
