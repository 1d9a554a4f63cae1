// Step-size controllers as value objects: IController, PIController, PIDController (Söderlind's digital
// filters). `StepController` is what SolveOptions holds; `detail::ControllerState` is the device-safe state
// the integrator updates after every error estimate.
#pragma once
#include <cmath>
#include "../config.hpp"

namespace sciml {

struct StepController {
  enum class Kind { Default, I, PI, PID };
  Kind kind = Kind::Default;  // Default: the method's own choice (PI for explicit RK, as OrdinaryDiffEq)
  double beta1 = 0, beta2 = 0, beta3 = 0;  // PI: q = EEst^beta1 / EEst_old^beta2; PID: filter coefficients
  double qmin = 0, qmax = 0, gamma = 0;    // bounds of dt_new/dt and the safety factor; 0: method default
};

// The implicit families' default (Hairer's codes, OrdinaryDiffEq): integral control, dt_new / dt in [0.2, 10],
// safety factor 0.9.
inline constexpr StepController implicit_default_controller{
    .kind = StepController::Kind::I, .qmin = 0.2, .qmax = 10.0, .gamma = 0.9};

// Integral (elementary) controller: dt_new = dt * gamma * EEst^(-1/k), k = embedded order + 1.
inline StepController IController(double qmin = 0, double qmax = 0, double gamma = 0) {
  return {.kind = StepController::Kind::I, .qmin = qmin, .qmax = qmax, .gamma = gamma};
}
// Proportional-integral controller (Gustafsson); beta 0 means the method default
// (beta1 = 7/(10 p), beta2 = 2/(5 p) for an order-p explicit RK, as OrdinaryDiffEq.jl).
inline StepController PIController(double beta1 = 0, double beta2 = 0, double qmin = 0, double qmax = 0,
                                   double gamma = 0) {
  return {.kind = StepController::Kind::PI, .beta1 = beta1, .beta2 = beta2, .qmin = qmin, .qmax = qmax, .gamma = gamma};
}
// PID controller: dt_new = dt * limiter(e1^(b1/k) e2^(b2/k) e3^(b3/k)), e_i = 1/EEst of the last three steps,
// limiter(x) = 1 + atan(x - 1) (Söderlind & Wang 2006). Defaults are Söderlind's H312PID (1/18, 1/9, 1/18);
// H211PI is (1/6, 1/6, 0).
inline StepController PIDController(double beta1 = 1.0 / 18, double beta2 = 1.0 / 9, double beta3 = 1.0 / 18,
                                    double qmin = 0, double qmax = 0) {
  return {.kind = StepController::Kind::PID, .beta1 = beta1, .beta2 = beta2, .beta3 = beta3, .qmin = qmin,
          .qmax = qmax};
}

namespace detail {

// Resolved controller parameters plus the memory of past errors. All SCIML_HD, no allocation.
template <class R>
struct ControllerState {
  StepController::Kind kind = StepController::Kind::PI;
  R beta1 = 0, beta2 = 0, beta3 = 0, qmin = R(0.2), qmax = 10, gamma = R(0.9);
  R k = 5;                        // embedded order + 1 (I and PID exponents)
  R log_qold = R(-9.210340371976184);  // PI memory: log of OrdinaryDiffEq's qoldinit 1e-4
  R err_prev = 1, err_prev2 = 1;  // PID memory: 1/EEst of the last accepted steps
  R log_eest = 0;                 // log EEst of the last proposal (reused on rejection and acceptance)
  R factor = 1;                   // last proposed dt_new / dt

  static SCIML_HD R max_of(R a, R b) { return a > b ? a : b; }
  static SCIML_HD R min_of(R a, R b) { return a < b ? a : b; }
  R log_gamma = R(-0.10536051565782628);  // log(gamma); set by set_gamma
  SCIML_HD void set_gamma(R g) {
    using std::log;
    gamma = g;
    log_gamma = log(g);
  }

  // Propose the next |dt| after an error estimate; the argument is EEst^2 (the squared scaled RMS norm,
  // <= 1 accepts). Returns the factor dt_new/dt.
  // PI: dt_new = dt / (EEst^beta1 / qold^beta2 / gamma), in logs so a step costs one log and one exp.
  SCIML_HD R propose(R EEst2) {
    using std::atan;
    using std::exp;
    using std::log;
    using std::pow;
    using std::sqrt;
    if (kind == StepController::Kind::PID) {
      const R e1 = R(1) / max_of(sqrt(EEst2), R(1e-12));
      R f = pow(e1, beta1 / k) * pow(err_prev, beta2 / k) * pow(err_prev2, beta3 / k);
      f = R(1) + atan(f - R(1));
      factor = min_of(max_of(f, qmin), qmax);
      return factor;
    }
    // factor = gamma / q clamped to [qmin, qmax]; no division on the step's critical path
    log_eest = R(0.5) * log(max_of(EEst2, R(sizeof(R) < sizeof(double) ? 1e-30 : 1e-60)));  // no underflow in float
    const R e = kind == StepController::Kind::I ? log_eest / k : beta1 * log_eest - beta2 * log_qold;
    factor = min_of(max_of(exp(log_gamma - e), qmin), qmax);
    return factor;
  }
  // After an accepted step.
  SCIML_HD void accept(R EEst2) {
    using std::sqrt;
    if (kind == StepController::Kind::PID) {
      err_prev2 = err_prev;
      err_prev = R(1) / max_of(sqrt(EEst2), R(1e-12));
    } else {
      log_qold = max_of(log_eest, R(-9.210340371976184));  // qold = max(EEst, 1e-4)
    }
  }
  // The state for controller c (zeros and Kind::Default: the method's defaults d); k = embedded order + 1.
  static SCIML_HD ControllerState configure(StepController c, const StepController& d, R k_) {
    if (c.kind == StepController::Kind::Default) c = d;
    ControllerState s;
    s.kind = c.kind;
    s.beta1 = R(c.beta1 != 0 || c.kind == StepController::Kind::PID ? c.beta1 : d.beta1);
    s.beta2 = R(c.beta2 != 0 || c.kind == StepController::Kind::PID ? c.beta2 : d.beta2);
    s.beta3 = R(c.beta3);
    s.qmin = R(c.qmin > 0 ? c.qmin : d.qmin);
    s.qmax = R(c.qmax > 0 ? c.qmax : d.qmax);
    s.set_gamma(R(c.gamma > 0 ? c.gamma : d.gamma));
    s.k = k_;
    return s;
  }
  // Factor for a rejected step (shrink only); propose() must have seen this estimate.
  SCIML_HD R reject_factor(R) const {
    using std::exp;
    if (kind == StepController::Kind::PID) return min_of(factor, R(0.9));
    const R q11 = exp(kind == StepController::Kind::PI ? beta1 * log_eest : log_eest / k);
    return min_of(R(1) / min_of(R(1) / qmin, q11 / gamma), R(0.9));
  }
};

}  // namespace detail
}  // namespace sciml
