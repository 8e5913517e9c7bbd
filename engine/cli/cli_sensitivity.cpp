// `plancast sensitivity`: Sobol indices (or a tornado) of one output, as a sorted table
// within 100 columns and as JSON (SPEC §4).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/memory.h"
#include "engine/analysis/sensitivity.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/report.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

constexpr std::uint64_t kMaxBaseRuns = 100000000;

const char* kSensitivityUsage =
    "usage: plancast sensitivity [SCENARIO] --of INDICATOR@YEAR|TARGET_ID [options]\n"
    "\n"
    "Which assumptions (parameters) drive an outcome: an indicator's value in a year, or\n"
    "whether a target is met. sobol (default): first-order (S1) and total (ST) Sobol\n"
    "indices with bootstrap 95% intervals, from N base rows and N*(P+2) runs for P\n"
    "parameters (default N 10000). tornado: the outcome with each parameter at its p10 and\n"
    "its p90 and the others at their medians, N runs per setting (default 4000), sorted by\n"
    "swing. Without SCENARIO, the bundled Jiaxing scenario. See docs/analysis.md.\n";

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string pad(std::string s, std::size_t w, bool right = false) {
  if (s.size() > w) {
    s.resize(w > 1 ? w - 1 : w);
    if (w > 1) s += "~";
  }
  const std::string fill(w - s.size(), ' ');
  return right ? fill + s : s + fill;
}

std::string with_commas(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string s;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) s.push_back(',');
    s.push_back(digits[k]);
  }
  return s;
}

std::string describe_output(const SensitivityOutput& o, const Scenario& sc) {
  std::string s = o.of;
  if (o.is_target) {
    const TargetSpec& t = sc.targets[o.target];
    s += " (1 if ";
    s += t.indicator;
    s += t.op == TargetOp::at_least ? " >= " : " <= ";
    s += fmt("%g", t.value);
    s += t.by ? " by " : " in ";
    s += std::to_string(t.year);
    s += ", else 0)";
  }
  return s;
}

std::string sobol_text(const SobolResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = "Sobol indices of ";
  s += describe_output(o, sc);
  s += "\n";
  s += o.is_target ? "probability " : "mean ";
  s += fmt("%.4g", r.mean);
  s += ", variance ";
  s += fmt("%.4g", r.variance);
  s += "; ";
  s += with_commas(r.base_runs);
  s += " base rows, ";
  s += with_commas(r.total_runs);
  s += " runs, sampler ";
  s += r.sampler;
  s += ", seed ";
  s += std::to_string(r.seed);
  s += "\n\n";
  s += pad("parameter", 22) + pad("S1", 7, true) + "  " + pad("95% interval", 17) +
       pad("ST", 7, true) + "  " + pad("95% interval", 17) + "ST\n";
  std::vector<SobolIndex> sorted = r.parameters;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const SobolIndex& a, const SobolIndex& b) { return a.st > b.st; });
  double sum = 0;
  for (const SobolIndex& ix : sorted) {
    sum += ix.s1;
    std::string ci1 = "[";
    ci1 += fmt("%.3f", ix.s1_lo);
    ci1 += ", ";
    ci1 += fmt("%.3f", ix.s1_hi);
    ci1 += "]";
    std::string cit = "[";
    cit += fmt("%.3f", ix.st_lo);
    cit += ", ";
    cit += fmt("%.3f", ix.st_hi);
    cit += "]";
    const int bar = static_cast<int>(std::lround(std::clamp(ix.st, 0.0, 1.0) * 24));
    std::string line = pad(ix.name, 22);
    line += pad(fmt("%.3f", ix.s1), 7, true);
    line += "  ";
    line += pad(ci1, 17);
    line += pad(fmt("%.3f", ix.st), 7, true);
    line += "  ";
    line += pad(cit, 17);
    line += std::string(static_cast<std::size_t>(bar), '#');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  s += "\nsum of S1 ";
  s += fmt("%.3f", sum);
  s += ": the remaining ";
  s += fmt("%.3f", std::max(0.0, 1 - sum));
  s += " of the variance comes from interactions\nand from the runs' own noise and shocks (see "
       "docs/analysis.md).\n";
  return s;
}

