// JSON writer for run results (SPEC §3).
#include "engine/io/json.h"

#include <cmath>

namespace plancast {

namespace {

using ojson = nlohmann::ordered_json;

ojson number(double x) {
  return std::isfinite(x) ? ojson(x) : ojson(nullptr);
}

ojson numbers(const std::vector<double>& xs) {
  ojson a = ojson::array();
  for (double x : xs) a.push_back(number(x));
  return a;
}

/// Per-year counts of `ind`, null in the years it is absent from (a later vintage).
ojson counts(const IndicatorResult& ind, const std::vector<std::uint64_t>& xs) {
  ojson a = ojson::array();
  for (std::size_t t = 0; t < xs.size(); ++t) {
    a.push_back(ind.present(t) ? ojson(xs[t]) : ojson(nullptr));
  }
  return a;
}

ojson interval(const std::array<double, 2>& ci) {
  return ojson::array({number(ci[0]), number(ci[1])});
}

/// probability, std_error and ci95 of `p` into `o`.
void put_proportion(ojson& o, const Proportion& p) {
  o["probability"] = number(p.probability);
  o["std_error"] = number(p.std_error);
  o["ci95"] = interval(p.ci95);
}

}  // namespace

nlohmann::ordered_json to_json(const Results& r) {
  ojson j;
  j["plancast_version"] = r.plancast_version;
  j["scenario"] = r.scenario;
  j["title"] = r.title;
  j["variant"] = r.variant ? ojson(*r.variant) : ojson(nullptr);
  j["scenario_sha256"] = r.scenario_sha256;
  j["runs"] = r.runs;
  j["seed"] = r.seed;
  j["sampler"] = r.sampler;
  j["years"] = r.years;
  j["report_years"] = r.report_years;

  ojson indicators = ojson::object();
  for (const IndicatorResult& ind : r.indicators) {
    ojson i;
    i["unit"] = ind.unit;
    if (!ind.title.empty()) i["title"] = ind.title;
    i["mean"] = numbers(ind.mean);
    i["sd"] = numbers(ind.sd);
    i["min"] = numbers(ind.min);
    i["max"] = numbers(ind.max);
    ojson q = ojson::object();
    for (std::size_t k = 0; k < kQuantileNames.size(); ++k) {
      q[kQuantileNames[k]] = numbers(ind.quantiles[k]);
    }
    i["quantiles"] = std::move(q);
    // Per level and year, the 95% interval of the quantile from order-statistic ranks.
    ojson qc = ojson::object();
    for (std::size_t k = 0; k < kQuantileNames.size(); ++k) {
      ojson years = ojson::array();
      for (const auto& ci : ind.quantiles_ci95[k]) years.push_back(interval(ci));
      qc[kQuantileNames[k]] = std::move(years);
    }
    i["quantiles_ci95"] = std::move(qc);
    i["nonfinite"] = counts(ind, ind.nonfinite);
    // The diagnostic counters its process declared, by name.
    for (const CounterResult& c : ind.counters) i[c.name] = counts(ind, c.per_year);
    // A later vintage: its first year (the years before it are null throughout).
    if (ind.absent > 0 && ind.absent < r.years.size()) i["first_year"] = r.years[ind.absent];
    indicators[ind.name] = std::move(i);
  }
  j["indicators"] = std::move(indicators);

  ojson targets = ojson::array();
  for (const TargetResult& t : r.targets) {
    ojson o;
    o["id"] = t.id;
    o["indicator"] = t.indicator;
    o["year"] = t.year;
    o["op"] = t.op;
    o["value"] = number(t.value);
    o["by"] = t.by;
    put_proportion(o, t.p);
    o["hits"] = t.p.hits;
    o["nonfinite"] = t.nonfinite;
    if (t.by) o["first_reach"] = numbers(t.first_reach);
    targets.push_back(std::move(o));
  }
  j["targets"] = std::move(targets);

  ojson joint = ojson::array();
  for (const JointResult& g : r.joint) {
    ojson o;
    o["year"] = g.year;
    o["targets"] = g.targets;
    put_proportion(o, g.p);
    joint.push_back(std::move(o));
  }
  j["joint"] = std::move(joint);
  // The shared events (only where the scenario has some): per year, the runs in which each
  // occurred and their share of all runs.
  if (!r.events.empty()) {
    ojson events = ojson::object();
    for (const EventResult& e : r.events) {
      ojson o;
      o["share"] = numbers(e.share);
      o["runs"] = e.runs_on;
      events[e.name] = std::move(o);
    }
    j["events"] = std::move(events);
  }
  return j;
}

std::string to_json_text(const Results& results) {
  std::string text =
      to_json(results).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace plancast
