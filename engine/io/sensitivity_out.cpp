// The text and JSON of `plancast sensitivity` (see sensitivity_out.h).
#include "engine/io/sensitivity_out.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "engine/io/text.h"

namespace plancast {

namespace {

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

/// The Sobol and Shapley tables' row for the runs' own randomness.
constexpr const char* kNoiseRow = "(noise and shocks)";

/// What sobol says when the scenario correlates parameters.
constexpr const char* kOrderNote =
    "\nnote: the scenario correlates parameters, so these indices depend on the order of the\n"
    "parameters in the file (each belongs to the part of its parameter independent of those\n"
    "listed before it). For an attribution that does not depend on the order, use\n"
    "--method shapley.\n";

std::string interval(double lo, double hi) {
  std::string s = "[";
  s += fmt("%.3f", lo);
  s += ", ";
  s += fmt("%.3f", hi);
  s += "]";
  return s;
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
    s += fmt("%g", t.value);
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
  s += fmt("%.4g", mean);
  s += ", variance ";
  s += fmt("%.4g", variance);
  s += "; ";
  return s;
}

}  // namespace

std::string sobol_text(const SobolResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = table_head("Sobol indices", o, sc, r.mean, r.variance);
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
  sorted.push_back(r.noise);
  sorted.back().name = kNoiseRow;
  double sum = 0;
  for (const SobolIndex& ix : sorted) {
    sum += ix.s1;
    std::string line = pad(ix.name, 22);
    line += pad(fmt("%.3f", ix.s1), 7, true);
    line += "  ";
    line += pad(interval(ix.s1_lo, ix.s1_hi), 17);
    line += pad(fmt("%.3f", ix.st), 7, true);
    line += "  ";
    line += pad(interval(ix.st_lo, ix.st_hi), 17);
    line += share_bar(ix.st);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  s += "\nsum of S1 ";
  s += fmt("%.3f", sum);
  s += " (parameters and noise): the remaining ";
  s += fmt("%.3f", std::max(0.0, 1 - sum));
  s += " of the variance comes from\ninteractions, between parameters and between parameters "
       "and the noise. The noise row\nis every random number of a run that is not a parameter "
       "(noise, shocks, counts, firm\ndraws), as one factor (see docs/analysis.md).\n";
  if (r.correlated) s += kOrderNote;
  return s;
}

std::string shapley_text(const ShapleyResult& r, const SensitivityOutput& o, const Scenario& sc) {
  std::string s = table_head("Shapley effects", o, sc, r.mean, r.variance);
  s += with_commas(r.permutations);
  s += " permutations, ";
  s += with_commas(r.total_runs);
  s += " runs, sampler ";
  s += r.sampler;
  s += ", seed ";
  s += std::to_string(r.seed);
  s += "\n\n";
  s += pad("parameter", 22) + pad("Shapley", 8, true) + "  " + "95% interval\n";
  std::vector<ShapleyEffect> sorted = r.parameters;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const ShapleyEffect& a, const ShapleyEffect& b) { return a.shapley > b.shapley; });
  ShapleyEffect noise;
  noise.name = kNoiseRow;
  noise.shapley = 1 - r.explained;
  noise.lo = 1 - r.explained_hi;
  noise.hi = 1 - r.explained_lo;
  sorted.push_back(noise);
  for (const ShapleyEffect& e : sorted) {
    std::string line = pad(e.name, 22);
    line += pad(fmt("%.3f", e.shapley), 8, true);
    line += "  ";
    line += pad(interval(e.lo, e.hi), 18);
    line += share_bar(e.shapley);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  s += "\nThe parameters together explain ";
  s += fmt("%.3f", r.explained);
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

std::string sobol_json(const SobolResult& r, const Scenario& sc) {
  nlohmann::ordered_json j;
  j["of"] = r.of;
  j["method"] = "sobol";
  j["sampler"] = r.sampler;
  j["seed"] = r.seed;
  j["base_runs"] = r.base_runs;
  j["runs"] = r.total_runs;
  j["bootstrap"] = r.bootstrap;
  j["replicates"] = r.replicates;
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
  nlohmann::ordered_json noise;
  noise["S1"] = r.noise.s1;
  noise["S1_ci95"] = {r.noise.s1_lo, r.noise.s1_hi};
  noise["ST"] = r.noise.st;
  noise["ST_ci95"] = {r.noise.st_lo, r.noise.st_hi};
  j["noise"] = noise;
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
  nlohmann::ordered_json j;
  j["of"] = r.of;
  j["method"] = "shapley";
  j["sampler"] = r.sampler;
  j["seed"] = r.seed;
  j["permutations"] = r.permutations;
  j["inner_runs"] = kShapleyInner;
  j["runs"] = r.total_runs;
  j["bootstrap"] = r.bootstrap;
  j["replicates"] = r.replicates;
  j["mean"] = r.mean;
  j["variance"] = r.variance;
  j["explained"] = r.explained;
  j["explained_ci95"] = {r.explained_lo, r.explained_hi};
  nlohmann::ordered_json ps = nlohmann::ordered_json::object();
  for (const ShapleyEffect& e : r.parameters) {
    nlohmann::ordered_json p;
    p["shapley"] = e.shapley;
    p["shapley_ci95"] = {e.lo, e.hi};
    ps[e.name] = p;
  }
  j["parameters"] = ps;
  j["scenario_sha256"] = sc.sha256;  // what each simulation of the design ran
  return j.dump(2) + "\n";
}

std::string tornado_json(const TornadoResult& r, const Scenario& sc) {
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
  j["scenario_sha256"] = sc.sha256;  // what each simulation of the design ran
  return j.dump(2) + "\n";
}

}  // namespace plancast
