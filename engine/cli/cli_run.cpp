// `plancast run`: load a scenario (or the bundled one), simulate, print a summary and write
// JSON/CSV results and the report: flags → api::run → outputs.
#include <charconv>
#include <cmath>
#include <optional>

#include "engine/analysis/memory.h"
#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/cli/shard_cli.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/samples_out.h"
#include "engine/io/text.h"
#include "engine/sim/runner.h"

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
    "file's simulation.runs. The same seed gives the same stopping point.\n"
    "\n"
    "--samples F.csv (or F.csv.gz) writes every run as a row, in run order: run, each\n"
    "parameter, event:NAME (years it occurred), OUTPUT@YEAR for each indicator output at\n"
    "the report years (or --samples-years), target:ID (1 met, 0 not); written as the runs\n"
    "go, the same bytes for any --threads, refused before running when its size estimate\n"
    "is over --max-samples-size or the free disk space.\n";

/// --precision: a number in (0, 0.5).
double parse_precision(const std::string& text) {
  const double v = cli::parse_number("--precision", text);
  if (!(v > 0 && v < 0.5)) {
    std::string msg = "--precision: ";
    msg += text;
    msg += " is out of range (expected a half-width between 0 and 0.5, e.g. 0.005)";
    throw UsageError(msg);
  }
  return v;
}

}  // namespace

