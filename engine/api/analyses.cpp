// The library API (plancast.h): compare, sensitivity, solve, discover and audit, each
// loading through load() with its overrides, and their writers.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/api/execution.h"
#include "engine/api/plancast.h"
#include "engine/config/names.h"
#include "engine/io/audit_out.h"
#include "engine/io/compare_out.h"
#include "engine/io/discover_out.h"
#include "engine/io/report.h"
#include "engine/io/sensitivity_out.h"
#include "engine/io/solve_out.h"

namespace plancast::api {

// ---- compare ------------------------------------------------------------------------------

CompareOutput compare(const ScenarioSource& source, const LoadOptions& options,
                      const CompareRequest& request, const Execution& execution) {
  const Registry& registry = builtin_registry();
  CompareOutput out;
  out.entries.push_back({"base", load(source, options)});
  const Scenario& base = out.entries.front().scenario;
  const std::vector<std::string> names = request.variants.value_or(base.variant_names);
  for (const std::string& n : names) {
    if (std::find(base.variant_names.begin(), base.variant_names.end(), n) ==
        base.variant_names.end()) {
      std::string known;
      for (const auto& v : base.variant_names) known += (known.empty() ? "" : ", ") + v;
      std::string msg = "--variants: unknown variant '";
      msg += n;
      msg += "' (";
      msg += known.empty() ? std::string("the scenario defines none") : "variants: " + known;
      msg += ")";
      throw UsageError(msg);
    }
    if (n == "base") throw UsageError("--variants: 'base' is always compared; name variants");
  }
  // Every variant is loaded with the base's runs, seed and sampler, so that run r draws the
  // same numbers (and each scenario_sha256 is of what ran).
  const SimulationSpec sim = base.simulation;
  for (const std::string& n : names) {
    LoadOptions o = options;
    o.variant = n;
    o.runs = sim.runs;
    o.seed = sim.seed;
    o.sampler = sampler_from_name(sim.sampler);
    o.check_other_variants = false;  // the base's load checked every variant
    out.entries.push_back({n, load(source, o)});
  }
  const Scenario& first = out.entries.front().scenario;
  // PLANCAST_COMPARE_TOGETHER=0: the scenarios simulated one after another (the tests'
  // reference; the same bytes). Together, each one's thread states are held at once: where
  // that would pass --max-memory, one after another too.
  const char* together_env = std::getenv("PLANCAST_COMPARE_TOGETHER");
  CompareTogether together = together_env != nullptr && std::strcmp(together_env, "0") == 0
                                 ? CompareTogether::no
                                 : CompareTogether::yes;
  check_budget(execution, "compare", [&](std::uint64_t budget) {
    const std::shared_ptr<const CompiledScenario> cs = compile(first);
    if (together == CompareTogether::yes) {
      MemoryEstimate all = estimate_compare_memory(*cs, first.simulation.runs, execution.threads,
                                                   budget, execution.cancel, out.entries.size());
      if (all.bytes <= budget) return all;
      together = CompareTogether::no;
    }
    return estimate_compare_memory(*cs, first.simulation.runs, execution.threads, budget,
                                   execution.cancel);
  });
  // PLANCAST_COMPARE_REUSE=0: every variant simulated whole (the tests' reference; the same
  // bytes, docs/architecture.md "What compare reuses").
  const char* reuse = std::getenv("PLANCAST_COMPARE_REUSE");
  out.comparison = ::plancast::compare(
      out.entries, registry, run_options(execution),
      reuse != nullptr && std::strcmp(reuse, "0") == 0 ? CompareReuse::off : CompareReuse::on,
      together);
  throw_if_cancelled(execution);
  return out;
}

std::string to_json(const CompareOutput& c) {
  return compare_json(c.comparison);
}
std::string to_text(const CompareOutput& c) {
  return compare_text(c.comparison, &c.entries.front().scenario);
}
std::string to_report(const CompareOutput& c) {
  return compare_report_html(c.entries.front().scenario, c.comparison);
}

// ---- sensitivity --------------------------------------------------------------------------

SensitivityOutcome sensitivity(const ScenarioSource& source, const LoadOptions& options,
                               const SensitivityRequest& request, const Execution& execution) {
  const Registry& registry = builtin_registry();
  // Loaded with the design's runs per simulation and the seed: the scenario that runs.
  LoadOptions o = options;
  o.runs = sensitivity_design_runs(request.method, request.runs);
  Scenario scenario = load(source, o);
  SensitivityOutput output = resolve_output(scenario, request.of);
  SensitivityOptions so;
  so.runs = request.runs;
  so.seed = options.seed;
  so.threads = execution.threads;
  so.cancel = execution.cancel;
  so.progress = execution.progress;
  check_budget(execution, "sensitivity", [&](std::uint64_t budget) {
    const Model compiled = compile(scenario);
    switch (request.method) {
      case SensitivityMethod::sobol:
        return estimate_sobol_memory(*compiled, so.runs ? so.runs : kSobolDefaultRuns, so.threads,
                                     budget, so.cancel);
      case SensitivityMethod::shapley:
        return estimate_shapley_memory(*compiled, so.runs ? so.runs : kShapleyDefaultPermutations,
                                       so.threads, budget, so.cancel);
      case SensitivityMethod::tornado:
        break;
    }
    return estimate_run_memory(*compiled, so.threads, so.runs ? so.runs : kTornadoDefaultRuns,
                               budget, so.cancel);
  });
  SensitivityOutcome out{std::move(scenario), std::move(output), SobolResult{}};
  switch (request.method) {
    case SensitivityMethod::sobol:
      out.result = sobol_sensitivity(out.scenario, registry, out.output, so);
      break;
    case SensitivityMethod::shapley:
      out.result = shapley_sensitivity(out.scenario, registry, out.output, so);
      break;
    case SensitivityMethod::tornado:
      out.result = tornado_sensitivity(out.scenario, registry, out.output, so);
      break;
  }
  throw_if_cancelled(execution);
  return out;
}

std::string to_json(const SensitivityOutcome& s) {
  return std::visit(
      [&](const auto& r) -> std::string {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, SobolResult>) return sobol_json(r, s.scenario);
        if constexpr (std::is_same_v<R, ShapleyResult>) return shapley_json(r, s.scenario);
        if constexpr (std::is_same_v<R, TornadoResult>) return tornado_json(r, s.scenario);
      },
      s.result);
}

