// compare's reuse (issue 16): a variant simulates only what it changes and takes the rest
// from the base's run. With reuse on, every byte compare writes (its JSON and text, and each
// scenario's full results) is the one it writes simulating every variant whole, for any
// thread count, whether its scenarios are simulated together (block by block, sharing the
// firms' normals: engine/random/shared_normals.h) or one after another.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/analysis/compare.h"
#include "engine/api/plancast.h"
#include "engine/io/compare_out.h"
#include "engine/io/json.h"
#include "engine/sim/compile_reuse.h"
#include "engine/sim/compiled.h"
#include "models/register_builtin.h"
#include "tests/support/scenarios.h"

using namespace plancast;

namespace {

/// As api::compare: the base, then every variant loaded with the base's runs, seed, sampler.
std::vector<CompareEntry> entries_of(const api::ScenarioSource& src, const LoadOptions& o) {
  const Scenario base = api::load(src, o);
  std::vector<CompareEntry> entries{{"base", base}};
  for (const std::string& n : base.variant_names) {
    LoadOptions v = o;
    v.variant = n;
    v.runs = base.simulation.runs;
    v.seed = base.simulation.seed;
    v.sampler = sampler_from_name(base.simulation.sampler);
    entries.push_back({n, api::load(src, v)});
  }
  return entries;
}

/// Every byte of a comparison: its JSON and text, and each scenario's results as run writes
/// them (the JSON of a run holds every statistic, joint probability and event share).
std::string bytes_of(const Comparison& c) {
  std::string s = compare_json(c) + compare_text(c);
  for (const Results& r : c.results) s += to_json_text(r);
  return s;
}

/// Reuse on (1, 2 and 3 threads) against reuse off, every variant of the file; the
/// scenarios simulated together (the default) against one after another.
void check_reuse_exact(const api::ScenarioSource& src, const LoadOptions& o) {
  const std::vector<CompareEntry> entries = entries_of(src, o);
  REQUIRE(entries.size() > 1);
  RunOptions one, two, three;
  one.threads = 1;
  two.threads = 2;
  three.threads = 3;
  const Registry& reg = builtin_registry();
  const std::string whole =
      bytes_of(compare(entries, reg, two, CompareReuse::off, CompareTogether::no));
  CHECK(bytes_of(compare(entries, reg, two, CompareReuse::off, CompareTogether::yes)) == whole);
  CHECK(bytes_of(compare(entries, reg, two, CompareReuse::on, CompareTogether::no)) == whole);
  CHECK(bytes_of(compare(entries, reg, two, CompareReuse::on)) == whole);
  CHECK(bytes_of(compare(entries, reg, one, CompareReuse::on)) == whole);
  CHECK(bytes_of(compare(entries, reg, three, CompareReuse::on)) == whole);
  // Variant by variant too, so that a failure names it.
  for (std::size_t i = 1; i < entries.size(); ++i) {
    INFO("variant " << entries[i].name);
    const std::vector<CompareEntry> pair{entries.front(), entries[i]};
    const Comparison off = compare(pair, reg, two, CompareReuse::off, CompareTogether::no);
    const Comparison on = compare(pair, reg, two, CompareReuse::on);
    CHECK(to_json_text(on.results[1]) == to_json_text(off.results[1]));
    CHECK(compare_json(on) == compare_json(off));
  }
}

std::vector<std::string> changed_indicators(const Scenario& sc, const VariantChanges& ch) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < ch.indicators.size(); ++i) {
    if (ch.indicators[i] != 0) names.push_back(sc.indicators[i].name);
  }
  return names;
}

VariantChanges changes_of(const std::vector<CompareEntry>& e, const std::string& variant) {
  const auto it =
      std::find_if(e.begin(), e.end(), [&](const CompareEntry& x) { return x.name == variant; });
  REQUIRE(it != e.end());
  return variant_changes(*compile(e.front().scenario, builtin_registry()),
                         *compile(it->scenario, builtin_registry()));
}

}  // namespace

TEST_CASE("compare reuse: the bundled scenario's variants give the same bytes as whole runs",
          "[compare_reuse]") {
  LoadOptions o;
  o.runs = 3000;
  check_reuse_exact(api::ScenarioSource::bundled(), o);
}

TEST_CASE("compare reuse: the example scenarios' variants give the same bytes as whole runs",
          "[compare_reuse]") {
  for (const auto& f : std::filesystem::directory_iterator(std::string(PLANCAST_SOURCE_DIR) +
                                                           "/scenarios/examples")) {
    if (f.path().extension() != ".yaml") continue;
    INFO(f.path().string());
    LoadOptions o;
    o.runs = 2000;
    const Scenario sc = api::load(api::ScenarioSource::file(f.path().string()), o);
    if (sc.variant_names.empty()) continue;
    check_reuse_exact(api::ScenarioSource::file(f.path().string()), o);
  }
}

