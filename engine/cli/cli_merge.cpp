// `plancast merge SHARD... [--json F] [--csv F] [--report F.html]`: shard files of one job
// (plancast run --shard K/N) combined into the whole job's results, byte-identical to a
// single `plancast run`; and the --shard part of `plancast run`.
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/cli/shard_cli.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/samples_out.h"
#include "engine/io/shard.h"
#include "engine/io/text.h"
#include "engine/sim/simulator.h"

namespace plancast {

namespace cli {

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& s, std::uint64_t& v) {
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size();
  };
  ShardSpec spec;
  if (slash == std::string::npos || !number(text.substr(0, slash), spec.k) ||
      !number(text.substr(slash + 1), spec.n)) {
    throw UsageError("--shard: '" + text + "' is not K/N (e.g. --shard 2/8: part 2 of 8)");
  }
  if (spec.n < 1 || spec.n > kMaxShards || spec.k < 1 || spec.k > spec.n) {
    throw UsageError("--shard: " + text +
                     " is out of range (1 <= K <= N <= " + std::to_string(kMaxShards) + ")");
  }
  return spec;
}

std::optional<std::string> shard_key() {
  const char* v = std::getenv(kShardKeyVariable);
  if (v == nullptr) return std::nullopt;
  if (*v == '\0') {
    throw UsageError(std::string(kShardKeyVariable) +
                     " is set but empty; set it to a long secret (e.g. openssl rand -hex 32) "
                     "or unset it");
  }
  return std::string(v);
}

std::string run_shard(const Scenario& scenario, const CompiledScenario& compiled,
                      const RunOptions& options, const ShardSpec& shard, std::string& note,
                      const BlockRows* rows, const RowWriter& write) {
  const std::optional<std::string> key = shard_key();
  const std::uint64_t runs = scenario.simulation.runs;
  const BlockRange r = part_of(block_count(compiled), shard.k, shard.n);
  Simulator sim(compiled);
  RunState state = sim.make_state(options);
  if (rows != nullptr) {
    simulate_rows(sim, r.first, r.last, state, options, *rows, write);
  } else {
    sim.simulate_distributed(r.first, r.last, state, options);
  }
  const std::uint64_t first = std::min(runs, r.first * kBlockSize);
  const std::uint64_t last = std::min(runs, r.last * kBlockSize);
  note = "shard " + std::to_string(shard.k) + "/" + std::to_string(shard.n) + ": runs " +
         std::to_string(first) + " to " + std::to_string(last) + " (" +
         std::to_string(last - first) + " of " + std::to_string(runs) +
         "); combine all shards with plancast merge\n";
  note += key ? "shard protected by an HMAC under " + std::string(kShardKeyVariable) + "\n" : "";
  return to_shard_text(scenario, shard.k, shard.n, state, key);
}

}  // namespace cli

namespace {

const char* kMergeUsage =
    "usage: plancast merge SHARD... [PART.csv...] [--json F] [--csv F] [--report F.html]\n"
    "                      [--samples F.csv] [--quiet]\n"
    "\n"
    "Combines the shard files of one job (plancast run ... --shard K/N --json SHARD, for K\n"
    "from 1 to N, possibly run on different machines) into the results of the whole job:\n"
    "the same summary, JSON, CSV and report as one plancast run with the same scenario,\n"
    "seed and runs, byte for byte. Shards may be given in any order. Refuses shards of\n"
    "different scenarios or settings, a shard given twice, missing shards, and files that\n"
    "are not intact shards (over 256 MiB, edited, impossible counts).\n"
    "\n"
    "With PLANCAST_SHARD_KEY set (to the same secret as when the shards were written with\n"
    "run --shard), only shards carrying a valid HMAC under that key are accepted.\n"
    "\n"
    "Samples files (run --shard K/N --samples PART.csv) given among the SHARDs (by their\n"
    "names: .csv or .csv.gz) are concatenated in run order into --samples F: the same bytes\n"
    "as one unsharded run's --samples. Their columns must match and their runs follow on\n"
    "from 0 without gap or overlap (with shard files, to the job's last run).\n";

}  // namespace

int cli_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  cli::CommandOptions options(kMergeUsage, "shard", -1);
  options.json("write full results as JSON ('-': stdout)")
      .csv()
      .report("write the HTML report of the whole job")
      .samples("concatenate the samples files given (PART.csv[.gz]) into F", false)
      .quiet("no summary");
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const cli::po::variables_map& vm = *parsed;
  if (!vm.count("shard")) throw UsageError("merge needs SHARD files (plancast run --shard K/N)");
  // Samples files by their names; the others are shard files.
  std::vector<std::string> paths, parts;
  for (const std::string& p : vm["shard"].as<std::vector<std::string>>()) {
    (p.ends_with(".csv") || p.ends_with(".csv.gz") ? parts : paths).push_back(p);
  }
  const std::string samples_path =
      vm.count("samples") ? cli::check_samples_path(vm["samples"].as<std::string>()) : "";
  if (!parts.empty() && samples_path.empty()) {
    throw UsageError("samples files given (" + parts.front() +
                     ") but no --samples F to merge them into");
  }
  if (!samples_path.empty() && parts.empty()) {
    throw UsageError(
        "--samples needs the shards' samples files (run --shard K/N --samples "
        "PART.csv) among the files to merge");
  }
  const auto [json_path, csv_path] = cli::read_json_csv_paths(vm);
  std::vector<NamedPath> inputs;
  for (const std::string& p : paths) inputs.push_back({"a SHARD to read", p});
  for (const std::string& p : parts) inputs.push_back({"a samples file to read", p});
  const std::string report_path = cli::check_output_paths(vm, json_path, csv_path, inputs);
  cli::check_outputs(vm, {{"--json", json_path}, {"--samples", samples_path}}, inputs);
  const bool summary = !vm.count("quiet") && json_path != "-" && csv_path != "-";
  if (paths.empty()) {  // samples alone
    if (!json_path.empty() || !csv_path.empty() || !report_path.empty()) {
      throw UsageError(
          "--json, --csv and --report need the shard files (run --shard K/N "
          "--json SHARD) among the files to merge");
    }
    cli::CancelOnSignal cancel;
    OutputSet outputs(&out, &cancel.flag());
    outputs.stage_stream(samples_path, [&](const OutputSet::Append& append) {
      api::merge_samples(parts, samples_gzip(samples_path), std::nullopt, append);
    });
    outputs.commit();
    return 0;
  }

  const std::optional<std::string> key = cli::shard_key();
  const api::RunOutput merged = api::merge(paths, key);
  // Not located: the shards' scenario is their canonical text, whose lines are not the file's.
  err << nonfinite_warnings(merged.results) << std::flush;

  // Render everything first, then write them as one transaction (output_file.h).
  std::string json = json_path.empty() ? "" : api::to_json(merged);
  std::string csv = csv_path.empty() ? "" : api::to_csv(merged);
  std::string report = report_path.empty() ? "" : api::to_report(merged);
  cli::CancelOnSignal cancel;  // from here on, an interrupt writes nothing
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, std::move(json));
  if (!csv_path.empty()) outputs.stage(csv_path, std::move(csv));
  if (!report_path.empty()) outputs.stage(report_path, std::move(report));
  if (!samples_path.empty()) {
    outputs.stage_stream(samples_path, [&](const OutputSet::Append& append) {
      api::merge_samples(parts, samples_gzip(samples_path), merged.results.runs, append);
    });
  }
  if (summary) write_stream(out, api::to_text(merged), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
