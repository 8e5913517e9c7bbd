// `plancast discover`: PRIM scenario discovery for one target (engine/analysis/discover.h).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/analysis/discover.h"
#include "engine/analysis/memory.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "models/register_builtin.h"

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
  double v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  const auto res = std::from_chars(first, last, v);
  if (text.empty() || res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) {
    std::string msg = flag;
    msg += ": '";
    msg += text;
    msg += "' is not a number";
    throw UsageError(msg);
  }
  if (!(v > lo && v < hi)) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "%s: %s is out of range (expected more than %g and less than %g)", flag.c_str(),
                  text.c_str(), lo, hi);
    throw UsageError(buf);
  }
  return v;
}

Scenario load(const std::optional<std::string>& file, LoadOptions opts, std::uint64_t runs,
              const std::optional<std::uint64_t>& seed, const Registry& registry) {
  auto attempt = [&](std::vector<std::string> first) {
    LoadOptions o = opts;
    first.insert(first.end(), opts.sets.begin(), opts.sets.end());
    o.sets = std::move(first);
    return file ? load_scenario_file(*file, o, registry)
                : load_scenario_text(std::string(bundled_scenario_text()), kBundledName, o,
                                     registry);
  };
  std::vector<std::string> per_key = {"simulation.runs=" + std::to_string(runs)};
  std::string subtree = "simulation={runs: " + std::to_string(runs);
  if (seed) {
    per_key.push_back("simulation.seed=" + std::to_string(*seed));
    subtree += ", seed: " + std::to_string(*seed);
  }
  subtree += "}";
  try {
    return attempt(per_key);
  } catch (const ScenarioError& e) {
    bool no_simulation_map = false;
    for (const Diagnostic& d : e.diagnostics()) {
      if (d.loc.file == "--set" && d.message.find("'simulation' not found") != std::string::npos) {
        no_simulation_map = true;
      }
    }
    if (!no_simulation_map) throw;
  }
  return attempt({subtree});
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string limits_text(const DiscoverResult& r, const BoxParameter& bp) {
  const auto& range = r.range[bp.index];
  const bool lo = bp.lo > range[0];
  const bool hi = bp.hi < range[1];
  std::string s;
  if (lo && hi) {
    s = "between ";
    s += fmt("%.4g", bp.lo);
    s += " and ";
    s += fmt("%.4g", bp.hi);
  } else if (hi) {
    s = "<= ";
    s += fmt("%.4g", bp.hi);
  } else {
    s = ">= ";
    s += fmt("%.4g", bp.lo);
  }
  return s;
}

std::string text_report(const DiscoverResult& r, const DiscoverOptions& o) {
  const char* what = r.find_missed ? "missed" : "met";
  std::string s;
  char line[256];
  std::snprintf(
      line, sizeof line, "target %s %s in %llu of %llu runs (%.1f%%)\n", r.target.c_str(), what,
      static_cast<unsigned long long>(r.of_interest), static_cast<unsigned long long>(r.runs),
      r.runs ? 100.0 * static_cast<double>(r.of_interest) / static_cast<double>(r.runs) : 0.0);
  s += line;
  std::snprintf(
      line, sizeof line,
      "PRIM trajectory: %zu boxes (peel %.3g of the box at a time, down to mass %.3g)\n\n",
      r.boxes.size(), o.alpha, o.min_mass);
  s += line;
  s += "   box  coverage  density    mass  restricted\n";
  // A few rows: about ten evenly spaced, plus the chosen box and the last.
  const std::size_t nb = r.boxes.size();
  const std::size_t every = std::max<std::size_t>(1, (nb + 9) / 10);
  for (std::size_t i = 0; i < nb; ++i) {
    if (i % every != 0 && i != r.chosen && i + 1 != nb) continue;
    const PrimBox& b = r.boxes[i];
    std::size_t nr = 0;
    for (bool x : b.restricted) nr += x ? 1 : 0;
    std::snprintf(line, sizeof line, " %c%4zu  %8.3f  %7.3f  %6.3f  %zu%s\n",
                  i == r.chosen ? '*' : ' ', i, b.coverage, b.density, b.mass, nr,
                  b.pasted ? " (pasted)" : "");
    s += line;
  }
  const PrimBox& c = r.boxes[r.chosen];
  std::snprintf(
      line, sizeof line,
      "\nchosen box %zu: %.1f%% of the %s runs (coverage), %s in %.1f%% of the runs in it "
      "(density)\n",
      r.chosen, 100 * c.coverage, what, what, 100 * c.density);
  s += line;
  if (r.chosen_parameters.empty()) {
    s += "  no parameter is restricted: no box does better than the whole sample\n";
    return s;
  }
  s += "  the target is mostly ";
  s += what;
  s += " when\n";
  s += "    parameter                 limits                          quasi-p  density without\n";
  for (const BoxParameter& bp : r.chosen_parameters) {
    std::snprintf(line, sizeof line, "    %-24.24s  %-30.30s  %7.2g  %15.3f\n",
                  r.parameters[bp.index].c_str(), limits_text(r, bp).c_str(), bp.quasi_p,
                  bp.density_without);
    s += line;
  }
  s += "  quasi-p: chance of the box's density were the limit on that parameter dropped; above\n"
       "  0.05 the limit is probably noise. --json lists every box of the trajectory.\n";
  return s;
}

nlohmann::ordered_json to_json(const DiscoverResult& r) {
  nlohmann::ordered_json j;
  j["target"] = r.target;
  j["find"] = r.find_missed ? "missed" : "met";
  auto boxes = nlohmann::ordered_json::array();
  for (const PrimBox& b : r.boxes) {
    nlohmann::ordered_json jb;
    jb["coverage"] = b.coverage;
    jb["density"] = b.density;
    auto lim = nlohmann::ordered_json::object();
    for (std::size_t p = 0; p < r.parameters.size(); ++p) {
      if (b.restricted[p]) lim[r.parameters[p]] = {b.limits[p][0], b.limits[p][1]};
    }
    jb["limits"] = lim;
    jb["mass"] = b.mass;
    jb["runs"] = b.runs;
    jb["hits"] = b.hits;
    if (b.pasted) jb["pasted"] = true;
    boxes.push_back(jb);
  }
  j["boxes"] = boxes;
  j["chosen"] = r.chosen;
  j["runs"] = r.runs;
  j["of_interest"] = r.of_interest;
  auto params = nlohmann::ordered_json::array();
  for (const BoxParameter& bp : r.chosen_parameters) {
    nlohmann::ordered_json jp;
    jp["name"] = r.parameters[bp.index];
    jp["limits"] = {bp.lo, bp.hi};
    jp["quasi_p"] = bp.quasi_p;
    jp["density_without"] = bp.density_without;
    params.push_back(jp);
  }
  j["chosen_parameters"] = params;
  return j;
}

}  // namespace

