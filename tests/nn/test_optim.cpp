// Optimisers: Adam and AdamW against hand-computed (40-digit) updates and on Rosenbrock and a quadratic;
// schedules; L-BFGS on 2-D and 10-D Rosenbrock to gtol 1e-8, the strong Wolfe conditions at every accepted
// step, and objectives that turn NaN; the training loop's progress lines, checkpoints, exact resume, NaN
// handling and loss target; and a small MLP fitted through its VJP.
#include <gtest/gtest.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>
#include <sciml/nn/mlp.hpp>
#include <sciml/optim/adam.hpp>
#include <sciml/optim/lbfgs.hpp>
#include <sciml/optim/schedule.hpp>
#include <sciml/optim/train.hpp>

using namespace sciml::optim;
using Vec = std::vector<double>;

namespace {

// extended Rosenbrock: sum over pairs of 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2
double rosenbrock(const Vec& x, Vec& g) {
  double f = 0;
  for (std::size_t i = 0; i + 1 < x.size(); i += 2) {
    const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] = -400 * a * x[i] - 2 * b;
    g[i + 1] = 200 * a;
  }
  return f;
}
Vec rosenbrock_start(std::size_t n) {
  Vec x(n);
  for (std::size_t i = 0; i < n; i += 2) {
    x[i] = -1.2;
    x[i + 1] = 1.0;
  }
  return x;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("sciml_test_optim_" + std::to_string(::getpid()) + "_" + name))
      .string();
}
void remove_checkpoint(const std::string& p) {
  std::filesystem::remove(p);
  std::filesystem::remove(p + ".adam");
}

void expect_vec_near(const Vec& a, const std::vector<double>& b, double rtol) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], rtol * (1 + std::abs(b[i]))) << "i = " << i;
}

// a progress line parses as the documented format and prints back identically (so every width, precision and
// separator is as documented)
bool is_progress_line(const std::string& l, bool with_lr) {
  long it = 0;
  double loss = 0, lr = 0, t = 0;
  char buf[160];
  if (with_lr) {
    if (std::sscanf(l.c_str(), "iter %ld  loss %lf  lr %lf  time %lf s", &it, &loss, &lr, &t) != 4) return false;
    std::snprintf(buf, sizeof buf, "iter %4ld  loss %.6e  lr %.1e  time %.2f s", it, loss, lr, t);
  } else {
    if (std::sscanf(l.c_str(), "iter %ld  loss %lf  time %lf s", &it, &loss, &t) != 3) return false;
    std::snprintf(buf, sizeof buf, "iter %4ld  loss %.6e  time %.2f s", it, loss, t);
  }
  return l == buf;
}

const std::vector<Vec> kGrads = {{0.5, -1.0, 0.0}, {0.3, 0.2, 1e-3}, {-0.1, 0.4, -2.0}};

}  // namespace

// Expected values: the textbook update (m_hat / (sqrt(v_hat) + eps)) in 40-digit arithmetic (mpmath).
TEST(Adam, ThreeStepsMatchHandComputed) {
  Adam opt;
  opt.lr = 0.1;
  Vec x = {1.0, -2.0, 0.5};
  const std::vector<Vec> expected = {{0.90000000199999996, -1.90000000099999999, 0.5},
                                     {0.80425098670887543704, -1.8488973939904942021, 0.42558736973368933871},
                                     {0.74211056952968857895, -1.8354734342081557849, 0.48943997453527113312}};
  for (int s = 0; s < 3; ++s) {
    opt.step(x, kGrads[s]);
    expect_vec_near(x, expected[s], 1e-14);
  }
  EXPECT_EQ(opt.t, 3);
}

TEST(Adam, LargeEpsMatchesHandComputed) {
  Adam opt;
  opt.lr = 0.1;
  opt.eps = 0.1;  // eps added to sqrt(v_hat), as PyTorch does (not to sqrt(v))
  Vec x = {1.0, -2.0, 0.5};
  const std::vector<Vec> expected = {{0.91666666666666666667, -1.9090909090909090909, 0.5},
                                     {0.83960906327489072728, -1.8642131624767984105, 0.49947738061187541905},
                                     {0.79154514723123764889, -1.8526224905704457065, 0.55824325685598644129}};
  for (int s = 0; s < 3; ++s) {
    opt.step(x, kGrads[s]);
    expect_vec_near(x, expected[s], 1e-14);
  }
}

