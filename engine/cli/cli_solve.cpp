// `plancast solve`: the value of one scenario input at which a target reaches a given
// probability (bisection with common random numbers), with its Monte Carlo interval.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/analysis/memory.h"
#include "engine/analysis/solve.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/text.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kSolveUsage =
    "usage: plancast solve SCENARIO --target ID --vary PATH --probability P [options]\n"
    "\n"
    "Finds the value of the scenario input PATH (any number --set can change, e.g.\n"
    "parameters.core_trend.mean) at which target ID is met with probability P. Every\n"
    "evaluation runs the scenario with --set PATH=v and the same seed and runs, so the\n"
    "probability changes smoothly with v and bisection converges. Without --lo/--hi the\n"
    "range grows from the current value in steps of 10% of it (doubling, 12 at most each\n"
    "side). Reports the value and its 95% Monte Carlo interval. Exit 1 when P is not\n"
    "reached in the searched range.\n";

/// A finite number for option `flag`; UsageError otherwise.
double parse_number(const std::string& flag, const std::string& text) {
  double v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  if (!text.empty() && *first == '+') ++first;
  const auto res = std::from_chars(first, last, v);
  if (text.empty() || res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) {
    std::string msg = flag;
    msg += ": '";
    msg += text;
    msg += "' is not a number";
    throw UsageError(msg);
  }
  return v;
}

}  // namespace

