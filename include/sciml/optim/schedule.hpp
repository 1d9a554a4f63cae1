// Learning-rate schedules: small value types with lr = s(iter, base_lr) (iter counts the optimiser steps
// taken before this one, from 0), and Schedule, the type-erased form the training loop takes. Constant,
// exponential decay, step decay and cosine annealing with an optional linear warm-up.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>

namespace sciml::optim {

// std::function<double(long iter, double base_lr)>; an empty one means a constant learning rate
using Schedule = std::function<double(long, double)>;

struct ConstantLR {
  double operator()(long, double base_lr) const { return base_lr; }
};

// base_lr * gamma^(iter / every) (every = 1: PyTorch's ExponentialLR stepped every iteration)
struct ExponentialDecay {
  double gamma = 0.999;
  long every = 1;
  double operator()(long iter, double base_lr) const {
    return base_lr * std::pow(gamma, double(iter) / double(std::max(every, 1L)));
  }
};

// base_lr * gamma^floor(iter / step_size) (PyTorch's StepLR)
struct StepDecay {
  long step_size = 100;
  double gamma = 0.1;
  double operator()(long iter, double base_lr) const {
    return base_lr * std::pow(gamma, double(iter / std::max(step_size, 1L)));
  }
};

// Linear warm-up from base_lr / warmup to base_lr over the first `warmup` iterations, then half a cosine from
// base_lr down to eta_min at iteration t_max (and eta_min after it): PyTorch's CosineAnnealingLR without restarts.
struct CosineAnnealing {
  long t_max = 1000;
  double eta_min = 0;
  long warmup = 0;
  double operator()(long iter, double base_lr) const {
    if (iter < warmup) return base_lr * double(iter + 1) / double(warmup);
    const long span = std::max(t_max - warmup, 1L);
    const double progress = std::min(1.0, double(iter - warmup) / double(span));
    return eta_min + (base_lr - eta_min) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
  }
};

}  // namespace sciml::optim
