// The quantile sketch's bucket stores (sketch.h): dense while the bucket range is small
// for the count, sparse (occupied buckets only) otherwise, so that a store's memory is
// bounded by the values it holds, not by how far apart they lie. The layout never changes
// a count: only how the counts are kept.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "engine/sim/sketch.h"

namespace plancast {

std::uint64_t QuantileSketch::store_bytes(std::uint64_t count, std::uint64_t occupied,
                                          std::uint64_t span) {
  if (count == 0) return 0;
  if (dense_layout(count, span)) return Store::width_for(count) * span;
  return (sizeof(std::uint64_t) + sizeof(std::int32_t)) * std::min(occupied, span);
}

namespace {

/// Counters [lo, hi] addressable in c (offset: the bucket of c[0]), with slack on a growing
/// side; the counts kept in place.
template <class T>
void reserve_counters(std::vector<T>& c, std::int32_t& offset, std::int32_t lo, std::int32_t hi) {
  if (c.empty()) {
    offset = lo;
    c.assign(static_cast<std::size_t>(hi - lo) + 1, 0);
    return;
  }
  const std::int32_t cur_lo = offset;
  const std::int32_t cur_hi = offset + static_cast<std::int32_t>(c.size()) - 1;
  if (lo >= cur_lo && hi <= cur_hi) return;
  // Slack on a growing side keeps gradual growth amortised; memory stays within about 1.25×
  // the occupied range (+16).
  const std::int32_t slack = std::max<std::int32_t>(16, static_cast<std::int32_t>(c.size() / 4));
  const std::int32_t new_lo = lo < cur_lo ? lo - slack : cur_lo;
  const std::int32_t new_hi = hi > cur_hi ? hi + slack : cur_hi;
  std::vector<T> grown(static_cast<std::size_t>(new_hi - new_lo) + 1, 0);
  std::copy(c.begin(), c.end(), grown.begin() + (cur_lo - new_lo));
  c.swap(grown);
  offset = new_lo;
}

/// The counters of `from` copied into `to` (resized), `from` released.
template <class From, class To>
void move_counters(std::vector<From>& from, std::vector<To>& to) {
  to.assign(from.begin(), from.end());
  std::vector<From>().swap(from);
}

}  // namespace

void QuantileSketch::Store::reserve_range(std::int32_t lo, std::int32_t hi) {
  visit([&](auto& c) { reserve_counters(c, offset, lo, hi); });
}

void QuantileSketch::Store::settle(std::uint64_t grow) {
  peak = visit([](const auto& c) {
    // Four maxima side by side: one chain of comparisons would wait on each before the next.
    using T = typename std::decay_t<decltype(c)>::value_type;
    T m[4] = {0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 4 <= c.size(); k += 4) {
      for (std::size_t l = 0; l < 4; ++l) m[l] = std::max(m[l], c[k + l]);
    }
    for (; k < c.size(); ++k) m[0] = std::max(m[0], c[k]);
    return static_cast<std::uint64_t>(std::max(std::max(m[0], m[1]), std::max(m[2], m[3])));
  });
  widen_for(peak + grow);
}

void QuantileSketch::Store::widen_for(std::uint64_t t) {
  const std::uint8_t w = width_for(t);
  if (w <= width) return;
  if (width == 2 && w == 4) move_counters(counts16, counts32);
  if (width == 2 && w == 8) move_counters(counts16, counts);
  if (width == 4) move_counters(counts32, counts);
  width = w;
}

std::size_t QuantileSketch::Store::heap_bytes() const {
  return counts.capacity() * sizeof(std::uint64_t) + counts32.capacity() * sizeof(std::uint32_t) +
         counts16.capacity() * sizeof(std::uint16_t) + keys.capacity() * sizeof(std::int32_t);
}

std::pair<std::int32_t, std::int32_t> QuantileSketch::Store::occupied_range() const {
  if (sparse) return {keys.front(), keys.back()};
  return visit([&](const auto& c) {
    std::size_t first = 0, last = c.size() - 1;
    while (c[first] == 0) ++first;
    while (c[last] == 0) --last;
    return std::pair{offset + static_cast<std::int32_t>(first),
                     offset + static_cast<std::int32_t>(last)};
  });
}

void QuantileSketch::Store::to_sparse() {
  std::vector<std::int32_t> k;
  std::vector<std::uint64_t> c;
  const std::size_t n = size();
  std::size_t occupied = 0;
  for (std::size_t i = 0; i < n; ++i) occupied += at(i) != 0 ? 1 : 0;
  k.reserve(occupied);
  c.reserve(occupied);
  for (std::size_t i = 0; i < n; ++i) {
    if (at(i) == 0) continue;
    k.push_back(offset + static_cast<std::int32_t>(i));
    c.push_back(at(i));
  }
  std::vector<std::uint32_t>().swap(counts32);
  std::vector<std::uint16_t>().swap(counts16);
  keys.swap(k);
  counts.swap(c);
  sparse = true;
  width = 8;
}

void QuantileSketch::Store::to_dense(std::int32_t lo, std::int32_t hi, std::uint8_t w) {
  std::vector<std::uint64_t> c(static_cast<std::size_t>(hi - lo) + 1, 0);
  for (std::size_t i = 0; i < keys.size(); ++i)
    c[static_cast<std::size_t>(keys[i] - lo)] = counts[i];
  counts.swap(c);
  std::vector<std::int32_t>().swap(keys);  // release the keys' memory
  offset = lo;
  sparse = false;
  width = 8;
  if (w == 4) move_counters(counts, counts32);
  if (w == 2) move_counters(counts, counts16);
  width = w;
}

bool QuantileSketch::Store::prepare(std::int32_t lo, std::int32_t hi, std::uint64_t n) {
  return prepare(lo, hi, n, n);
}

bool QuantileSketch::Store::prepare(std::int32_t lo, std::int32_t hi, std::uint64_t n,
                                    std::uint64_t grow) {
  if (!sparse) {
    // The hot path: the range is already addressable.
    const std::size_t size_now = size();
    if (size_now != 0 && lo >= offset && hi < offset + static_cast<std::int32_t>(size_now)) {
      if (peak + grow > limit()) settle(grow);
      peak += grow;
      return true;
    }
    std::int32_t span_lo = lo, span_hi = hi;
    if (size_now != 0) {
      span_lo = std::min(lo, offset);
      span_hi = std::max(hi, offset + static_cast<std::int32_t>(size_now) - 1);
    }
    const auto span = static_cast<std::uint64_t>(span_hi - span_lo) + 1;
    if (dense_layout(std::max(total + n, expect), span)) {
      if (peak + grow > limit()) settle(grow);
      peak += grow;
      reserve_range(lo, hi);
      return true;
    }
    to_sparse();
    return false;
  }
  const std::int32_t span_lo = keys.empty() ? lo : std::min(lo, keys.front());
  const std::int32_t span_hi = keys.empty() ? hi : std::max(hi, keys.back());
  if (!dense_layout(std::max(total + n, expect),
                    static_cast<std::uint64_t>(span_hi - span_lo) + 1)) {
    return false;
  }
  std::uint64_t largest = 0;
  for (const std::uint64_t c : counts) largest = std::max(largest, c);
  to_dense(span_lo, span_hi, width_for(largest + grow));
  peak = largest + grow;
  return true;
}

void QuantileSketch::Store::add(std::int32_t index, std::uint64_t n) {
  if (prepare(index, index, n)) {
    visit([&](auto& c) { c[static_cast<std::size_t>(index - offset)] += n; });
    total += n;
  } else {
    add_sorted(&index, &n, 1);
  }
}

void QuantileSketch::Store::add_indices(std::int32_t* idx, std::size_t m) {
  std::sort(idx, idx + m);
  std::int32_t k[256];
  std::uint64_t c[256];
  std::size_t done = 0;
  while (done < m) {
    // Runs of equal indices, at most 256 distinct ones at a time.
    std::size_t u = 0;
    while (done < m && u < 256) {
      std::size_t e = done + 1;
      while (e < m && idx[e] == idx[done]) ++e;
      k[u] = idx[done];
      c[u] = e - done;
      ++u;
      done = e;
    }
    add_sorted(k, c, u);
  }
}

void QuantileSketch::Store::add_sorted(const std::int32_t* k, const std::uint64_t* c,
                                       std::size_t u) {
  // Where each new bucket goes (binary search from the previous one), and how many are new.
  std::size_t fresh = 0;
  auto pos = keys.begin();
  for (std::size_t i = 0; i < u; ++i) {
    pos = std::lower_bound(pos, keys.end(), k[i]);
    if (pos == keys.end() || *pos != k[i]) ++fresh;
    total += c[i];
  }
  if (fresh == 0) {
    pos = keys.begin();
    for (std::size_t i = 0; i < u; ++i) {
      pos = std::lower_bound(pos, keys.end(), k[i]);
      counts[static_cast<std::size_t>(pos - keys.begin())] += c[i];
    }
    return;
  }
  // Grow by at least half so that appending stays amortised, then merge from the back.
  const std::size_t old = keys.size(), size = old + fresh;
  if (size > keys.capacity()) {
    const std::size_t cap = std::max(size, old + old / 2);
    keys.reserve(cap);
    counts.reserve(cap);
  }
  keys.resize(size);
  counts.resize(size);
  std::size_t i = old, j = u, w = size;
  while (j > 0) {
    if (i > 0 && keys[i - 1] > k[j - 1]) {
      --i;
      --w;
      keys[w] = keys[i];
      counts[w] = counts[i];
    } else if (i > 0 && keys[i - 1] == k[j - 1]) {
      --i;
      --j;
      --w;
      keys[w] = keys[i];
      counts[w] = counts[i] + c[j];
    } else {
      --j;
      --w;
      keys[w] = k[j];
      counts[w] = c[j];
    }
  }
}

void QuantileSketch::Store::merge(const Store& o) {
  if (o.total == 0) return;
  // Plain variables, not a structured binding: the lambdas below capture them (clang 14
  // does not capture bindings).
  const std::pair<std::int32_t, std::int32_t> range = o.occupied_range();
  const std::int32_t lo = range.first, hi = range.second;
  // Each counter grows by at most o's largest: its peak (dense) or its largest count (sparse).
  std::uint64_t grow = o.peak;
  if (o.sparse) {
    grow = 0;
    for (const std::uint64_t c : o.counts) grow = std::max(grow, c);
  }
  if (prepare(lo, hi, o.total, grow)) {
    visit([&](auto& c) {
      using T = typename std::decay_t<decltype(c)>::value_type;
      if (o.sparse) {
        for (std::size_t i = 0; i < o.keys.size(); ++i) {
          c[static_cast<std::size_t>(o.keys[i] - offset)] += static_cast<T>(o.counts[i]);
        }
        return;
      }
      // Dense into dense: o's occupied counters [lo, hi] added in one plain loop (each sum
      // fits: prepare widened the counters for o's largest).
      o.visit([&](const auto& oc) {
        T* to = c.data() + (lo - offset);
        const auto* from = oc.data() + (lo - o.offset);
        const auto n = static_cast<std::size_t>(hi - lo) + 1;
        for (std::size_t i = 0; i < n; ++i) to[i] = static_cast<T>(to[i] + from[i]);
      });
    });
    total += o.total;
    return;
  }
  if (o.sparse) {
    add_sorted(o.keys.data(), o.counts.data(), o.keys.size());
    return;
  }
  std::vector<std::int32_t> k;
  std::vector<std::uint64_t> c;
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (o.at(i) == 0) continue;
    k.push_back(o.key(i));
    c.push_back(o.at(i));
  }
  add_sorted(k.data(), c.data(), k.size());
}

bool QuantileSketch::Store::operator==(const Store& o) const {
  // Same count per bucket index; the layout (dense, sparse, offset, slack) may differ.
  if (total != o.total) return false;
  const std::size_t n = size(), on = o.size();
  std::size_t i = 0, j = 0;
  for (;;) {
    while (i < n && at(i) == 0) ++i;
    while (j < on && o.at(j) == 0) ++j;
    if (i == n || j == on) return i == n && j == on;
    if (key(i) != o.key(j) || at(i) != o.at(j)) return false;
    ++i;
    ++j;
  }
}

}  // namespace plancast
