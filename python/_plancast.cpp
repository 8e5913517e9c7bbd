// plancast._plancast: the pybind11 binding of the library API (engine/api/plancast.h), kept
// thin: each command is one api:: call with the GIL released; results are opaque objects
// with the API's writers (to_json, to_text, to_report, to_csv); the pandas layer
// (python/plancast/*.py) reads their JSON. Errors: ScenarioError (a ValueError) with
// .diagnostics, UsageError -> ValueError, RunError -> plancast.RunError (a RuntimeError),
// Interrupted -> KeyboardInterrupt. docs/python.md.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/analysis/memory.h"
#include "engine/api/plancast.h"

namespace py = pybind11;
using namespace plancast;

namespace {

// The exception types (created in PYBIND11_MODULE, alive as long as the module).
PyObject* g_scenario_error = nullptr;
PyObject* g_run_error = nullptr;

/// How a command runs, from the keyword arguments: threads, the memory budget (None: the
/// CLI's default, half the physical memory) and an optional progress(done, total) callable.
struct ExecArgs {
  int threads = 0;
  std::optional<std::uint64_t> max_memory;
  py::object progress = py::none();
};

/// Runs `body(execution)` on a worker thread with the GIL released; the calling thread
/// waits, every 50 ms taking the GIL briefly to run Python's signal handlers
/// (PyErr_CheckSignals: Ctrl-C raises KeyboardInterrupt there) and to call `progress`.
/// A Python exception there sets the API's cancel flag (the run stops within a block of
/// runs), the worker is joined, and that exception is raised; otherwise the worker's
/// result is returned, or its exception rethrown (translated below).
template <class F>
auto watched(const ExecArgs& args, F&& body) {
  using R = decltype(body(std::declval<const api::Execution&>()));
  std::atomic<bool> cancel{false};
  std::atomic<std::uint64_t> done{0}, total{0};
  api::Execution exec;
  exec.threads = args.threads;
  exec.cancel = &cancel;
  exec.max_memory = args.max_memory ? *args.max_memory : default_memory_budget();
  exec.progress = [&](std::uint64_t d, std::uint64_t t) {
    done = d;
    total = t;
  };
  std::optional<R> result;
  std::exception_ptr failure;
  std::optional<py::error_already_set> python_error;
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  {
    py::gil_scoped_release nogil;
    std::thread worker([&] {
      try {
        result.emplace(body(exec));
      } catch (...) {
        failure = std::current_exception();
      }
      const std::lock_guard<std::mutex> lock(m);
      finished = true;
      cv.notify_all();
    });
    std::uint64_t shown = ~std::uint64_t{0};
    for (;;) {
      std::unique_lock<std::mutex> lock(m);
      if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; })) break;
      lock.unlock();
      if (python_error) continue;  // cancelled: wait for the worker
      const py::gil_scoped_acquire gil;
      try {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (!args.progress.is_none() && done.load() != shown) {
          shown = done.load();
          args.progress(shown, total.load());
        }
      } catch (py::error_already_set& e) {
        python_error.emplace(std::move(e));
        cancel = true;
      }
    }
    worker.join();
  }
  if (python_error) throw *python_error;
  if (failure) std::rethrow_exception(failure);
  if (!args.progress.is_none() && total.load() > 0) args.progress(total.load(), total.load());
  return std::move(*result);
}

/// A Diagnostic (engine/core/error.h) for Python: the location's parts and a severity.
struct PyDiagnostic {
  std::string file;
  int line = 0, column = 0;
  std::string severity, message;
  /// "FILE:LINE:COL: error: MESSAGE", as the CLI prints it.
  std::string str() const {
    const Diagnostic d{{file, line, column}, message};
    return severity == "error" ? d.str() : d.warning_str();
  }
};

void raise_scenario_error(const ScenarioError& e) {
  py::list diags;
  for (const Diagnostic& d : e.diagnostics()) {
    diags.append(py::cast(PyDiagnostic{d.loc.file, d.loc.line, d.loc.col, "error", d.message}));
  }
  py::object exc = py::reinterpret_borrow<py::object>(g_scenario_error)(e.what());
  exc.attr("diagnostics") = diags;
  PyErr_SetObject(g_scenario_error, exc.ptr());
}