int cli_solve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("target", po::value<std::string>()->value_name("ID"), "the target whose probability is set")
    ("vary", po::value<std::string>()->value_name("PATH"),
     "the input to vary, a dotted path as --set takes (e.g. parameters.trend.mean)")
    ("probability", po::value<std::string>()->value_name("P"), "the probability sought, in (0, 1)")
    ("lo", po::value<std::string>()->value_name("L"), "lower end of the search range (with --hi)")
    ("hi", po::value<std::string>()->value_name("H"), "upper end of the search range (with --lo)")
    ("runs", po::value<std::string>()->value_name("N"),
     "runs per evaluation (default: the file's simulation.runs)")
    ("seed", po::value<std::string>()->value_name("S"), "random seed, the same for every evaluation")
    ("threads", po::value<std::string>()->value_name("T"),
     "worker threads; 0 or absent: all cores (results do not depend on it)")
    ("variant", po::value<std::string>()->value_name("NAME"), "solve in a named variant")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("json", po::value<std::string>()->value_name("F"), "write the solution as JSON ('-': stdout)")
    ("quiet,q", "print nothing but errors");
  // clang-format on
  cli::add_max_memory_option(desc);
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kSolveUsage << "\n" << desc << std::flush;
    return 0;
  }
  if (!vm.count("scenario")) throw UsageError("solve needs a SCENARIO file");
  if (!vm.count("target")) throw UsageError("solve needs --target ID");
  if (!vm.count("vary")) throw UsageError("solve needs --vary PATH");
  if (!vm.count("probability")) throw UsageError("solve needs --probability P");
  if (vm.count("lo") != vm.count("hi")) throw UsageError("--lo and --hi go together");

  SolveOptions so;
  so.target = vm["target"].as<std::string>();
  so.path = vm["vary"].as<std::string>();
  if (so.path.empty() || so.path.find('=') != std::string::npos) {
    throw UsageError("--vary: expected a dotted path such as parameters.trend.mean");
  }
  so.probability = parse_number("--probability", vm["probability"].as<std::string>());
  if (!(so.probability > 0 && so.probability < 1)) {
    throw UsageError("--probability: must be strictly between 0 and 1");
  }
  if (vm.count("lo")) {
    so.lo = parse_number("--lo", vm["lo"].as<std::string>());
    so.hi = parse_number("--hi", vm["hi"].as<std::string>());
    if (!(*so.lo < *so.hi)) throw UsageError("--lo must be below --hi");
  }
  const cli::CommonFlags flags = cli::read_common_flags(vm, 1, kMaxRuns);
  const std::optional<std::uint64_t> runs = flags.runs, seed = flags.seed;
  RunOptions ro;
  ro.threads = flags.threads;
  const LoadOptions& opts = flags.load;
  const std::string& json_path = flags.json_path;
  const bool quiet = flags.quiet;

  const Registry& registry = builtin_registry();
  const std::string file = vm["scenario"].as<std::string>();
  auto load = [&](const LoadOptions& o) {
    Scenario sc = load_scenario_file(file, o, registry);
    if (runs) sc.simulation.runs = *runs;
    if (seed) sc.simulation.seed = *seed;
    return sc;
  };
  // The scenario as given: the target must exist, and PATH's value is where the search starts.
  const Scenario given = load(opts);
  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  check_memory("solve",
               estimate_run_memory(*compile(given, registry), ro.threads, 0, flags.max_memory,
                                   &cancel.flag()),
               flags.max_memory);
  if (cancel.cancelled()) throw Interrupted();  // during the estimate's pilot
  bool has_target = false;
  std::string targets;
  for (const TargetSpec& t : given.targets) {
    has_target = has_target || t.id == so.target;
    targets += (targets.empty() ? "" : ", ") + t.id;
  }
  if (!has_target) {
    std::string msg = "--target: no target '";
    msg += so.target;
    msg += "' in the scenario (targets: ";
    msg += targets.empty() ? std::string("none") : targets;
    msg += ")";
    throw UsageError(msg);
  }
  so.current = value_at_path(given, so.path);
  if (!so.current && !so.lo) {
    std::string msg = "--vary: ";
    msg += so.path;
    msg += " is not a number in the scenario; give --lo and --hi to search a range";
    throw UsageError(msg);
  }

  ro.cancel = &cancel.flag();
  const bool verbose = !quiet && cli::is_terminal(err);
  auto at = [&](double v) {
    LoadOptions o = opts;
    o.sets.push_back(so.path + "=" + exact_number_text(v));
    return load(o);
  };
  auto report = [&](const SolveEvaluation& e) {
    if (!verbose) return;
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %s = %-14.8g P = %.5f\n", so.path.c_str(), e.value,
                  e.probability);
    err << buf << std::flush;
  };
  SolveResult r;
  try {
    r = solve(at, so, registry, ro, report);
  } catch (const RunError&) {
    if (cancel.cancelled()) throw Interrupted();
    throw;
  }
  if (cancel.cancelled()) throw Interrupted();

  nlohmann::ordered_json j;
  j["target"] = r.target;
  j["vary"] = r.path;
  j["probability"] = r.probability;
  j["value"] = r.value;
  j["value_ci95"] = {r.value_ci95[0], r.value_ci95[1]};
  j["achieved_probability"] = r.achieved;
  j["bracket"] = {r.bracket[0], r.bracket[1]};
  j["bracket_probability"] = {r.bracket_probability[0], r.bracket_probability[1]};
  j["probability_std_error"] = r.std_error;
  j["slope"] = r.slope;
  j["searched"] = {r.searched[0], r.searched[1]};
  j["range"] = r.expanded ? "expanded from the current value" : "--lo/--hi";
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  j["evaluations"] = r.evaluations.size();
  const std::string json =
      json_path.empty()
          ? ""
          : j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  // One transaction (output_file.h): the file staged, the text, then put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, json);
  if (!quiet && json_path != "-") {
    char buf[512];
    std::string s = "plancast solve: ";
    s += given.name;
    s += "\n";
    std::snprintf(buf, sizeof buf, "%s = %.6g gives target %s a probability of %s\n",
                  r.path.c_str(), r.value, r.target.c_str(), human_percent(r.probability).c_str());
    s += buf;
    std::snprintf(buf, sizeof buf, "  (estimated %s at %.6g and %s at %.6g, the final bracket)\n",
                  human_percent(r.bracket_probability[0]).c_str(), r.bracket[0],
                  human_percent(r.bracket_probability[1]).c_str(), r.bracket[1]);
    s += buf;
    std::snprintf(buf, sizeof buf, "95%% Monte Carlo interval of the value: [%.6g, %.6g]\n",
                  r.value_ci95[0], r.value_ci95[1]);
    s += buf;
    std::snprintf(buf, sizeof buf,
                  "  (the probability's standard error %.4f over the slope dP/dvalue %.4g)\n",
                  r.std_error, r.slope);
    s += buf;
    if (r.expanded) {
      std::snprintf(buf, sizeof buf, "range grown from the current value %.6g to [%.6g, %.6g]\n",
                    so.current.value_or(0.0), r.searched[0], r.searched[1]);
    } else {
      std::snprintf(buf, sizeof buf, "range searched (--lo/--hi): [%.6g, %.6g]\n", r.searched[0],
                    r.searched[1]);
    }
    s += buf;
    std::snprintf(buf, sizeof buf, "%zu evaluations of %llu runs each, seed %llu\n",
                  r.evaluations.size(), static_cast<unsigned long long>(r.runs),
                  static_cast<unsigned long long>(r.seed));
    s += buf;
    write_stream(out, s, &cancel.flag());
  }
  outputs.commit();
  return 0;
}

}  // namespace plancast
