// ODESolution: saved times and states, ReturnCode, message and counters, plus the dense output of every
// step (the method's own interpolant, Hermite where it has none) so that sol(t) is continuous output.
#pragma once
#include <algorithm>
#include <array>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#include "../algorithm/step_protocol.hpp"
#include "../core/return_code.hpp"
#include "../core/stats.hpp"

namespace sciml {

template <class State, class Alg>
struct ODESolution {
  using state_type = State;
  using time_type = time_t_of<State>;
  using Step = typename Alg::step_type;

  std::vector<time_type> t;
  std::vector<State> u;
  ReturnCode retcode = ReturnCode::Default;
  std::string message;  // why the solve stopped, and the likely fix when it failed
  Stats stats;
  bool dense = false;   // sol(t) uses the method's interpolant (true) or linear interpolation of saved points

  // Dense output: step i covers [dense_t0[i], dense_tend[i]] with step size dense_h[i] (tend < t0 + h when an
  // event cut the step), start state dense_u0[i] and stages dense_k[i*TOT .. i*TOT+TOT).
  std::vector<time_type> dense_t0, dense_h, dense_tend;
  std::vector<State> dense_u0, dense_k;
  std::vector<signed char> dense_tag;  // composite methods (auto switching): which method took step i

  bool success() const { return successful_retcode(retcode); }

 private:
  static void fit_size(State& out, const State& like) {
    if constexpr (is_resizable_v<State>) {
      if (state_size(out) != state_size(like)) out.resize(state_size(like));
    }
  }

 public:

  // u(tq): the interpolant of the step containing tq (the left one at a step boundary / event).
  State operator()(time_type tq) const {
    State out = u.empty() ? State{} : u.front();
    interpolate(tq, out);
    return out;
  }

  // In-place form of sol(tq); a resizable `out` is resized to the state's length at tq (it may change at
  // events), a fixed-size one must match it.
  void interpolate(time_type tq, State& out) const {
    // no step stored (tspan of zero length, an InitialFailure): the saved points are all there is
    const bool use_dense = dense && !dense_t0.empty();
    if (t.empty() && !use_dense) throw std::logic_error("sol(t): the solution holds no data (no step was taken and "
                                                        "nothing was saved)");
    const time_type a = use_dense ? dense_t0.front() : t.front();
    const time_type b = use_dense ? dense_tend.back() : t.back();
    const time_type lo = std::min(a, b), hi = std::max(a, b);
    if (!(tq >= lo && tq <= hi)) {
      std::ostringstream msg;
      msg << "sol(t): t = " << tq << " is outside the solved interval [" << lo << ", " << hi << "]";
      throw std::out_of_range(msg.str());
    }
    const bool fwd = b >= a;
    auto before = [fwd](time_type x, time_type y) { return fwd ? x < y : x > y; };
    if (use_dense) {
      // first step whose end is not before tq
      auto it = std::lower_bound(dense_tend.begin(), dense_tend.end(), tq, before);
      std::size_t i = std::min<std::size_t>(std::size_t(it - dense_tend.begin()), dense_tend.size() - 1);
      const time_type h = dense_h[i];
      const time_type theta = h != 0 ? (tq - dense_t0[i]) / h : time_type(0);
      fit_size(out, dense_u0[i]);
      detail::step_interpolate<Step>(out, dense_u0[i], detail::KView<State>{&dense_k[i * Step::TOT]}, h, theta,
                                     dense_tag.empty() ? 0 : int(dense_tag[i]));
      return;
    }
    auto it = std::lower_bound(t.begin(), t.end(), tq, before);
    std::size_t i = std::size_t(it - t.begin());
    if (i == 0) { out = u[0]; return; }
    if (i >= t.size()) { out = u.back(); return; }
    const time_type w = (tq - t[i - 1]) / (t[i] - t[i - 1]);
    out = u[i];
    if (state_size(u[i - 1]) != state_size(u[i])) return;  // the length changed here: no blend
    for (std::size_t m = 0; m < state_size(out); ++m) out[m] = (1 - w) * u[i - 1][m] + w * u[i][m];
  }
};

}  // namespace sciml