int cli_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  cli::CommandOptions options(kRunUsage);
  options.runs()
      .seed("random seed, 0 to 2^64-1 (same seed and runs give identical results)")
      .threads()
      .sampler()
      .variant("run a named variant")
      .set()
      .json("write full results as JSON ('-': stdout)")
      .csv()
      .report("write a self-contained HTML report with charts (open in any browser; prints on A4)")
      .xlsx("write an Excel workbook: Targets, Bands, Assumptions sheets")
      .samples("write every run as a row: parameters, events, indicators, targets met");
  // clang-format off
  options.own()
    ("precision", po::value<std::string>()->value_name("E"),
     "add runs until every target's 95% interval is within +/-E (--runs: the cap)")
    ("report-discover", "with --report: name where each target is mostly missed (PRIM)")
    ("shard", po::value<std::string>()->value_name("K/N"),
     "simulate only part K of N of the runs; --json F gets a shard file for plancast merge "
     "(--samples F: this part's runs)");
  // clang-format on
  options.quiet("no summary and no progress bar").max_memory();
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;

  if (vm.count("report-discover") && !vm.count("report")) {
    throw UsageError("--report-discover needs --report F.html");
  }
  api::RunRequest request;
  if (vm.count("precision")) request.precision = parse_precision(vm["precision"].as<std::string>());
  const cli::CommonFlags flags = cli::read_common_flags(vm, 1, kMaxRuns);
  LoadOptions opts = flags.load;
  opts.runs = flags.runs;
  const std::string& json_path = flags.json_path;
  const std::string& csv_path = flags.csv_path;
  const std::string& samples_path = flags.samples_path;
  if (!samples_path.empty() && request.precision) {
    throw UsageError(
        "--samples cannot be used with --precision (write the samples of a plain "
        "run with the round's --runs)");
  }
  const bool summary = !flags.quiet && json_path != "-" && csv_path != "-";
  // --shard K/N: a share of the blocks of runs, written as a shard file (docs/scale-out.md).
  std::optional<cli::ShardSpec> shard;
  if (vm.count("shard")) {
    shard = cli::parse_shard(vm["shard"].as<std::string>());
    if (json_path.empty()) throw UsageError("--shard needs --json F (the shard file to write)");
    for (const char* other : {"csv", "precision", "report", "xlsx"}) {
      if (vm.count(other)) throw UsageError(std::string("--shard cannot be used with --") + other);
    }
  }

  const api::ScenarioSource source = cli::scenario_source(vm);
  const Scenario scenario = api::load(source, opts);
  const api::Model model = api::compile(scenario);
  // Never fatal; located as errors are (--set as typed, a flag's problems at the flag).
  for (const Diagnostic& d : api::warnings(scenario)) err << d.warning_str() << "\n";
  err << std::flush;
  api::SamplesRequest samples;
  samples.years = flags.samples_years;
  samples.gzip = samples_gzip(samples_path);
  if (!samples_path.empty()) {  // refused before any work when it would not fit
    const api::SamplesPlan plan = api::plan_samples(model, samples);
    const BlockRange part = shard ? part_of(block_count(*model), shard->k, shard->n)
                                  : BlockRange{0, block_count(*model)};
    const std::uint64_t runs = std::min(scenario.simulation.runs, part.last * kBlockSize) -
                               std::min(scenario.simulation.runs, part.first * kBlockSize);
    check_samples_disk(samples_path, plan.header_bytes + runs * plan.row_bytes, runs,
                       plan.row_bytes, flags.max_samples);
  }
  cli::CancelOnSignal cancel;  // from here on (the memory estimate's pilot simulates)
  cli::ProgressBar bar(err, !flags.quiet && cli::is_terminal(err));
  const api::Execution exec = cli::execution(flags, cancel, &bar);
  if (shard) {
    check_memory("run",
                 estimate_run_memory(*model, flags.threads, 0, flags.max_memory, exec.cancel,
                                     samples_path.empty()),  // --samples: in windows
                 flags.max_memory);
    if (cancel.cancelled()) throw Interrupted();  // during the estimate's pilot
    RunOptions ro;
    ro.threads = exec.threads;
    ro.cancel = exec.cancel;
    ro.progress = exec.progress;
    std::string note, text;
    OutputSet outputs(&out, &cancel.flag());
    if (samples_path.empty()) {
      text = cli::run_shard(scenario, *model, ro, *shard, note);
    } else {
      const SamplesTable table(*model, samples_years(scenario, samples.years), samples.gzip);
      outputs.stage_stream(samples_path, [&](const OutputSet::Append& append) {
        append(table.header());
        text = cli::run_shard(scenario, *model, ro, *shard, note, &table, append);
      });
    }
    bar.finish();
    if (cancel.cancelled()) throw Interrupted();
    outputs.stage(json_path, std::move(text));
    if (summary) write_stream(out, note, &cancel.flag());
    outputs.commit();
    return 0;
  }
  // --samples: staged first, written as the runs go (the other outputs once they are done).
  OutputSet outputs(&out, &cancel.flag());
  api::RunOutput r;
  if (!samples_path.empty()) {
    outputs.stage_stream(samples_path, [&](const OutputSet::Append& append) {
      r = api::run_samples(model, exec, samples, append);
    });
  } else {
    r = request.precision ? api::run(source, opts, request, exec) : api::run(model, exec);
  }
  bar.finish();
  for (const std::string& w : r.after_run_warnings) err << w << "\n" << std::flush;
  // Non-finite values change what the numbers mean: said on standard error, even with -q.
  err << nonfinite_warnings(r.results, &scenario) << std::flush;

  // Render everything first, then write: a rendering failure leaves no file behind.
  std::string json = json_path.empty() ? "" : api::to_json(r);
  std::string csv = csv_path.empty() ? "" : api::to_csv(r);
  std::string report =
      flags.report_path.empty() ? "" : api::to_report(r, vm.count("report-discover") > 0);
  std::string xlsx = flags.xlsx_path.empty() ? "" : api::to_xlsx(r);
  // One transaction (output_file.h): every file staged, then the summary or the "-" output,
  // then all renamed into place; an interrupt before that writes nothing.
  if (!json_path.empty()) outputs.stage(json_path, std::move(json));
  if (!csv_path.empty()) outputs.stage(csv_path, std::move(csv));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, std::move(report));
  if (!flags.xlsx_path.empty()) outputs.stage(flags.xlsx_path, std::move(xlsx));
  if (summary) write_stream(out, api::to_text(r), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
