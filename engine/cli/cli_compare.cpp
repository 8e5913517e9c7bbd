// `plancast compare`: the base and variants of a scenario with common random numbers, as a
// side-by-side table of target probabilities, paired differences and medians, and JSON.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/analysis/compare.h"
#include "engine/analysis/memory.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/report.h"
#include "engine/io/text.h"
#include "models/register_builtin.h"

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

/// `s` cut or padded to `w` terminal columns; a cut ends in '~'. `right`: pad on the left.
std::string fit(const std::string& s, std::size_t w, bool right = false) {
  std::string t = s;
  if (display_width(t) > w) {
    while (!t.empty() && display_width(t) + 1 > w) {
      t.pop_back();
      while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
      if (!t.empty() && (static_cast<unsigned char>(t.back()) & 0x80) != 0) t.pop_back();
    }
    t += "~";
  }
  const std::size_t pad = w > display_width(t) ? w - display_width(t) : 0;
  return right ? std::string(pad, ' ') + t : t + std::string(pad, ' ');
}

/// `text` word-wrapped to kTextWidth columns, the first line after `first`, the others after
/// `rest`.
std::string wrap(const std::string& text, const std::string& first, const std::string& rest) {
  std::string out, line = first, word;
  bool empty = true;
  std::istringstream in(text);
  while (in >> word) {
    if (!empty && display_width(line) + 1 + display_width(word) > kTextWidth) {
      out += line + "\n";
      line = rest;
      empty = true;
    }
    if (!empty) line += " ";
    line += word;
    empty = false;
  }
  return out + line + "\n";
}

std::string se_text(const PairedDifference& d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f / %.2f", 100 * d.std_error, 100 * d.unpaired_std_error);
  return buf;
}

/// One table with a label column and per-scenario columns; the base column repeats in every
/// chunk and the variant columns wrap into several tables to stay within kTextWidth.
struct Table {
  std::string label_header;
  std::vector<std::string> labels;
  std::vector<std::vector<std::string>> cells;  ///< [row][scenario]
};

