// The mergeable run state, shard files and merge: parts of a job simulated separately and
// merged in any order give results identical to one run (issue 8).
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <numeric>
#include <random>
#include <string>

#include "engine/api/bundled.h"
#include "engine/config/scenario.h"
#include "engine/io/json.h"
#include "engine/io/shard.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

const char* kSmall = R"(plancast: 1
name: shard-small
base_year: 2020
horizon: 2025
simulation: {runs: 5000, seed: 11, sampler: SAMPLER}
parameters:
  trend: {dist: normal, mean: 0.05, sd: 0.02}
  shock: {dist: uniform, min: -0.02, max: 0.02}
indicators:
  gdp:
    base: 100
    growth: {trend: [{until: 2025, rate: trend}], noise: {sd: 0.01}}
  ratio: {formula: 1 / (gdp - 110)}
targets:
  - {id: gdp_2025, indicator: gdp, year: 2025, at_least: 125}
  - {id: gdp_by, indicator: gdp, year: 2024, at_least: 118, by: true}
)";

std::shared_ptr<const CompiledScenario> compile_small(const std::string& sampler) {
  std::string text = kSmall;
  text.replace(text.find("SAMPLER"), 7, sampler);
  const Scenario sc = load_scenario_text(text, "small.yaml", {}, builtin_registry());
  return compile(sc, builtin_registry());
}

}  // namespace

TEST_CASE("parts of a job merged in any order equal the single run", "[shard]") {
  for (const std::string sampler : {"mc", "lhs", "sobol"}) {
    const auto cs = compile_small(sampler);
    const Results whole = run(*cs);
    const std::uint64_t nb = block_count(*cs);
    REQUIRE(nb == (5000 + kBlockSize - 1) / kBlockSize);  // 20 blocks of 256
    for (std::uint64_t n : {1, 2, 3, 5, 7}) {
      std::vector<RunState> parts;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const BlockRange r = part_of(nb, k, n);
        RunState s = make_state(*cs);
        RunOptions ro;
        ro.threads = static_cast<int>(k % 3) + 1;
        simulate(*cs, r.first, r.last, s, ro);
        parts.push_back(std::move(s));
      }
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      std::mt19937 shuffle(static_cast<unsigned>(n));
      std::shuffle(order.begin(), order.end(), shuffle);
      RunState total = make_state(*cs);
      for (std::size_t i : order) total.merge(parts[i]);
      INFO(sampler << " in " << n << " parts");
      CHECK(total.runs == 5000);
      CHECK(summarise(*cs, total) == whole);
    }
  }
}

TEST_CASE("a state missing runs or of another job is refused", "[shard]") {
  const auto cs = compile_small("mc");
  RunState s = make_state(*cs);
  simulate(*cs, 0, 2, s);
  CHECK_THROWS_AS(summarise(*cs, s), std::invalid_argument);  // 2 blocks of 5000 runs
  const std::uint64_t nb = block_count(*cs);
  CHECK_THROWS_AS(simulate(*cs, nb - 1, nb + 2, s), std::invalid_argument);  // past the end
  RunState other(1, 6, 0, 0);
  CHECK_THROWS_AS(s.merge(other), std::invalid_argument);
  RunState shifted = make_state(*cs);
  shifted.shift[0] += 1;
  CHECK_THROWS_AS(s.merge(shifted), std::invalid_argument);
}

TEST_CASE("part_of splits blocks evenly, disjointly and completely", "[shard]") {
  for (std::uint64_t nb : {1ULL, 2ULL, 7ULL, 1000ULL, (1ULL << 40) / 1024 + 1}) {
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL}) {
      std::uint64_t next = 0, lo = UINT64_MAX, hi = 0;
      for (std::uint64_t k = 1; k <= n; ++k) {
        const BlockRange r = part_of(nb, k, n);
        CHECK(r.first == next);
        next = r.last;
        lo = std::min(lo, r.last - r.first);
        hi = std::max(hi, r.last - r.first);
      }
      CHECK(next == nb);
      CHECK(hi - lo <= 1);
    }
  }
  CHECK_THROWS_AS(part_of(10, 0, 3), std::invalid_argument);
  CHECK_THROWS_AS(part_of(10, 4, 3), std::invalid_argument);
}

