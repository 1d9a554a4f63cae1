// sciml.train for the Python package: the C++ optimisers (include/sciml/optim: Adam/AdamW with learning-rate
// schedules, L-BFGS) and their training loops train() / train_lbfgs() (progress lines, checkpoints, resume,
// loss target, a clean stop on NaN/Inf), over a Python loss_and_grad called once per evaluation. The GIL is
// held throughout (every evaluation is Python; sciml.gradient inside it releases the GIL for its solves), and
// an exception raised by the loss or a callback propagates to the caller unchanged.
#include <pybind11/functional.h>
#include <pybind11/iostream.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>
#include <sciml/optim/adam.hpp>
#include <sciml/optim/lbfgs.hpp>
#include <sciml/optim/schedule.hpp>
#include <sciml/optim/train.hpp>

namespace py = pybind11;
using namespace sciml::optim;

namespace sciml::python {

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

Array to_array(const std::vector<double>& v) { return Array(py::ssize_t(v.size()), v.data()); }

// Python truth of a callback's answer (None: false); a raising __bool__ propagates.
bool truthy(const py::object& r) {
  const int t = PyObject_IsTrue(r.ptr());
  if (t < 0) throw py::error_already_set();
  return t == 1;
}

std::vector<double> to_vec(const Array& a, const char* name) {
  if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array");
  return std::vector<double>(a.data(), a.data() + a.size());
}

// The user's loss as train() calls it. `fg` is the package's wrapper: theta (a fresh array) -> (loss, grad,
// why) with grad a float array of the right size and `why` a failure message ("" when none), which train()
// adds to its NaN/Inf message through failure_message().
struct PyLoss {
  py::object fg;
  std::size_t n = 0;
  std::shared_ptr<std::string> failure = std::make_shared<std::string>();

  double operator()(const std::vector<double>& theta, std::vector<double>& grad) {
    py::tuple r = fg(to_array(theta));
    const double loss = r[0].cast<double>();
    Array g = r[1].cast<Array>();
    if (std::size_t(g.size()) != n)
      throw py::value_error("loss_and_grad returned a gradient of " + std::to_string(g.size()) + " values for " +
                            std::to_string(n) + " parameters");
    std::copy(g.data(), g.data() + n, grad.begin());
    const std::string why = r[2].cast<std::string>();
    if (!why.empty()) *failure = why;
    return loss;
  }
  std::string failure_message() const { return *failure; }
};

// `callback(iteration, theta, loss)` as TrainOptions::callback: something true asks to stop.
void set_callback(TrainOptions& o, py::object callback) {
  if (callback.is_none()) return;
  o.callback = [callback](long k, const std::vector<double>& theta, double loss) {
    return truthy(callback(k, to_array(theta), loss));
  };
}

py::dict result_dict(const TrainResult& r) {
  py::dict d;
  d["theta"] = to_array(r.theta);
  d["loss"] = r.loss;
  d["iterations"] = r.iterations;
  d["finished"] = r.finished;
  d["message"] = r.message;
  d["history"] = to_array(r.history);
  d["stopped"] = r.stopped_by_callback;
  return d;
}

// Progress lines go to a Python file object (sys.stdout by default), so notebooks and redirections see them.
struct Output {
  std::unique_ptr<py::detail::pythonbuf> buf;
  std::unique_ptr<std::ostream> os;
  Output(long print_every, py::object out) {
    if (print_every <= 0) return;
    if (out.is_none()) out = py::module_::import("sys").attr("stdout");
    buf = std::make_unique<py::detail::pythonbuf>(out);
    os = std::make_unique<std::ostream>(buf.get());
  }
  ~Output() {
    if (os) os->flush();
  }
};

TrainOptions make_options(long maxiters, long print_every, std::ostream* out, const std::string& save_path,
                          long save_every, bool resume, double loss_target) {
  if (maxiters < 0) throw py::value_error("maxiters: must be non-negative, got " + std::to_string(maxiters));
  if (save_every < 0) throw py::value_error("save_every: must be non-negative");
  TrainOptions o;
  o.maxiters = maxiters;
  o.print_every = print_every;
  o.out = out;
  o.save_path = save_path;
  o.save_every = save_every;
  o.resume = resume;
  o.loss_target = loss_target;
  return o;
}

Schedule make_schedule(py::object s) {
  if (s.is_none()) return {};
  if (py::isinstance<ExponentialDecay>(s)) return s.cast<ExponentialDecay>();
  if (py::isinstance<StepDecay>(s)) return s.cast<StepDecay>();
  if (py::isinstance<CosineAnnealing>(s)) return s.cast<CosineAnnealing>();
  if (py::isinstance<ConstantLR>(s)) return s.cast<ConstantLR>();
  if (!PyCallable_Check(s.ptr()))
    throw py::type_error("schedule: expected sciml.ExponentialDecay, StepDecay, CosineAnnealing or a callable "
                         "schedule(iteration, base_lr) -> lr");
  auto holder = std::make_shared<py::object>(s);
  return [holder](long k, double base) { return (*holder)(k, base).cast<double>(); };
}

}  // namespace

