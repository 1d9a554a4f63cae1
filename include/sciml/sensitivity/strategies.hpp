// The sensitivity strategies `gradient` takes as its `sensealg` (SciMLSensitivity's names): empty tags but for
// the checkpointing switches; each is implemented in the header of its name (adjoint.hpp includes them all).
#pragma once

namespace sciml {

struct InterpolatingAdjoint {
  bool checkpointing = true;  // false: keep the forward solution's dense output instead of re-solving
  static constexpr const char* name() { return "InterpolatingAdjoint"; }
};
struct QuadratureAdjoint {
  static constexpr const char* name() { return "QuadratureAdjoint"; }
};
struct BacksolveAdjoint {
  bool checkpointing = true;  // reset u to the forward solution at each saved time
  static constexpr const char* name() { return "BacksolveAdjoint"; }
};
struct DiscreteAdjoint {
  static constexpr const char* name() { return "DiscreteAdjoint"; }
};
struct ForwardDiffSensitivity {
  static constexpr const char* name() { return "ForwardDiffSensitivity"; }
};
struct ForwardSensitivity {
  static constexpr const char* name() { return "ForwardSensitivity"; }
};

}  // namespace sciml
