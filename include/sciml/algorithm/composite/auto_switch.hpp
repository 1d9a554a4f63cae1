// Automatic stiffness detection and switching, as OrdinaryDiffEq's AutoSwitch: a composite step that runs a
// non-stiff explicit Runge-Kutta method until the problem looks stiff, then a stiff method until it looks
// non-stiff again, inside the one integrator loop.
//
// Stiffness test (Hairer & Wanner II, Sec. IV.2; DOPRI5): after an explicit step, rho = ||f(u_new) - f(Y)|| /
// ||u_new - Y|| with Y the last internal stage at c = 1 estimates the dominant eigenvalue's magnitude; the step
// is stability-bound when h rho exceeds 9/10 of the method's stability boundary on the negative real axis.
// After a stiff step, rho = ||J||_inf. Ten stiff-looking accepted steps in a row switch to the stiff method,
// three non-stiff-looking ones switch back (OrdinaryDiffEq's maxstiffstep = 10, maxnonstiffstep = 3).
//
// AutoSwitch<NonStiff, Stiff> is the algorithm; AutoTsit5<Stiff> and AutoVern7<Stiff> name the usual pairs,
// e.g. AutoTsit5<Rosenbrock23>, AutoVern7<Rodas5P>. sol.stats.nswitch counts the switches.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include "../../config.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../core/stats.hpp"
#include "../../core/tolerance.hpp"
#include "../../linalg/sparsity.hpp"
#include "../bdf/fbdf.hpp"
#include "../erk/explicit_rk.hpp"
#include "../erk/methods.hpp"
#include "../rosenbrock/rosenbrock.hpp"
#include "../rosenbrock/rosenbrock23.hpp"

namespace sciml {

namespace detail {

// The stage of an explicit tableau, other than the new point, with c = 1 (the last one), or -1.
template <class Tab>
constexpr int last_unit_stage() {
  int j = -1;
  for (int i = 0; i < Tab::stages - 1; ++i)
    if (Tab::c[i] == 1.0) j = i;
  return j;
}

// Calls fn(std::type_identity<the i-th type of the tuple>{}).
template <class Tuple, class Fn, std::size_t... I>
decltype(auto) visit_index(int i, Fn&& fn, std::index_sequence<I...>) {
  using Ret = decltype(fn(std::type_identity<std::tuple_element_t<0, Tuple>>{}));
  if constexpr (std::is_void_v<Ret>) {
    ((int(I) == i ? (fn(std::type_identity<std::tuple_element_t<I, Tuple>>{}), true) : false) || ...);
  } else {
    Ret r{};
    ((int(I) == i ? (r = fn(std::type_identity<std::tuple_element_t<I, Tuple>>{}), true) : false) || ...);
    return r;
  }
}
template <class Tuple, class Fn>
decltype(auto) visit_index(int i, Fn&& fn) {
  return visit_index<Tuple>(i, std::forward<Fn>(fn), std::make_index_sequence<std::tuple_size_v<Tuple>>{});
}

template <class Alg>
using step_of = typename Alg::step_type;
// Whether new_point leaves f(u_new) in k[S - 1] (not so for BDF, which sets f_at_new_point = false).
template <class Step>
inline constexpr bool gives_f_at_new_point_v = !requires { requires !Step::f_at_new_point; };
template <class... A>
constexpr int max_of(A... a) {
  int m = 0;
  ((m = int(a) > m ? int(a) : m), ...);
  return m;
}

// Calls fn(std::integral_constant<std::size_t, i>{}) for a run-time i < N.
template <std::size_t N, class Fn, std::size_t... I>
decltype(auto) visit_nth(int i, Fn&& fn, std::index_sequence<I...>) {
  using Ret = decltype(fn(std::integral_constant<std::size_t, 0>{}));
  if constexpr (std::is_void_v<Ret>) {
    ((int(I) == i ? (fn(std::integral_constant<std::size_t, I>{}), true) : false) || ...);
  } else {
    Ret r{};
    ((int(I) == i ? (r = fn(std::integral_constant<std::size_t, I>{}), true) : false) || ...);
    return r;
  }
}
template <std::size_t N, class Fn>
decltype(auto) visit_nth(int i, Fn&& fn) {
  return visit_nth<N>(i, std::forward<Fn>(fn), std::make_index_sequence<N>{});
}

// What a Policy picks for one solve: the non-stiff and stiff candidates and, for the stiff method's linear
// solver on a dynamic state, whether to detect the Jacobian's pattern (sparse LU when it is sparse) and
// whether a dense LU is still affordable otherwise (else GMRES).
struct SwitchChoice {
  int nonstiff = 0, stiff = 0;
  bool detect = false, dense_ok = true;
};

// Candidates: a tuple of non-stiff explicit RK methods and a tuple of stiff methods, each with its own cache
// (only the chosen one is initialised, so a large state never gets the dense matrices of a small-system
// method); Policy::choose(reltol, n) -> SwitchChoice picks the pair a solve switches between. A stiff method
// that chooses its own step size and order (FBDF) does so while it is the one stepping; the integrator's
// controller steps the non-stiff one.
template <class State, class Policy, class NSs, class STs>
struct AutoSwitchCache;

template <class State, class Policy, class... NSA, class... STA>
struct AutoSwitchCache<State, Policy, std::tuple<NSA...>, std::tuple<STA...>> {
  using R = real_t<scalar_t<State>>;
  static constexpr int nns = int(sizeof...(NSA)), nst = int(sizeof...(STA));
  NoStepCache ns;
  std::tuple<typename step_of<STA>::template cache_type<State>...> st;
  int ins = 0, ist = 0;  // the chosen pair
  int mode = 0;          // the method of the next step: 0 non-stiff, 1 stiff
  int last = 0;          // the method of the last attempted step
  int count = 0;         // accepted steps in a row that point to the other method
  long nswitch = 0;      // switches so far
  bool signal = false;   // the last attempted step points to the other method
  bool accepted = false;  // the last attempted step was accepted (on_accept), and its verdict is not counted yet
  // set by the integrator and passed on to the chosen stiff cache
  TolView<R> tol{};
  LinearSolverChoice linsolve;  // krylov_rtol 0: the integrator's default
  // the stiff method's counters (Jacobians, factorisations, solves, Newton), and the switches
  void add_stats(Stats& s) const {
    with_stiff([&](const auto& c, auto) {
      if constexpr (requires { c.add_stats(s); }) c.add_stats(s);
    });
    s.nswitch = nswitch;
  }

