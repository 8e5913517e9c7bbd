// `plancast sensitivity`: Sobol indices, Shapley effects or a tornado of one output, as a
// sorted table within 100 columns and as JSON (SPEC §4; docs/analysis.md).
#include <stdexcept>
#include <string>

#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

constexpr std::uint64_t kMaxBaseRuns = 100000000;

const char* kSensitivityUsage =
    "usage: plancast sensitivity [SCENARIO] --of INDICATOR@YEAR|TARGET_ID [options]\n"
    "\n"
    "Which assumptions (parameters) drive an outcome: an indicator's value in a year, or\n"
    "whether a target is met. sobol (default): first-order (S1) and total (ST) Sobol\n"
    "indices with 95% intervals (row bootstrap under mc; under lhs/sobol a t interval over\n"
    "16 replicates of the design), from N base rows and N*(P+3) runs for P\n"
    "parameters (default N 10000). tornado: the outcome with each parameter at its p10 and\n"
    "its p90 and the others at their medians, N runs per setting (default 4000), sorted by\n"
    "swing. shapley: Shapley effects (each parameter's share of the variance, averaged over\n"
    "the orders in which parameters can be learnt: well defined with correlations and free\n"
    "of the file's order), from N random permutations and 3*N*(P+1) runs (default N 2000).\n"
    "Without SCENARIO, the bundled Jiaxing scenario. See docs/analysis.md.\n";

}  // namespace

int cli_sensitivity(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  cli::CommandOptions options(kSensitivityUsage);
  // clang-format off
  options.own()
    ("of", po::value<std::string>()->value_name("INDICATOR@YEAR|TARGET_ID"),
     "the outcome: an indicator's value in a year, or a target (1 if met, else 0)")
    ("method", po::value<std::string>()->value_name("sobol|shapley|tornado"), "default: sobol");
  // clang-format on
  options
      .runs(
          "sobol: base rows (default 10000); shapley: permutations (default 2000); tornado: runs "
          "per setting (default 4000)")
      .seed()
      .threads()
      .variant("analyse a named variant")
      .set()
      .json("write the indices as JSON ('-': stdout)")
      .report(
          "write a self-contained HTML report (S1/ST or Shapley bars with intervals, or the "
          "tornado chart)")
      .quiet("no table and no progress bar")
      .max_memory();
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm.count("of")) throw UsageError("sensitivity needs --of INDICATOR@YEAR or --of TARGET_ID");
  const std::string method = vm.count("method") ? vm["method"].as<std::string>() : "sobol";
  api::SensitivityRequest request;
  try {
    request.method = sensitivity_method_named(method);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--method: ") + e.what());
  }
  request.of = vm["of"].as<std::string>();
  const cli::CommonFlags flags = cli::read_common_flags(vm, 2, kMaxBaseRuns);
  request.runs = flags.runs.value_or(0);

  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  cli::ProgressBar bar(err, !flags.quiet && cli::is_terminal(err));
  const api::SensitivityOutcome s = api::sensitivity(cli::scenario_source(vm), flags.load, request,
                                                     cli::execution(flags, cancel, &bar));
  bar.finish();
  std::string json = flags.json_path.empty() ? "" : api::to_json(s);
  std::string report = flags.report_path.empty() ? "" : api::to_report(s);
  // One transaction (output_file.h): files staged, the table, then all put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!flags.json_path.empty()) outputs.stage(flags.json_path, std::move(json));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, std::move(report));
  if (!flags.quiet && flags.json_path != "-") write_stream(out, api::to_text(s), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