Sampler sampler_named(const std::string& name) {
  const std::optional<Sampler> s = sampler_from_name(name);
  if (!s) throw py::value_error("sampler: '" + name + "' is not a sampler (mc, lhs or sobol)");
  return *s;
}

/// The keyword arguments every command takes after the source: LoadOptions and ExecArgs.
#define PLANCAST_EXEC_ARGS \
  py::arg("threads") = 0, py::arg("max_memory") = py::none(), py::arg("progress") = py::none()

ExecArgs exec_args(int threads, std::optional<std::uint64_t> max_memory, py::object progress) {
  return ExecArgs{threads, max_memory, std::move(progress)};
}

}  // namespace

PYBIND11_MODULE(_plancast, m) {
  m.doc() = "plancast's library API (engine/api/plancast.h); use the package plancast";
  m.attr("version") = PLANCAST_VERSION;
  m.attr("MAX_RUNS") = kMaxRuns;
  m.attr("MAX_COMPARE_RUNS") = kMaxCompareRuns;
  m.attr("DISCOVER_MAX_RUNS") = kDiscoverMaxRuns;

  g_scenario_error = PyErr_NewException("plancast.ScenarioError", PyExc_ValueError, nullptr);
  m.attr("ScenarioError") = py::handle(g_scenario_error);
  g_run_error = PyErr_NewException("plancast.RunError", PyExc_RuntimeError, nullptr);
  m.attr("RunError") = py::handle(g_run_error);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ScenarioError& e) {
      raise_scenario_error(e);
    } catch (const UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const RunError& e) {
      PyErr_SetString(g_run_error, e.what());
    } catch (const Interrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    }
  });

  py::class_<PyDiagnostic>(m, "Diagnostic")
      .def_readonly("file", &PyDiagnostic::file)
      .def_readonly("line", &PyDiagnostic::line)
      .def_readonly("column", &PyDiagnostic::column)
      .def_readonly("severity", &PyDiagnostic::severity)
      .def_readonly("message", &PyDiagnostic::message)
      .def("to_dict",
           [](const PyDiagnostic& d) {
             py::dict out;
             out["file"] = d.file;
             out["line"] = d.line;
             out["column"] = d.column;
             out["severity"] = d.severity;
             out["message"] = d.message;
             return out;
           })
      .def("__str__", &PyDiagnostic::str)
      .def("__repr__", [](const PyDiagnostic& d) { return "<Diagnostic " + d.str() + ">"; });

  py::class_<api::ScenarioSource>(m, "Source")
      .def_static("file", &api::ScenarioSource::file, py::arg("path"))
      .def_static("yaml", &api::ScenarioSource::yaml, py::arg("text"), py::arg("name") = "<text>")
      .def_static("bundled", &api::ScenarioSource::bundled)
      .def_readonly("path", &api::ScenarioSource::path);
  m.def("bundled_scenario_text", &api::bundled_scenario_text);
  m.def("bundled_scenario_name", &api::bundled_scenario_name);

  py::class_<LoadOptions>(m, "LoadOptions")
      .def(py::init<>())
      .def_readwrite("variant", &LoadOptions::variant)
      .def_readwrite("sets", &LoadOptions::sets)
      .def_readwrite("runs", &LoadOptions::runs)
      .def_readwrite("seed", &LoadOptions::seed)
      .def_property(
          "sampler",
          [](const LoadOptions& o) -> py::object {
            if (!o.sampler) return py::none();
            return py::str(sampler_name(*o.sampler));
          },
          [](LoadOptions& o, const std::optional<std::string>& s) {
            o.sampler = s ? std::optional<Sampler>(sampler_named(*s)) : std::nullopt;
          });

  // ---- results: the API's writers ----
  py::class_<api::ValidateOutput>(m, "ValidateOutput")
      .def("to_json", [](const api::ValidateOutput& v) { return api::to_json(v); })
      .def("to_text", [](const api::ValidateOutput& v) { return api::to_text(v); })
      .def_readonly("warnings", &api::ValidateOutput::warnings);
  py::class_<api::RunOutput>(m, "RunOutput")
      .def("to_json", [](const api::RunOutput& r) { return api::to_json(r); })
      .def("to_csv", [](const api::RunOutput& r) { return api::to_csv(r); })
      .def("to_text", [](const api::RunOutput& r) { return api::to_text(r); })
      .def("to_report", [](const api::RunOutput& r) { return api::to_report(r); })
      .def("to_xlsx", [](const api::RunOutput& r) { return py::bytes(api::to_xlsx(r)); })
      .def_property_readonly("warnings", [](const api::RunOutput& r) {
        std::vector<std::string> w;
        for (const Diagnostic& d : api::warnings(r.scenario)) w.push_back(d.warning_str());
        w.insert(w.end(), r.after_run_warnings.begin(), r.after_run_warnings.end());
        return w;
      });
  py::class_<api::CompareOutput>(m, "CompareOutput")
      .def("to_json", [](const api::CompareOutput& c) { return api::to_json(c); })
      .def("to_text", [](const api::CompareOutput& c) { return api::to_text(c); })
      .def("to_report", [](const api::CompareOutput& c) { return api::to_report(c); })
      .def("to_xlsx", [](const api::CompareOutput& c) { return py::bytes(api::to_xlsx(c)); });
  py::class_<api::SensitivityOutcome>(m, "SensitivityOutput")
      .def("to_json", [](const api::SensitivityOutcome& s) { return api::to_json(s); })
      .def("to_text", [](const api::SensitivityOutcome& s) { return api::to_text(s); })
      .def("to_report", [](const api::SensitivityOutcome& s) { return api::to_report(s); });
  py::class_<api::SolveOutcome>(m, "SolveOutput")
      .def("to_json", [](const api::SolveOutcome& s) { return api::to_json(s); })
      .def("to_text", [](const api::SolveOutcome& s) { return api::to_text(s); });
  py::class_<api::DiscoverOutcome>(m, "DiscoverOutput")
      .def("to_json", [](const api::DiscoverOutcome& d) { return api::to_json(d); })
      .def("to_text", [](const api::DiscoverOutcome& d) { return api::to_text(d); });
  py::class_<FitResult>(m, "FitOutput")
      .def("to_json", [](const FitResult& f) { return api::to_json(f); })
      .def("to_text", [](const FitResult& f) { return api::to_text(f); });
  py::class_<api::AuditOutcome>(m, "AuditOutput")
      .def("to_json", [](const api::AuditOutcome& a) { return api::to_json(a); })
      .def("to_text", [](const api::AuditOutcome& a) { return api::to_text(a); })
      .def_property_readonly("inconsistent",
                             [](const api::AuditOutcome& a) { return a.report.inconsistent(); });

  // ---- the commands ----
  m.def(
      "validate",
      [](const api::ScenarioSource& source, const LoadOptions& load) {
        return watched({}, [&](const api::Execution&) { return api::validate(source, load); });
      },
      py::arg("source"), py::arg("load"));
  m.def(
      "audit",
      [](const api::ScenarioSource& source, const LoadOptions& load) {
        return watched({}, [&](const api::Execution&) { return api::audit(source, load); });
      },
      py::arg("source"), py::arg("load"));
  m.def(
      "run",
      [](const api::ScenarioSource& source, const LoadOptions& load,
         std::optional<double> precision, int threads, std::optional<std::uint64_t> max_memory,
         py::object progress) {
        api::RunRequest request;
        request.precision = precision;
        return watched(exec_args(threads, max_memory, std::move(progress)),
                       [&](const api::Execution& e) { return api::run(source, load, request, e); });
      },
      py::arg("source"), py::arg("load"), py::arg("precision") = py::none(), PLANCAST_EXEC_ARGS);
  // run with every run's row (docs/python.md, "Every run"): into memory (bytes returned,
  // refused above max_bytes) or, with a path, into that file as the CLI's --samples.
  m.def(
      "run_samples",
      [](const api::ScenarioSource& source, const LoadOptions& load, const std::string& years,
         const std::optional<std::string>& path, std::uint64_t max_bytes, int threads,
         std::optional<std::uint64_t> max_memory, py::object progress) {
        api::SamplesRequest request;
        request.years = years;
        request.max_bytes = max_bytes;
        auto [out, text] = watched(
            exec_args(threads, max_memory, std::move(progress)), [&](const api::Execution& e) {
              const api::Model model = api::compile(api::load(source, load));
              std::string text;
              if (path)
                return std::make_pair(api::run_samples_to_file(model, e, request, *path), text);
              api::RunOutput r = api::run_samples(
                  model, e, request, [&text](std::string_view bytes) { text.append(bytes); });
              return std::make_pair(std::move(r), std::move(text));
            });
        return py::make_tuple(std::move(out), py::bytes(text));
      },
      py::arg("source"), py::arg("load"), py::arg("years"), py::arg("path"), py::arg("max_bytes"),
      PLANCAST_EXEC_ARGS);
  m.def(
      "merge",
      [](const std::vector<std::string>& shards, const std::optional<std::string>& key) {
        return watched({}, [&](const api::Execution&) { return api::merge(shards, key); });
      },
      py::arg("shards"), py::arg("key") = py::none());
  m.def(
      "compare",
      [](const api::ScenarioSource& source, const LoadOptions& load,
         std::optional<std::vector<std::string>> variants, int threads,
         std::optional<std::uint64_t> max_memory, py::object progress) {
        api::CompareRequest request;
        request.variants = std::move(variants);
        return watched(
            exec_args(threads, max_memory, std::move(progress)),
            [&](const api::Execution& e) { return api::compare(source, load, request, e); });
      },
      py::arg("source"), py::arg("load"), py::arg("variants") = py::none(), PLANCAST_EXEC_ARGS);
  m.def(
      "sensitivity",
      [](const api::ScenarioSource& source, const LoadOptions& load, const std::string& of,
         const std::string& method, std::uint64_t runs, int threads,
         std::optional<std::uint64_t> max_memory, py::object progress) {
        api::SensitivityRequest request;
        request.of = of;
        try {
          request.method = sensitivity_method_named(method);
        } catch (const std::invalid_argument& e) {
          throw py::value_error(std::string("method: ") + e.what());
        }
        request.runs = runs;
        return watched(
            exec_args(threads, max_memory, std::move(progress)),
            [&](const api::Execution& e) { return api::sensitivity(source, load, request, e); });
      },
      py::arg("source"), py::arg("load"), py::arg("of"), py::arg("method") = "sobol",
      py::arg("runs") = 0, PLANCAST_EXEC_ARGS);
  m.def(
      "solve",
      [](const api::ScenarioSource& source, const LoadOptions& load, const std::string& target,
         const std::string& vary, double probability, std::optional<double> lo,
         std::optional<double> hi, int threads, std::optional<std::uint64_t> max_memory,
         py::object progress) {
        SolveOptions so;
        so.target = target;
        so.path = vary;
        so.probability = probability;
        so.lo = lo;
        so.hi = hi;
        return watched(exec_args(threads, max_memory, std::move(progress)),
                       [&](const api::Execution& e) { return api::solve(source, load, so, e); });
      },
      py::arg("source"), py::arg("load"), py::arg("target"), py::arg("vary"),
      py::arg("probability"), py::arg("lo") = py::none(), py::arg("hi") = py::none(),
      PLANCAST_EXEC_ARGS);
  m.def(
      "discover",
      [](const api::ScenarioSource& source, const LoadOptions& load, const std::string& target,
         bool find_missed, double alpha, double min_mass, int threads,
         std::optional<std::uint64_t> max_memory, py::object progress) {
        DiscoverOptions request;
        request.find_missed = find_missed;
        request.alpha = alpha;
        request.min_mass = min_mass;
        return watched(exec_args(threads, max_memory, std::move(progress)),
                       [&](const api::Execution& e) {
                         return api::discover(source, load, target, request, e);
                       });
      },
      py::arg("source"), py::arg("load"), py::arg("target"), py::arg("find_missed") = true,
      py::arg("alpha") = DiscoverOptions{}.alpha, py::arg("min_mass") = DiscoverOptions{}.min_mass,
      PLANCAST_EXEC_ARGS);
  m.def(
      "fit",
      [](const std::string& path, bool csv, const std::string& series, const std::string& form,
         double cap) {
        FitInput input;
        input.path = path;
        input.csv = csv;
        input.series = series;
        if (form == "simple") {
          input.form = FitForm::simple;
        } else if (form == "log") {
          input.form = FitForm::log;
        } else if (form == "logistic") {
          input.form = FitForm::logistic;
        } else {
          throw py::value_error("form: '" + form +
                                "' is not a form (expected simple, log or logistic)");
        }
        input.cap = cap;
        return watched({}, [&](const api::Execution&) { return api::fit(input); });
      },
      py::arg("path"), py::arg("csv"), py::arg("series"), py::arg("form") = "simple",
      py::arg("cap") = 0.0);
}