std::string tornado_text(const TornadoResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = "Tornado of ";
  s += describe_output(o, sc);
  s += "\n";
  s += o.is_target ? "probability" : "mean";
  s += " with every parameter at its median: ";
  s += fmt("%.4g", r.baseline);
  s += "; ";
  s += with_commas(r.runs_per_setting);
  s += " runs per setting, ";
  s += with_commas(r.total_runs);
  s += " runs, seed ";
  s += std::to_string(r.seed);
  s += "\n\n";
  constexpr int kChart = 25;
  double lo = r.baseline, hi = r.baseline;
  for (const TornadoBar& b : r.parameters) {
    lo = std::min({lo, b.low, b.high});
    hi = std::max({hi, b.low, b.high});
  }
  auto col = [&](double x) {
    if (!(hi > lo)) return kChart / 2;
    return std::clamp(static_cast<int>(std::lround((x - lo) / (hi - lo) * (kChart - 1))), 0,
                      kChart - 1);
  };
  s += pad("parameter", 20) + pad("p10 value", 10, true) + pad("p90 value", 10, true) +
       pad("at p10", 10, true) + pad("at p90", 10, true) + pad("swing", 10, true) + "  " +
       "low ... high (| median)\n";
  for (const TornadoBar& b : r.parameters) {
    std::string chart(kChart, ' ');
    const int a = col(std::min(b.low, b.high)), z = col(std::max(b.low, b.high));
    for (int c = a; c <= z; ++c) chart[static_cast<std::size_t>(c)] = '=';
    chart[static_cast<std::size_t>(col(r.baseline))] = '|';
    std::string line = pad(b.name, 20);
    line += pad(fmt("%.4g", b.p10_value), 10, true);
    line += pad(fmt("%.4g", b.p90_value), 10, true);
    line += pad(fmt("%.4g", b.low), 10, true);
    line += pad(fmt("%.4g", b.high), 10, true);
    line += pad(fmt("%.4g", b.swing), 10, true);
    line += "  ";
    line += chart;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  return s;
}

std::string sobol_json(const SobolResult& r) {
  nlohmann::ordered_json j;
  j["of"] = r.of;
  j["method"] = "sobol";
  j["sampler"] = r.sampler;
  j["seed"] = r.seed;
  j["base_runs"] = r.base_runs;
  j["runs"] = r.total_runs;
  j["bootstrap"] = r.bootstrap;
  j["mean"] = r.mean;
  j["variance"] = r.variance;
  nlohmann::ordered_json ps = nlohmann::ordered_json::object();
  for (const SobolIndex& ix : r.parameters) {
    nlohmann::ordered_json p;
    p["S1"] = ix.s1;
    p["S1_ci95"] = {ix.s1_lo, ix.s1_hi};
    p["ST"] = ix.st;
    p["ST_ci95"] = {ix.st_lo, ix.st_hi};
    ps[ix.name] = p;
  }
  j["parameters"] = ps;
  return j.dump(2) + "\n";
}

std::string tornado_json(const TornadoResult& r) {
  nlohmann::ordered_json j;
  j["of"] = r.of;
  j["method"] = "tornado";
  j["seed"] = r.seed;
  j["runs_per_setting"] = r.runs_per_setting;
  j["runs"] = r.total_runs;
  j["baseline"] = r.baseline;
  nlohmann::ordered_json ps = nlohmann::ordered_json::array();
  for (const TornadoBar& b : r.parameters) {
    nlohmann::ordered_json p;
    p["name"] = b.name;
    p["low"] = b.low;
    p["high"] = b.high;
    p["swing"] = b.swing;
    p["p10_value"] = b.p10_value;
    p["p90_value"] = b.p90_value;
    ps.push_back(p);
  }
  j["parameters"] = ps;
  return j.dump(2) + "\n";
}

}  // namespace

