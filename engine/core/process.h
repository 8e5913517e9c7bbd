// The contract between the engine and a process (growth, formula, count, ...), and the one
// registry that maps YAML process keys to them. The engine never includes models/: the
// processes register themselves through models/register_builtin.cpp.
//
// Life cycle: parse (YAML → ProcessSpec, at load) → compile (names → indices, once per
// run) → make_worker (one per thread, owns scratch) → init / step on blocks of runs.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/value.h"

namespace plancast {

class NodeReader;
struct BlockCtx;
struct IndicatorSpec;
struct Scenario;

/// A name that a process refers to (a parameter, or an indicator output read in the same
/// year), with where it was written: used for "unknown name" errors and the dependency graph.
struct NameRef {
  std::string name;
  SourceLoc loc;
  bool parameter_only = false;  ///< true where only a parameter may be named (rates, sds)
};

/// A resolved Value: a constant, or a parameter index read per run.
struct ValueRef {
  double number = 0;
  int param = -1;
  bool is_param() const { return param >= 0; }
};

/// What compile() may ask of the scenario: indices for names, the years, its stream id.
class CompileContext {
 public:
  virtual ~CompileContext() = default;
  virtual const Scenario& scenario() const = 0;
  /// Index of a parameter, or -1.
  virtual int parameter_index(const std::string& name) const = 0;
  /// Slot of an indicator output series, or -1.
  virtual int slot_index(const std::string& name) const = 0;
  /// Slots assigned to this indicator's outputs, in the order of ProcessSpec::outputs().
  virtual const std::vector<int>& output_slots() const = 0;
  /// The indicator being compiled (name, base, unit ...).
  virtual const std::string& indicator_name() const = 0;
  virtual bool has_base() const = 0;
  virtual double base() const = 0;
  /// Random stream id of this indicator: a hash of its name, so adding another indicator
  /// never moves this one's draws. A process may derive sub-streams by adding small offsets.
  virtual std::uint32_t stream_id() const = 0;
  /// Number of parameters / slots (for workers that bind whole arrays, e.g. formulas).
  virtual int n_parameters() const = 0;
  virtual int n_slots() const = 0;
  virtual std::vector<std::string> parameter_names() const = 0;
  virtual std::vector<std::string> slot_names() const = 0;
  /// Resolves a Value (its name was checked at load).
  ValueRef resolve(const Value& v) const {
    if (!v.is_param()) return ValueRef{v.number, -1};
    return ValueRef{0.0, parameter_index(v.param)};
  }
};

/// Per-thread state of a compiled process: owns its scratch arrays (sized for a block).
/// init() writes the base-year values of the outputs and resets run state; step() advances
/// every run of the block by one year. Called only from one thread at a time.
class ProcessWorker {
 public:
  virtual ~ProcessWorker() = default;
  virtual void init(BlockCtx& ctx) = 0;
  virtual void step(BlockCtx& ctx) = 0;
};

/// A compiled process: immutable, shared read-only by all threads.
class Process {
 public:
  virtual ~Process() = default;
  virtual std::unique_ptr<ProcessWorker> make_worker(std::size_t block_size) const = 0;
  /// Memory hook (--max-memory; engine/analysis/memory.cpp): the bytes that one worker made
  /// by make_worker(block_size) holds at its largest during a run, its scratch arrays and
  /// per-run state (one worker per thread). Default 0: nothing sizeable. A process whose
  /// state grows with its input (firms, long histories) must answer it.
  virtual std::uint64_t worker_bytes(std::size_t /*block_size*/) const { return 0; }
};

// ---- What a process can say about its values, before simulating (issue 14, parts 6-7) ----
// Read by engine/analysis/reach.cpp (targets no run can meet) and plausibility.cpp
// (growth rates that look like percentages); never by the simulation.

/// The values one output can take in every simulated year, as far as a process can state
/// them from its own settings: an interval whose ends may be open or infinite.
struct ValueRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;  ///< lo itself is never taken (a logistic never reaches 0)
  bool hi_open = false;  ///< hi itself is never taken (a logistic never reaches its cap)
  /// Why no value lies below lo / above hi, in words that finish "cannot be met: ...":
  /// "a logistic indicator stays strictly below its cap 100".
  std::string why_lo, why_hi;
};

/// A growth rate a process assumes (a trend rate, the growth of an arrival rate), as written.
struct GrowthRateUse {
  Value value;      ///< the number or parameter, with where it was written
  std::string key;  ///< the key it was written under: "rate", "converge_to", "rate_growth"
};

/// A parsed process of one indicator: what the YAML said, validated, names unresolved.
class ProcessSpec {
 public:
  virtual ~ProcessSpec() = default;
  /// Output series names (default: the indicator itself).
  virtual std::vector<std::string> outputs(const std::string& indicator) const {
    return {indicator};
  }
  /// Every name used, for unknown-name checks and (non-parameter ones) dependency edges.
  virtual std::vector<NameRef> references() const = 0;
  /// Checks that need the whole scenario (years, base): called by the loader for the base
  /// scenario and every variant, after names were resolved. Reports into diags.
  virtual void check(const Scenario& /*scenario*/, DiagnosticList& /*diags*/) const {}
  /// The range output number `output` (index into outputs()) of `indicator` (this spec's
  /// own) can take; nullopt when the process cannot say (a formula).
  virtual std::optional<ValueRange> reachable(const IndicatorSpec& /*indicator*/,
                                              std::size_t /*output*/) const {
    return std::nullopt;
  }
  /// The annual growth rates the process assumes, for the plausibility warnings.
  virtual std::vector<GrowthRateUse> growth_rates() const { return {}; }
  virtual std::unique_ptr<Process> compile(const CompileContext& ctx) const = 0;
};

/// One row of a process's parameter table, for `plancast models` and the docs.
struct ProcessKeyDoc {
  std::string key;
  std::string type;      ///< "number|parameter", "list", ...
  std::string default_;  ///< empty: required
  std::string meaning;
};

enum class BaseRule { required, forbidden, optional };

/// A process type known to the registry.
struct ProcessType {
  std::string key;      ///< YAML key under an indicator (growth, formula ...)
  std::string summary;  ///< one line
  BaseRule base = BaseRule::required;
  std::vector<ProcessKeyDoc> keys;
  /// Reads the node under `key` (a map, or a scalar for formula). Reports problems
  /// through the reader and returns nullptr when the node cannot be used.
  std::function<std::shared_ptr<const ProcessSpec>(NodeReader&)> parse;
};

/// The one list of process types. Duplicate keys are an error (std::logic_error).
class Registry {
 public:
  void add(ProcessType type);
  const ProcessType* find(const std::string& key) const;
  const std::vector<ProcessType>& all() const { return types_; }
  std::vector<std::string> keys() const;

 private:
  std::vector<ProcessType> types_;
};

}  // namespace plancast
