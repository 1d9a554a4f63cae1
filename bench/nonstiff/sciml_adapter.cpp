// sciml.cpp contestants: every adaptive explicit Runge–Kutta method the library has, with
// reltol = abstol = tol and save_everystep = false. Small problems use the problems.hpp lambdas
// out-of-place on an SVector; the linear problem an in-place f(du, u, p, t) on std::vector<double>.
#include <sciml/ode.hpp>
#include "bench.hpp"

namespace bench {
namespace {

sciml::SolveOptions options(double tol) {
  sciml::SolveOptions o;
  o.reltol = tol;
  o.abstol = tol;
  o.save_everystep = false;
  o.maxiters = 100'000'000;
  return o;
}

template <class Sol>
Outcome outcome(const Sol& sol) {
  Outcome out;
  out.u.assign(sol.u.back().begin(), sol.u.back().end());
  out.nf = sol.stats.nf;
  out.steps = sol.stats.naccept;
  out.rejects = sol.stats.nreject;
  out.ok = sol.retcode == sciml::ReturnCode::Success;
  if (!out.ok) out.msg = sol.message;
  return out;
}

template <class Alg, ProblemId Id>
Outcome solve_small(const Problem& P, double tol) {
  using K = Kernel<Id>;
  sciml::SVector<double, K::N> u0;
  for (std::size_t i = 0; i < K::N; ++i) u0[i] = P.u0[i];
  auto prob = sciml::ODEProblem(K::f, u0, {P.t0, P.tf}, K::p);
  return outcome(sciml::solve(prob, Alg{}, options(tol)));
}

template <class Alg>
Outcome solve_linear(const Problem& P, double tol) {
  auto f = [](std::vector<double>& du, const std::vector<double>& u, const sciml::NullParameters&, double) {
    Kernel<ProblemId::Linear>::apply(du.data(), u.data(), u.size());
  };
  auto prob = sciml::ODEProblem(f, P.u0, {P.t0, P.tf});
  return outcome(sciml::solve(prob, Alg{}, options(tol)));
}

template <class Alg>
void add(std::vector<Contestant>& out, const Problem& P) {
  std::function<Outcome(double)> fn;
  switch (P.id) {
    case ProblemId::Lorenz: fn = [P](double tol) { return solve_small<Alg, ProblemId::Lorenz>(P, tol); }; break;
    case ProblemId::Arenstorf: fn = [P](double tol) { return solve_small<Alg, ProblemId::Arenstorf>(P, tol); }; break;
    case ProblemId::Pleiades: fn = [P](double tol) { return solve_small<Alg, ProblemId::Pleiades>(P, tol); }; break;
    case ProblemId::Linear: fn = [P](double tol) { return solve_linear<Alg>(P, tol); }; break;
  }
  out.push_back({Alg::name(), "sciml.cpp", std::move(fn)});
}

template <class... Algs>
struct Methods {
  static void add_all(std::vector<Contestant>& out, const Problem& P) { (add<Algs>(out, P), ...); }
  static std::vector<std::string> names() { return {Algs::name()...}; }
};

using All = Methods<sciml::DP5, sciml::Tsit5, sciml::Vern6, sciml::Vern7, sciml::Vern8, sciml::Vern9, sciml::DP8>;

}  // namespace

std::vector<Contestant> sciml_contestants(const Problem& prob) {
  std::vector<Contestant> out;
  All::add_all(out, prob);
  return out;
}

std::vector<std::string> sciml_method_names() { return All::names(); }

}  // namespace bench
