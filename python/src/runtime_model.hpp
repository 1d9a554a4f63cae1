// The run-time right-hand side the Python package solves with: f(u, p, t) and its Jacobian as bytecode (a
// traced model), as native functions (the same model compiled to a shared library, loaded by the package), or
// as a Python callable (a function that could not be traced). One C++ type for all three, so every method
// is compiled once for the extension.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <sciml/linalg/jacobian.hpp>
#include <sciml/linalg/sparsity.hpp>
#include <sciml/problem/ode_function.hpp>
#include <sciml/symbolic/bytecode.hpp>

namespace sciml::python {

// out = g(u, p, t): a native function from a compiled model.
using NativeFn = void (*)(const double* u, const double* p, double t, double* out);

// One compiled function of (u, p, t): bytecode always, native code once it has been loaded.
struct Evaluator {
  symbolic::Program program;
  std::atomic<NativeFn> native{nullptr};
  std::size_t num_outputs() const { return program.num_outputs(); }
};

// A model: n states, np parameters, f and (for traced models) the Jacobian's nonzeros on `pattern`.
// A Python callable (`callback`, in place: du, u, p, t) replaces f when the model could not be traced; then the
// Jacobian comes from finite differences of it.
struct Model {
  std::size_t n = 0, np = 0;
  bool traced = false;
  Evaluator f, jac, pjac;   // pjac: df/dp's nonzeros on ppattern (adjoints)
  SparsityPattern pattern;  // of the Jacobian (traced models)
  SparsityPattern ppattern; // of df/dp (n x np)
  bool sparse = false;      // solve linear systems on the pattern (KLU): large models with a sparse Jacobian
  std::function<void(double* du, const double* u, const double* p, double t)> callback;
  // the user's Jacobian for an untraced model (row-major n x n), else finite differences
  std::function<void(double* J, const double* u, const double* p, double t)> jac_callback;
};

// What one solve uses: native or bytecode, fixed when the solve starts so that a native build finishing in the
// background does not change a solve midway.
struct ModelView {
  std::shared_ptr<const Model> m;
  NativeFn f_native = nullptr, jac_native = nullptr, pjac_native = nullptr;
  static ModelView snapshot(std::shared_ptr<const Model> m, bool allow_native) {
    ModelView v{std::move(m)};
    if (allow_native && v.m->traced) {
      v.f_native = v.m->f.native.load(std::memory_order_acquire);
      v.jac_native = v.m->jac.native.load(std::memory_order_acquire);
      v.pjac_native = v.m->pjac.native.load(std::memory_order_acquire);
    }
    return v;
  }
};

// f(du, u, p, t) on std::vector<double> states (double only: the Jacobian is the model's, or differences).
struct RuntimeRHS {
  ModelView v;
  mutable std::vector<double> regs;
  explicit RuntimeRHS(ModelView view) : v(std::move(view)) {
    if (v.m->traced) regs.assign(v.m->f.program.num_registers(), 0.0);
  }
  void operator()(std::vector<double>& du, const std::vector<double>& u, const std::vector<double>& p,
                  double t) const {
    const Model& m = *v.m;
    if (!m.traced) {
      m.callback(du.data(), u.data(), p.data(), t);
    } else if (v.f_native) {
      v.f_native(u.data(), p.data(), t, du.data());
    } else {
      m.f.program.run(u.data(), p.data(), t, du.data(), regs.data());
    }
  }
};

// jac(J, u, p, t): the traced Jacobian scattered into J (a dense matrix, or the SparseJacobianView of the
// sparse path), or forward differences of the Python callable.
struct RuntimeJac {
  ModelView v;
  mutable std::vector<double> regs, vals, w0, w1, w2;
  explicit RuntimeJac(ModelView view) : v(std::move(view)) {
    const Model& m = *v.m;
    if (m.traced) {
      regs.assign(m.jac.program.num_registers(), 0.0);
      vals.assign(m.pattern.nnz(), 0.0);
    } else {
      w0.assign(m.jac_callback ? m.n * m.n : m.n, 0.0);
      w1 = w2 = std::vector<double>(m.n, 0.0);
    }
  }
  template <class J>
  void operator()(J& jac, const std::vector<double>& u, const std::vector<double>& p, double t) const {
    const Model& m = *v.m;
    if (!m.traced && m.jac_callback) {
      w0.resize(m.n * m.n);
      m.jac_callback(w0.data(), u.data(), p.data(), t);
      for (std::size_t i = 0; i < m.n; ++i)
        for (std::size_t j = 0; j < m.n; ++j) jac(i, j) = w0[i * m.n + j];
      return;
    }
    if (!m.traced) {
      RuntimeRHS f(v);
      jacobian_fd<true>(f, u, p, t, jac, w0, w1, w2);
      return;
    }
    if (v.jac_native) {
      v.jac_native(u.data(), p.data(), t, vals.data());
    } else {
      m.jac.program.run(u.data(), p.data(), t, vals.data(), regs.data());
    }
    if constexpr (requires { jac.setZero(); }) jac.setZero();
    const SparsityPattern& s = m.pattern;
    for (std::size_t i = 0; i < s.n; ++i)
      for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) jac(i, s.col[k]) = vals[k];
  }
};

