// `plancast solve`: the value of one scenario input at which a target reaches a given
// probability (bisection with common random numbers), with its Monte Carlo interval.
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

}  // namespace

int cli_solve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  cli::CommandOptions options(kSolveUsage);
  // clang-format off
  options.own()
    ("target", po::value<std::string>()->value_name("ID"), "the target whose probability is set")
    ("vary", po::value<std::string>()->value_name("PATH"),
     "the input to vary, a dotted path as --set takes (e.g. parameters.trend.mean)")
    ("probability", po::value<std::string>()->value_name("P"), "the probability sought, in (0, 1)")
    ("lo", po::value<std::string>()->value_name("L"), "lower end of the search range (with --hi)")
    ("hi", po::value<std::string>()->value_name("H"), "upper end of the search range (with --lo)");
  // clang-format on
  options.runs("runs per evaluation (default: the file's simulation.runs)")
      .seed("random seed, the same for every evaluation")
      .threads()
      .variant("solve in a named variant")
      .set()
      .json("write the solution as JSON ('-': stdout)")
      .report(
          "write a self-contained HTML report (the answer with its interval, the probability "
          "against the varied value)")
      .quiet("print nothing but errors")
      .max_memory();
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
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
  so.probability = cli::parse_number("--probability", vm["probability"].as<std::string>(), true);
  if (!(so.probability > 0 && so.probability < 1)) {
    throw UsageError("--probability: must be strictly between 0 and 1");
  }
  if (vm.count("lo")) {
    so.lo = cli::parse_number("--lo", vm["lo"].as<std::string>(), true);
    so.hi = cli::parse_number("--hi", vm["hi"].as<std::string>(), true);
    if (!(*so.lo < *so.hi)) throw UsageError("--lo must be below --hi");
  }
  const cli::CommonFlags flags = cli::read_common_flags(vm, 1, kMaxRuns);
  LoadOptions opts = flags.load;
  opts.runs = flags.runs;

  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  const bool verbose = !flags.quiet && cli::is_terminal(err);
  auto report = [&](const SolveEvaluation& e) {
    if (!verbose) return;
    err << fmt::format("  {} = {:<14} P = {:.5f}\n", so.path, general_text(e.value, 8),
                       e.probability)
        << std::flush;
  };
  const api::SolveOutcome r =
      api::solve(cli::scenario_source(vm), opts, so, cli::execution(flags, cancel), report);

  // One transaction (output_file.h): the file staged, the text, then put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!flags.json_path.empty()) outputs.stage(flags.json_path, api::to_json(r));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, api::to_report(r));
  if (!flags.quiet && flags.json_path != "-") write_stream(out, api::to_text(r), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
