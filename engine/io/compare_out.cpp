// The text table and JSON of `plancast compare` (see compare_out.h).
#include "engine/io/compare_out.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/core/utf8.h"
#include "engine/io/labels.h"
#include "engine/io/text.h"

namespace plancast {

namespace {

/// `s` cut (ending in '~') or padded to `w` terminal columns; `right`: pad on the left.
std::string fit(const std::string& s, std::size_t w, bool right = false) {
  return fit_to_width(s, w, right ? Align::right : Align::left);
}

std::string se_text(const PairedDifference& d) {
  return fmt::format("{:.2f} / {:.2f}", 100 * d.std_error, 100 * d.unpaired_std_error);
}

/// One table with a label column and per-scenario columns; the base column repeats in every
/// chunk and the variant columns wrap into several tables to stay within kTextWidth.
struct Table {
  std::string label_header;
  std::vector<std::string> labels;
  std::vector<std::vector<std::string>> cells;  ///< [row][scenario]
};

/// `repeat_first`: the first column (the base) appears in every chunk. Cells wider than
/// `max_cell` (labels than 28, names than 24) continue on the next line.
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
    // Cells wider than their column continue on the next line (row_lines): never cut.
    auto row = [&](const std::string& label, auto&& cell_of) {
      std::vector<RowCell> cells{{label, w0, Align::left, ""}};
      for (std::size_t c : cols) cells.push_back({cell_of(c), w[c], Align::right, "  "});
      for (const std::string& l : row_lines(cells)) out += l + "\n";
    };
    row(t.label_header, [&](std::size_t c) { return names[c]; });
    for (std::size_t r = 0; r < t.labels.size(); ++r) {
      row(t.labels[r], [&](std::size_t c) { return t.cells[r][c]; });
    }
  } while (next < names.size());
  return out;
}

/// What each variant changes, as the file writes it, one override a line (wrapped).
std::string variants_text(const Comparison& c, const Scenario* base) {
  std::size_t w = 0;
  for (std::size_t i = 1; i < c.variants.size(); ++i) w = std::max(w, display_width(c.variants[i]));
  w = std::min<std::size_t>(w, 28);
  std::string s;
  for (std::size_t i = 1; i < c.variants.size() && i < c.overrides.size(); ++i) {
    const auto& ovs = c.overrides[i];
    const std::string name = pad_to_width(c.variants[i], w);  // a longer name widens its line
    const std::string blank(w, ' ');
    if (ovs.empty()) s += wrap_text(name + "  (changes nothing)", kTextWidth, "  ", "    ");
    for (std::size_t k = 0; k < ovs.size(); ++k) {
      const std::string lead = "  " + (k == 0 ? name : blank) + "  ";
      const std::string title = base ? path_title(*base, ovs[k].first) : std::string();
      s += wrap_text(
          ovs[k].first + ": " + ovs[k].second + (title.empty() ? "" : "  (" + title + ")"),
          kTextWidth, lead,
          "  " + blank + "      ");  // continued lines: under the value, no name
    }
  }
  if (s.empty()) return s;
  return "What each variant changes from the base (as the scenario file writes it):\n" + s + "\n";
}

/// An override's value in JSON: a number where the text is one, else the YAML text.
nlohmann::ordered_json override_value(const std::string& text) {
  const char* end = text.data() + text.size();
  std::int64_t n = 0;
  const auto [iptr, iec] = std::from_chars(text.data(), end, n);
  if (iec == std::errc() && iptr == end) return n;
  double x = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (ec == std::errc() && ptr == end && std::isfinite(x)) return x;
  return text;
}

}  // namespace

std::string compare_text(const Comparison& c, const Scenario* base) {
  auto line_of = [](const std::string& text) { return wrap_text(text, kTextWidth); };
  std::string s = line_of("plancast compare: " + c.scenario);
  if (!c.results.empty() && !c.results[0].title.empty()) s += line_of(c.results[0].title);
  s += std::to_string(c.runs) + " runs, seed " + std::to_string(c.seed);
  s += ", common random numbers: run r of every variant uses the same draws\n\n";
  s += variants_text(c, base);

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
    for (const std::string& n : c.notes) s += wrap_text(n, kTextWidth, "  ", "    ");
  }
  return s;
}

std::string compare_json(const Comparison& c) {
  using J = nlohmann::ordered_json;
  J j;
  j["scenario"] = c.scenario;
  j["runs"] = c.runs;
  j["seed"] = c.seed;
  J variants = J::array();
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    J v;
    v["name"] = c.variants[i];
    J ovs = J::object();
    if (i < c.overrides.size()) {
      for (const auto& [path, value] : c.overrides[i]) ovs[path] = override_value(value);
    }
    v["overrides"] = ovs;
    variants.push_back(v);
  }
  j["variants"] = variants;
  // What each ran: the scenario loaded with the base's runs, seed and sampler.
  J sha = J::object();
  for (std::size_t i = 0; i < c.variants.size() && i < c.results.size(); ++i) {
    sha[c.variants[i]] = c.results[i].scenario_sha256;
  }
  j["scenario_sha256"] = sha;
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
  return j.dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace plancast