int cli_discover(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("target", po::value<std::string>()->value_name("ID"), "the target to explain (required)")
    ("find", po::value<std::string>()->value_name("missed|met"),
     "look for runs where the target is missed (default) or met")
    ("runs", po::value<std::string>()->value_name("N"), "simulated futures (default 20000, at most 1000000)")
    ("seed", po::value<std::string>()->value_name("S"), "random seed (default: the file's)")
    ("threads", po::value<std::string>()->value_name("T"), "worker threads (results do not depend on it)")
    ("variant", po::value<std::string>()->value_name("NAME"), "use a named variant")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("alpha", po::value<std::string>()->value_name("A"), "share of the box peeled at a time (default 0.05)")
    ("min-mass", po::value<std::string>()->value_name("M"), "smallest box, as a share of all runs (default 0.05)")
    ("json", po::value<std::string>()->value_name("F"), "write the boxes as JSON ('-': stdout)")
    ("quiet,q", "no report and no progress bar");
  // clang-format on
  cli::add_max_memory_option(desc);
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kDiscoverUsage << "\n" << desc << std::flush;
    return 0;
  }
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
  const std::uint64_t runs = flags.runs.value_or(kDiscoverDefaultRuns);
  const std::optional<std::uint64_t> seed = flags.seed;
  RunOptions ro;
  ro.threads = flags.threads;
  const LoadOptions& opts = flags.load;
  const std::string& json_path = flags.json_path;
  const bool quiet = flags.quiet;

  const Registry& registry = builtin_registry();
  const std::optional<std::string> file =
      vm.count("scenario") ? std::optional(vm["scenario"].as<std::string>()) : std::nullopt;
  const Scenario scenario = load(file, opts, runs, seed, registry);
  const auto compiled = compile(scenario, registry);
  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  check_memory(
      "discover",
      estimate_discover_memory(*compiled, runs, ro.threads, flags.max_memory, &cancel.flag()),
      flags.max_memory);
  if (cancel.cancelled()) throw Interrupted();  // during the estimate's pilot

  cli::ProgressBar bar(err, !quiet && cli::is_terminal(err));
  ro.cancel = &cancel.flag();
  ro.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  const DiscoverResult r = discover(*compiled, target, dopt, ro);
  bar.finish();
  if (cancel.cancelled()) throw Interrupted();

  std::string json =
      json_path.empty()
          ? ""
          : to_json(r).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  // One transaction (output_file.h): the file staged, the text, then put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, std::move(json));
  if (!quiet && json_path != "-") write_stream(out, text_report(r, dopt), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
