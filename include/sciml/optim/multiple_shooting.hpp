// Multiple shooting for training (DiffEqFlux's `multiple_shoot`): the data times are cut into segments of
// `group_size` points (consecutive segments share their boundary point), each segment is solved from its own
// initial state, and the loss is the data misfit on every segment plus continuity_weight * |u_end(k) -
// u_start(k+1)|^2 at every boundary. multiple_shooting_loss(...) returns a `(theta, grad) -> double` for
// optim::train / train_lbfgs, its gradient from one sciml::gradient call per segment.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "../integrator/solve_options.hpp"
#include "../sensitivity/adjoint.hpp"

namespace sciml::optim {

// Where each segment's initial state comes from.
enum class SegmentU0 {
  Data,  // the data point at the segment's first time (DiffEqFlux's multiple_shoot); theta = p
  Free,  // free variables appended to theta (p, then n values per segment), initialised from the data
};

struct MultipleShootingOptions {
  SegmentU0 segment_u0 = SegmentU0::Data;
  double continuity_weight = 100;  // the weight of |u_end(k) - u_start(k+1)|^2 at each segment boundary
  std::vector<double> weights{};   // per-state weights of the squared data misfit (empty: all 1)
  SolveOptions solve_options{};    // of every segment's forward and adjoint solves (saveat is set per segment)
};

// The loss (see the top of this file): call as loss(theta, grad) -> L, grad = dL/dtheta (overwritten).
// theta = [p (np values)] or, with SegmentU0::Free, [p, u_start(0) (n), u_start(1) (n), ...]. A failed
// solve gives L = +Inf, a zero gradient and failure_message() (train() adds it to its stop message); a
// non-finite theta gives L = NaN. Copies share failures()/failure_message(), so neither one object nor its
// copies may be called from several threads at once.
template <class Prob, class Alg, class Sense = InterpolatingAdjoint, class AdjointAlg = Alg>
class MultipleShootingLoss {
 public:
  using param_type = typename Prob::param_type;

  MultipleShootingLoss(const Prob& prob, std::vector<double> ts, std::vector<std::vector<double>> data,
                       std::size_t group_size, Alg alg, Sense sense, MultipleShootingOptions o, AdjointAlg adjoint_alg)
      : prob_(prob), ts_(std::move(ts)), data_(std::move(data)), alg_(std::move(alg)), sense_(std::move(sense)),
        adjoint_alg_(std::move(adjoint_alg)), o_(std::move(o)), diag_(std::make_shared<Diagnostics>()) {
    static_assert(std::is_same_v<typename Prob::state_type, std::vector<double>>,
                  "multiple_shooting_loss: the state must be a std::vector<double>");
    static_assert(requires(param_type& p) { p.size(); p[0] = 1.0; },
                  "multiple_shooting_loss: p must be a std::vector<double> or std::array<double, N>");
    n_ = prob_.u0.size();
    np_ = sciml::detail::param_count(prob_.p);
    validate(group_size);
    // DiffEqFlux's group_ranges: segments start every group_size - 1 points and end group_size - 1 later
    const std::size_t m = ts_.size();
    for (std::size_t a = 0; a + 1 < m; a += group_size - 1) segments_.push_back({a, std::min(m - 1, a + group_size - 1)});
  }

  // The number of values in theta.
  std::size_t size() const { return np_ + (free() ? segments_.size() * n_ : 0); }
  std::size_t num_params() const { return np_; }
  std::size_t num_segments() const { return segments_.size(); }
  // Segment k covers the data points first..last (inclusive): ts[first] to ts[last].
  std::pair<std::size_t, std::size_t> segment(std::size_t k) const { return segments_.at(k); }
  // The starting theta: p of the problem, then (SegmentU0::Free) the data at each segment's first point.
  std::vector<double> initial_theta() const {
    std::vector<double> th(size());
    for (std::size_t j = 0; j < np_; ++j) th[j] = double(prob_.p[j]);
    if (free())
      for (std::size_t k = 0; k < segments_.size(); ++k)
        for (std::size_t q = 0; q < n_; ++q) th[np_ + k * n_ + q] = data_[segments_[k].first][q];
    return th;
  }
  // The parameters p held in theta (its first np values).
  std::vector<double> params(const std::vector<double>& theta) const {
    check_size(theta, "theta");
    return std::vector<double>(theta.begin(), theta.begin() + std::ptrdiff_t(np_));
  }
  // Segment k's initial state under theta (the data at its first point with SegmentU0::Data).
  std::vector<double> segment_start(const std::vector<double>& theta, std::size_t k) const {
    check_size(theta, "theta");
    if (k >= segments_.size()) throw std::out_of_range("segment_start: no segment " + std::to_string(k));
    return start_of(theta, k);
  }
  // Why the last call returned a non-finite loss ("" after a successful call), and how many calls failed.
  const std::string& failure_message() const { return diag_->message; }
  long failures() const { return diag_->failures; }

