// sciml._core.solve_ensemble: one model solved over arrays of initial values and parameters through the C++
// ensemble API (serial or on threads), packed into arrays for Python; ensemble_summary: sciml::summarize.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <algorithm>
#include <limits>
#include <sciml/ensemble/summary.hpp>
#include "bindings.hpp"

namespace sciml::python {

void bind_ensembles(py::module_& m) {
  m.def("solve_ensemble", [](std::shared_ptr<PyModel> pm, const std::string& alg, const Array& u0s,
                             const Array& params, long long trajectories, double t0, double t1, double reltol,
                             py::object abstol, double dt, bool adaptive, py::object saveat,
                             std::optional<bool> save_everystep, std::optional<bool> save_start,
                             std::optional<bool> save_end, std::vector<double> tstops, double dtmin,
                             std::optional<double> dtmax, long maxiters, const std::string& linsolve,
                             bool allow_native, std::vector<std::shared_ptr<PyCallback>> callbacks,
                             py::object mass_matrix, bool serial, unsigned threads, std::size_t chunk) {
    const Method& method = method_arg(alg);
    const std::size_t n = pm->m->n, np = pm->m->np;
    if (u0s.ndim() != 2 || std::size_t(u0s.shape(1)) != n)
      throw py::value_error("u0s: expected an array of shape (trajectories, " + std::to_string(n) + ")");
    if (params.ndim() != 2 || std::size_t(params.shape(1)) != np)
      throw py::value_error("params: expected an array of shape (trajectories, " + std::to_string(np) + ")");
    if (u0s.shape(0) != params.shape(0))
      throw py::value_error("u0s: " + std::to_string(u0s.shape(0)) + " rows, but params has " +
                            std::to_string(params.shape(0)) + "; give one of each per trajectory");
    const std::size_t rows = std::size_t(u0s.shape(0));
    std::vector<std::vector<double>> uv(rows), pv(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      uv[i].assign(u0s.data() + i * n, u0s.data() + (i + 1) * n);
      pv[i].assign(params.data() + i * np, params.data() + (i + 1) * np);
    }
    SolveOptions o = make_options(reltol, abstol, dt, adaptive, saveat, save_everystep, save_start, save_end, false,
                                  std::move(tstops), dtmin, dtmax, maxiters, linsolve, n);
    std::optional<MassMatrix> mass = mass_matrix_arg(mass_matrix, n);
    RuntimeFunction fn = make_runtime_function(ModelView::snapshot(pm->m, allow_native));
    if (mass && !mass->isDiagonal()) fn.enabled = false;
    std::vector<double> u0 = rows ? uv[0] : std::vector<double>(n, 0.0);
    std::vector<double> p0 = rows ? pv[0] : std::vector<double>(np, 0.0);
    RuntimeProblem prob(std::move(fn), u0, {t0, t1}, p0);
    RuntimeEnsembleBackend backend{serial, threads, chunk};
    RuntimeCallbacks rc = make_callbacks(callbacks, n);
    RuntimeEnsembleSolution es;
    InterruptGuard guard;
    o.interrupt = guard.flag();
    try {
      py::gil_scoped_release release;  // Python code (callbacks, an untraced f) takes the GIL back itself
      es = method.ensemble(prob, mass ? &*mass : nullptr, std::move(uv), std::move(pv), trajectories, o, rc,
                               backend);
    } catch (const std::exception& e) {
      // an exception raised by Python code (f, a callback) in a trajectory reaches the caller as it was raised,
      // with a note naming the trajectory ("trajectory i: ..." from the ensemble solve)
      try {
        std::rethrow_if_nested(e);
      } catch (py::error_already_set& inner) {
        const std::string what = e.what();
        const auto colon = what.find(':');
        py::object value = inner.value();
        if (value && py::hasattr(value, "add_note"))
          value.attr("add_note")("raised in " + what.substr(0, colon) + " of the ensemble");
        throw;
      } catch (...) {
      }
      throw;
    }
    guard.deliver();
    // pack: when every trajectory's times are a prefix of the longest successful one's (saveat, or the same
    // adaptive steps), one (N, len(t), n) array with NaN after the points a failed trajectory did not reach (the
    // point where a failed solve stopped, off those times, is kept apart in "extra"); else lists
    const std::size_t N = es.u.size();
    py::dict out;
    std::size_t ref = N;
    for (std::size_t i = 0; i < N; ++i)
      if (successful_retcode(es.retcodes[i]) && (ref == N || es.u[i].t.size() > es.u[ref].t.size())) ref = i;
    if (ref == N)
      for (std::size_t i = 0; i < N; ++i)
        if (ref == N || es.u[i].t.size() > es.u[ref].t.size()) ref = i;
    auto is_prefix = [&](std::size_t i, std::size_t k) {
      const auto& ti = es.u[i].t;
      const auto& tr = es.u[ref].t;
      return k <= tr.size() && std::equal(ti.begin(), ti.begin() + std::ptrdiff_t(k), tr.begin());
    };
    std::vector<std::size_t> kept(N, 0);
    bool common = N > 0;
    for (std::size_t i = 0; i < N && common; ++i) {
      const std::size_t k = es.u[i].t.size();
      if (is_prefix(i, k)) {
        kept[i] = k;
      } else if (!successful_retcode(es.retcodes[i]) && k > 0 && is_prefix(i, k - 1)) {
        kept[i] = k - 1;
      } else {
        common = false;
      }
    }
    py::array_t<long long> saved(static_cast<py::ssize_t>(N));
    for (std::size_t i = 0; i < N; ++i) saved.mutable_data()[i] = (long long)(common ? kept[i] : es.u[i].t.size());
    py::dict extra;
    if (common) {
      const auto& tr = es.u[ref].t;
      const std::size_t nt = tr.size();
      out["t"] = Array(py::ssize_t(nt), tr.data());
      Array u({py::ssize_t(N), py::ssize_t(nt), py::ssize_t(n)});
      double* w = u.mutable_data();
      std::fill(w, w + N * nt * n, std::numeric_limits<double>::quiet_NaN());
      for (std::size_t i = 0; i < N; ++i) {
        const auto& x = es.u[i];
        std::copy(x.u.begin(), x.u.begin() + std::ptrdiff_t(kept[i] * n), w + i * nt * n);
        if (kept[i] < x.t.size())
          extra[py::int_(i)] = py::make_tuple(x.t.back(), Array(py::ssize_t(n), x.u.data() + kept[i] * n));
      }
      out["u"] = u;
    } else {
      py::list ts, us;
      for (std::size_t i = 0; i < N; ++i) {
        const auto& x = es.u[i];
        ts.append(Array(py::ssize_t(x.t.size()), x.t.data()));
        Array ui({py::ssize_t(x.t.size()), py::ssize_t(n)});
        std::copy(x.u.begin(), x.u.end(), ui.mutable_data());
        us.append(ui);
      }
      out["t"] = ts;
      out["u"] = us;
    }
    out["extra"] = extra;
    out["saved"] = saved;
    py::list retcodes;
    for (auto r : es.retcodes) retcodes.append(retcode_name(r));
    out["retcodes"] = retcodes;
    out["messages"] = es.messages;
    py::dict stats;
    auto counter = [&](const char* name, auto get) {
      py::array_t<long long> a(static_cast<py::ssize_t>(N));
      for (std::size_t i = 0; i < N; ++i) a.mutable_data()[i] = (long long)get(es.stats[i]);
      stats[name] = a;
    };
    counter("nf", [](const Stats& s) { return s.nf; });
    counter("njac", [](const Stats& s) { return s.njac; });
    counter("nsolve", [](const Stats& s) { return s.nsolve; });
    counter("naccept", [](const Stats& s) { return s.naccept; });
    counter("nreject", [](const Stats& s) { return s.nreject; });
    counter("nsteps", [](const Stats& s) { return s.nsteps; });
    out["stats"] = stats;
    out["failures"] = es.failures;
    out["elapsed"] = es.elapsed;
    return out;
  }, py::arg("model"), py::arg("alg"), py::arg("u0s"), py::arg("params"), py::arg("trajectories"), py::arg("t0"),
     py::arg("t1"), py::arg("reltol"), py::arg("abstol"), py::arg("dt"), py::arg("adaptive"), py::arg("saveat"),
     py::arg("save_everystep"), py::arg("save_start"), py::arg("save_end"), py::arg("tstops"), py::arg("dtmin"),
     py::arg("dtmax"), py::arg("maxiters"), py::arg("linsolve"), py::arg("allow_native"), py::arg("callbacks"),
     py::arg("mass_matrix"), py::arg("serial"), py::arg("threads"), py::arg("chunk"),
     "trajectory i solves the model from u0s[i] with params[i] (sciml::ensemble_from_arrays), for i < trajectories, "
     "on EnsembleSerial or EnsembleThreads{threads, chunk}");

  // sciml::summarize over saved points: per trajectory its times and states (failed ones left out)
  m.def("ensemble_summary", [](std::vector<Array> ts, std::vector<Array> us, std::vector<bool> success,
                               std::vector<double> levels) {
    struct Row {
      std::vector<double> t;
      std::vector<std::vector<double>> u;
    };
    if (ts.size() != us.size() || ts.size() != success.size())
      throw py::value_error("ensemble_summary: one t, u and success flag per trajectory");
    EnsembleSolution<Row> es;
    es.u.resize(ts.size());
    es.retcodes.resize(ts.size());
    for (std::size_t i = 0; i < ts.size(); ++i) {
      es.retcodes[i] = success[i] ? ReturnCode::Success : ReturnCode::Failure;
      if (!success[i]) continue;
      const Array& u = us[i];
      if (u.ndim() != 2 || u.shape(0) != ts[i].size())
        throw py::value_error("ensemble_summary: trajectory " + std::to_string(i) + ": u needs one row per time");
      es.u[i].t.assign(ts[i].data(), ts[i].data() + ts[i].size());
      const std::size_t n = std::size_t(u.shape(1));
      for (py::ssize_t r = 0; r < u.shape(0); ++r) es.u[i].u.emplace_back(u.data() + r * n, u.data() + (r + 1) * n);
    }
    EnsembleSummary s = summarize(es, std::move(levels));
    const std::size_t nt = s.mean.size(), n = nt ? s.mean[0].size() : 0;
    auto matrix = [&](const std::vector<std::vector<double>>& x) {
      Array a({py::ssize_t(nt), py::ssize_t(n)});
      for (std::size_t i = 0; i < nt; ++i) std::copy(x[i].begin(), x[i].end(), a.mutable_data() + i * n);
      return a;
    };
    py::dict d;
    d["t"] = Array(py::ssize_t(s.t.size()), s.t.data());
    d["levels"] = Array(py::ssize_t(s.levels.size()), s.levels.data());
    d["trajectories"] = s.trajectories;
    d["failures"] = s.failures;
    d["mean"] = matrix(s.mean);
    d["variance"] = matrix(s.variance);
    Array q({py::ssize_t(s.levels.size()), py::ssize_t(nt), py::ssize_t(n)});
    for (std::size_t j = 0; j < s.levels.size(); ++j)
      for (std::size_t i = 0; i < nt; ++i)
        std::copy(s.quantiles[j][i].begin(), s.quantiles[j][i].end(), q.mutable_data() + (j * nt + i) * n);
    d["quantiles"] = q;
    return d;
  }, py::arg("t"), py::arg("u"), py::arg("success"), py::arg("levels"),
     "sciml::summarize: mean, variance and quantiles over the successful trajectories per saved time");
}

}  // namespace sciml::python
