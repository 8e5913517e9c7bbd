// `plancast discover`: PRIM scenario discovery for one target (engine/analysis/discover.h).
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/core/format.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

const char* kDiscoverUsage =
    "usage: plancast discover [SCENARIO] --target ID [options]\n"
    "\n"
    "Scenario discovery with PRIM (Friedman & Fisher 1999): simulates the scenario (without\n"
    "SCENARIO, the bundled one) and finds boxes over the parameters in which the target is\n"
    "mostly missed (or met). Prints the peeling trajectory (coverage, density, mass), the\n"
    "chosen box (highest harmonic mean of coverage and density) and its parameters, sorted\n"
    "by a quasi-p value. Keeps runs x parameters numbers in memory: --runs defaults to\n"
    "20000 (not the file's simulation.runs) and is at most 1000000.\n";

double parse_real(const std::string& flag, const std::string& text, double lo, double hi) {
  const double v = cli::parse_number(flag, text);
  if (!(v > lo && v < hi)) {
    throw UsageError(fmt::format("{}: {} is out of range (expected more than {} and less than {})",
                                 flag, text, general_text(lo, 6), general_text(hi, 6)));
  }
  return v;
}

}  // namespace

int cli_discover(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  cli::CommandOptions options(kDiscoverUsage);
  // clang-format off
  options.own()
    ("target", po::value<std::string>()->value_name("ID"), "the target to explain (required)")
    ("find", po::value<std::string>()->value_name("missed|met"),
     "look for runs where the target is missed (default) or met");
  options.runs("simulated futures (default 20000, at most 1000000)")
      .seed()
      .threads("worker threads (results do not depend on it)")
      .variant("use a named variant")
      .set();
  options.own()
    ("alpha", po::value<std::string>()->value_name("A"), "share of the box peeled at a time (default 0.05)")
    ("min-mass", po::value<std::string>()->value_name("M"), "smallest box, as a share of all runs (default 0.05)");
  // clang-format on
  options.json("write the boxes as JSON ('-': stdout)")
      .report(
          "write a self-contained HTML report (the chosen box's limits, the peeling "
          "trajectory)")
      .quiet("no report and no progress bar")
      .max_memory();
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm.count("target")) throw UsageError("discover needs --target ID");
  const std::string target = vm["target"].as<std::string>();
  DiscoverOptions dopt;
  if (vm.count("find")) {
    const std::string f = vm["find"].as<std::string>();
    if (f != "missed" && f != "met") {
      throw UsageError("--find: '" + f + "' is not missed or met");
    }
    dopt.find_missed = f == "missed";
  }
  if (vm.count("alpha")) dopt.alpha = parse_real("--alpha", vm["alpha"].as<std::string>(), 0, 0.5);
  if (vm.count("min-mass")) {
    dopt.min_mass = parse_real("--min-mass", vm["min-mass"].as<std::string>(), 0, 1);
  }
  const cli::CommonFlags flags = cli::read_common_flags(vm, 1, kDiscoverMaxRuns);
  LoadOptions opts = flags.load;
  opts.runs = flags.runs.value_or(kDiscoverDefaultRuns);

  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  cli::ProgressBar bar(err, !flags.quiet && cli::is_terminal(err));
  const api::DiscoverOutcome d = api::discover(cli::scenario_source(vm), opts, target, dopt,
                                               cli::execution(flags, cancel, &bar));
  bar.finish();

  std::string json = flags.json_path.empty() ? "" : api::to_json(d);
  std::string report = flags.report_path.empty() ? "" : api::to_report(d);
  // One transaction (output_file.h): the file staged, the text, then put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!flags.json_path.empty()) outputs.stage(flags.json_path, std::move(json));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, std::move(report));
  if (!flags.quiet && flags.json_path != "-") write_stream(out, api::to_text(d), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
