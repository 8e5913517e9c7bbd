// "How to add a process" (docs/architecture.md) as a test: a tiny process, `constant` (the
// value stays at its base), added to a Registry beside the built-in ones and run through the
// public C++ API (engine/api/plancast.h: api::load and api::compile with the caller's
// Registry, api::run). If this stops compiling or passing, the walk-through is out of date.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "engine/api/plancast.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;

namespace {

// 1. The compiled process and its per-thread worker: init writes the base year, step each
//    later year, for every run of the block.
class ConstantWorker final : public ProcessWorker {
 public:
  ConstantWorker(int slot, double base) : slot_(slot), base_(base) {}
  void init(BlockCtx& ctx) override { fill(ctx); }
  void step(BlockCtx& ctx) override { fill(ctx); }

 private:
  void fill(BlockCtx& ctx) const {
    double* x = ctx.slot(slot_);
    for (std::size_t j = 0; j < ctx.n; ++j) x[j] = base_;
  }
  int slot_;
  double base_;
};

class ConstantProcess final : public Process {
 public:
  ConstantProcess(int slot, double base) : slot_(slot), base_(base) {}
  std::unique_ptr<ProcessWorker> make_worker(std::size_t) const override {
    return std::make_unique<ConstantWorker>(slot_, base_);
  }

 private:
  int slot_;
  double base_;
};

// 2. The parsed spec: names it refers to (none), the random streams it draws (none), and
//    compile(), which resolves its output slot.
class ConstantSpec final : public ProcessSpec {
 public:
  std::vector<NameRef> references() const override { return {}; }
  std::uint32_t stream_count() const override { return 0; }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    return std::make_unique<ConstantProcess>(ctx.output_slots().at(0), ctx.base());
  }
};

// 3. The registry entry: key, summary, base rule, documented keys, parser.
ProcessType constant_process_type() {
  ProcessType t;
  t.key = "constant";
  t.summary = "stays at its base";
  t.base = BaseRule::required;
  t.keys = {};
  t.parse = [](NodeReader& r) -> std::shared_ptr<const ProcessSpec> {
    if (!r.expect_map()) return nullptr;
    r.finish();  // no keys: any key is unknown
    return std::make_shared<ConstantSpec>();
  };
  return t;
}

const std::string kScenario = data_scenario("add_process_with_constant");

}  // namespace

TEST_CASE("a process added to a Registry runs through the public API", "[process][api]") {
  Registry registry = api::builtin_registry();
  registry.add(constant_process_type());  // 4. one registry line
  const auto source = [](const std::string& text) {
    return api::ScenarioSource::yaml(text, "c.yaml");
  };
  const Scenario sc = api::load(source(kScenario), {}, registry);
  const Results r = api::run(api::compile(sc, registry)).results;
  REQUIRE(r.indicators.size() == 2);
  CHECK(r.indicators[0].name == "flat");
  CHECK(r.indicators[0].mean.back() == 42);
  CHECK(r.indicators[1].max.back() == 84);
  CHECK(r.targets[0].p.hits == 300);
  CHECK(r.targets[1].p.hits == 0);
  // Its (empty) key table is what its parser accepts: any key is refused.
  std::string with_key = kScenario;
  with_key.replace(with_key.find("{}"), 2, "{level: 1}");
  CHECK_THROWS_WITH(api::load(source(with_key), {}, registry),
                    Catch::Contains("unknown key 'level'"));
  // The built-in registry does not know it.
  CHECK_THROWS_WITH(api::load(source(kScenario)), Catch::Contains("constant"));
}