  double operator()(const std::vector<double>& theta, std::vector<double>& grad) const {
    check_size(theta, "theta");
    check_size(grad, "grad");
    diag_->message.clear();
    std::fill(grad.begin(), grad.end(), 0.0);
    for (std::size_t j = 0; j < theta.size(); ++j)
      if (!std::isfinite(theta[j]))
        return fail(grad, std::numeric_limits<double>::quiet_NaN(),
                    "theta[" + std::to_string(j) + "] is " + (std::isnan(theta[j]) ? "NaN" : "Inf"));
    Prob seg = prob_;
    for (std::size_t j = 0; j < np_; ++j) seg.p[j] = theta[j];
    const double c = o_.continuity_weight;
    const std::size_t K = segments_.size();
    std::vector<double> u_end(n_), next(n_), seg_ts;
    double L = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const auto [a, b] = segments_[k];
      const bool has_next = k + 1 < K;
      seg.u0 = start_of(theta, k);
      if (has_next) next = start_of(theta, k + 1);
      seg.tspan = {ts_[a], ts_[b]};
      seg_ts.assign(ts_.begin() + std::ptrdiff_t(a), ts_.begin() + std::ptrdiff_t(b + 1));
      // the data misfit at each point of the segment; at its last point also the continuity term
      auto loss = [&, a = a, b = b](std::size_t i, double, const std::vector<double>& u, std::vector<double>& gu) {
        const auto& d = data_[a + i];
        double l = 0;
        for (std::size_t q = 0; q < n_; ++q) {
          const double w = o_.weights.empty() ? 1.0 : o_.weights[q], r = u[q] - d[q];
          l += w * r * r;
          gu[q] = 2 * w * r;
        }
        if (a + i == b && has_next) {
          for (std::size_t q = 0; q < n_; ++q) {
            const double r = u[q] - next[q];
            l += c * r * r;
            gu[q] += 2 * c * r;
            u_end[q] = u[q];
          }
        }
        return l;
      };
      const GradientResult r = sciml::gradient(seg, alg_, seg_ts, loss, sense_, o_.solve_options, adjoint_alg_);
      if (!r.success())
        return fail(grad, std::numeric_limits<double>::infinity(),
                    "segment " + std::to_string(k) + " (t in [" + num(ts_[a]) + ", " + num(ts_[b]) +
                        "]): " + r.message);
      L += r.loss;
      for (std::size_t j = 0; j < np_; ++j) grad[j] += r.dp[j];
      if (free()) {
        for (std::size_t q = 0; q < n_; ++q) grad[np_ + k * n_ + q] += r.du0[q];
        if (has_next)  // d/d u_start(k+1) of c |u_end(k) - u_start(k+1)|^2
          for (std::size_t q = 0; q < n_; ++q) grad[np_ + (k + 1) * n_ + q] -= 2 * c * (u_end[q] - next[q]);
      }
    }
    return L;
  }

 private:
  struct Diagnostics {
    std::string message;
    long failures = 0;
  };