  // fn(the chosen stiff cache, std::integral_constant<index>)
  template <class Fn>
  decltype(auto) with_stiff(Fn&& fn) {
    return visit_nth<sizeof...(STA)>(ist, [&](auto I) -> decltype(auto) { return fn(std::get<I>(st), I); });
  }
  template <class Fn>
  decltype(auto) with_stiff(Fn&& fn) const {
    return visit_nth<sizeof...(STA)>(ist, [&](auto I) -> decltype(auto) { return fn(std::get<I>(st), I); });
  }

  SwitchChoice pick{};
  bool stiff_ready = false;  // the stiff cache is initialised at the first stiff step
  void init(const State& u) {
    pick = Policy::choose(double(tol.reltol), state_size(u));
    ins = pick.nonstiff;
    ist = pick.stiff;
    stiff_ready = false;
    with_stiff([&](auto& c, auto) {
      if constexpr (!requires { c.linsolve; }) {
        if (linsolve.kind == LinearSolverKind::Krylov)
          throw std::invalid_argument("linsolve: LinearSolver::GMRES needs an implicit method on a dynamic state "
                                      "(std::vector); this state has no use for it");
      }
    });
  }
  // The stiff cache, made when first needed (a problem that never turns stiff never gets its matrices). When
  // the policy asks (a larger system) and the user gave no structure, the Jacobian's pattern is detected: a
  // sparse one (at most 10% filled) is factored by the sparse LU; a dense one, or an f with a dense user jac,
  // gets the dense LU while the policy allows it and GMRES beyond. Dual-number states always get the dense LU.
  template <bool Inplace, class F, class P, class T>
  void prepare_stiff(const F& f, const P& p, const State& u, T t) {
    if (stiff_ready) return;
    stiff_ready = true;
    with_stiff([&](auto& c, auto) {
      if constexpr (requires { c.tol; }) c.tol = tol;
      if constexpr (requires { c.linsolve; }) {
        c.linsolve = linsolve;
        if constexpr (sparse_krylov_scalar_v<scalar_t<State>>) {  // else (dual numbers) the dense LU
          if (pick.detect && linsolve.kind == LinearSolverKind::DenseLU) {
            bool sparse = false;
            if constexpr (!has_user_jacobian_v<F>) {
              const std::size_t n = state_size(u);
              sparse = detect_sparsity<Inplace>(f, u, p, t).nnz() * 10 <= n * n;
            }
            c.linsolve.kind = sparse ? LinearSolverKind::SparseLU
                                     : pick.dense_ok ? LinearSolverKind::DenseLU : LinearSolverKind::Krylov;
          }
        }
        if (!(linsolve.krylov_rtol > 0))
          c.linsolve.krylov_rtol = double(std::clamp(R(1e-2) * tol.reltol, R(1e-10), R(1e-3)));
      }
      c.init(u);
    });
  }
  // tag: 0..#NS-1 the non-stiff methods, then the stiff ones
  int tag() const { return last == 0 ? ins : nns + ist; }

