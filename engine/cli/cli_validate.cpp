// `plancast validate`: load a scenario, every variant included, and compile it without
// simulating; report every problem with its place.
#include <algorithm>
#include <set>

#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kValidateUsage =
    "usage: plancast validate SCENARIO [options]\n"
    "\n"
    "Checks the whole scenario file, every variant included, without simulating, and\n"
    "lists every problem as FILE:LINE:COL: error: MESSAGE. Exit 0 when it is valid, 2 if not.\n";

}  // namespace

int cli_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("variant", po::value<std::string>()->value_name("NAME"),
     "check this variant only at compile stage (loading checks every variant anyway)")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable");
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

  LoadOptions opts;
  if (vm.count("variant")) opts.variant = vm["variant"].as<std::string>();
  if (vm.count("set")) opts.sets = vm["set"].as<std::vector<std::string>>();

  const Registry& registry = builtin_registry();
  // Loading checks the base and every variant; compiling finds the few problems that only
  // show once names are resolved, so compile the selection and, without --variant, every
  // variant too. Problems are collected over all of them and reported once each.
  const Scenario scenario = load_scenario_file(path, opts, registry);
  std::vector<Diagnostic> diags;
  std::set<std::string> seen;
  auto check = [&](const Scenario& sc) {
    try {
      compile(sc, registry);
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) {
        if (seen.insert(d.str()).second) diags.push_back(d);
      }
    }
  };
  check(scenario);
  if (opts.variant.empty()) {
    for (const std::string& v : scenario.variant_names) {
      LoadOptions vo = opts;
      vo.variant = v;
      check(load_scenario_file(path, vo, registry));
    }
  }
  if (!diags.empty()) throw ScenarioError(std::move(diags));

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
