// The samples table of `plancast run --samples`: columns, rows, the disk estimate; see
// samples_out.h. Merging shards' samples: samples_merge.cpp.
#include "engine/io/samples_out.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "engine/core/error.h"
#include "engine/core/format.h"
#include "engine/io/gzip.h"
#include "engine/io/output_path.h"

namespace plancast {

namespace {

/// Longest text of a double: "-2.2250738585072014e-308".
constexpr std::uint64_t kNumberBytes = 24;
/// Longest run number: 20 digits (2^64 - 1).
constexpr std::uint64_t kRunBytes = 20;

void append_number(std::string& out, double x) {
  // Not finite (NaN, ±inf, or absent: before a later vintage's first year): an empty
  // cell, as in the --csv file (read as missing by pandas and R).
  if (std::isfinite(x)) out += canonical_number(x);
}

std::string gib(std::uint64_t bytes) {
  return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
}

}  // namespace

bool samples_gzip(std::string_view path) {
  return path.size() >= 3 && path.substr(path.size() - 3) == ".gz";
}

std::vector<int> samples_years(const Scenario& sc, const std::string& text) {
  if (text.empty()) return sc.report_years;
  std::vector<int> years;
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    const SourceLoc loc{"--samples-years", 1, static_cast<int>(pos) + 1};
    int year = 0;
    std::size_t used = 0;
    bool ok = !item.empty() && item.find_first_not_of("0123456789") == std::string::npos &&
              item.size() <= 6;
    if (ok) year = std::stoi(item, &used);
    if (!ok) {
      throw ScenarioError(loc, "'" + item + "' is not a year (expected years such as 2025,2035)");
    }
    if (year < sc.base_year || year > sc.horizon) {
      throw ScenarioError(loc, fmt::format("year {} is outside the scenario's years {}..{} "
                                           "(base_year to horizon)",
                                           year, sc.base_year, sc.horizon));
    }
    if (std::find(years.begin(), years.end(), year) != years.end()) {
      throw ScenarioError(loc, fmt::format("year {} is given twice", year));
    }
    years.push_back(year);
    if (comma == text.size()) break;
    pos = comma + 1;
  }
  return years;
}

SamplesTable::SamplesTable(const CompiledScenario& compiled, std::vector<int> years, bool gzip)
    : cs_(compiled), gzip_(gzip) {
  const Scenario& sc = scenario_of(compiled);
  n_params_ = sc.parameters.size();
  n_events_ = sc.events.size();
  n_targets_ = sc.targets.size();
  columns_.push_back("run");
  for (const ParameterSpec& p : sc.parameters) columns_.push_back(p.name);
  for (const EventSpec& e : sc.events) columns_.push_back("event:" + e.name);
  for (const IndicatorSpec& ind : sc.indicators) {
    for (const std::string& out : ind.outputs) {
      for (int y : years) {
        watch_.push_back(WatchCell{out, y});
        columns_.push_back(out + "@" + std::to_string(y));
      }
    }
  }
  for (const TargetSpec& t : sc.targets) columns_.push_back("target:" + t.id);
}

std::string SamplesTable::header() const {
  std::string line;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0) line += ',';
    line += columns_[c];  // identifiers and ids: no comma, quote or line break
  }
  line += '\n';
  if (!gzip_) return line;
  std::string out;
  gzip_member(line, out);
  return out;
}

std::uint64_t SamplesTable::row_bytes_bound() const {
  // Each column and its separator (a comma, the newline after the last).
  return kRunBytes + 1 + (n_params_ + watch_.size()) * (kNumberBytes + 1) + n_events_ * 11 +
         n_targets_ * 2;
}

void SamplesTable::format(const BlockView& b, std::string& out) const {
  std::vector<std::uint32_t> years_on;
  event_years(cs_, b, years_on);
  std::string text;
  text.reserve(b.n * 64);
  for (std::size_t j = 0; j < b.n; ++j) {
    text += std::to_string(b.first_run + j);
    for (std::size_t p = 0; p < n_params_; ++p) {
      text += ',';
      append_number(text, b.params[p * b.stride + j]);
    }
    for (std::size_t e = 0; e < n_events_; ++e) {
      text += ',';
      text += std::to_string(years_on[e * b.n + j]);
    }
    for (std::size_t w = 0; w < watch_.size(); ++w) {
      text += ',';
      append_number(text, b.watched[w * b.stride + j]);
    }
    for (std::size_t k = 0; k < n_targets_; ++k) {
      text += b.met[k * b.stride + j] != 0 ? ",1" : ",0";
    }
    text += '\n';
  }
  if (gzip_) {
    gzip_member(text, out);
  } else {
    out = std::move(text);
  }
}

void check_samples_disk(const std::string& path, std::uint64_t estimate, std::uint64_t runs,
                        std::uint64_t row_bytes, std::uint64_t limit) {
  if (samples_gzip(path)) estimate /= 2;
  const std::string what = fmt::format(
      "--samples {}: would write about {} ({} runs of up to {} bytes a row{})", path, gib(estimate),
      grouped(runs), row_bytes, samples_gzip(path) ? ", compressed about 2:1" : "");
  if (estimate > limit) {
    throw UsageError(what + ", over the limit of " + gib(limit) +
                     " (raise it with --max-samples-size, fewer --runs or --samples-years)");
  }
  const OutputTarget t = resolve_output(path);
  if (t.special) return;
  std::error_code ec;
  const std::filesystem::space_info space = std::filesystem::space(t.dir, ec);
  if (!ec && estimate > space.available) {
    throw UsageError(what + ", more than the " + gib(space.available) + " free in " + t.dir +
                     " (fewer --runs, fewer --samples-years, or .csv.gz)");
  }
}

}  // namespace plancast
