// `plancast validate`: load a scenario, every variant included, and compile it without
// simulating; report every problem with its place.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/analysis/plausibility.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kValidateUsage =
    "usage: plancast validate SCENARIO [options]\n"
    "\n"
    "Checks the whole scenario file, every variant included, without simulating, and\n"
    "lists every problem as FILE:LINE:COL: error: MESSAGE. Exit 0 when it is valid, 2 if not.\n"
    "Targets no run can meet and implausible inputs (a growth rate above 100% a year, a %\n"
    "base outside [0, 100]) are printed as FILE:LINE:COL: warning: MESSAGE; they do not\n"
    "change the exit code.\n";

}  // namespace

int cli_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("variant", po::value<std::string>()->value_name("NAME"),
     "check with this variant selected (every variant is checked in any case)")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("json", po::value<std::string>()->value_name("F"),
     "on success, write a JSON summary ('-': stdout): scenario, sha256, indicators, "
     "targets, variants");
  // clang-format on
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kValidateUsage << "\n" << desc << std::flush;
    return 0;
  }
  if (!vm.count("scenario")) throw UsageError("validate needs a SCENARIO file");
  const std::string path = vm["scenario"].as<std::string>();

  const std::string json_path = vm.count("json") ? vm["json"].as<std::string>() : "";
  if (vm.count("json") && json_path.empty()) throw UsageError("--json: empty file name");
  cli::check_outputs(vm, {{"--json", json_path}});  // not the SCENARIO itself, however spelled

  LoadOptions opts;
  if (vm.count("variant")) opts.variant = vm["variant"].as<std::string>();
  if (vm.count("set")) opts.sets = vm["set"].as<std::vector<std::string>>();

  const Registry& registry = builtin_registry();
  // Loading checks the base and every variant; compiling finds the few problems that only
  // show once names are resolved, so compile the selection and, without --variant, every
  // variant too. Problems are collected over all of them and reported once each.
  // The loader hands over each variant as it checks it (one load, not one per variant).
  std::vector<Diagnostic> found, variant_found;
  // Warnings of the selection, then those only a variant has (marked with its name).
  std::vector<std::string> warnings;
  std::set<std::string> warned;
  auto check = [&](const Scenario& sc, std::vector<Diagnostic>& into) {
    try {
      compile(sc, registry);
    } catch (const ScenarioError& e) {
      into.insert(into.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  };
  std::vector<std::pair<std::string, std::vector<std::string>>> per_variant;
  const Scenario scenario = load_scenario_file(path, opts, registry, [&](const Scenario& sc) {
    check(sc, variant_found);
    per_variant.push_back({sc.variant, scenario_warnings(sc)});
  });
  check(scenario, found);
  per_variant.insert(per_variant.begin(), {"", scenario_warnings(scenario)});
  for (const auto& [name, ws] : per_variant) {
    for (const std::string& w : ws) {
      if (warned.insert(w).second)
        warnings.push_back(name.empty() ? w : w + " (variant " + name + ")");
    }
  }
  found.insert(found.end(), variant_found.begin(), variant_found.end());
  std::vector<Diagnostic> diags;
  std::set<std::string> seen;
  for (const auto& d : found) {
    if (seen.insert(d.str()).second) diags.push_back(d);
  }
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  for (const std::string& w : warnings) err << w << "\n";
  err << std::flush;

  if (!json_path.empty()) {
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
    const std::string text =
        j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    if (json_path == "-") {
      out << text << std::flush;
      if (!out) throw RunError("cannot write standard output");
      return 0;
    }
    write_output(json_path, text);
  }
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  out << "ok: " << scenario.name << " (" << plural(scenario.indicators.size(), "indicator") << ", "
      << plural(scenario.targets.size(), "target") << ", "
      << plural(scenario.variant_names.size(), "variant") << ")\n"
      << std::flush;
  return 0;
}

}  // namespace plancast
