// The run state of a shard read back from JSON (written by shard_state_write.cpp), and the checks
// that a state read back is one that some set of runs could have produced (docs/reliability.md,
// "Shard files").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "engine/io/shard.h"
#include "engine/io/shard_read.h"
#include "engine/io/shard_state_values.h"

namespace plancast {

namespace {

using json = nlohmann::json;

constexpr double kInf = std::numeric_limits<double>::infinity();
using shard_detail::hex_double;

/// Reads the state at JSON pointer `at` (for messages), refusing what no run produces.
class Reader : public shard_detail::StateValues {
 public:
  /// Sketch buckets [[first index, count, count, ...], ...] in increasing, non-adjacent runs
  /// of non-zero counts, as state_to_json writes them; returns their total.
  static std::uint64_t buckets(const json& j, const std::string& at, bool negative,
                               std::uint64_t runs, QuantileSketch& sk) {
    if (!j.is_array()) fail(at, "sketch buckets: not an array");
    std::uint64_t total = 0;
    std::int64_t next_free = std::numeric_limits<std::int64_t>::min();
    for (std::size_t r = 0; r < j.size(); ++r) {
      const json& run = j[r];
      const std::string ra = at + "/" + std::to_string(r);
      if (!run.is_array() || run.size() < 2 || !run[0].is_number_integer()) {
        fail(ra, "sketch buckets: expected [index, count, ...]");
      }
      const std::int64_t first = run[0].get<std::int64_t>();
      if (first < QuantileSketch::kMinBucket ||
          first > QuantileSketch::kMaxBucket - static_cast<std::int64_t>(run.size()) + 2) {
        fail(ra + "/0", "sketch bucket index out of range");
      }
      if (first <= next_free) fail(ra + "/0", "sketch buckets out of order or overlapping");
      for (std::size_t k = 1; k < run.size(); ++k) {
        const std::string ka = ra + "/" + std::to_string(k);
        const std::uint64_t c = count_upto(run[k], ka, runs);
        if (c == 0) fail(ka, "an empty sketch bucket (never written)");
        total += c;
        if (total > runs) fail(ka, "the sketch holds more values than the shard's runs");
        sk.add_bucket(negative, static_cast<std::int32_t>(first + static_cast<std::int64_t>(k) - 1),
                      c);
      }
      next_free = first + static_cast<std::int64_t>(run.size()) - 1;  // one past the last + 1
    }
    return total;
  }

  /// The lowest and highest sketch values must be those of the minimum and maximum (every
  /// bucket's representative is within relative error α of the values in it).
  static bool near(double q, double v) {
    if (std::isinf(q) && std::abs(v) > 1e307 && (q > 0) == (v > 0)) return true;
    return std::abs(q - v) <=
           3 * QuantileSketch::kRelativeAccuracy * std::abs(v) + QuantileSketch::kMinIndexable;
  }

  /// The exact integer counts [[first value, count, ...], ...] (runs of consecutive values,
  /// increasing, non-adjacent; an integer-exact sketch, sketch.h), read after the buckets.
  /// They must hold the cell's n finite values, from min to max, within the span.
  static void integers(const json& j, const std::string& at, std::uint64_t runs, std::uint64_t n,
                       double lo, double hi, QuantileSketch& sk) {
    if (!j.is_array()) fail(at, "integer counts: not an array");
    sk.set_integer_exact(true);
    std::uint64_t total = 0;
    constexpr std::int64_t kBig = std::int64_t{1} << 53;
    std::int64_t next_free = std::numeric_limits<std::int64_t>::min(), first_value = 0, last = 0;
    for (std::size_t r = 0; r < j.size(); ++r) {
      const json& run = j[r];
      const std::string ra = at + "/" + std::to_string(r);
      if (!run.is_array() || run.size() < 2 || !run[0].is_number_integer()) {
        fail(ra, "integer counts: expected [value, count, ...]");
      }
      const std::int64_t first = run[0].get<std::int64_t>();
      const auto len = static_cast<std::int64_t>(run.size()) - 1;
      if (first <= -kBig || first >= kBig - len) fail(ra + "/0", "integer value out of range");
      if (first <= next_free) fail(ra + "/0", "integer counts out of order or overlapping");
      if (r == 0) first_value = first;
      last = first + len - 1;
      if (last - first_value >= QuantileSketch::kMaxIntegerSpan) {
        fail(ra, "integer values span more than " +
                     std::to_string(QuantileSketch::kMaxIntegerSpan) + " (never kept exactly)");
      }
      for (std::size_t k = 1; k < run.size(); ++k) {
        const std::string ka = ra + "/" + std::to_string(k);
        const std::uint64_t c = count_upto(run[k], ka, runs);
        if (c == 0) fail(ka, "an empty integer count (never written)");
        total += c;
        if (total > runs) fail(ka, "the integer counts hold more values than the shard's runs");
        sk.add_integer(first + static_cast<std::int64_t>(k) - 1, c);
      }
      next_free = last + 1;
    }
    if (total != n) {
      fail(at, "the integer counts hold " + std::to_string(total) + " values, not the cell's " +
                   std::to_string(n) + " finite ones");
    }
    if (n > 0 && (static_cast<double>(first_value) != lo || static_cast<double>(last) != hi)) {
      fail(at, "the integer counts' lowest or highest value is not the min or max");
    }
  }

