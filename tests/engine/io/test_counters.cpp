// Per-process diagnostic counters (ProcessSpec::counters, issue 15 part 3): a tiny process
// declares its own counters, which appear by name in the results, JSON, CSV and text notes
// of its indicator only, and survive a shard split and merge exactly; the engine itself
// names no process's counter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/shard.h"
#include "engine/io/text.h"
#include "engine/sim/block.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

/// Stays at its base; counts each later year the runs of odd index ("odd_runs", at most 1
/// per run and year) and two "ticks" per run (at most 2).
class TallyWorker final : public ProcessWorker {
 public:
  TallyWorker(int slot, double base, std::size_t odd, std::size_t ticks)
      : slot_(slot), base_(base), odd_(odd), ticks_(ticks) {}
  void init(BlockCtx& ctx) override { std::fill_n(ctx.slot(slot_), ctx.n, base_); }
  void step(BlockCtx& ctx) override {
    std::fill_n(ctx.slot(slot_), ctx.n, base_);
    for (std::size_t j = 0; j < ctx.n; ++j) ctx.counters->counts[odd_] += (ctx.first_run + j) % 2;
    ctx.counters->counts[ticks_] += 2 * ctx.n;
  }

 private:
  int slot_;
  double base_;
  std::size_t odd_, ticks_;
};

class TallyProcess final : public Process {
 public:
  explicit TallyProcess(const CompileContext& ctx)
      : slot_(ctx.output_slots().at(0)),
        base_(ctx.base()),
        odd_(ctx.counter_index(0)),
        ticks_(ctx.counter_index(1)) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t) const override {
    return std::make_unique<TallyWorker>(slot_, base_, odd_, ticks_);
  }

 private:
  int slot_;
  double base_;
  std::size_t odd_, ticks_;
};

class TallySpec final : public ProcessSpec {
 public:
  std::vector<NameRef> references() const override { return {}; }
  std::uint32_t stream_count() const override { return 0; }
  std::vector<CounterDecl> counters() const override {
    return {CounterDecl{"odd_runs", "odd runs counted", "odd runs counted", 1},
            CounterDecl{"ticks", "ticks", "ticks", 2}};
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    (void)ctx.counter_index(1);
    CHECK_THROWS_AS(ctx.counter_index(2), std::logic_error);  // undeclared
    return std::make_unique<TallyProcess>(ctx);
  }
};

std::shared_ptr<const ProcessSpec> parse_tally(NodeReader& r) {
  if (r.expect_map()) r.finish();  // no keys
  return std::make_shared<TallySpec>();
}

Registry tally_registry() {
  Registry registry = builtin_registry();
  registry.add(
      ProcessType{"tally", "stays at its base, counting", BaseRule::required, {}, parse_tally});
  return registry;
}

// 600 runs: blocks of 256, 256 and 88. t counts, g's rates are all floored, f counts nothing.
const char* kScenario =
    "{plancast: 1, name: with-tally, base_year: 2020, horizon: 2023,"
    " simulation: {runs: 600, seed: 3}, indicators: {t: {base: 5, tally: {}},"
    " g: {base: 10, growth: {trend: -1.5}}, f: {formula: t + g}}}";

std::vector<std::uint64_t> per_year(const Results& r, std::size_t ind, const std::string& name) {
  for (const CounterResult& c : r.indicators.at(ind).counters) {
    if (c.name == name) return c.per_year;
  }
  FAIL("no counter " << name);
  return {};
}

}  // namespace

TEST_CASE("a process's own counters reach the results, writers and shards by name",
          "[counters][shard]") {
  const Registry registry = tally_registry();
  const Scenario sc = load_scenario_text(kScenario, "t.yaml", {}, registry);
  const auto cs = compile(sc, registry);
  const Results r = run(*cs);
  REQUIRE(r.indicators.size() == 3);
  CHECK(per_year(r, 0, "odd_runs") == std::vector<std::uint64_t>{0, 300, 300, 300});
  CHECK(per_year(r, 0, "ticks") == std::vector<std::uint64_t>{0, 1200, 1200, 1200});
  CHECK(per_year(r, 1, "floored") == std::vector<std::uint64_t>{0, 600, 600, 600});
  CHECK(r.indicators[0].counters.size() == 2);
  CHECK(r.indicators[2].counters.empty());  // a formula counts nothing

  const auto j = to_json(r);
  CHECK(j["indicators"]["t"]["odd_runs"] == nlohmann::ordered_json::array({0, 300, 300, 300}));
  CHECK(j["indicators"]["t"]["ticks"] == nlohmann::ordered_json::array({0, 1200, 1200, 1200}));
  CHECK(!j["indicators"]["t"].contains("floored"));
  CHECK(!j["indicators"]["f"].contains("floored"));
  CHECK(j["indicators"]["g"]["floored"] == nlohmann::json::array({0, 600, 600, 600}));
  const std::string csv = to_csv_text(r);
  CHECK(csv.find("\nt,2021,odd_runs,300\n") != std::string::npos);
  CHECK(csv.find("\nt,2023,ticks,1200\n") != std::string::npos);
  CHECK(csv.find("\nf,2021,floored") == std::string::npos);
  const std::string text = to_text_summary(r);
  CHECK(text.find("note: t: 900 odd runs counted") != std::string::npos);
  CHECK(text.find("note: g: 1800 growth steps floored at -100%") != std::string::npos);

  // Two shards merged give the single run, counters included.
  const std::uint64_t nb = block_count(*cs);
  std::vector<ShardText> texts;
  std::vector<RunState> parts;
  for (std::uint64_t k = 1; k <= 2; ++k) {
    const BlockRange part = part_of(nb, k, 2);
    RunState s = make_state(*cs);
    simulate(*cs, part.first, part.last, s);
    texts.push_back({std::string("s").append(std::to_string(k)), to_shard_text(sc, k, 2, s)});
    parts.push_back(std::move(s));
  }
  CHECK(merge_shard_texts({texts[1], texts[0]}, registry) == r);

  // A shard's counter may hold at most runs × its most per run and year.
  const RunState shape = make_state(*cs);
  nlohmann::json state = nlohmann::json::parse(state_to_json(parts[0]).dump());
  const std::uint64_t runs = state["runs"];
  state["cells"][1]["counters"]["ticks"] = 2 * runs;
  CHECK_NOTHROW(state_from_json(state, shape));
  state["cells"][1]["counters"]["ticks"] = 2 * runs + 1;
  try {
    (void)state_from_json(state, shape);
    FAIL("accepted more ticks than the runs allow");
  } catch (const StateError& e) {
    CHECK(e.pointer == "/cells/1/counters/ticks");
  }
}

TEST_CASE("the engine names no process's counter", "[counters]") {
  // "floored" is growth's (models/growth.cpp): the engine only loops over declared counters.
  namespace fs = std::filesystem;
  std::vector<std::string> naming;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(PLANCAST_SOURCE_DIR) / "engine")) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("floored") != std::string::npos) naming.push_back(e.path().string());
  }
  CHECK(naming == std::vector<std::string>{});
}
