// train / train_lbfgs: training loops for a loss with gradient, loss = f(theta, grad). train() takes Adam
// (or AdamW) steps under a learning-rate schedule; train_lbfgs() runs lbfgs. Both print progress, checkpoint
// theta to a text file (and Adam's moments to <save_path>.adam, so a resumed run repeats an uninterrupted one
// exactly), resume from it, stop at a loss target, and stop cleanly on a NaN/Inf loss or gradient (adding the
// loss's own failure_message(), when it has one, to the message).
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include "adam.hpp"
#include "lbfgs.hpp"
#include "train_options.hpp"
#include "train_result.hpp"

namespace sciml::optim {

namespace detail {

// Checkpoint format: a header line "# sciml checkpoint iteration <k> n <n>", then n values, one per line, with
// 17 significant digits (doubles round-trip exactly). Written to <path>.tmp and renamed over <path>.
inline void write_values(std::ostream& os, const std::vector<double>& v) {
  char buf[40];
  for (double x : v) {
    std::snprintf(buf, sizeof buf, "%.17g\n", x);
    os << buf;
  }
}
inline void atomic_write(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw std::runtime_error("train: cannot write checkpoint file '" + tmp + "'");
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("train: writing checkpoint file '" + tmp + "' failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("train: cannot rename '" + tmp + "' to '" + path + "'");
}
inline void save_checkpoint(const std::string& path, const std::vector<double>& theta, long iteration,
                            const Adam* adam) {
  std::ostringstream os;
  os << "# sciml checkpoint iteration " << iteration << " n " << theta.size() << "\n";
  write_values(os, theta);
  atomic_write(path, os.str());
  if (adam && adam->m.size() == theta.size()) {
    std::ostringstream oa;
    oa << "# sciml adam iteration " << iteration << " t " << adam->t << " n " << theta.size() << "\n";
    write_values(oa, adam->m);
    write_values(oa, adam->v);
    atomic_write(path + ".adam", oa.str());
  }
}

inline bool read_header(std::istream& is, const char* kind, long& count, std::size_t& n) {
  std::string line;
  if (!std::getline(is, line)) return false;
  std::istringstream hs(line);
  std::string hash, sciml, word, key, nkey;
  if (!(hs >> hash >> sciml >> word >> key >> count >> nkey >> n)) return false;
  return hash == "#" && sciml == "sciml" && word == kind && nkey == "n";
}
inline bool read_values(std::istream& is, std::vector<double>& v, std::size_t n) {
  v.resize(n);
  std::string tok;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(is >> tok)) return false;
    char* end = nullptr;
    v[i] = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0') return false;
  }
  return true;
}

// Loads theta and the iteration count from path into theta/iteration; false when the file does not exist.
inline bool load_checkpoint(const std::string& path, std::vector<double>& theta, long& iteration) {
  std::ifstream f(path);
  if (!f) return false;
  long k = 0;
  std::size_t n = 0;
  if (!read_header(f, "checkpoint", k, n))
    throw std::invalid_argument("train: resume file '" + path +
                                "' is not a sciml checkpoint (expected a first line '# sciml checkpoint iteration "
                                "<k> n <n>')");
  if (n != theta.size())
    throw std::invalid_argument("train: resume file '" + path + "' holds " + std::to_string(n) +
                                " parameters but theta has " + std::to_string(theta.size()));
  std::vector<double> v;
  if (!read_values(f, v, n))
    throw std::invalid_argument("train: resume file '" + path + "' is truncated or holds a non-number (expected " +
                                std::to_string(n) + " values)");
  theta = std::move(v);
  iteration = k;
  return true;
}
// Adam's moments from <path>.adam when present, of the right size and written with the checkpoint of the same
// iteration (otherwise they restart from zero).
inline bool load_adam(const std::string& path, Adam& adam, std::size_t n, long iteration) {
  std::ifstream f(path + ".adam");
  if (!f) return false;
  std::string line, hash, sciml, word, ikey, tkey, nkey;
  long k = -1, t = 0;
  std::size_t na = 0;
  if (!std::getline(f, line)) return false;
  std::istringstream hs(line);
  if (!(hs >> hash >> sciml >> word >> ikey >> k >> tkey >> t >> nkey >> na) || word != "adam" || k != iteration ||
      na != n)
    return false;
  std::vector<double> m, v;
  if (!read_values(f, m, n) || !read_values(f, v, n)) return false;
  adam.m = std::move(m);
  adam.v = std::move(v);
  adam.t = t;
  return true;
}

inline void print_progress(std::ostream* out, long iter, double loss, double lr, bool with_lr, double seconds) {
  if (!out) return;
  char buf[128];
  if (with_lr)
    std::snprintf(buf, sizeof buf, "iter %4ld  loss %.6e  lr %.1e  time %.2f s\n", iter, loss, lr, seconds);
  else
    std::snprintf(buf, sizeof buf, "iter %4ld  loss %.6e  time %.2f s\n", iter, loss, seconds);
  *out << buf << std::flush;
}

inline std::string nonfinite_name(double v) { return std::isnan(v) ? "NaN" : "Inf"; }

// Why a loss returned NaN/Inf, when it says so through `failure_message()` (e.g. a failed ODE solve in
// MultipleShootingLoss); "" otherwise.
template <class Fun>
std::string failure_of(const Fun& f) {
  if constexpr (requires { std::string(f.failure_message()); }) {
    return std::string(f.failure_message());
  } else {
    return {};
  }
}

}  // namespace detail

