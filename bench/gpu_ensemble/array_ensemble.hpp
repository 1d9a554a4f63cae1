// EnsembleGPUArray: the array-at-a-time form of an ensemble (DiffEqGPU.jl's EnsembleGPUArray, and how JAX/diffrax
// with vmap over a shared step and PyTorch/torchdiffeq batch solves): all trajectories advance together as one big
// system with one step size; every stage is one pass over all trajectories (one kernel launch on a device), and the
// error norm is taken over the whole system (a reduction and a device-to-host copy per step), so the slowest
// trajectory sets everyone's step. Not part of the library: kept here, beside the benchmark, to measure that
// difference against EnsembleGPUKernel (bench_gpu_ensemble.cu; tests/gpu check that it solves correctly).
// Explicit Runge-Kutta methods; each pass calls the ERK step's own pieces (combine, eval_rhs, error_squared), and
// the host loop decides steps with the CPU integrator's controller, so on the host (ArrayOnHost) it takes the same
// steps as `solve` on the concatenated system.
#pragma once
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include <sciml/algorithm/erk/explicit_rk.hpp>
#include <sciml/controller/initial_dt.hpp>
#include <sciml/controller/step_controller.hpp>
#include <sciml/controller/step_limits.hpp>
#include <sciml/gpu/kernel_body.hpp>

