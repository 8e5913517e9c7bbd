// The text and JSON of `plancast sensitivity` (see sensitivity_out.h).
#include "engine/io/sensitivity_out.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/core/format.h"
#include "engine/core/utf8.h"
#include "engine/io/labels.h"
#include "engine/io/text.h"

namespace plancast {

namespace {

/// A right-aligned table cell (text cut with '~' when wider).
std::string right(std::string_view s, std::size_t w) {
  return fit_to_width(s, w, Align::right);
}

/// The Sobol and Shapley tables' row for the runs' own randomness.
constexpr const char* kNoiseRow = "(noise and shocks)";

/// What sobol says when the scenario correlates parameters.
constexpr const char* kOrderNote =
    "\nnote: the scenario correlates parameters, so these indices depend on the order of the\n"
    "parameters in the file (each belongs to the part of its parameter independent of those\n"
    "listed before it). For an attribution that does not depend on the order, use\n"
    "--method shapley.\n";

std::string interval(double lo, double hi) {
  return fmt::format("[{:.3f}, {:.3f}]", lo, hi);
}

/// A bar of 24 columns at most for a share in [0, 1].
std::string share_bar(double share) {
  const int n = static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * 24));
  return std::string(static_cast<std::size_t>(n), '#');
}

}  // namespace

std::string describe_output(const SensitivityOutput& o, const Scenario& sc) {
  std::string s = o.of;
  if (o.is_target) {
    const TargetSpec& t = sc.targets[o.target];
    s += " (1 if ";
    s += t.indicator;
    s += t.op == TargetOp::at_least ? " >= " : " <= ";
    s += general_text(t.value, 6);
    s += t.by ? " by " : " in ";
    s += std::to_string(t.year);
    s += ", else 0)";
  }
  return s;
}

/// "WHAT of OUTPUT\nprobability|mean M, variance V; ": the first line and a half of both
/// variance tables.
namespace {

std::string table_head(const char* what, const SensitivityOutput& o, const Scenario& sc,
                       double mean, double variance) {
  std::string s = what;
  s += " of ";
  s += describe_output(o, sc);
  s += "\n";
  s += o.is_target ? "probability " : "mean ";
  s += general_text(mean, 4);
  s += ", variance ";
  s += general_text(variance, 4);
  s += "; ";
  return s;
}

/// `line` without its trailing spaces, and a newline, appended to `s` (a table row).
void add_row(std::string& s, std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  s += line;
  s += '\n';
}

/// A row led by a parameter's name in a column `w` wide, then `rest`: a longer name is
/// never cut; it continues on the lines below, in its column.
void add_named_row(std::string& s, const std::string& name, std::size_t w,
                   const std::string& rest) {
  const std::vector<std::string> pieces = break_text(name, w);
  add_row(s, pad_to_width(pieces.front(), w) + rest);
  for (std::size_t k = 1; k < pieces.size(); ++k) add_row(s, pieces[k]);
}

/// The width of the parameter column: the widest label of `rows` (their `name`s), at least
/// `least` and at most `most` (a wider label breaks over lines, add_named_row).
template <class Row>
std::size_t label_width(const std::vector<Row>& rows, const Scenario& sc, std::size_t least,
                        std::size_t most) {
  std::size_t w = least;
  for (const Row& r : rows) w = std::max(w, display_width(parameter_label(sc, r.name)) + 1);
  return std::min(w, most);
}

/// `rows` ordered by `member`, largest first (ties keep the file's order).
template <class Row>
std::vector<Row> by_largest(std::vector<Row> rows, double Row::*member) {
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return a.*member > b.*member; });
  return rows;
}

/// "N UNIT, M runs, sampler S, seed K" and a blank line: the rest of a variance table's head.
std::string design_line(std::uint64_t n, std::string_view unit, std::uint64_t runs,
                        std::string_view sampler, std::uint64_t seed) {
  return fmt::format("{} {}, {} runs, sampler {}, seed {}\n\n", grouped(n), unit, grouped(runs),
                     sampler, seed);
}

}  // namespace

