// `plancast run`: load a scenario (or the bundled one), simulate, print a summary and write
// JSON/CSV results.
#include <charconv>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

#include "engine/analysis/memory.h"
#include "engine/analysis/plausibility.h"
#include "engine/analysis/precision.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/cli/shard_cli.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/output_file.h"
#include "engine/io/report.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kRunUsage =
    "usage: plancast run [SCENARIO] [options]\n"
    "\n"
    "Simulates the scenario (a YAML file; without one, the bundled Jiaxing scenario) and\n"
    "prints how likely each target is and the range of each indicator. --runs, --seed and\n"
    "--sampler are applied as --set simulation.KEY=VALUE before any --set, so the results'\n"
    "scenario_sha256 records them.\n"
    "\n"
    "--precision E runs rounds of 10000, 20000, 40000, ... runs (each a full run of that\n"
    "many, so the results are those of a plain run with the last round's count) until every\n"
    "target's 95% interval is at most +/-E, or a round reaches the cap: --runs, else the\n"
    "file's simulation.runs. The same seed gives the same stopping point.\n";

/// --precision: a number in (0, 0.5).
double parse_precision(const std::string& text) {
  double v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  const auto res = std::from_chars(first, last, v);
  if (text.empty() || res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) {
    std::string msg = "--precision: '";
    msg += text;
    msg += "' is not a number";
    throw UsageError(msg);
  }
  if (!(v > 0 && v < 0.5)) {
    std::string msg = "--precision: ";
    msg += text;
    msg += " is out of range (expected a half-width between 0 and 0.5, e.g. 0.005)";
    throw UsageError(msg);
  }
  return v;
}

std::string precision_text(const PrecisionOutcome& o, double e) {
  char line[256];
  std::string rounds;
  for (std::uint64_t n : o.rounds) {
    if (!rounds.empty()) rounds += ", ";
    rounds += std::to_string(n);
  }
  if (o.reached) {
    std::snprintf(line, sizeof line,
                  "precision: every target within +/-%g (95%%) after %llu runs; widest +/-%.4f "
                  "(%s)\n",
                  e, static_cast<unsigned long long>(o.results.runs), o.widest,
                  o.widest_target.empty() ? "no targets" : o.widest_target.c_str());
  } else {
    std::snprintf(line, sizeof line,
                  "precision: NOT reached at the cap of %llu runs: widest interval +/-%.4f "
                  "(%s), asked +/-%g\n",
                  static_cast<unsigned long long>(o.results.runs), o.widest,
                  o.widest_target.c_str(), e);
  }
  std::string s = line;
  s += "  rounds (runs): ";
  s += rounds;
  s += "\n";
  return s;
}

/// --runs, --seed and --sampler as (flag, simulation key, value), in that order.
struct FlagSet {
  const char* flag;
  const char* key;
  std::string value;
};

/// Problems located at a flag-derived --set are reported at the flag ("--runs: error: ..."),
/// and the user's --set are renumbered from 1, as typed. `as_subtree`: the flags were given
/// as one `simulation={...}` set.
ScenarioError relocate(const ScenarioError& e, const std::vector<FlagSet>& flags, bool as_subtree) {
  std::vector<Diagnostic> diags = e.diagnostics();
  const int used = as_subtree ? (flags.empty() ? 0 : 1) : static_cast<int>(flags.size());
  for (Diagnostic& d : diags) {
    if (d.loc.file != "--set" || d.loc.line <= 0) continue;
    if (d.loc.line <= used) {
      d.loc = SourceLoc{as_subtree ? "--runs/--seed/--sampler"
                                   : flags[static_cast<std::size_t>(d.loc.line - 1)].flag};
    } else {
      d.loc.line -= used;
    }
  }
  return ScenarioError(std::move(diags));
}

/// Loads the scenario with the flag-derived overrides first, then the user's --set. A file
/// without a `simulation` map cannot take `--set simulation.runs=N` (the loader does not
/// create maps), so the flags are then given as one `simulation={...}` subtree: the same
/// values, since an absent map means defaults for every key not given. Sets `as_subtree`.
Scenario load_with_flags(const std::optional<std::string>& file, const LoadOptions& opts,
                         const std::vector<FlagSet>& flags, const Registry& registry,
                         bool& as_subtree) {
  auto load = [&](const std::vector<std::string>& flag_sets) {
    LoadOptions o = opts;
    o.sets = flag_sets;
    o.sets.insert(o.sets.end(), opts.sets.begin(), opts.sets.end());
    return file ? load_scenario_file(*file, o, registry)
                : load_scenario_text(std::string(bundled_scenario_text()), kBundledName, o,
                                     registry);
  };
  std::vector<std::string> per_key;
  std::string subtree;
  for (const FlagSet& f : flags) {
    per_key.push_back(std::string("simulation.") + f.key + "=" + f.value);
    subtree += (subtree.empty() ? "" : ", ") + std::string(f.key) + ": " + f.value;
  }
  as_subtree = false;
  try {
    return load(per_key);
  } catch (const ScenarioError& e) {
    bool no_simulation_map = false;
    for (const Diagnostic& d : e.diagnostics()) {
      if (d.loc.file == "--set" && d.loc.line >= 1 &&
          d.loc.line <= static_cast<int>(flags.size()) &&
          d.message.find("'simulation' not found") != std::string::npos) {
        no_simulation_map = true;
      }
    }
    if (!no_simulation_map) throw relocate(e, flags, false);
  }
  as_subtree = true;
  try {
    return load({"simulation={" + subtree + "}"});
  } catch (const ScenarioError& e) {
    throw relocate(e, flags, true);
  }
}

}  // namespace

