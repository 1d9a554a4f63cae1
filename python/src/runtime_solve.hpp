// Solving a run-time model with any method, chosen by name: a registry of solve functions (one per method,
// filled by the methods_*.cpp files), run-time callbacks (continuous events with Python or traced conditions,
// discrete ones), a type-erased solution that keeps the method's dense output for sol(t), and the ensemble solve
// of the same model over arrays of initial values and parameters (sciml::solve(ensemble, alg, backend, ...) from
// include/sciml/ensemble, one entry per method in the same registry).
#pragma once
#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <Eigen/Dense>
#include <sciml/ensemble/ensemble_from_arrays.hpp>
#include <sciml/ensemble/ensemble_serial.hpp>
#include <sciml/ensemble/ensemble_solution.hpp>
#include <sciml/ensemble/ensemble_threads.hpp>
#include <sciml/ensemble/solve_ensemble.hpp>
#include <sciml/integrator/validate_options.hpp>
#include <sciml/ode.hpp>
#include "runtime_model.hpp"

namespace sciml::python {

using RuntimeProblem = ODEProblem<RuntimeFunction, std::vector<double>, std::vector<double>>;

// What an affect sees of the integrator (the package wraps it as sciml.Integrator).
struct IntegratorRef {
  double t = 0;
  double* u = nullptr;
  std::size_t n = 0;
  double* p = nullptr;
  std::size_t np = 0;
  bool terminate = false;
  std::function<void(double, double*)> interpolate;  // u at a time inside the last step
};

// Continuous events: `conditions` fills out[0..len) from (u, p, t); affect(which, integrator, upcrossing).
// Discrete callbacks: `discrete_conditions` says which of them fire after a step; discrete_affect(i, integ).
struct RuntimeCallbacks {
  std::size_t len = 0;  // continuous conditions
  std::function<void(double* out, const double* u, const double* p, double t)> conditions;
  std::function<void(std::size_t which, IntegratorRef&, bool up)> affect;
  std::vector<bool> up_enabled, down_enabled;
  int interp_points = 10;
  std::size_t ndiscrete = 0;
  std::function<void(std::vector<char>& fire, const double* u, const double* p, double t)> discrete_conditions;
  std::function<void(std::size_t which, IntegratorRef&)> discrete_affect;
  bool empty() const { return len == 0 && ndiscrete == 0; }
};

namespace detail {

template <class I>
IntegratorRef make_ref(I& integ) {
  IntegratorRef r;
  r.t = double(integ.t);
  r.u = integ.u.data();
  r.n = integ.u.size();
  r.p = integ.p.data();
  r.np = integ.p.size();
  r.interpolate = [&integ](double tq, double* out) {
    auto& w = integ.work();
    integ.interpolate(tq, w);
    std::copy(w.begin(), w.end(), out);
  };
  return r;
}

struct CondAdapter {
  const RuntimeCallbacks* cbs;
  template <class U, class T, class I>
  void operator()(std::vector<double>& out, const U& u, T t, I& integ) const {
    cbs->conditions(out.data(), u.data(), integ.p.data(), double(t));
  }
};
template <bool Up>
struct AffectAdapter {
  const RuntimeCallbacks* cbs;
  bool active(std::size_t i) const { return Up ? cbs->up_enabled[i] : cbs->down_enabled[i]; }
  template <class I>
  void operator()(I& integ, std::size_t i) const {
    IntegratorRef r = make_ref(integ);
    cbs->affect(i, r, Up);
    if (r.terminate) integ.terminate();
  }
};

// The callback interface of the integrator (see callback_set.hpp) over run-time lists.
struct RuntimeCallbackSet {
  static constexpr bool has_continuous = true;
  static constexpr bool has_discrete = true;
  const RuntimeCallbacks* cbs;
  sciml::detail::EventLocator<CondAdapter, AffectAdapter<true>, AffectAdapter<false>> loc;
  std::vector<char> fire;

