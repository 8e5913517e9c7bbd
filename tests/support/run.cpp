#include "tests/support/run.h"

#include <catch2/catch.hpp>

#include "engine/core/error.h"
#include "engine/sim/runner.h"
#include "models/register_builtin.h"

namespace plancast::test {

Scenario load_text(const std::string& yaml, const std::vector<std::string>& sets,
                   const std::string& variant) {
  LoadOptions opts;
  opts.sets = sets;
  opts.variant = variant;
  return load_scenario_text(yaml, "test.yaml", opts, builtin_registry());
}

std::string errors_of(const std::string& yaml, const std::string& name) {
  try {
    load_scenario_text(yaml, name, {}, builtin_registry());
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

Results run_text(const std::string& yaml, int threads, const std::vector<std::string>& sets) {
  RunOptions ro;
  ro.threads = threads;
  return run(load_text(yaml, sets), builtin_registry(), ro);
}

const IndicatorResult& indicator(const Results& r, const std::string& name) {
  for (const auto& i : r.indicators) {
    if (i.name == name) return i;
  }
  FAIL("no indicator " << name);
  throw;
}

const TargetResult& target(const Results& r, const std::string& id) {
  for (const auto& t : r.targets) {
    if (t.id == id) return t;
  }
  FAIL("no target " << id);
  throw;
}

}  // namespace plancast::test
