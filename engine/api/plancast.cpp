// The library API (plancast.h): the one load, validate and run, and their writers.
#include "engine/api/plancast.h"

#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/analysis/memory.h"
#include "engine/analysis/plausibility.h"
#include "engine/api/bundled.h"
#include "engine/api/execution.h"
#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/report.h"
#include "engine/io/run_out.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace plancast::api {

ScenarioSource ScenarioSource::file(std::string path) {
  ScenarioSource s;
  s.kind = Kind::file;
  s.path = std::move(path);
  return s;
}

ScenarioSource ScenarioSource::yaml(std::string text, std::string name) {
  ScenarioSource s;
  s.kind = Kind::text;
  s.path = std::move(name);
  s.text = std::move(text);
  return s;
}

ScenarioSource ScenarioSource::bundled() {
  return ScenarioSource{};
}

ScenarioSource ScenarioSource::file_or_bundled(const std::optional<std::string>& path) {
  return path ? file(*path) : bundled();
}

std::string bundled_scenario_text() {
  return std::string(::plancast::bundled_scenario_text());
}

std::string bundled_scenario_name() {
  return kBundledName;
}

const Registry& builtin_registry() {
  return ::plancast::builtin_registry();
}

namespace {

Scenario load_with(const ScenarioSource& source, const LoadOptions& options, const VariantFn& each,
                   const Registry& registry = builtin_registry()) {
  switch (source.kind) {
    case ScenarioSource::Kind::file:
      return load_scenario_file(source.path, options, registry, each);
    case ScenarioSource::Kind::text:
      return load_scenario_text(source.text, source.path, options, registry, each);
    case ScenarioSource::Kind::bundled:
      break;
  }
  return load_scenario_text(bundled_scenario_text(), kBundledName, options, registry, each);
}

}  // namespace

Scenario load(const ScenarioSource& source, const LoadOptions& options) {
  return load_with(source, options, {});
}

Scenario load(const ScenarioSource& source, const LoadOptions& options, const Registry& registry) {
  return load_with(source, options, {}, registry);
}

// ---- validate -----------------------------------------------------------------------------

