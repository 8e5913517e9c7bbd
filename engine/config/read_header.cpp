// The scenario's header (plancast, name, title, base_year, horizon) and `simulation:`.
#include <algorithm>
#include <climits>

#include "engine/config/read_sections.h"

namespace plancast::loader_detail {

namespace {

bool valid_scenario_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

void read_header(NodeReader& r, ReadContext& cx) {
  Scenario& sc = cx.sc;
  if (auto v = r.required("plancast")) {
    if (auto x = v->integer(0, INT_MAX)) {
      sc.schema = static_cast<int>(*x);
      if (*x != kSchemaVersion) {
        v->error("plancast=" + std::to_string(*x) + " (this plancast reads schema version " +
                 std::to_string(kSchemaVersion) + ")");
      }
    }
  }
  if (auto v = r.required("name")) {
    if (auto s = v->string()) {
      sc.name = *s;
      if (!valid_scenario_name(*s)) {
        v->error("name '" + *s + "' (must be lowercase letters, digits, '-' and '_')");
      }
    }
  }
  if (auto v = r.optional("title")) {
    if (auto s = v->string()) sc.title = *s;
  }
  bool& years_ok = cx.years_ok;
  std::optional<NodeReader> horizon_node;
  if (auto v = r.required("base_year")) {
    if (auto y = year_of(*v))
      sc.base_year = *y;
    else
      years_ok = false;
  } else {
    years_ok = false;
  }
  if (auto v = r.required("horizon")) {
    horizon_node = v;
    if (auto y = year_of(*v))
      sc.horizon = *y;
    else
      years_ok = false;
  } else {
    years_ok = false;
  }
  if (!years_ok) return;
  if (sc.horizon <= sc.base_year) {
    horizon_node->error("horizon=" + std::to_string(sc.horizon) +
                        " (must be after base_year=" + std::to_string(sc.base_year) + ")");
    years_ok = false;
  } else if (sc.horizon - sc.base_year > kMaxYears) {
    horizon_node->error("horizon=" + std::to_string(sc.horizon) + " (at most " +
                        std::to_string(kMaxYears) +
                        " years after base_year=" + std::to_string(sc.base_year) + ")");
    years_ok = false;
  }
}

void read_simulation(NodeReader& r, ReadContext& cx) {
  auto s = r.optional("simulation");
  if (!s) return;
  SimulationSpec& sim = cx.sc.simulation;
  sim.loc = s->loc();
  if (!s->expect_map()) return;
  if (auto v = s->optional("runs")) {
    if (auto n = v->unsigned_integer(1, kMaxRuns)) sim.runs = *n;
  }
  if (auto v = s->optional("seed")) {
    if (auto n = v->unsigned_integer(0, UINT64_MAX)) sim.seed = *n;
  }
  if (auto v = s->optional("sampler")) {
    if (auto t = v->string()) {
      if (!sampler_from_name(*t)) {
        v->error("sampler '" + *t + "' is not known (use mc, lhs or sobol)" +
                 suggest(*t, sampler_names()));
      } else {
        sim.sampler = *t;
      }
    }
  }
  s->finish();
}

}  // namespace plancast::loader_detail