  /// The "counters" of cell c: exactly its indicator's declared counters by name, each at
  /// most the runs times the counter's most per run and year.
  static void counters(const json& j, const std::string& at, std::size_t c, RunState& s) {
    const std::size_t years = static_cast<std::size_t>(s.years);
    std::vector<const char*> names;
    for (const StateCounter& k : s.counters) {
      if (k.slot == c / years) names.push_back(k.name.c_str());
    }
    keys(j, at, names);
    const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t k = 0; k < s.counters.size(); ++k) {
      const StateCounter& sc = s.counters[k];
      if (sc.slot != c / years) continue;
      const std::uint64_t most =
          s.runs > big / sc.most_per_run_year ? big : s.runs * sc.most_per_run_year;
      s.counts[k * years + c % years] = count_upto(j.at(sc.name), at + "/" + pointer_token(sc.name),
                                                   most, "the shard's runs allow");
    }
  }

  static void cell(const json& j, const std::string& at, std::size_t c, RunState& s) {
    const bool mine = std::any_of(s.counters.begin(), s.counters.end(), [&](const StateCounter& k) {
      return k.slot == c / static_cast<std::size_t>(s.years);
    });
    // The keys of a cell; "counters" only where its indicator declared some, "integers" only
    // while the sketch keeps them.
    std::vector<const char*> names = {"finite", "nonfinite", "min",      "max",     "sum",
                                      "sumsq",  "zero",      "positive", "negative"};
    if (mine) names.push_back("counters");
    if (j.is_object() && j.contains("integers")) names.push_back("integers");
    keys(j, at, names);
    const std::uint64_t runs = s.runs;
    const std::uint64_t n = s.finite[c] = count_upto(j.at("finite"), at + "/finite", runs);
    s.nonfinite[c] = count_upto(j.at("nonfinite"), at + "/nonfinite", runs);
    if (s.nonfinite[c] != runs - n) {
      fail(at + "/nonfinite", "finite (" + std::to_string(n) + ") + nonfinite (" +
                                  std::to_string(s.nonfinite[c]) + ") is not the shard's " +
                                  std::to_string(runs) + " runs");
    }
    if (mine) counters(j.at("counters"), at + "/counters", c, s);
    const double lo = s.min[c] = number(j.at("min"), at + "/min", n == 0);
    const double hi = s.max[c] = number(j.at("max"), at + "/max", n == 0);
    s.sum[c] = sum(j.at("sum"), at + "/sum", runs);
    s.sumsq[c] = sum(j.at("sumsq"), at + "/sumsq", runs);
    QuantileSketch& sk = s.sketch[c] = QuantileSketch();
    sk.set_integer_exact(false);  // unless the cell has "integers"
    const std::uint64_t zero = count_upto(j.at("zero"), at + "/zero", runs);
    sk.add_zeros(zero);
    const std::uint64_t pos = buckets(j.at("positive"), at + "/positive", false, runs, sk);
    const std::uint64_t neg = buckets(j.at("negative"), at + "/negative", true, runs, sk);
    if (zero + pos + neg != n) {
      fail(at + "/zero", "the sketch holds " + std::to_string(zero + pos + neg) +
                             " values, not the cell's " + std::to_string(n) + " finite ones");
    }
    if (j.contains("integers")) integers(j.at("integers"), at + "/integers", runs, n, lo, hi, sk);
    if (n == 0) {
      // No finite value: min and max keep their starting values and nothing was summed.
      if (lo != kInf) fail(at + "/min", "not inf in a cell without finite values");
      if (hi != -kInf) fail(at + "/max", "not -inf in a cell without finite values");
      if (!(s.sum[c].value() == 0)) fail(at + "/sum", "not 0 in a cell without finite values");
      if (!(s.sumsq[c].value() == 0)) fail(at + "/sumsq", "not 0 in a cell without finite values");
      return;
    }
    if (lo > hi) fail(at + "/min", "min " + hex_double(lo) + " is above max " + hex_double(hi));
    if (!near(sk.quantile(0), lo)) fail(at + "/min", "the sketch's lowest value is not the min");
    if (!near(sk.quantile(1), hi)) fail(at + "/max", "the sketch's highest value is not the max");
    // Sums are of x − shift over the finite values: their mean lies within [min, max] − shift
    // (up to the rounding of per-block sums), and the mean square between mean² and the
    // largest square. A sum becomes non-finite only when it overflows.
    const double dn = static_cast<double>(n);
    const double dlo = lo - s.shift[c], dhi = hi - s.shift[c];
    const double big = std::max(std::abs(dlo), std::abs(dhi));
    const double tol = 1e-9 * big;
    const ExactSum& sm = s.sum[c];
    const ExactSum& sq = s.sumsq[c];
    if (!std::isfinite(big)) return;
    if (!std::isfinite(sm.value()) && !(dn * big > 1e307)) {
      fail(at + "/sum/special", "the sum overflowed, but its values cannot add up that far");
    }
    if (!std::isfinite(sq.value()) && !(dn * big * big > 1e307)) {
      fail(at + "/sumsq/special", "the sum overflowed, but its values cannot add up that far");
    }
    if (!std::isfinite(sm.value()) || !std::isfinite(sq.value())) return;
    const double mean = sm.value() / dn, meansq = sq.value() / dn;
    if (!(mean >= dlo - tol && mean <= dhi + tol)) {
      fail(at + "/sum", "the mean it gives is not between min and max");
    }
    if (std::isfinite(big * big) &&
        !(meansq <= big * big * (1 + 1e-9) && meansq >= mean * mean - 1e-9 * big * big)) {
      fail(at + "/sumsq", "the mean square it gives does not fit the sum, min and max");
    }
  }

