// The sensitivity reports (report.h: sobol_report_html, shapley_report_html,
// tornado_report_html).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/io/labels.h"
#include "engine/io/report.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace report {
namespace {

std::string sensitivity_header(const Scenario& sc, const std::string& kind, const std::string& of,
                               std::uint64_t runs, std::uint64_t seed) {
  const std::string title = sc.title.empty() ? sc.name : sc.title;
  std::string s = page_open(title + " \xE2\x80\x94 plancast sensitivity");
  s += "<header>\n<p class=\"sub\">plancast sensitivity (" + esc(kind) + ")</p>\n<h1>" +
       esc(title) + "</h1>\n<dl class=\"facts\">";
  s += "<div class=\"wide\"><dt>outcome</dt><dd>" + esc(of) + "</dd></div>";
  s += fact("scenario", sc.name);
  s += fact("variant", sc.variant.empty() ? "base (none)" : sc.variant);
  s += fact("base year", std::to_string(sc.base_year));
  s += fact("horizon", std::to_string(sc.horizon));
  s += fact("runs", count_text(runs));
  s += fact("seed", std::to_string(seed));
  s += "</dl>\n</header>\n<h2>Which assumptions matter</h2>\n";
  return s;
}

/// The end of a sensitivity report: the assumptions table and the footer.
std::string sensitivity_close(const Scenario& sc) {
  return assumptions_section(sc) + page_close("plancast \xC2\xB7 scenario " + sc.name +
                                              " \xC2\xB7 scenario_sha256 " + sc.sha256);
}

/// The widest a chart's parameter labels column gets, in px (of a 640 px chart).
constexpr double kLabelColumn = 260;
/// The px between two lines of a wrapped label.
constexpr double kLabelLeading = 12;

/// A parameter's label as the lines a chart row shows, each at most kLabelColumn - 16 px at
/// 12 px: the whole label when it fits, else its title wrapped at spaces and "(name)" on a
/// line of its own (labels.h). A word longer than the column keeps its own line.
std::vector<std::string> label_lines(const std::string& label) {
  const double most = kLabelColumn - 16;
  const std::size_t open = label.rfind(" (");
  if (text_width(label, 12) <= most || open == std::string::npos) return {label};
  std::vector<std::string> lines{""};
  const std::string title = label.substr(0, open);
  for (std::size_t at = 0; at < title.size();) {
    const std::size_t end = std::min(title.find(' ', at), title.size());
    const std::string word = title.substr(at, end - at);
    const std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
    if (lines.back().empty() || text_width(joined, 12) <= most) {
      lines.back() = joined;
    } else {
      lines.push_back(word);
    }
    at = end + 1;
  }
  lines.push_back(label.substr(open + 1));
  return lines;
}

/// The height a row needs for `label`: at least `row`.
double row_height(const std::string& label, double row) {
  return std::max(row, kLabelLeading * static_cast<double>(label_lines(label).size()) + 8);
}

/// A chart row's parameter label, right-aligned at x, its lines centred on y; a wrapped
/// label's "(name)" smaller (tick).
std::string row_label(double x, double y, const std::string& label) {
  const std::vector<std::string> lines = label_lines(label);
  double base = y + 4 - kLabelLeading * static_cast<double>(lines.size() - 1) / 2;
  std::string s;
  for (std::size_t k = 0; k < lines.size(); ++k, base += kLabelLeading) {
    const bool name = lines.size() > 1 && k + 1 == lines.size();
    s += text_el(x, base, lines[k], name ? "tick" : "", "end");
  }
  return s;
}

/// The width of the labels column for `labels`: the widest line, at most kLabelColumn.
double label_column(const std::vector<std::string>& labels) {
  double w = 60;
  for (const std::string& l : labels) {
    for (const std::string& line : label_lines(l)) w = std::max(w, text_width(line, 12));
  }
  return std::min(kLabelColumn, w + 16);
}

/// One bar of an index chart: a value with its 95% interval.
struct IndexBar {
  double v, lo, hi;
  const char* fill;
  const char* what;
};
struct IndexRow {
  std::string name;
  std::vector<IndexBar> bars;
};

/// Horizontal bars with whiskers, one row per parameter (Sobol S1/ST, Shapley effects).
std::string index_chart(const std::vector<IndexRow>& rows, const std::string& label) {
  std::vector<std::string> names;
  for (const IndexRow& r : rows) names.push_back(r.name);
  std::size_t per_row = 1;
  for (const IndexRow& r : rows) per_row = std::max(per_row, r.bars.size());
  const double W = 640;
  double row = 14 + 12 * static_cast<double>(per_row);
  for (const std::string& n : names) row = row_height(n, row);
  Frame f;
  f.left = label_column(names);
  f.top = 24;  // tick labels above and below: a long list of parameters stays readable
  f.width = W - f.left - 20;
  f.height = row * static_cast<double>(rows.size());
  double lo = 0, hi = 1;
  for (const IndexRow& r : rows) {
    for (const IndexBar& b : r.bars) {
      lo = std::min({lo, b.lo, b.v});
      hi = std::max({hi, b.hi});
    }
  }
  const Axis ax = nice_axis(lo, hi, 5);
  auto X = [&](double v) { return f.left + (v - ax.lo) / (ax.hi - ax.lo) * f.width; };
  const double H = f.top + f.height + 30;
  std::string s = svg_open(W, H, label);
  for (double v : ax.ticks) {
    s += line_el(X(v), f.top, X(v), f.top + f.height, std::fabs(v) < 1e-12 ? "axis" : "grid");
    s += text_el(X(v), f.top + f.height + 15, ax.label(v), "tick", "middle");
    s += text_el(X(v), f.top - 8, ax.label(v), "tick", "middle");
  }
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const IndexRow& ir = rows[k];
    const double y = f.top + row * static_cast<double>(k);
    s += row_label(f.left - 8, y + row / 2, ir.name);
    for (std::size_t i = 0; i < ir.bars.size(); ++i) {
      const IndexBar& b = ir.bars[i];
      const double dy = (row - 12 * static_cast<double>(per_row)) / 2 + 12 * static_cast<double>(i);
      const double x0 = X(std::min(0.0, b.v)), x1 = X(std::max(0.0, b.v));
      s += rect_el(x0, y + dy, x1 - x0, 11,
                   "fill=\"" + std::string(b.fill) + "\"><title>" +
                       esc(ir.name + " " + b.what + " " + fmt::format("{:.3f}", b.v) + " [" +
                           fmt::format("{:.3f}", b.lo) + ", " + fmt::format("{:.3f}", b.hi) + "]") +
                       "</title></rect");
      const double ym = y + dy + 5.5;
      s += whisker(X(b.lo), X(b.hi), ym, 4);
    }
  }
  s += "</svg>\n";
  return s;
}

