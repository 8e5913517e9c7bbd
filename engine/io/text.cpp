// Terminal summary of run results (layout documented in text.h).
#include "engine/io/text.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace plancast {

namespace {

/// `s` fitted to `width` columns and padded (left-aligned unless `right`).
std::string cell(const std::string& s, std::size_t width, bool right = false) {
  return fit_to_width(s, width, right ? Align::right : Align::left);
}

/// A line of the summary (trailing blanks removed); one wider than kTextWidth (a long
/// title) wraps at its spaces onto further lines: nothing is cut.
void line(std::string& out, const std::string& s) {
  std::string f = s;
  while (!f.empty() && f.back() == ' ') f.pop_back();
  out += display_width(f) > kTextWidth ? wrap_text(f, kTextWidth) : f + '\n';
}

std::string interval(const std::array<double, 2>& ci) {
  std::string out = "[";  // built step by step: g++ 12 -O3 warns on "[" + string&& (PR105651)
  out += human_percent(ci[0]);
  out += ", ";
  out += human_percent(ci[1]);
  out += ']';
  return out;
}

// Column widths of the ranges table (2 + 20 + 1 + 16 + 1 + 4 + 4 x 11 = 88 columns, the
// indicator column widening to 32 for longer names); the target table sizes its columns to
// their content.
constexpr std::size_t kIndicator = 20, kProb = 11;
constexpr std::size_t kUnit = 16, kNum = 11;

}  // namespace

std::string to_text_summary(const Results& r) {
  std::string out;
  line(out, r.title.empty() ? r.scenario : r.title);
  line(out, "scenario " + r.scenario + ", " +
                (r.variant ? "variant " + *r.variant : std::string("base (no variant)")) + ", " +
                std::to_string(r.runs) + " runs, seed " + std::to_string(r.seed) + ", sampler " +
                r.sampler);

  if (!r.targets.empty()) {
    // Columns as wide as their widest entry; when the table would pass kTextWidth, the
    // indicator column gives way first, then the target, then the id (never below 12), and
    // what no longer fits continues on the next line of its column.
    auto unit_of = [&r](const std::string& name) {
      for (const IndicatorResult& i : r.indicators) {
        if (i.name == name) return i.unit;
      }
      return std::string();
    };
    std::vector<std::array<std::string, 6>> rows;
    std::size_t w_id = 2, w_ind = 9, w_when = 4, w_target = 6, w_ci = 12;
    for (const TargetResult& t : r.targets) {
      const std::string unit = unit_of(t.indicator);
      std::array<std::string, 6> row = {
          t.id,
          t.indicator,
          (t.by ? "by " : "") + std::to_string(t.year),
          t.op + " " + human_number(t.value) + (unit.empty() || unit == "%" ? unit : " " + unit),
          human_percent(t.p.probability),
          interval(t.p.ci95)};
      w_id = std::max(w_id, display_width(row[0]));
      w_ind = std::max(w_ind, display_width(row[1]));
      w_when = std::max(w_when, display_width(row[2]));
      w_target = std::max(w_target, display_width(row[3]));
      w_ci = std::max(w_ci, display_width(row[5]));
      rows.push_back(std::move(row));
    }
    auto total = [&] {
      return 2 + w_id + 1 + w_ind + 1 + w_when + 2 + w_target + 1 + kProb + 2 + w_ci;
    };
    for (std::size_t* w : {&w_ind, &w_target, &w_id}) {
      while (total() > kTextWidth && *w > 12) --*w;
    }
    out += '\n';
    line(out, "Targets");
    line(out, "  " + cell("id", w_id) + " " + cell("indicator", w_ind) + " " +
                  cell("year", w_when) + "  " + cell("target", w_target) + " " +
                  cell("probability", kProb, true) + "  95% interval");
    // A cell wider than its column continues on the next line: no identifier is ever cut.
    for (const auto& row : rows) {
      for (const std::string& l : row_lines({{row[0], w_id, Align::left, "  "},
                                             {row[1], w_ind, Align::left, " "},
                                             {row[2], w_when, Align::left, " "},
                                             {row[3], w_target, Align::left, "  "},
                                             {row[4], kProb, Align::right, " "},
                                             {row[5], display_width(row[5]), Align::left, "  "}})) {
        line(out, l);
      }
    }
  }

  if (!r.joint.empty()) {
    out += '\n';
    line(out, "All targets of a year met in the same run");
    for (const JointResult& g : r.joint) {
      const std::string what =
          std::to_string(g.targets.size()) + (g.targets.size() == 1 ? " target" : " targets");
      line(out, "  " + cell(std::to_string(g.year), 4) + "  " + cell(what, 11) + " " +
                    cell(human_percent(g.p.probability), 7, true) + "  " + interval(g.p.ci95));
    }
  }

  // Report years that exist in the results; the horizon when none is given.
  std::vector<std::pair<int, std::size_t>> cols;
  for (int y : r.report_years) {
    const auto it = std::find(r.years.begin(), r.years.end(), y);
    if (it != r.years.end()) cols.emplace_back(y, static_cast<std::size_t>(it - r.years.begin()));
  }
  if (cols.empty() && !r.years.empty()) cols.emplace_back(r.years.back(), r.years.size() - 1);

  if (!r.indicators.empty() && !cols.empty()) {
    // The indicator column as wide as the longest name, from kIndicator up to what the
    // line leaves; a longer name (or unit) continues on the rows below, never cut.
    std::size_t w_ind = kIndicator;
    for (const IndicatorResult& ind : r.indicators)
      w_ind = std::max(w_ind, display_width(ind.name));
    w_ind = std::min(w_ind, kTextWidth - (2 + 1 + kUnit + 1 + 4 + 4 * kNum));
    out += '\n';
    line(out, "Ranges (5th, 50th and 95th percentile of runs; mean)");
    line(out, "  " + cell("indicator", w_ind) + " " + cell("unit", kUnit) + " " + cell("year", 4) +
                  cell("p05", kNum, true) + cell("p50", kNum, true) + cell("p95", kNum, true) +
                  cell("mean", kNum, true));
    auto at = [](const std::vector<double>& v, std::size_t t) {
      return t < v.size() ? v[t] : std::nan("");
    };
    for (const IndicatorResult& ind : r.indicators) {
      const std::vector<std::string> name = break_text(ind.name, w_ind);
      const std::vector<std::string> unit = break_text(ind.unit, kUnit);
      const std::size_t rows = std::max({cols.size(), name.size(), unit.size()});
      for (std::size_t k = 0; k < rows; ++k) {
        std::string l = "  " + cell(k < name.size() ? name[k] : "", w_ind) + " " +
                        cell(k < unit.size() ? unit[k] : "", kUnit) + " ";
        if (k < cols.size()) {
          const auto& [year, t] = cols[k];
          // "-" in the years before a later vintage's first year (absent).
          auto num = [&, t = t](const std::vector<double>& v) {
            return cell(ind.present(t) ? human_number(at(v, t)) : "-", kNum, true);
          };
          l += cell(std::to_string(year), 4) + num(ind.quantiles[1]) + num(ind.quantiles[4]) +
               num(ind.quantiles[7]) + num(ind.mean);
        }
        line(out, l);
      }
    }
  }

  if (!r.events.empty() && !cols.empty()) {
    out += '\n';
    line(out, "Events (share of runs in which each occurred)");
    line(out, "  " + cell("event", kIndicator) + " " + cell("year", 4) + cell("share", kNum, true));
    for (const EventResult& e : r.events) {
      bool first = true;
      for (const auto& [year, t] : cols) {
        const double share = t < e.share.size() ? e.share[t] : std::nan("");
        line(out, "  " + cell(first ? e.name : "", kIndicator) + " " +
                      cell(std::to_string(year), 4) + cell(human_percent(share), kNum, true));
        first = false;
      }
    }
  }

  std::vector<std::string> notes;
  for (const TargetResult& t : r.targets) {
    if (t.nonfinite > 0) {
      notes.push_back("note: target " + t.id + ": " + std::to_string(t.nonfinite) +
                      (t.nonfinite == 1 ? " run" : " runs") + " with a non-finite " + t.indicator +
                      ", counted as not met");
    }
  }
  for (const IndicatorResult& ind : r.indicators) {
    std::uint64_t nonfinite = 0;
    for (auto n : ind.nonfinite) nonfinite += n;
    if (nonfinite > 0) {
      notes.push_back("note: " + ind.name + ": " + std::to_string(nonfinite) +
                      (nonfinite == 1 ? " non-finite value" : " non-finite values") +
                      " over all years, left out of its statistics");
    }
    for (const CounterResult& c : ind.counters) {
      std::uint64_t total = 0;
      for (auto n : c.per_year) total += n;
      if (total > 0) {
        notes.push_back("note: " + ind.name + ": " + std::to_string(total) + " " + c.summary_note);
      }
    }
  }
  if (!notes.empty()) {
    out += '\n';
    for (const auto& n : notes) line(out, n);
  }
  return out;
}

