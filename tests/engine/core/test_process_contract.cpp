// The contract between the engine and the processes (engine/core/process.h, issue 15 part
// 3): what each hook receives and answers, for every built-in process.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/random/stream.h"
#include "engine/sim/runner.h"
#include "engine/sim/stream_keys.h"
#include "models/register_builtin.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;

namespace {

const std::string kTwo = data_scenario("process_contract");

/// The errors check() reports for `self`, a copy of indicator `name` with base `base`.
std::string check_with_base(const std::string& name, double base) {
  const Scenario sc = load_scenario_text(kTwo, "contract.yaml", {}, builtin_registry());
  IndicatorSpec self = *sc.find_indicator(name);
  self.base = base;
  self.base_loc = SourceLoc{"contract.yaml", 99, 1};
  DiagnosticList diags;
  self.spec->check(sc, self, diags);
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.str() + "\n";
  return out;
}

}  // namespace

// check(scenario, self, diags): a process judges the indicator it is given, not the one it
// finds by searching the scenario for itself (the loaded scenario's bases are sound).
TEST_CASE("check() judges the indicator it is given", "[process]") {
  CHECK_THAT(check_with_base("pen", 120),
             Catch::Contains("contract.yaml:99:1: error: base=120 (must be in (0, 100)"));
  CHECK_THAT(check_with_base("firms", 2.5),
             Catch::Contains("contract.yaml:99:1: error: base=2.5 (a count starts from a whole"));
  CHECK(check_with_base("pen", 60).empty());
  CHECK(check_with_base("firms", 4).empty());
}

namespace {

/// Two indicator names whose 32-bit FNV-1a hashes collide (0x5e4daa9d; the pair is well
/// known, and checked below against stream_id_for itself).
std::pair<std::string, std::string> colliding_names() {
  return {"costarring", "liquid"};
}

}  // namespace

TEST_CASE("stream keys: two indicators whose names' hashes collide are refused at compile",
          "[process][stream]") {
  const auto [a, b] = colliding_names();
  REQUIRE(a != b);
  REQUIRE(stream_id_for(a) == stream_id_for(b));
  const std::string yaml =
      "plancast: 1\nname: c\nbase_year: 2020\nhorizon: 2022\n"
      "simulation: {runs: 10, seed: 1}\nindicators:\n  " +
      a + ": {base: 1, growth: {trend: 0.1}}\n  " + b + ": {base: 1, growth: {trend: 0.1}}\n";
  const Scenario sc = load_scenario_text(yaml, "c.yaml", {}, builtin_registry());
  try {
    compile(sc, builtin_registry());
    FAIL("compiled");
  } catch (const ScenarioError& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Catch::Contains("c.yaml:8:3: error: indicator '" + b + "' and indicator '" + a +
                                  "' would draw the same random numbers"));
  }
  // The same names each alone compile.
  const std::string one =
      "plancast: 1\nname: c\nbase_year: 2020\nhorizon: 2022\n"
      "simulation: {runs: 10, seed: 1}\nindicators:\n  " +
      a + ": {base: 1, growth: {trend: 0.1}}\n";
  CHECK_NOTHROW(
      compile(load_scenario_text(one, "c.yaml", {}, builtin_registry()), builtin_registry()));
}

TEST_CASE("stream keys keep their 32-bit values in 64 bits", "[process][stream]") {
  // Sub-stream k is the name's key + k in 32-bit arithmetic, as before keys were 64-bit.
  CHECK(sub_stream_key("a", 0) == 0xe40c292cu);
  CHECK(sub_stream_key("a", 1) == 0xe40c292du);
  CHECK(sub_stream_key("a", 0x1bf3d6d4u) == 0u);  // wraps like the old uint32_t sum
  // firm_population declares two sub-streams, formula none, growth one.
  const Scenario sc = load_scenario_text(
      "plancast: 1\nname: s\nbase_year: 2020\nhorizon: 2022\nindicators:\n"
      "  g: {base: 1, growth: {trend: 0.1}}\n  f: {formula: 2 * g}\n",
      "s.yaml", {}, builtin_registry());
  const std::vector<StreamUse> uses = stream_uses(sc);
  REQUIRE(uses.size() == 3 + kAnalysisStreams.size() + 1);
  CHECK(uses.back().user == "indicator 'g'");
  CHECK(uses.back().key == stream_id_for("g"));
}

// What models read through NodeReader instead of yaml-cpp (issue 15, part 3).
TEST_CASE("NodeReader: located map keys and quoted scalars", "[process][reader]") {
  DiagnosticList diags;
  NodeReader r(YAML::Load("{10: 3, '5': 2, 10: 1}"), diags, "k.yaml", "counts");
  const auto kv = r.key_value_entries();
  REQUIRE(kv.size() == 2);  // the second 10 is a duplicate (entries() reports it)
  CHECK(kv[0].first.scalar_text() == "10");
  CHECK(kv[0].first.loc().col == 2);
  CHECK(kv[0].second.scalar_text() == "3");
  CHECK_FALSE(kv[0].first.quoted());
  CHECK(kv[1].first.quoted());
  CHECK(kv[1].first.path() == "counts.5");
  CHECK(diags.empty());
}

namespace {

/// YAML with `1` at a documented key path: "a" -> {a: 1}, "a.b" -> {a: {b: 1}},
/// "a[].b" -> {a: [{b: 1}]}.
std::string yaml_at(const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) return "{" + path + ": 1}";
  std::string head = path.substr(0, dot);
  std::string inner = yaml_at(path.substr(dot + 1));
  if (head.size() > 2 && head.compare(head.size() - 2, 2, "[]") == 0) {
    head.resize(head.size() - 2);
    inner = "[" + inner + "]";
  }
  return "{" + head + ": " + inner + "}";
}

/// The diagnostics of `type`'s parser on `yaml`.
std::string parsed(const ProcessType& type, const std::string& yaml) {
  DiagnosticList diags;
  NodeReader r(YAML::Load(yaml), diags, "p.yaml", "indicators.x." + type.key);
  (void)type.parse(r);
  std::string out;
  for (const Diagnostic& d : diags.items()) out += d.str() + "\n";
  return out;
}

}  // namespace

// `plancast models` prints ProcessType::keys: each documented key must be one the parser
// accepts (other complaints, about values or missing keys, are beside the point here), and
// a key it does not document must be refused, at the top and inside each documented map.
TEST_CASE("every process's documented keys are the keys its parser accepts", "[process][docs]") {
  for (const ProcessType& type : builtin_registry().all()) {
    INFO("process " << type.key);
    REQUIRE_FALSE(type.keys.empty());
    std::set<std::string> parents;
    for (const ProcessKeyDoc& doc : type.keys) {
      if (doc.key == type.key) continue;  // formula: the process key holds the expression
      INFO("key " << doc.key);
      const std::string leaf = doc.key.substr(doc.key.rfind('.') + 1);
      CHECK_THAT(parsed(type, yaml_at(doc.key)), !Catch::Contains("unknown key '" + leaf + "'"));
      if (doc.key.find('.') != std::string::npos) {
        parents.insert(doc.key.substr(0, doc.key.rfind('.') + 1));
      }
    }
    if (type.keys.size() == 1 && type.keys.front().key == type.key) continue;
    CHECK_THAT(parsed(type, yaml_at("zz_undocumented")),
               Catch::Contains("unknown key 'zz_undocumented'"));
    for (const std::string& parent : parents) {
      INFO("inside " << parent);
      CHECK_THAT(parsed(type, yaml_at(parent + "zz_undocumented")),
                 Catch::Contains("unknown key 'zz_undocumented'"));
    }
  }
}