  /// Runs that were not finite where a target is judged do not meet it: a run is one or the
  /// other (needs no layout).
  static void nonfinite_targets(const RunState& s) {
    for (std::size_t k = 0; k < s.target_nonfinite.size(); ++k) {
      if (s.target_nonfinite[k] > s.runs - s.target_hits[k]) {
        fail("/target_nonfinite/" + std::to_string(k),
             "target " + std::to_string(k) + ": " + std::to_string(s.target_nonfinite[k]) +
                 " non-finite runs and " + std::to_string(s.target_hits[k]) +
                 " hits are more than the shard's " + std::to_string(s.runs) + " runs");
      }
    }
  }

  /// The hits per replicate of the design add up to the hits of their target or joint group
  /// (needs no layout).
  static void replicates(const RunState& s) {
    const std::size_t n = s.target_hits.size();
    for (std::size_t i = 0; i < n + s.joint_hits.size(); ++i) {
      std::uint64_t sum = 0;  // each at most runs (2^40): no wrap
      for (std::size_t k = 0; k < RunState::kReplicateSlots; ++k) {
        sum += s.replicate_hits[i * RunState::kReplicateSlots + k];
      }
      const std::uint64_t hits = i < n ? s.target_hits[i] : s.joint_hits[i - n];
      if (sum != hits) {
        fail("/replicate_hits/" + std::to_string(i * RunState::kReplicateSlots),
             (i < n ? "target " + std::to_string(i) : "joint group " + std::to_string(i - n)) +
                 ": its replicate hits add up to " + std::to_string(sum) + ", not its " +
                 std::to_string(hits) + " hits");
      }
    }
  }

