// SINDy: library names and values, derivative estimates and their orders, STLSQ and SR3 on Lorenz (exact and
// finite-difference derivatives), Lotka–Volterra from noisy data with Savitzky–Golay derivatives and a threshold
// sweep, the UDE "learned part" (interaction terms only), equation printing, and the identified model as an ODE.
#include <gtest/gtest.h>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>
#include <sciml/ode.hpp>
#include <sciml/sindy/derivatives.hpp>
#include <sciml/sindy/fit.hpp>
#include <sciml/sindy/library.hpp>
#include <sciml/sindy/model.hpp>
#include <sciml/sindy/sr3.hpp>
#include <sciml/sindy/stlsq.hpp>
#include <sciml/sindy/sweep.hpp>

namespace sd = sciml::sindy;

namespace {

std::vector<std::string> names_of(const sd::Library& lib) { return lib.names(); }

struct Series {
  Eigen::VectorXd t;
  Eigen::MatrixXd X, dX;  // states and their exact derivatives (the true right-hand side at the states)
};

template <class F, class U, class P>
Series simulate(F f, U u0, double tf, double dt, P p) {
  sciml::SolveOptions opts;
  opts.reltol = 1e-12;
  opts.abstol = 1e-12;
  opts.saveat = dt;
  opts.maxiters = 10000000;
  auto sol = sciml::solve(sciml::ODEProblem(f, u0, {0.0, tf}, p), sciml::Vern9{}, opts);
  EXPECT_EQ(sol.retcode, sciml::ReturnCode::Success);
  const Eigen::Index n = static_cast<Eigen::Index>(sol.t.size()), d = static_cast<Eigen::Index>(u0.size());
  Series s{Eigen::VectorXd(n), Eigen::MatrixXd(n, d), Eigen::MatrixXd(n, d)};
  for (Eigen::Index i = 0; i < n; ++i) {
    s.t[i] = sol.t[std::size_t(i)];
    const auto du = f(sol.u[std::size_t(i)], p, sol.t[std::size_t(i)]);
    for (Eigen::Index j = 0; j < d; ++j) {
      s.X(i, j) = sol.u[std::size_t(i)][std::size_t(j)];
      s.dX(i, j) = du[std::size_t(j)];
    }
  }
  return s;
}

auto lorenz = [](const auto& u, const auto& p, auto) {
  return sciml::SVector{p[0] * (u[1] - u[0]), u[0] * (p[1] - u[2]) - u[1], u[0] * u[1] - p[2] * u[2]};
};
const std::array<double, 3> lorenz_p{10.0, 28.0, 8.0 / 3.0};

const Series& lorenz_data() {
  static const Series s = simulate(lorenz, sciml::SVector{-8.0, 8.0, 27.0}, 10.0, 0.001, lorenz_p);
  return s;
}

// Lotka–Volterra as in the UDE paper: x' = alpha x - beta x y, y' = gamma x y - delta y.
auto lotka_volterra = [](const auto& u, const auto& p, auto) {
  return sciml::SVector{p[0] * u[0] - p[1] * u[0] * u[1], p[2] * u[0] * u[1] - p[3] * u[1]};
};
const std::array<double, 4> lv_p{1.3, 0.9, 0.8, 1.8};
const sciml::SVector<double, 2> lv_u0{0.44249296, 4.6280594};

const Series& lv_short() {  // t in [0, 3] every 0.1: 31 samples
  static const Series s = simulate(lotka_volterra, lv_u0, 3.0, 0.1, lv_p);
  return s;
}
const Series& lv_long() {  // t in [0, 20] every 0.02: 1001 samples (about four periods)
  static const Series s = simulate(lotka_volterra, lv_u0, 20.0, 0.02, lv_p);
  return s;
}

// X plus Gaussian noise of `level` times each column's mean absolute value.
Eigen::MatrixXd add_noise(const Eigen::MatrixXd& X, double level, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  Eigen::MatrixXd Y = X;
  for (Eigen::Index c = 0; c < X.cols(); ++c) {
    const double sigma = level * X.col(c).cwiseAbs().mean();
    for (Eigen::Index i = 0; i < X.rows(); ++i) Y(i, c) += sigma * g(rng);
  }
  return Y;
}

// The SINDy model's support and coefficients against the truth: exactly the expected terms, each within rel.
void expect_model(const sd::SparseModel& m, const std::vector<std::map<std::string, double>>& truth, double rel) {
  ASSERT_EQ(m.n_outputs(), truth.size());
  for (std::size_t j = 0; j < truth.size(); ++j) {
    const auto got = m.terms(j);
    std::set<std::string> got_names, want_names;
    for (const auto& [k, v] : got) got_names.insert(k);
    for (const auto& [k, v] : truth[j]) want_names.insert(k);
    EXPECT_EQ(got_names, want_names) << "output " << j << ":\n" << m.to_string(6);
    for (const auto& [k, v] : truth[j]) {
      if (!got.count(k)) continue;
      EXPECT_NEAR(got.at(k), v, rel * std::abs(v)) << "output " << j << " term " << k;
    }
  }
}

const std::vector<std::map<std::string, double>> lorenz_truth{
    {{"x", -10.0}, {"y", 10.0}},
    {{"x", 28.0}, {"y", -1.0}, {"x*z", -1.0}},
    {{"z", -8.0 / 3.0}, {"x*y", 1.0}}};
const std::vector<std::map<std::string, double>> lv_truth{{{"x", 1.3}, {"x*y", -0.9}},
                                                          {{"y", -1.8}, {"x*y", 0.8}}};

bool recovers_lv(const sd::SparseModel& m) {
  auto a = m.terms(0), b = m.terms(1);
  return a.size() == 2 && a.count("x") && a.count("x*y") && b.size() == 2 && b.count("y") && b.count("x*y");
}

// The pipeline for noisy LV data: Savitzky–Golay values and derivatives, the window's half dropped at both
// ends (one-sided fits are the noisiest), a threshold sweep by AICc with correlated residuals accounted for.
sd::SweepResult lv_sweep(const Series& s, double noise, std::uint64_t seed, int window, int polyorder,
                         double correlation_length) {
  const Eigen::MatrixXd Xn = add_noise(s.X, noise, seed);
  const Eigen::MatrixXd Xs = sd::savitzky_golay(s.t, Xn, window, polyorder, 0);
  const Eigen::MatrixXd dX = sd::savitzky_golay(s.t, Xn, window, polyorder, 1);
  const Eigen::Index h = window / 2, n = Xs.rows() - 2 * h;
  sd::SweepOptions so;
  so.correlation_length = correlation_length;
  return sd::threshold_sweep(sd::Library::polynomial(2, 2), Xs.middleRows(h, n), dX.middleRows(h, n), sd::STLSQ{},
                             so);
}

// Slope of log(error) against log(h) from two step sizes.
double slope(double e_coarse, double e_fine, double ratio = 2.0) { return std::log(e_coarse / e_fine) / std::log(ratio); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Library

TEST(SindyLibrary, PolynomialNamesTwoVariablesDegree3) {
  const auto lib = sd::Library::polynomial(2, 3);
  const std::vector<std::string> want{"1", "x", "y", "x^2", "x*y", "y^2", "x^3", "x^2*y", "x*y^2", "y^3"};
  EXPECT_EQ(names_of(lib), want);
  EXPECT_EQ(lib.size(), 10u);
  EXPECT_EQ(lib.nvars(), 2u);
}

TEST(SindyLibrary, PolynomialNamesThreeVariablesDegree3) {
  const auto lib = sd::Library::polynomial(3, 3);
  const std::vector<std::string> want{"1",   "x",     "y",     "z",   "x^2",   "x*y",   "x*z",
                                      "y^2", "y*z",   "z^2",   "x^3", "x^2*y", "x^2*z", "x*y^2",
                                      "x*y*z", "x*z^2", "y^3", "y^2*z", "y*z^2", "z^3"};
  EXPECT_EQ(names_of(lib), want);
  const auto nc = sd::Library::polynomial(3, 2, false);
  const std::vector<std::string> want2{"x", "y", "z", "x^2", "x*y", "x*z", "y^2", "y*z", "z^2"};
  EXPECT_EQ(names_of(nc), want2);
  EXPECT_EQ(nc.name(4), "x*y");
  EXPECT_EQ(nc.find("y*z"), std::optional<std::size_t>(7));
  EXPECT_FALSE(nc.find("w").has_value());
}

TEST(SindyLibrary, VariableNames) {
  auto lib = sd::Library::polynomial(2, 2);
  lib.set_variable_names({"S", "I"});
  const std::vector<std::string> want{"1", "S", "I", "S^2", "S*I", "I^2"};
  EXPECT_EQ(names_of(lib), want);
  EXPECT_THROW(lib.set_variable_names({"a"}), std::invalid_argument);
  const auto four = sd::Library::polynomial(4, 1, false);
  EXPECT_EQ(names_of(four), (std::vector<std::string>{"x", "y", "z", "w"}));
  const auto five = sd::Library::polynomial(5, 1, false);
  EXPECT_EQ(names_of(five), (std::vector<std::string>{"x1", "x2", "x3", "x4", "x5"}));
  EXPECT_EQ(sd::Library::polynomial(5, 2, false).name(6), "x1*x2");
  EXPECT_EQ(sd::Library::polynomial(2, 4, false).name(11), "x^2*y^2");
}

TEST(SindyLibrary, PolynomialEvaluate) {
  const auto lib = sd::Library::polynomial(3, 3);
  Eigen::MatrixXd X(4, 3);
  X << 1.5, -2.0, 0.5, 0.0, 1.0, 2.0, -1.0, 3.0, -0.25, 2.0, 2.0, 2.0;
  const Eigen::MatrixXd th = lib.evaluate(X);
  ASSERT_EQ(th.rows(), 4);
  ASSERT_EQ(th.cols(), 20);
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    const double x = X(r, 0), y = X(r, 1), z = X(r, 2);
    const std::vector<double> want{1, x, y, z, x * x, x * y, x * z, y * y, y * z, z * z, x * x * x, x * x * y,
                                   x * x * z, x * y * y, x * y * z, x * z * z, y * y * y, y * y * z, y * z * z,
                                   z * z * z};
    for (Eigen::Index c = 0; c < 20; ++c) EXPECT_DOUBLE_EQ(th(r, c), want[std::size_t(c)]) << lib.name(std::size_t(c));
  }
  EXPECT_THROW(lib.evaluate(Eigen::MatrixXd::Ones(3, 2)), std::invalid_argument);
}

TEST(SindyLibrary, TrigonometricCustomAndConcatenation) {
  const auto trig = sd::Library::trigonometric(2, 2);
  const std::vector<std::string> want{"sin(x)", "cos(x)", "sin(y)", "cos(y)",
                                      "sin(2*x)", "cos(2*x)", "sin(2*y)", "cos(2*y)"};
  EXPECT_EQ(names_of(trig), want);
  Eigen::MatrixXd X(2, 2);
  X << 0.3, -1.2, 2.5, 0.7;
  const Eigen::MatrixXd th = trig.evaluate(X);
  for (Eigen::Index r = 0; r < 2; ++r) {
    const double x = X(r, 0), y = X(r, 1);
    const std::vector<double> v{std::sin(x), std::cos(x), std::sin(y), std::cos(y),
                                std::sin(2 * x), std::cos(2 * x), std::sin(2 * y), std::cos(2 * y)};
    for (Eigen::Index c = 0; c < 8; ++c) EXPECT_DOUBLE_EQ(th(r, c), v[std::size_t(c)]);
  }

  auto lib = sd::Library::polynomial(2, 1) + trig +
             sd::Library::custom("exp(x)/(1+y^2)", [](const double* u) { return std::exp(u[0]) / (1 + u[1] * u[1]); });
  ASSERT_EQ(lib.size(), 3u + 8u + 1u);
  EXPECT_EQ(lib.name(0), "1");
  EXPECT_EQ(lib.name(3), "sin(x)");
  EXPECT_EQ(lib.name(11), "exp(x)/(1+y^2)");
  const Eigen::MatrixXd all = lib.evaluate(X);
  EXPECT_DOUBLE_EQ(all(1, 11), std::exp(2.5) / (1 + 0.49));
  EXPECT_DOUBLE_EQ(all(0, 2), -1.2);
  EXPECT_DOUBLE_EQ(all(1, 4), std::cos(2.5));

  // renaming variables renames every structured candidate, not the custom one
  lib.set_variable_names({"u", "v"});
  EXPECT_EQ(lib.name(2), "v");
  EXPECT_EQ(lib.name(8), "cos(2*u)");
  EXPECT_EQ(lib.name(11), "exp(x)/(1+y^2)");

  // a custom library first, then a polynomial one: the variable count comes from the latter
  auto c = sd::Library::custom("one", [](const double*) { return 1.0; });
  c.append(sd::Library::polynomial(2, 1, false));
  EXPECT_EQ(c.nvars(), 2u);
  EXPECT_EQ(names_of(c), (std::vector<std::string>{"one", "x", "y"}));

  EXPECT_THROW(sd::Library::polynomial(2, 1) + sd::Library::polynomial(3, 1), std::invalid_argument);
  EXPECT_THROW(sd::Library::polynomial(0, 1), std::invalid_argument);
  EXPECT_THROW(sd::Library::trigonometric(2, 0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------------------
// Derivatives

namespace {
// sin(t) + exp(t/2) in column 0, exp(-t) cos(2t) in column 1, with the exact derivatives.
void smooth_data(const Eigen::VectorXd& t, Eigen::MatrixXd& X, Eigen::MatrixXd& dX) {
  X.resize(t.size(), 2);
  dX.resize(t.size(), 2);
  for (Eigen::Index i = 0; i < t.size(); ++i) {
    const double s = t[i];
    X(i, 0) = std::sin(s) + std::exp(s / 2);
    dX(i, 0) = std::cos(s) + 0.5 * std::exp(s / 2);
    X(i, 1) = std::exp(-s) * std::cos(2 * s);
    dX(i, 1) = -std::exp(-s) * (std::cos(2 * s) + 2 * std::sin(2 * s));
  }
}
// n samples on [0, 3]: uniform, or each interior time jittered by up to 30% of the spacing (fixed seed).
Eigen::VectorXd times(int n, bool jitter) {
  Eigen::VectorXd t(n);
  const double h = 3.0 / (n - 1);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-0.3, 0.3);
  for (int i = 0; i < n; ++i) t[i] = i * h + ((jitter && i > 0 && i < n - 1) ? u(rng) * h : 0.0);
  return t;
}
template <class D>
double max_error(D derivative, int n, bool jitter) {
  const Eigen::VectorXd t = times(n, jitter);
  Eigen::MatrixXd X, dX;
  smooth_data(t, X, dX);
  return (derivative(t, X) - dX).cwiseAbs().maxCoeff();
}
}  // namespace

TEST(SindyDerivatives, FiniteDifferenceOrders) {
  for (bool jitter : {false, true}) {
    for (int order : {1, 2, 4}) {
      auto fd = [order](const Eigen::VectorXd& t, const Eigen::MatrixXd& X) {
        return sd::finite_difference(t, X, order);
      };
      const double e1 = max_error(fd, 101, jitter), e2 = max_error(fd, 201, jitter), e3 = max_error(fd, 401, jitter);
      EXPECT_NEAR(slope(e2, e3), order, 0.3) << "order " << order << (jitter ? " jittered" : " uniform");
      EXPECT_NEAR(slope(e1, e2), order, 0.4) << "order " << order << (jitter ? " jittered" : " uniform");
    }
  }
  // second order: exact on quadratics, also non-uniform and at both ends
  const Eigen::VectorXd t = times(9, true);
  Eigen::MatrixXd q(9, 1), dq(9, 1);
  for (int i = 0; i < 9; ++i) {
    q(i, 0) = 2 - 3 * t[i] + 0.7 * t[i] * t[i];
    dq(i, 0) = -3 + 1.4 * t[i];
  }
  EXPECT_LT((sd::finite_difference(t, q) - dq).cwiseAbs().maxCoeff(), 1e-12);
  // the std::vector overload
  std::vector<double> tv(t.data(), t.data() + t.size());
  EXPECT_LT((sd::finite_difference(tv, q) - dq).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_THROW(sd::finite_difference(t, q, 0), std::invalid_argument);
  Eigen::VectorXd bad = t;
  bad[3] = bad[2];
  EXPECT_THROW(sd::finite_difference(bad, q), std::invalid_argument);
  EXPECT_THROW(sd::finite_difference(t, Eigen::MatrixXd(8, 1)), std::invalid_argument);
}

TEST(SindyDerivatives, SavitzkyGolayOrders) {
  for (bool jitter : {false, true}) {
    for (int p : {2, 3, 4}) {
      auto sg = [p](const Eigen::VectorXd& t, const Eigen::MatrixXd& X) { return sd::savitzky_golay(t, X, 9, p); };
      const double e2 = max_error(sg, 201, jitter), e3 = max_error(sg, 401, jitter);
      // a fixed window in samples shrinks with h: the first derivative's error is O(h^polyorder) (the one-sided
      // ends dominate)
      EXPECT_NEAR(slope(e2, e3), p, 0.35) << "polyorder " << p << (jitter ? " jittered" : " uniform");
    }
  }
  // reproduces polynomials up to polyorder exactly (values and derivatives), non-uniform t
  const Eigen::VectorXd t = times(40, true);
  Eigen::MatrixXd c(40, 1), dc(40, 1);
  for (int i = 0; i < 40; ++i) {
    const double s = t[i];
    c(i, 0) = 1 - s + 0.5 * s * s - 0.2 * s * s * s;
    dc(i, 0) = -1 + s - 0.6 * s * s;
  }
  EXPECT_LT((sd::savitzky_golay(t, c, 7, 3, 0) - c).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((sd::savitzky_golay(t, c, 7, 3, 1) - dc).cwiseAbs().maxCoeff(), 1e-11);
  EXPECT_THROW(sd::savitzky_golay(t, c, 6, 3), std::invalid_argument);
  EXPECT_THROW(sd::savitzky_golay(t, c, 3, 3), std::invalid_argument);
  EXPECT_THROW(sd::savitzky_golay(t, c, 7, 3, 4), std::invalid_argument);
}

TEST(SindyDerivatives, SmoothingBeatsFiniteDifferencesOnNoise) {
  const Eigen::VectorXd t = times(301, false);
  Eigen::MatrixXd X, dX;
  smooth_data(t, X, dX);
  const Eigen::MatrixXd Xn = add_noise(X, 0.01, 3);
  const Eigen::Index n = t.size();
  auto rms_interior = [&](const Eigen::MatrixXd& d) {
    return std::sqrt((d - dX).middleRows(15, n - 30).squaredNorm() / double((n - 30) * 2));
  };
  const double e_fd = rms_interior(sd::finite_difference(t, Xn));
  const double e_sg = rms_interior(sd::savitzky_golay(t, Xn, 31, 3));
  const double e_tv = rms_interior(sd::tv_regularized(t, Xn, 0.002));
  EXPECT_LT(e_sg, 0.1 * e_fd);
  EXPECT_LT(e_tv, 0.2 * e_fd);
  EXPECT_LT(e_sg, 0.15);
  EXPECT_LT(e_tv, 0.2);
  // TV with alpha = 0 returns the data: its central differences
  EXPECT_LT((sd::tv_regularized(t, X, 0.0) - sd::finite_difference(t, X)).cwiseAbs().maxCoeff(), 1e-9);
}

// ---------------------------------------------------------------------------------------------------------------
// Regression

TEST(SindyRegression, StlsqRecoversASparseLinearModel) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g;
  Eigen::MatrixXd th(200, 6);
  for (Eigen::Index i = 0; i < th.size(); ++i) th.data()[i] = g(rng);
  Eigen::MatrixXd xi = Eigen::MatrixXd::Zero(6, 2);
  xi(1, 0) = 2.0;
  xi(4, 0) = -0.5;
  xi(0, 1) = 1.0;
  const Eigen::MatrixXd y = th * xi;
  const Eigen::MatrixXd got = sd::STLSQ{.threshold = 0.1}.solve(th, y);
  EXPECT_LT((got - xi).cwiseAbs().maxCoeff(), 1e-12);
  // a ridge term shrinks but keeps the support
  const Eigen::MatrixXd ridge = sd::STLSQ{.threshold = 0.1, .alpha = 0.01}.solve(th, y);
  EXPECT_EQ(((ridge.array() != 0) == (xi.array() != 0)).count(), 12);
  EXPECT_LT(std::abs(ridge(1, 0)), 2.0);
  EXPECT_GT(std::abs(ridge(1, 0)), 1.9);
  EXPECT_THROW(sd::STLSQ{}.solve(th, y.topRows(10)), std::invalid_argument);
}

TEST(SindyRegression, NormalizationComparesContributionsAndReportsOriginalScale) {
  // column 0 ~ 1000, coefficient 1e-3 (contribution ~1); column 1 ~ 1, coefficient 0.05 (contribution 0.05)
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g;
  Eigen::MatrixXd th(100, 2);
  for (Eigen::Index i = 0; i < 100; ++i) {
    th(i, 0) = 1000.0 * g(rng);
    th(i, 1) = g(rng);
  }
  const Eigen::VectorXd y = 1e-3 * th.col(0) + 0.05 * th.col(1);
  const Eigen::MatrixXd raw = sd::STLSQ{.threshold = 0.01}.solve(th, y);
  EXPECT_EQ(raw(0, 0), 0.0);  // 1e-3 < 0.01 in raw units: dropped
  EXPECT_NE(raw(1, 0), 0.0);
  const Eigen::MatrixXd nrm = sd::STLSQ{.threshold = 0.2, .normalize_columns = true}.solve(th, y);
  // contribution ~1 kept and refit alone, reported in the original scale; contribution ~0.05 dropped
  const double alone = th.col(0).dot(y) / th.col(0).squaredNorm();
  EXPECT_NEAR(alone, 1e-3, 2e-5);
  EXPECT_NEAR(nrm(0, 0), alone, 1e-15);
  EXPECT_EQ(nrm(1, 0), 0.0);
  const Eigen::MatrixXd sr3 = sd::SR3{.threshold = 0.2, .normalize_columns = true}.solve(th, y);
  EXPECT_NEAR(sr3(0, 0), alone, 1e-15);
  EXPECT_EQ(sr3(1, 0), 0.0);
}

TEST(SindyLorenz, StlsqExactDerivatives) {
  const auto& s = lorenz_data();
  ASSERT_EQ(s.t.size(), 10001);
  const auto m = sd::fit(sd::Library::polynomial(3, 2), s.X, s.dX, sd::STLSQ{.threshold = 0.1});
  expect_model(m, lorenz_truth, 1e-3);
  EXPECT_EQ(m.nnz(), 7u);
  // normalised columns and a threshold in contribution units find the same model
  const auto mn = sd::fit(sd::Library::polynomial(3, 2), s.X, s.dX,
                          sd::STLSQ{.threshold = 0.5, .normalize_columns = true});
  expect_model(mn, lorenz_truth, 1e-3);
}

TEST(SindyLorenz, StlsqFiniteDifferences) {
  const auto& s = lorenz_data();
  const Eigen::MatrixXd dX = sd::finite_difference(s.t, s.X, 2);
  const auto m = sd::fit(sd::Library::polynomial(3, 2), s.X, dX, sd::STLSQ{.threshold = 0.1});
  expect_model(m, lorenz_truth, 1e-2);
  EXPECT_EQ(m.nnz(), 7u);
}

TEST(SindyLorenz, Sr3ExactAndFiniteDifferences) {
  const auto& s = lorenz_data();
  const auto lib = sd::Library::polynomial(3, 2);
  for (auto reg : {sd::SR3::Regularizer::L0, sd::SR3::Regularizer::L1}) {
    const auto m = sd::fit(lib, s.X, s.dX, sd::SR3{.threshold = 0.1, .nu = 1.0, .regularizer = reg});
    expect_model(m, lorenz_truth, 1e-3);
    const auto mf = sd::fit(lib, s.X, sd::finite_difference(s.t, s.X), sd::SR3{.threshold = 0.1, .regularizer = reg});
    expect_model(mf, lorenz_truth, 1e-2);
  }
  // without the refit, L1 shrinks each kept coefficient by about the threshold: same support, biased values
  const auto shrunk = sd::fit(lib, s.X, s.dX,
                              sd::SR3{.threshold = 0.1, .regularizer = sd::SR3::Regularizer::L1, .unbias = false});
  EXPECT_EQ(shrunk.nnz(), 7u);
}

TEST(SindyLorenz, SweepFindsTheModelFromExactData) {
  const auto& s = lorenz_data();
  const auto r = sd::threshold_sweep(sd::Library::polynomial(3, 2), s.X, s.dX);
  expect_model(r.best, lorenz_truth, 1e-3);
  ASSERT_EQ(r.best_index.size(), 3u);
  ASSERT_FALSE(r.path.empty());
  EXPECT_EQ(r.path.front().threshold, 0.0);
  EXPECT_EQ(r.path.front().nnz, 30u);  // least squares keeps every candidate
  EXPECT_EQ(r.path.back().nnz_per_output.size(), 3u);
  for (std::size_t i = 1; i < r.path.size(); ++i) EXPECT_GT(r.path[i].threshold, r.path[i - 1].threshold);
  // BIC agrees; a user threshold list is used as given
  sd::SweepOptions so;
  so.criterion = sd::SweepOptions::Criterion::BIC;
  so.thresholds = {0.0, 0.1, 50.0};
  const auto rb = sd::threshold_sweep(sd::Library::polynomial(3, 2), s.X, s.dX, sd::STLSQ{}, so);
  ASSERT_EQ(rb.path.size(), 3u);
  EXPECT_EQ(rb.path[2].nnz, 0u);
  for (auto i : rb.best_index) EXPECT_EQ(i, 1u);
  expect_model(rb.best, lorenz_truth, 1e-3);
}

// ---------------------------------------------------------------------------------------------------------------
// Lotka–Volterra from noisy data

TEST(SindyLotkaVolterra, ShortSeriesHalfPercentNoise) {
  // 31 samples over half a period: Savitzky-Golay window 9 / cubic; the support was recovered on 97 of 100
  // seeds (20..119). x*y in dy is the weakly determined term (0.71..0.96 over seeds 0..19), the others within 3%.
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    const auto r = lv_sweep(lv_short(), 0.005, seed, 9, 3, 3.0);
    EXPECT_TRUE(recovers_lv(r.best)) << "seed " << seed << ":\n" << r.best.to_string();
    if (!recovers_lv(r.best)) continue;
    EXPECT_NEAR(r.best.terms(0).at("x"), 1.3, 0.03 * 1.3);
    EXPECT_NEAR(r.best.terms(0).at("x*y"), -0.9, 0.03 * 0.9);
    EXPECT_NEAR(r.best.terms(1).at("y"), -1.8, 0.03 * 1.8);
    EXPECT_NEAR(r.best.terms(1).at("x*y"), 0.8, 0.25 * 0.8);
  }
}

TEST(SindyLotkaVolterra, LongSeriesHalfAndFivePercentNoise) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto r = lv_sweep(lv_long(), 0.005, seed, 11, 3, 3.0);
    expect_model(r.best, lv_truth, 0.01);
    const auto r5 = lv_sweep(lv_long(), 0.05, seed, 31, 5, 8.0);
    expect_model(r5.best, lv_truth, 0.05);
  }
}

TEST(SindyLotkaVolterra, IdentifiedModelSimulatesAsAnOde) {
  const auto r = lv_sweep(lv_long(), 0.005, 1, 11, 3, 3.0);
  ASSERT_TRUE(recovers_lv(r.best));
  auto f = r.best.rhs();
  sciml::SolveOptions opts;
  opts.reltol = 1e-10;
  opts.abstol = 1e-10;
  opts.saveat = 0.1;
  auto sol = sciml::solve(sciml::ODEProblem(f, std::vector<double>{lv_u0[0], lv_u0[1]}, {0.0, 3.0}), sciml::Tsit5{},
                          opts);
  ASSERT_EQ(sol.retcode, sciml::ReturnCode::Success);
  const auto& truth = lv_short();
  ASSERT_EQ(sol.t.size(), std::size_t(truth.t.size()));
  for (std::size_t i = 0; i < sol.t.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j)
      EXPECT_NEAR(sol.u[i][j], truth.X(Eigen::Index(i), Eigen::Index(j)), 0.02 * (1 + truth.X.col(Eigen::Index(j)).maxCoeff()));
  // the exact model's right-hand side reproduces the true derivatives
  sd::SparseModel exact{sd::Library::polynomial(2, 2), Eigen::MatrixXd::Zero(6, 2), {}};
  exact.coefficients(1, 0) = 1.3;
  exact.coefficients(4, 0) = -0.9;
  exact.coefficients(2, 1) = -1.8;
  exact.coefficients(4, 1) = 0.8;
  auto g = exact.rhs();
  std::vector<double> du(2), u{0.7, 1.9};
  g(du, u, sciml::NullParameters{}, 0.0);
  EXPECT_DOUBLE_EQ(du[0], 1.3 * 0.7 - 0.9 * 0.7 * 1.9);
  EXPECT_DOUBLE_EQ(du[1], -1.8 * 1.9 + 0.8 * 0.7 * 1.9);
  const Eigen::MatrixXd pred = exact.predict(truth.X);
  EXPECT_LT((pred - truth.dX).cwiseAbs().maxCoeff(), 1e-12);
}

// ---------------------------------------------------------------------------------------------------------------
// The UDE's learned part: the network's outputs are the missing interaction terms only.

TEST(SindyLearnedPart, RecoversTheInteractionTerms) {
  const auto& s = lv_long();
  std::mt19937_64 rng(42);
  std::normal_distribution<double> g;
  Eigen::MatrixXd target(s.X.rows(), 2);
  for (Eigen::Index i = 0; i < s.X.rows(); ++i) {
    const double xy = s.X(i, 0) * s.X(i, 1);
    target(i, 0) = -0.9 * xy;
    target(i, 1) = 0.8 * xy;
  }
  // small noise: 1% of each target's RMS
  for (Eigen::Index c = 0; c < 2; ++c) {
    const double sigma = 0.01 * target.col(c).norm() / std::sqrt(double(target.rows()));
    for (Eigen::Index i = 0; i < target.rows(); ++i) target(i, c) += sigma * g(rng);
  }
  const auto lib = sd::Library::polynomial(2, 2, false);
  // BIC: with independent noise on many samples, AICc keeps a chance term in about a quarter of the seeds
  sd::SweepOptions so;
  so.criterion = sd::SweepOptions::Criterion::BIC;
  const auto r = sd::threshold_sweep(lib, s.X, target, sd::STLSQ{}, so, {"Ux", "Uy"});
  const std::vector<std::map<std::string, double>> truth{{{"x*y", -0.9}}, {{"x*y", 0.8}}};
  expect_model(r.best, truth, 0.05);
  EXPECT_EQ(r.best.to_string(2), "Ux = -0.9 x*y\nUy = 0.8 x*y");
  // with a fixed threshold, and with SR3
  expect_model(sd::fit(lib, s.X, target, sd::STLSQ{.threshold = 0.1}), truth, 0.05);
  expect_model(sd::fit(lib, s.X, target, sd::SR3{.threshold = 0.1}), truth, 0.05);
  // the 31 samples of the UDE paper's series, 1% noise, a fixed threshold
  const auto& sh = lv_short();
  Eigen::MatrixXd ts(sh.X.rows(), 2);
  for (Eigen::Index i = 0; i < sh.X.rows(); ++i) {
    ts(i, 0) = -0.9 * sh.X(i, 0) * sh.X(i, 1) * (1 + 0.01 * g(rng));
    ts(i, 1) = 0.8 * sh.X(i, 0) * sh.X(i, 1) * (1 + 0.01 * g(rng));
  }
  expect_model(sd::fit(lib, sh.X, ts, sd::STLSQ{.threshold = 0.1}), truth, 0.05);
  expect_model(sd::fit(lib, sh.X, ts, sd::STLSQ{.threshold = 0.1, .normalize_columns = true}), truth, 0.05);
}

TEST(SindyLearnedPart, SubsetSearchFindsWhatThresholdingMisses) {
  // The UDE example's situation: the network's outputs along the one orbit segment t in [0, 3] (every 0.01),
  // the interaction terms plus a smooth error of a few percent. Along this arc x*y, y and y^2 are nearly
  // collinear: least squares on the whole library puts the largest coefficient on y^2, so the threshold path
  // runs (all five) -> {y, y^2} -> {y^2} -> {} and never visits {x*y}, the best one-term model by far.
  static const Series s = simulate(lotka_volterra, lv_u0, 3.0, 0.01, lv_p);
  ASSERT_EQ(s.t.size(), 301);
  Eigen::MatrixXd target(s.X.rows(), 2);
  for (Eigen::Index i = 0; i < s.X.rows(); ++i) {
    const double xy = s.X(i, 0) * s.X(i, 1), pi = 3.14159265358979323846;
    const double err = 0.06 * (std::sin(pi * s.t[i]) + std::sin(4.0 * pi * s.t[i] / 3.0));
    target(i, 0) = -0.9 * xy - err;
    target(i, 1) = 0.8 * xy + err;
  }
  const auto lib = sd::Library::polynomial(2, 2, false);
  sd::SweepOptions so;
  so.correlation_length = 60.0;  // the error is one smooth curve: about one independent sample per 0.6 time units
  const auto path_only = sd::threshold_sweep(lib, s.X, target, sd::STLSQ{.normalize_columns = true}, so);
  for (std::size_t j = 0; j < 2; ++j) {  // the alias wins
    const auto got = path_only.best.terms(j);
    EXPECT_TRUE(got.size() == 1 && got.count("y^2")) << path_only.best.to_string();
  }
  so.max_subset_terms = 3;
  const auto r = sd::threshold_sweep(lib, s.X, target, sd::STLSQ{.normalize_columns = true}, so);
  // 41 thresholds, then 1 + 5 + 10 + 10 supports of at most 3 of the 5 candidates
  ASSERT_EQ(r.path.size(), 41u + 26u);
  EXPECT_TRUE(std::isnan(r.path[41].threshold));
  EXPECT_TRUE(r.path[41].support.empty());
  EXPECT_EQ(r.path[41].nnz, 0u);
  EXPECT_EQ(r.path.back().support, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_TRUE(r.path.front().support.empty());
  const std::vector<std::map<std::string, double>> truth{{{"x*y", -0.9}}, {{"x*y", 0.8}}};
  expect_model(r.best, truth, 0.07);
  for (auto i : r.best_index) EXPECT_EQ(r.path[i].support, (std::vector<std::size_t>{3}));
  // BIC agrees; the enumeration is refused when it would be huge
  so.criterion = sd::SweepOptions::Criterion::BIC;
  expect_model(sd::threshold_sweep(lib, s.X, target, sd::STLSQ{.normalize_columns = true}, so).best, truth, 0.07);
  so.max_subset_terms = 8;
  EXPECT_NO_THROW(sd::threshold_sweep(lib, s.X, target, sd::STLSQ{}, so));  // capped at the 5 candidates
  so.max_subset_terms = 6;
  EXPECT_THROW(sd::threshold_sweep(sd::Library::polynomial(2, 8), s.X, target, sd::STLSQ{}, so),
               std::invalid_argument);  // 45 candidates: over 10 million supports
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

TEST(SindyModel, ToStringAndTerms) {
  sd::SparseModel m{sd::Library::polynomial(2, 2), Eigen::MatrixXd::Zero(6, 2), {}};
  m.coefficients(1, 0) = 1.3;
  m.coefficients(4, 0) = -0.9;
  m.coefficients(2, 1) = -1.8;
  m.coefficients(4, 1) = 0.8;
  EXPECT_EQ(m.to_string(), "dx = 1.3 x - 0.9 x*y\ndy = -1.8 y + 0.8 x*y");
  EXPECT_EQ(m.output_name(1), "dy");
  const auto t0 = m.terms(0);
  ASSERT_EQ(t0.size(), 2u);
  EXPECT_EQ(t0.at("x"), 1.3);
  EXPECT_EQ(t0.at("x*y"), -0.9);
  EXPECT_THROW(m.terms(2), std::out_of_range);
  // the constant prints as a number; precision is significant digits; empty equations print 0
  m.coefficients(0, 0) = -0.123456;
  m.coefficients(1, 0) = 1.0 / 3.0;
  m.coefficients.col(1).setZero();
  EXPECT_EQ(m.to_string(3), "dx = -0.123 + 0.333 x - 0.9 x*y\ndy = 0");
  m.output_names = {"dS", "dI"};
  m.lib.set_variable_names({"S", "I"});
  EXPECT_EQ(m.to_string(2), "dS = -0.12 + 0.33 S - 0.9 S*I\ndI = 0");
  EXPECT_EQ(m.nnz(), 3u);
  EXPECT_EQ(m.nnz(0), 3u);
  // more outputs than variables: f1, f2, f3
  sd::SparseModel three{sd::Library::polynomial(2, 1), Eigen::MatrixXd::Zero(3, 3), {}};
  three.coefficients(0, 2) = 2.5;
  EXPECT_EQ(three.to_string(), "f1 = 0\nf2 = 0\nf3 = 2.5");
  EXPECT_THROW(three.rhs(), std::invalid_argument);
}

TEST(SindyModel, RhsWorksWithStiffMethodsAndTheDefaultSolve) {
  // dx = -x + 0.2 sin(x), dy = -2 y + 0.1 x*y: polynomial and trigonometric terms pass dual numbers through
  sd::SparseModel m{sd::Library::polynomial(2, 2) + sd::Library::trigonometric(2, 1), Eigen::MatrixXd::Zero(10, 2), {}};
  m.coefficients(1, 0) = -1.0;
  m.coefficients(6, 0) = 0.2;
  m.coefficients(2, 1) = -2.0;
  m.coefficients(4, 1) = 0.1;
  EXPECT_EQ(m.to_string(), "dx = -1 x + 0.2 sin(x)\ndy = -2 y + 0.1 x*y");
  auto f = m.rhs();
  sciml::SolveOptions o;
  o.reltol = 1e-9;
  o.abstol = 1e-9;
  const std::vector<double> u0{1.0, 1.0};
  auto ref = sciml::solve(sciml::ODEProblem(f, u0, {0.0, 1.0}), sciml::Vern9{}, o);
  auto ros = sciml::solve(sciml::ODEProblem(f, u0, {0.0, 1.0}), sciml::Rodas5P{}, o);
  auto dflt = sciml::solve(sciml::ODEProblem(f, u0, {0.0, 1.0}), o);
  ASSERT_TRUE(ref.success() && ros.success() && dflt.success());
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_NEAR(ros.u.back()[j], ref.u.back()[j], 1e-7);
    EXPECT_NEAR(dflt.u.back()[j], ref.u.back()[j], 1e-7);
  }
  // a custom candidate evaluates on doubles only: AD Jacobians throw, finite-difference ones work
  auto mc = m;
  mc.lib = mc.lib + sd::Library::custom("x/(1+y)", [](const double* u) { return u[0] / (1 + u[1]); });
  mc.coefficients.conservativeResize(11, 2);
  mc.coefficients.row(10) << 0.0, 0.5;
  auto fc = mc.rhs();
  EXPECT_THROW(sciml::solve(sciml::ODEProblem(fc, u0, {0.0, 1.0}), sciml::Rodas5P{}, o), std::logic_error);
  auto fd = sciml::solve(sciml::ODEProblem(sciml::with_fd_jacobian(fc), u0, {0.0, 1.0}), sciml::Rodas5P{}, o);
  auto ex = sciml::solve(sciml::ODEProblem(fc, u0, {0.0, 1.0}), sciml::Tsit5{}, o);
  ASSERT_TRUE(fd.success() && ex.success());
  EXPECT_NEAR(fd.u.back()[1], ex.u.back()[1], 1e-6);
}
