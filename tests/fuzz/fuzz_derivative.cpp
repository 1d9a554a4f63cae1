// libFuzzer harness: symbolic derivatives (derivative.hpp) of random graphs. jacobian, param_jacobian and
// time_derivative never crash and give well-formed CSR patterns, the Jacobian's text round-trips; then, at a point where every value and partial
// derivative of the function is finite and moderate (|x| <= 1e3) and the partials are well conditioned (the
// same in long double to 1e-7):
//  - each symbolic entry, run by the VM, matches forward-mode dual numbers (scalar_ops.hpp) to 1e-6 relative;
//    an entry left out of the pattern has a dual derivative of exactly 0 (the pattern misses nothing);
//  - where moreover no value is tiny (|x| < 1e-6, but not 0) and no discrete choice (comparison, Floor, Ceil, Sign, Mod's quotient, Abs's sign, Min / Max / IfElse
//    branch) changes within +-h and the central differences at h and h/2 agree, the dual derivative matches
//    them to 1e-4 (this checks scalar_ops' derivative formulas themselves).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sciml/core/dual.hpp>
#include <sciml/symbolic/bytecode.hpp>
#include <sciml/symbolic/derivative.hpp>
#include <sciml/symbolic/deserialize.hpp>
#include <vector>

#include "fuzz_graph.hpp"

using namespace sciml::symbolic;

namespace {
constexpr int max_states = 3, max_params = 2;
using D = sciml::Dual<double, 4>;  // u[0..3) in slots 0..2; p[j] in slot j and t in slot 3 for the p/t pass
constexpr double bound = 1e3;

// FUZZ_STATS=1 in the environment: how many inputs reached each stage, printed at exit
struct Stats {
  long inputs = 0, compared = 0, fd_compared = 0;
  ~Stats() {
    if (std::getenv("FUZZ_STATS"))
      std::fprintf(stderr, "fuzz_derivative: %ld inputs, %ld at a tame point (symbolic vs dual), %ld outputs also "
                           "against central differences\n", inputs, compared, fd_compared);
  }
} stats;

bool moderate(double x) { return std::isfinite(x) && std::abs(x) <= bound; }

void check_pattern(const SparseJacobian& J, std::size_t rows, std::size_t cols, const char* what) {
  const auto& P = J.pattern;
  FUZZ_CHECK(P.row_ptr.size() == rows + 1 && P.row_ptr[0] == 0 && P.row_ptr.back() == P.col.size() &&
                 J.values.size() == P.col.size(),
             what << ": malformed CSR");
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t k = P.row_ptr[i]; k < P.row_ptr[i + 1]; ++k) {
      FUZZ_CHECK(P.col[k] < cols, what << ": column " << P.col[k] << " of " << cols);
      FUZZ_CHECK(k == P.row_ptr[i] || P.col[k - 1] < P.col[k], what << ": columns not increasing in row " << i);
    }
}

