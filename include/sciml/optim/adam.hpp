// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), with exactly PyTorch's update rules
// (torch.optim.Adam / AdamW, amsgrad off): bias-corrected first and second moments, L2 weight decay added to
// the gradient (Adam) or decoupled decay x *= 1 - lr * weight_decay (AdamW).
#pragma once
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sciml::optim {

struct Adam {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool decoupled = false;  // true: AdamW's decoupled weight decay
  std::vector<double> m{}, v{};  // first and second moments (sized on the first step)
  long t = 0;                // steps taken

  // one update of x (n values) from its gradient
  void step(double* x, const double* grad, std::size_t n) {
    if (m.empty() && v.empty()) {
      m.assign(n, 0.0);
      v.assign(n, 0.0);
    } else if (m.size() != n || v.size() != n) {
      throw std::invalid_argument("Adam::step: " + std::to_string(n) + " parameters but the moments hold " +
                                  std::to_string(m.size()) + " (call reset() before optimising another vector)");
    }
    ++t;
    const double bc1 = 1.0 - std::pow(beta1, double(t));
    const double bc2_sqrt = std::sqrt(1.0 - std::pow(beta2, double(t)));
    const double step_size = lr / bc1;
    const double decay = 1.0 - lr * weight_decay;
    for (std::size_t i = 0; i < n; ++i) {
      double g = grad[i];
      if (weight_decay != 0) {
        if (decoupled)
          x[i] *= decay;
        else
          g += weight_decay * x[i];
      }
      m[i] += (1.0 - beta1) * (g - m[i]);  // torch: exp_avg.lerp_(grad, 1 - beta1)
      v[i] = v[i] * beta2 + (1.0 - beta2) * g * g;  // exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)
      const double denom = std::sqrt(v[i]) / bc2_sqrt + eps;
      x[i] -= step_size * (m[i] / denom);
    }
  }
  void step(std::vector<double>& x, const std::vector<double>& grad) {
    if (grad.size() != x.size())
      throw std::invalid_argument("Adam::step: grad has " + std::to_string(grad.size()) + " entries, x has " +
                                  std::to_string(x.size()));
    step(x.data(), grad.data(), x.size());
  }
  // forget the moments and the step count (the hyperparameters stay)
  void reset() {
    m.clear();
    v.clear();
    t = 0;
  }
};

// AdamW: Adam with decoupled weight decay (PyTorch's defaults: weight_decay = 1e-2).
struct AdamW : Adam {
  explicit AdamW(double lr_ = 1e-3, double weight_decay_ = 1e-2) {
    lr = lr_;
    weight_decay = weight_decay_;
    decoupled = true;
  }
};

}  // namespace sciml::optim
