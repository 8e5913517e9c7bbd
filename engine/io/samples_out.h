// `plancast run --samples F.csv` (docs/user-guide.md, "Every run, exported"): one row per
// run, in run order, with the run's parameters, how many years each event was on, its
// indicators' values at some years and whether it met each target. The rows are written
// block by block as the simulation goes (engine/sim/run_rows.h); numbers are the shortest
// text that reads back as the same double (canonical_number), so the file is exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/sim/run_rows.h"

namespace plancast {

/// Whether `path` names a gzip-compressed samples file (ends in ".gz").
bool samples_gzip(std::string_view path);

/// The years of --samples-years ("2025,2035"): each a whole year in [base_year, horizon],
/// no repeats, sorted as given. ScenarioError located at "--samples-years:1:COL"
/// otherwise. Empty `text`: the scenario's report_years.
std::vector<int> samples_years(const Scenario& scenario, const std::string& text);

/// The columns and rows of one job's samples. Columns: run; each parameter (its name);
/// event:NAME for each event (years it was on, base year excluded); OUTPUT@YEAR for each
/// indicator output and year; target:ID (1 met, 0 not). With `gzip`, every block of rows
/// (and the header) is its own gzip member: their concatenation is one valid .gz file, the
/// same bytes for any threads and any split into shards.
class SamplesTable final : public BlockRows {
 public:
  SamplesTable(const CompiledScenario& compiled, std::vector<int> years, bool gzip);
  const std::vector<WatchCell>& watch() const override { return watch_; }
  void format(const BlockView& block, std::string& out) const override;
  /// The header line (with `gzip`, compressed as a member).
  std::string header() const;
  /// The columns' names, in order.
  const std::vector<std::string>& columns() const { return columns_; }
  /// Most bytes one row can take, uncompressed (every number at its longest).
  std::uint64_t row_bytes_bound() const;

 private:
  const CompiledScenario& cs_;
  bool gzip_;
  std::size_t n_params_, n_events_, n_targets_;
  std::vector<WatchCell> watch_;
  std::vector<std::string> columns_;
};

/// Refuses (UsageError, exit 2) a samples file of `estimate` bytes uncompressed (header +
/// runs × row_bytes_bound(); for a .csv.gz, half of it: full-precision numbers compress
/// about 2:1, an estimate rather than a bound) that is over `limit` bytes, or
/// over the free space of the folder `path` is in: "--samples PATH: would write about N
/// GiB (RUNS runs of up to W bytes) ...". A special file (/dev/null, a pipe) is only
/// checked against `limit`.
void check_samples_disk(const std::string& path, std::uint64_t estimate, std::uint64_t runs,
                        std::uint64_t row_bytes, std::uint64_t limit);

/// Default of --max-samples-size: 64 GiB.
inline constexpr std::uint64_t kDefaultMaxSamplesBytes = std::uint64_t{64} << 30;

/// Samples files of the shards of one job (run --shard K/N --samples PART) concatenated
/// in run order: the parts may be given in any order; their headers must be the same and
/// their runs, together, 0, 1, 2, ... without gap or overlap (and, with `runs`, exactly
/// 0 .. runs - 1). Each part is all .csv or all .csv.gz, as `out_gzip`. The text is handed
/// to `write` piece by piece; the result is byte-identical to an unsharded run's samples.
/// UsageError naming the part otherwise.
void merge_samples(const std::vector<std::string>& parts, bool out_gzip,
                   std::optional<std::uint64_t> runs, const RowWriter& write);

}  // namespace plancast
