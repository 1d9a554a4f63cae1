// ReturnCode: how a solve ended. Runtime failures are values on the solution, never exceptions, so a
// failed solve keeps its partial solution, its counters and a message pointing at the likely fix.
#pragma once
#include <ostream>
#include <string_view>

namespace sciml {

enum class ReturnCode {
  Default,             // not finished yet (integrator still running)
  Success,             // reached the end of tspan
  Terminated,          // a callback called terminate()
  MaxIters,            // maxiters steps taken before the end
  DtLessThanMin,       // the step size fell below dtmin
  DtNaN,               // the step size became NaN
  Unstable,            // NaN or Inf in the state
  InitialFailure,      // the right-hand side is NaN/Inf at the initial point
  ConvergenceFailure,  // a nonlinear solve (implicit methods) failed repeatedly
  Interrupted,         // SolveOptions::interrupt was set (Ctrl-C from Python, or a caller's cancellation)
  Failure,             // anything else
};

constexpr std::string_view to_string(ReturnCode r) {
  switch (r) {
    case ReturnCode::Default: return "Default";
    case ReturnCode::Success: return "Success";
    case ReturnCode::Terminated: return "Terminated";
    case ReturnCode::MaxIters: return "MaxIters";
    case ReturnCode::DtLessThanMin: return "DtLessThanMin";
    case ReturnCode::DtNaN: return "DtNaN";
    case ReturnCode::Unstable: return "Unstable";
    case ReturnCode::InitialFailure: return "InitialFailure";
    case ReturnCode::ConvergenceFailure: return "ConvergenceFailure";
    case ReturnCode::Interrupted: return "Interrupted";
    case ReturnCode::Failure: return "Failure";
  }
  return "Unknown";
}

// True for the codes that mean the solve did what was asked.
constexpr bool successful_retcode(ReturnCode r) {
  return r == ReturnCode::Success || r == ReturnCode::Terminated;
}

inline std::ostream& operator<<(std::ostream& os, ReturnCode r) { return os << to_string(r); }

}  // namespace sciml