/// The Sobol and Shapley charts' and tables' row for the runs' own randomness.
const char* const kNoiseRow = "(noise and shocks)";

/// Sobol rows sorted by ST, then the noise.
std::vector<SobolIndex> sobol_rows(const SobolResult& r) {
  std::vector<SobolIndex> sorted = r.parameters;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const SobolIndex& a, const SobolIndex& b) { return a.st > b.st; });
  sorted.push_back(r.noise);
  sorted.back().name = kNoiseRow;
  return sorted;
}

std::string sobol_chart(const Scenario& sc, const SobolResult& r) {
  std::vector<IndexRow> rows;
  for (const SobolIndex& ix : sobol_rows(r)) {
    rows.push_back({parameter_label(sc, ix.name),
                    {IndexBar{ix.s1, ix.s1_lo, ix.s1_hi, "#114a82", "S1 (first order)"},
                     IndexBar{ix.st, ix.st_lo, ix.st_hi, "#8fb9e0", "ST (total)"}}});
  }
  return index_chart(rows, "Sobol indices of " + r.of);
}

/// How the sensitivity whiskers were computed: over replicates of the design (lhs, sobol) or
/// by the bootstrap (mc).
std::string whisker_method(std::uint32_t replicates, std::size_t bootstrap) {
  return replicates > 0
             ? "t interval over " + std::to_string(replicates) + " replicates of the design"
             : "bootstrap, " + std::to_string(bootstrap) + " resamples";
}

/// "Whiskers: 95% intervals (HOW). Mean of the outcome M, variance V; ", shared by the Sobol
/// and Shapley documents.
std::string whiskers_and_moments(std::uint32_t replicates, std::size_t bootstrap, double mean,
                                 double variance) {
  return "Whiskers: 95% intervals (" + whisker_method(replicates, bootstrap) +
         "). Mean of the outcome " + esc(value_text(mean)) + ", variance " +
         esc(fmt::format("{:.4g}", variance)) + "; ";
}

