// Umbrella header for ordinary differential equations: problems, the explicit Runge–Kutta, Rosenbrock and
// SDIRK methods, step-size controllers, solve/init, solutions with dense output, callbacks, and dual numbers.
#pragma once
#include "algorithm/erk/methods.hpp"
#include "algorithm/rosenbrock/rosenbrock.hpp"
#include "algorithm/rosenbrock/rosenbrock23.hpp"
#include "algorithm/composite/auto_switch.hpp"
#include "algorithm/radau/radau.hpp"
#include "algorithm/sdirk/sdirk.hpp"
#include "callback/callbacks.hpp"
#include "core/dual.hpp"
#include "core/return_code.hpp"
#include "core/stats.hpp"
#include "core/svector.hpp"
#include "integrator/integrator.hpp"
#include "integrator/solve_options.hpp"
#include "problem/ode_function.hpp"
#include "problem/ode_problem.hpp"
#include "solution/ode_solution.hpp"