  // the stiff method chooses its own step size (and order) while it is the one stepping
  template <class C>
  static constexpr bool own_control_v = requires(C& c, const State& x, R e) {
    c.reject_factor(e);
    c.accept_factor(x, x);
  };
  bool controls_step() const {
    if (last != 1) return false;
    return with_stiff([&]<class C>(const C&, auto) { return own_control_v<C>; });
  }
  R reject_factor(R EEst) {
    return with_stiff([&](auto& c, auto) {
      if constexpr (own_control_v<std::remove_cvref_t<decltype(c)>>) return c.reject_factor(EEst);
      return R(1);
    });
  }
  R accept_factor(const State& u, const State& unew) {
    return with_stiff([&](auto& c, auto) {
      if constexpr (own_control_v<std::remove_cvref_t<decltype(c)>>) return c.accept_factor(u, unew);
      return R(1);
    });
  }
  // the loop's verdict on the last attempt, passed on to the stiff method when it took the step
  void on_accept() {
    accepted = true;
    if (last == 1) with_stiff([](auto& c, auto) {
        if constexpr (requires { c.on_accept(); }) c.on_accept();
      });
  }
  void on_reject() {
    accepted = false;
    if (last == 1) with_stiff([](auto& c, auto) {
        if constexpr (requires { c.on_reject(); }) c.on_reject();
      });
  }
  // a callback changed u: a multistep stiff method starts again
  void reset_history() {
    with_stiff([&](auto& c, auto) {
      if constexpr (requires { c.reset_history(); }) c.reset_history();
    });
  }
};

template <class Policy, class NSs, class STs>
struct AutoSwitchStep;

template <class Policy, class... NSA, class... STA>
struct AutoSwitchStep<Policy, std::tuple<NSA...>, std::tuple<STA...>> {
  using NSs = std::tuple<NSA...>;
  using STs = std::tuple<STA...>;
  static constexpr int nns = int(sizeof...(NSA));
  static constexpr bool tagged = true;
  template <class State>
  using cache_type = AutoSwitchCache<State, Policy, NSs, STs>;
  static constexpr int order = std::tuple_element_t<0, NSs>::order;
  static constexpr int embedded_order = step_of<std::tuple_element_t<0, NSs>>::embedded_order;
  static constexpr int S = max_of(step_of<NSA>::S..., step_of<STA>::S...);
  static constexpr int TOT = max_of(step_of<NSA>::TOT..., step_of<STA>::TOT...);
  static constexpr int kc = (order < embedded_order ? order : embedded_order) + 1;
  static_assert(((step_of<NSA>::S == S || step_of<NSA>::TOT == step_of<NSA>::S) && ...),
                "AutoSwitch: a non-stiff method's extra stages would overlap the new-point slot");
  static_assert(((last_unit_stage<typename NSA::tableau>() >= 0) && ...),
                "AutoSwitch: non-stiff tableaus need an internal stage at c = 1 (Tsit5, DP5, Vern7, Vern9)");

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static StepResult stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp, State& unew,
                           Cache& c) {
    using R = real_t<scalar_t<State>>;
    using std::abs;
    using std::sqrt;
    int nf_switch = 0;
    if (c.accepted) {  // the last attempt was accepted: count its verdict
      c.accepted = false;
      c.count = c.signal ? c.count + 1 : 0;
      if (c.count >= (c.mode == 0 ? 10 : 3)) {
        c.mode = 1 - c.mode;
        c.count = 0;
        ++c.nswitch;
        if (c.mode == 1) {  // history and J from before the non-stiff stretch are stale
          c.with_stiff([](auto& sc, auto) {
            if constexpr (requires { sc.restart(); }) sc.restart();
            if constexpr (requires { sc.reset_history(); }) sc.reset_history();  // multistep: start at k[0] = f(u)
          });
        } else if (!c.with_stiff([](auto&, auto I) { return gives_f_at_new_point_v<step_of<std::tuple_element_t<I, STs>>>; })) {
          detail::eval_rhs<Inplace>(f, k[0], u, p, t);  // the explicit method's k[0] is f(u): a BDF step left none
          ++nf_switch;
        }
      }
    }
    c.last = c.mode;
    const std::size_t n = state_size(u);
    if (c.mode == 0) {
      return visit_index<NSs>(c.ins, [&]<class A>(std::type_identity<A>) -> StepResult {
        using NS = step_of<A>;
        using Tab = typename A::tableau;
        constexpr int unit = last_unit_stage<Tab>();
        int nf = NS::template stages<Inplace>(f, p, u, t, h, k, tmp, unew, c.ns);
        nf += NS::template new_point<Inplace>(f, p, unew, t + h, k);  // f(u_new), if the stages did not need it
        // rho = ||k_new - k_unit|| / ||u_new - Y_unit||, u_new - Y_unit = h sum_j (a_{S-1,j} - a_{unit,j}) k_j
        R num = 0, den = 0;
        for (std::size_t m = 0; m < n; ++m) {
          R d = 0;
          for (int j = 0; j < NS::S - 1; ++j) {
            const double aj = Tab::a[(NS::S - 1) * (NS::S - 2) / 2 + j] - (j < unit ? Tab::a[unit * (unit - 1) / 2 + j] : 0.0);
            if (aj != 0.0) d += R(aj) * value_of(k[j][m]);
          }
          d *= R(h);
          const R df = value_of(k[NS::S - 1][m]) - value_of(k[unit][m]);
          num += df * df;
          den += d * d;
        }
        const R rho = den > 0 ? sqrt(num / den) : R(0);
        c.signal = abs(R(h)) * rho > R(0.9 * Tab::stability_size);
        if constexpr (NS::S != S) k[S - 1] = k[NS::S - 1];
        return nf + nf_switch;
      });
    }
    c.template prepare_stiff<Inplace>(f, p, u, t);
    return c.with_stiff([&](auto& sc, auto I) -> StepResult {
      using ST = step_of<std::tuple_element_t<I, STs>>;
      const StepResult r = ST::template stages<Inplace>(f, p, u, t, h, k, tmp, unew, sc);
      c.signal = false;
      if (r.status != StepStatus::Ok) return {nf_switch + r.nf, r.status};  // no new point to measure
      const int nf = nf_switch + r.nf + ST::template new_point<Inplace>(f, p, unew, t + h, k);
      if constexpr (requires { sc.forms_jacobian(); }) {
        if (!sc.forms_jacobian()) return nf;  // GMRES: no J, so no estimate of its norm; the method stays stiff
      }
      const R rho = R(sc.jacobian_norm_inf());
      const double size = visit_index<NSs>(c.ins, []<class B>(std::type_identity<B>) { return B::tableau::stability_size; });
      c.signal = abs(R(h)) * rho < R(0.9 * size);
      if constexpr (ST::S != S && gives_f_at_new_point_v<ST>) k[S - 1] = k[ST::S - 1];
      return nf;
    });
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F&, const P&, const State&, T, K&) {
    return 0;  // done in stages, by whichever method took the step
  }
  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static int extra_stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp, int tag, const Cache& c) {
    if (tag < nns)
      return visit_index<NSs>(tag, [&]<class A>(std::type_identity<A>) {
        return step_of<A>::template extra_stages<Inplace>(f, p, u, t, h, k, tmp);
      });
    return c.with_stiff([&](const auto& sc, auto I) {
      using ST = step_of<std::tuple_element_t<I, STs>>;
      if constexpr (requires { ST::template extra_stages<Inplace>(f, p, u, t, h, k, tmp, sc); }) {
        return ST::template extra_stages<Inplace>(f, p, u, t, h, k, tmp, sc);
      } else {
        return ST::template extra_stages<Inplace>(f, p, u, t, h, k, tmp);
      }
    });
  }