std::string to_text(const SensitivityOutcome& s) {
  return std::visit(
      [&](const auto& r) -> std::string {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, SobolResult>) return sobol_text(r, s.output, s.scenario);
        if constexpr (std::is_same_v<R, ShapleyResult>) {
          return shapley_text(r, s.output, s.scenario);
        }
        if constexpr (std::is_same_v<R, TornadoResult>) {
          return tornado_text(r, s.output, s.scenario);
        }
      },
      s.result);
}

std::string to_report(const SensitivityOutcome& s) {
  const std::string of = describe_output(s.output, s.scenario);
  return std::visit(
      [&](const auto& r) -> std::string {
        using R = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<R, SobolResult>) return sobol_report_html(s.scenario, r, of);
        if constexpr (std::is_same_v<R, ShapleyResult>) {
          return shapley_report_html(s.scenario, r, of);
        }
        if constexpr (std::is_same_v<R, TornadoResult>) {
          return tornado_report_html(s.scenario, r, of);
        }
      },
      s.result);
}

// ---- solve --------------------------------------------------------------------------------

SolveOutcome solve(const ScenarioSource& source, const LoadOptions& options, SolveOptions request,
                   const Execution& execution,
                   const std::function<void(const SolveEvaluation&)>& on_evaluation) {
  const Registry& registry = builtin_registry();
  // The scenario as given: the target must exist, and PATH's value is where the search starts.
  SolveOutcome out{load(source, options), {}};
  const Scenario& given = out.scenario;
  check_budget(execution, "solve", [&](std::uint64_t budget) {
    return estimate_run_memory(*compile(given), execution.threads, 0, budget, execution.cancel);
  });
  bool has_target = false;
  std::string targets;
  for (const TargetSpec& t : given.targets) {
    has_target = has_target || t.id == request.target;
    targets += (targets.empty() ? "" : ", ") + t.id;
  }
  if (!has_target) {
    std::string msg = "--target: no target '";
    msg += request.target;
    msg += "' in the scenario (targets: ";
    msg += targets.empty() ? std::string("none") : targets;
    msg += ")";
    throw UsageError(msg);
  }
  if (!request.current) request.current = value_at_path(given, request.path);
  if (!request.current && !request.lo) {
    // A mistyped path is named as one (issue 19: it used to advise --lo and --hi).
    std::vector<std::string> paths;
    for (const auto& [p, v] : given.numbers) paths.push_back(p);
    const std::string near = nearest(request.path, paths);
    std::string msg = "--vary: ";
    msg += request.path;
    msg += near.empty() ? " is not a number in the scenario; give --lo and --hi to search a range"
                        : " is not a number in the scenario (did you mean '" + near + "'?)";
    throw UsageError(msg);
  }
  // Each evaluation: the scenario loaded with PATH=v after the other overrides (the same
  // runs, seed and sampler: common random numbers).
  auto at = [&](double v) {
    LoadOptions o = options;
    o.sets.push_back(request.path + "=" + exact_number_text(v));
    o.check_other_variants = false;  // the first load checked every variant
    return load(source, o);
  };
  RunOptions ro = run_options(execution);
  ro.progress = nullptr;
  try {
    out.result = ::plancast::solve(at, request, registry, ro, on_evaluation);
  } catch (const RunError&) {
    throw_if_cancelled(execution);
    throw;
  }
  throw_if_cancelled(execution);
  return out;
}

