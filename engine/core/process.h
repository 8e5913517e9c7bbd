// The contract between the engine and a process (growth, formula, count, ...), and the one
// registry that maps YAML process keys to them. The engine never includes models/: the
// processes register themselves through models/register_builtin.cpp.
//
// Life cycle: parse (YAML → ProcessSpec, at load) → compile (names → indices, once per
// run) → make_worker (one per thread, owns scratch) → init / step on blocks of runs.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/stream_key.h"
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

/// A diagnostic counter a process declares (ProcessSpec::counters): an integer per year,
/// summed exactly over runs, threads and shards, that appears in the results under `name`
/// (JSON key and CSV statistic of the indicator, a shard cell's "counters") and, when not 0,
/// as a note. Growth's counts steps whose rate was held at -1 (models/growth.cpp).
struct CounterDecl {
  std::string name;  ///< lowercase letters, digits and '_'; not a key the results already use
  /// The text summary's note after "note: INDICATOR: N ": "growth steps held at ...".
  std::string summary_note;
  /// The report's note after "INDICATOR: N ": "yearly falls held at ... (over ...)".
  std::string report_note;
  /// The most one run adds in one year (> 0): a shard whose count is above runs times this
  /// is refused.
  std::uint64_t most_per_run_year = 1;
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
  /// Key of this indicator's random sub-stream k (k < ProcessSpec::stream_count()): a hash
  /// of its name plus k, so adding another indicator never moves this one's draws. Throws
  /// std::logic_error for a k the process did not declare. Compile checks that no two keys
  /// of a scenario collide (engine/sim/stream_keys.h).
  virtual StreamKey stream_key(std::uint32_t k) const = 0;
  /// Index into BlockCounters::counts of this indicator's counter k (k < the size of
  /// ProcessSpec::counters()). Throws std::logic_error for a k the process did not declare.
  virtual std::size_t counter_index(std::uint32_t k) const = 0;
  /// Index of a shared event of the scenario (`events:`; BlockCtx::event_on), or -1.
  virtual int event_index(const std::string& /*name*/) const { return -1; }
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
  /// For scenarios simulated together (Simulator::simulate_together): a text that two
  /// processes, of two scenarios drawing the same parameter values with the same seed,
  /// share only when they give the same outputs at every year index of every run. The
  /// process must read nothing but its own settings (all in the text), the parameters, its
  /// own random streams at (run, year index) and its own outputs of the year before: not
  /// the calendar year, the horizon, other indicators, events or diagnostic counters, and
  /// keep no state of its own from year to year. The later scenario's process then copies
  /// the earlier's outputs instead of stepping. Empty (the default): always stepped.
  virtual std::string year_free_key() const { return {}; }
};

/// A ValueRef in a year_free_key(): "p" and the parameter's index, or the number's bits.
inline std::string value_key(const ValueRef& v) {
  // Appended, not "p" + ...: GCC 12 warns falsely on that (-Wrestrict, its bug 105329).
  std::string key(1, v.is_param() ? 'p' : 'n');
  if (v.is_param()) {
    key += std::to_string(v.param);
    return key;
  }
  key += std::to_string(std::bit_cast<std::uint64_t>(v.number));
  return key;
}

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

// ---- What `plancast audit` asks of a process (issue 15, part 3) ----------------------------
// Read by engine/analysis/audit*.cpp, which never branches on process names: each process
// says how it measures growth, in its own terms, and the engine compares.

/// What audit lends a process for the words and numbers of its findings: its number
/// formats, and the means of the scenario's parameters.
class AuditContext {
 public:
  virtual ~AuditContext() = default;
  /// 5,509.8; 9,000; 87.03: an economist's number.
  virtual std::string number(double x) const = 0;
  /// A rate as a percentage: 0.17638 -> "17.64%" (decimals 2).
  virtual std::string percent(double r, int decimals) const = 0;
  /// printf's %.*f.
  virtual std::string fixed(double x, int decimals) const = 0;
  /// "1 year", "12 years".
  virtual std::string years(double n) const = 0;
  /// The mean of a Value: the number, or the mean of the parameter's distribution; `fallback`
  /// when it has none (a distribution without a finite mean and 10%/90% quantiles).
  virtual double mean(const Value& v, double fallback) const = 0;
};

/// What reaching a target needs, in a process's terms.
struct RequiredRate {
  double rate = std::numeric_limits<double>::quiet_NaN();  ///< compared with history, assumption
  /// false: no rate of this process takes the base to the target (audit says so).
  bool checkable = false;
  /// The finding's words after "TARGET: ", before the comparison; empty: audit writes
  /// "BASE (YEAR) -> VALUE needs RATE over N years".
  std::string text;
  /// Numbers for the finding, after "years" and before "required_rate".
  std::vector<std::pair<std::string, double>> values;
};

