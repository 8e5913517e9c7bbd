// SharedWords (shared_words.h): the calls kept since the last clear(), their words four
// rows of n side by side in one array.
#include "engine/random/shared_words.h"

#include <algorithm>
#include <new>

namespace plancast {

namespace {
thread_local SharedWords* g_active = nullptr;
}  // namespace

SharedWords* SharedWords::active() {
  return g_active;
}

SharedWords::Use::Use(SharedWords& w) : previous_(g_active) {
  g_active = &w;
}

SharedWords::Use::~Use() {
  g_active = previous_;
}

void SharedWords::copy_out(const std::uint64_t* w, std::size_t n, std::uint64_t* out,
                           std::size_t stride) {
  for (std::size_t l = 0; l < 4; ++l) std::copy_n(w + l * n, n, out + l * stride);
}

void SharedWords::keep(Call c, const std::uint64_t* out, std::size_t stride) noexcept {
  if (used_ + 4 * c.n > max_words_) return;
  if (used_ + 4 * c.n > words_.size()) {
    try {
      words_.resize(std::min(max_words_, std::max(used_ + 4 * c.n, 2 * words_.size())));
    } catch (const std::bad_alloc&) {
      return;  // not kept: drawn again where asked again
    }
  }
  c.at = used_;
  for (std::size_t l = 0; l < 4; ++l) {
    std::copy_n(out + l * stride, c.n, words_.data() + used_ + l * c.n);
  }
  used_ += 4 * c.n;
  calls_.push_back(c);
}

}  // namespace plancast
