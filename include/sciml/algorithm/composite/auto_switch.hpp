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
#include <array>
#include <cmath>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include "../../config.hpp"
#include "../../controller/step_controller.hpp"
#include "../../core/state.hpp"
#include "../../core/tolerance.hpp"
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
template <class... A>
constexpr int max_of(A... a) {
  int m = 0;
  ((m = int(a) > m ? int(a) : m), ...);
  return m;
}

// Candidates: a tuple of non-stiff explicit RK methods and a tuple of stiff methods sharing one cache type;
// Policy::choose(reltol, n) -> {non-stiff index, stiff index} picks the pair a solve switches between.
template <class State, class Policy, class NSs, class STs>
struct AutoSwitchCache : step_of<std::tuple_element_t<0, STs>>::template cache_type<State> {
  using Base = typename step_of<std::tuple_element_t<0, STs>>::template cache_type<State>;
  using R = real_t<scalar_t<State>>;
  NoStepCache ns;
  int ins = 0, ist = 0;  // the chosen pair
  int mode = 0;          // the method of the next step: 0 non-stiff, 1 stiff
  int last = 0;          // the method of the last attempted step
  int count = 0;         // accepted steps in a row that point to the other method
  long nswitch = 0;      // switches so far
  bool signal = false;   // the last attempted step points to the other method
  bool tried = false;    // a step has been attempted
  double t_tried = NAN;  // its start
  TolView<R> tol{};  // set by the integrator; passed on to a Newton-based stiff cache
  void init(const State& u) {
    if constexpr (requires(Base& b) { b.tol; }) static_cast<Base&>(*this).tol = tol;
    Base::init(u);
    const auto pick = Policy::choose(double(this->tol.reltol), state_size(u));
    ins = pick[0];
    ist = pick[1];
  }
  // tag: 0..#NS-1 the non-stiff methods, then the stiff ones
  int tag() const { return last == 0 ? ins : int(std::tuple_size_v<NSs>) + ist; }
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
  static_assert((std::is_same_v<typename step_of<STA>::template cache_type<SVector<double, 1>>,
                                typename step_of<std::tuple_element_t<0, STs>>::template cache_type<SVector<double, 1>>> &&
                 ...),
                "AutoSwitch: the stiff candidates must share one cache type");
  static_assert(((last_unit_stage<typename NSA::tableau>() >= 0) && ...),
                "AutoSwitch: non-stiff tableaus need an internal stage at c = 1 (Tsit5, DP5, Vern7, Vern9)");

  template <bool Inplace, class F, class P, class State, class K, class T, class Cache>
  static int stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp, State& unew, Cache& c) {
    using R = real_t<scalar_t<State>>;
    using std::abs;
    using std::sqrt;
    if (c.tried && double(t) != c.t_tried) {  // the last attempt was accepted: count its verdict
      c.count = c.signal ? c.count + 1 : 0;
      if (c.count >= (c.mode == 0 ? 10 : 3)) {
        c.mode = 1 - c.mode;
        c.count = 0;
        ++c.nswitch;
        if constexpr (requires { c.restart(); }) {
          if (c.mode == 1) c.restart();  // history from before the non-stiff stretch is stale
        }
      }
    }
    c.tried = true;
    c.t_tried = double(t);
    c.last = c.mode;
    const std::size_t n = state_size(u);
    if (c.mode == 0) {
      return visit_index<NSs>(c.ins, [&]<class A>(std::type_identity<A>) {
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
        return nf;
      });
    }
    return visit_index<STs>(c.ist, [&]<class A>(std::type_identity<A>) {
      using ST = step_of<A>;
      int nf = ST::template stages<Inplace>(f, p, u, t, h, k, tmp, unew, static_cast<typename Cache::Base&>(c));
      nf += ST::template new_point<Inplace>(f, p, unew, t + h, k);
      const R rho = R(c.jacobian_norm_inf());
      const double size = visit_index<NSs>(c.ins, []<class B>(std::type_identity<B>) { return B::tableau::stability_size; });
      c.signal = abs(R(h)) * rho < R(0.9 * size);
      if constexpr (ST::S != S) k[S - 1] = k[ST::S - 1];
      return nf;
    });
  }

  template <bool Inplace, class F, class P, class State, class K, class T>
  static int new_point(const F&, const P&, const State&, T, K&) {
    return 0;  // done in stages, by whichever method took the step
  }
  template <bool Inplace, class F, class P, class State, class K, class T>
  static int extra_stages(const F& f, const P& p, const State& u, T t, T h, K& k, State& tmp, int tag) {
    return visit_index<std::tuple<NSA..., STA...>>(tag, [&]<class A>(std::type_identity<A>) {
      return step_of<A>::template extra_stages<Inplace>(f, p, u, t, h, k, tmp);
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
    return visit_index<STs>(c.ist, [&]<class A>(std::type_identity<A>) {
      using ST = step_of<A>;
      const auto& base = static_cast<const typename Cache::Base&>(c);
      if constexpr (requires { ST::error_squared(u, unew, k, h, tol, base); }) {
        return fit_exponent<ST>(ST::error_squared(u, unew, k, h, tol, base));
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
  static std::array<int, 2> choose(double, std::size_t) { return {0, 0}; }
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

// What solve(prob, opts) uses when no algorithm is named (the rule is documented in docs/solving.md):
// non-stiff Tsit5, or Vern7 when reltol < 1e-6; stiff Rosenbrock23 when reltol >= 1e-3 (the default 1e-3),
// Rodas5P below; switching between the two by the stiffness test above.
struct DefaultODEAlgorithm {
  struct Policy {
    static std::array<int, 2> choose(double reltol, std::size_t) { return {reltol < 1e-6 ? 1 : 0, reltol >= 1e-3 ? 0 : 1}; }
  };
  using step_type = detail::AutoSwitchStep<Policy, std::tuple<Tsit5, Vern7>, std::tuple<Rosenbrock23, Rodas5P>>;
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

#include "../../integrator/integrator.hpp"

namespace sciml {

// The algorithm solve / init use when none is named (docs/solving.md): with a mass matrix, Rodas5P on
// fixed-size states and FBDF on dynamic ones; with a sparse Jacobian (a large system), FBDF; otherwise
// DefaultODEAlgorithm, which picks by tolerance and switches on stiffness.
template <class Prob>
using default_algorithm_t = std::conditional_t<
    has_mass_matrix_v<decltype(Prob::f)>,
    std::conditional_t<is_fixed_size<typename Prob::state_type>::value, Rodas5P, FBDF<>>,
    std::conditional_t<has_sparse_jacobian_v<decltype(Prob::f)>, FBDF<>, DefaultODEAlgorithm>>;

template <class Prob, class Callback = NoCallback>
auto solve(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return solve(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}
template <class Prob, class Callback = NoCallback>
auto init(const Prob& prob, const SolveOptions& opts = {}, Callback cb = Callback{}) {
  return init(prob, default_algorithm_t<Prob>{}, opts, std::move(cb));
}

}  // namespace sciml