TEST(Adam, L2WeightDecayMatchesHandComputed) {
  Adam opt;
  opt.lr = 0.1;
  opt.weight_decay = 0.05;  // torch.optim.Adam: grad += weight_decay * x
  Vec x = {1.0, -2.0, 0.5};
  const std::vector<Vec> expected = {{0.90000000181818178512, -1.9000000009090909008, 0.40000003999998400001},
                                     {0.80368891314505318296, -1.8403721610401676858, 0.30082768712040610611},
                                     {0.73542024601605145944, -1.8131420845323314496, 0.36344063701720724363}};
  for (int s = 0; s < 3; ++s) {
    opt.step(x, kGrads[s]);
    expect_vec_near(x, expected[s], 1e-14);
  }
}

TEST(AdamW, ThreeStepsMatchHandComputed) {
  AdamW opt(0.1, 0.05);  // torch.optim.AdamW: x *= 1 - lr * weight_decay before the Adam step
  EXPECT_TRUE(opt.decoupled);
  Vec x = {1.0, -2.0, 0.5};
  const std::vector<Vec> expected = {{0.89500000199999996, -1.89000000099999999, 0.4975},
                                     {0.79477598669887543724, -1.8294473939854942022, 0.42059986973368933871},
                                     {0.72866168958619420196, -1.806876197233228314, 0.48234947518660268642}};
  for (int s = 0; s < 3; ++s) {
    opt.step(x, kGrads[s]);
    expect_vec_near(x, expected[s], 1e-14);
  }
  const AdamW defaults;
  EXPECT_EQ(defaults.lr, 1e-3);
  EXPECT_EQ(defaults.weight_decay, 1e-2);
}

TEST(Adam, ResetAndSizeChecks) {
  Adam opt;
  Vec x = {1.0, 2.0};
  opt.step(x, Vec{1.0, 1.0});
  EXPECT_THROW(opt.step(x, Vec{1.0}), std::invalid_argument);
  Vec y = {1.0, 2.0, 3.0};
  EXPECT_THROW(opt.step(y, Vec{1.0, 1.0, 1.0}), std::invalid_argument);
  opt.reset();
  EXPECT_EQ(opt.t, 0);
  opt.step(y, Vec{1.0, 1.0, 1.0});
  EXPECT_EQ(opt.m.size(), 3u);
}

TEST(Adam, MinimisesQuadratic) {
  const Vec a = {1.0, 10.0, 100.0};
  Vec x = {1.0, -1.0, 0.5}, g(3);
  Adam opt;
  opt.lr = 0.05;
  const ExponentialDecay sched{0.995};
  for (long k = 0; k < 2000; ++k) {
    for (int i = 0; i < 3; ++i) g[i] = a[i] * x[i];
    opt.lr = sched(k, 0.05);
    opt.step(x, g);
  }
  for (double v : x) EXPECT_LT(std::abs(v), 1e-4);
}

TEST(Adam, MinimisesRosenbrock) {
  Vec x = {-1.2, 1.0}, g(2);
  Adam opt;
  opt.lr = 0.02;
  const CosineAnnealing sched{20000, 1e-5, 100};
  for (long k = 0; k < 20000; ++k) {
    rosenbrock(x, g);
    opt.lr = sched(k, 0.02);
    opt.step(x, g);
  }
  EXPECT_NEAR(x[0], 1.0, 1e-3);
  EXPECT_NEAR(x[1], 1.0, 2e-3);
  EXPECT_LT(rosenbrock(x, g), 1e-6);
}

