// needed_part(): the part of a scenario that a question reads (runner.h, Needs): the
// indicators its targets and outputs depend on, its targets, and the years up to the latest
// one asked. The analyses that ask about one target or one output (solve, sensitivity,
// discover) compile only that part.
#include <algorithm>
#include <map>
#include <set>

#include "engine/config/graph.h"
#include "engine/core/error.h"
#include "engine/sim/compile_needs.h"
#include "engine/sim/runner.h"

namespace plancast {

Scenario needed_part(const Scenario& sc, const Needs& needs) {
  if (needs.empty()) return sc;
  std::map<std::string, int> owner;  // output name -> indicator index
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    for (const std::string& o : sc.indicators[i].outputs) owner.emplace(o, static_cast<int>(i));
  }
  std::vector<int> wanted;  // indicators asked for directly
  int last_year = sc.base_year;
  auto want = [&](const std::string& output, int year, const std::string& what) {
    const auto it = owner.find(output);
    if (it == owner.end()) throw UsageError(what + ": no indicator output '" + output + "'");
    if (year < sc.base_year || year > sc.horizon) {
      throw UsageError(what + ": year " + std::to_string(year) + " is outside " +
                       std::to_string(sc.base_year) + ".." + std::to_string(sc.horizon));
    }
    wanted.push_back(it->second);
    last_year = std::max(last_year, year);
  };
  std::set<std::string> target_ids(needs.targets.begin(), needs.targets.end());
  std::vector<TargetSpec> targets;
  for (const TargetSpec& t : sc.targets) {
    if (target_ids.erase(t.id) == 0) continue;
    want(t.indicator, t.year, "target '" + t.id + "'");
    targets.push_back(t);
  }
  if (!target_ids.empty()) throw UsageError("no target '" + *target_ids.begin() + "'");
  for (const WatchCell& c : needs.outputs) want(c.indicator, c.year, "output");

  // Everything the wanted indicators read, directly or not (a depth-first walk).
  const std::vector<std::vector<int>> deps = dependency_graph(sc);
  std::vector<bool> keep(sc.indicators.size(), false);
  while (!wanted.empty()) {
    const int i = wanted.back();
    wanted.pop_back();
    if (keep[static_cast<std::size_t>(i)]) continue;
    keep[static_cast<std::size_t>(i)] = true;
    for (int d : deps[static_cast<std::size_t>(i)]) wanted.push_back(d);
  }

  Scenario part = sc;
  part.indicators.clear();
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    if (keep[i]) part.indicators.push_back(sc.indicators[i]);
  }
  part.targets = std::move(targets);
  // Each year's values depend only on the years before it, so the years after the last one
  // asked change nothing that is kept.
  // (At least one year after the base: the processes simulate one or more years.)
  part.horizon = std::min(sc.horizon, std::max(last_year, sc.base_year + 1));
  part.report_years.erase(std::remove_if(part.report_years.begin(), part.report_years.end(),
                                         [&](int y) { return y > part.horizon; }),
                          part.report_years.end());
  return part;
}

std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario, const Registry& registry,
                                                const Needs& needs) {
  return compile(needed_part(scenario, needs), registry);
}

std::shared_ptr<const CompiledScenario> compile_outcomes(const Scenario& scenario,
                                                         const Registry& registry,
                                                         const Needs& needs) {
  (void)registry;  // processes were parsed through the registry at load time
  return sim_detail::compile_scenario(needed_part(scenario, needs), true);
}

}  // namespace plancast