// Adam (or AdamW) on loss_and_grad(theta, grad) -> loss (grad arrives zeroed, so the loss may accumulate into
// it, e.g. with MLP::vjp), from theta, for o.maxiters steps. Iteration k's
// learning rate is o.schedule(k, opt.lr) (opt.lr when no schedule). With o.resume and an existing
// o.save_path, theta and the iteration count come from the file (and Adam's moments from <save_path>.adam
// when present), so the resumed run continues exactly where the saved one was.
template <class Fun>
TrainResult train(Fun&& loss_and_grad, std::vector<double> theta, Adam opt, const TrainOptions& o = {}) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
  const bool saving = !o.save_path.empty();
  long k = 0;
  if (o.resume && saving && detail::load_checkpoint(o.save_path, theta, k)) {
    if (!detail::load_adam(o.save_path, opt, theta.size(), k)) opt.reset();
  }
  const long k_start = k;
  const double base_lr = opt.lr;
  const std::size_t n = theta.size();
  std::vector<double> grad(n), good_theta;
  TrainResult res;
  double good_loss = std::numeric_limits<double>::quiet_NaN();
  long good_k = k;
  Adam good_opt;
  const bool printing = o.print_every > 0 && o.out;

  for (;;) {
    for (std::size_t i = 0; i < n; ++i) grad[i] = 0.0;
    const double loss = loss_and_grad(static_cast<const std::vector<double>&>(theta), grad);
    const bool loss_ok = std::isfinite(loss);
    const bool grad_ok = optim::detail::all_finite(grad);
    const double lr = o.schedule ? o.schedule(k, base_lr) : base_lr;
    if (!loss_ok || !grad_ok) {
      std::string what = !loss_ok ? "loss became " + detail::nonfinite_name(loss) : "gradient became non-finite";
      const std::string why = detail::failure_of(loss_and_grad);
      if (!why.empty()) what += " (" + why + ")";
      res.finished = false;
      if (good_theta.empty()) {  // the starting point itself
        res.theta = std::move(theta);
        res.loss = loss;
        res.iterations = k;
        res.message = (!loss_ok ? "loss is " + detail::nonfinite_name(loss) : std::string("gradient is non-finite")) +
                      " at the starting parameters (iteration " + std::to_string(k) +
                      "): check the model, the data and the initial parameters" + (why.empty() ? "" : " (" + why + ")");
        return res;
      }
      char lrbuf[32];
      std::snprintf(lrbuf, sizeof lrbuf, "%.1e", lr);
      res.message = what + " at iteration " + std::to_string(k) + ": lower the learning rate (lr = " + lrbuf +
                    ") or check the model for overflow; returning the parameters of iteration " +
                    std::to_string(good_k) + " (loss " + optim::detail::fmt_e(good_loss) + ")";
      res.theta = std::move(good_theta);
      res.loss = good_loss;
      res.iterations = good_k;
      if (printing) *o.out << res.message << "\n";
      if (saving) detail::save_checkpoint(o.save_path, res.theta, good_k, &good_opt);
      return res;
    }
    res.history.push_back(loss);
    good_theta = theta;
    good_loss = loss;
    good_k = k;
    good_opt = opt;
    if (saving && o.save_every > 0 && k != k_start && k % o.save_every == 0)
      detail::save_checkpoint(o.save_path, theta, k, &opt);
    if (o.callback && o.callback(k, static_cast<const std::vector<double>&>(theta), loss)) {
      if (printing) detail::print_progress(o.out, k, loss, lr, true, seconds());
      res.finished = true;
      res.stopped_by_callback = true;
      res.message = "stopped by the callback at iteration " + std::to_string(k);
      break;
    }
    const bool target = loss <= o.loss_target, done = target || k >= o.maxiters;
    if (printing && (k % o.print_every == 0 || done)) detail::print_progress(o.out, k, loss, lr, true, seconds());
    if (done) {
      res.finished = true;
      res.message = target ? "loss target " + optim::detail::fmt_e(o.loss_target) + " reached at iteration " +
                                 std::to_string(k)
                           : "maximum number of iterations (" + std::to_string(o.maxiters) + ") reached";
      break;
    }
    opt.lr = lr;
    opt.step(theta, grad);
    ++k;
  }
  res.theta = std::move(theta);
  res.loss = good_loss;
  res.iterations = k;
  if (saving) detail::save_checkpoint(o.save_path, res.theta, k, &opt);
  return res;
}