void register_optim(py::module_& m) {
  py::class_<Adam>(m, "Adam", "Adam (Kingma & Ba 2015) with PyTorch's update rule; weight_decay adds an L2 term "
                              "to the gradient (decoupled=True: AdamW's decoupled decay)")
      .def(py::init([](double lr, double beta1, double beta2, double eps, double weight_decay, bool decoupled) {
             if (!(lr > 0) || !std::isfinite(lr)) throw py::value_error("lr: must be a positive number");
             if (!(beta1 >= 0 && beta1 < 1)) throw py::value_error("beta1: must lie in [0, 1)");
             if (!(beta2 >= 0 && beta2 < 1)) throw py::value_error("beta2: must lie in [0, 1)");
             if (!(eps > 0)) throw py::value_error("eps: must be positive");
             if (!(weight_decay >= 0)) throw py::value_error("weight_decay: must be non-negative");
             Adam a;
             a.lr = lr;
             a.beta1 = beta1;
             a.beta2 = beta2;
             a.eps = eps;
             a.weight_decay = weight_decay;
             a.decoupled = decoupled;
             return a;
           }),
           py::arg("lr") = 1e-3, py::arg("beta1") = 0.9, py::arg("beta2") = 0.999, py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 0.0, py::arg("decoupled") = false)
      .def_readwrite("lr", &Adam::lr)
      .def_readwrite("beta1", &Adam::beta1)
      .def_readwrite("beta2", &Adam::beta2)
      .def_readwrite("eps", &Adam::eps)
      .def_readwrite("weight_decay", &Adam::weight_decay)
      .def_readwrite("decoupled", &Adam::decoupled)
      .def_readonly("t", &Adam::t, "steps taken by step()")
      .def_property_readonly("m", [](const Adam& a) { return to_array(a.m); })
      .def_property_readonly("v", [](const Adam& a) { return to_array(a.v); })
      .def("step", [](Adam& a, py::array_t<double, py::array::c_style> x, const Array& grad) {
        if (x.ndim() != 1 || grad.ndim() != 1 || x.size() != grad.size())
          throw py::value_error("step: x and grad must be 1-D float64 arrays of the same length");
        if (!x.writeable()) throw py::value_error("step: x must be writeable (it is updated in place)");
        a.step(x.mutable_data(), grad.data(), std::size_t(x.size()));
      }, py::arg("x"), py::arg("grad"), "one update of x (a float64 array, in place) from its gradient")
      .def("reset", &Adam::reset, "forget the moments and the step count")
      .def("__repr__", [](const Adam& a) {
        std::string s = std::string(a.decoupled ? "sciml.AdamW(" : "sciml.Adam(") + "lr=" +
                        py::repr(py::float_(a.lr)).cast<std::string>();
        if (a.weight_decay != 0) s += ", weight_decay=" + py::repr(py::float_(a.weight_decay)).cast<std::string>();
        return s + ")";
      });

  py::class_<AdamW, Adam>(m, "AdamW", "Adam with decoupled weight decay (Loshchilov & Hutter 2019)")
      .def(py::init([](double lr, double weight_decay, double beta1, double beta2, double eps) {
             if (!(lr > 0) || !std::isfinite(lr)) throw py::value_error("lr: must be a positive number");
             if (!(weight_decay >= 0)) throw py::value_error("weight_decay: must be non-negative");
             AdamW a(lr, weight_decay);
             a.beta1 = beta1;
             a.beta2 = beta2;
             a.eps = eps;
             return a;
           }),
           py::arg("lr") = 1e-3, py::arg("weight_decay") = 1e-2, py::arg("beta1") = 0.9, py::arg("beta2") = 0.999,
           py::arg("eps") = 1e-8);

  py::class_<LBFGSOptions>(m, "LBFGS", "L-BFGS with a strong-Wolfe line search (maxiters comes from train())")
      .def(py::init([](int history, double gtol, double ftol, int max_linesearch) {
             if (history < 1) throw py::value_error("history: must be at least 1");
             if (max_linesearch < 2) throw py::value_error("max_linesearch: must be at least 2");
             LBFGSOptions o;
             o.history = history;
             o.gtol = gtol;
             o.ftol = ftol;
             o.max_linesearch = max_linesearch;
             return o;
           }),
           py::arg("history") = 10, py::arg("gtol") = 1e-8, py::arg("ftol") = 1e-12, py::arg("max_linesearch") = 40)
      .def_readwrite("history", &LBFGSOptions::history)
      .def_readwrite("gtol", &LBFGSOptions::gtol)
      .def_readwrite("ftol", &LBFGSOptions::ftol)
      .def_readwrite("max_linesearch", &LBFGSOptions::max_linesearch)
      .def("__repr__", [](const LBFGSOptions& o) {
        return "sciml.LBFGS(history=" + std::to_string(o.history) + ", gtol=" + optim::detail::fmt_e(o.gtol) +
               ", ftol=" + optim::detail::fmt_e(o.ftol) + ")";
      });

  py::class_<ConstantLR>(m, "ConstantLR", "lr = base_lr")
      .def(py::init<>())
      .def("__call__", &ConstantLR::operator(), py::arg("iteration"), py::arg("base_lr"));
  py::class_<ExponentialDecay>(m, "ExponentialDecay", "lr = base_lr * gamma^(iteration / every)")
      .def(py::init([](double gamma, long every) { return ExponentialDecay{gamma, every}; }), py::arg("gamma") = 0.999,
           py::arg("every") = 1)
      .def_readwrite("gamma", &ExponentialDecay::gamma)
      .def_readwrite("every", &ExponentialDecay::every)
      .def("__call__", &ExponentialDecay::operator(), py::arg("iteration"), py::arg("base_lr"));
  py::class_<StepDecay>(m, "StepDecay", "lr = base_lr * gamma^floor(iteration / step_size) (PyTorch's StepLR)")
      .def(py::init([](long step_size, double gamma) { return StepDecay{step_size, gamma}; }),
           py::arg("step_size") = 100, py::arg("gamma") = 0.1)
      .def_readwrite("step_size", &StepDecay::step_size)
      .def_readwrite("gamma", &StepDecay::gamma)
      .def("__call__", &StepDecay::operator(), py::arg("iteration"), py::arg("base_lr"));
  py::class_<CosineAnnealing>(m, "CosineAnnealing",
                              "linear warm-up over `warmup` iterations, then half a cosine from base_lr to eta_min "
                              "at t_max (PyTorch's CosineAnnealingLR without restarts)")
      .def(py::init([](long t_max, double eta_min, long warmup) { return CosineAnnealing{t_max, eta_min, warmup}; }),
           py::arg("t_max") = 1000, py::arg("eta_min") = 0.0, py::arg("warmup") = 0)
      .def_readwrite("t_max", &CosineAnnealing::t_max)
      .def_readwrite("eta_min", &CosineAnnealing::eta_min)
      .def_readwrite("warmup", &CosineAnnealing::warmup)
      .def("__call__", &CosineAnnealing::operator(), py::arg("iteration"), py::arg("base_lr"));

  m.def("train_adam", [](py::object fg, const Array& theta0, const Adam& adam, py::object schedule, long maxiters,
                         long print_every, py::object out, const std::string& save_path, long save_every, bool resume,
                         double loss_target, py::object callback) {
    auto theta = to_vec(theta0, "theta0");
    Output output(print_every, out);
    TrainOptions o = make_options(maxiters, print_every, output.os.get(), save_path, save_every, resume, loss_target);
    o.schedule = make_schedule(schedule);
    set_callback(o, callback);
    PyLoss loss{fg, theta.size()};
    Adam opt = adam;
    opt.reset();
    return result_dict(train(loss, std::move(theta), opt, o));
  }, py::arg("fg"), py::arg("theta0"), py::arg("adam"), py::arg("schedule"), py::arg("maxiters"),
     py::arg("print_every"), py::arg("out"), py::arg("save_path"), py::arg("save_every"), py::arg("resume"),
     py::arg("loss_target"), py::arg("callback"));

  m.def("train_lbfgs", [](py::object fg, const Array& theta0, const LBFGSOptions& lbfgs_opts, long maxiters,
                          long print_every, py::object out, const std::string& save_path, long save_every, bool resume,
                          double loss_target, py::object callback) {
    auto theta = to_vec(theta0, "theta0");
    Output output(print_every, out);
    TrainOptions o = make_options(maxiters, print_every, output.os.get(), save_path, save_every, resume, loss_target);
    set_callback(o, callback);
    PyLoss loss{fg, theta.size()};
    LBFGSOptions lo = lbfgs_opts;
    lo.maxiters = maxiters;
    return result_dict(train_lbfgs(loss, std::move(theta), lo, o));
  }, py::arg("fg"), py::arg("theta0"), py::arg("lbfgs"), py::arg("maxiters"), py::arg("print_every"), py::arg("out"),
     py::arg("save_path"), py::arg("save_every"), py::arg("resume"), py::arg("loss_target"), py::arg("callback"));
}

}  // namespace sciml::python