// The discrete choices of the reachable nodes at one point (a smooth stretch keeps them all).
std::vector<double> choices(const Graph& g, const std::vector<double>& v, const std::vector<char>& reach) {
  std::vector<double> c;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!reach[i]) continue;
    const Node& n = g.nodes()[i];
    const double a = n.a >= 0 && !detail::is_leaf(n.op) ? v[std::size_t(n.a)] : 0,
                 b = n.b >= 0 ? v[std::size_t(n.b)] : 0;
    switch (n.op) {
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne: case Op::And: case Op::Or:
      case Op::Not: case Op::Floor: case Op::Ceil: case Op::Sign: c.push_back(v[i]); break;
      case Op::Abs: c.push_back(a > 0 ? 1 : a < 0 ? -1 : 0); break;
      case Op::Min: c.push_back(detail::min_takes_a(a, b)); break;
      case Op::Max: c.push_back(detail::max_takes_a(a, b)); break;
      case Op::Mod: c.push_back(std::floor(a / b)); break;
      case Op::IfElse: c.push_back(a != 0); break;
      default: break;
    }
  }
  return c;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ++stats.inputs;
  sciml::fuzz::FuzzBytes in(data, size);
  sciml::fuzz::FuzzGraphOptions opt;
  opt.max_states = max_states;
  opt.max_params = max_params;
  opt.moderate = in.byte() < 200;  // mostly moderate points; sometimes any (only the no-crash checks then)
  opt.max_steps = 48;
  // one output per state: pick n_u first by building, then trim or pad the outputs
  sciml::fuzz::FuzzGraph fg = sciml::fuzz::build_fuzz_graph(in, opt);
  Function f;
  f.graph = fg.graph;
  f.n_states = fg.n_u;
  f.n_params = fg.n_p;
  f.outputs = fg.outputs();
  f.outputs.resize(std::size_t(f.n_states), f.outputs.front());
  const std::size_t n = std::size_t(f.n_states), np = std::size_t(f.n_params);
  const std::vector<int> outputs = f.outputs;
  const std::size_t n0 = f.graph.size();

  const SparseJacobian J = jacobian(f);
  check_pattern(J, n, n, "jacobian");
  const SparseJacobian Jp = param_jacobian(f);
  check_pattern(Jp, n, np, "param_jacobian");
  const std::vector<int> dt = time_derivative(f);
  FUZZ_CHECK(dt.size() == n, "time_derivative size");
  FUZZ_CHECK(f.outputs == outputs, "outputs changed");
  // the derivative nodes are new nodes or old ones; the original graph is untouched
  for (std::size_t i = 0; i < n0; ++i) FUZZ_CHECK(f.graph.node(int(i)).op == fg.graph.node(int(i)).op, "node " << i);
  // the Jacobian's text reads back to itself
  const std::string jtext = serialize(f.graph, J.values);
  const DeserializedGraph back = deserialize(jtext);
  FUZZ_CHECK(serialize(back.graph, back.outputs) == jtext, "jacobian round trip:\n" << jtext);

  // dual numbers, node by node: u in slots 0..n, then p in slots 0..np and t in slot 3
  std::vector<D> ud(n), pd(np);
  for (std::size_t i = 0; i < n; ++i) ud[i] = D::variable(fg.u[i], int(i));
  for (std::size_t j = 0; j < np; ++j) pd[j] = D(fg.p[j]);
  const std::vector<D> vu = sciml::fuzz::evaluate_nodes(fg.graph, ud.data(), pd.data(), D(fg.t), &outputs);
  for (std::size_t i = 0; i < n; ++i) ud[i] = D(fg.u[i]);
  for (std::size_t j = 0; j < np; ++j) pd[j] = D::variable(fg.p[j], int(j));
  const std::vector<D> vp = sciml::fuzz::evaluate_nodes(fg.graph, ud.data(), pd.data(), D::variable(fg.t, 3), &outputs);

  // the checks below need a tame point: every reachable value and partial moderate, and the partials well
  // conditioned: the same in long double to 1e-7 (else rounding decides them, as in acos(x / (x + 6e-17)))
  using DL = sciml::Dual<long double, 4>;
  std::vector<DL> ul(n), pl(np);
  for (std::size_t i = 0; i < n; ++i) ul[i] = DL::variable(fg.u[i], int(i));
  for (std::size_t j = 0; j < np; ++j) pl[j] = DL(fg.p[j]);
  const std::vector<DL> lu = sciml::fuzz::evaluate_nodes(fg.graph, ul.data(), pl.data(), DL(fg.t), &outputs);
  for (std::size_t i = 0; i < n; ++i) ul[i] = DL(fg.u[i]);
  for (std::size_t j = 0; j < np; ++j) pl[j] = DL::variable(fg.p[j], int(j));
  const std::vector<DL> lp = sciml::fuzz::evaluate_nodes(fg.graph, ul.data(), pl.data(), DL::variable(fg.t, 3), &outputs);
  auto close = [](double s, double d, double tol) { return std::abs(s - d) <= tol * (1 + std::abs(s) + std::abs(d)); };
  const std::vector<char> reach = detail::reachable(fg.graph, outputs, "fuzz");
  for (std::size_t i = 0; i < n0; ++i) {
    if (!reach[i]) continue;
    if (!moderate(vu[i].val)) return 0;
    for (int s = 0; s < 4; ++s)
      if (!moderate(vu[i].der[s]) || !moderate(vp[i].der[s]) || !close(vu[i].der[s], double(lu[i].der[s]), 1e-7) ||
          !close(vp[i].der[s], double(lp[i].der[s]), 1e-7))
        return 0;
  }

  ++stats.compared;
  // symbolic entries, run by the VM, against the dual numbers
  auto run = [&](const std::vector<int>& nodes) {
    const Program P = Program::compile(f.graph, nodes);
    std::vector<double> out(nodes.size()), regs(P.num_registers());
    P.run(fg.u.data(), fg.p.data(), fg.t, out.data(), regs.data());
    return out;
  };
  const std::string text = fg.text();
  auto compare = [&](const SparseJacobian& M, std::size_t cols, bool params) {
    const std::vector<double> sv = run(M.values);
    for (std::size_t i = 0; i < n; ++i) {
      const D& yi = (params ? vp : vu)[std::size_t(outputs[i])];
      std::size_t k = M.pattern.row_ptr[i];
      for (std::size_t j = 0; j < cols; ++j) {
        const bool present = k < M.pattern.row_ptr[i + 1] && M.pattern.col[k] == j;
        const double s = present ? sv[k++] : 0.0, d = yi.der[j];
        FUZZ_CHECK(present || d == 0, (params ? "dp" : "du") << ": entry (" << i << ", " << j
                                                            << ") left out of the pattern, dual " << d << "\n"
                                                            << text);
        FUZZ_CHECK(close(s, d, 1e-6), (params ? "dp" : "du") << ": entry (" << i << ", " << j << ") symbolic " << s
                                                             << " dual " << d << "\n" << text);
      }
    }
  };
  compare(J, n, false);
  compare(Jp, np, true);
  const std::vector<double> tv = run(dt);
  for (std::size_t i = 0; i < n; ++i) {
    const double d = vp[std::size_t(outputs[i])].der[3];
    FUZZ_CHECK(close(tv[i], d, 1e-6), "dt: output " << i << " symbolic " << tv[i] << " dual " << d << "\n" << text);
  }

  // the dual derivatives against central differences in u, where the function is smooth around the point and
  // no value is tiny (dividing by one amplifies the cancellation in derivative formulas: the derivative of
  // log1p(x) / (2 x) at x = 1e-310 computes as (1 - 1) / 2x = 0 in any precision, not -1/4)
  for (std::size_t i = 0; i < n0; ++i)
    if (reach[i] && vu[i].val != 0 && std::abs(vu[i].val) < 1e-6) return 0;
  const std::vector<double> v0 = sciml::fuzz::evaluate_nodes(fg.graph, fg.u.data(), fg.p.data(), fg.t, &outputs);
  const std::vector<double> c0 = choices(fg.graph, v0, reach);
  for (std::size_t j = 0; j < n; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(fg.u[j]));
    auto at = [&](double dx, bool& same_choices) {
      std::vector<double> u = fg.u;
      u[j] += dx;
      const std::vector<double> v = sciml::fuzz::evaluate_nodes(fg.graph, u.data(), fg.p.data(), fg.t, &outputs);
      same_choices = same_choices && choices(fg.graph, v, reach) == c0;
      return v;
    };
    bool smooth = true;
    const auto vp1 = at(h, smooth), vm1 = at(-h, smooth), vp2 = at(h / 2, smooth), vm2 = at(-h / 2, smooth);
    if (!smooth) continue;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t o = std::size_t(outputs[i]);
      const double fd1 = (vp1[o] - vm1[o]) / (2 * h), fd2 = (vp2[o] - vm2[o]) / h;
      if (!std::isfinite(fd1) || !std::isfinite(fd2) || !close(fd1, fd2, 1e-6)) continue;  // not smooth enough
      const double d = vu[o].der[j];
      ++stats.fd_compared;
      FUZZ_CHECK(close(fd2, d, 1e-4), "d output " << i << " / du" << j << ": dual " << d << ", central differences "
                                                  << fd1 << " (h), " << fd2 << " (h/2)\n" << text);
    }
  }
  return 0;
}
