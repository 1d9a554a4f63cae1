// All callback types: continuous (events located on the dense output), vector-continuous, discrete,
// preset-time and sets of them.
#pragma once
#include "callback_set.hpp"
#include "continuous_callback.hpp"
#include "discrete_callback.hpp"
#include "no_callback.hpp"