TEST_CASE("the bundled scenario in three parts equals the single run", "[shard]") {
  LoadOptions lo;
  lo.sets = {"simulation.runs=6000"};
  const Scenario sc = load_scenario_text(std::string(bundled_scenario_text()), kBundledName, lo,
                                         builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  const Results whole = run(*cs);
  RunState total = make_state(*cs);
  for (std::uint64_t k : {3, 1, 2}) {
    const BlockRange r = part_of(block_count(*cs), k, 3);
    RunState s = make_state(*cs);
    simulate(*cs, r.first, r.last, s);
    total.merge(s);
  }
  CHECK(summarise(*cs, total) == whole);
}

TEST_CASE("a state round-trips through shard JSON bit for bit, non-finite cells included",
          "[shard]") {
  // `blowup` is 1/0 = inf in every run: its cells hold only non-finite counts, min = +inf.
  std::string text = kSmall;
  text.replace(text.find("SAMPLER"), 7, "mc");
  text.replace(text.find("targets:"), 0, "  blowup: {formula: 1 / (gdp - gdp)}\n");
  const Scenario sc = load_scenario_text(text, "small.yaml", {}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  RunState s = make_state(*cs);
  simulate(*cs, 0, block_count(*cs), s);
  const RunState shape = make_state(*cs);
  const nlohmann::json j = nlohmann::json::parse(state_to_json(s).dump());
  const RunState back = state_from_json(j, shape);
  CHECK(back == s);
  CHECK(to_json_text(summarise(*cs, back)) == to_json_text(run(*cs)));
  CHECK(to_json_text(summarise(*cs, back)).find("\"nonfinite\": [\n        5000") !=
        std::string::npos);

  SECTION("a state that does not fit is refused, not trusted") {
    auto refused = [&](const std::function<void(nlohmann::json&)>& edit) {
      nlohmann::json bad = j;
      edit(bad);
      CHECK_THROWS_AS(state_from_json(bad, shape), std::invalid_argument);
    };
    refused([](nlohmann::json& b) { b["slots"] = 99; });
    refused([](nlohmann::json& b) { b["cells"].erase(0); });
    refused([](nlohmann::json& b) { b["shift"][0] = "0x1p+0"; });
    refused([](nlohmann::json& b) { b["shift"][0] = "1.5"; });
    refused([](nlohmann::json& b) { b["cells"][0]["finite"] = 1; });
    refused([](nlohmann::json& b) { b["cells"][0]["positive"] = {{2000000000, 1}}; });
    refused([](nlohmann::json& b) { b["cells"][0]["positive"] = "x"; });
    refused([](nlohmann::json& b) { b["target_hits"][0] = 6000; });
    refused([](nlohmann::json& b) { b["target_hits"] = {1}; });
    refused([](nlohmann::json& b) { b["joint_hits"][0] = -1; });
    refused([](nlohmann::json& b) { b.erase("cells"); });
  }
}

TEST_CASE("run counts beyond 2^32: a far share of blocks simulates only its own runs", "[shard]") {
  // 6,000,000,001 runs: 5,859,376 blocks, the last holding one run. Only the last three
  // blocks are simulated; indices above 2^32 must not wrap.
  std::string text = kSmall;
  text.replace(text.find("SAMPLER"), 7, "mc");
  text.replace(text.find("runs: 5000"), 10, "runs: 6000000001");
  const Scenario sc = load_scenario_text(text, "small.yaml", {}, builtin_registry());
  const auto cs = compile(sc, builtin_registry());
  const std::uint64_t nb = block_count(*cs);
  REQUIRE(nb == (6000000001ULL + kBlockSize - 1) / kBlockSize);  // 23,437,501 blocks of 256
  const BlockRange last = part_of(nb, 1000000, 1000000);
  CHECK(last.last == nb);
  // [floor(999999 · nb / 10^6), nb): with 256-run blocks [23437477, 23437501), 24 blocks.
  CHECK(last.first == 999999 * nb / 1000000);
  RunState s = make_state(*cs);
  simulate(*cs, nb - 3, nb, s);
  CHECK(s.runs == 2 * kBlockSize + 1);
  CHECK(s.sketch[0].count() == s.runs);
  // The same runs seen through an observer: run indices above 2^32, one per run.
  struct Seen : RunObserver {
    std::uint64_t lo = UINT64_MAX, hi = 0, n = 0;
    std::mutex m;
    void on_block(const BlockView& b) override {
      std::lock_guard<std::mutex> g(m);
      lo = std::min(lo, b.first_run);
      hi = std::max(hi, b.first_run + b.n);
      n += b.n;
    }
  } seen;
  RunOptions ro;
  ro.observer = &seen;
  RunState s2 = make_state(*cs);
  simulate(*cs, nb - 3, nb, s2, ro);
  CHECK(seen.lo == (nb - 3) * kBlockSize);
  CHECK(seen.hi == 6000000001ULL);
  CHECK(seen.n == s.runs);
  CHECK(s2 == s);
  // Another share of the same size far away gives other runs (no wrap-around to run 0).
  RunState s0 = make_state(*cs);
  simulate(*cs, 0, 3, s0);
  CHECK_FALSE(s0.sum[s0.years - 1] == s.sum[s.years - 1]);
}

namespace {

/// The small job (kSmall, mc, `blowup` never finite) as shard texts k of n.
struct SmallJob {
  Scenario sc;
  std::shared_ptr<const CompiledScenario> cs;
  explicit SmallJob(std::uint64_t runs = 5000) {
    std::string text = kSmall;
    text.replace(text.find("SAMPLER"), 7, "mc");
    text.replace(text.find("runs: 5000"), 10, "runs: " + std::to_string(runs));
    text.replace(text.find("targets:"), 0, "  blowup: {formula: 1 / (gdp - gdp)}\n");
    sc = load_scenario_text(text, "small.yaml", {}, builtin_registry());
    cs = compile(sc, builtin_registry());
  }
  RunState state(std::uint64_t k, std::uint64_t n) const {
    RunState s = make_state(*cs);
    const BlockRange r = part_of(block_count(*cs), k, n);
    simulate(*cs, r.first, r.last, s);
    return s;
  }
  std::string shard(std::uint64_t k, std::uint64_t n,
                    const std::optional<std::string>& key = {}) const {
    return to_shard_text(sc, k, n, state(k, n), key);
  }
};

/// The first diagnostic of merging `shards`; "" if the merge succeeds.
std::string merge_error(const std::vector<ShardText>& shards,
                        const std::optional<std::string>& key = {}, SourceLoc* loc = nullptr) {
  try {
    (void)merge_shard_texts(shards, builtin_registry(), nullptr, key);
  } catch (const ScenarioError& e) {
    if (loc != nullptr) *loc = e.diagnostics().front().loc;
    return e.diagnostics().front().str();
  }
  return "";
}

}  // namespace

TEST_CASE("honest states pass every content check, for every split", "[shard]") {
  const SmallJob job;
  const StateLayout layout = layout_of(job.sc);
  const RunState shape = make_state(*job.cs);
  for (std::uint64_t n : {1, 2, 3, 7, 25}) {
    for (std::uint64_t k = 1; k <= n; ++k) {
      const RunState s = job.state(k, n);
      INFO("shard " << k << "/" << n);
      const nlohmann::json j = nlohmann::json::parse(state_to_json(s).dump());
      CHECK(state_from_json(j, shape, &layout) == s);
    }
  }
}

TEST_CASE("impossible state contents are refused even with a valid checksum", "[shard]") {
  const SmallJob job;
  const StateLayout layout = layout_of(job.sc);
  const RunState shape = make_state(*job.cs);
  const nlohmann::json j = nlohmann::json::parse(state_to_json(job.state(1, 2)).dump());
  REQUIRE(j["runs"] == 2560);
  // Cell 5: gdp in 2025 (finite in every run); targets: gdp_2025, gdp_by (by 2024).
  auto refused = [&](const std::function<void(nlohmann::json&)>& edit, const std::string& at) {
    nlohmann::json bad = j;
    edit(bad);
    try {
      (void)state_from_json(bad, shape, &layout);
      FAIL("accepted; expected a refusal at " << at);
    } catch (const StateError& e) {
      CHECK(e.pointer == at);
    }
  };
  refused([](nlohmann::json& b) { b["first_reach"][6 + 2] = 1000000000000000000ULL; },
          "/first_reach/8");
  refused(
      [](nlohmann::json& b) {
        b["first_reach"][6 + 2] = b["first_reach"][6 + 2].get<std::uint64_t>() + 1;
      },
      "/target_hits/1");
  refused([](nlohmann::json& b) { b["first_reach"][6 + 5] = 1; }, "/first_reach/11");  // after 2024
  refused([](nlohmann::json& b) { b["first_reach"][3] = 1; }, "/first_reach/3");  // not a by target
  refused([](nlohmann::json& b) { b["target_hits"][0] = 2561; }, "/target_hits/0");
  // Joint groups by year: 2024 holds gdp_by alone, so its joint count is gdp_by's hits.
  refused(
      [](nlohmann::json& b) { b["joint_hits"][0] = b["target_hits"][1].get<std::uint64_t>() + 1; },
      "/joint_hits/0");
  refused(
      [](nlohmann::json& b) {
        auto& c = b["cells"][5];
        c["finite"] = c["finite"].get<std::uint64_t>() + (1ULL << 63);
        c["nonfinite"] = c["nonfinite"].get<std::uint64_t>() + (1ULL << 63);
        c["zero"] = c["zero"].get<std::uint64_t>() + (1ULL << 63);
      },
      "/cells/5/finite");
  refused([](nlohmann::json& b) { b["cells"][5]["min"] = "nan"; }, "/cells/5/min");
  refused([](nlohmann::json& b) { std::swap(b["cells"][5]["min"], b["cells"][5]["max"]); },
          "/cells/5/min");
  refused([](nlohmann::json& b) { b["cells"][5]["max"] = "0x1p+30"; }, "/cells/5/max");
  refused([](nlohmann::json& b) { b["cells"][5]["counters"]["floored"] = 2561; },
          "/cells/5/counters/floored");
  refused([](nlohmann::json& b) { b["cells"][5]["counters"]["other"] = 0; },
          "/cells/5/counters/other");
  refused([](nlohmann::json& b) { b["cells"][5].erase("counters"); }, "/cells/5");
  // Cell 6: ratio in 2020, a formula, which declares no counters.
  refused(
      [](nlohmann::json& b) {
        b["cells"][6]["counters"] = {{"floored", 0}};
      },
      "/cells/6/counters");
  refused([](nlohmann::json& b) { b["cells"][5]["sum"]["partials"] = {"0x1p+50"}; },
          "/cells/5/sum");
  refused([](nlohmann::json& b) { b["cells"][5]["sumsq"]["partials"] = {"0x1p+50"}; },
          "/cells/5/sumsq");
  refused([](nlohmann::json& b) { b["cells"][5]["sum"]["special"] = "inf"; },
          "/cells/5/sum/special");
  refused([](nlohmann::json& b) { b["cells"][5]["sum"]["partials"] = {"nan"}; },
          "/cells/5/sum/partials/0");
  // `blowup` (cells 12..17) is never finite: min stays inf, nothing is summed.
  refused([](nlohmann::json& b) { b["cells"][17]["max"] = "0x1p+0"; }, "/cells/17/max");
  refused([](nlohmann::json& b) { b["cells"][17]["sum"]["partials"] = {"0x1p+0"}; },
          "/cells/17/sum");
  refused([](nlohmann::json& b) { b["cells"][5]["extra"] = 1; }, "/cells/5/extra");
  refused([](nlohmann::json& b) { b["runs"] = (1ULL << 40) + 1; }, "/runs");
}

TEST_CASE("merge refuses hostile shard texts with a located error", "[shard]") {
  const SmallJob job;
  const std::string s1 = job.shard(1, 2), s2 = job.shard(2, 2);
  REQUIRE(merge_error({{"a", s1}, {"b", s2}}).empty());
  SECTION("deep nesting and foreign shapes, refused where they start") {
    // 100,000 nested arrays as the state (once a crash): refused at its first '['.
    std::string deep = s1;
    const auto at = deep.find("\"state\":") + 8;
    deep.replace(at, deep.size() - at - 2, std::string(100000, '[') + std::string(100000, ']'));
    SourceLoc loc;
    CHECK_THAT(merge_error({{"a", deep}, {"b", s2}}, {}, &loc),
               Catch::Contains("an array where a shard has an object"));
    CHECK(loc.line == 1);
    CHECK(static_cast<std::size_t>(loc.col) == at + 1);
    // Nesting where arrays do belong (a sketch bucket run holds numbers, not arrays).
    deep = s1;
    const auto run = deep.find("\"positive\":[[") + 13;
    deep.insert(run, std::string(50000, '[') + std::string(50000, ']') + ",");
    CHECK_THAT(merge_error({{"a", deep}, {"b", s2}}, {}, &loc),
               Catch::Contains("an array where a shard has a number"));
    CHECK(static_cast<std::size_t>(loc.col) == run + 1);
    // Padding where a shard has single values, strings or numbers.
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"\"seed\":11,", "\"seed\":[0,0,0],"},
             {"\"shift\":[", "\"shift\":[0,"},
             {"\"joint_hits\":[", "\"joint_hits\":[\"\","},
             {"\"cells\":[", "\"cells\":[[],"},
             {"\"partials\":[", "\"partials\":[{},"},
         }) {
      std::string bad = s1;
      REQUIRE(bad.find(from) != std::string::npos);
      bad.replace(bad.find(from), from.size(), to);
      CHECK_THAT(merge_error({{"a", bad}, {"b", s2}}), Catch::Contains("where a shard has"));
    }
    std::string many = s1;
    std::string zeros;
    for (int i = 0; i < 65; ++i) zeros += "\"0x0p+0\",";
    many.insert(many.find("\"partials\":[") + 12, zeros);
    CHECK_THAT(merge_error({{"a", many}, {"b", s2}}),
               Catch::Contains("more than 64 elements in an array"));
  }
  SECTION("a duplicate key, wherever it is") {
    std::string dup = s1;
    dup.replace(dup.find("\"finite\":"), 0, "\"finite\":0,");
    CHECK_THAT(merge_error({{"a", dup}, {"b", s2}}),
               Catch::Contains("the key \"finite\" is given twice"));
    dup = s1;
    dup.insert(1, "\"shard\":2,");
    CHECK_THAT(merge_error({{"a", dup}, {"b", s2}}),
               Catch::Contains("the key \"shard\" is given twice"));
  }
  SECTION("a reformatted shard counts as edited; errors point at their line and column") {
    // The checksum is over the state's bytes as written: reformatting changes them.
    const std::string pretty = nlohmann::json::parse(s1).dump(2);
    SourceLoc loc;
    CHECK_THAT(merge_error({{"a", pretty}, {"b", s2}}, {}, &loc),
               Catch::Contains("state_sha256 does not match"));
    const auto sha = pretty.find("\"state_sha256\": ") + 16;
    CHECK(loc.line ==
          1 + std::count(pretty.begin(), pretty.begin() + static_cast<long>(sha), '\n'));
    CHECK(static_cast<std::size_t>(loc.col) == sha - pretty.rfind('\n', sha));
    // A number where a shard has a string: at the number.
    std::string bad = pretty;
    const auto num = bad.find("\"0x", bad.find("\"shift\": ["));
    bad.insert(num, "7,");
    CHECK_THAT(merge_error({{"a", bad}, {"b", s2}}, {}, &loc),
               Catch::Contains("a single value where a shard has a string"));
    CHECK(loc.line == 1 + std::count(bad.begin(), bad.begin() + static_cast<long>(num), '\n'));
    CHECK(static_cast<std::size_t>(loc.col) == num + 1 - (bad.rfind('\n', num) + 1));
  }
  SECTION("more than 256 MiB") {
    CHECK_THAT(merge_error({{"a", std::string(kMaxShardBytes + 1, ' ')}}),
               Catch::Contains("larger than a shard file may be"));
  }
}