using RuntimeFunctionBase = SparseJacobianFunction<ODEFunction<RuntimeRHS, RuntimeJac>, false>;

// The run-time right-hand side as the solvers and sciml::gradient see it: f, its Jacobian, and for traced
// models the products adjoints need: lambda^T df/du and lambda^T df/dp from the symbolic Jacobians, and df/dp.
struct RuntimeFunction : RuntimeFunctionBase {
  mutable std::vector<double> jv, pv, pregs;
  explicit RuntimeFunction(RuntimeFunctionBase b) : RuntimeFunctionBase(std::move(b)) {}
  const Model& model() const { return *this->f.v.m; }

  // ubar += lambda^T df/du, pbar += lambda^T df/dp (pbar may be nullptr)
  void vjp(const double* lambda, const std::vector<double>& u, const std::vector<double>& p, double t, double* ubar,
           double* pbar) const {
    const Model& m = model();
    if (!m.traced) throw std::invalid_argument("gradient: adjoints need a traced right-hand side (f could not be traced)");
    const auto& view = this->f.v;
    jv.resize(m.pattern.nnz());
    if (view.jac_native) {
      view.jac_native(u.data(), p.data(), t, jv.data());
    } else {
      pregs.resize(std::max(m.jac.program.num_registers(), m.pjac.program.num_registers()));
      m.jac.program.run(u.data(), p.data(), t, jv.data(), pregs.data());
    }
    const SparsityPattern& s = m.pattern;
    for (std::size_t i = 0; i < s.n; ++i)
      for (std::size_t k = s.row_ptr[i]; k < s.row_ptr[i + 1]; ++k) ubar[s.col[k]] += jv[k] * lambda[i];
    if (!pbar || m.ppattern.nnz() == 0) return;
    eval_pjac(u, p, t);
    const SparsityPattern& q = m.ppattern;
    for (std::size_t i = 0; i < q.n; ++i)
      for (std::size_t k = q.row_ptr[i]; k < q.row_ptr[i + 1]; ++k) pbar[q.col[k]] += pv[k] * lambda[i];
  }
  // Jp(i, j) = d f_i / d p_j (entries off the pattern are left as they are: the caller zeroes)
  template <class M>
  void paramjac(M& Jp, const std::vector<double>& u, const std::vector<double>& p, double t) const {
    const Model& m = model();
    if (!m.traced) throw std::invalid_argument("gradient: adjoints need a traced right-hand side (f could not be traced)");
    eval_pjac(u, p, t);
    const SparsityPattern& q = m.ppattern;
    for (std::size_t i = 0; i < q.n; ++i)
      for (std::size_t k = q.row_ptr[i]; k < q.row_ptr[i + 1]; ++k) Jp(i, q.col[k]) = pv[k];
  }

 private:
  // pv = df/dp's nonzeros at (u, p, t): native code when loaded (the adjoint's inner loop), else bytecode
  void eval_pjac(const std::vector<double>& u, const std::vector<double>& p, double t) const {
    const Model& m = model();
    pv.resize(m.ppattern.nnz());
    if (this->f.v.pjac_native) {
      this->f.v.pjac_native(u.data(), p.data(), t, pv.data());
      return;
    }
    pregs.resize(std::max(m.jac.program.num_registers(), m.pjac.program.num_registers()));
    m.pjac.program.run(u.data(), p.data(), t, pv.data(), pregs.data());
  }
};

inline RuntimeFunction make_runtime_function(const ModelView& v) {
  RuntimeFunction fn{RuntimeFunctionBase{ODEFunction<RuntimeRHS, RuntimeJac>{RuntimeRHS{v}, RuntimeJac{v}},
                                         v.m->traced ? v.m->pattern : SparsityPattern{}}};
  fn.enabled = v.m->traced && v.m->sparse;
  return fn;
}

}  // namespace sciml::python
