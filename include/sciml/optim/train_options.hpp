// TrainOptions: how long train() / train_lbfgs() run, the learning-rate schedule, progress printing,
// checkpointing (save_path, save_every, resume) and an early-stopping loss target.
#pragma once
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <vector>
#include "schedule.hpp"

namespace sciml::optim {

struct TrainOptions {
  long maxiters = 1000;            // stop after this many optimiser steps (counted across resumes)
  Schedule schedule;               // lr = schedule(iteration, opt.lr); empty: constant opt.lr
  long print_every = 10;           // progress line every this many iterations (and at the end); 0: silent
  std::ostream* out = &std::cout;  // where progress goes (nullptr: silent)
  std::string save_path;           // checkpoint file; empty: none
  long save_every = 100;           // checkpoint every this many iterations (and at the end); 0: at the end only
  bool resume = false;             // start from save_path's parameters and iteration count if the file exists
  double loss_target = -std::numeric_limits<double>::infinity();  // stop once loss <= loss_target
  // callback(iteration, theta, loss) at every iterate with a finite loss and gradient (L-BFGS: the starting
  // point and each accepted step); returning true stops training there (finished, stopped_by_callback)
  std::function<bool(long, const std::vector<double>&, double)> callback;
};

}  // namespace sciml::optim