int cli_sensitivity(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("of", po::value<std::string>()->value_name("INDICATOR@YEAR|TARGET_ID"),
     "the outcome: an indicator's value in a year, or a target (1 if met, else 0)")
    ("method", po::value<std::string>()->value_name("sobol|tornado"), "default: sobol")
    ("runs", po::value<std::string>()->value_name("N"),
     "sobol: base rows (default 10000); tornado: runs per setting (default 4000)")
    ("seed", po::value<std::string>()->value_name("S"), "random seed (default: the file's)")
    ("threads", po::value<std::string>()->value_name("T"),
     "worker threads; 0 or absent: all cores (results do not depend on it)")
    ("variant", po::value<std::string>()->value_name("NAME"), "analyse a named variant")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("json", po::value<std::string>()->value_name("F"), "write the indices as JSON ('-': stdout)")
    ("report", po::value<std::string>()->value_name("F.html"),
     "write a self-contained HTML report (S1/ST bars with intervals, or the tornado chart)")
    ("quiet,q", "no table and no progress bar");
  // clang-format on
  cli::add_max_memory_option(desc);
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kSensitivityUsage << "\n" << desc << std::flush;
    return 0;
  }
  if (!vm.count("of")) throw UsageError("sensitivity needs --of INDICATOR@YEAR or --of TARGET_ID");
  const std::string method = vm.count("method") ? vm["method"].as<std::string>() : "sobol";
  if (method != "sobol" && method != "tornado") {
    std::string m = "--method: '";
    m += method;
    m += "' is not a method (expected sobol or tornado)";
    throw UsageError(m);
  }
  SensitivityOptions so;
  const cli::CommonFlags flags = cli::read_common_flags(vm, 2, kMaxBaseRuns);
  so.runs = flags.runs.value_or(0);
  so.seed = flags.seed;
  so.threads = flags.threads;
  const LoadOptions& opts = flags.load;
  const std::string& json_path = flags.json_path;
  const bool quiet = flags.quiet;

  const Registry& registry = builtin_registry();
  const Scenario scenario =
      vm.count("scenario")
          ? load_scenario_file(vm["scenario"].as<std::string>(), opts, registry)
          : load_scenario_text(std::string(bundled_scenario_text()), kBundledName, opts, registry);
  const SensitivityOutput output = resolve_output(scenario, vm["of"].as<std::string>());
  const auto compiled = compile(scenario, registry);
  check_memory("sensitivity",
               method == "sobol"
                   ? estimate_sobol_memory(*compiled, so.runs ? so.runs : kSobolDefaultRuns,
                                           so.threads, flags.max_memory)
                   : estimate_run_memory(*compiled, so.threads,
                                         so.runs ? so.runs : kTornadoDefaultRuns, flags.max_memory),
               flags.max_memory);

  cli::CancelOnSignal cancel;
  cli::ProgressBar bar(err, !quiet && cli::is_terminal(err));
  so.cancel = &cancel.flag();
  so.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  std::string text, json, report;
  if (method == "sobol") {
    const SobolResult r = sobol_sensitivity(scenario, registry, output, so);
    text = sobol_text(r, output, scenario);
    json = sobol_json(r);
    if (!flags.report_path.empty()) {
      report = sobol_report_html(scenario, r, describe_output(output, scenario));
    }
  } else {
    const TornadoResult r = tornado_sensitivity(scenario, registry, output, so);
    text = tornado_text(r, output, scenario);
    json = tornado_json(r);
    if (!flags.report_path.empty()) {
      report = tornado_report_html(scenario, r, describe_output(output, scenario));
    }
  }
  bar.finish();
  if (cancel.cancelled()) throw Interrupted();
  if (!quiet && json_path != "-") {
    out << text << std::flush;
    if (!out) throw RunError("cannot write standard output");
  }
  if (json_path == "-") {
    out << json << std::flush;
    if (!out) throw RunError("cannot write standard output");
  } else if (!json_path.empty()) {
    write_output(json_path, json);
  }
  if (!flags.report_path.empty()) write_output(flags.report_path, report);
  return 0;
}

}  // namespace plancast
