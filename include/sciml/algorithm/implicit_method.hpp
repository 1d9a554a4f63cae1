// What an implicit method built from a tableau and its family's step tells the integrator: the tableau, the step
// type, the order, its name, and the implicit families' controller (implicit_default_controller). Rosenbrock,
// SDIRK and Radau methods are `struct Family<Tab> : ImplicitMethod<Tab, FamilyStep<Tab>> {}`.
#pragma once
#include "../controller/step_controller.hpp"

namespace sciml::detail {

template <class Tab, class Step>
struct ImplicitMethod {
  using tableau = Tab;
  using step_type = Step;
  static constexpr int order = Tab::order;
  static constexpr bool is_adaptive = true;
  static constexpr const char* name() { return Tab::name; }
  // integral control, as Hairer's codes and OrdinaryDiffEq use for implicit methods
  static StepController default_controller() { return implicit_default_controller; }
};

}  // namespace sciml::detail