std::string interval_cell(double lo, double hi) {
  return fmt::format("{:.3f}", lo) + " \xE2\x80\x93 " + fmt::format("{:.3f}", hi);
}

std::string sobol_document(const Scenario& sc, const SobolResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "Sobol indices", of, r.total_runs, r.seed);
  s += "<p class=\"sub\">S1 (dark): the share of the outcome's variance due to the parameter "
       "alone. ST (light): its share including its interactions with the others. The last row "
       "is every random number of a run that is not a parameter (noise, shocks, counts, firm "
       "draws), as one factor. " +
       whiskers_and_moments(r.replicates, r.bootstrap, r.mean, r.variance) +
       esc(count_text(r.base_runs)) + " base rows.</p>\n";
  if (r.correlated) {
    s += "<p class=\"sub\"><strong>The scenario correlates parameters:</strong> these indices "
         "depend on the order of the parameters in the file (each belongs to the part of its "
         "parameter independent of those listed before it). For an attribution that does not "
         "depend on the order, use <code>--method shapley</code>.</p>\n";
  }
  s += "<div class=\"legend\">" + swatch("background:#114a82", "S1 first order") +
       swatch("background:#8fb9e0", "ST total") +
       "<span>\xE2\x94\x9C\xE2\x94\xA4 95% interval</span></div>\n";
  s += "<figure class=\"chart single\" id=\"sobol\">" + sobol_chart(sc, r) + "</figure>\n";
  s += table_head({"parameter", "#S1", "#95% interval", "#ST", "#95% interval"});
  double sum = 0;
  for (const SobolIndex& ix : sobol_rows(r)) {
    sum += ix.s1;
    s += table_row(parameter_label(sc, ix.name),
                   {fmt::format("{:.3f}", ix.s1), interval_cell(ix.s1_lo, ix.s1_hi),
                    fmt::format("{:.3f}", ix.st), interval_cell(ix.st_lo, ix.st_hi)});
  }
  s += "</tbody></table>\n<p class=\"sub\">The S1 (parameters and noise) add up to " +
       fmt::format("{:.3f}", sum) +
       "; the rest of the variance comes from interactions, between parameters and between "
       "parameters and the noise.</p>\n";
  return s + sensitivity_close(sc);
}

std::string shapley_document(const Scenario& sc, const ShapleyResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "Shapley effects", of, r.total_runs, r.seed);
  s += "<p class=\"sub\">Each parameter's Shapley effect: its share of the outcome's variance, "
       "averaged over every order in which the parameters could be learnt, so that each "
       "interaction and each correlation is shared among the parameters involved. The effects "
       "do not depend on the order of the file and add up to the share the parameters explain "
       "together; the last row, the rest, is every random number of a run that is not a "
       "parameter (noise, shocks, counts, firm draws). " +
       whiskers_and_moments(r.replicates, r.bootstrap, r.mean, r.variance) +
       esc(count_text(r.permutations)) + " permutations.</p>\n";
  std::vector<ShapleyEffect> sorted = r.parameters;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const ShapleyEffect& a, const ShapleyEffect& b) { return a.shapley > b.shapley; });
  sorted.push_back({kNoiseRow, 1 - r.explained, 1 - r.explained_hi, 1 - r.explained_lo});
  std::vector<IndexRow> rows;
  for (const ShapleyEffect& e : sorted) {
    rows.push_back({parameter_label(sc, e.name),
                    {IndexBar{e.shapley, e.lo, e.hi, "#114a82", "Shapley effect"}}});
  }
  s += "<figure class=\"chart single\" id=\"shapley\">" +
       index_chart(rows, "Shapley effects of " + r.of) + "</figure>\n";
  s += table_head({"parameter", "#Shapley effect", "#95% interval"});
  for (const ShapleyEffect& e : sorted) {
    s += table_row(parameter_label(sc, e.name),
                   {fmt::format("{:.3f}", e.shapley), interval_cell(e.lo, e.hi)});
  }
  s += "</tbody></table>\n<p class=\"sub\">The parameters together explain " +
       fmt::format("{:.3f}", r.explained) + " (" + interval_cell(r.explained_lo, r.explained_hi) +
       ") of the variance.</p>\n";
  return s + sensitivity_close(sc);
}

