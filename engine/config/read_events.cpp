// `events:` (docs/scenario-reference.md, "events"): named yes/no states shared by the
// processes whose `shocks` name them. Each has a `probability` and optionally a
// `persistence` (numbers in [0, 1] or parameters) and a `years` window inside the simulated
// years. Event names share the namespace of parameters and indicator outputs.
#include <string>

#include "engine/config/names.h"
#include "engine/config/read_sections.h"
#include "engine/core/format.h"

namespace plancast::loader_detail {

namespace {

/// A probability-like value: a constant in [0, 1], or a known parameter (clamped per run).
bool read_chance(NodeReader& e, const std::string& key, const ReadContext& cx, Value& out) {
  auto v = key == "probability" ? e.value_at(key) : e.value_or(key, 0);
  if (!v) return false;
  out = *v;
  if (v->is_param()) {
    if (cx.param_loc.count(v->param)) return true;
    const SourceLoc at = v->loc.line > 0 ? v->loc : e.loc();
    if (cx.output_loc.count(v->param)) {
      cx.diags.error(at, "'" + v->param + "' is an indicator, but only a parameter can be " +
                             "named here (an event's " + key + " is drawn once per run)");
    } else {
      cx.diags.error(at, "unknown name '" + v->param + "' (not a parameter)" +
                             suggest(v->param, cx.param_names));
    }
    return false;
  }
  if (v->number >= 0 && v->number <= 1) return true;
  cx.diags.error(v->loc.line > 0 ? v->loc : e.loc(),
                 key + "=" + canonical_number(v->number) + " (must be in [0, 1]: a chance a year)");
  return false;
}

/// `years: [FROM, TO]` or `years: {from: FROM, to: TO}` (either end may be left out of the
/// map), inside base_year + 1 .. horizon.
bool read_window(NodeReader& w, const Scenario& sc, EventSpec& ev) {
  ev.years_loc = w.loc();
  std::optional<NodeReader> from, to;
  if (w.is_sequence()) {
    auto items = w.items();
    if (items.size() != 2) {
      w.error("an event's years are [FROM, TO] or {from: FROM, to: TO}, got " +
              std::to_string(items.size()) + " items");
      return false;
    }
    from = items[0];
    to = items[1];
  } else if (w.is_map()) {
    from = w.optional("from");
    to = w.optional("to");
    w.finish();
  } else {
    w.error("an event's years are [FROM, TO] or {from: FROM, to: TO}");
    return false;
  }
  bool ok = true;
  if (from) {
    if (auto y = year_of(*from))
      ev.first = *y;
    else
      ok = false;
  }
  if (to) {
    if (auto y = year_of(*to))
      ev.last = *y;
    else
      ok = false;
  }
  if (!ok) return false;
  const std::string span = " (an event's years lie in the simulated years " +
                           std::to_string(sc.base_year + 1) + " to " + std::to_string(sc.horizon) +
                           ")";
  if (ev.first <= sc.base_year || ev.first > sc.horizon) {
    (from ? *from : w).error("from=" + std::to_string(ev.first) + span);
    return false;
  }
  if (ev.last <= sc.base_year || ev.last > sc.horizon) {
    (to ? *to : w).error("to=" + std::to_string(ev.last) + span);
    return false;
  }
  if (ev.last < ev.first) {
    w.error("the window ends in " + std::to_string(ev.last) + ", before it starts in " +
            std::to_string(ev.first));
    return false;
  }
  return true;
}

}  // namespace

void read_events(NodeReader& r, ReadContext& cx) {
  Scenario& sc = cx.sc;
  auto es = r.optional("events");
  if (!es || es->is_null() || !es->expect_map()) return;
  for (auto& [name, e] : es->entries()) {
    EventSpec ev;
    ev.name = name;
    ev.loc = es->key_loc(name);
    ev.first = sc.base_year + 1;
    ev.last = sc.horizon;
    if (!is_identifier(name)) {
      e.error("event name '" + name +
              "' is not an identifier (letters, digits and '_', not starting with a digit)");
    }
    if (auto p = cx.param_loc.find(name); p != cx.param_loc.end()) {
      cx.diags.error(ev.loc, "'" + name + "' is both a parameter (at " + at_text(p->second) +
                                 ") and an event (a name may be only one; rename one)");
    } else if (auto o = cx.output_loc.find(name); o != cx.output_loc.end()) {
      cx.diags.error(ev.loc, "'" + name + "' is both an indicator (at " + at_text(o->second) +
                                 ") and an event (a name may be only one; rename one)");
    }
    if (!e.expect_map()) continue;
    read_chance(e, "probability", cx, ev.probability);
    ev.has_persistence = e.has("persistence");
    read_chance(e, "persistence", cx, ev.persistence);
    if (auto w = e.optional("years"); w && cx.years_ok) read_window(*w, sc, ev);
    e.finish();
    sc.events.push_back(std::move(ev));
  }
}

void check_event_refs(ReadContext& cx) {
  std::vector<std::string> names;
  for (const EventSpec& e : cx.sc.events) names.push_back(e.name);
  for (const IndicatorSpec& ind : cx.sc.indicators) {
    if (!ind.spec) continue;
    for (const NameRef& ref : ind.spec->event_refs()) {
      if (cx.sc.find_event(ref.name) != nullptr) continue;
      cx.diags.error(ref.loc, "unknown event '" + ref.name + "'" +
                                  (names.empty() ? std::string(" (the scenario has no events:)")
                                                 : " (events: " + join(names) + ")" +
                                                       suggest(ref.name, names)));
    }
  }
}

}  // namespace plancast::loader_detail
