// The scenario as plain structs (SPEC §1), produced once by the loader and then read-only.
// Process-specific settings live in an opaque ProcessSpec built by the process's parser
// (models/), so nothing here knows any concrete process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/process.h"
#include "engine/core/value.h"
#include "engine/random/distribution_spec.h"

namespace plancast {

/// Input guards applied before YAML parsing (docs/scenario-reference.md).
inline constexpr std::size_t kMaxScenarioBytes = std::size_t{4} << 20;  ///< 4 MiB
inline constexpr int kMaxNestingDepth = 64;  ///< maps and lists inside each other
inline constexpr int kSchemaVersion = 1;     ///< the `plancast:` version this build reads
inline constexpr int kMaxYears = 200;        ///< horizon - base_year at most

/// Cost limits (docs/reliability.md, limits): each variant is validated as a whole scenario,
/// and each --set option is parsed and applied on its own.
inline constexpr std::size_t kMaxVariants = 1000;     ///< variants in one scenario file
inline constexpr std::size_t kMaxSetOptions = 10000;  ///< --set options in one command
/// Variants × values (keys, values and list items outside `variants`, plus --set options):
/// about 2 µs of checking each, so a few seconds at most.
inline constexpr std::size_t kMaxVariantValues = 2000000;

/// Largest run count accepted (documented in docs/scenario-reference.md): 2^40.
inline constexpr std::uint64_t kMaxRuns = std::uint64_t{1} << 40;

struct SimulationSpec {
  std::uint64_t runs = 100000;
  std::uint64_t seed = 1;
  std::string sampler = "mc";  ///< mc | lhs | sobol
  SourceLoc loc;
};

struct ParameterSpec {
  std::string name;
  DistSpec dist;
  SourceLoc loc;
  /// Optional `title` and `unit` beside `dist` (free text, UTF-8; empty when not given): the
  /// outputs name it "TITLE (NAME)" and write its values with the unit (engine/io/labels.h).
  std::string title;
  std::string unit;
};

struct CorrelationSpec {
  std::string a, b;
  double rho = 0;
  SourceLoc loc;
};

struct HistoryPoint {
  int year = 0;
  double value = 0;
  SourceLoc loc;
};

/// A stated growth claim: "from 2015 to 2020 the value grew by cagr a year".
struct ClaimSpec {
  int from = 0, to = 0;
  double cagr = 0;
  /// `basis: nominal` (default, comparable with the history) or `basis: real` (stated at
  /// constant prices: `plancast audit` cannot check it against a nominal history).
  bool real = false;
  SourceLoc loc;
};

struct IndicatorSpec {
  std::string name;
  SourceLoc loc;
  std::string unit;   ///< free text, may be empty
  std::string title;  ///< free text (UTF-8), may be empty
  bool has_base = false;
  double base = 0;
  SourceLoc base_loc;
  /// Its own `base_year` (mixed vintages, issue 17 part 3): the year `base` is from, after
  /// the scenario's base year; 0 when not given (the scenario's).
  int base_year = 0;
  SourceLoc base_year_loc;
  /// The first year it is simulated in, filled by the loader: its own base_year, or the
  /// scenario's; for an indicator without a base (a formula) the latest first year of the
  /// indicators it reads. Years before it are absent from the results.
  int first_year = 0;
  std::vector<HistoryPoint> history;  ///< sorted by year, years unique
  std::vector<ClaimSpec> claims;
  std::string process;  ///< registry key: growth, formula, ...
  std::shared_ptr<const ProcessSpec> spec;
  /// Names of the series this indicator produces (usually {name}; firm_population gives
  /// NAME_over_T for each threshold). Filled by the loader from spec->outputs(name).
  std::vector<std::string> outputs;
};

/// A shared event (`events:`, docs/scenario-reference.md "events"): a yes/no state per run
/// and year that every process naming it in its `shocks` sees alike. A two-state Markov
/// chain: P(on | off last year) = probability, P(on | on last year) = persistence (without
/// persistence: independent years with chance `probability`); its first year of the window
/// starts from the chain's stationary share (engine/sim/events.h).
struct EventSpec {
  std::string name;
  SourceLoc loc;
  Value probability;
  bool has_persistence = false;
  Value persistence = Value::of(0);
  int first = 0, last = 0;  ///< the window of years it can occur in (first simulated year ..
                            ///< horizon when `years` is not given)
  SourceLoc years_loc;
  /// Never from the file: the seed of its draws where an analysis resamples this event
  /// alone (plancast sensitivity, the event as a factor); absent: simulation.seed.
  std::optional<std::uint64_t> seed;
};

enum class TargetOp { at_least, at_most };

struct TargetSpec {
  std::string id;
  std::string indicator;  ///< an indicator output name
  int year = 0;
  TargetOp op = TargetOp::at_least;
  double value = 0;
  bool by = false;  ///< met if reached in any year up to `year`
  SourceLoc loc;
};

struct Scenario {
  int schema = 1;    ///< `plancast:` version
  std::string file;  ///< display name of the source (path, or "<bundled:jiaxing>")
  std::string name;
  std::string title;
  int base_year = 0;
  int horizon = 0;
  std::vector<int> report_years;  ///< explicit `report_years`, else target years + horizon
  SimulationSpec simulation;
  std::vector<ParameterSpec> parameters;
  std::vector<CorrelationSpec> correlations;
  std::vector<EventSpec> events;           ///< in file order
  std::vector<IndicatorSpec> indicators;   ///< in file order
  std::vector<TargetSpec> targets;         ///< in file order
  std::vector<std::string> variant_names;  ///< every variant defined in the file
  std::string variant;                     ///< the selected variant, empty for the base
  /// The selected variant's overrides as the file writes them, in file order: each dotted
  /// path and its value in YAML flow style (e.g. {"parameters.trend.mean", "0.19"}); empty
  /// for the base. What compare, the reports and the workbooks show a variant to change.
  std::vector<std::pair<std::string, std::string>> variant_overrides;
  /// YAML text of the scenario after variant and --set overrides, emitted canonically;
  /// its SHA-256 is `scenario_sha256` in results.
  std::string canonical_text;
  std::string sha256;
  /// Every finite number of that text by its dotted path (KEY.KEY.INDEX, as --set takes),
  /// e.g. "parameters.trend.mean" (the first of duplicate keys).
  std::map<std::string, double> numbers;

