// The loader's validation: a node tree (the base, a variant or the tree after --set) read
// into a Scenario, every problem reported located into a DiagnosticList (SPEC §1, §2): the
// sections by their readers (read_sections.h), then the checks across sections.
#include "engine/config/graph.h"
#include "engine/config/read_sections.h"

namespace plancast::loader_detail {

namespace {

/// Names are identifiers, unique across parameters and indicator outputs.
void check_names(ReadContext& cx) {
  DiagnosticList& diags = cx.diags;
  for (const auto& ind : cx.sc.indicators) {
    for (const auto& out : ind.outputs) {
      if (!is_identifier(out)) {
        diags.error(ind.loc, "indicator name '" + out +
                                 "' is not an identifier (letters, digits and '_', not starting "
                                 "with a digit; formulas must be able to use it)");
      }
      if (auto p = cx.param_loc.find(out); p != cx.param_loc.end()) {
        diags.error(ind.loc, "'" + out + "' is both a parameter (at " + at_text(p->second) +
                                 ") and an indicator (a name may be only one; rename one)");
      }
      auto [pos, inserted] = cx.output_loc.emplace(out, ind.loc);
      if (!inserted) {
        diags.error(ind.loc, "indicator output '" + out + "' is defined twice (first at " +
                                 at_text(pos->second) + ")");
      }
      cx.output_names.push_back(out);
    }
  }
}

/// Every reference names a parameter or an indicator output (as each process allows);
/// true for each indicator whose references are sound.
std::vector<bool> check_references(ReadContext& cx) {
  std::vector<std::string> all_names = cx.param_names;
  all_names.insert(all_names.end(), cx.output_names.begin(), cx.output_names.end());

  const Scenario& sc = cx.sc;
  DiagnosticList& diags = cx.diags;
  std::vector<bool> refs_ok(sc.indicators.size(), true);
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    const auto& ind = sc.indicators[i];
    if (!ind.spec) continue;
    for (const auto& ref : ind.spec->references()) {
      const bool is_param = cx.param_loc.count(ref.name) > 0;
      const bool is_output = cx.output_loc.count(ref.name) > 0;
      if (ref.parameter_only && !is_param) {
        refs_ok[i] = false;
        if (is_output) {
          diags.error(ref.loc, "'" + ref.name +
                                   "' is an indicator, but only a parameter can be named here "
                                   "(a rate, sd or probability is drawn once per run)");
        } else {
          diags.error(ref.loc, "unknown name '" + ref.name + "' (not a parameter)" +
                                   suggest(ref.name, cx.param_names));
        }
      } else if (!ref.parameter_only && !is_param && !is_output) {
        refs_ok[i] = false;
        diags.error(ref.loc, "unknown name '" + ref.name + "' (not a parameter or indicator)" +
                                 suggest(ref.name, all_names));
      }
    }
  }
  return refs_ok;
}

/// No indicator depends on itself, even through others. True when there is no cycle.
bool check_cycles(const Scenario& sc, DiagnosticList& diags) {
  // Unknown names are no edges, so cycles among the known ones are found regardless.
  const auto cycles = find_cycles(dependency_graph(sc));
  for (const auto& cycle : cycles) {
    diags.error(sc.indicators[static_cast<std::size_t>(cycle.front())].loc,
                "dependency cycle: " + cycle_text(sc, cycle) +
                    " (an indicator cannot depend on itself, even through others)");
  }
  return cycles.empty();
}

/// Each indicator's first simulated year (mixed vintages, docs/decisions.md): its own
/// base_year or the scenario's, and no earlier than the latest first year of the indicators
/// it reads (a formula over a later vintage starts with it). Only processes without a base
/// read other indicators (a formula, a firm population's `follows`), so a base is always
/// from the indicator's own first year.
void assign_first_years(Scenario& sc) {
  std::map<std::string, int> owner;
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    for (const auto& o : sc.indicators[i].outputs) owner.emplace(o, static_cast<int>(i));
  }
  for (int i : dependency_order(sc)) {
    IndicatorSpec& ind = sc.indicators[static_cast<std::size_t>(i)];
    ind.first_year = ind.base_year > 0 ? ind.base_year : sc.base_year;
    if (!ind.spec) continue;
    for (const auto& ref : ind.spec->references()) {
      const auto it = owner.find(ref.name);
      if (ref.parameter_only || it == owner.end()) continue;
      ind.first_year =
          std::max(ind.first_year, sc.indicators[static_cast<std::size_t>(it->second)].first_year);
    }
  }
}

}  // namespace

Scenario build(const YAML::Node& root, const std::string& file,
               const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
               DiagnosticList& diags, bool check_only) {
  Scenario sc;
  sc.file = file;
  NodeReader r(root, diags, file, "");
  r.set_loc_mapper(mapper);
  r.set_check_only(check_only);
  if (root.IsNull() || !root.IsDefined()) {
    // Located at 1:1 so that every problem of a file reads FILE:LINE:COL.
    diags.error(SourceLoc{file, 1, 1},
                "the scenario is empty (it needs at least plancast, name, base_year, horizon and "
                "indicators)");
    return sc;
  }
  if (!r.expect_map()) return sc;

  ReadContext cx(sc, diags, registry);
  read_header(r, cx);
  read_simulation(r, cx);
  read_parameters(r, cx);
  read_correlations(r, cx);
  read_indicators(r, cx);
  check_names(cx);
  read_events(r, cx);
  check_event_refs(cx);
  const std::vector<bool> refs_ok = check_references(cx);
  if (check_cycles(sc, diags) && cx.years_ok) assign_first_years(sc);
  read_targets(r, cx);
  read_report_years(r, cx);
  r.allow("variants");
  r.finish();

  // -- whole-scenario checks of each process (years, base), once its names are sound
  if (cx.years_ok) {
    for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
      const IndicatorSpec& ind = sc.indicators[i];
      if (!ind.spec || !refs_ok[i]) continue;
      // A later vintage is checked in its own years (its schedules from its base year).
      if (ind.first_year > sc.base_year) {
        ind.spec->check(vintage_view(sc, ind.first_year), ind, diags);
      } else {
        ind.spec->check(sc, ind, diags);
      }
    }
  }
  return sc;
}

}  // namespace plancast::loader_detail