TEST(Schedule, Values) {
  EXPECT_EQ(ConstantLR{}(123, 0.1), 0.1);
  EXPECT_NEAR((ExponentialDecay{0.9})(3, 1.0), 0.729, 1e-15);
  EXPECT_NEAR((ExponentialDecay{0.5, 10})(20, 1.0), 0.25, 1e-15);
  EXPECT_EQ((StepDecay{100, 0.1})(99, 1.0), 1.0);
  EXPECT_NEAR((StepDecay{100, 0.1})(100, 1.0), 0.1, 1e-15);
  EXPECT_NEAR((StepDecay{100, 0.1})(250, 1.0), 0.01, 1e-15);
  const CosineAnnealing c{100, 0.0, 0};
  EXPECT_EQ(c(0, 1.0), 1.0);
  EXPECT_NEAR(c(50, 1.0), 0.5, 1e-15);
  EXPECT_NEAR(c(100, 1.0), 0.0, 1e-15);
  EXPECT_NEAR(c(500, 1.0), 0.0, 1e-15);
  const CosineAnnealing w{110, 0.1, 10};
  EXPECT_NEAR(w(0, 1.0), 0.1, 1e-15);
  EXPECT_NEAR(w(4, 1.0), 0.5, 1e-15);
  EXPECT_NEAR(w(9, 1.0), 1.0, 1e-15);
  EXPECT_NEAR(w(10, 1.0), 1.0, 1e-15);
  EXPECT_NEAR(w(60, 1.0), 0.55, 1e-15);
  EXPECT_NEAR(w(110, 1.0), 0.1, 1e-15);
  const Schedule s = StepDecay{10, 0.5};
  EXPECT_EQ(s(25, 2.0), 0.5);
}

TEST(LBFGS, Rosenbrock2D) {
  long calls = 0;
  auto fg = [&](const Vec& x, Vec& g) {
    ++calls;
    return rosenbrock(x, g);
  };
  const OptimResult r = lbfgs(fg, Vec{-1.2, 1.0});
  EXPECT_TRUE(r.converged) << r.message;
  EXPECT_LE(r.grad_norm, 1e-8) << r.message;
  EXPECT_NE(r.message.find("gtol"), std::string::npos) << r.message;
  EXPECT_NEAR(r.x[0], 1.0, 1e-8);
  EXPECT_NEAR(r.x[1], 1.0, 2e-8);
  EXPECT_LT(r.f, 1e-16);
  EXPECT_EQ(r.evaluations, calls);
  EXPECT_LT(r.iterations, 100);
  Vec g(2);
  rosenbrock(r.x, g);
  EXPECT_LE(std::max(std::abs(g[0]), std::abs(g[1])), 1e-8);
}

TEST(LBFGS, ExtendedRosenbrock10D) {
  const OptimResult r = lbfgs(rosenbrock, rosenbrock_start(10), LBFGSOptions{.history = 7});
  EXPECT_TRUE(r.converged) << r.message;
  EXPECT_LE(r.grad_norm, 1e-8) << r.message;
  for (double v : r.x) EXPECT_NEAR(v, 1.0, 1e-7);
  EXPECT_LT(r.iterations, 200);
}

TEST(LBFGS, StrongWolfeAtEveryAcceptedStep) {
  struct Point {
    Vec x, g;
    double f;
  };
  std::vector<Point> pts;
  Vec g0(2);
  const Vec x0 = {-1.2, 1.0};
  pts.push_back({x0, g0, rosenbrock(x0, g0)});
  pts[0].g = g0;
  auto cb = [&](long it, const Vec& x, double f) {
    Vec g(x.size());
    const double f2 = rosenbrock(x, g);
    EXPECT_EQ(f, f2);
    EXPECT_EQ(it, long(pts.size()));
    pts.push_back({x, g, f});
    return true;
  };
  const OptimResult r = lbfgs(rosenbrock, x0, {}, cb);
  ASSERT_TRUE(r.converged) << r.message;
  ASSERT_GT(pts.size(), 10u);
  const double c1 = 1e-4, c2 = 0.9;
  for (std::size_t k = 0; k + 1 < pts.size(); ++k) {
    const Point &a = pts[k], &b = pts[k + 1];
    double gs0 = 0, gs1 = 0;  // g . s with s = x_{k+1} - x_k = alpha p (the conditions are invariant to alpha)
    for (std::size_t i = 0; i < a.x.size(); ++i) {
      const double s = b.x[i] - a.x[i];
      gs0 += a.g[i] * s;
      gs1 += b.g[i] * s;
    }
    ASSERT_LT(gs0, 0) << "not a descent step at iteration " << k;
    EXPECT_LE(b.f, a.f + c1 * gs0 + 1e-15 * std::abs(a.f)) << "sufficient decrease fails at iteration " << k;
    if (a.f > 1e-20) {  // at rounding level the curvature test is meaningless
      EXPECT_LE(std::abs(gs1), c2 * std::abs(gs0) * (1 + 1e-10)) << "curvature condition fails at iteration " << k;
    }
  }
}