  int n_years() const { return horizon - base_year + 1; }
  const ParameterSpec* find_parameter(const std::string& n) const;
  const IndicatorSpec* find_indicator(const std::string& n) const;
  /// The indicator that produces output series `n`, or nullptr.
  const IndicatorSpec* indicator_of_output(const std::string& n) const;
  /// The first simulated year of `ind` (its first_year once loaded, else the base year).
  int first_year(const IndicatorSpec& ind) const {
    return ind.first_year > base_year ? ind.first_year : base_year;
  }
  const EventSpec* find_event(const std::string& n) const;
};

/// The scenario as seen by an indicator starting in `first_year` (> sc.base_year): the same,
/// its base_year moved there. A process checks and compiles against it, so it counts its
/// years from its own base year (engine/sim/compile.cpp, engine/config/loader_build.cpp).
Scenario vintage_view(const Scenario& sc, int first_year);

/// The parameter samplers (SPEC §2.7), in the order of sampler_names().
enum class Sampler { mc, lhs, sobol };
/// "mc", "lhs", "sobol": the names `simulation.sampler` and --sampler take.
const std::vector<std::string>& sampler_names();
/// The sampler called `name`; nullopt for any other name. The one check of a sampler name.
std::optional<Sampler> sampler_from_name(std::string_view name);
const std::string& sampler_name(Sampler s);

/// How to load: which variant, then the typed overrides of `simulation` (each located at
/// its flag, "--runs", in messages; the `simulation` map is created if the file has none),
/// then the --set overrides (each "PATH=VALUE", located at --set:K:COL). Every override is
/// applied to the scenario's tree before it is validated, so the scenario's canonical text
/// and sha256 describe exactly what runs: `runs = N` and `sets = {"simulation.runs=N"}` give
/// the same scenario.
struct LoadOptions {
  std::string variant;
  std::vector<std::string> sets;                     ///< applied after the typed options below
  std::optional<std::uint64_t> runs = std::nullopt;  ///< simulation.runs (1 to kMaxRuns)
  std::optional<std::uint64_t> seed = std::nullopt;  ///< simulation.seed
  std::optional<Sampler> sampler = std::nullopt;     ///< simulation.sampler
  /// false: the variants other than the selected one (all of them when none is) are read
  /// but neither built nor checked, for a caller that loaded the same file with these checks
  /// before (compare's variants, solve's evaluations): each would cost a whole build. Such a
  /// load that selects a variant or overrides a value builds only the scenario it returns
  /// (not the base, nor the variant before the overrides), from the file's tree as guarded
  /// and parsed by the process's last such load of the same text.
  bool check_other_variants = true;
};

class Registry;

/// Receives a variant's scenario (see load_scenario_text).
using VariantFn = std::function<void(const Scenario&)>;

/// Reads, validates (every variant included) and returns the selected scenario.
/// Throws ScenarioError with every problem found (FILE:LINE:COL located).
/// When no variant is selected, `each_variant` (if given) is called with each sound
/// variant's scenario, the --set options applied, in file order, while loading: the load
/// may still throw afterwards, and then whatever each_variant found is moot. (`validate`
/// compiles every variant this way without loading the file once per variant.)
Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const LoadOptions& opts, const Registry& registry,
                            const VariantFn& each_variant = {});
/// Same, reading the file first (unreadable file: ScenarioError at FILE).
Scenario load_scenario_file(const std::string& path, const LoadOptions& opts,
                            const Registry& registry, const VariantFn& each_variant = {});

/// Lower-case hex SHA-256 of `text` (OpenSSL); used for scenario_sha256 and shard files.
std::string sha256_hex(const std::string& text);

/// Indices into scenario.indicators in an order where every indicator comes after the
/// indicators whose outputs it references (parameters are not edges). Stable: among
/// indicators free to go, file order. Throws ScenarioError naming the cycle if there is one
/// (a loaded scenario never has one).
std::vector<int> dependency_order(const Scenario& scenario);

}  // namespace plancast