int cli_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("runs", po::value<std::string>()->value_name("N"),
     "number of simulated futures (default: the file's simulation.runs)")
    ("seed", po::value<std::string>()->value_name("S"),
     "random seed, 0 to 2^64-1 (same seed and runs give identical results)")
    ("threads", po::value<std::string>()->value_name("T"),
     "worker threads; 0 or absent: all cores (results do not depend on it)")
    ("sampler", po::value<std::string>()->value_name("mc|lhs|sobol"),
     "how parameters are drawn: independent (mc), Latin hypercube (lhs), Sobol points")
    ("variant", po::value<std::string>()->value_name("NAME"), "run a named variant")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("json", po::value<std::string>()->value_name("F"), "write full results as JSON ('-': stdout)")
    ("csv", po::value<std::string>()->value_name("F"), "write full results as CSV ('-': stdout)")
    ("report", po::value<std::string>()->value_name("F.html"),
     "write a self-contained HTML report with charts (open in any browser; prints on A4)")
    ("precision", po::value<std::string>()->value_name("E"),
     "add runs until every target's 95% interval is within +/-E (--runs: the cap)")
    ("shard", po::value<std::string>()->value_name("K/N"),
     "simulate only part K of N of the runs; --json F gets a shard file for plancast merge")
    ("quiet,q", "no summary and no progress bar");
  // clang-format on
  cli::add_max_memory_option(desc);
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kRunUsage << "\n" << desc << std::flush;
    return 0;
  }

  LoadOptions opts;
  std::vector<FlagSet> flags;
  std::optional<double> precision;
  if (vm.count("precision")) precision = parse_precision(vm["precision"].as<std::string>());
  if (vm.count("runs")) {
    const auto runs = cli::parse_count("--runs", vm["runs"].as<std::string>(), 1, kMaxRuns);
    flags.push_back({"--runs", "runs", std::to_string(runs)});
  }
  if (vm.count("seed")) {
    const auto seed = cli::parse_count("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX);
    flags.push_back({"--seed", "seed", std::to_string(seed)});
  }
  if (vm.count("sampler")) {
    const std::string s = vm["sampler"].as<std::string>();
    if (s != "mc" && s != "lhs" && s != "sobol") {
      throw UsageError("--sampler: '" + s + "' is not a sampler (expected mc, lhs or sobol)");
    }
    flags.push_back({"--sampler", "sampler", s});
  }
  RunOptions ro;
  if (vm.count("threads")) {
    ro.threads = static_cast<int>(
        cli::parse_count("--threads", vm["threads"].as<std::string>(), 0, cli::kMaxThreads));
  }
  if (vm.count("variant")) {
    opts.variant = vm["variant"].as<std::string>();
    if (opts.variant.empty()) throw UsageError("--variant: empty name");
  }
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) opts.sets.push_back(s);
  }
  const auto [json_path, csv_path] = cli::read_json_csv_paths(vm);
  const bool quiet = vm.count("quiet") > 0;
  const bool summary = !quiet && json_path != "-" && csv_path != "-";
  // --shard K/N: a share of the blocks of runs, written as a shard file (docs/scale-out.md).
  std::optional<cli::ShardSpec> shard;
  if (vm.count("shard")) {
    shard = cli::parse_shard(vm["shard"].as<std::string>());
    if (json_path.empty()) throw UsageError("--shard needs --json F (the shard file to write)");
    for (const char* other : {"csv", "precision", "report"}) {
      if (vm.count(other)) throw UsageError(std::string("--shard cannot be used with --") + other);
    }
  }

  // Fail before a long run, not after it, when an output cannot be written.
  const std::string report_path = cli::check_output_paths(vm, json_path, csv_path);

  const Registry& registry = builtin_registry();
  const std::optional<std::string> file =
      vm.count("scenario") ? std::optional(vm["scenario"].as<std::string>()) : std::nullopt;
  bool as_subtree = false;
  const Scenario scenario = load_with_flags(file, opts, flags, registry, as_subtree);
  std::shared_ptr<const CompiledScenario> compiled;
  try {
    compiled = compile(scenario, registry);
  } catch (const ScenarioError& e) {
    throw relocate(e, flags, as_subtree);
  }
  std::vector<Diagnostic> warnings;  // never fatal; located as errors are (--set as typed)
  for (const AuditFinding& f : scenario_warning_findings(scenario)) {
    warnings.push_back({f.loc, warning_message(f)});
  }
  if (!warnings.empty()) {
    const ScenarioError located = relocate(ScenarioError(warnings), flags, as_subtree);
    for (const Diagnostic& d : located.diagnostics()) {
      err << d.warning_str() << "\n";
    }
  }
  err << std::flush;
  const std::uint64_t budget = cli::read_max_memory(vm);
  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  check_memory("run", estimate_run_memory(*compiled, ro.threads, 0, budget, &cancel.flag()),
               budget);
  if (cancel.cancelled()) throw Interrupted();  // during the estimate's pilot

  cli::ProgressBar bar(err, !quiet && cli::is_terminal(err));
  ro.cancel = &cancel.flag();
  ro.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  if (shard) {
    std::string note;
    std::string text = cli::run_shard(scenario, *compiled, ro, *shard, note);
    bar.finish();
    if (cancel.cancelled()) throw Interrupted();
    OutputSet outputs(&out, &cancel.flag());
    outputs.stage(json_path, std::move(text));
    if (summary) write_stream(out, note, &cancel.flag());
    outputs.commit();
    return 0;
  }
  std::optional<PrecisionOutcome> adaptive;
  Results results;
  if (precision) {
    // Each round is the scenario loaded as by `run --runs N`, so the last round's results
    // (scenario_sha256 included) are exactly those of that plain run.
    PrecisionOptions po_;
    po_.half_width = *precision;
    po_.cap = scenario.simulation.runs;
    std::vector<FlagSet> round_flags = flags;
    if (round_flags.empty() || std::string(round_flags.front().flag) != "--runs") {
      round_flags.insert(round_flags.begin(), FlagSet{"--runs", "runs", ""});
    }
    auto run_n = [&](std::uint64_t n) {
      round_flags.front().value = std::to_string(n);
      bool sub = false;
      const Scenario sc = load_with_flags(file, opts, round_flags, registry, sub);
      std::shared_ptr<const CompiledScenario> c;
      try {
        c = compile(sc, registry);
      } catch (const ScenarioError& e) {
        throw relocate(e, round_flags, sub);
      }
      Results r = run(*c, ro);
      if (cancel.cancelled()) throw Interrupted();
      return r;
    };
    adaptive = run_to_precision(run_n, po_);
    results = adaptive->results;
  } else {
    results = run(*compiled, ro);
  }
  bar.finish();
  if (cancel.cancelled()) throw Interrupted();
  for (const AuditFinding& f : plausibility_after_run(scenario, results)) {
    err << warning_line(f) << "\n" << std::flush;  // a % series outside [0, 100]
  }
  // Non-finite values change what the numbers mean: said on standard error, even with -q.
  err << nonfinite_warnings(results, &scenario) << std::flush;

  // Render everything first, then write: a rendering failure leaves no file behind.
  std::string json;
  if (!json_path.empty() && adaptive) {
    nlohmann::ordered_json j = to_json(results);
    nlohmann::ordered_json pj;
    pj["target_half_width"] = *precision;
    pj["reached"] = adaptive->reached;
    pj["rounds"] = adaptive->rounds;
    pj["widest_half_width"] = adaptive->widest;
    j["precision"] = pj;
    json = j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    json += '\n';
  } else if (!json_path.empty()) {
    json = to_json_text(results);
  }
  std::string csv = csv_path.empty() ? "" : to_csv_text(results);
  // The report describes the scenario the results came from (with --precision, the last
  // round's differs only in simulation.runs, which the results carry).
  std::string report = report_path.empty() ? "" : run_report_html(scenario, results);
  // One transaction (output_file.h): every file staged, then the summary or the "-" output,
  // then all renamed into place; an interrupt before that writes nothing.
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, std::move(json));
  if (!csv_path.empty()) outputs.stage(csv_path, std::move(csv));
  if (!report_path.empty()) outputs.stage(report_path, std::move(report));
  if (summary) {
    std::string text = to_text_summary(results);
    if (adaptive) text += precision_text(*adaptive, *precision);
    write_stream(out, text, &cancel.flag());
  }
  outputs.commit();
  return 0;
}

}  // namespace plancast