  // a stiff method's estimate is raised to the power that fits it to the non-stiff controller's exponent
  template <class State, class K, class T, class R, class Cache>
  static R error_squared(const State& u, const State& unew, const K& k, T h, const TolView<R>& tol, const Cache& c) {
    using std::pow;
    if (c.last == 0)
      return visit_index<NSs>(c.ins, [&]<class A>(std::type_identity<A>) {
        return fit_exponent<step_of<A>>(step_of<A>::error_squared(u, unew, k, h, tol));
      });
    return c.with_stiff([&]<class C>(const C& sc, auto I) {
      using ST = step_of<std::tuple_element_t<I, STs>>;
      if constexpr (Cache::template own_control_v<C>) {
        return ST::error_squared(u, unew, k, h, tol, sc);  // it chooses its own step size from the raw estimate
      } else if constexpr (requires { ST::error_squared(u, unew, k, h, tol, sc); }) {
        return fit_exponent<ST>(ST::error_squared(u, unew, k, h, tol, sc));
      } else {
        return fit_exponent<ST>(ST::error_squared(u, unew, k, h, tol));
      }
    });
  }
  // EEst^(kc/ks): the controller's exponent 1/kc then acts as the method's own 1/ks (acceptance is unchanged)
  template <class Sub, class R>
  static R fit_exponent(R e) {
    using std::pow;
    constexpr int ks = (Sub::order < Sub::embedded_order ? Sub::order : Sub::embedded_order) + 1;
    if constexpr (kc == ks) {
      return e;
    } else {
      return pow(e, R(kc) / R(ks));
    }
  }

