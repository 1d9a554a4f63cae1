// The explicit Runge–Kutta methods by the names SciML users know. Each is the generic ExplicitRK step over
// its tableau; controller defaults follow OrdinaryDiffEq.jl (PI, beta1 = 7/(10p), beta2 = 2/(5p)) except
// where the method's authors give others (DP5, DP8: Hairer's DOPRI5/DOP853 settings).
#pragma once
#include "../../tableau/erk/bs3.hpp"
#include "../../tableau/erk/dp5.hpp"
#include "../../tableau/erk/dp8.hpp"
#include "../../tableau/erk/euler.hpp"
#include "../../tableau/erk/midpoint.hpp"
#include "../../tableau/erk/rk4.hpp"
#include "../../tableau/erk/tsit5.hpp"
#include "../../tableau/erk/vern6.hpp"
#include "../../tableau/erk/vern7.hpp"
#include "../../tableau/erk/vern8.hpp"
#include "../../tableau/erk/vern9.hpp"
#include "explicit_rk.hpp"

namespace sciml {

using Euler = ExplicitRK<tableau::EulerTableau>;
using Midpoint = ExplicitRK<tableau::MidpointTableau>;
using RK4 = ExplicitRK<tableau::RK4Tableau>;
using BS3 = ExplicitRK<tableau::BS3Tableau>;
using DP5 = ExplicitRK<tableau::DP5Tableau>;
using Tsit5 = ExplicitRK<tableau::Tsit5Tableau>;
using Vern6 = ExplicitRK<tableau::Vern6Tableau>;
using Vern7 = ExplicitRK<tableau::Vern7Tableau>;
using Vern8 = ExplicitRK<tableau::Vern8Tableau>;
using Vern9 = ExplicitRK<tableau::Vern9Tableau>;
using DP8 = ExplicitRK<tableau::DP8Tableau>;

namespace detail {
// DOPRI5 (Hairer): beta = 0.04, alpha = 1/5 - 0.75 beta, facmin 0.2, facmax 10, safety 0.9.
template <>
struct erk_controller_defaults<tableau::DP5Tableau> {
  static StepController get() {
    return {.kind = StepController::Kind::PI, .beta1 = 0.2 - 0.75 * 0.04, .beta2 = 0.04, .qmin = 0.2, .qmax = 10.0,
            .gamma = 0.9};
  }
};
// DOP853 (Hairer): beta = 0, alpha = 1/8, facmin 1/3, facmax 6, safety 0.9.
template <>
struct erk_controller_defaults<tableau::DP8Tableau> {
  static StepController get() {
    return {.kind = StepController::Kind::PI, .beta1 = 1.0 / 8.0, .qmin = 1.0 / 3.0, .qmax = 6.0, .gamma = 0.9};
  }
};
}  // namespace detail

}  // namespace sciml
