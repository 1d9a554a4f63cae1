// SINDy for the Python package (include/sciml/sindy): candidate libraries (polynomial, trigonometric, Python
// functions; concatenated with +), the STLSQ and SR3 regressions, fit, threshold_sweep (AICc/BIC model selection
// with the combinatorial search), the identified SparseModel, and derivatives of sampled data. The regressions
// run with the GIL released; a Python candidate takes it back for each evaluation.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <cmath>
#include <memory>
#include <string>
#include <vector>
#include <sciml/sindy/derivatives.hpp>
#include <sciml/sindy/fit.hpp>
#include <sciml/sindy/library.hpp>
#include <sciml/sindy/model.hpp>
#include <sciml/sindy/sr3.hpp>
#include <sciml/sindy/stlsq.hpp>
#include <sciml/sindy/sweep.hpp>

namespace py = pybind11;
using namespace sciml::sindy;

namespace sciml::python {

namespace {

using Matrix = Eigen::MatrixXd;

void check_xy(const Matrix& X, const Matrix& Y) {
  if (X.rows() != Y.rows())
    throw py::value_error("X has " + std::to_string(X.rows()) + " samples (rows), the targets " +
                          std::to_string(Y.rows()));
  if (!X.allFinite()) throw py::value_error("X contains NaN or infinity");
  if (!Y.allFinite()) throw py::value_error("the targets contain NaN or infinity");
}

template <class Opt>
py::dict sweep(const Library& lib, const Matrix& X, const Matrix& Y, const Opt& opt, const SweepOptions& so,
               std::vector<std::string> names) {
  check_xy(X, Y);
  SweepResult r;
  {
    py::gil_scoped_release release;
    r = threshold_sweep(lib, X, Y, opt, so, std::move(names));
  }
  py::list path;
  for (const auto& p : r.path) {
    py::dict d;
    d["threshold"] = p.threshold;
    d["support"] = p.support;
    d["nnz"] = p.nnz;
    d["rss"] = p.rss;
    d["aicc"] = p.aicc;
    d["bic"] = p.bic;
    d["nnz_per_output"] = p.nnz_per_output;
    d["rss_per_output"] = p.rss_per_output;
    d["aicc_per_output"] = p.aicc_per_output;
    d["bic_per_output"] = p.bic_per_output;
    path.append(d);
  }
  py::dict out;
  out["best"] = std::move(r.best);
  out["best_index"] = r.best_index;
  out["path"] = path;
  return out;
}

template <class Opt>
SparseModel fit_with(const Library& lib, const Matrix& X, const Matrix& Y, const Opt& opt,
                     std::vector<std::string> names) {
  check_xy(X, Y);
  py::gil_scoped_release release;
  return fit(lib, X, Y, opt, std::move(names));
}

}  // namespace

void register_sindy(py::module_& m) {
  auto s = m.def_submodule("_sindy", "SINDy (include/sciml/sindy); the package's sciml.sindy wraps it");

  py::class_<Library>(s, "Library", "named SINDy candidate functions of the state")
      .def_static("polynomial", &Library::polynomial, py::arg("nvars"), py::arg("degree"),
                  py::arg("include_constant") = true)
      .def_static("trigonometric", &Library::trigonometric, py::arg("nvars"), py::arg("harmonics"))
      .def_static("custom", [](std::string name, py::object f, std::size_t nvars) {
        if (!PyCallable_Check(f.ptr())) throw py::type_error("custom: f must be callable: f(u) -> number");
        if (nvars == 0) throw py::value_error("custom: nvars must be positive");
        // released (and called) with the GIL held, wherever the last copy of the library goes
        std::shared_ptr<py::object> holder(new py::object(f), [](py::object* o) {
          py::gil_scoped_acquire gil;
          delete o;
        });
        return Library::custom(std::move(name), [holder, nvars](const double* u) {
          py::gil_scoped_acquire gil;
          py::array_t<double> ua(py::ssize_t(nvars), u);
          return (*holder)(ua).cast<double>();
        });
      }, py::arg("name"), py::arg("f"), py::arg("nvars"))
      .def("__add__", [](const Library& a, const Library& b) { return a + b; })
      .def("with_variable_names", [](Library lib, std::vector<std::string> names) {
        lib.set_variable_names(std::move(names));
        return lib;
      }, py::arg("names"))
      .def_property_readonly("variable_names", &Library::variable_names)
      .def_property_readonly("nvars", &Library::nvars)
      .def_property_readonly("names", &Library::names)
      .def("__len__", &Library::size)
      .def("evaluate", [](const Library& lib, const Matrix& X) { return lib.evaluate(X); }, py::arg("X"));

  py::class_<STLSQ>(s, "STLSQ", "sequentially thresholded least squares (Brunton, Proctor & Kutz 2016)")
      .def(py::init([](double threshold, double alpha, int max_iter, bool normalize_columns) {
             return STLSQ{threshold, alpha, max_iter, normalize_columns};
           }),
           py::arg("threshold") = 0.1, py::arg("alpha") = 0.0, py::arg("max_iter") = 20,
           py::arg("normalize_columns") = false)
      .def_readwrite("threshold", &STLSQ::threshold)
      .def_readwrite("alpha", &STLSQ::alpha)
      .def_readwrite("max_iter", &STLSQ::max_iter)
      .def_readwrite("normalize_columns", &STLSQ::normalize_columns)
      .def("solve", &STLSQ::solve, py::arg("theta"), py::arg("targets"))
      .def("__repr__", [](const STLSQ& o) {
        return "sciml.sindy.STLSQ(threshold=" + py::repr(py::float_(o.threshold)).cast<std::string>() +
               ", alpha=" + py::repr(py::float_(o.alpha)).cast<std::string>() +
               ", normalize_columns=" + (o.normalize_columns ? "True" : "False") + ")";
      });

  py::class_<SR3>(s, "SR3", "sparse relaxed regularised regression (Zheng et al. 2018)")
      .def(py::init([](double threshold, double nu, const std::string& regularizer, double tol, int max_iter,
                       bool normalize_columns, bool unbias) {
             SR3 o;
             o.threshold = threshold;
             o.nu = nu;
             if (regularizer == "l0" || regularizer == "L0")
               o.regularizer = SR3::Regularizer::L0;
             else if (regularizer == "l1" || regularizer == "L1")
               o.regularizer = SR3::Regularizer::L1;
             else
               throw py::value_error("regularizer: expected 'l0' or 'l1', got '" + regularizer + "'");
             o.tol = tol;
             o.max_iter = max_iter;
             o.normalize_columns = normalize_columns;
             o.unbias = unbias;
             return o;
           }),
           py::arg("threshold") = 0.1, py::arg("nu") = 1.0, py::arg("regularizer") = "l0", py::arg("tol") = 1e-8,
           py::arg("max_iter") = 10000, py::arg("normalize_columns") = false, py::arg("unbias") = true)
      .def_readwrite("threshold", &SR3::threshold)
      .def_readwrite("nu", &SR3::nu)
      .def_property("regularizer", [](const SR3& o) { return o.regularizer == SR3::Regularizer::L0 ? "l0" : "l1"; },
                    [](SR3& o, const std::string& r) {
                      if (r != "l0" && r != "l1") throw py::value_error("regularizer: expected 'l0' or 'l1'");
                      o.regularizer = r == "l0" ? SR3::Regularizer::L0 : SR3::Regularizer::L1;
                    })
      .def_readwrite("tol", &SR3::tol)
      .def_readwrite("max_iter", &SR3::max_iter)
      .def_readwrite("normalize_columns", &SR3::normalize_columns)
      .def_readwrite("unbias", &SR3::unbias)
      .def("solve", &SR3::solve, py::arg("theta"), py::arg("targets"))
      .def("__repr__", [](const SR3& o) {
        return "sciml.sindy.SR3(threshold=" + py::repr(py::float_(o.threshold)).cast<std::string>() +
               ", nu=" + py::repr(py::float_(o.nu)).cast<std::string>() + ", regularizer='" +
               (o.regularizer == SR3::Regularizer::L0 ? "l0" : "l1") + "')";
      });

  py::class_<SparseModel>(s, "SparseModel", "an identified model: targets = Theta(X) * coefficients")
      .def(py::init([](Library lib, Matrix coefficients, std::vector<std::string> names) {
             if (std::size_t(coefficients.rows()) != lib.size())
               throw py::value_error("coefficients: one row per library candidate (" + std::to_string(lib.size()) +
                                     ")");
             return SparseModel{std::move(lib), std::move(coefficients), std::move(names)};
           }),
           py::arg("library"), py::arg("coefficients"), py::arg("output_names") = std::vector<std::string>{})
      .def_readonly("library", &SparseModel::lib)
      .def_readonly("coefficients", &SparseModel::coefficients)
      .def_property_readonly("n_outputs", &SparseModel::n_outputs)
      .def("output_name", &SparseModel::output_name, py::arg("j"))
      .def("nnz", [](const SparseModel& sm) { return sm.nnz(); })
      .def("to_string", &SparseModel::to_string, py::arg("precision") = 4)
      .def("terms", &SparseModel::terms, py::arg("output"))
      .def("predict", &SparseModel::predict, py::arg("X"));

  s.def("fit", [](const Library& lib, const Matrix& X, const Matrix& Y, py::object optimizer,
                  std::vector<std::string> names) {
    if (py::isinstance<STLSQ>(optimizer)) return fit_with(lib, X, Y, optimizer.cast<STLSQ>(), std::move(names));
    if (py::isinstance<SR3>(optimizer)) return fit_with(lib, X, Y, optimizer.cast<SR3>(), std::move(names));
    throw py::type_error("optimizer: expected sciml.sindy.STLSQ or sciml.sindy.SR3");
  }, py::arg("library"), py::arg("X"), py::arg("targets"), py::arg("optimizer"), py::arg("output_names"));

  s.def("threshold_sweep", [](const Library& lib, const Matrix& X, const Matrix& Y, py::object optimizer,
                              std::vector<double> thresholds, std::size_t grid_points, double grid_min_ratio,
                              const std::string& criterion, double rss_floor, double correlation_length,
                              double parsimony, std::size_t max_subset_terms, std::vector<std::string> names) {
    SweepOptions so;
    so.thresholds = std::move(thresholds);
    so.grid_points = grid_points;
    so.grid_min_ratio = grid_min_ratio;
    if (criterion == "aicc" || criterion == "AICc")
      so.criterion = SweepOptions::Criterion::AICc;
    else if (criterion == "bic" || criterion == "BIC")
      so.criterion = SweepOptions::Criterion::BIC;
    else
      throw py::value_error("criterion: expected 'aicc' or 'bic', got '" + criterion + "'");
    so.rss_floor = rss_floor;
    so.correlation_length = correlation_length;
    so.parsimony = parsimony;
    so.max_subset_terms = max_subset_terms;
    if (py::isinstance<STLSQ>(optimizer)) return sweep(lib, X, Y, optimizer.cast<STLSQ>(), so, std::move(names));
    if (py::isinstance<SR3>(optimizer)) return sweep(lib, X, Y, optimizer.cast<SR3>(), so, std::move(names));
    throw py::type_error("optimizer: expected sciml.sindy.STLSQ or sciml.sindy.SR3");
  }, py::arg("library"), py::arg("X"), py::arg("targets"), py::arg("optimizer"), py::arg("thresholds"),
     py::arg("grid_points"), py::arg("grid_min_ratio"), py::arg("criterion"), py::arg("rss_floor"),
     py::arg("correlation_length"), py::arg("parsimony"), py::arg("max_subset_terms"), py::arg("output_names"));

  s.def("finite_difference", [](const Eigen::VectorXd& t, const Matrix& X, int order) {
    return finite_difference(t, X, order);
  }, py::arg("t"), py::arg("X"), py::arg("order") = 2);
  s.def("savitzky_golay", [](const Eigen::VectorXd& t, const Matrix& X, int window, int polyorder, int deriv) {
    return savitzky_golay(t, X, window, polyorder, deriv);
  }, py::arg("t"), py::arg("X"), py::arg("window"), py::arg("polyorder"), py::arg("deriv") = 1);
  s.def("tv_regularized", [](const Eigen::VectorXd& t, const Matrix& X, double alpha, int iterations) {
    return tv_regularized(t, X, alpha, iterations);
  }, py::arg("t"), py::arg("X"), py::arg("alpha"), py::arg("iterations") = 30);
}

}  // namespace sciml::python