std::string nonfinite_warnings(const Results& r, const Scenario* scenario) {
  auto warn = [](const SourceLoc* loc, const std::string& message) {
    return Diagnostic{loc != nullptr ? *loc : SourceLoc{}, message}.warning_str() + "\n";
  };
  auto of_runs = [&r](std::uint64_t n) {
    return std::to_string(n) + " of " + std::to_string(r.runs) + " runs";
  };
  std::string out;
  for (std::size_t k = 0; k < r.targets.size(); ++k) {
    const TargetResult& t = r.targets[k];
    if (t.nonfinite == 0) continue;
    const SourceLoc* loc = nullptr;
    if (scenario != nullptr && k < scenario->targets.size() && scenario->targets[k].id == t.id) {
      loc = &scenario->targets[k].loc;
    }
    std::string m = "target '" + t.id + "': " + of_runs(t.nonfinite);
    m += t.by ? " did not reach it and had a non-finite " + t.indicator + " in some year up to " +
                    std::to_string(t.year)
              : " had a non-finite " + t.indicator + " in " + std::to_string(t.year);
    out += warn(loc, m + " (NaN or infinite); they count as not met");
  }
  for (const IndicatorResult& ind : r.indicators) {
    std::uint64_t worst = 0;
    std::size_t years = 0;
    for (const std::uint64_t n : ind.nonfinite) {
      worst = std::max(worst, n);
      years += n > 0 ? 1 : 0;
    }
    if (years == 0) continue;
    const SourceLoc* loc = nullptr;
    if (scenario != nullptr) {
      for (const IndicatorSpec& spec : scenario->indicators) {
        if (std::find(spec.outputs.begin(), spec.outputs.end(), ind.name) != spec.outputs.end()) {
          loc = &spec.loc;
        }
      }
    }
    out += warn(loc, "indicator '" + ind.name + "': non-finite values (NaN or infinite) in " +
                         std::to_string(years) + " of " + std::to_string(ind.nonfinite.size()) +
                         " years, at most " + of_runs(worst) +
                         " a year; left out of its statistics (JSON: nonfinite)");
  }
  return out;
}

}  // namespace plancast
