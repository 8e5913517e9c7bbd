// Loading and running scenario texts in tests, with the built-in processes (tests/support).
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/results.h"

namespace plancast::test {

/// Loads `yaml` (shown as test.yaml) with --set values `sets` and the built-in registry.
Scenario load_text(const std::string& yaml, const std::vector<std::string>& sets = {},
                   const std::string& variant = "");
/// Loads `yaml` shown as `name` and returns the error text ("" when it loads).
std::string errors_of(const std::string& yaml, const std::string& name = "test.yaml");
/// Loads and runs `yaml` on `threads` threads (0: all).
Results run_text(const std::string& yaml, int threads = 0,
                 const std::vector<std::string>& sets = {});

/// The indicator or target of that name (a test failure when there is none).
const IndicatorResult& indicator(const Results& r, const std::string& name);
const TargetResult& target(const Results& r, const std::string& id);

}  // namespace plancast::test