ValidateOutput validate(const ScenarioSource& source, const LoadOptions& options) {
  const Registry& registry = builtin_registry();
  // Loading checks the base and every variant; compiling finds the few problems that only
  // show once names are resolved, so compile the selection and, without a variant, every
  // variant too (the loader hands over each variant as it checks it: one load). Problems
  // are collected over all of them and reported once each.
  std::vector<Diagnostic> found, variant_found;
  auto check = [&](const Scenario& sc, std::vector<Diagnostic>& into) {
    try {
      ::plancast::compile(sc, registry);
    } catch (const ScenarioError& e) {
      into.insert(into.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  };
  std::vector<std::pair<std::string, std::vector<std::string>>> per_variant;
  ValidateOutput v{load_with(source, options,
                             [&](const Scenario& sc) {
                               check(sc, variant_found);
                               per_variant.push_back({sc.variant, scenario_warnings(sc)});
                             }),
                   {}};
  check(v.scenario, found);
  // Warnings of the selection, then those only a variant has (marked with its name).
  per_variant.insert(per_variant.begin(), {"", scenario_warnings(v.scenario)});
  std::set<std::string> warned;
  for (const auto& [name, ws] : per_variant) {
    for (const std::string& w : ws) {
      if (warned.insert(w).second)
        v.warnings.push_back(name.empty() ? w : w + " (variant " + name + ")");
    }
  }
  found.insert(found.end(), variant_found.begin(), variant_found.end());
  std::vector<Diagnostic> diags;
  std::set<std::string> seen;
  for (const auto& d : found) {
    if (seen.insert(d.str()).second) diags.push_back(d);
  }
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  return v;
}

std::string to_json(const ValidateOutput& v) {
  const Scenario& scenario = v.scenario;
  nlohmann::ordered_json j;
  j["ok"] = true;
  j["scenario"] = scenario.name;
  j["title"] = scenario.title;
  j["variant"] = scenario.variant.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(scenario.variant);
  j["scenario_sha256"] = scenario.sha256;
  j["indicators"] = nlohmann::ordered_json::array();
  for (const auto& ind : scenario.indicators) j["indicators"].push_back(ind.name);
  j["targets"] = nlohmann::ordered_json::array();
  for (const auto& t : scenario.targets) j["targets"].push_back(t.id);
  j["variants"] = scenario.variant_names;
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string to_text(const ValidateOutput& v) {
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  return "ok: " + v.scenario.name + " (" + plural(v.scenario.indicators.size(), "indicator") +
         ", " + plural(v.scenario.targets.size(), "target") + ", " +
         plural(v.scenario.variant_names.size(), "variant") + ")\n";
}

// ---- run ----------------------------------------------------------------------------------

RunOptions run_options(const Execution& e) {
  RunOptions ro;
  ro.threads = e.threads;
  ro.cancel = e.cancel;
  ro.progress = e.progress;
  return ro;
}

void throw_if_cancelled(const Execution& e) {
  if (e.cancel != nullptr && e.cancel->load()) throw Interrupted();
}

void check_budget(const Execution& e, const char* command,
                  const std::function<MemoryEstimate(std::uint64_t budget)>& estimate) {
  if (!e.max_memory) return;
  check_memory(command, estimate(*e.max_memory), *e.max_memory);
  throw_if_cancelled(e);  // during the estimate's pilot
}

std::vector<Diagnostic> warnings(const Scenario& scenario) {
  std::vector<Diagnostic> out;
  for (const AuditFinding& f : scenario_warning_findings(scenario)) {
    out.push_back({f.loc, warning_message(f)});
  }
  return out;
}

void after_run(RunOutput& out, const Execution& execution) {
  throw_if_cancelled(execution);
  for (const AuditFinding& f : plausibility_after_run(out.scenario, out.results)) {
    out.after_run_warnings.push_back(warning_line(f));  // a % series outside [0, 100]
  }
}

Model compile(const Scenario& scenario) {
  return api::compile(scenario, builtin_registry());
}

Model compile(const Scenario& scenario, const Registry& registry) {
  return ::plancast::compile(scenario, registry);
}

Model compile(const Scenario& scenario, const Needs& needs) {
  return ::plancast::compile(scenario, builtin_registry(), needs);
}

RunOutput run(const Model& model, const Execution& execution) {
  check_budget(execution, "run", [&](std::uint64_t budget) {
    return estimate_run_memory(*model, execution.threads, 0, budget, execution.cancel);
  });
  RunOutput out{scenario_of(*model), ::plancast::run(*model, run_options(execution)), {}, {}, 0};
  after_run(out, execution);
  return out;
}

RunOutput run(const Scenario& scenario, const Execution& execution) {
  return run(compile(scenario), execution);
}

RunOutput run(const ScenarioSource& source, const LoadOptions& options, const RunRequest& request,
              const Execution& execution) {
  const Scenario scenario = load(source, options);
  if (!request.precision) return run(scenario, execution);
  const Registry& registry = builtin_registry();
  const auto compiled = ::plancast::compile(scenario, registry);
  check_budget(execution, "run", [&](std::uint64_t budget) {
    return estimate_run_memory(*compiled, execution.threads, 0, budget, execution.cancel,
                               /*one_pass=*/false);  // rounds
  });
  // Each round is the scenario loaded with runs = N, so the last round's results
  // (scenario_sha256 included) are exactly those of that plain run.
  PrecisionOptions po;
  po.half_width = *request.precision;
  po.cap = scenario.simulation.runs;
  const RunOptions ro = run_options(execution);
  // Under mc each round simulates only the runs the earlier ones did not (NestedRounds).
  NestedRounds rounds;
  auto run_n = [&](std::uint64_t n) {
    LoadOptions round = options;
    round.runs = n;
    round.check_other_variants = false;  // the first load checked every variant
    Results r = rounds.run(*::plancast::compile(load(source, round), registry), ro);
    throw_if_cancelled(execution);
    return r;
  };
  RunOutput out{scenario, {}, {}, run_to_precision(run_n, po), *request.precision};
  out.results = out.precision->results;
  after_run(out, execution);
  return out;
}

std::string to_json(const RunOutput& r) {
  return r.precision ? to_json_text(r.results, *r.precision, r.precision_asked)
                     : to_json_text(r.results);
}

std::string to_csv(const RunOutput& r) {
  return to_csv_text(r.results);
}

std::string to_text(const RunOutput& r) {
  std::string text = to_text_summary(r.results);
  if (r.precision) text += precision_text(*r.precision, r.precision_asked);
  return text;
}

std::string to_report(const RunOutput& r) {
  return to_report(r, false);
}

std::string to_report(const RunOutput& r, bool discover) {
  // The report describes the scenario the results came from (with precision, the last
  // round's differs only in simulation.runs, which the results carry).
  if (r.scenario.parameters.empty() || r.scenario.targets.empty()) {
    return run_report_html(r.scenario, r.results);
  }
  Scenario sc = r.scenario;  // with --precision the results' runs, not the cap
  sc.simulation.runs = r.results.runs;
  Needs needs;
  for (const TargetSpec& t : sc.targets) needs.targets.push_back(t.id);
  return run_report_html(r.scenario, r.results,
                         rank_drivers(*compile(sc, needs), kDriverRuns, {}, discover));
}

}  // namespace plancast::api
