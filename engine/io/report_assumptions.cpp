// The assumptions as the file writes them (report_sections.h: assumption_rows,
// assumptions_section): every parameter in its own form with its labels, each indicator's
// yearly noise and shocks, the shared events with their share of the runs, the
// correlations (issue 19 part 2).
#include <fmt/format.h>

#include <charconv>

#include "engine/core/format.h"
#include "engine/io/labels.h"
#include "engine/io/report_sections.h"
#include "engine/random/distribution.h"

namespace plancast::report {

namespace {

/// `exact` (the text of `x`) when it has at most 8 characters besides a sign, else `x` to 6
/// significant digits: a gamma given by mean and sd is stored as shape 11.559999999999999.
std::string shortened(const std::string& exact, double x) {
  const std::size_t chars = exact.size() - (exact.front() == '-' ? 1 : 0);
  return chars > 8 ? fmt::format("{:.6g}", x) : exact;
}

/// A distribution's own value in the assumptions table: its shortest exact text, shortened.
std::string spec_value(double x) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
  return shortened(std::string(buf, end), x);
}

/// A metalog coefficient: 4 significant digits, then shortened as a value of that text.
std::string coefficient(double x) {
  const std::string four = fmt::format("{:.4g}", x);
  double rounded = x;
  std::from_chars(four.data(), four.data() + four.size(), rounded);
  return shortened(four, rounded);
}

/// A Value in words: a parameter by its label, a number by `number`.
std::string value_words(const Scenario& sc, const Value& v,
                        const std::function<std::string(double)>& number) {
  return v.is_param() ? parameter_label(sc, v.param) : number(v.number);
}

/// A shock's size: "-5%", "-15% to -3% (uniform)", a parameter's label, or the distribution
/// as written.
std::string shock_size_words(const Scenario& sc, const YearlyRandomness& y) {
  if (y.shock_range) {
    const auto [lo, hi] = *y.shock_range;
    if (lo == hi) return percent_text(lo);
    return percent_text(lo) + " to " + percent_text(hi) + " (uniform)";
  }
  if (!y.shock_dist_written.empty()) return y.shock_dist_written;
  return value_words(sc, y.shock_size, percent_text);
}

/// "sd 1.5% around the trend of its yearly rate, persistence 0.3".
std::string noise_words(const Scenario& sc, const YearlyRandomness& y) {
  std::string s =
      "sd " + value_words(sc, y.noise_sd, percent_text) + " around the trend of its " + y.on;
  if (y.noise_persistence.is_param() || y.noise_persistence.number != 0) {
    s += ", persistence " + value_words(sc, y.noise_persistence, value_text);
  }
  return s;
}

/// "8% a year chance of a shock of -5%, added to the yearly rate", or for an event's shocks "in
/// the years of event downturn, a shock of -8% to -2% (uniform), added to the yearly rate".
std::string shock_words(const Scenario& sc, const YearlyRandomness& y) {
  const std::string size = shock_size_words(sc, y);
  std::string s = y.shock_event.empty()
                      ? value_words(sc, y.shock_probability, percent_text) +
                            " a year chance of a shock of " + size
                      : "in the years of event " + y.shock_event + ", a shock of " + size;
  return s + ", " + y.shock_effect;
}

/// The parameters' table: label, as written, p10, median, p90 (a rate as a percentage a year;
/// the fitted form on hover where the file gives another).
std::string parameters_table(const Scenario& sc) {
  std::string s =
      "<p class=\"sub\">Each parameter is drawn once per run from its distribution, written as "
      "the scenario file writes it. The 10th, 50th and 90th percentiles show the range that 8 "
      "runs in 10 fall in; growth rates are shown as percentages a year.</p>\n";
  s += table_head({"parameter", "as written", "#p10", "#median", "#p90"}, " class=\"assumptions\"");
  for (const AssumptionRow& r : assumption_rows(sc)) {
    auto num = [&](const std::optional<double>& x) {
      return x ? parameter_value(sc, r.name, *x, value_text) : std::string();
    };
    s += "<tr><td>" + esc(r.label) + "</td><td title=\"" + esc(r.distribution) + "\"><code>" +
         esc(r.written) + "</code></td><td class=\"num\">" + esc(num(r.p10)) +
         "</td><td class=\"num\">" + esc(num(r.p50)) + "</td><td class=\"num\">" + esc(num(r.p90)) +
         "</td></tr>\n";
  }
  return s + "</tbody></table>\n";
}

/// The correlations of the parameters, each pair by its labels.
std::string correlations_list(const Scenario& sc) {
  if (sc.correlations.empty()) return "";
  std::string s =
      "<h3 style=\"margin-top:12px\">Correlations</h3>\n<p class=\"sub\">Drawn together "
      "(Gaussian copula: each number is the correlation of the two parameters' normal "
      "scores): ";
  bool first = true;
  for (const CorrelationSpec& c : sc.correlations) {
    if (!first) s += "; ";
    first = false;
    s += esc(parameter_label(sc, c.a)) + " and " + esc(parameter_label(sc, c.b)) + " " +
         esc(fmt::format("{:+.2f}", c.rho));
  }
  return s + ".</p>\n";
}

/// Each indicator's yearly noise and shocks, as its process states them.
std::string randomness_table(const Scenario& sc) {
  std::string rows;
  for (const IndicatorSpec& ind : sc.indicators) {
    if (!ind.spec) continue;
    const YearlyRandomness y = ind.spec->yearly_randomness();
    if (!y.noise && !y.shocks) continue;
    const std::string name = ind.title.empty() ? ind.name : ind.title + " (" + ind.name + ")";
    rows += "<tr><td>" + esc(name) + "</td><td>" + (y.noise ? esc(noise_words(sc, y)) : "none") +
            "</td><td>" + (y.shocks ? esc(shock_words(sc, y)) : "none") + "</td></tr>\n";
  }
  if (rows.empty()) return "";
  std::string s =
      "<h3 style=\"margin-top:12px\">Yearly noise and shocks</h3>\n<p class=\"sub\">Drawn anew in "
      "every year "
      "of every run, on top of the parameters.</p>\n";
  s += table_head({"indicator", "noise", "shocks"}, " class=\"assumptions\"");
  return s + rows + "</tbody></table>\n";
}

/// The share of the runs in which `e` occurred, averaged over the years of its window.
std::optional<double> event_share(const EventSpec& e, const Results& r) {
  for (const EventResult& er : r.events) {
    if (er.name != e.name) continue;
    double sum = 0;
    int n = 0;
    for (std::size_t t = 0; t < r.years.size() && t < er.share.size(); ++t) {
      if (r.years[t] < e.first || r.years[t] > e.last || t == 0) continue;
      sum += er.share[t];
      ++n;
    }
    if (n > 0) return sum / n;
  }
  return std::nullopt;
}

/// The shared events: the chance as written, the window, the indicators whose shocks name
/// it, and (with results) the share of the years it occurred in.
std::string events_table(const Scenario& sc, const Results* r) {
  if (sc.events.empty()) return "";
  std::string s =
      "<h3 style=\"margin-top:12px\">Shared events</h3>\n<p class=\"sub\">A yes/no state per run "
      "and year that "
      "every indicator naming it in its shocks sees alike.</p>\n";
  s += table_head({"event", "chance", "years", "shocks of", "#share of run-years"},
                  " class=\"assumptions\"");
  for (const EventSpec& e : sc.events) {
    std::string chance = value_words(sc, e.probability, percent_text) + " a year";
    if (e.has_persistence) {
      chance += ", " + value_words(sc, e.persistence, percent_text) + " after a year with it";
    }
    std::string users;
    for (const IndicatorSpec& ind : sc.indicators) {
      if (ind.spec && ind.spec->yearly_randomness().shock_event == e.name) {
        users += (users.empty() ? "" : ", ") + ind.name;
      }
    }
    const std::optional<double> share = r ? event_share(e, *r) : std::nullopt;
    s += "<tr><td>" + esc(e.name) + "</td><td>" + esc(chance) + "</td><td>" +
         std::to_string(e.first) + "\xE2\x80\x93" + std::to_string(e.last) + "</td><td>" +
         esc(users.empty() ? "none" : users) + "</td><td class=\"num\">" +
         (share ? esc(percent(*share)) : std::string()) + "</td></tr>\n";
  }
  s += "</tbody></table>\n";
  if (r) {
    s += "<p class=\"sub\">Share of run-years: in these results, the share of the runs in which "
         "the event occurred, averaged over the years of its window.</p>\n";
  }
  return s;
}

}  // namespace

std::vector<AssumptionRow> assumption_rows(const Scenario& sc) {
  std::vector<AssumptionRow> rows;
  for (const ParameterSpec& p : sc.parameters) {
    AssumptionRow row{p.name,
                      p.dist.written,
                      "",
                      std::nullopt,
                      std::nullopt,
                      std::nullopt,
                      parameter_label(sc, p.name)};
    try {
      const Distribution d(p.dist);
      row.distribution = d.describe({spec_value, coefficient});
      row.p10 = d.quantile(0.1);
      row.p50 = d.quantile(0.5);
      row.p90 = d.quantile(0.9);
    } catch (const std::exception&) {
      row.distribution = to_string(p.dist.family);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string assumptions_section(const Scenario& sc, const Results* results) {
  std::string s = "<h2>Assumptions</h2>\n";
  if (sc.parameters.empty()) {
    s += "<p class=\"sub\">The scenario has no uncertain parameters.</p>\n";
  } else {
    s += parameters_table(sc) + correlations_list(sc);
  }
  return s + randomness_table(sc) + events_table(sc, results);
}

}  // namespace plancast::report