  explicit RuntimeCallbackSet(const RuntimeCallbacks* c)
      : cbs(c), loc{{c}, {c}, {c}, c->len ? c->len : 1, c->interp_points, 1e-12, {}, {}, {}, {}, {}, 0, 0, 0, true} {}
  template <class I>
  void init(I& integ) {
    if (cbs->len) loc.init(integ);
  }
  template <class I>
  bool find_event(I& integ) {
    return cbs->len && loc.find_event(integ);
  }
  double event_time() const { return loc.event_time(); }
  template <class I>
  void apply_event(I& integ) {
    loc.apply_event(integ);
  }
  template <class I>
  void refresh(I& integ, bool fired) {
    if (cbs->len) loc.refresh(integ, fired);
  }
  bool discrete_active() const { return cbs->ndiscrete > 0; }  // the integrator skips its snapshot of u otherwise
  template <class I>
  bool apply_discrete(I& integ) {
    if (!cbs->ndiscrete) return false;
    fire.assign(cbs->ndiscrete, 0);
    cbs->discrete_conditions(fire, integ.u.data(), integ.p.data(), double(integ.t));
    bool any = false;
    for (std::size_t i = 0; i < fire.size(); ++i) {
      if (!fire[i]) continue;
      IntegratorRef r = make_ref(integ);
      cbs->discrete_affect(i, r);
      if (r.terminate) integ.terminate();
      any = true;
    }
    return any;
  }
};

}  // namespace detail

// A finished solve: saved points, return code, counters, and sol(t) through the method's interpolant.
struct RuntimeSolution {
  std::vector<double> t;
  std::vector<double> u;  // row-major, one row of n per saved time
  std::size_t n = 0;
  ReturnCode retcode = ReturnCode::Default;
  std::string message;
  Stats stats;
  bool dense = false;
  std::string alg;
  virtual ~RuntimeSolution() = default;
  virtual void interpolate(double tq, double* out) const = 0;
};

template <class Sol>
struct RuntimeSolutionOf : RuntimeSolution {
  Sol sol;
  // n0: the problem's state length (the rows' length when nothing was saved)
  RuntimeSolutionOf(Sol s, std::size_t n0) : sol(std::move(s)) {
    t.assign(sol.t.begin(), sol.t.end());
    n = sol.u.empty() ? n0 : sol.u.front().size();
    u.reserve(sol.u.size() * n);
    for (const auto& x : sol.u) u.insert(u.end(), x.begin(), x.end());
    retcode = sol.retcode;
    message = sol.message;
    stats = sol.stats;
    dense = sol.dense;
    sol.t.clear();
    sol.t.shrink_to_fit();
    sol.u.clear();
    sol.u.shrink_to_fit();
  }
  void interpolate(double tq, double* out) const override {
    std::vector<double> w(n);
    if (dense && !sol.dense_t0.empty()) {  // no step taken (tspan of zero length): the saved points
      sol.interpolate(tq, w);
    } else {
      interpolate_saved(tq, w);
    }
    std::copy_n(w.begin(), std::min(n, w.size()), out);  // out holds n
  }

