// EnsembleProblem: many solves of one base problem (DifferentialEquations.jl's EnsembleProblem). prob_func(base, i)
// returns trajectory i's problem, output_func(sol, i) keeps what is wanted of its solution, and an optional
// reduction(u, batch, first) -> (u, converged) folds the outputs batch by batch, starting from u_init.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

namespace sciml {

// prob_func by default: every trajectory solves the base problem itself (no copy).
struct DefaultProbFunc {
  template <class Prob>
  const Prob& operator()(const Prob& base, std::size_t) const {
    return base;
  }
};

// output_func by default: keep the whole solution (moved, not copied).
struct DefaultOutputFunc {
  template <class Sol>
  std::remove_cvref_t<Sol> operator()(Sol&& sol, std::size_t) const {
    return std::forward<Sol>(sol);
  }
};

// reduction / u_init by default: none; the ensemble solution holds every trajectory's output.
struct NoReduction {};

// The fields, and what solve(ensemble, alg, backend, trajectories, opts) does with them:
//  prob      the base problem.
//  prob_func (const Prob& base, std::size_t i) -> trajectory i's problem (any problem type `solve` takes; the
//            same type for every i). Called concurrently from several threads: it must not modify shared state.
//  output_func (Sol&& sol, std::size_t i) -> Out: what the ensemble keeps of trajectory i (the solution itself
//            by default; an end state, a few saved points, a scalar ...). Called concurrently, like prob_func.
//            The trajectory's ReturnCode, message and Stats are recorded from `sol` before it is called.
//  reduction (U u, std::span<const Out> batch, std::size_t first) -> std::pair<U, bool> (or just U): folds the
//            outputs of trajectories [first, first + batch.size()) into u; `true` means converged, and the
//            remaining batches are not solved. Called on the calling thread, batch after batch, in order.
//  u_init    the reduction's starting value.
//  batch_size trajectories per batch with a reduction (0: all in one batch).
//  trajectories the count fixed by the arrays it was built from (ensemble_from_params and friends); 0: any.
template <class Prob, class ProbFunc = DefaultProbFunc, class OutputFunc = DefaultOutputFunc,
          class Reduction = NoReduction, class U = NoReduction>
struct EnsembleProblem {
  using problem_type = Prob;
  using reduced_type = U;
  static constexpr bool has_reduction = !std::is_same_v<Reduction, NoReduction>;

  Prob prob;
  ProbFunc prob_func;
  OutputFunc output_func;
  Reduction reduction;
  U u_init;
  std::size_t batch_size = 0;
  std::size_t trajectories = 0;

  EnsembleProblem(Prob prob_, ProbFunc prob_func_ = {}, OutputFunc output_func_ = {}, Reduction reduction_ = {},
                  U u_init_ = {}, std::size_t batch_size_ = 0)
      : prob(std::move(prob_)),
        prob_func(std::move(prob_func_)),
        output_func(std::move(output_func_)),
        reduction(std::move(reduction_)),
        u_init(std::move(u_init_)),
        batch_size(batch_size_) {
    static_assert(has_reduction == !std::is_same_v<U, NoReduction>,
                  "EnsembleProblem: a reduction needs its u_init (and u_init needs a reduction)");
  }
};

template <class T>
inline constexpr bool is_ensemble_problem_v = false;
template <class Prob, class PF, class OF, class R, class U>
inline constexpr bool is_ensemble_problem_v<EnsembleProblem<Prob, PF, OF, R, U>> = true;

// The same ensemble with another output_func / with a reduction: e.g.
//   auto ens = with_reduction(with_output_func(EnsembleProblem(prob, pf), of), red, 0.0, 100);
template <class Prob, class PF, class OF, class R, class U, class OF2>
auto with_output_func(EnsembleProblem<Prob, PF, OF, R, U> e, OF2 output_func) {
  EnsembleProblem<Prob, PF, OF2, R, U> r(std::move(e.prob), std::move(e.prob_func), std::move(output_func),
                                         std::move(e.reduction), std::move(e.u_init), e.batch_size);
  r.trajectories = e.trajectories;
  return r;
}
template <class Prob, class PF, class OF, class R, class U, class R2, class U2>
auto with_reduction(EnsembleProblem<Prob, PF, OF, R, U> e, R2 reduction, U2 u_init, std::size_t batch_size = 0) {
  EnsembleProblem<Prob, PF, OF, R2, U2> r(std::move(e.prob), std::move(e.prob_func), std::move(e.output_func),
                                          std::move(reduction), std::move(u_init), batch_size);
  r.trajectories = e.trajectories;
  return r;
}

}  // namespace sciml