TEST_CASE("compare reuse: correlations, events, formulas, firms, by targets, each sampler",
          "[compare_reuse]") {
  const auto src = api::ScenarioSource::file(test::data_path("compare_reuse"));
  for (Sampler s : {Sampler::mc, Sampler::lhs, Sampler::sobol}) {
    INFO("sampler " << sampler_name(s));
    LoadOptions o;
    o.sampler = s;
    check_reuse_exact(src, o);
  }
}

TEST_CASE("compare together: which scenarios draw the same parameter values", "[compare_reuse]") {
  // Simulated together, a scenario copies the parameter values of an earlier one that draws
  // the same (Simulator::simulate_together): only where runs, seed, sampler, every
  // parameter's distribution and the correlations are equal.
  const auto src = api::ScenarioSource::file(test::data_path("compare_reuse"));
  const std::vector<CompareEntry> e = entries_of(src, LoadOptions{});
  auto same_as_base = [&](const std::string& variant) {
    const auto it =
        std::find_if(e.begin(), e.end(), [&](const CompareEntry& x) { return x.name == variant; });
    REQUIRE(it != e.end());
    return same_parameter_draws(*compile(e.front().scenario, builtin_registry()),
                                *compile(it->scenario, builtin_registry()));
  };
  CHECK(same_as_base("base_w"));
  CHECK(same_as_base("firms"));
  CHECK(same_as_base("event"));
  CHECK_FALSE(same_as_base("marginal_a"));
  CHECK_FALSE(same_as_base("marginal_c"));
  CHECK_FALSE(same_as_base("correlation"));
  LoadOptions other_seed;
  other_seed.seed = 99;
  CHECK_FALSE(same_parameter_draws(*compile(e.front().scenario, builtin_registry()),
                                   *compile(api::load(src, other_seed), builtin_registry())));
}

