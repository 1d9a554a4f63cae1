// SolveOptions: everything `solve`/`init` accept besides the problem and the algorithm, with the defaults
// DifferentialEquations.jl users know (reltol 1e-3, abstol 1e-6, RMS error norm, save every step, dense output).
#pragma once
#include <atomic>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <optional>
#include <vector>
#include "../controller/step_controller.hpp"
#include "../linalg/preconditioner.hpp"

namespace sciml {

// An absolute tolerance: one number, or one per state component.
struct Tolerance {
  double scalar = 1e-6;
  std::vector<double> per_component;  // non-empty: overrides `scalar`
  Tolerance() = default;
  Tolerance(double v) : scalar(v) {}
  Tolerance(std::vector<double> v) : per_component(std::move(v)) {}
  Tolerance(std::initializer_list<double> v) : per_component(v) {}
};

// Where to save: a spacing (`opts.saveat = 0.1`: t0, t0+0.1, ..., and tf) or a list of times
// (`opts.saveat = {0.0, 0.5, 2.0}` or a std::vector).
struct SaveAt {
  double every = 0;          // > 0: spacing
  std::vector<double> times; // otherwise: these times
  SaveAt() = default;
  SaveAt(double spacing) : every(spacing) {}
  SaveAt(std::vector<double> t) : times(std::move(t)) {}
  SaveAt(std::initializer_list<double> t) : times(t) {}
  bool empty() const { return every == 0 && times.empty(); }
};

// The linear solver of implicit methods on dynamic states. Auto: dense LU (Eigen), or sparse LU (KLU) when f
// comes from with_sparse_jacobian. GMRES: matrix-free Krylov (Jacobian-vector products by forward-mode AD, or
// finite differences with a user jac), for large systems whose LU would not fit; unpreconditioned unless
// SolveOptions::preconditioner is given.
enum class LinearSolver { Auto, GMRES };

struct SolveOptions {
  double reltol = 1e-3;
  Tolerance abstol = 1e-6;
  double dt = 0;                  // first step (adaptive) or the fixed step (adaptive = false); 0: automatic
  bool adaptive = true;
  SaveAt saveat;                  // extra save points; when given, save_everystep defaults to false
  std::optional<bool> save_everystep;  // default: true unless saveat is given
  std::optional<bool> save_start;     // default: true unless saveat is a list of times without t0
  std::optional<bool> save_end;       // default: true unless saveat is a list of times without tf
  std::optional<bool> dense;      // store the method's interpolant; default: save_everystep && no saveat
  std::vector<double> tstops;     // times the integrator must step onto exactly
  double dtmin = 0;               // 0: a few ulps of t
  double dtmax = std::numeric_limits<double>::infinity();  // default: |tf - t0|
  long maxiters = 100000;
  StepController controller;      // Default: the method's own (PI for explicit RK)
  LinearSolver linsolve = LinearSolver::Auto;  // implicit methods on dynamic states
  double krylov_rtol = 0;         // GMRES: relative tolerance of each linear solve; 0: 1e-2 * reltol, in [1e-10, 1e-3]
  Preconditioner preconditioner;  // GMRES only: setup(t, u, gamma_h) / solve(r, z), applied on the right; empty: none
  // Cancellation: when set, the solve checks this flag before every step attempt and stops with
  // ReturnCode::Interrupted (partial solution kept) once it reads true; an ensemble also skips the trajectories
  // not yet started. Another thread or a signal handler sets it (the Python package points it at its SIGINT
  // flag, so Ctrl-C stops a compiled solve). One relaxed atomic load per step: no measurable cost.
  const std::atomic<bool>* interrupt = nullptr;
};

}  // namespace sciml