namespace sciml {

namespace detail {

// The accept/reject rule of the step loop (integrator/step_loop.hpp) for one error norm over the whole array: a NaN
// estimate shrinks the step 4x, 30 in a row is Unstable.
template <class R>
struct StepJudge {
  enum Verdict { Accept, Reject, Unstable };
  ControllerState<R> ctrl;
  int nan_rejects = 0;
  // EEst: the squared scaled error norm; factor: dt_new / h.
  SCIML_HD Verdict judge(R EEst, R& factor) {
    if (EEst <= R(1)) {
      nan_rejects = 0;
      factor = ctrl.propose(EEst);
      ctrl.accept(EEst);
      return Accept;
    }
    if (EEst != EEst) {
      factor = R(0.25);
      return ++nan_rejects > 30 ? Unstable : Reject;
    }
    nan_rejects = 0;
    ctrl.propose(EEst);
    factor = ctrl.reject_factor(EEst);
    return Reject;
  }
};

// Stage I (1 <= I <= S-1) of trajectory m: Y = u + h sum_{j<I} a_Ij k_j; k_I = f(Y) (I = S-1: Y is u_new, also
// stored). k holds the stages stage-major: k[j * N + m].
template <class Alg, int I, bool Inplace, class F, class State, class P, class T>
struct ArrayStage {
  F f;
  const P* p;
  const State* u;
  State* k;
  State* unew;
  std::size_t N;
  T t, h;
  SCIML_HD void operator()(std::size_t m) const {
    using Step = typename Alg::step_type;
    constexpr auto c = Alg::tableau::c;
    std::array<State, std::size_t(I)> kl;
    for (int j = 0; j < I; ++j) kl[std::size_t(j)] = k[std::size_t(j) * N + m];
    State y = u[m];
    Step::template combine<I>(y, u[m], kl, h);
    if constexpr (I == Step::S - 1) unew[m] = y;
    if constexpr (I < Step::S - 1 || Step::fsal_error) eval_rhs<Inplace>(f, k[std::size_t(I) * N + m], y, p[m], t + T(c[std::size_t(I)]) * h);
  }
};

// The squared scaled error of trajectory m (summed over its components: the big system's norm is their total).
template <class Alg, class State, class T, class R>
struct ArrayError {
  const State* u;
  const State* unew;
  const State* k;
  R* err;
  std::size_t N;
  T h;
  TolView<R> tol;
  SCIML_HD void operator()(std::size_t m) const {
    using Step = typename Alg::step_type;
    std::array<State, std::size_t(Step::S)> kl;
    for (int j = 0; j < Step::S; ++j) kl[std::size_t(j)] = k[std::size_t(j) * N + m];
    err[m] = Step::error_squared(u[m], unew[m], kl, h, tol) * R(state_size(u[m]));
  }
};

// k_{S-1} = f(t + h, u_new) after an accepted step (methods whose estimate did not need it), or k_0 = f(t, u).
template <bool Inplace, class F, class State, class P, class T>
struct ArrayRhs {
  F f;
  const P* p;
  const State* u;
  State* out;
  T t;
  SCIML_HD void operator()(std::size_t m) const { eval_rhs<Inplace>(f, out[m], u[m], p[m], t); }
};

// The concatenated system's right-hand side (the initial step size is chosen on it, as `solve` would).
template <bool Inplace, class F, class State, class P>
struct ConcatenatedRhs {
  const F* f;
  const std::vector<P>* p;
  std::size_t n;
  template <class T>
  void operator()(std::vector<double>& du, const std::vector<double>& u, const std::vector<double>&, T t) const {
    State x, dx;
    for (std::size_t m = 0; m < p->size(); ++m) {
      for (std::size_t c = 0; c < n; ++c) x[c] = u[m * n + c];
      eval_rhs<Inplace>(*f, dx, x, (*p)[m], t);
      for (std::size_t c = 0; c < n; ++c) du[m * n + c] = double(dx[c]);
    }
  }
};

// The first step of the concatenated system: the given dt, or Hairer's estimate on it (as `solve` would).
template <class Alg, bool Inplace, class F, class State, class P, class T>
T array_first_dt(const F& f, const std::vector<State>& u0, const std::vector<P>& p, T t0, T t1, const KernelOptions<T>& o) {
  const T tdir = t1 >= t0 ? T(1) : T(-1);
  const T span = std::abs(t1 - t0);
  const T dtmax = o.dtmax < span ? o.dtmax : span;
  if (o.dt > 0) return tdir * (o.dt < dtmax ? o.dt : dtmax);
  const std::size_t N = u0.size(), n = state_size(u0[0]);
  ConcatenatedRhs<Inplace, F, State, P> big{&f, &p, n};
  std::vector<double> U(N * n), F0(N * n), w1(N * n), w2(N * n);
  for (std::size_t m = 0; m < N; ++m)
    for (std::size_t c = 0; c < n; ++c) U[m * n + c] = double(u0[m][c]);
  big(F0, U, U, double(t0));
  const TolView<double> tl{double(o.abstol), nullptr, double(o.reltol)};
  long nf = 0;
  using Step = typename Alg::step_type;
  return tdir * T(initial_dt<true>(big, U, U, double(t0), double(tdir), F0, Step::order, tl, double(dtmax), w1, w2, nf));
}

// Host memory for the array form: a pass is a loop.
template <class State, class P, class T>
struct ArrayOnHost {
  std::size_t N = 0;
  std::vector<State> ub, unewb, kb;
  std::vector<T> errb;
  State *u = nullptr, *unew = nullptr, *k = nullptr;
  T* err = nullptr;
  const P* p = nullptr;
  ArrayOnHost(const std::vector<State>& u0, const std::vector<P>& ps, int S)
      : N(u0.size()), ub(u0), unewb(u0), kb(std::size_t(S) * u0.size(), u0[0]), errb(u0.size(), T(0)) {
    u = ub.data();
    unew = unewb.data();
    k = kb.data();
    err = errb.data();
    p = ps.data();
  }
  template <class Body>
  void each(const Body& b) const {
    for (std::size_t m = 0; m < N; ++m) b(m);
  }
  T sum_err() const {
    T s = 0;
    for (std::size_t m = 0; m < N; ++m) s += err[m];
    return s;
  }
  void fsal(int S) {
    for (std::size_t m = 0; m < N; ++m) k[m] = k[std::size_t(S - 1) * N + m];
  }
  std::vector<State> states() const { return std::vector<State>(u, u + N); }
};

// The array-at-a-time solve over [t0, tf] from the states in mem (mem.u ends as the final states). Mem supplies
// the arrays, each(body) (a loop, or a kernel launch), sum_err() and fsal(S). One ReturnCode for all.
template <class Alg, bool Inplace, class Mem, class F, class T>
TrajectoryStats array_solve(Mem& mem, const F& f, std::size_t n, T t0, T t1, const KernelOptions<T>& o, T dt) {
  using Step = typename Alg::step_type;
  using State = std::remove_cvref_t<decltype(*mem.u)>;
  using P = std::remove_cvref_t<decltype(*mem.p)>;
  using R = T;
  static_assert(!Step::has_second_estimate, "EnsembleGPUArray: methods with a two-part error estimate (DP8) are not supported");
  constexpr int S = Step::S;
  const std::size_t N = mem.N;
  TrajectoryStats st;
  const TolView<R> tol{R(o.abstol), nullptr, R(o.reltol)};
  const T tdir = t1 >= t0 ? T(1) : T(-1);
  const T span = std::abs(t1 - t0);
  const T dtmax = o.dtmax < span ? o.dtmax : span;
  StepJudge<R> judge{o.controller};
  T t = t0;
  st.t = double(t0);
  if (t0 == t1) {
    st.retcode = ReturnCode::Success;
    return st;
  }
  mem.each(ArrayRhs<Inplace, F, State, P, T>{f, mem.p, mem.u, mem.k, t});  // k_0 = f(t0, u0)
  st.nf += 1;
  int iters = 0;
  for (;;) {
    if (iters >= o.maxiters) {
      st.retcode = ReturnCode::MaxIters;
      return st;
    }
    ++iters;
    T h = dt;
    const bool hit = clip_step(t, h, t1, tdir);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (mem.each(ArrayStage<Alg, int(I) + 1, Inplace, F, State, P, T>{f, mem.p, mem.u, mem.k, mem.unew, N, t, h}), ...);
    }(std::make_index_sequence<std::size_t(S - 1)>{});
    st.nf += Step::fsal_error ? S - 1 : S - 2;
    R factor = 1;
    if (o.adaptive) {
      mem.each(ArrayError<Alg, State, T, R>{mem.u, mem.unew, mem.k, mem.err, N, h, tol});
      const R EEst = mem.sum_err() / R(N * n);
      const auto v = judge.judge(EEst, factor);
      if (v == StepJudge<R>::Unstable) {
        st.retcode = ReturnCode::Unstable;
        return st;
      }
      if (v == StepJudge<R>::Reject) {
        ++st.nreject;
        dt = h * T(factor);
        if (std::abs(dt) < min_step(o.dtmin, t)) {
          st.retcode = ReturnCode::DtLessThanMin;
          return st;
        }
        continue;
      }
    }
    const T tnew = hit ? t1 : t + h;
    if constexpr (!Step::fsal_error) {
      mem.each(ArrayRhs<Inplace, F, State, P, T>{f, mem.p, mem.unew, mem.k + std::size_t(S - 1) * N, tnew});
      st.nf += 1;
    }
    ++st.naccept;
    std::swap(mem.u, mem.unew);
    mem.fsal(S);  // k_0 of the next step
    t = tnew;
    st.t = double(t);
    if (o.adaptive) dt = next_step(h, factor, dtmax, tdir, hit, dt);
    if (t == t1) {
      st.retcode = ReturnCode::Success;
      return st;
    }
  }
}

}  // namespace detail

}  // namespace sciml

namespace sciml {

// The array form on the host: the final states of all trajectories (one ReturnCode for all), as
// EnsembleGPUArray computes them on a device (array_ensemble.cuh).
template <class Alg, class Prob, class State, class P>
std::pair<std::vector<State>, TrajectoryStats> run_array_on_host(const Prob& prob, Alg, const std::vector<State>& u0,
                                                                 const std::vector<P>& p, const SolveOptions& opts) {
  using T = typename Prob::time_type;
  if (u0.size() != p.size() || u0.empty())
    throw std::invalid_argument("u0 / p: need as many initial states as parameter sets, at least one");
  const auto o = kernel_options<Alg, T>(opts);
  const T t0 = prob.tspan[0], t1 = prob.tspan[1];
  const T dt = detail::array_first_dt<Alg, Prob::inplace>(prob.f, u0, p, t0, t1, o);
  detail::ArrayOnHost<State, P, T> mem(u0, p, Alg::step_type::S);
  const auto st = detail::array_solve<Alg, Prob::inplace>(mem, prob.f, state_size(u0[0]), t0, t1, o, dt);
  return {mem.states(), st};
}

}  // namespace sciml