std::string sobol_text(const SobolResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = table_head("Sobol indices", o, sc, r.mean, r.variance);
  s += design_line(r.base_runs, "base rows", r.total_runs, r.sampler, r.seed);
  const std::size_t w = label_width(r.parameters, sc, 22, 34);  // rows to 100 columns
  s += fit_to_width("parameter", w) + right("S1", 7) + "  " + fit_to_width("95% interval", 17) +
       right("ST", 7) + "  " + fit_to_width("95% interval", 17) + "ST\n";
  std::vector<SobolIndex> sorted = by_largest(r.parameters, &SobolIndex::st);
  sorted.push_back(r.noise);
  sorted.back().name = kNoiseRow;
  double sum = 0;
  for (const SobolIndex& ix : sorted) {
    sum += ix.s1;
    std::string line = right(fixed_text(ix.s1, 3), 7);
    line += "  ";
    line += fit_to_width(interval(ix.s1_lo, ix.s1_hi), 17);
    line += right(fixed_text(ix.st, 3), 7);
    line += "  ";
    line += fit_to_width(interval(ix.st_lo, ix.st_hi), 17);
    line += share_bar(ix.st);
    add_named_row(s, parameter_label(sc, ix.name), w, line);
  }
  s += "\nsum of S1 ";
  s += fixed_text(sum, 3);
  s += " (parameters and noise): the remaining ";
  s += fixed_text(std::max(0.0, 1 - sum), 3);
  s += " of the variance comes from\ninteractions, between parameters and between parameters "
       "and the noise. The noise row\nis every random number of a run that is not a parameter "
       "(noise, shocks, counts, firm\ndraws), as one factor (see docs/analysis.md).\n";
  if (r.correlated) s += kOrderNote;
  return s;
}

std::string shapley_text(const ShapleyResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = table_head("Shapley effects", o, sc, r.mean, r.variance);
  s += design_line(r.permutations, "permutations", r.total_runs, r.sampler, r.seed);
  const std::size_t w = label_width(r.parameters, sc, 22, 40);  // rows to 100 columns
  s += fit_to_width("parameter", w) + right("Shapley", 8) + "  " + "95% interval\n";
  std::vector<ShapleyEffect> sorted = by_largest(r.parameters, &ShapleyEffect::shapley);
  ShapleyEffect noise;
  noise.name = kNoiseRow;
  noise.shapley = 1 - r.explained;
  noise.lo = 1 - r.explained_hi;
  noise.hi = 1 - r.explained_lo;
  sorted.push_back(noise);
  for (const ShapleyEffect& e : sorted) {
    std::string line = right(fixed_text(e.shapley, 3), 8);
    line += "  ";
    line += fit_to_width(interval(e.lo, e.hi), 18);
    line += share_bar(e.shapley);
    add_named_row(s, parameter_label(sc, e.name), w, line);
  }
  s += "\nThe parameters together explain ";
  s += fixed_text(r.explained, 3);
  s += " ";
  s += interval(r.explained_lo, r.explained_hi);
  s += " of the variance (the sum of their\neffects); the noise row, the rest, is every random "
       "number of a run that is not a\nparameter (noise, shocks, counts, firm draws), alone "
       "and in interaction with the\nparameters. Shapley effects share each interaction and "
       "each correlation among the\nparameters involved; they do not depend on the order of "
       "the file (see docs/analysis.md).\n";
  return s;
}

std::string tornado_text(const TornadoResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = "Tornado of ";
  s += describe_output(o, sc);
  s += "\n";
  s += o.is_target ? "probability" : "mean";
  s += " with every parameter at its median: ";
  s += general_text(r.baseline, 4);
  s += "; ";
  s += grouped(r.runs_per_setting);
  s += " runs per setting, ";
  s += grouped(r.total_runs);
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
  s += fit_to_width("parameter", 20) + right("p10 value", 10) + right("p90 value", 10) +
       right("at p10", 10) + right("at p90", 10) + right("swing", 10) + "  " +
       "low ... high (| median)\n";
  for (const TornadoBar& b : r.parameters) {
    std::string chart(kChart, ' ');
    const int a = col(std::min(b.low, b.high)), z = col(std::max(b.low, b.high));
    for (int c = a; c <= z; ++c) chart[static_cast<std::size_t>(c)] = '=';
    chart[static_cast<std::size_t>(col(r.baseline))] = '|';
    std::string line = right(general_text(b.p10_value, 4), 10);
    line += right(general_text(b.p90_value, 4), 10);
    line += right(general_text(b.low, 4), 10);
    line += right(general_text(b.high, 4), 10);
    line += right(general_text(b.swing, 4), 10);
    line += "  ";
    line += chart;
    add_named_row(s, parameter_label(sc, b.name), 20, line);
  }
  return s;
}

