// Philox words that several scenarios simulated side by side draw alike (the counter-based
// words of engine/random/stream.h are a pure function of the key and the counter). While a
// SharedWords is in use on a thread (SharedWords::Use, set by Simulator::simulate_together
// for a block), philox_words_lanes() (the words of a block's runs at once: counts, rates,
// events, entrants, the parameters' uniforms) first looks for the same key and counters
// among those drawn since the last clear(), and keeps what it draws. A word found is the word
// drawn, so nothing can change but the time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace plancast {

class SharedWords {
 public:
  /// Keeps at most max_words words (their array's size).
  explicit SharedWords(std::size_t max_words = kDefaultMaxWords) : max_words_(max_words) {}
  SharedWords(const SharedWords&) = delete;
  SharedWords& operator=(const SharedWords&) = delete;

  /// Forgets every kept call (simulate_together: at each block-year).
  void clear() {
    calls_.clear();
    used_ = 0;
  }
  /// philox_words_lanes()'s words for key and the n counters (c0 + j, c1, c2, c3), as it
  /// writes them (word l of counter j at out[l * stride + j]): copied where kept, else drawn
  /// by `draw` (the kernel) and kept within the budget.
  template <class Draw>
  void words(const std::uint64_t key[2], std::uint64_t c0, std::size_t n, std::uint64_t c1,
             std::uint64_t c2, std::uint64_t c3, std::uint64_t* out, std::size_t stride,
             const Draw& draw) {
    const Call c{key[0], key[1], c0, c1, c2, c3, n, 0};
    for (const Call& k : calls_) {
      if (k.same(c)) {
        copy_out(words_.data() + k.at, n, out, stride);
        return;
      }
    }
    draw(out);
    keep(c, out, stride);  // allocates nothing once its array has grown; never throws
  }

  /// The thread's SharedWords in use (nullptr: none).
  static SharedWords* active();
  /// Puts a SharedWords in use on this thread for its lifetime (the previous one after).
  class Use {
   public:
    explicit Use(SharedWords& w);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    SharedWords* previous_;
  };

  /// 512 KiB of words by default: a block-year's draws of a few dozen calls of 256 runs.
  static constexpr std::size_t kDefaultMaxWords = std::size_t{1} << 16;
  static std::size_t bytes(std::size_t max_words = kDefaultMaxWords) {
    return max_words * sizeof(std::uint64_t);
  }

 private:
  struct Call {
    std::uint64_t k0, k1, c0, c1, c2, c3;
    std::size_t n, at;
    bool same(const Call& o) const {
      return c0 == o.c0 && c1 == o.c1 && c2 == o.c2 && c3 == o.c3 && n == o.n && k1 == o.k1 &&
             k0 == o.k0;
    }
  };
  static void copy_out(const std::uint64_t* w, std::size_t n, std::uint64_t* out,
                       std::size_t stride);
  void keep(Call c, const std::uint64_t* out, std::size_t stride) noexcept;
  std::size_t max_words_, used_ = 0;
  std::vector<Call> calls_;
  std::vector<std::uint64_t> words_;
};

}  // namespace plancast