  static void targets(const RunState& s, const StateLayout& layout) {
    const std::size_t years = static_cast<std::size_t>(s.years);
    for (std::size_t k = 0; k < s.target_hits.size(); ++k) {
      std::uint64_t first = 0;
      for (std::size_t t = 0; t < years; ++t) {
        const std::uint64_t f = s.first_reach[k * years + t];
        const std::string at = "/first_reach/" + std::to_string(k * years + t);
        // Runs reach a `by` target first in one year up to its year; others have none.
        const std::string year = std::to_string(layout.base_year + static_cast<int>(t));
        if (f != 0 && !layout.target_by[k]) {
          fail(at,
               layout.target_id[k] + " is not a 'by' target: no run reaches it first in " + year);
        }
        if (f != 0 && t > static_cast<std::size_t>(layout.target_year[k])) {
          fail(at,
               "no run reaches " + layout.target_id[k] + " first in " + year + ", after its year");
        }
        first += f;  // each at most runs (2^40), so no wrap
      }
      if (layout.target_by[k] && first != s.target_hits[k]) {
        fail("/target_hits/" + std::to_string(k),
             layout.target_id[k] + ": " + std::to_string(s.target_hits[k]) +
                 " hits, but its first-reach counts add up to " + std::to_string(first));
      }
    }
    for (std::size_t g = 0; g < s.joint_hits.size(); ++g) {
      // All targets of the year met: at most the fewest hits of one, at least what the
      // hits force (sum of hits − (m − 1) runs).
      std::uint64_t fewest = s.runs, total = 0;
      for (std::size_t k : layout.joint[g]) {
        fewest = std::min(fewest, s.target_hits[k]);
        total += s.target_hits[k];
      }
      const std::uint64_t m = layout.joint[g].size();
      const std::uint64_t forced = total > (m - 1) * s.runs ? total - (m - 1) * s.runs : 0;
      const std::uint64_t h = s.joint_hits[g];
      if (h > fewest || h < forced) {
        fail("/joint_hits/" + std::to_string(g),
             std::to_string(h) + " runs meeting all targets of the year; their hits allow " +
                 std::to_string(forced) + " to " + std::to_string(fewest));
      }
    }
  }
};

}  // namespace

StateLayout layout_of(const Scenario& sc) {
  StateLayout l;
  l.base_year = sc.base_year;
  std::map<int, std::vector<std::size_t>> groups;  // as compile(): by year, ascending
  for (std::size_t k = 0; k < sc.targets.size(); ++k) {
    const int t = sc.targets[k].year - sc.base_year;
    l.target_id.push_back(sc.targets[k].id);
    l.target_year.push_back(t);
    l.target_by.push_back(sc.targets[k].by);
    groups[t].push_back(k);
  }
  for (auto& [t, g] : groups) l.joint.push_back(std::move(g));
  return l;
}

namespace shard_detail {

StateBuilder::StateBuilder(const RunState& shape, const StateLayout* layout)
    : s_(shape), layout_(layout) {
  if (layout != nullptr && (layout->target_by.size() != s_.target_hits.size() ||
                            layout->joint.size() != s_.joint_hits.size())) {
    throw std::logic_error("state layout does not fit the state");
  }
}

void StateBuilder::begin(const nlohmann::json& j) {
  using R = Reader;
  for (const char* k : {"slots", "years", "targets", "joint", "runs"}) {
    if (!j.contains(k)) R::fail("", std::string("no \"") + k + "\"");
  }
  if (R::count(j.at("slots"), "/slots") != s_.slots ||
      R::count(j.at("years"), "/years") != std::uint64_t(s_.years) ||
      R::count(j.at("targets"), "/targets") != s_.target_hits.size() ||
      R::count(j.at("joint"), "/joint") != s_.joint_hits.size()) {
    R::fail("", "its dimensions do not fit the scenario");
  }
  // No state holds more runs than a job may have (so that sums of counts cannot wrap).
  s_.runs = R::count_upto(j.at("runs"), "/runs", kMaxRuns, "the most runs a job may have");
}

void StateBuilder::field(const std::string& key, const nlohmann::json& v) {
  using R = Reader;
  if (key == "shift") {
    const json& shift = R::array(v, "/shift", s_.cells, "numbers");
    for (std::size_t c = 0; c < s_.cells; ++c) {
      const double x = R::number(shift[c], "/shift/" + std::to_string(c), true);
      if (std::memcmp(&x, &s_.shift[c], sizeof x) != 0) {
        R::fail("/shift/" + std::to_string(c), "its run-0 value differs from this scenario's");
      }
    }
    shift_ = true;
    return;
  }
  if (key == "event_counts") {
    event_counts(v);
    return;
  }
  std::vector<std::uint64_t>& out = key == "target_hits"        ? s_.target_hits
                                    : key == "first_reach"      ? s_.first_reach
                                    : key == "target_nonfinite" ? s_.target_nonfinite
                                    : key == "replicate_hits"   ? s_.replicate_hits
                                                                : s_.joint_hits;
  (key == "target_hits"        ? hits_
   : key == "first_reach"      ? reach_
   : key == "target_nonfinite" ? nonfinite_
   : key == "replicate_hits"   ? replicates_
                               : joint_) = true;
  const std::string at = "/" + key;
  const json& a = R::array(v, at, out.size(), "counts");
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = R::count_upto(a[i], at + "/" + std::to_string(i), s_.runs);
  }
}