TEST(LBFGS, NaNOutsideARegionIsBacktrackedOver) {
  // f = sqrt(1 + (x0 - 2)^2) + 100 (x1 - 2)^2 for x0 < 2.5, NaN beyond: the minimiser (2, 2) lies inside; the
  // gradient is nearly constant far out, so the first line search's extrapolation from x0 = -10 overshoots into
  // the NaN region and must backtrack
  long nan_calls = 0;
  auto fg = [&](const Vec& x, Vec& g) {
    if (x[0] >= 2.5) {
      ++nan_calls;
      g[0] = g[1] = std::numeric_limits<double>::quiet_NaN();
      return std::numeric_limits<double>::quiet_NaN();
    }
    const double q = std::sqrt(1 + (x[0] - 2) * (x[0] - 2));
    g[0] = (x[0] - 2) / q;
    g[1] = 2 * (x[1] - 2) * 100;
    return q + 100 * (x[1] - 2) * (x[1] - 2);
  };
  const OptimResult r = lbfgs(fg, Vec{-10.0, 2.1});
  EXPECT_TRUE(r.converged) << r.message;
  EXPECT_NEAR(r.x[0], 2.0, 1e-7);
  EXPECT_NEAR(r.x[1], 2.0, 1e-7);
  EXPECT_GT(nan_calls, 0);  // the test did exercise the backtracking
}

TEST(LBFGS, MinimiserBeyondTheNaNBoundaryStopsCleanly) {
  // f = -x0 + x1^2, NaN for x0 > 1: f keeps decreasing towards the boundary, beyond which nothing is finite
  auto fg = [](const Vec& x, Vec& g) {
    if (x[0] > 1) {
      g[0] = g[1] = std::numeric_limits<double>::quiet_NaN();
      return std::numeric_limits<double>::quiet_NaN();
    }
    g[0] = -1;
    g[1] = 2 * x[1];
    return -x[0] + x[1] * x[1];
  };
  const auto t0 = std::chrono::steady_clock::now();
  const OptimResult r = lbfgs(fg, Vec{0.0, 0.5});
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_FALSE(r.message.empty());
  EXPECT_TRUE(std::isfinite(r.f));
  EXPECT_LE(r.x[0], 1.0);
  EXPECT_GT(r.x[0], 0.99);
  EXPECT_LE(r.evaluations, 1000L * 2 * 40 + 1);
}

TEST(LBFGS, NonFiniteEverywhereButTheStartStops) {
  const Vec x0 = {0.3, 0.4};
  auto fg = [&](const Vec& x, Vec& g) {
    g[0] = 1;
    g[1] = -1;
    return x == x0 ? 1.0 : std::numeric_limits<double>::infinity();
  };
  const OptimResult r = lbfgs(fg, x0);
  EXPECT_FALSE(r.converged);
  EXPECT_NE(r.message.find("non-finite"), std::string::npos) << r.message;
  EXPECT_EQ(r.x, x0);
  EXPECT_EQ(r.f, 1.0);
  EXPECT_LE(r.evaluations, 41);
}

TEST(LBFGS, NaNAtTheStartAndCallbackStop) {
  auto bad = [](const Vec&, Vec& g) {
    g.assign(g.size(), 0.0);
    return std::numeric_limits<double>::quiet_NaN();
  };
  const OptimResult r = lbfgs(bad, Vec{1.0});
  EXPECT_FALSE(r.converged);
  EXPECT_NE(r.message.find("starting point"), std::string::npos) << r.message;
  const OptimResult s = lbfgs(rosenbrock, Vec{-1.2, 1.0}, {}, [](long it, const Vec&, double) { return it < 3; });
  EXPECT_FALSE(s.converged);
  EXPECT_EQ(s.iterations, 3);
  EXPECT_NE(s.message.find("callback"), std::string::npos);
  const OptimResult t = lbfgs(rosenbrock, Vec{-1.2, 1.0}, LBFGSOptions{.maxiters = 5});
  EXPECT_FALSE(t.converged);
  EXPECT_EQ(t.iterations, 5);
  EXPECT_NE(t.message.find("maximum"), std::string::npos);
}