std::string to_json(const SolveOutcome& s) {
  return solve_json(s.scenario, s.result);
}
std::string to_text(const SolveOutcome& s) {
  return solve_text(s.scenario, s.result);
}
std::string to_report(const SolveOutcome& s) {
  return solve_report_html(s.scenario, s.result);
}

// ---- discover -----------------------------------------------------------------------------

DiscoverOutcome discover(const ScenarioSource& source, LoadOptions options,
                         const std::string& target, const DiscoverOptions& request,
                         const Execution& execution) {
  if (!options.runs) options.runs = kDiscoverDefaultRuns;
  DiscoverOutcome out{load(source, options), request, {}};
  // Only the target's indicators, up to its year (an unknown target: the whole scenario,
  // for discover's own message naming the targets).
  const auto& ts = out.scenario.targets;
  const bool known =
      std::any_of(ts.begin(), ts.end(), [&](const TargetSpec& t) { return t.id == target; });
  const Model compiled = known ? compile(out.scenario, Needs{{target}, {}}) : compile(out.scenario);
  check_budget(execution, "discover", [&](std::uint64_t budget) {
    return estimate_discover_memory(*compiled, *options.runs, execution.threads, budget,
                                    execution.cancel);
  });
  out.result = ::plancast::discover(*compiled, target, request, run_options(execution));
  throw_if_cancelled(execution);
  return out;
}

std::string to_json(const DiscoverOutcome& d) {
  return discover_json(d.result);
}
std::string to_text(const DiscoverOutcome& d) {
  return discover_text(d.result, d.options, &d.scenario);
}
std::string to_report(const DiscoverOutcome& d) {
  return discover_report_html(d.scenario, d.result, d.options);
}

// ---- audit --------------------------------------------------------------------------------

AuditOutcome audit(const ScenarioSource& source, const LoadOptions& options) {
  AuditOutcome out{load(source, options), {}};
  out.report = audit_scenario(out.scenario);
  return out;
}

std::string to_json(const AuditOutcome& a) {
  return audit_json(a.scenario, a.report);
}
std::string to_text(const AuditOutcome& a) {
  return audit_text(a.scenario, a.report);
}
std::string to_report(const AuditOutcome& a) {
  return audit_report_html(a.scenario, a.report);
}

}  // namespace plancast::api
