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

/// A memory size for option `flag`: a whole number of bytes, or with a unit K, M, G or T
/// (powers of 1024; "KB", "KiB" also read), e.g. "512M", "1.5G". At least 1 MiB;
/// UsageError otherwise.
std::uint64_t parse_memory_size(const std::string& flag, const std::string& text);

/// The --max-memory line of a command's options, and its value from `vm` (the default
/// budget, half the physical memory, when absent).
void add_max_memory_option(po::options_description& desc);
std::uint64_t read_max_memory(const po::variables_map& vm);

/// Most worker threads --threads accepts.
inline constexpr std::uint64_t kMaxThreads = 4096;

/// The flags the analysis commands share, read and checked once: --runs (within
/// [min_runs, max_runs]), --seed, --threads, --variant, --set, --json and --report (checked
/// by check_outputs before any work; --report not "-"), --quiet. A flag a
/// command does not define simply stays unset.
struct CommonFlags {
  std::optional<std::uint64_t> runs, seed;
  int threads = 0;
  LoadOptions load;
  std::string json_path;
  std::string report_path;  ///< --report F.html (folder checked), empty when not given
  bool quiet = false;
  /// --max-memory: bytes a command may plan to use (default: half the physical memory).
  std::uint64_t max_memory = 0;
};
CommonFlags read_common_flags(const po::variables_map& vm, std::uint64_t min_runs,
                              std::uint64_t max_runs);

/// --report F.html: UsageError when empty or "-". Returns `path`.
std::string check_report_path(const std::string& path);

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

/// True when `err` is the process's std::cerr and standard error is a terminal.
bool is_terminal(const std::ostream& err);

}  // namespace plancast::cli
