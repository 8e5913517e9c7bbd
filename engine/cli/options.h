// Helpers shared by the subcommands: Boost.Program_options parsing with UsageError, strict
// number parsing for option values, SIGINT/SIGTERM → cancel flag, the progress bar.
#pragma once

#include <signal.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "engine/api/plancast.h"
#include "engine/config/scenario.h"
#include "engine/io/output_path.h"

namespace plancast::cli {

namespace po = boost::program_options;

/// Parses `args` against `desc` (and positional names, if any) into a variables map.
/// No prefix guessing (--run is not --runs). Any parse error becomes UsageError.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description* positional = nullptr);

/// A whole decimal number in [lo, hi] for option `flag` ("--runs"); UsageError otherwise,
/// e.g. "--runs: 'abc' is not a whole number".
std::uint64_t parse_count(const std::string& flag, const std::string& text, std::uint64_t lo,
                          std::uint64_t hi);

/// A finite decimal number for option `flag` (with `leading_plus`, "+1.5" too); UsageError
/// "FLAG: 'TEXT' is not a number" otherwise.
double parse_number(const std::string& flag, const std::string& text, bool leading_plus = false);

/// A memory size for option `flag`: a whole number of bytes, or with a unit K, M, G or T
/// (powers of 1024; "KB", "KiB" also read), e.g. "512M", "1.5G". At least 1 MiB;
/// UsageError otherwise.
std::uint64_t parse_memory_size(const std::string& flag, const std::string& text);

/// The --max-memory line of a command's options, and its value from `vm` (the default
/// budget, half the physical memory, when absent).
void add_max_memory_option(po::options_description& desc);
std::uint64_t read_max_memory(const po::variables_map& vm);

/// One command's options, declared once for all commands: --help first, then the shared
/// flags and the command's own in the order the command adds them (its --help lists them
/// so). Each shared flag has its value name and usual help here; a command may word the
/// help its own way. parse() reads SCENARIO (or another positional) too.
class CommandOptions {
 public:
  /// `usage`: the text --help prints above the options. `positional`: the name of the
  /// positional argument and how many (-1: any).
  explicit CommandOptions(const char* usage, const char* positional = "scenario", int count = 1);
  CommandOptions& runs(const char* help =
                           "number of simulated futures (default: the file's "
                           "simulation.runs)");
  CommandOptions& seed(const char* help = "random seed (default: the file's)");
  CommandOptions& threads(const char* help =
                              "worker threads; 0 or absent: all cores (results "
                              "do not depend on it)");
  CommandOptions& sampler();
  CommandOptions& variant(const char* help);
  CommandOptions& set(const char* help =
                          "override one value (YAML), after --variant; "
                          "repeatable");
  CommandOptions& json(const char* help);
  CommandOptions& csv(const char* help = "write full results as CSV ('-': stdout)");
  CommandOptions& report(const char* help);
  CommandOptions& xlsx(const char* help);
  CommandOptions& quiet(const char* help);
  CommandOptions& max_memory();
  /// --samples F (every run as a row, F.csv or F.csv.gz); with `years`, --samples-years
  /// and --max-samples-size too (run; merge only writes what the shards wrote).
  CommandOptions& samples(const char* help, bool years = true);
  /// The command's own options, added in place.
  po::options_description_easy_init own() { return desc_.add_options(); }
  /// Parses `args`; for --help, prints the usage and the options to `out` and returns
  /// nullopt.
  std::optional<po::variables_map> parse(const std::vector<std::string>& args,
                                         std::ostream& out) const;