// lbfgs with the same progress lines (without lr), checkpoints, resume (theta and the iteration count; the
// L-BFGS memory restarts) and loss target; o.maxiters counts across resumes, o.schedule is ignored.
template <class Fun>
TrainResult train_lbfgs(Fun&& loss_and_grad, std::vector<double> theta, const LBFGSOptions& lo = {},
                        const TrainOptions& o = {}) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
  const bool saving = !o.save_path.empty();
  const bool printing = o.print_every > 0 && o.out;
  long k0 = 0;
  if (o.resume && saving) detail::load_checkpoint(o.save_path, theta, k0);
  TrainResult res;
  long last_printed = -1;
  auto progress = [&](long k, double f) {
    if (!printing) return;
    detail::print_progress(o.out, k, f, 0, false, seconds());
    last_printed = k;
  };

  // the starting point, evaluated here (and handed to lbfgs' first call) for the first line and the target
  std::vector<double> g0(theta.size());
  const double f0 = loss_and_grad(static_cast<const std::vector<double>&>(theta), g0);
  bool cached = true, target = std::isfinite(f0) && f0 <= o.loss_target;
  bool stopped = false;
  if (std::isfinite(f0)) {
    res.history.push_back(f0);
    progress(k0, f0);
    if (!target && o.callback && optim::detail::all_finite(g0) &&
        o.callback(k0, static_cast<const std::vector<double>&>(theta), f0))
      stopped = true;
  }
  auto fg = [&](const std::vector<double>& x, std::vector<double>& g) {
    if (cached) {  // lbfgs' first call is at the starting point
      cached = false;
      g = g0;
      return f0;
    }
    for (double& gi : g) gi = 0.0;
    return static_cast<double>(loss_and_grad(x, g));
  };
  auto cb = [&](long it, const std::vector<double>& x, double f) {
    const long k = k0 + it;
    res.history.push_back(f);
    target = f <= o.loss_target;
    if (printing && (k % o.print_every == 0 || target)) progress(k, f);
    if (saving && o.save_every > 0 && k % o.save_every == 0) detail::save_checkpoint(o.save_path, x, k, nullptr);
    if (!target && o.callback && o.callback(k, x, f)) stopped = true;
    return !target && !stopped;
  };
  LBFGSOptions l2 = lo;
  l2.maxiters = (target || stopped) ? 0 : std::max(0L, o.maxiters - k0);
  OptimResult r = lbfgs(fg, std::move(theta), l2, cb);
  res.theta = std::move(r.x);
  res.loss = r.f;
  res.iterations = k0 + r.iterations;
  if (target) {
    res.finished = true;
    res.message = "loss target " + optim::detail::fmt_e(o.loss_target) + " reached at iteration " +
                  std::to_string(res.iterations);
  } else if (stopped) {
    res.finished = true;
    res.stopped_by_callback = true;
    res.message = "stopped by the callback at iteration " + std::to_string(res.iterations);
  } else {
    const bool maxed = std::isfinite(r.f) && r.message.rfind("maximum", 0) == 0;
    res.finished = r.converged || maxed;
    res.message = maxed ? "maximum number of iterations (" + std::to_string(o.maxiters) + ") reached; max |grad| = " +
                              optim::detail::fmt_e(r.grad_norm)
                        : r.message;
  }
  if (!res.finished) {  // e.g. the line search met only failed solves: say why the loss failed
    const std::string why = detail::failure_of(loss_and_grad);
    if (!why.empty()) res.message += " (last failure of the loss: " + why + ")";
  }
  if (std::isfinite(res.loss) && last_printed != res.iterations) progress(res.iterations, res.loss);
  if (printing && !res.finished) *o.out << res.message << "\n";
  if (saving && std::isfinite(res.loss)) detail::save_checkpoint(o.save_path, res.theta, res.iterations, nullptr);
  return res;
}

}  // namespace sciml::optim