namespace {

// One JSON shape for every method (docs/json.md, "sensitivity"): "of", "method", "seed",
// "runs" and the method's design first; then "ranking" (the parameters, most important
// first by the method's own measure) and "parameters" (an object keyed by parameter name,
// in the ranking's order, each with the method's measures); the runs' own randomness as
// "noise" where the method measures it (sobol, shapley); "scenario_sha256" last.
using J = nlohmann::ordered_json;

/// The first members of every method's JSON: what, how, and the draws.
J head(const std::string& of, const char* method, std::uint64_t seed) {
  J j;
  j["of"] = of;
  j["method"] = method;
  j["seed"] = seed;
  return j;
}

/// The sampler, the runs, the intervals' method and the output's moments (Sobol and
/// Shapley alike).
template <class Result>
void variance_design(J& j, const Result& r) {
  j["sampler"] = r.sampler;
  j["runs"] = r.total_runs;
  j["bootstrap"] = r.bootstrap;
  j["replicates"] = r.replicates;
  j["mean"] = r.mean;
  j["variance"] = r.variance;
}

/// "ranking" and "parameters" from rows already in ranking order; `measures(row)` gives a
/// row's object.
template <class Row, class Measures>
void ranked_parameters(J& j, const std::vector<Row>& ranked, Measures measures) {
  J names = J::array();
  J ps = J::object();
  for (const Row& row : ranked) {
    names.push_back(row.name);
    ps[row.name] = measures(row);
  }
  j["ranking"] = std::move(names);
  j["parameters"] = std::move(ps);
}

J index_json(const SobolIndex& ix) {
  J p;
  p["S1"] = ix.s1;
  p["S1_ci95"] = {ix.s1_lo, ix.s1_hi};
  p["ST"] = ix.st;
  p["ST_ci95"] = {ix.st_lo, ix.st_hi};
  return p;
}

J effect_json(double shapley, double lo, double hi) {
  J p;
  p["shapley"] = shapley;
  p["shapley_ci95"] = {lo, hi};
  return p;
}

}  // namespace

std::string sobol_json(const SobolResult& r, const Scenario& sc) {
  J j = head(r.of, "sobol", r.seed);
  variance_design(j, r);
  j["base_runs"] = r.base_runs;
  ranked_parameters(j, by_largest(r.parameters, &SobolIndex::st), index_json);
  j["noise"] = index_json(r.noise);
  j["noise_seed"] = r.noise_seed;
  j["order_dependent"] = r.correlated;
  if (r.correlated) {
    j["note"] =
        "the scenario correlates parameters: these indices depend on the order of the "
        "parameters in the file; use --method shapley for an order-free attribution";
  }
  j["scenario_sha256"] = sc.sha256;  // what each simulation of the design ran
  return j.dump(2) + "\n";
}

std::string shapley_json(const ShapleyResult& r, const Scenario& sc) {
  J j = head(r.of, "shapley", r.seed);
  variance_design(j, r);
  j["permutations"] = r.permutations;
  j["inner_runs"] = kShapleyInner;
  ranked_parameters(j, by_largest(r.parameters, &ShapleyEffect::shapley),
                    [](const ShapleyEffect& e) { return effect_json(e.shapley, e.lo, e.hi); });
  // The rest of the variance, as sensitivity's text and report show it.
  j["noise"] = effect_json(1 - r.explained, 1 - r.explained_hi, 1 - r.explained_lo);
  j["explained"] = r.explained;
  j["explained_ci95"] = {r.explained_lo, r.explained_hi};
  j["scenario_sha256"] = sc.sha256;  // what each simulation of the design ran
  return j.dump(2) + "\n";
}

std::string tornado_json(const TornadoResult& r, const Scenario& sc) {
  J j = head(r.of, "tornado", r.seed);
  j["runs"] = r.total_runs;
  j["runs_per_setting"] = r.runs_per_setting;
  j["baseline"] = r.baseline;
  // r.parameters is already largest swing first.
  ranked_parameters(j, r.parameters, [](const TornadoBar& b) {
    J p;
    p["p10_value"] = b.p10_value;
    p["p90_value"] = b.p90_value;
    p["low"] = b.low;
    p["high"] = b.high;
    p["swing"] = b.swing;
    return p;
  });
  j["scenario_sha256"] = sc.sha256;  // what each simulation of the design ran
  return j.dump(2) + "\n";
}

}  // namespace plancast
