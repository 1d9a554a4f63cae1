// What one attempt of a method family's step reports to the step loop: how many times it called f and whether
// it produced a point at all. A step that could not (a singular iteration matrix, a Newton iteration that did
// not converge) says so here; the loop, not the step, decides what follows (a smaller step, or a ReturnCode).
// Families that cannot fail (explicit Runge-Kutta) return their f-call count, which converts to Ok.
#pragma once
#include "../config.hpp"

namespace sciml {

enum class StepStatus : unsigned char {
  Ok,            // unew and the error estimate are made
  NewtonFailed,  // the implicit stages' Newton iteration did not converge (with a fresh Jacobian): halve h
  Singular,      // the iteration matrix W = M - h gamma J could not be factored: shrink h (4x), as a NaN estimate
};

struct StepResult {
  int nf = 0;  // f calls
  StepStatus status = StepStatus::Ok;
  SCIML_HD constexpr StepResult(int calls = 0, StepStatus s = StepStatus::Ok) : nf(calls), status(s) {}
};

}  // namespace sciml
