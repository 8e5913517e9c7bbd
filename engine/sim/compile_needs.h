// Internal to engine/sim and the analyses that read only the runs' outcomes (solve, Sobol,
// Shapley): a compiled scenario that skips the distributions of the parameters it does not
// read (compile_needs.cpp).
#pragma once

#include <memory>

#include "engine/sim/runner.h"

namespace plancast {

/// compile(scenario, registry, needs) for a question that reads the runs' outcomes (targets
/// met, outputs' values) and never the parameters' values: the parameters that no kept
/// indicator looks up keep their uniforms and their place in the copula (so every parameter
/// that is read, and every outcome, is byte-identical to compile()'s), but skip their
/// distribution's quantile: BlockView::params and parameters_of() hold placeholders for
/// them (0, or the copula's normal score when correlated).
std::shared_ptr<const CompiledScenario> compile_outcomes(const Scenario& scenario,
                                                         const Registry& registry,
                                                         const Needs& needs);

namespace sim_detail {
/// compile(), and with outcomes_only the placeholders above.
std::shared_ptr<const CompiledScenario> compile_scenario(const Scenario& scenario,
                                                         bool outcomes_only);
}  // namespace sim_detail

}  // namespace plancast
