// `targets:` (an id, a known indicator output, a year in the horizon, one bound) and
// `report_years:` (by default the target years and the horizon).
#include "engine/config/read_sections.h"

namespace plancast::loader_detail {

namespace {

TargetSpec read_target(NodeReader& item, std::map<std::string, SourceLoc>& ids, ReadContext& cx) {
  const Scenario& sc = cx.sc;
  TargetSpec t;
  t.loc = item.loc();
  if (auto v = item.required("id")) {
    if (auto s = v->string()) {
      t.id = *s;
      item.name_item("target '" + *s + "'");  // messages about its other keys name it
      if (!is_identifier(*s)) {
        v->error("target id '" + *s + "' is not an identifier (letters, digits and '_')");
      }
      auto [pos, inserted] = ids.emplace(*s, v->loc());
      if (!inserted) {
        v->error("duplicate target id '" + *s + "' (first at " + at_text(pos->second) + ")");
      }
    }
  }
  if (auto v = item.required("indicator")) {
    if (auto s = v->string()) {
      t.indicator = *s;
      if (!cx.output_loc.count(*s)) {
        v->error("unknown indicator '" + *s + "'" + suggest(*s, cx.output_names));
      }
    }
  }
  if (auto v = item.required("year")) {
    if (auto y = year_of(*v)) {
      t.year = *y;
      if (cx.years_ok && (t.year <= sc.base_year || t.year > sc.horizon)) {
        v->error("year=" + std::to_string(t.year) + " (must be in [" +
                 std::to_string(sc.base_year + 1) + ", " + std::to_string(sc.horizon) +
                 "]: after base_year, up to the horizon)");
      } else if (const IndicatorSpec* ind = sc.indicator_of_output(t.indicator);
                 cx.years_ok && ind != nullptr && ind->first_year > sc.base_year &&
                 t.year <= ind->first_year) {
        // A later vintage has no value before its base year, nor a drawn one in it.
        v->error("year=" + std::to_string(t.year) + " (indicator '" + t.indicator + "' starts in " +
                 std::to_string(ind->first_year) +
                 (ind->base_year == ind->first_year ? ", its base_year" : ", when its inputs do") +
                 ": a target over it must be in [" + std::to_string(ind->first_year + 1) + ", " +
                 std::to_string(sc.horizon) + "])");
      }
      cx.target_years.insert(t.year);
    }
  }
  const bool lo = item.has("at_least"), hi = item.has("at_most");
  if (lo == hi) {
    item.error("a target needs exactly one of 'at_least' or 'at_most'" +
               std::string(lo ? " (it has both)" : ""));
  } else {
    t.op = lo ? TargetOp::at_least : TargetOp::at_most;
    if (auto x = item.number_at(lo ? "at_least" : "at_most")) t.value = *x;
  }
  if (auto v = item.optional("by")) {
    if (auto b = v->boolean()) t.by = *b;
  }
  item.finish();
  return t;
}

}  // namespace

void read_targets(NodeReader& r, ReadContext& cx) {
  auto ts = r.optional("targets");
  if (!ts || ts->is_null() || !ts->expect_sequence()) return;
  std::map<std::string, SourceLoc> ids;
  for (auto& item : ts->items()) {
    if (item.expect_map()) cx.sc.targets.push_back(read_target(item, ids, cx));
  }
}

void read_report_years(NodeReader& r, ReadContext& cx) {
  Scenario& sc = cx.sc;
  if (auto ry = r.optional("report_years")) {
    if (ry->expect_sequence()) {
      std::set<int> ys;
      for (auto& item : ry->items()) {
        if (auto y = year_of(item)) {
          if (cx.years_ok && (*y < sc.base_year || *y > sc.horizon)) {
            item.error("report year " + std::to_string(*y) + " (must be in [" +
                       std::to_string(sc.base_year) + ", " + std::to_string(sc.horizon) + "])");
          }
          ys.insert(*y);
        }
      }
      sc.report_years.assign(ys.begin(), ys.end());
    }
  } else if (cx.years_ok) {
    cx.target_years.insert(sc.horizon);
    for (int y : cx.target_years) {
      if (y > sc.base_year && y <= sc.horizon) sc.report_years.push_back(y);
    }
  }
}

}  // namespace plancast::loader_detail
