// TrainResult: what train() / train_lbfgs() return: the parameters (always ones with a finite loss and
// gradient), their loss, the iteration count, whether training finished normally, and the loss history.
#pragma once
#include <limits>
#include <string>
#include <vector>

namespace sciml::optim {

struct TrainResult {
  std::vector<double> theta;
  double loss = std::numeric_limits<double>::quiet_NaN();  // the loss at theta
  long iterations = 0;  // optimiser steps that produced theta (including those before a resume)
  bool finished = false;  // maxiters, loss_target or a convergence test reached; false: stopped on NaN/Inf or failure
  bool stopped_by_callback = false;  // TrainOptions::callback asked to stop
  std::string message;
  std::vector<double> history;  // the loss at every evaluated iterate of this run (the starting one first)
};

}  // namespace sciml::optim
