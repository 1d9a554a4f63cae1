// Umbrella header for ensembles: EnsembleProblem (and from arrays), solve on EnsembleSerial / EnsembleThreads,
// EnsembleSolution, summary statistics; EnsembleDistributed (MPI) too when SCIML_HAVE_MPI is defined (sciml::mpi).
#pragma once
#include "ode.hpp"
#include "ensemble/ensemble_from_arrays.hpp"
#include "ensemble/ensemble_problem.hpp"
#include "ensemble/ensemble_serial.hpp"
#include "ensemble/ensemble_solution.hpp"
#include "ensemble/ensemble_threads.hpp"
#include "ensemble/serialize.hpp"
#include "ensemble/solve_ensemble.hpp"
#include "ensemble/summary.hpp"
#include "ensemble/thread_pool.hpp"
#if defined(SCIML_HAVE_MPI)
#include "ensemble/distributed.hpp"
#endif
