// fit: one SINDy regression end to end: Theta = lib.evaluate(X), Xi = optimizer.solve(Theta, dXdt), returned
// as a SparseModel. The optimizer is any type with `Eigen::MatrixXd solve(const Eigen::MatrixXd& theta,
// const Eigen::MatrixXd& targets) const` (sindy::STLSQ, sindy::SR3 or your own).
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include <Eigen/Dense>
#include "library.hpp"
#include "model.hpp"
#include "stlsq.hpp"

namespace sciml::sindy {

// X: samples x variables; targets: samples x outputs (dX/dt, or any quantity to explain by the library,
// such as what a neural network learned inside a universal differential equation).
template <class Optimizer = STLSQ>
SparseModel fit(const Library& lib, const Eigen::MatrixXd& X, const Eigen::MatrixXd& targets,
                const Optimizer& optimizer = Optimizer{}, std::vector<std::string> output_names = {}) {
  if (X.rows() != targets.rows())
    throw std::invalid_argument("sindy::fit: X and the targets must have the same number of rows (samples)");
  if (!output_names.empty() && output_names.size() != static_cast<std::size_t>(targets.cols()))
    throw std::invalid_argument("sindy::fit: one output name per target column");
  SparseModel model{lib, optimizer.solve(lib.evaluate(X), targets), std::move(output_names)};
  return model;
}

}  // namespace sciml::sindy
