// SharedNormals (shared_normals.h): a few tables of normals, each for one stream's current
// block-year, their rows' capacity kept across blocks within a budget.
#include "engine/random/shared_normals.h"

#include <algorithm>

namespace plancast {

SharedNormals::SharedNormals(std::size_t max_values) : max_values_(max_values) {
  tables_.reserve(kMaxStreams);  // tables are handed out by pointer: never moved
}

SharedNormals::Table* SharedNormals::table(std::uint64_t seed, std::uint64_t stream,
                                           std::uint64_t first_run, std::uint32_t year_index,
                                           std::size_t n) {
  Table* t = nullptr;
  for (Table& c : tables_) {
    if (c.seed_ == seed && c.stream_ == stream) t = &c;
  }
  if (t == nullptr) {
    if (tables_.size() == kMaxStreams) return nullptr;
    t = &tables_.emplace_back(Table(*this));
    t->seed_ = seed;
    t->stream_ = stream;
    t->first_run_ = first_run + 1;  // differs: emptied below
  }
  if (t->first_run_ != first_run || t->year_index_ != year_index || t->known_.size() != n) {
    t->first_run_ = first_run;
    t->year_index_ = year_index;
    if (t->rows_.size() < n) t->rows_.resize(n);
    t->known_.assign(n, 0);
  }
  return t;
}

void SharedNormals::Table::keep(std::size_t j, const double* z, std::size_t from, std::size_t to) {
  if (from != known_[j] || to <= from) return;
  std::vector<double>& row = rows_[j];
  if (to > row.capacity()) {
    const std::size_t grown = std::max(to, 2 * row.capacity());
    if (owner_->held_ - row.capacity() + grown > owner_->max_values_) return;
    const std::size_t before = row.capacity();
    row.reserve(grown);
    owner_->held_ += row.capacity() - before;
  }
  row.resize(to);
  std::copy(z, z + (to - from), row.begin() + static_cast<std::ptrdiff_t>(from));
  known_[j] = to;
}

}  // namespace plancast