 private:
  const char* usage_;
  const char* positional_;
  int count_;
  po::options_description desc_{"options"};
};

/// --sampler NAME: UsageError "--sampler: 'NAME' is not a sampler" for another name.
Sampler parse_sampler(const std::string& name);

/// Most worker threads --threads accepts.
inline constexpr std::uint64_t kMaxThreads = 4096;

/// The flags the analysis commands share, read and checked once: --runs (within
/// [min_runs, max_runs]), --seed, --sampler, --threads, --variant, --set, --json and
/// --report (checked by check_outputs before any work; --report not "-"), --quiet. A flag
/// a command does not define simply stays unset. --seed and --sampler go into `load` as
/// they are; --runs stays in `runs` (what it counts depends on the command), the command
/// puts into load.runs what its runs per simulation are.
struct CommonFlags {
  std::optional<std::uint64_t> runs;
  int threads = 0;
  LoadOptions load;
  std::string json_path;
  std::string csv_path;     ///< not "-" with --json -
  std::string report_path;  ///< --report F.html (folder checked), empty when not given
  std::string xlsx_path;    ///< --xlsx F.xlsx (folder checked), empty when not given
  bool quiet = false;
  /// --max-memory: bytes a command may plan to use (default: half the physical memory).
  std::uint64_t max_memory = 0;
  std::string samples_path;   ///< --samples F (checked as the other outputs), or empty
  std::string samples_years;  ///< --samples-years as typed (checked against the scenario
                              ///< later: engine/io/samples_out.h, samples_years)
  /// --max-samples-size: the most bytes --samples may plan to write.
  std::uint64_t max_samples = 0;
};
CommonFlags read_common_flags(const po::variables_map& vm, std::uint64_t min_runs,
                              std::uint64_t max_runs);

/// The SCENARIO argument, or the bundled scenario without one.
api::ScenarioSource scenario_source(const po::variables_map& vm);

/// --report F.html: UsageError when empty or "-". Returns `path`.
std::string check_report_path(const std::string& path);
/// --xlsx F.xlsx: UsageError when empty or "-" (a workbook is a file). Returns `path`.
std::string check_xlsx_path(const std::string& path);
/// --samples F: UsageError when empty or "-" (written as the runs go, to a file), or not
/// ending in .csv or .csv.gz (but for an existing device or pipe). Returns `path`.
std::string check_samples_path(const std::string& path);

/// The --json and --csv file names ("" when not given), checked: not empty, not both
/// standard output. UsageError otherwise.
std::pair<std::string, std::string> read_json_csv_paths(const po::variables_map& vm);

/// Before any work, for every command that writes files: no output is the same file as the
/// SCENARIO (when `vm` has one), as one of `inputs` (merge's shards) or as another output,
/// however spelled (check_distinct_files: exit 2); then every output can be written
/// (check_output_path: exit 1). Outputs with an empty path are skipped.
void check_outputs(const po::variables_map& vm, const std::vector<NamedPath>& outputs,
                   const std::vector<NamedPath>& inputs = {});

/// check_outputs for --json and --csv (as read_json_csv_paths gave them) and --report.
/// Returns the --report path ("" when not given). UsageError or RunError otherwise.
std::string check_output_paths(const po::variables_map& vm, const std::string& json_path,
                               const std::string& csv_path,
                               const std::vector<NamedPath>& inputs = {});

/// While alive, SIGINT and SIGTERM set flag() instead of killing the process (a second
/// signal kills as usual); a signal already ignored stays ignored. Restores the previous
/// handlers when destroyed. One at a time.
class CancelOnSignal {
 public:
  CancelOnSignal();
  ~CancelOnSignal();
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;
  const std::atomic<bool>& flag() const;
  bool cancelled() const { return flag().load(); }

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

/// A one-line progress bar on a terminal: "[####------]  42%  420,000/1,000,000 runs
/// 310,245 runs/s  2s left", redrawn in place at most 10 times a second, first drawn once
/// the work has gone on for kDelay (short runs show nothing), fitted to the terminal's
/// width; erased by finish() or the destructor. Draws nothing when not enabled (callers
/// enable it only for a terminal and without --quiet). update() is called from one thread
/// at a time (the runner's progress callback).
class ProgressBar {
 public:
  static constexpr std::chrono::milliseconds kDelay{1000};
  ProgressBar(std::ostream& err, bool enabled);
  ~ProgressBar();
  void update(std::uint64_t done, std::uint64_t total);
  void finish();
  /// The bar's text for `done` of `total` runs after `secs` seconds, at most `columns` - 1
  /// characters (the bar shrinks, then goes, on narrow terminals).
  static std::string line(std::uint64_t done, std::uint64_t total, double secs, int columns);

 private:
  std::ostream& err_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// The API's execution for a command: --threads, --max-memory, the cancel flag and, when
/// given, the progress bar's update.
api::Execution execution(const CommonFlags& flags, const CancelOnSignal& cancel,
                         ProgressBar* bar = nullptr);

/// True when `err` is the process's std::cerr and standard error is a terminal.
bool is_terminal(const std::ostream& err);

}  // namespace plancast::cli