void StateBuilder::event_counts(const nlohmann::json& v) {
  using R = Reader;
  const std::size_t years = static_cast<std::size_t>(s_.years);
  std::vector<std::size_t> mine;
  for (std::size_t k = 0; k < s_.counters.size(); ++k) {
    if (s_.counters[k].slot == kEventSlot) mine.push_back(k);
  }
  if (mine.empty()) R::fail("/event_counts", "the scenario has no events");
  const json& a = R::array(v, "/event_counts", mine.size() * years, "counts");
  for (std::size_t e = 0; e < mine.size(); ++e) {
    for (std::size_t t = 0; t < years; ++t) {
      const std::size_t i = e * years + t;
      s_.counts[mine[e] * years + t] =
          R::count_upto(a[i], "/event_counts/" + std::to_string(i), s_.runs);
    }
  }
  events_ = true;
}

void StateBuilder::cell(std::size_t c, const nlohmann::json& cell) {
  if (c >= s_.cells) {
    Reader::fail("/cells/" + std::to_string(c),
                 "more cells than the scenario's " + std::to_string(s_.cells));
  }
  Reader::cell(cell, "/cells/" + std::to_string(c), c, s_);
  cells_ = c + 1;
}

RunState StateBuilder::finish() {
  if (cells_ != s_.cells) {
    Reader::fail("/cells", "expected an array of " + std::to_string(s_.cells) + " cells");
  }
  for (const auto& [seen, key] :
       {std::pair{shift_, "shift"}, std::pair{hits_, "target_hits"},
        std::pair{reach_, "first_reach"}, std::pair{joint_, "joint_hits"},
        std::pair{nonfinite_, "target_nonfinite"}, std::pair{replicates_, "replicate_hits"}}) {
    if (!seen) Reader::fail("", std::string("no \"") + key + "\"");
  }
  if (!events_ && has_events(s_)) Reader::fail("", "no \"event_counts\"");
  Reader::nonfinite_targets(s_);
  if (layout_ != nullptr) Reader::targets(s_, *layout_);
  Reader::replicates(s_);
  return std::move(s_);
}

}  // namespace shard_detail

RunState state_from_json(const nlohmann::json& j, const RunState& shape,
                         const StateLayout* layout) {
  const bool events = shard_detail::has_events(shape);
  std::vector<const char*> keys = {"slots",
                                   "years",
                                   "targets",
                                   "joint",
                                   "runs",
                                   "shift",
                                   "cells",
                                   "target_hits",
                                   "first_reach",
                                   "joint_hits",
                                   "target_nonfinite",
                                   "replicate_hits"};
  if (events) keys.push_back("event_counts");
  Reader::keys(j, "", keys);
  shard_detail::StateBuilder b(shape, layout);
  b.begin(j);
  for (const char* k : {"shift", "target_hits", "first_reach", "joint_hits", "target_nonfinite",
                        "replicate_hits"}) {
    b.field(k, j.at(k));
  }
  if (events) b.field("event_counts", j.at("event_counts"));
  const json& cells = Reader::array(j.at("cells"), "/cells", shape.cells, "cells");
  for (std::size_t c = 0; c < shape.cells; ++c) b.cell(c, cells[c]);
  return b.finish();
}

}  // namespace plancast
