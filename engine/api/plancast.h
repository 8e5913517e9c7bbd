// plancast's public C++ API: the one header a program (and the Python module) includes.
//
//   #include <plancast/plancast.h>             // engine/api/plancast.h in the source tree
//   plancast::LoadOptions o;
//   o.runs = 2000;
//   const plancast::Scenario sc = plancast::api::load(plancast::api::ScenarioSource::bundled(), o);
//   const plancast::api::RunOutput r = plancast::api::run(sc);
//   std::string json = plancast::api::to_json(r);  // what `plancast run --json -` prints
//
// Every command of the CLI is a call here: load (the one way a scenario is read, with every
// override applied before validation, so `scenario_sha256` is of what runs), then run,
// compare, sensitivity, solve, discover, audit or validate, each returning value types, and
// writers that turn them into the CLI's JSON, CSV, text and HTML. Nothing here prints or
// exits: problems are thrown (engine/core/error.h): ScenarioError (bad scenario, FILE:LINE:COL
// located; overrides at --set:K:COL or the flag, e.g. "--runs"), UsageError (a bad request,
// e.g. an unknown target), RunError (a failure while running, memory over budget),
// Interrupted (the cancel flag was set).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/analysis/audit.h"
#include "engine/analysis/compare.h"
#include "engine/analysis/discover.h"
#include "engine/analysis/fit.h"
#include "engine/analysis/precision.h"
#include "engine/analysis/sensitivity.h"
#include "engine/analysis/shapley.h"
#include "engine/analysis/solve.h"
#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/core/process.h"
#include "engine/sim/block.h"
#include "engine/sim/results.h"

namespace plancast {

class CompiledScenario;
class Registry;

namespace api {

/// Where a scenario comes from: a file, YAML text (named in messages), or the bundled
/// Jiaxing scenario.
struct ScenarioSource {
  enum class Kind { file, text, bundled };
  Kind kind = Kind::bundled;
  std::string path;  ///< file: the path; text: the name messages give (e.g. "<text>")
  std::string text;  ///< text: the YAML