TEST_CASE("compare together: which processes copy an earlier scenario's outputs",
          "[compare_reuse]") {
  // A count with the base's settings, parameter values and seed gives the base's values at
  // each year index, whatever the years (Process::year_free_key): simulated together, it
  // copies them (process_twins). The byte tests above show the copies are the values.
  const auto src = api::ScenarioSource::file(test::data_path("compare_reuse"));
  const std::vector<CompareEntry> e = entries_of(src, LoadOptions{});
  const auto base = compile(e.front().scenario, builtin_registry());
  auto twins_of = [&](const std::string& variant) {
    const auto it =
        std::find_if(e.begin(), e.end(), [&](const CompareEntry& x) { return x.name == variant; });
    REQUIRE(it != e.end());
    const auto v = compile(it->scenario, builtin_registry());
    const std::vector<std::size_t> params_of{0, same_parameter_draws(*v, *base) ? 0u : 1u};
    const auto twins = process_twins({base.get(), v.get()}, params_of);
    REQUIRE(twins.size() == 2);
    CHECK(twins[0].empty());
    std::vector<std::string> names;
    for (const ProcessTwin& t : twins[1]) {
      CHECK(t.from == 0);
      REQUIRE(t.slots.size() == 1);
      CHECK(base->slot_names[static_cast<std::size_t>(t.slots[0].first)] ==
            v->slot_names[static_cast<std::size_t>(t.slots[0].second)]);
      CHECK(v->process_slots[t.process] == std::vector<int>{t.slots[0].second});
      CHECK(base->process_slots[t.from_process] == std::vector<int>{t.slots[0].first});
      names.push_back(v->slot_names[static_cast<std::size_t>(t.slots[0].second)]);
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  using Names = std::vector<std::string>;
  CHECK(twins_of("later") == Names{"m", "n"});  // not k (an event's shocks), growth, firms
  CHECK(twins_of("later_exit") == Names{"n"});  // m's exit differs
  CHECK(twins_of("later_params").empty());      // other parameter values
  CHECK(twins_of("longer") == Names{"m", "n"});
  CHECK(twins_of("base_w") == Names{"m", "n"});
  CHECK(twins_of("marginal_c").empty());
  // Only with the same parameter values: the same scenarios, told they draw differently.
  const auto later = compile(
      std::find_if(e.begin(), e.end(), [](const CompareEntry& x) { return x.name == "later"; })
          ->scenario,
      builtin_registry());
  CHECK(process_twins({base.get(), later.get()}, {0, 1})[1].empty());
  CHECK_THROWS_AS(process_twins({base.get(), later.get()}, {0}), std::invalid_argument);
}

TEST_CASE("compare reuse: what each variant changes", "[compare_reuse]") {
  const std::vector<CompareEntry> j = entries_of(api::ScenarioSource::bundled(), LoadOptions{});
  const Scenario& base = j.front().scenario;
  // A moved base year moves every year: nothing is reused.
  CHECK(changes_of(j, "as_published").whole);
  // One indicator's base: that indicator and what reads it (none), its one target.
  const VariantChanges g5 = changes_of(j, "g5_built");
  REQUIRE_FALSE(g5.whole);
  CHECK(changed_indicators(base, g5) == std::vector<std::string>{"g5_stations"});
  CHECK(std::count(g5.targets.begin(), g5.targets.end(), 1) == 1);
  CHECK_FALSE(g5.events);
  // Three correlated parameters' means: only those three parameters change (their
  // marginals do not enter the others' copula scores), and what reads them.
  const VariantChanges push = changes_of(j, "policy_push");
  REQUIRE_FALSE(push.whole);
  std::vector<std::string> params;
  for (std::size_t p = 0; p < push.parameters.size(); ++p) {
    if (push.parameters[p] != 0) params.push_back(base.parameters[p].name);
  }
  CHECK(params == std::vector<std::string>{"core_trend", "mfg_trend", "software_trend"});
  const std::vector<std::string> ind = changed_indicators(base, push);
  CHECK(std::find(ind.begin(), ind.end(), "gdp") == ind.end());
  CHECK(std::find(ind.begin(), ind.end(), "core_va_share") != ind.end());  // reads core_va
  CHECK(std::find(ind.begin(), ind.end(), "digital_firms") != ind.end());  // follows core_va
  CHECK(ind.size() < base.indicators.size() / 2);

  const std::vector<CompareEntry> s =
      entries_of(api::ScenarioSource::file(test::data_path("compare_reuse")), LoadOptions{});
  const Scenario& sb = s.front().scenario;
  // A correlation: every correlated parameter, and what reads them.
  const VariantChanges corr = changes_of(s, "correlation");
  REQUIRE_FALSE(corr.whole);
  CHECK(changed_indicators(sb, corr) == std::vector<std::string>{"x", "y", "z", "w", "f"});
  // An event: the indicators it shocks, and what reads them.
  CHECK(changed_indicators(sb, changes_of(s, "event")) == std::vector<std::string>{"x", "z", "k"});
  CHECK(changes_of(s, "event").events);
  // A target's threshold: no indicator.
  const VariantChanges t = changes_of(s, "target");
  CHECK(changed_indicators(sb, t).empty());
  CHECK(t.targets == std::vector<char>{0, 0, 0, 1, 0, 0, 0});
  CHECK(changes_of(s, "report_years").whole);
  CHECK(changed_indicators(sb, changes_of(s, "formula_r")) == std::vector<std::string>{"r"});
  // The same value written again: nothing changes, nothing is simulated.
  const VariantChanges same = changes_of(s, "same");
  CHECK_FALSE(same.whole);
  CHECK_FALSE(same.any());
  CHECK_FALSE(same.events);
}

namespace {

/// The bundled scenario's compare JSON at 1,000 runs on 2 threads, with the environment
/// variable `off` (if any) set to 0 and the given --max-memory (0: none).
std::string bundled_json(const char* off, std::uint64_t max_memory = 0) {
  LoadOptions o;
  o.runs = 1000;
  api::Execution ex;
  ex.threads = 2;
  if (max_memory > 0) ex.max_memory = max_memory;
  if (off != nullptr) ::setenv(off, "0", 1);
  const std::string json =
      api::to_json(api::compare(api::ScenarioSource::bundled(), o, api::CompareRequest{}, ex));
  if (off != nullptr) ::unsetenv(off);
  return json;
}

}  // namespace

TEST_CASE("compare reuse: PLANCAST_COMPARE_REUSE=0 through the library API, the same JSON",
          "[compare_reuse]") {
  CHECK(bundled_json(nullptr) == bundled_json("PLANCAST_COMPARE_REUSE"));
}

TEST_CASE("compare together: PLANCAST_COMPARE_TOGETHER=0 through the library API, the same JSON",
          "[compare_reuse]") {
  const std::string apart = bundled_json("PLANCAST_COMPARE_TOGETHER");
  CHECK(bundled_json(nullptr) == apart);
  // Where the scenarios together would pass --max-memory, one after another: the same JSON.
  CHECK(bundled_json(nullptr, 40ull << 20) == apart);
}