/// `repeat_first`: the first column (the base) appears in every chunk. Cells wider than
/// `max_cell` are cut.
std::string render(const Table& t, const std::vector<std::string>& names, std::size_t min_cell,
                   bool repeat_first = true, std::size_t max_cell = 30) {
  std::size_t w0 = display_width(t.label_header);
  for (const auto& l : t.labels) w0 = std::max(w0, display_width(l));
  w0 = std::min<std::size_t>(w0, 28);
  std::vector<std::size_t> w(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    w[i] = std::max(min_cell, std::min<std::size_t>(display_width(names[i]), 24));
    for (const auto& row : t.cells)
      w[i] = std::max(w[i], std::min(display_width(row[i]), max_cell));
  }
  std::string out;
  const std::size_t fixed = repeat_first ? 1 : 0;
  std::size_t next = fixed;
  do {
    std::vector<std::size_t> cols;
    std::size_t width = w0;
    if (repeat_first) {
      cols.push_back(0);
      width += 2 + w[0];
    }
    while (next < names.size() && (cols.size() == fixed || width + 2 + w[next] <= kTextWidth)) {
      width += 2 + w[next];
      cols.push_back(next++);
    }
    if (!out.empty()) out += "\n";
    std::string line = fit(t.label_header, w0);
    for (std::size_t c : cols) line += "  " + fit(names[c], w[c], true);
    out += line + "\n";
    for (std::size_t r = 0; r < t.labels.size(); ++r) {
      line = fit(t.labels[r], w0);
      for (std::size_t c : cols) line += "  " + fit(t.cells[r][c], w[c], true);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  } while (next < names.size());
  return out;
}

std::string to_text(const Comparison& c) {
  auto line_of = [](const std::string& text) {
    std::string l = fit(text, kTextWidth);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  std::string s = line_of("plancast compare: " + c.scenario);
  if (!c.results.empty() && !c.results[0].title.empty()) s += line_of(c.results[0].title);
  s += std::to_string(c.runs) + " runs, seed " + std::to_string(c.seed);
  s += ", common random numbers: run r of every variant uses the same draws\n\n";

  s += "Probability of each target, and the change from base in percentage points with its\n"
       "95% interval [low, high] (paired over runs; Tango's score interval):\n\n";
  // Probability and change as two aligned parts of one cell.
  std::size_t w_diff = 0;
  for (const TargetComparison& tc : c.targets) {
    for (const auto& d : tc.difference) {
      if (d) w_diff = std::max(w_diff, display_width(difference_points_text(*d)));
    }
  }
  Table t;
  t.label_header = "target";
  for (const TargetComparison& tc : c.targets) {
    t.labels.push_back(tc.id);
    std::vector<std::string> row;
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
      if (!tc.probability[i]) {
        row.push_back("-");
      } else if (i == 0 || !tc.difference[i]) {
        row.push_back(human_percent(*tc.probability[i]));
      } else {
        std::string cell = fit(human_percent(*tc.probability[i]), 7, true);
        cell += "  ";
        cell += fit(difference_points_text(*tc.difference[i]), w_diff, true);
        row.push_back(cell);
      }
    }
    t.cells.push_back(std::move(row));
  }
  // The widest cell: a probability, and "+0.000000 [-0.000004, +0.000004]" at 10^8 runs.
  s += render(t, c.variants, 7, true, 7 + 2 + 34);

  if (c.variants.size() > 1) {
    s += "\nStandard error of the change in points, paired / if the runs were independent:\n\n";
    Table e;
    e.label_header = "target";
    std::vector<std::string> names(c.variants.begin() + 1, c.variants.end());
    for (const TargetComparison& tc : c.targets) {
      e.labels.push_back(tc.id);
      std::vector<std::string> row;
      for (std::size_t i = 1; i < c.variants.size(); ++i) {
        row.push_back(tc.difference[i] ? se_text(*tc.difference[i]) : "-");
      }
      e.cells.push_back(std::move(row));
    }
    s += render(e, names, 11, false);
  }

  s += "\nMedian (p50) of each indicator:\n\n";
  Table m;
  m.label_header = "indicator";
  for (const MedianRow& r : c.medians) {
    m.labels.push_back(r.indicator + " " + std::to_string(r.year));
    std::vector<std::string> row;
    for (const auto& v : r.median) row.push_back(v ? human_number(*v) : "-");
    m.cells.push_back(std::move(row));
  }
  s += render(m, c.variants, 8);

  if (!c.notes.empty()) {
    s += "\nNotes:\n";
    for (const std::string& n : c.notes) s += wrap(n, "  ", "    ");
  }
  return s;
}

nlohmann::ordered_json to_json(const Comparison& c) {
  using J = nlohmann::ordered_json;
  J j;
  j["scenario"] = c.scenario;
  j["runs"] = c.runs;
  j["seed"] = c.seed;
  j["variants"] = c.variants;
  J targets = J::array();
  for (const TargetComparison& tc : c.targets) {
    J t;
    t["id"] = tc.id;
    J p = J::object();
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
      if (tc.probability[i]) p[c.variants[i]] = *tc.probability[i];
    }
    t["probability"] = p;
    J d = J::object();
    for (std::size_t i = 1; i < c.variants.size(); ++i) {
      if (!tc.difference[i]) continue;
      const PairedDifference& x = *tc.difference[i];
      J e;
      e["value"] = x.value;
      e["ci95"] = {x.ci95[0], x.ci95[1]};
      e["std_error"] = x.std_error;
      e["unpaired_std_error"] = x.unpaired_std_error;
      e["runs_gained"] = x.gained;
      e["runs_lost"] = x.lost;
      d[c.variants[i]] = e;
    }
    t["difference"] = d;
    targets.push_back(t);
  }
  j["targets"] = targets;
  J med = J::object();
  for (const MedianRow& r : c.medians) {
    J cell = J::object();
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
      if (r.median[i]) cell[c.variants[i]] = *r.median[i];
    }
    if (!med.contains(r.indicator)) med[r.indicator] = J::object();
    med[r.indicator][std::to_string(r.year)] = cell;
  }
  j["medians"] = med;
  j["notes"] = c.notes;
  return j;
}

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
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("variants", po::value<std::string>()->value_name("a,b,..."),
     "variants to compare with the base (default: all the scenario defines)")
    ("runs", po::value<std::string>()->value_name("N"),
     "runs per variant, at most 10^8 (default: the file's simulation.runs)")
    ("seed", po::value<std::string>()->value_name("S"), "random seed, the same for every variant")
    ("threads", po::value<std::string>()->value_name("T"),
     "worker threads; 0 or absent: all cores (results do not depend on it)")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value in the base and every variant (after the variant); repeatable")
    ("json", po::value<std::string>()->value_name("F"), "write the comparison as JSON ('-': stdout)")
    ("report", po::value<std::string>()->value_name("F.html"),
     "write a self-contained HTML report: probability bars per target, medians overlaid")
    ("quiet,q", "no table and no progress bar");
  // clang-format on
  cli::add_max_memory_option(desc);
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kCompareUsage << "\n" << desc << std::flush;
    return 0;
  }

  const cli::CommonFlags flags = cli::read_common_flags(vm, 1, kMaxCompareRuns);
  const std::optional<std::uint64_t> runs = flags.runs, seed = flags.seed;
  RunOptions ro;
  ro.threads = flags.threads;
  const std::vector<std::string>& sets = flags.load.sets;
  const std::string& json_path = flags.json_path;
  const bool quiet = flags.quiet;

  const Registry& registry = builtin_registry();
  const std::optional<std::string> file =
      vm.count("scenario") ? std::optional(vm["scenario"].as<std::string>()) : std::nullopt;
  auto load = [&](const std::string& variant) {
    LoadOptions o;
    o.variant = variant;
    o.sets = sets;
    Scenario sc =
        file ? load_scenario_file(*file, o, registry)
             : load_scenario_text(std::string(bundled_scenario_text()), kBundledName, o, registry);
    return sc;
  };

  std::vector<CompareEntry> entries;
  entries.push_back({"base", load("")});
  const Scenario& base = entries.front().scenario;
  std::vector<std::string> names = base.variant_names;
  if (vm.count("variants")) {
    names = split_list(vm["variants"].as<std::string>());
    for (const std::string& n : names) {
      if (std::find(base.variant_names.begin(), base.variant_names.end(), n) ==
          base.variant_names.end()) {
        std::string known;
        for (const auto& v : base.variant_names) known += (known.empty() ? "" : ", ") + v;
        std::string msg = "--variants: unknown variant '";
        msg += n;
        msg += "' (";
        msg += known.empty() ? std::string("the scenario defines none") : "variants: " + known;
        msg += ")";
        throw UsageError(msg);
      }
      if (n == "base") throw UsageError("--variants: 'base' is always compared; name variants");
    }
  }
  for (const std::string& n : names) entries.push_back({n, load(n)});
  // Every scenario gets the same runs, seed and sampler, so that run r draws the same numbers.
  const SimulationSpec sim = entries.front().scenario.simulation;
  for (CompareEntry& e : entries) {
    e.scenario.simulation.runs = runs.value_or(sim.runs);
    e.scenario.simulation.seed = seed.value_or(sim.seed);
    e.scenario.simulation.sampler = sim.sampler;
  }
  cli::CancelOnSignal cancel;  // from here on (the estimate's pilot simulates)
  check_memory("compare",
               estimate_compare_memory(*compile(entries.front().scenario, registry),
                                       entries.front().scenario.simulation.runs, ro.threads,
                                       flags.max_memory, &cancel.flag()),
               flags.max_memory);
  if (cancel.cancelled()) throw Interrupted();  // during the estimate's pilot
  cli::ProgressBar bar(err, !quiet && cli::is_terminal(err));
  ro.cancel = &cancel.flag();
  ro.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
  const Comparison c = compare(entries, registry, ro);
  bar.finish();
  if (cancel.cancelled()) throw Interrupted();

  std::string json =
      json_path.empty()
          ? ""
          : to_json(c).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::string report =
      flags.report_path.empty() ? "" : compare_report_html(entries.front().scenario, c);
  // One transaction (output_file.h): files staged, the table, then all put in place.
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, std::move(json));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, std::move(report));
  if (!quiet && json_path != "-") write_stream(out, to_text(c), &cancel.flag());
  outputs.commit();
  return 0;
}

}  // namespace plancast