  static ScenarioSource file(std::string path);
  static ScenarioSource yaml(std::string text, std::string name = "<text>");
  static ScenarioSource bundled();
  /// The path for a file, nullopt otherwise (the CLI's SCENARIO argument, optional).
  static ScenarioSource file_or_bundled(const std::optional<std::string>& path);
};

/// The bundled scenario's YAML and its name in messages ("<bundled:jiaxing.yaml>").
std::string bundled_scenario_text();
std::string bundled_scenario_name();

/// The processes an indicator can use (models/: growth, formula, ...).
const Registry& builtin_registry();

/// The one way in: reads, validates (every variant) and returns the selected scenario
/// with LoadOptions' overrides applied (variant, runs/seed/sampler, --set).
Scenario load(const ScenarioSource& source, const LoadOptions& options = {});
/// The same with processes of the caller's own: a copy of builtin_registry() with more
/// ProcessTypes added (engine/core/process.h; docs/architecture.md, "How to add a process").
Scenario load(const ScenarioSource& source, const LoadOptions& options, const Registry& registry);

/// How the work runs; shared by every analysis. Results never depend on `threads`.
struct Execution {
  int threads = 0;  ///< 0: all cores
  /// Runs done and the job's total, from one thread at a time.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Set (e.g. from a signal handler) to stop: the call throws Interrupted.
  const std::atomic<bool>* cancel = nullptr;
  /// Bytes the work may plan to use: a job estimated above it is refused (RunError)
  /// before it starts. Absent: no check.
  std::optional<std::uint64_t> max_memory;
};

// ---- validate ---------------------------------------------------------------------------

struct ValidateOutput {
  Scenario scenario;                  ///< the selection
  std::vector<std::string> warnings;  ///< suspicious but legal input (variants' marked)
};
/// Loads and compiles the selection and, without a variant, every variant: throws one
/// ScenarioError with every problem of them all.
ValidateOutput validate(const ScenarioSource& source, const LoadOptions& options = {});
/// {"ok": true, "scenario", "title", "variant", "scenario_sha256", "indicators", ...}
std::string to_json(const ValidateOutput& v);
/// "ok: NAME (2 indicators, 2 targets, 1 variant)\n"
std::string to_text(const ValidateOutput& v);

// ---- run --------------------------------------------------------------------------------

struct RunRequest {
  /// Add runs in rounds (10000, 20000, ...) until every target's 95% interval is within
  /// ±precision, up to the scenario's runs (the cap).
  std::optional<double> precision;
};

struct RunOutput {
  Scenario scenario;  ///< as loaded (with precision, results.runs is the last round's)
  Results results;
  std::vector<std::string> after_run_warnings;  ///< e.g. a % series outside [0, 100]
  std::optional<PrecisionOutcome> precision;
  double precision_asked = 0;
};

/// The scenario's warnings (suspicious but legal input; never fatal), located.
std::vector<Diagnostic> warnings(const Scenario& scenario);
/// A scenario compiled for simulation (immutable; share it between runs and threads).
using Model = std::shared_ptr<const CompiledScenario>;
/// Resolves names and builds the samplers: ScenarioError for the few problems that only
/// show then (e.g. too many parameters for sobol).
Model compile(const Scenario& scenario);
/// The same for a scenario loaded with a registry of the caller's own.
Model compile(const Scenario& scenario, const Registry& registry);
/// A model of only what `needs` reads (engine/sim/runner.h, needed_part): the indicators
/// those targets and outputs depend on, up to the latest year asked. Its results are
/// byte-identical to the whole scenario's for everything kept.
Model compile(const Scenario& scenario, const Needs& needs);
/// Simulates the model (its scenario's runs, seed and sampler).
RunOutput run(const Model& model, const Execution& execution = {});
/// compile, then run.
RunOutput run(const Scenario& scenario, const Execution& execution = {});
/// Loads and runs; with request.precision, rounds of runs, each the scenario loaded with
/// runs = N (so the last round's results are those of a plain run of N).
RunOutput run(const ScenarioSource& source, const LoadOptions& options,
              const RunRequest& request = {}, const Execution& execution = {});
/// The results as `plancast run` writes them.
std::string to_json(const RunOutput& r);
std::string to_csv(const RunOutput& r);
std::string to_text(const RunOutput& r);    ///< the summary
std::string to_report(const RunOutput& r);  ///< self-contained HTML
/// The same; `discover`: its first page also gives, per target, the PRIM box (discover.h)
/// in which it is mostly missed, over the ranking's runs (`run --report-discover`).
std::string to_report(const RunOutput& r, bool discover);
std::string to_xlsx(const RunOutput& r);  ///< Excel workbook bytes (engine/io/xlsx_out.h)

/// Every run as a row (`plancast run --samples F.csv`; engine/io/samples_out.h): the run
/// number, each parameter, each event's years on, each indicator output at `years`, each
/// target's hit (0/1).
struct SamplesRequest {
  std::string years;  ///< as --samples-years ("2025,2035"); empty: the report years
  bool gzip = false;  ///< each block of rows (and the header) a gzip member
  /// Refuse (UsageError) a table estimated above this many bytes (SamplesPlan::bytes;
  /// written to a file: also above the free space, compressed about 2:1 for .gz).
  std::optional<std::uint64_t> max_bytes;
};
/// The table run_samples() would write, before running: its columns and the most bytes
/// it can take (header + runs × longest row, uncompressed). A year outside the scenario's
/// is a ScenarioError located at "--samples-years:1:COL".
struct SamplesPlan {
  std::vector<std::string> columns;
  std::uint64_t header_bytes = 0;
  std::uint64_t row_bytes = 0;
  std::uint64_t bytes = 0;  ///< header_bytes + runs × row_bytes
};
SamplesPlan plan_samples(const Model& model, const SamplesRequest& request);
/// Writes a samples file's bytes: the text handed on piece by piece, in order.
using SamplesWriter = std::function<void(std::string_view bytes)>;
/// run(model, execution), byte for byte the same results, and the samples table written
/// to `write` as the runs go: the header, then each block of runs' rows in run order
/// (the same bytes for any threads). Memory does not grow with the runs.
RunOutput run_samples(const Model& model, const Execution& execution, const SamplesRequest& request,
                      const SamplesWriter& write);
/// The same, the table written to the file `path` as `plancast run --samples` writes it
/// (request.gzip from its name: .gz; a temporary renamed into place once complete, none
/// left on an error or an interrupt; request.max_bytes checked with the free space).
RunOutput run_samples_to_file(const Model& model, const Execution& execution,
                              SamplesRequest request, const std::string& path);
/// Samples files of one job's shards (run --shard K/N --samples PART) concatenated in run
/// order, header checked the same and runs contiguous from 0 (to `runs`, when given),
/// written to `write`: byte-identical to one unsharded run's samples.
void merge_samples(const std::vector<std::string>& parts, bool gzip,
                   std::optional<std::uint64_t> runs, const SamplesWriter& write);

/// Shard files of one job (`plancast run --shard K/N --json F`, in any order) combined into
/// the whole job's results, byte-identical to one run (engine/io/shard.h, merge_shards).
/// With `key` (PLANCAST_SHARD_KEY), only shards with a valid HMAC under it are accepted.
RunOutput merge(const std::vector<std::string>& shards, const std::optional<std::string>& key = {});

// ---- compare ----------------------------------------------------------------------------

struct CompareRequest {
  /// Variants compared with the base; absent: every variant the scenario defines.
  std::optional<std::vector<std::string>> variants;
};
struct CompareOutput {
  std::vector<CompareEntry> entries;  ///< "base" first; each loaded with the base's runs,
                                      ///< seed and sampler
  Comparison comparison;
};
/// Loads the base (options.variant must be empty) and each variant with the base's runs,
/// seed and sampler, and runs them with common random numbers.
CompareOutput compare(const ScenarioSource& source, const LoadOptions& options,
                      const CompareRequest& request = {}, const Execution& execution = {});
std::string to_json(const CompareOutput& c);
std::string to_text(const CompareOutput& c);
std::string to_report(const CompareOutput& c);
std::string to_xlsx(const CompareOutput& c);  ///< Excel workbook bytes

// ---- sensitivity ------------------------------------------------------------------------

struct SensitivityRequest {
  std::string of;  ///< INDICATOR@YEAR or TARGET_ID
  SensitivityMethod method = SensitivityMethod::sobol;
  std::uint64_t runs = 0;  ///< sobol base rows, shapley permutations, tornado runs per
                           ///< setting; 0: the method's default
};
struct SensitivityOutcome {
  Scenario scenario;  ///< loaded with the design's runs and seed (what each simulation runs)
  SensitivityOutput output;
  std::variant<SobolResult, ShapleyResult, TornadoResult> result;
};
/// The seed is options.seed (else the file's); options.runs is set to the design's runs.
SensitivityOutcome sensitivity(const ScenarioSource& source, const LoadOptions& options,
                               const SensitivityRequest& request, const Execution& execution = {});
std::string to_json(const SensitivityOutcome& s);
std::string to_text(const SensitivityOutcome& s);
std::string to_report(const SensitivityOutcome& s);

// ---- solve ------------------------------------------------------------------------------

struct SolveOutcome {
  Scenario scenario;  ///< as given (the search varies one input of it)
  SolveResult result;
};
/// Bisection on `request.path` (request.current is read from the scenario when absent).
/// `on_evaluation` sees each evaluation as it is made.
SolveOutcome solve(const ScenarioSource& source, const LoadOptions& options, SolveOptions request,
                   const Execution& execution = {},
                   const std::function<void(const SolveEvaluation&)>& on_evaluation = {});
std::string to_json(const SolveOutcome& s);
std::string to_text(const SolveOutcome& s);
std::string to_report(const SolveOutcome& s);  ///< self-contained HTML

// ---- discover ---------------------------------------------------------------------------

struct DiscoverOutcome {
  Scenario scenario;
  DiscoverOptions options;
  DiscoverResult result;
};
/// PRIM for one target; options.runs absent: kDiscoverDefaultRuns (not the file's).
DiscoverOutcome discover(const ScenarioSource& source, LoadOptions options,
                         const std::string& target, const DiscoverOptions& request = {},
                         const Execution& execution = {});
std::string to_json(const DiscoverOutcome& d);
std::string to_text(const DiscoverOutcome& d);
std::string to_report(const DiscoverOutcome& d);  ///< self-contained HTML

// ---- audit ------------------------------------------------------------------------------

struct AuditOutcome {
  Scenario scenario;
  AuditReport report;
};
AuditOutcome audit(const ScenarioSource& source, const LoadOptions& options = {});
std::string to_json(const AuditOutcome& a);
std::string to_text(const AuditOutcome& a);
std::string to_report(const AuditOutcome& a);  ///< self-contained HTML

// ---- fit (engine/api/fit.cpp; writers: engine/io/fit_out.h) ----------------------------

/// `plancast fit`: reads the series (a scenario is loaded and validated first) and fits it.
FitResult fit(const FitInput& input);
/// What `plancast fit --json` writes: {"trend", "noise", "years", "n", ...}.
std::string to_json(const FitResult& f);
/// What `plancast fit` prints: the YAML fragment to paste, with its comments.
std::string to_text(const FitResult& f);

}  // namespace api
}  // namespace plancast
