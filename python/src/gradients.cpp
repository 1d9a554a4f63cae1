// sciml.gradient for the Python package: the adjoint methods over a run-time (traced) model, by name.
#include <sciml/sensitivity/adjoint.hpp>
#include "runtime_gradient.hpp"

namespace sciml::python {

namespace {
template <class Alg, class Sense>
void add(GradientRegistry& r, const std::string& alg, const std::string& sense) {
  r[alg + "|" + sense] = [](const RuntimeProblem& prob, const std::vector<double>& ts, const LossFn& loss,
                            const SolveOptions& o) { return gradient(prob, Alg{}, ts, loss, Sense{}, o); };
}
template <class Alg, bool ExplicitRK>
void add_adjoints(GradientRegistry& r, const std::string& name) {
  add<Alg, InterpolatingAdjoint>(r, name, "InterpolatingAdjoint");
  add<Alg, QuadratureAdjoint>(r, name, "QuadratureAdjoint");
  if constexpr (ExplicitRK) {
    add<Alg, BacksolveAdjoint>(r, name, "BacksolveAdjoint");
    add<Alg, DiscreteAdjoint>(r, name, "DiscreteAdjoint");
  }
}
}  // namespace

const GradientRegistry& gradient_registry() {
  static const GradientRegistry r = [] {
    GradientRegistry x;
    add_adjoints<Tsit5, true>(x, "Tsit5");
    add_adjoints<Vern9, true>(x, "Vern9");
    add_adjoints<Rodas5P, false>(x, "Rodas5P");
    add_adjoints<FBDF<>, false>(x, "FBDF");
    return x;
  }();
  return r;
}

}  // namespace sciml::python
