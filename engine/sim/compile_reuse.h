// Internal to engine/sim and compare (engine/analysis/compare.cpp): which parts of a variant
// its base's results already answer (issue 16, docs/architecture.md "What compare reuses").
// Every indicator draws from streams keyed by its own name and every parameter from its own
// dimension of the sampler, so an indicator whose inputs are all the same in the variant (its
// own settings, the parameters and events it reads, the indicators it reads, the years) takes
// the same value in every run as in the base: its statistics can be copied, not simulated.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/sim/runner.h"

namespace plancast {

/// What a variant changes against its base. Decided from the two compiled scenarios and
/// their canonical texts, conservatively: anything not shown to be the same is changed.
struct VariantChanges {
  /// Nothing of the base's results may be reused (the years, the parameter list, the
  /// indicators or targets as lists, or a setting outside them differ): simulate it whole.
  bool whole = true;
  std::string why;               ///< why `whole`, in words (empty otherwise)
  std::vector<char> indicators;  ///< per indicator, both scenarios' order: 1 if changed
  std::vector<char> targets;     ///< per target, both scenarios' order: 1 if changed
  std::vector<char> parameters;  ///< per parameter: 1 if its values may differ in some run
  bool events = false;           ///< some shared event changed
  /// Some indicator or target changed (else, with !events, the base's results are the
  /// variant's but for its name and hash).
  bool any() const;
};

/// Compares `variant` with `base` (both compiled by compile(), whole scenarios): a parameter
/// changes with its distribution, and every correlated parameter with any correlation; an
/// event with its settings or a changed parameter it reads; an indicator with its settings
/// (its canonical YAML node and its loaded fields), a changed parameter or event its process
/// looked up while compiling (either scenario's, CompiledScenario::reads) or names, or a
/// changed indicator it reads (the dependency graph, and the slots it looked up); a target
/// with its settings or its indicator.
VariantChanges variant_changes(const CompiledScenario& base, const CompiledScenario& variant);

/// variant_changes() against one base for many variants: the base's canonical text is
/// parsed once. Borrows `base`, which must outlive it.
class ReuseBase {
 public:
  explicit ReuseBase(const CompiledScenario& base);
  ~ReuseBase();
  ReuseBase(const ReuseBase&) = delete;
  ReuseBase& operator=(const ReuseBase&) = delete;
  VariantChanges changes(const CompiledScenario& variant) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The part of `variant` to simulate: needed_part() of the changed targets and the changed
/// indicators' outputs, with the variant's horizon and report years kept, so that every
/// series it holds is the one the whole variant gives. Requires changes.any().
Scenario changed_part(const Scenario& variant, const VariantChanges& changes);

/// Whether two compiled scenarios draw the same parameter values in every run: the same
/// runs, seed and sampler, the same parameters in the same order (names and every field of
/// their distributions) and the same correlations. Conservative: anything not shown equal
/// counts as different (Simulator::simulate_together then transforms each one's own).
bool same_parameter_draws(const CompiledScenario& a, const CompiledScenario& b);

/// A process of a scenario simulated together with others that gives, at every year index
/// of every run, the outputs of a process of an earlier scenario: the two draw the same
/// parameter values and their processes the same year_free_key() (a count with the same
/// settings, say, in a variant that moves the base year). It copies them instead of
/// stepping (Simulator::simulate_together), in the years both simulate.
struct ProcessTwin {
  std::size_t process = 0;  ///< its index among its scenario's processes
  std::size_t from = 0;     ///< the earlier scenario's index
  std::size_t from_process = 0;
  std::vector<std::pair<int, int>> slots;  ///< (the earlier's slot, its own), per output
};

/// The twins of each scenario's processes (none for the first). params_of[k]: the first
/// scenario whose parameter values scenario k's are (k itself, or an earlier one that
/// same_parameter_draws() accepted); two scenarios draw the same values when it is the same
/// for both. Scenarios with a later vintage have none (their processes start in other years).
std::vector<std::vector<ProcessTwin>> process_twins(
    const std::vector<const CompiledScenario*>& scenarios,
    const std::vector<std::size_t>& params_of);

}  // namespace plancast
