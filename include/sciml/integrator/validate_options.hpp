// The one validator of SolveOptions, used by the host integrator and by the GPU kernels' option resolution
// (gpu/trajectory.hpp's kernel_options), so both refuse the same input with the same message naming the option.
// Checks that need the problem (u0, the mass matrix, tspan) stay with the integrator; options a kernel cannot
// honour (tstops, dense output, ...) stay with the kernel.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include "solve_options.hpp"

namespace sciml::detail {

inline std::string option_number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// o for method Alg on a state of n components whose real type is R. With a tspan (has_tspan), saveat times
// must lie inside [min(t0, t1), max(t0, t1)] and a fixed-step solve of nonzero length needs dt.
template <class Alg, class R>
void validate_options(const SolveOptions& o, std::size_t n, bool has_tspan = false, double t0 = 0, double t1 = 0) {
  const auto num = option_number;
  if (!(o.reltol > 0) || !std::isfinite(o.reltol))
    throw std::invalid_argument("reltol must be finite and > 0 (got " + num(o.reltol) + ")");
  if (R(o.reltol) < std::numeric_limits<R>::epsilon())
    throw std::invalid_argument("reltol = " + num(o.reltol) + " is below the machine epsilon of the state's type (" +
                                num(double(std::numeric_limits<R>::epsilon())) +
                                "): no step can meet it; use reltol >= " +
                                num(double(100 * std::numeric_limits<R>::epsilon())));
  if (o.abstol.per_component.empty()) {
    if (!(o.abstol.scalar > 0) || !std::isfinite(o.abstol.scalar))
      throw std::invalid_argument("abstol must be finite and > 0 (got " + num(o.abstol.scalar) + ")");
  } else {
    if (o.abstol.per_component.size() != n)
      throw std::invalid_argument("abstol: " + std::to_string(o.abstol.per_component.size()) +
                                  " entries given for a state of length " + std::to_string(n));
    for (double a : o.abstol.per_component)
      if (!(a > 0) || !std::isfinite(a))
        throw std::invalid_argument("abstol: every entry must be finite and > 0 (got " + num(a) + ")");
  }
  if (!(o.dt >= 0) || !std::isfinite(o.dt))
    throw std::invalid_argument("dt must be a finite magnitude >= 0 (got " + num(o.dt) + "); the direction comes from tspan");
  if (!(o.dtmin >= 0) || !std::isfinite(o.dtmin))
    throw std::invalid_argument("dtmin must be finite and >= 0 (got " + num(o.dtmin) + ")");
  if (!(o.dtmax > 0)) throw std::invalid_argument("dtmax must be > 0 (got " + num(o.dtmax) + ")");
  if (o.dtmin > o.dtmax)
    throw std::invalid_argument("dtmin = " + num(o.dtmin) + " is larger than dtmax = " + num(o.dtmax) +
                                ": no step size satisfies both");
  if (!(o.krylov_rtol >= 0 && o.krylov_rtol < 1))
    throw std::invalid_argument("krylov_rtol must be in [0, 1) (got " + num(o.krylov_rtol) + "); 0 picks it from reltol");
  if (o.preconditioner && o.linsolve != LinearSolver::GMRES)
    throw std::invalid_argument("preconditioner: only GMRES uses a preconditioner; set linsolve = LinearSolver::GMRES "
                                "with it (the direct solvers, LinearSolver::Auto, factor W exactly)");
  if (o.preconditioner && !o.preconditioner.solve)
    throw std::invalid_argument("preconditioner: solve(r, z) is empty; give it (setup alone does nothing)");
  if (o.maxiters <= 0) throw std::invalid_argument("maxiters must be > 0 (got " + std::to_string(o.maxiters) + ")");
  const bool adaptive = o.adaptive && Alg::is_adaptive;
  if (!adaptive && o.dt == 0 && !(has_tspan && t0 == t1)) {
    if (!Alg::is_adaptive)
      throw std::invalid_argument(std::string("dt: ") + Alg::name() +
                                  " has no error estimate, so it needs a fixed step: set dt > 0");
    throw std::invalid_argument("dt: a fixed-step solve (adaptive = false) needs dt > 0");
  }
  if (o.saveat.every < 0 || !std::isfinite(o.saveat.every))
    throw std::invalid_argument("saveat: the spacing must be > 0 (got " + num(o.saveat.every) + ")");
  if (has_tspan) {
    const double lo = std::fmin(t0, t1), hi = std::fmax(t0, t1);
    for (double s : o.saveat.times)
      if (!(s >= lo && s <= hi))
        throw std::invalid_argument("saveat: time " + num(s) + " is outside tspan [" + num(lo) + ", " + num(hi) + "]");
  }
  for (double s : o.tstops)
    if (!std::isfinite(s)) throw std::invalid_argument("tstops: entries must be finite (got " + num(s) + ")");
}

}  // namespace sciml::detail