std::string tornado_chart(const Scenario& sc, const TornadoResult& r) {
  std::vector<std::string> names;
  for (const TornadoBar& b : r.parameters) names.push_back(parameter_label(sc, b.name));
  const double W = 640;
  double row = 28;
  for (const std::string& n : names) row = row_height(n, row);
  const double left = label_column(names), top = 30;
  const double width = W - left - 24;
  const double height = row * static_cast<double>(r.parameters.size());
  double lo = r.baseline, hi = r.baseline;
  for (const TornadoBar& b : r.parameters) {
    lo = std::min({lo, b.low, b.high});
    hi = std::max({hi, b.low, b.high});
  }
  const Axis ax = nice_axis(lo, hi, 5);
  auto X = [&](double v) { return left + (v - ax.lo) / (ax.hi - ax.lo) * width; };
  const double H = top + height + 30;
  std::string s = svg_open(W, H, "Tornado chart of " + r.of);
  for (double v : ax.ticks) {
    s += line_el(X(v), top, X(v), top + height, "grid");
    s += text_el(X(v), top + height + 15, ax.label(v), "tick", "middle");
  }
  const double xb = X(r.baseline);
  for (std::size_t k = 0; k < r.parameters.size(); ++k) {
    const TornadoBar& b = r.parameters[k];
    const double y = top + row * static_cast<double>(k);
    const std::string label = parameter_label(sc, b.name);
    s += row_label(left - 8, y + row / 2, label);
    struct Side {
      double v;
      const char* fill;
      const char* at;
      double pv;
    };
    for (const Side& sd : {Side{b.low, "#e08060", "p10", b.p10_value},
                           Side{b.high, "#35618f", "p90", b.p90_value}}) {
      const double x = X(sd.v);
      s += rect_el(
          std::min(x, xb), y + (row - 18) / 2, std::fabs(x - xb), 18,
          "fill=\"" + std::string(sd.fill) + "\"><title>" +
              esc(label + " at its " + sd.at + " (" +
                  parameter_value(sc, b.name, sd.pv, value_text) + "): " + value_text(sd.v)) +
              "</title></rect");
    }
  }
  s += line_el(xb, top - 6, xb, top + height, "whisker");
  s += text_el(xb, top - 10, "all at median: " + value_text(r.baseline), "lab strong", "middle");
  s += "</svg>\n";
  return s;
}

std::string tornado_document(const Scenario& sc, const TornadoResult& r, const std::string& of) {
  std::string s = sensitivity_header(sc, "tornado", of, r.total_runs, r.seed);
  s += "<p class=\"sub\">Each bar moves one parameter from its median to its 10th percentile "
       "(red) and to its 90th (blue), with every other parameter at its median; the outcome is "
       "the mean over " +
       esc(count_text(r.runs_per_setting)) +
       " runs per setting (for a target, its probability). Largest swing first.</p>\n";
  s += "<div class=\"legend\">" + swatch("background:#e08060", "parameter at its p10") +
       swatch("background:#35618f", "parameter at its p90") + "</div>\n";
  s += "<figure class=\"chart single\" id=\"tornado\">" + tornado_chart(sc, r) + "</figure>\n";
  s += table_head(
      {"parameter", "#p10 value", "#p90 value", "#outcome at p10", "#outcome at p90", "#swing"});
  for (const TornadoBar& b : r.parameters) {
    s += table_row(parameter_label(sc, b.name),
                   {esc(parameter_value(sc, b.name, b.p10_value, value_text)),
                    esc(parameter_value(sc, b.name, b.p90_value, value_text)),
                    esc(value_text(b.low)), esc(value_text(b.high)), esc(value_text(b.swing))});
  }
  s += "</tbody></table>\n";
  return s + sensitivity_close(sc);
}

}  // namespace
}  // namespace report

std::string sobol_report_html(const Scenario& scenario, const SobolResult& result,
                              const std::string& of) {
  return report::sobol_document(scenario, result, of);
}

std::string shapley_report_html(const Scenario& scenario, const ShapleyResult& result,
                                const std::string& of) {
  return report::shapley_document(scenario, result, of);
}

std::string tornado_report_html(const Scenario& scenario, const TornadoResult& result,
                                const std::string& of) {
  return report::tornado_document(scenario, result, of);
}

}  // namespace plancast
