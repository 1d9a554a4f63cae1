// SINDy candidate-function libraries: named columns of Theta(X) over state variables (polynomial monomials in
// graded lexicographic order, sines and cosines of harmonics, user functions), concatenable with `+`.
// `evaluate(X)` maps samples (rows) x variables (cols) to samples x candidates; names follow a fixed contract:
// "1", "x", "y", "x^2", "x*y", "y^2", "x^2*y", ..., "sin(x)", "cos(2*x)".
#pragma once
#include <cmath>
#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include <Eigen/Dense>

namespace sciml::sindy {

class Library {
 public:
  using function_type = std::function<double(const double* u)>;

  Library() = default;

  // Every monomial of total degree 0 (when include_constant) .. degree in nvars variables, graded by degree and
  // lexicographic within a degree (higher powers of earlier variables first): 1, x, y, x^2, x*y, y^2, x^3, ...
  static Library polynomial(std::size_t nvars, int degree, bool include_constant = true) {
    if (nvars == 0) throw std::invalid_argument("sindy::Library::polynomial: nvars must be positive");
    if (degree < 0) throw std::invalid_argument("sindy::Library::polynomial: degree must be >= 0");
    Library lib(nvars);
    std::vector<int> e(nvars, 0);
    for (int d = include_constant ? 0 : 1; d <= degree; ++d) lib.add_monomials(e, 0, d);
    lib.rename();
    return lib;
  }

  // For k = 1..harmonics and each variable v: sin(k*v), cos(k*v), named "sin(x)", "cos(x)", "sin(2*x)", ...
  static Library trigonometric(std::size_t nvars, int harmonics) {
    if (nvars == 0) throw std::invalid_argument("sindy::Library::trigonometric: nvars must be positive");
    if (harmonics < 1) throw std::invalid_argument("sindy::Library::trigonometric: harmonics must be >= 1");
    Library lib(nvars);
    for (int k = 1; k <= harmonics; ++k)
      for (std::size_t v = 0; v < nvars; ++v) {
        lib.terms_.push_back(Term{Kind::Sin, {}, v, k, {}, {}});
        lib.terms_.push_back(Term{Kind::Cos, {}, v, k, {}, {}});
      }
    lib.rename();
    return lib;
  }

  // One user candidate f(u) (u points at one sample's state), named `name`. It fixes no variable count.
  static Library custom(std::string name, function_type f) {
    if (!f) throw std::invalid_argument("sindy::Library::custom: empty function");
    Library lib;
    lib.terms_.push_back(Term{Kind::Custom, {}, 0, 0, std::move(f), std::move(name)});
    return lib;
  }

  // Appends other's candidates after this one's. Both must agree on the variable count (a custom-only library
  // agrees with any); the result uses this library's variable names (other's when this one has none).
  Library& append(const Library& other) {
    if (nvars_ != 0 && other.nvars_ != 0 && nvars_ != other.nvars_)
      throw std::invalid_argument("sindy::Library::append: libraries over different numbers of variables");
    if (nvars_ == 0) {
      nvars_ = other.nvars_;
      var_names_ = other.var_names_;
    }
    terms_.insert(terms_.end(), other.terms_.begin(), other.terms_.end());
    rename();
    return *this;
  }
  friend Library operator+(Library a, const Library& b) { return std::move(a.append(b)); }

  // Renames the state variables (one name per variable); every polynomial and trigonometric name follows.
  Library& set_variable_names(std::vector<std::string> names) {
    if (nvars_ != 0 && names.size() != nvars_)
      throw std::invalid_argument("sindy::Library::set_variable_names: expected one name per variable");
    if (nvars_ == 0) nvars_ = names.size();
    var_names_ = std::move(names);
    rename();
    return *this;
  }
  const std::vector<std::string>& variable_names() const { return var_names_; }
  // Number of state variables the library reads (0 for a custom-only library: not fixed).
  std::size_t nvars() const { return nvars_; }

  std::size_t size() const { return terms_.size(); }
  const std::string& name(std::size_t i) const { return terms_.at(i).name; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(terms_.size());
    for (const auto& t : terms_) out.push_back(t.name);
    return out;
  }
  // Index of the first candidate called `name`.
  std::optional<std::size_t> find(const std::string& name) const {
    for (std::size_t i = 0; i < terms_.size(); ++i)
      if (terms_[i].name == name) return i;
    return std::nullopt;
  }

  // Theta for one state u (nvars values): out[i] = candidate i at u, for i in [0, size()).
  void evaluate_row(const double* u, double* out) const {
    for (std::size_t i = 0; i < terms_.size(); ++i) out[i] = eval_term(terms_[i], u);
  }
  // Candidate i alone at u.
  double evaluate_term(std::size_t i, const double* u) const { return eval_term(terms_.at(i), u); }