TEST_CASE("with a key, shards carry an HMAC that merge requires", "[shard]") {
  const SmallJob job;
  const std::string key = "k3y";
  const std::string h1 = job.shard(1, 2, key), h2 = job.shard(2, 2, key);
  const std::string p1 = job.shard(1, 2), p2 = job.shard(2, 2);
  CHECK(h1.find("\"shard_hmac_sha256\":") != std::string::npos);
  CHECK(h1.find("state_sha256") == std::string::npos);
  const Results whole = run(*job.cs);
  CHECK(to_json_text(merge_shard_texts({{"a", h2}, {"b", h1}}, builtin_registry(), nullptr, key)) ==
        to_json_text(whole));
  CHECK(to_json_text(merge_shard_texts({{"a", p2}, {"b", p1}}, builtin_registry())) ==
        to_json_text(whole));
  CHECK_THAT(merge_error({{"a", h1}, {"b", h2}}), Catch::Contains("set PLANCAST_SHARD_KEY"));
  CHECK_THAT(merge_error({{"a", p1}, {"b", p2}}, key), Catch::Contains("a plain checksum"));
  CHECK_THAT(merge_error({{"a", h1}, {"b", p2}}, key), Catch::Contains("b:1:"));
  CHECK_THAT(merge_error({{"a", h1}, {"b", h2}}, std::string("other")),
             Catch::Contains("the shard's HMAC does not match"));
  // An edit with a recomputed plain checksum cannot stand in for the HMAC...
  nlohmann::json j = nlohmann::json::parse(h1);
  j["state"]["joint_hits"][0] = j["state"]["joint_hits"][0].get<std::uint64_t>() - 1;
  j.erase("shard_hmac_sha256");
  j["state_sha256"] = sha256_hex(j["state"].dump());
  CHECK_THAT(merge_error({{"a", j.dump()}, {"b", h2}}, key), Catch::Contains("a plain checksum"));
  // ...nor an edit of the header that the job hash does not cover, nor moving the share.
  for (const char* field : {"scenario_file", "scenario"}) {
    nlohmann::json e = nlohmann::json::parse(h1);
    e[field] = "x";
    CHECK_THAT(merge_error({{"a", e.dump()}, {"b", h2}}, key),
               Catch::Contains("HMAC does not match"));
  }
}
