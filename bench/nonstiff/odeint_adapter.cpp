// Boost.Odeint contestants: runge_kutta_dopri5 and runge_kutta_fehlberg78 as controlled steppers
// (make_controlled, integrate_adaptive) and bulirsch_stoer, with abs = rel = tol. State: std::array for the
// small problems, std::vector for the linear one. First step: 1e-6 (tf - t0); the controllers grow it.
#include <boost/numeric/odeint.hpp>
#include <boost/version.hpp>
#include "bench.hpp"

namespace bench {
namespace {
namespace odeint = boost::numeric::odeint;

template <ProblemId Id>
struct State {
  using type = std::array<double, Kernel<Id>::N>;
};
template <>
struct State<ProblemId::Linear> {
  using type = std::vector<double>;
};

template <ProblemId Id>
struct System {
  long* nf;
  template <class S>
  void operator()(const S& x, S& dxdt, double t) const {
    ++*nf;
    if constexpr (Id == ProblemId::Linear) {
      Kernel<Id>::apply(dxdt.data(), x.data(), x.size());
    } else {
      small_rhs<Id>(x, dxdt, t);
    }
  }
};

enum class Stepper { Dopri5, Fehlberg78, BulirschStoer };

template <ProblemId Id, Stepper St>
Outcome solve(const Problem& P, double tol) {
  using S = typename State<Id>::type;
  S x;
  if constexpr (Id == ProblemId::Linear) x.assign(P.u0.begin(), P.u0.end());
  else std::copy(P.u0.begin(), P.u0.end(), x.begin());
  Outcome out;
  System<Id> sys{&out.nf};
  const double dt0 = 1e-6 * (P.tf - P.t0);
  try {
    if constexpr (St == Stepper::Dopri5) {
      auto stepper = odeint::make_controlled(tol, tol, odeint::runge_kutta_dopri5<S>());
      out.steps = long(odeint::integrate_adaptive(stepper, sys, x, P.t0, P.tf, dt0));
    } else if constexpr (St == Stepper::Fehlberg78) {
      auto stepper = odeint::make_controlled(tol, tol, odeint::runge_kutta_fehlberg78<S>());
      out.steps = long(odeint::integrate_adaptive(stepper, sys, x, P.t0, P.tf, dt0));
    } else {
      odeint::bulirsch_stoer<S> stepper(tol, tol);
      out.steps = long(odeint::integrate_adaptive(stepper, sys, x, P.t0, P.tf, dt0));
    }
  } catch (const std::exception& e) {
    out.ok = false;
    out.msg = e.what();
  }
  out.u.assign(x.begin(), x.end());
  return out;
}

template <ProblemId Id>
void add_all(std::vector<Contestant>& out, const Problem& P) {
  out.push_back({"dopri5", "Boost.Odeint", [P](double tol) { return solve<Id, Stepper::Dopri5>(P, tol); }});
  out.push_back({"fehlberg78", "Boost.Odeint", [P](double tol) { return solve<Id, Stepper::Fehlberg78>(P, tol); }});
  out.push_back({"bulirsch_stoer", "Boost.Odeint", [P](double tol) { return solve<Id, Stepper::BulirschStoer>(P, tol); }});
}

}  // namespace

std::vector<Contestant> odeint_contestants(const Problem& P) {
  std::vector<Contestant> out;
  with_problem(P.id, [&](auto id) { add_all<decltype(id)::value>(out, P); });
  return out;
}

std::string boost_version() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
         std::to_string(BOOST_VERSION % 100);
}

}  // namespace bench