  bool free() const { return o_.segment_u0 == SegmentU0::Free; }
  static std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  void check_size(const std::vector<double>& v, const char* what) const {
    if (v.size() != size())
      throw std::invalid_argument(std::string("multiple shooting loss: ") + what + " has " + std::to_string(v.size()) +
                                  " values, expected " + std::to_string(size()) + " (" + std::to_string(np_) +
                                  " parameters" +
                                  (free() ? " + " + std::to_string(segments_.size()) + " segments x " +
                                                std::to_string(n_) + " initial states"
                                          : std::string()) +
                                  ")");
  }
  std::vector<double> start_of(const std::vector<double>& theta, std::size_t k) const {
    if (!free()) return data_[segments_[k].first];
    const auto b = theta.begin() + std::ptrdiff_t(np_ + k * n_);
    return std::vector<double>(b, b + std::ptrdiff_t(n_));
  }
  double fail(std::vector<double>& grad, double value, std::string why) const {
    std::fill(grad.begin(), grad.end(), 0.0);
    diag_->message = "multiple shooting: " + std::move(why);
    ++diag_->failures;
    return value;
  }
  void validate(std::size_t group_size) const {
    const std::size_t m = ts_.size();
    const double t0 = prob_.tspan[0], t1 = prob_.tspan[1];
    if (n_ == 0) throw std::invalid_argument("multiple_shooting_loss: prob.u0 is empty (it gives the state size)");
    if (!(t1 > t0)) throw std::invalid_argument("multiple_shooting_loss: tspan must run forwards (t0 < tf)");
    if (m < 2) throw std::invalid_argument("multiple_shooting_loss: ts needs at least 2 times (got " + std::to_string(m) + ")");
    if (group_size < 2 || group_size > m)
      throw std::invalid_argument("multiple_shooting_loss: group_size must be between 2 and the number of data points (" +
                                  std::to_string(m) + "), got " + std::to_string(group_size));
    if (data_.size() != m)
      throw std::invalid_argument("multiple_shooting_loss: data has " + std::to_string(data_.size()) + " rows for " +
                                  std::to_string(m) + " times in ts");
    for (std::size_t i = 0; i < m; ++i) {
      if (!(ts_[i] >= t0 && ts_[i] <= t1))
        throw std::invalid_argument("multiple_shooting_loss: ts[" + std::to_string(i) + "] = " + num(ts_[i]) +
                                    " lies outside tspan [" + num(t0) + ", " + num(t1) + "]");
      if (i && !(ts_[i] > ts_[i - 1]))
        throw std::invalid_argument("multiple_shooting_loss: ts must be strictly increasing (ts[" + std::to_string(i) +
                                    "] = " + num(ts_[i]) + " follows " + num(ts_[i - 1]) + ")");
      if (data_[i].size() != n_)
        throw std::invalid_argument("multiple_shooting_loss: data[" + std::to_string(i) + "] has " +
                                    std::to_string(data_[i].size()) + " values for " + std::to_string(n_) + " states");
      for (std::size_t q = 0; q < n_; ++q)
        if (!std::isfinite(data_[i][q]))
          throw std::invalid_argument("multiple_shooting_loss: data[" + std::to_string(i) + "][" + std::to_string(q) +
                                      "] is not finite");
    }
    if (!o_.weights.empty() && o_.weights.size() != n_)
      throw std::invalid_argument("multiple_shooting_loss: weights has " + std::to_string(o_.weights.size()) +
                                  " values for " + std::to_string(n_) + " states");
    for (double w : o_.weights)
      if (!(w >= 0 && std::isfinite(w)))
        throw std::invalid_argument("multiple_shooting_loss: weights must be finite and >= 0 (got " + num(w) + ")");
    if (!(o_.continuity_weight >= 0 && std::isfinite(o_.continuity_weight)))
      throw std::invalid_argument("multiple_shooting_loss: continuity_weight must be finite and >= 0 (got " +
                                  num(o_.continuity_weight) + ")");
    for (std::size_t j = 0; j < np_; ++j)
      if (!std::isfinite(double(prob_.p[j])))
        throw std::invalid_argument("multiple_shooting_loss: prob.p[" + std::to_string(j) + "] is not finite");
  }

  Prob prob_;
  std::vector<double> ts_;
  std::vector<std::vector<double>> data_;
  Alg alg_;
  Sense sense_;
  AdjointAlg adjoint_alg_;
  MultipleShootingOptions o_;
  std::size_t n_ = 0, np_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> segments_;
  std::shared_ptr<Diagnostics> diag_;
};

// The multiple-shooting loss of `prob` (its f, tspan and p; u0 gives only the state size) against `data`
// (one row of n values per time in `ts`), in segments of `group_size` points solved with `alg`, gradients
// by `sense` (adjoint solves with `adjoint_alg`). Invalid input throws std::invalid_argument naming it.
template <class Prob, class Alg, class Sense = InterpolatingAdjoint, class AdjointAlg = Alg>
MultipleShootingLoss<Prob, Alg, Sense, AdjointAlg> multiple_shooting_loss(
    const Prob& prob, std::vector<double> ts, std::vector<std::vector<double>> data, std::size_t group_size, Alg alg,
    Sense sense = {}, MultipleShootingOptions o = {}, AdjointAlg adjoint_alg = AdjointAlg{}) {
  return MultipleShootingLoss<Prob, Alg, Sense, AdjointAlg>(prob, std::move(ts), std::move(data), group_size,
                                                            std::move(alg), std::move(sense), std::move(o),
                                                            std::move(adjoint_alg));
}

}  // namespace sciml::optim