 private:
  // linear interpolation of the saved points (the solution's own fallback needs its u, moved out above)
  void interpolate_saved(double tq, std::vector<double>& w) const {
    const std::size_t m = t.size();
    if (m == 0) throw std::out_of_range("sol(t): the solution holds no saved point");
    const bool fwd = t.back() >= t.front();
    const double lo = fwd ? t.front() : t.back(), hi = fwd ? t.back() : t.front();
    if (!(tq >= lo && tq <= hi))
      throw std::out_of_range("sol(t): t = " + std::to_string(tq) + " is outside the solved interval [" +
                              std::to_string(lo) + ", " + std::to_string(hi) + "]");
    if (m == 1) {  // one saved point (regression: test_interpolate_one_saved_point)
      std::copy(u.begin(), u.begin() + std::ptrdiff_t(n), w.begin());
      return;
    }
    std::size_t i = 1;
    while (i < m - 1 && (fwd ? t[i] < tq : t[i] > tq)) ++i;
    const double a = t[i - 1], b = t[i];
    const double s = b != a ? (tq - a) / (b - a) : 1.0;
    for (std::size_t k = 0; k < n; ++k) w[k] = (1 - s) * u[(i - 1) * n + k] + s * u[i * n + k];
  }
};

// A solve by one method: the problem, its mass matrix (nullptr: none), options and callbacks.
using MassMatrix = Eigen::MatrixXd;
using SolveFn = std::function<std::unique_ptr<RuntimeSolution>(const RuntimeProblem&, const MassMatrix*,
                                                               const SolveOptions&, const RuntimeCallbacks&)>;

// What an ensemble keeps of one trajectory: its saved points (row-major u, one row of n per saved time).
struct TrajectoryOutput {
  std::vector<double> t, u;
};
using RuntimeEnsembleSolution = EnsembleSolution<TrajectoryOutput>;

// EnsembleSerial or EnsembleThreads{threads, chunk}, chosen at run time (one instantiation per method).
struct RuntimeEnsembleBackend {
  static constexpr bool is_cpu_ensemble_backend = true;
  bool serial = false;
  unsigned threads = 0;
  std::size_t chunk = 0;
  template <class Kernel>
  void run(std::size_t count, Kernel& kernel) const {
    if (serial) {
      EnsembleSerial{}.run(count, kernel);
    } else {
      EnsembleThreads{threads, chunk}.run(count, kernel);
    }
  }
};

// An ensemble solve by one method: trajectory i solves the problem with u0 = u0s[i] and p = params[i]
// (ensemble_from_arrays), the first `trajectories` of them.
using EnsembleFn = std::function<RuntimeEnsembleSolution(
    const RuntimeProblem&, const MassMatrix*, std::vector<std::vector<double>> u0s,
    std::vector<std::vector<double>> params, long long trajectories, const SolveOptions&, const RuntimeCallbacks&,
    const RuntimeEnsembleBackend&)>;

// Checks options for a method on a state of n components (tspan: the saveat times must lie in [t0, t1] and a
// fixed-step solve of nonzero length needs dt): sciml::detail::validate_options, as the integrator runs it.
using ValidateFn = std::function<void(const SolveOptions&, std::size_t n, bool has_tspan, double t0, double t1)>;

// What the package knows of a method: the one list of the methods, their properties and their defaults, read by
// the Python package (sciml._core.method_info) instead of lists of its own.
struct MethodInfo {
  std::string name;           // the registry's key: sciml.<name>() / method_by_name("<name>")
  std::string kind;           // "nonstiff", "stiff" or "switching"
  std::string summary;        // one line for the docs (the Python class's docstring)
  int order = 0;
  bool adaptive = true;       // has an error estimate (otherwise a fixed step: dt)
  bool mass_matrix = false;   // solves M u' = f(u, p, t)
  std::string nonstiff, stiff;   // a switching pair's two methods
  bool default_pairing = false;  // the pair sciml.Auto<nonstiff>() takes when no stiff method is named
  std::string kernel_type, kernel_header;  // EnsembleGPUKernel runs it: its C++ type and header (else empty)
  std::size_t index = 0;      // registration order (the order of the docs and of the package's names)
};

struct Method {
  SolveFn solve;
  EnsembleFn ensemble;
  ValidateFn validate;
  MethodInfo info;
};
using Registry = std::map<std::string, Method>;

// The methods that solve M u' = f(u, p, t), in registration order ("Rosenbrock23, Rodas4, ... or FBDF").
inline std::string mass_matrix_methods();

inline std::invalid_argument no_mass_matrix(const char* alg) {
  return std::invalid_argument(std::string("mass_matrix: ") + alg + " cannot solve M u' = f(u, p, t); use " +
                               mass_matrix_methods());
}

template <class Alg>
std::unique_ptr<RuntimeSolution> solve_runtime(const RuntimeProblem& prob, const MassMatrix* mass,
                                               const SolveOptions& opts, const RuntimeCallbacks& cbs) {
  auto wrap = [&prob](auto sol) -> std::unique_ptr<RuntimeSolution> {
    auto r = std::make_unique<RuntimeSolutionOf<decltype(sol)>>(std::move(sol), prob.u0.size());
    r->alg = Alg::name();
    return r;
  };
  if (mass) {
    if constexpr (requires { Alg::step_type::supports_mass_matrix; }) {
      auto dae = ODEProblem(with_mass_matrix(prob.f, *mass), prob.u0, prob.tspan, prob.p);
      return wrap(solve(dae, Alg{}, opts, detail::RuntimeCallbackSet(&cbs)));
    } else {
      throw no_mass_matrix(Alg::name());
    }
  }
  return wrap(solve(prob, Alg{}, opts, detail::RuntimeCallbackSet(&cbs)));
}

// The ensemble through the C++ ensemble API; every trajectory's solve is the same instantiation solve_runtime
// uses (same problem, method and callback types), so this adds only the ensemble's own code per method.
template <class Alg>
RuntimeEnsembleSolution solve_ensemble_runtime(const RuntimeProblem& prob, const MassMatrix* mass,
                                               std::vector<std::vector<double>> u0s,
                                               std::vector<std::vector<double>> params, long long trajectories,
                                               const SolveOptions& opts, const RuntimeCallbacks& cbs,
                                               const RuntimeEnsembleBackend& backend) {
  auto keep_saved = [](auto&& sol, std::size_t) {
    TrajectoryOutput o;
    o.t.assign(sol.t.begin(), sol.t.end());
    const std::size_t n = sol.u.empty() ? 0 : sol.u.front().size();
    o.u.reserve(sol.u.size() * n);
    for (const auto& x : sol.u) o.u.insert(o.u.end(), x.begin(), x.end());
    return o;
  };
  auto run = [&](const auto& base) {
    auto ens = with_output_func(ensemble_from_arrays(base, std::move(u0s), std::move(params)), keep_saved);
    return solve(ens, Alg{}, backend, trajectories, opts, detail::RuntimeCallbackSet(&cbs));
  };
  if (mass) {
    if constexpr (requires { Alg::step_type::supports_mass_matrix; }) {
      return run(ODEProblem(with_mass_matrix(prob.f, *mass), prob.u0, prob.tspan, prob.p));
    } else {
      throw no_mass_matrix(Alg::name());
    }
  }
  return run(prob);
}

template <class Alg>
void validate_runtime(const SolveOptions& o, std::size_t n, bool has_tspan, double t0, double t1) {
  sciml::detail::validate_options<Alg, double>(o, n, has_tspan, t0, t1);
}

template <class Alg>
constexpr bool solves_mass_matrix = requires { Alg::step_type::supports_mass_matrix; };

// What a registration says of a method beyond its type: its kind, a one-line summary, and for the methods
// EnsembleGPUKernel runs, the header that defines the type (the kernel names it sciml::<name>).
struct MethodDoc {
  const char* kind;  // "nonstiff", "stiff" or "switching"
  const char* summary = nullptr;  // nullptr: the one in the MethodInfo given
  const char* kernel_header = nullptr;
};

template <class Alg>
void add_method(Registry& r, const std::string& name, const MethodDoc& doc, MethodInfo info = {}) {
  info.name = name;
  info.kind = doc.kind;
  if (doc.summary) info.summary = doc.summary;
  info.order = Alg::order;
  info.adaptive = Alg::is_adaptive;
  info.mass_matrix = solves_mass_matrix<Alg>;
  if (doc.kernel_header) {
    info.kernel_type = "sciml::" + name;
    info.kernel_header = doc.kernel_header;
  }
  info.index = r.size();
  r[name] = Method{&solve_runtime<Alg>, &solve_ensemble_runtime<Alg>, &validate_runtime<Alg>, std::move(info)};
}

// AutoSwitch<NonStiff, Stiff> as "Auto<NonStiff>(<Stiff>)"; default_pairing: the pair sciml.Auto<NonStiff>()
// takes when no stiff method is named.
template <class NonStiff, class Stiff>
void add_switching(Registry& r, bool default_pairing) {
  MethodInfo info;
  info.nonstiff = NonStiff::name();
  info.stiff = Stiff::name();
  info.default_pairing = default_pairing;
  info.summary = info.nonstiff + " switching to " + info.stiff + " when the problem turns stiff";
  const std::string name = "Auto" + info.nonstiff + "(" + info.stiff + ")";
  add_method<AutoSwitch<NonStiff, Stiff>>(r, name, {"switching"}, std::move(info));
}

// Filled by the methods_*.cpp translation units (split to keep each compile small).
void register_explicit(Registry& r);
void register_stiff(Registry& r);
void register_implicit(Registry& r);
void register_switching(Registry& r);

inline const Registry& registry() {
  static const Registry r = [] {
    Registry x;
    register_explicit(x);
    register_stiff(x);
    register_implicit(x);
    register_switching(x);
    return x;
  }();
  return r;
}

// The registry's methods in registration order.
inline std::vector<const Method*> methods_in_order() {
  std::vector<const Method*> out;
  for (const auto& [name, m] : registry()) out.push_back(&m);
  std::sort(out.begin(), out.end(), [](const Method* a, const Method* b) { return a->info.index < b->info.index; });
  return out;
}

inline std::string mass_matrix_methods() {
  std::vector<std::string> names;
  for (const Method* m : methods_in_order())
    if (m->info.mass_matrix) names.push_back(m->info.name);
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i)
    s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}

}  // namespace sciml::python
