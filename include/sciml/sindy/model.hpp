// SparseModel: an identified SINDy model, dX/dt = Theta(X) * coefficients, with its library and output names.
// Prints as equations ("dx = 1.3 x - 0.9 x*y"), lists the nonzero terms by name, predicts targets, and runs as
// an in-place ODE right-hand side `f(du, u, p, t)` over std::vector<double> (or any indexable state) for
// sciml::solve with any method (dual numbers pass through for the stiff methods' Jacobians).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <Eigen/Dense>
#include "library.hpp"

namespace sciml::sindy {

namespace detail {

// The identified right-hand side, evaluating only the candidates some equation uses. Each copy owns its
// scratch buffers: share one object across threads only by copying it.
struct SparseRHS {
  Library lib;
  std::vector<std::size_t> used;                          // candidate indices with a nonzero coefficient
  std::vector<std::vector<std::pair<std::size_t, double>>> eqs;  // per output: (position in `used`, coefficient)
  std::size_t nvars = 0;
  mutable std::vector<double> ubuf, theta;

  template <class Du, class U, class P, class T>
  void operator()(Du& du, const U& u, const P&, T) const {
    using S = std::decay_t<decltype(u[0])>;
    if constexpr (std::is_same_v<S, double>) {
      ubuf.resize(nvars);
      theta.resize(used.size());
      for (std::size_t i = 0; i < nvars; ++i) ubuf[i] = u[i];
      for (std::size_t k = 0; k < used.size(); ++k) theta[k] = lib.evaluate_term(used[k], ubuf.data());
      for (std::size_t j = 0; j < eqs.size(); ++j) {
        double s = 0.0;
        for (const auto& [k, c] : eqs[j]) s += c * theta[k];
        du[j] = s;
      }
    } else {  // float, dual numbers (AD Jacobians of the stiff methods), sparsity tracers
      std::vector<S> us(nvars), th;
      th.reserve(used.size());
      for (std::size_t i = 0; i < nvars; ++i) us[i] = u[i];
      for (std::size_t k = 0; k < used.size(); ++k) th.push_back(lib.evaluate_term_as<S>(used[k], us.data(), nvars));
      for (std::size_t j = 0; j < eqs.size(); ++j) {
        S s(0.0);
        for (const auto& [k, c] : eqs[j]) s = s + S(c) * th[k];
        du[j] = s;
      }
    }
  }
};

inline std::string format_number(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

}  // namespace detail

struct SparseModel {
  Library lib;
  Eigen::MatrixXd coefficients;           // candidates x outputs
  std::vector<std::string> output_names;  // one per output; empty: "d" + variable name (see output_name)

  std::size_t n_outputs() const { return static_cast<std::size_t>(coefficients.cols()); }

  // The name of output j: output_names[j] if given, else "d<variable j>" when there is one output per
  // variable, else "f<j+1>".
  std::string output_name(std::size_t j) const {
    if (j < output_names.size()) return output_names[j];
    const auto& vars = lib.variable_names();
    std::string s(1, 'f');
    if (vars.size() == n_outputs() && j < vars.size())
      s.assign(1, 'd').append(vars[j]);
    else
      s.append(std::to_string(j + 1));
    return s;
  }

  // Number of nonzero coefficients (all outputs, or one).
  std::size_t nnz() const { return static_cast<std::size_t>((coefficients.array() != 0.0).count()); }
  std::size_t nnz(std::size_t output) const {
    return static_cast<std::size_t>((coefficients.col(static_cast<Eigen::Index>(output)).array() != 0.0).count());
  }

  // One line per output, "dx = 1.3 x - 0.9 x*y": coefficients with `precision` significant digits (%g), the
  // constant candidate "1" printed as its coefficient alone, zero terms left out, "dx = 0" when none remain.
  std::string to_string(int precision = 4) const {
    check_shape();
    std::string s;
    for (std::size_t j = 0; j < n_outputs(); ++j) {
      if (j) s += '\n';
      s.append(output_name(j)).append(" =");
      bool first = true;
      for (std::size_t i = 0; i < lib.size(); ++i) {
        const double c = coefficients(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
        if (c == 0.0) continue;
        if (first)
          s += c < 0 ? " -" : " ";
        else
          s += c < 0 ? " - " : " + ";
        s += detail::format_number(std::abs(c), precision);
        if (lib.name(i) != "1") s.append(1, ' ').append(lib.name(i));
        first = false;
      }
      if (first) s += " 0";
    }
    return s;
  }

  // The nonzero terms of one output, candidate name -> coefficient.
  std::map<std::string, double> terms(std::size_t output) const {
    check_shape();
    if (output >= n_outputs()) throw std::out_of_range("sindy::SparseModel::terms: no such output");
    std::map<std::string, double> out;
    for (std::size_t i = 0; i < lib.size(); ++i) {
      const double c = coefficients(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(output));
      if (c != 0.0) out[lib.name(i)] = c;
    }
    return out;
  }

  // Theta(X) * coefficients: the modelled targets at the samples X (rows = samples, cols = variables).
  Eigen::MatrixXd predict(const Eigen::MatrixXd& X) const {
    check_shape();
    return lib.evaluate(X) * coefficients;
  }

  // The model as an in-place right-hand side f(du, u, p, t) (p and t ignored) for sciml::ODEProblem with a
  // std::vector<double> state (or another indexable one); needs one output per state variable. Polynomial and
  // trigonometric terms also evaluate on dual numbers, so stiff methods and solve(prob, opts) work; a model
  // using custom candidates throws std::logic_error there: use an explicit method or with_fd_jacobian.
  detail::SparseRHS rhs() const {
    check_shape();
    const std::size_t nv = lib.nvars() ? lib.nvars() : n_outputs();
    if (nv != n_outputs())
      throw std::invalid_argument("sindy::SparseModel::rhs: needs one output per state variable");
    detail::SparseRHS f;
    f.lib = lib;
    f.nvars = nv;
    f.eqs.resize(n_outputs());
    for (std::size_t i = 0; i < lib.size(); ++i) {
      bool any = false;
      for (std::size_t j = 0; j < n_outputs(); ++j) {
        const double c = coefficients(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
        if (c == 0.0) continue;
        if (!any) f.used.push_back(i);
        any = true;
        f.eqs[j].emplace_back(f.used.size() - 1, c);
      }
    }
    return f;
  }

 private:
  void check_shape() const {
    if (static_cast<std::size_t>(coefficients.rows()) != lib.size())
      throw std::invalid_argument("sindy::SparseModel: coefficients must have one row per library candidate");
  }
};

}  // namespace sciml::sindy
