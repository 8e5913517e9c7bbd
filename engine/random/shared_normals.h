// Normals that several scenarios simulated side by side draw alike. Under common random
// numbers a draw is a pure function of (seed, stream, counter): a firm population's noise
// normal for (run, year index, firm) is the same number in the base and in every variant
// that keeps the indicator's name and the seed. When compare simulates its scenarios in
// lockstep (run_together, engine/sim/runner.h), the first scenario to reach a block-year
// keeps its normals here and the others read them instead of drawing them again. A kept
// value is the drawn value, so whether it is found or drawn changes no bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plancast {

class SharedNormals {
 public:
  /// The normals of one stream in one block-year: run j's first known(j) values (firm
  /// order) at values(j).
  class Table {
   public:
    std::uint64_t first_run() const { return first_run_; }
    std::size_t known(std::size_t j) const { return known_[j]; }
    /// Run j's known values (valid until the next keep()).
    const double* values(std::size_t j) const { return values_.data() + offset_[j]; }
    /// Keeps run j's values [from, to), value i at z[i - from], where from == known(j) and
    /// the owner's budget has room for them; otherwise keeps nothing.
    void keep(std::size_t j, const double* z, std::size_t from, std::size_t to);

   private:
    friend class SharedNormals;
    explicit Table(SharedNormals& owner) : owner_(&owner) {}
    void clear(std::size_t n);
    SharedNormals* owner_;
    std::uint64_t seed_ = 0, stream_ = 0, first_run_ = 0;
    std::uint32_t year_index_ = 0;
    /// The runs' rows side by side in one array, in the order they were first kept (a
    /// batch's runs in turn, so a later scenario reads them in one sweep); a row that
    /// outgrows its room moves to the end.
    std::vector<double> values_;
    std::size_t used_ = 0;
    std::vector<std::size_t> offset_, room_, known_;
  };

  /// Allocates at most max_values values over all its tables.
  explicit SharedNormals(std::size_t max_values = kDefaultMaxValues);
  SharedNormals(const SharedNormals&) = delete;
  SharedNormals& operator=(const SharedNormals&) = delete;

  /// The table of stream (seed, stream) for the n runs from first_run in year year_index,
  /// emptied if it held another block or year; nullptr once kMaxStreams other streams hold
  /// tables (their normals are then drawn, not shared).
  Table* table(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_run,
               std::uint32_t year_index, std::size_t n);

  /// The values it may hold: 4 MiB of them by default (a block of 256 runs of 2,048 firms).
  static constexpr std::size_t kDefaultMaxValues = std::size_t{1} << 19;
  static constexpr std::size_t kMaxStreams = 8;
  /// The bytes it holds at most with max_values.
  static std::size_t bytes(std::size_t max_values = kDefaultMaxValues) {
    return max_values * sizeof(double);
  }

 private:
  std::size_t max_values_, held_ = 0;  ///< values allowed, and allocated by all tables
  std::vector<Table> tables_;
};

}  // namespace plancast
