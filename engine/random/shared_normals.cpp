// SharedNormals (shared_normals.h): a few tables of normals, each for one stream's current
// block-year in one array, its size kept across blocks within a budget.
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
    t->clear(n);
  }
  return t;
}

void SharedNormals::Table::clear(std::size_t n) {
  used_ = 0;
  offset_.assign(n, 0);
  room_.assign(n, 0);
  known_.assign(n, 0);
}

void SharedNormals::Table::keep(std::size_t j, const double* z, std::size_t from, std::size_t to) {
  if (from != known_[j] || to <= from) return;
  if (to > room_[j]) {  // a row of its own at the end, with room for a few more firms
    const std::size_t room = (to + 11) / 4 * 4, need = used_ + room;
    if (need > values_.size()) {  // grown by doubling, within the owner's budget
      const std::size_t others = owner_->held_ - values_.size();
      std::size_t size = std::max(need, 2 * values_.size());
      if (others + size > owner_->max_values_) size = need;
      if (others + size > owner_->max_values_) return;
      values_.resize(size);
      owner_->held_ = others + size;
    }
    std::copy_n(values_.data() + offset_[j], known_[j], values_.data() + used_);
    offset_[j] = used_;
    room_[j] = room;
    used_ = need;
  }
  std::copy(z, z + (to - from), values_.data() + offset_[j] + from);
  known_[j] = to;
}

}  // namespace plancast