  // Candidate i at u in another scalar type (float, sciml::Dual for Jacobians, tracers for sparsity):
  // polynomial and trigonometric candidates evaluate generically; custom ones need an arithmetic type and
  // throw std::logic_error otherwise (their function takes doubles). n: the number of values at u (default
  // nvars()).
  template <class S>
  S evaluate_term_as(std::size_t i, const S* u, std::size_t n = 0) const {
    const Term& t = terms_.at(i);
    using std::cos;
    using std::sin;
    switch (t.kind) {
      case Kind::Monomial: {
        S r(1.0);
        for (std::size_t v = 0; v < t.exponents.size(); ++v)
          for (int k = 0; k < t.exponents[v]; ++k) r = r * u[v];
        return r;
      }
      case Kind::Sin:
        return sin(S(double(t.harmonic)) * u[t.var]);
      case Kind::Cos:
        return cos(S(double(t.harmonic)) * u[t.var]);
      case Kind::Custom:
        if constexpr (std::is_same_v<S, double>) {
          return t.f(u);
        } else if constexpr (std::is_arithmetic_v<S>) {
          std::vector<double> ud(n ? n : nvars_);
          for (std::size_t v = 0; v < ud.size(); ++v) ud[v] = static_cast<double>(u[v]);
          return static_cast<S>(t.f(ud.data()));
        } else {
          throw std::logic_error("sindy::Library: custom candidate '" + t.name +
                                 "' evaluates on doubles only (use an explicit method or a finite-difference "
                                 "Jacobian)");
        }
    }
    return S(0.0);
  }

  // Theta(X): rows = samples, cols = candidates, for X with rows = samples and cols = variables.
  Eigen::MatrixXd evaluate(const Eigen::MatrixXd& X) const {
    if (nvars_ != 0 && static_cast<std::size_t>(X.cols()) != nvars_)
      throw std::invalid_argument("sindy::Library::evaluate: X has " + std::to_string(X.cols()) +
                                  " columns, the library reads " + std::to_string(nvars_) + " variables");
    const Eigen::Index n = X.rows(), m = static_cast<Eigen::Index>(terms_.size());
    Eigen::MatrixXd theta(n, m);
    std::vector<double> u(static_cast<std::size_t>(X.cols()));
    std::vector<double> row(terms_.size());
    for (Eigen::Index r = 0; r < n; ++r) {
      for (Eigen::Index c = 0; c < X.cols(); ++c) u[static_cast<std::size_t>(c)] = X(r, c);
      evaluate_row(u.data(), row.data());
      for (Eigen::Index c = 0; c < m; ++c) theta(r, c) = row[static_cast<std::size_t>(c)];
    }
    return theta;
  }

 private:
  enum class Kind { Monomial, Sin, Cos, Custom };
  struct Term {
    Kind kind;
    std::vector<int> exponents;  // Monomial
    std::size_t var;             // Sin, Cos
    int harmonic;                // Sin, Cos
    function_type f;             // Custom
    std::string name;
  };

  explicit Library(std::size_t nvars) : nvars_(nvars), var_names_(default_names(nvars)) {}

  static std::vector<std::string> default_names(std::size_t nvars) {
    static const char* const small[] = {"x", "y", "z", "w"};
    std::vector<std::string> names;
    for (std::size_t i = 0; i < nvars; ++i) {
      std::string s(nvars <= 4 ? small[i] : "x");
      if (nvars > 4) s.append(std::to_string(i + 1));
      names.push_back(std::move(s));
    }
    return names;
  }

  // Exponent vectors of total degree `left` over variables v.., the earlier variables' powers descending.
  void add_monomials(std::vector<int>& e, std::size_t v, int left) {
    if (v + 1 == e.size()) {
      e[v] = left;
      terms_.push_back(Term{Kind::Monomial, e, 0, 0, {}, {}});
      e[v] = 0;
      return;
    }
    for (int k = left; k >= 0; --k) {
      e[v] = k;
      add_monomials(e, v + 1, left - k);
    }
    e[v] = 0;
  }

  void rename() {
    if (var_names_.size() < nvars_) var_names_ = default_names(nvars_);
    for (auto& t : terms_) {
      switch (t.kind) {
        case Kind::Monomial: {
          std::string s;
          for (std::size_t v = 0; v < t.exponents.size(); ++v) {
            if (t.exponents[v] == 0) continue;
            if (!s.empty()) s += '*';
            s += var_names_[v];
            if (t.exponents[v] > 1) s += '^' + std::to_string(t.exponents[v]);
          }
          t.name = s.empty() ? "1" : s;
          break;
        }
        case Kind::Sin:
        case Kind::Cos: {
          std::string arg = t.harmonic == 1 ? var_names_[t.var] : std::to_string(t.harmonic) + "*" + var_names_[t.var];
          t.name = std::string(t.kind == Kind::Sin ? "sin(" : "cos(") + arg + ")";
          break;
        }
        case Kind::Custom:
          break;
      }
    }
  }

  static double eval_term(const Term& t, const double* u) {
    switch (t.kind) {
      case Kind::Monomial: {
        double r = 1.0;
        for (std::size_t v = 0; v < t.exponents.size(); ++v)
          for (int k = 0; k < t.exponents[v]; ++k) r *= u[v];
        return r;
      }
      case Kind::Sin:
        return std::sin(t.harmonic * u[t.var]);
      case Kind::Cos:
        return std::cos(t.harmonic * u[t.var]);
      case Kind::Custom:
        return t.f(u);
    }
    return 0.0;
  }

  std::size_t nvars_ = 0;
  std::vector<std::string> var_names_;
  std::vector<Term> terms_;
};

}  // namespace sciml::sindy
