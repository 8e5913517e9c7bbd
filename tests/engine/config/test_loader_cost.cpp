// The loader's cost rules (docs/reliability.md, limits): one parse, each variant checked once
// on a mark-keeping copy (yaml_tree.h), --set values parsed alone; the caps on variants and
// --set options; an empty --set value located like any other.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/config/yaml_tree.h"
#include "models/register_builtin.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;

namespace {

const std::string kBase = data_scenario("loader_cost");

std::string errors_of(const std::string& text, const LoadOptions& o = {}) {
  try {
    load_scenario_text(text, "c.yaml", o, builtin_registry());
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

std::string variants(std::size_t n) {
  std::string out = "variants:\n";
  for (std::size_t i = 0; i < n; ++i)
    out += "  v" + std::to_string(i) + ": {parameters.g.sd: 0.02}\n";
  return out;
}

}  // namespace

TEST_CASE("yaml_tree::clone keeps marks, tags, key order and duplicates", "[config]") {
  const YAML::Node root = YAML::Load("a: 1\nb: {c: \"2\", c: [x, 'y']}\nvariants: {v: 1}\nd: ~\n");
  const YAML::Node copy = yaml_tree::clone(root, "variants");
  REQUIRE(copy.IsMap());
  std::vector<std::string> keys;
  for (auto it = copy.begin(); it != copy.end(); ++it) keys.push_back(it->first.Scalar());
  CHECK(keys == std::vector<std::string>{"a", "b", "d"});
  auto b_orig = root.begin(), b_copy = copy.begin();
  ++b_orig;
  ++b_copy;
  const YAML::Node bo = b_orig->second, bc = b_copy->second;
  CHECK(bc.Mark().line == bo.Mark().line);
  CHECK(bc.Mark().column == bo.Mark().column);
  CHECK(bc.size() == 2);  // the duplicate key kept
  auto c1 = bc.begin();
  CHECK(c1->second.Tag() == "!");  // a quoted scalar stays quoted
  CHECK(c1->second.Mark().column == bo.begin()->second.Mark().column);
  ++c1;
  CHECK(c1->second.IsSequence());
  CHECK(c1->second[1].Mark().column == 19);
  CHECK(c1->second[1].Tag() == "!");
  // The copy is independent of the original.
  YAML::Node a = copy.begin()->second;
  a = "changed";
  CHECK(root.begin()->second.Scalar() == "1");
  // map_marks rewrites every mark.
  const YAML::Node v = YAML::Load("{p: [1, 2]}");
  yaml_tree::map_marks(v, [](const YAML::Mark& m) {
    YAML::Mark moved = m;
    moved.line += 100;
    return moved;
  });
  CHECK(v.Mark().line == 100);
  CHECK(v.begin()->second[1].Mark().line == 100);
  CHECK(v.begin()->second[1].Mark().column == 8);
}

TEST_CASE("an empty --set value is a null located just after '='", "[config][set]") {
  LoadOptions o;
  o.sets = {"indicators.gdp.base="};
  CHECK_THAT(errors_of(kBase, o),
             Catch::Contains("--set:1:21: error: expected a number for indicators.gdp.base, got "
                             "nothing (with --set)"));
  o.sets = {"simulation.runs=10", "indicators.gdp.base=  # nothing here"};
  CHECK_THAT(errors_of(kBase, o), Catch::Contains("--set:2:21: error: expected a number"));
  // Where null is allowed, an empty value is one: no targets.
  o.sets = {"targets="};
  const Scenario sc = load_scenario_text(kBase, "c.yaml", o, builtin_registry());
  CHECK(sc.targets.empty());
}

TEST_CASE("a selected variant leaks nothing into the variants checked after it", "[variants]") {
  const std::string text = kBase +
                           "variants:\n"
                           "  first: {targets.0.at_least: 999, indicators.gdp.base: 7}\n"
                           "  second: {}\n"
                           "  third: {targets.0.year: 2040}\n";
  LoadOptions first, second;
  first.variant = "first";
  second.variant = "second";
  // `third` is broken; the error is its own and nobody else's.
  const std::string e = errors_of(text, first);
  CHECK_THAT(e, Catch::Contains("c.yaml:15:27: error: year=2040"));
  CHECK_THAT(e, Catch::Contains("(in variant 'third')"));
  const std::string fixed = kBase +
                            "variants:\n"
                            "  first: {targets.0.at_least: 999, indicators.gdp.base: 7}\n"
                            "  second: {}\n";
  const Scenario a = load_scenario_text(fixed, "c.yaml", first, builtin_registry());
  const Scenario b = load_scenario_text(fixed, "c.yaml", second, builtin_registry());
  const Scenario base = load_scenario_text(fixed, "c.yaml", {}, builtin_registry());
  CHECK(a.indicators[0].base == 7);
  CHECK(a.targets[0].value == 999);
  CHECK(b.indicators[0].base == 100);
  CHECK(b.canonical_text == base.canonical_text);
  // Selecting `first` (checked before `second`) leaves `second` as the base too.
  std::vector<std::string> seen;
  LoadOptions all;
  all.sets = {"simulation.runs=77"};
  load_scenario_text(fixed, "c.yaml", all, builtin_registry(), [&](const Scenario& sc) {
    seen.push_back(sc.variant);
    CHECK(sc.simulation.runs == 77);  // each variant with the --set options applied
    CHECK(sc.indicators[0].base == (sc.variant == "first" ? 7 : 100));
  });
  CHECK(seen == std::vector<std::string>{"first", "second"});
}

TEST_CASE("variants and --set options past their caps are refused before any check",
          "[config][variants]") {
  CHECK(errors_of(kBase + variants(kMaxVariants)).empty());
  CHECK_THAT(errors_of(kBase + variants(kMaxVariants + 1)),
             Catch::Contains("c.yaml:12:1: error: 1,001 variants, more than the 1,000 a "
                             "scenario may have"));
  // Variants of a large scenario: variants x values past 2 million.
  std::string big = "plancast: 1\nname: big\nbase_year: 2020\nhorizon: 2030\nindicators:\n";
  for (int i = 0; i < 500; ++i)
    big += "  x" + std::to_string(i) + ": {base: 1, growth: {trend: 0.01}}\n";
  big += "variants:\n";
  for (int i = 0; i < 600; ++i) big += "  v" + std::to_string(i) + ": {indicators.x0.base: 2}\n";
  CHECK_THAT(errors_of(big),
             Catch::Contains("c.yaml:506:1: error: 600 variants of a scenario of "));
  CHECK_THAT(errors_of(big), Catch::Contains("more than the 2,000,000 allowed"));
  LoadOptions o;
  o.sets.assign(kMaxSetOptions, "simulation.runs=5");
  CHECK(errors_of(kBase, o).empty());
  o.sets.push_back("simulation.runs=6");
  CHECK_THAT(errors_of(kBase, o),
             Catch::Contains("--set:10001:1: error: 10,001 --set options, more than the 10,000"));
}