TEST(Train, ProgressLineFormat) {
  std::ostringstream os;
  TrainOptions o;
  o.maxiters = 25;
  o.print_every = 10;
  o.out = &os;
  o.schedule = StepDecay{20, 0.5};
  Adam opt;
  opt.lr = 0.1;
  const TrainResult r = train(rosenbrock, Vec{-1.2, 1.0}, opt, o);
  EXPECT_TRUE(r.finished) << r.message;
  EXPECT_EQ(r.iterations, 25);
  EXPECT_EQ(r.history.size(), 26u);
  std::istringstream is(os.str());
  std::string s;
  std::vector<std::string> lines;
  while (std::getline(is, s)) lines.push_back(s);
  ASSERT_EQ(lines.size(), 4u) << os.str();  // iterations 0, 10, 20 and the last, 25
  for (const auto& l : lines) EXPECT_TRUE(is_progress_line(l, true)) << l;
  EXPECT_EQ(lines[0].rfind("iter    0  loss 2.420000e+01  lr 1.0e-01  time 0.", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("iter   10  loss ", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("lr 1.0e-01"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("lr 5.0e-02"), std::string::npos) << lines[2];  // the schedule halved it at 20
  char expect[64];
  std::snprintf(expect, sizeof expect, "iter   25  loss %.6e", r.loss);
  EXPECT_EQ(lines[3].rfind(expect, 0), 0u) << lines[3];
  std::ostringstream quiet;
  o.print_every = 0;
  o.out = &quiet;
  train(rosenbrock, Vec{-1.2, 1.0}, opt, o);
  EXPECT_TRUE(quiet.str().empty());
}

TEST(Train, SaveAndResumeReproduceAnUninterruptedRun) {
  const std::string pa = temp_path("a.txt"), pb = temp_path("b.txt");
  remove_checkpoint(pa);
  remove_checkpoint(pb);
  Adam opt;
  opt.lr = 0.05;
  TrainOptions o;
  o.print_every = 0;
  o.schedule = CosineAnnealing{60, 1e-3, 5};
  o.save_every = 20;
  // uninterrupted: 60 iterations
  o.maxiters = 60;
  o.save_path = pa;
  const TrainResult a = train(rosenbrock, rosenbrock_start(4), opt, o);
  ASSERT_TRUE(a.finished);
  // interrupted at 30, then resumed to 60
  o.save_path = pb;
  o.maxiters = 30;
  const TrainResult b1 = train(rosenbrock, rosenbrock_start(4), opt, o);
  EXPECT_EQ(b1.iterations, 30);
  {  // the file: a header with the iteration count, then one value per line, exactly
    std::ifstream f(pb);
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "# sciml checkpoint iteration 30 n 4");
    Vec v;
    double d;
    while (f >> d) v.push_back(d);
    EXPECT_EQ(v, b1.theta);
  }
  o.maxiters = 60;
  o.resume = true;
  Vec first_theta;
  auto spy = [&](const Vec& x, Vec& g) {
    if (first_theta.empty()) first_theta = x;
    return rosenbrock(x, g);
  };
  const TrainResult b2 = train(spy, rosenbrock_start(4), opt, o);
  EXPECT_EQ(first_theta, b1.theta);  // continued from the saved parameters
  EXPECT_EQ(b2.iterations, 60);      // and the saved iteration count
  EXPECT_EQ(b2.history.size(), 31u);
  EXPECT_EQ(b2.theta, a.theta);  // Adam's moments came back from <path>.adam: bit-for-bit the same run
  EXPECT_EQ(b2.loss, a.loss);
  // without the moments file the moments restart: same start and count, a (slightly) different path
  o.maxiters = 30;
  o.resume = false;
  train(rosenbrock, rosenbrock_start(4), opt, o);
  std::filesystem::remove(pb + ".adam");
  o.maxiters = 60;
  o.resume = true;
  first_theta.clear();
  const TrainResult b3 = train(spy, rosenbrock_start(4), opt, o);
  EXPECT_EQ(first_theta, b1.theta);
  EXPECT_EQ(b3.iterations, 60);
  EXPECT_NE(b3.theta, a.theta);
  EXPECT_LT(b3.loss, b1.loss);
  // a missing file with resume: a fresh start
  remove_checkpoint(pb);
  first_theta.clear();
  const TrainResult b4 = train(spy, rosenbrock_start(4), opt, o);
  EXPECT_EQ(first_theta, rosenbrock_start(4));
  EXPECT_EQ(b4.theta, a.theta);
  remove_checkpoint(pa);
  remove_checkpoint(pb);
}

TEST(Train, ResumeWithWrongLengthNamesTheFile) {
  const std::string p = temp_path("wrong.txt");
  remove_checkpoint(p);
  TrainOptions o;
  o.print_every = 0;
  o.maxiters = 3;
  o.save_path = p;
  train(rosenbrock, rosenbrock_start(4), Adam{}, o);
  o.resume = true;
  try {
    train(rosenbrock, rosenbrock_start(6), Adam{}, o);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
  {
    std::ofstream f(p);
    f << "hello\n1\n2\n";
  }
  EXPECT_THROW(train(rosenbrock, rosenbrock_start(4), Adam{}, o), std::invalid_argument);
  remove_checkpoint(p);
}

TEST(Train, NaNLossStopsWithTheLastFiniteParameters) {
  // f = -3 x for x < 10, NaN beyond: Adam walks out of the region in about 15 steps
  auto fg = [](const Vec& x, Vec& g) {
    if (x[0] >= 10) return std::numeric_limits<double>::quiet_NaN();
    g[0] = -3;
    return -3 * x[0];
  };
  std::ostringstream os;
  TrainOptions o;
  o.maxiters = 1000;
  o.out = &os;
  o.print_every = 1;
  Adam opt;
  opt.lr = 1.0;
  const TrainResult r = train(fg, Vec{-5.0}, opt, o);
  EXPECT_FALSE(r.finished);
  EXPECT_NE(r.message.find("loss became NaN at iteration"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("lower the learning rate"), std::string::npos) << r.message;
  ASSERT_EQ(r.theta.size(), 1u);
  EXPECT_LT(r.theta[0], 10.0);
  EXPECT_TRUE(std::isfinite(r.loss));
  EXPECT_EQ(r.loss, -3 * r.theta[0]);
  EXPECT_GT(r.theta[0], 8.0);
  EXPECT_EQ(r.history.size(), std::size_t(r.iterations + 1));
  EXPECT_NE(os.str().find("NaN"), std::string::npos);
  // a non-finite gradient with a finite loss also stops
  auto fg2 = [](const Vec& x, Vec& g) {
    g[0] = x[0] > 2 ? std::numeric_limits<double>::infinity() : -1.0;
    return -x[0];
  };
  o.out = nullptr;
  const TrainResult r2 = train(fg2, Vec{0.0}, opt, o);
  EXPECT_FALSE(r2.finished);
  EXPECT_NE(r2.message.find("gradient"), std::string::npos) << r2.message;
  EXPECT_LE(r2.theta[0], 2.0);
  // NaN at the very start
  auto fg3 = [](const Vec&, Vec&) { return std::numeric_limits<double>::quiet_NaN(); };
  const TrainResult r3 = train(fg3, Vec{1.0}, opt, o);
  EXPECT_FALSE(r3.finished);
  EXPECT_EQ(r3.iterations, 0);
  EXPECT_NE(r3.message.find("starting"), std::string::npos) << r3.message;
}

TEST(Train, LossTargetStopsEarly) {
  TrainOptions o;
  o.print_every = 0;
  o.maxiters = 100000;
  o.loss_target = 1e-3;
  Adam opt;
  opt.lr = 0.05;
  const TrainResult r = train(rosenbrock, Vec{-1.2, 1.0}, opt, o);
  EXPECT_TRUE(r.finished);
  EXPECT_LE(r.loss, 1e-3);
  EXPECT_LT(r.iterations, 100000);
  EXPECT_GT(r.history[r.history.size() - 2], 1e-3);
  EXPECT_NE(r.message.find("target"), std::string::npos);
}

TEST(Train, LbfgsWithProgressSaveAndResume) {
  const std::string p = temp_path("lbfgs.txt");
  remove_checkpoint(p);
  std::ostringstream os;
  TrainOptions o;
  o.out = &os;
  o.print_every = 5;
  o.save_path = p;
  o.maxiters = 10;
  const TrainResult a = train_lbfgs(rosenbrock, rosenbrock_start(10), {}, o);
  EXPECT_TRUE(a.finished) << a.message;
  EXPECT_EQ(a.iterations, 10);
  std::istringstream is(os.str());
  std::string s;
  int n = 0;
  while (std::getline(is, s)) {
    EXPECT_TRUE(is_progress_line(s, false)) << s;
    ++n;
  }
  EXPECT_EQ(n, 3);  // 0, 5, 10
  o.resume = true;
  o.maxiters = 1000;
  o.out = nullptr;
  Vec first;
  auto spy = [&](const Vec& x, Vec& g) {
    if (first.empty()) first = x;
    return rosenbrock(x, g);
  };
  const TrainResult b = train_lbfgs(spy, rosenbrock_start(10), {}, o);
  EXPECT_EQ(first, a.theta);
  EXPECT_TRUE(b.finished) << b.message;
  EXPECT_GT(b.iterations, 10);
  for (double v : b.theta) EXPECT_NEAR(v, 1.0, 1e-7);
  EXPECT_EQ(b.history.size(), std::size_t(b.iterations - 10 + 1));
  remove_checkpoint(p);
}

TEST(Train, FitsAnMLPThroughItsVjp) {
  // 1 -> 16 -> 1 tanh network fitted to sin(x) on [-2, 2]: Adam, then L-BFGS
  const sciml::nn::MLP net({1, 16, 1}, {sciml::nn::Activation::Tanh, sciml::nn::Activation::Identity});
  std::vector<double> xs;
  for (int i = 0; i < 41; ++i) xs.push_back(-2 + 0.1 * i);
  std::vector<double> work(net.work_size());
  auto loss = [&](const Vec& th, Vec& g) {
    double L = 0;
    for (double x : xs) {
      double y;
      net.forward(&x, th.data(), &y, work.data());
      const double r = y - std::sin(x), ybar = 2 * r / double(xs.size());
      L += r * r / double(xs.size());
      net.vjp(&x, th.data(), &ybar, nullptr, g.data(), work.data());
    }
    return L;
  };
  TrainOptions o;
  o.print_every = 0;
  o.maxiters = 500;
  Adam opt;
  opt.lr = 0.02;
  const TrainResult r = train(loss, net.init_glorot(7), opt, o);
  EXPECT_TRUE(r.finished);
  EXPECT_LT(r.loss, r.history.front() / 20);
  o.maxiters = 300;
  const TrainResult r2 = train_lbfgs(loss, r.theta, {}, o);
  EXPECT_LT(r2.loss, 1e-6) << r2.message;
}

TEST(Train, CallbackSeesEveryIterateAndCanStop) {
  // Adam: the callback sees iterations 0, 1, ..., and training ends at the iterate it stops on
  std::vector<long> seen;
  sciml::optim::TrainOptions o;
  o.maxiters = 50;
  o.out = nullptr;
  o.callback = [&](long k, const Vec&, double) {
    seen.push_back(k);
    return k == 20;
  };
  auto r = sciml::optim::train(rosenbrock, rosenbrock_start(2), sciml::optim::Adam{}, o);
  ASSERT_EQ(seen.size(), 21u);
  EXPECT_EQ(seen.back(), 20);
  EXPECT_TRUE(r.finished);
  EXPECT_TRUE(r.stopped_by_callback);
  EXPECT_EQ(r.iterations, 20);
  // L-BFGS: once per accepted step from the start; stopping keeps that iterate, and the run up to it equals
  // one without a callback
  std::vector<double> losses;
  o.callback = [&](long, const Vec&, double f) {
    losses.push_back(f);
    return f < 1e-2;
  };
  o.maxiters = 200;
  auto rl = sciml::optim::train_lbfgs(rosenbrock, rosenbrock_start(2), {}, o);
  ASSERT_TRUE(rl.stopped_by_callback);
  EXPECT_LT(losses.back(), 1e-2);
  EXPECT_EQ(rl.loss, losses.back());
  EXPECT_EQ(rl.iterations + 1, long(losses.size()));
  o.callback = nullptr;
  o.maxiters = rl.iterations;
  auto plain = sciml::optim::train_lbfgs(rosenbrock, rosenbrock_start(2), {}, o);
  EXPECT_EQ(plain.theta, rl.theta);
  EXPECT_FALSE(plain.stopped_by_callback);
}