  template <class State, class K, class T>
  static void interpolate(State& out, const State& u0, const K& k, T h, T theta, int tag) {
    visit_index<std::tuple<NSA..., STA...>>(tag, [&]<class A>(std::type_identity<A>) {
      step_of<A>::interpolate(out, u0, k, h, theta);
    });
  }
};

// AutoSwitch<NonStiff, Stiff>: one pair.
struct FirstPair {
  static SwitchChoice choose(double, std::size_t) { return {}; }
};

}  // namespace detail

template <class NonStiff, class Stiff>
struct AutoSwitch {
  using step_type = detail::AutoSwitchStep<detail::FirstPair, std::tuple<NonStiff>, std::tuple<Stiff>>;
  static constexpr int order = NonStiff::order;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return "AutoSwitch"; }
  static StepController default_controller() { return NonStiff::default_controller(); }
};

// What solve(prob, opts) uses when no algorithm is named (the rule is documented in docs/solving.md), as
// DifferentialEquations.jl's default: non-stiff Tsit5, or Vern7 when reltol < 1e-6; the stiff method by size,
// Rosenbrock23 (reltol >= 1e-3, the default 1e-3) or Rodas5P for up to 50 states, FBDF above, with a sparse
// LU when the detected Jacobian pattern is sparse, else a dense LU up to 500 states and GMRES beyond;
// switching between the two by the stiffness test above.
struct DefaultODEAlgorithm {
  static constexpr std::size_t small_size = 50, medium_size = 500;
  struct Policy {
    static detail::SwitchChoice choose(double reltol, std::size_t n) {
      const int nonstiff = reltol < 1e-6 ? 1 : 0;
      if (n > small_size) return {nonstiff, 2, true, n <= medium_size};  // FBDF; its linear solver: prepare_stiff
      return {nonstiff, reltol >= 1e-3 ? 0 : 1, false};
    }
  };
  using step_type = detail::AutoSwitchStep<Policy, std::tuple<Tsit5, Vern7>, std::tuple<Rosenbrock23, Rodas5P, FBDF<>>>;
  static constexpr int order = 5;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return "DefaultODEAlgorithm"; }
  static StepController default_controller() { return Tsit5::default_controller(); }
};

template <class Stiff>
using AutoTsit5 = AutoSwitch<Tsit5, Stiff>;
template <class Stiff>
using AutoVern7 = AutoSwitch<Vern7, Stiff>;

}  // namespace sciml