/// How a process measures the growth of its indicator, for audit: made by
/// ProcessSpec::growth_measure for one indicator and scenario.
class GrowthMeasure {
 public:
  virtual ~GrowthMeasure() = default;
  /// The rate, in this process's terms, that takes v0 to v1 in n years (what a history
  /// implies); NaN where none does, and where n <= 0 or a value is not finite.
  double rate(double v0, double v1, double n) const {
    if (!(n > 0) || !std::isfinite(v0) || !std::isfinite(v1)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return rate_between(v0, v1, n);
  }
  /// rate() for n > 0 and finite values.
  virtual double rate_between(double v0, double v1, double n) const = 0;
  /// What reaching v1 from base v0 in n years needs (default: rate(), checkable when
  /// finite).
  virtual RequiredRate required(double v0, double v1, int n, const AuditContext& /*ctx*/) const {
    RequiredRate r;
    r.rate = rate(v0, v1, n);
    r.checkable = std::isfinite(r.rate);
    return r;
  }
  /// Whether value_after() answers: the process compounds one rate (a target on a share's
  /// input implies one on the other only then).
  virtual bool projects() const { return false; }
  /// The value reached from v0 after n years at rate r (projects() only).
  virtual double value_after(double /*v0*/, double /*r*/, int /*n*/) const {
    return std::numeric_limits<double>::quiet_NaN();
  }
  /// A rate in words: "7.18%/yr", "0.120 a year in logit", "3.5 a year".
  virtual std::string rate_text(double r, const AuditContext& ctx) const = 0;
  /// The rate the scenario assumes, as written (the first trend segment's `rate`, a count's
  /// arrival `rate`); nullopt when there is none to compare with.
  std::optional<Value> assumed;
};

/// An output that is a percentage share of two other indicators, `100 * numerator /
/// denominator`.
struct ShareOf {
  std::string numerator, denominator;
};

/// What a process draws each year besides the parameters, as written: its noise and its
/// shocks, for the reports' assumptions table (issue 19 part 2; engine/io/report_sections.cpp).
struct YearlyRandomness {
  std::string on;  ///< what they move, in words: "growth rate", "arrival rate"
  bool noise = false;
  Value noise_sd = Value::of(0), noise_persistence = Value::of(0);
  bool shocks = false;
  std::string shock_event;  ///< non-empty: the shock years are this shared event's
  Value shock_probability = Value::of(0);
  /// The size as a distribution, as the file writes it ("{dist: normal, mean: -0.05, sd:
  /// 0.02}"); empty when the size is a number or parameter (shock_size).
  std::string shock_dist_written;
  /// A size distribution's range when it is all there is to say: [v, v] for `dist: fixed`,
  /// [min, max] for an untruncated uniform; absent otherwise.
  std::optional<std::pair<double, double>> shock_range;
  Value shock_size = Value::of(0);
  /// How a shock applies: "added to the growth rate", "multiplies the arrival rate by 1 + size".
  std::string shock_effect;
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
  /// The shared events (`events:`) this process names, with where: the loader reports an
  /// unknown one. Default: none.
  virtual std::vector<NameRef> event_refs() const { return {}; }
  /// Checks that need the whole scenario (years, base): called by the loader for the base
  /// scenario and every variant, after names were resolved, with `self`, the indicator this
  /// spec belongs to (its base, base_loc, name). Reports into diags.
  virtual void check(const Scenario& /*scenario*/, const IndicatorSpec& /*self*/,
                     DiagnosticList& /*diags*/) const {}
  /// The range output number `output` (index into outputs()) of `indicator` (this spec's
  /// own) can take; nullopt when the process cannot say (a formula).
  virtual std::optional<ValueRange> reachable(const IndicatorSpec& /*indicator*/,
                                              std::size_t /*output*/) const {
    return std::nullopt;
  }
  /// How many random sub-streams compile() asks for (CompileContext::stream_key(0 .. n-1));
  /// 0 for a process that draws nothing.
  virtual std::uint32_t stream_count() const { return 1; }
  /// The diagnostic counters the process keeps (CompileContext::counter_index(0 .. n-1));
  /// their names differ. Default: none.
  virtual std::vector<CounterDecl> counters() const { return {}; }
  /// Its yearly noise and shocks (YearlyRandomness); default: none.
  virtual YearlyRandomness yearly_randomness() const { return {}; }
  /// The annual growth rates the process assumes, for the plausibility warnings.
  virtual std::vector<GrowthRateUse> growth_rates() const { return {}; }
  /// How audit measures the growth of `indicator` (this spec's own); nullptr: the process
  /// has no growth rate of its own (a formula, a population of firms).
  virtual std::shared_ptr<const GrowthMeasure> growth_measure(const IndicatorSpec& /*indicator*/,
                                                              const AuditContext& /*ctx*/) const {
    return nullptr;
  }
  /// The share this process computes (a formula `100 * A / B`), or nullopt.
  virtual std::optional<ShareOf> share_of() const { return std::nullopt; }
  /// Why audit cannot check a target on this process's indicator when growth_measure() gives
  /// none, in words that finish "ok (not checkable): ...".
  virtual std::string unmeasured_reason() const { return kUnmeasured; }
  static constexpr const char* kUnmeasured = "its process has no growth rate to compare.";
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
