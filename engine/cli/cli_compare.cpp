// `plancast compare`: the base and variants of a scenario with common random numbers, as a
// side-by-side table of target probabilities, paired differences and medians, and JSON.
#include <sstream>

#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

const char* kCompareUsage =
    "usage: plancast compare [SCENARIO] [options]\n"
    "\n"
    "Runs the base scenario and each variant (default: all) with common random numbers: run r\n"
    "of every variant uses the same random draws, so the differences between variants are\n"
    "measured run by run (paired) and have much smaller Monte Carlo error than separate\n"
    "runs. Prints each target's probability per variant, the difference to the base with\n"
    "its 95% interval, and the median of every indicator at the report years. Without\n"
    "SCENARIO, the bundled Jiaxing scenario. At most 10^8 runs (per-run outcomes are kept).\n";

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ',')) {
    if (cur.empty()) throw UsageError("--variants: empty name in '" + s + "'");
    out.push_back(cur);
  }
  if (out.empty()) throw UsageError("--variants: no variant named");
  return out;
}

}  // namespace

int cli_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  cli::CommandOptions options(kCompareUsage);
  // clang-format off
  options.own()
    ("variants", po::value<std::string>()->value_name("a,b,..."),
     "variants to compare with the base (default: all the scenario defines)");
  // clang-format on
  options.runs("runs per variant, at most 10^8 (default: the file's simulation.runs)")
      .seed("random seed, the same for every variant")
      .threads()
      .set("override one value in the base and every variant (after the variant); repeatable")
      .json("write the comparison as JSON ('-': stdout)")
      .report("write a self-contained HTML report: probability bars per target, medians overlaid")
      .xlsx("write an Excel workbook: Targets, Variants, Overrides, Bands, Assumptions sheets")
      .quiet("no table and no progress bar")
      .max_memory();
  const auto vm = options.parse(args, out);
  if (!vm) return 0;
  const cli::CommonFlags flags = cli::read_common_flags(*vm, 1, kMaxCompareRuns);
  LoadOptions opts = flags.load;
  opts.runs = flags.runs;
  api::CompareRequest request;
  if (vm->count("variants")) request.variants = split_list((*vm)["variants"].as<std::string>());

  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  cli::ProgressBar bar(err, !flags.quiet && cli::is_terminal(err));
  const api::CompareOutput c =
      api::compare(cli::scenario_source(*vm), opts, request, cli::execution(flags, cancel, &bar));
  bar.finish();

  std::string json = flags.json_path.empty() ? "" : api::to_json(c);
  std::string report = flags.report_path.empty() ? "" : api::to_report(c);
  std::string xlsx = flags.xlsx_path.empty() ? "" : api::to_xlsx(c);
  // One transaction (output_file.h): files staged, the table, then all put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!flags.json_path.empty()) outputs.stage(flags.json_path, std::move(json));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, std::move(report));
  if (!flags.xlsx_path.empty()) outputs.stage(flags.xlsx_path, std::move(xlsx));
  if (!flags.quiet && flags.json_path != "-") write_stream(out, api::to_text(c), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
