// Reading shard files safely: a bounded read, a guarded JSON parse, locations of values
// and the HMAC (docs/reliability.md, "Shard files").
#include "engine/io/shard_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <set>
#include <vector>

#include "engine/io/shard.h"
#include "engine/sim/sketch.h"

namespace plancast::shard_detail {

namespace {

using json = nlohmann::json;

/// Line and column (1-based) of byte offset `pos` in `text`.
SourceLoc locate(const std::string& name, const std::string& text, std::size_t pos) {
  pos = std::min(pos, text.size());
  int line = 1, col = 1;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return SourceLoc{name, line, col};
}

std::string mib(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

/// An iterator over the text that records how far the parser has read (for locations:
/// nlohmann-json's parser does not tell its position to callbacks).
struct CountingIt {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  const char** far = nullptr;
  reference operator*() const { return *p; }
  CountingIt& operator++() {
    ++p;
    if (p > *far) *far = p;
    return *this;
  }
  CountingIt operator++(int) {
    CountingIt old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIt& o) const { return p == o.p; }
  bool operator!=(const CountingIt& o) const { return p != o.p; }
};

/// Thrown by the parse callback: a problem at byte offset `pos`.
struct GuardError {
  std::size_t pos;
  std::string message;
};

/// Offset of the opening quote of the string that ends just before `end` (a key).
std::size_t string_start(const std::string& text, std::size_t end) {
  if (end < 2) return 0;
  for (std::size_t i = end - 1; i-- > 0;) {
    if (text[i] != '"') continue;
    std::size_t slashes = 0;
    while (i > slashes && text[i - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 0) return i;
  }
  return 0;
}

/// SAX handler finding where the value at a JSON pointer starts.
class PointerFinder {
 public:
  PointerFinder(const std::string& text, const char** far, std::vector<std::string> target)
      : text_(text), far_(far), target_(std::move(target)) {}
  bool found() const { return found_; }
  std::size_t where() const { return where_; }

  bool null() { return scalar(); }
  bool boolean(bool) { return scalar(); }
  bool number_integer(json::number_integer_t) { return scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return scalar(); }
  bool number_float(json::number_float_t, const std::string&) { return scalar(); }
  bool string(std::string&) { return scalar(); }
  bool binary(json::binary_t&) { return scalar(); }
  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    frames_.back().key = k;
    mark();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

 private:
  struct Frame {
    bool object = false;
    std::string key;
    std::size_t next = 0;  ///< index of the next element of an array
    bool on_path = false;  ///< this container is the target's prefix
  };

  /// The value starting now: is it on the target's path, is it the target?
  bool begin_value() {
    const std::size_t depth = frames_.size();  // tokens leading to this value
    bool on = true;
    if (!frames_.empty()) {
      Frame& f = frames_.back();
      const std::string token = f.object ? f.key : std::to_string(f.next);
      if (!f.object) ++f.next;
      on = f.on_path && depth <= target_.size() && target_[depth - 1] == token;
    }
    value_on_path_ = on;
    if (on && depth == target_.size()) {
      // It starts at the first byte after the previous event that is not blank, ':' or ','.
      std::size_t i = last_;
      while (i < text_.size() && text_[i] != 0 && std::strchr(" \t\r\n:,", text_[i])) ++i;
      where_ = i;
      found_ = true;
      return false;  // stop parsing
    }
    return true;
  }
  bool scalar() {
    if (!begin_value()) return false;
    mark();
    return true;
  }
  bool open(bool object) {
    if (!begin_value()) return false;
    Frame f;
    f.object = object;
    f.on_path = value_on_path_;
    frames_.push_back(std::move(f));
    mark();
    return true;
  }
  bool close() {
    frames_.pop_back();
    mark();
    return true;
  }
  void mark() { last_ = static_cast<std::size_t>(*far_ - text_.data()); }

  const std::string& text_;
  const char** far_;
  std::vector<std::string> target_;
  std::vector<Frame> frames_;
  std::size_t last_ = 0, where_ = 0;
  bool value_on_path_ = true, found_ = false;
};

/// The scan of a shard text (a SAX handler: nothing is built but the single values of the
/// header and the state): nesting at most kMaxShardDepth, no key twice in one object, and
/// the shape of a shard (its keys, and which values are objects, arrays, strings or
/// numbers), so that foreign or padded content is refused where it starts.
class ShardScanner {
 public:
  ShardScanner(const std::string& text, const char** far, ShardScan& out)
      : text_(text), far_(far), out_(out) {}

  bool null() { return scalar(json(nullptr)); }
  bool boolean(bool v) { return scalar(json(v)); }
  bool number_integer(json::number_integer_t v) { return scalar(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) { return scalar(json(v)); }
  bool string(std::string& v) { return scalar(json(std::move(v))); }
  bool binary(json::binary_t&) { return scalar(json(nullptr)); }
  bool start_object(std::size_t) { return open(true); }
  bool start_array(std::size_t) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    Frame& f = frames_.back();
    const std::size_t at = string_start(text_, offset());
    if (!f.keys.insert(k).second) {
      throw GuardError{at, "not a valid plancast shard file (the key \"" + k.substr(0, 60) +
                               "\" is given twice in one object)"};
    }
    f.next = kind_of(f.kind, k);
    if (f.next == Kind::none) {
      refuse(at, "", Kind::none,
             "\"" + k.substr(0, 60) + "\" is not part of a " +
                 (f.kind == Kind::root ? "shard" : "shard's state"));
    }
    f.key = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    std::string what = e.what();
    const auto p = what.find("syntax error");
    const auto q = what.find("] ");
    throw GuardError{
        position > 0 ? position - 1 : 0,
        p != std::string::npos   ? "not a plancast shard file (JSON " + what.substr(p) + ")"
        : q != std::string::npos ? "not a plancast shard file (" + what.substr(q + 2) + ")"
                                 : "not a plancast shard file (" + what + ")"};
  }

 private:
  enum class Kind {
    none,
    any,
    str,
    num,  // scalars (any: checked after the scan)
    root,
    state,
    cell,
    sum,
    counters,  // objects
    strs,
    nums,
    cells,
    partials,
    buckets,
    run  // arrays
  };
  struct Frame {
    Kind kind;
    std::set<std::string> keys;
    Kind next = Kind::any;  ///< object: the kind of the value of the last key
    std::string key;        ///< object: the last key (root and state only)
    std::size_t count = 0;  ///< array: elements so far
  };

  bool open(bool object) {
    const std::size_t at = offset() - 1;
    if (frames_.size() + 1 > static_cast<std::size_t>(kMaxShardDepth)) {
      throw GuardError{at, "not a plancast shard file (arrays and objects nested more than " +
                               std::to_string(kMaxShardDepth) + " deep)"};
    }
    const Kind want = expected(at);
    if (object ? !is_object(want) : !is_array(want)) {
      refuse(at, object ? "an object" : "an array", want);
    }
    if (want == Kind::state) {
      out_.has_state = true;
      out_.state_begin = at;
    }
    frames_.push_back(Frame{want, {}, Kind::any, {}, 0});
    return true;
  }
  bool close() {
    if (frames_.back().kind == Kind::state) out_.state_end = offset();
    frames_.pop_back();
    return true;
  }
  bool scalar(json v) {
    const std::size_t at = v.is_string() ? string_start(text_, offset()) : token_start(offset());
    const Kind want = expected(at);
    if (is_object(want) || is_array(want) || (want == Kind::str && !v.is_string()) ||
        (want == Kind::num && !v.is_number())) {
      refuse(at, v.is_string() ? "a string" : "a single value", want);
    }
    const Frame& f = frames_.back();
    if (f.kind == Kind::root) {
      out_.header[f.key] = std::move(v);
    } else if (f.kind == Kind::state) {
      out_.state_scalars[f.key] = std::move(v);
    }
    return true;
  }

  static bool is_object(Kind k) { return k >= Kind::root && k <= Kind::counters; }
  static bool is_array(Kind k) { return k >= Kind::strs; }

  static Kind kind_of(Kind object, const std::string& k) {
    auto in = [&](std::initializer_list<const char*> names) {
      return std::any_of(names.begin(), names.end(), [&](const char* n) { return k == n; });
    };
    switch (object) {
      case Kind::root:
        if (k == "state") return Kind::state;
        return in({"format", "format_version", "plancast_version", "job_hash", "scenario",
                   "variant", "scenario_file", "scenario_sha256", "runs", "seed", "sampler",
                   "block_size", "shard", "shards", "first_block", "last_block", "scenario_text",
                   "state_sha256", "shard_hmac_sha256"})
                   ? Kind::any
                   : Kind::none;
      case Kind::state:
        if (k == "shift") return Kind::strs;
        if (k == "cells") return Kind::cells;
        if (in({"target_hits", "first_reach", "joint_hits", "target_nonfinite", "replicate_hits",
                "event_counts"})) {
          return Kind::nums;
        }
        return in({"slots", "years", "targets", "joint", "runs"}) ? Kind::any : Kind::none;
      case Kind::cell:
        if (k == "sum" || k == "sumsq") return Kind::sum;
        if (k == "positive" || k == "negative" || k == "integers") return Kind::buckets;
        if (k == "counters") return Kind::counters;
        return in({"finite", "nonfinite", "min", "max", "zero"}) ? Kind::any : Kind::none;
      case Kind::sum:
        if (k == "partials") return Kind::partials;
        return k == "special" || k == "carry" ? Kind::any : Kind::none;
      case Kind::counters:  // a process's counters by name: the state reader checks the names
        return Kind::num;
      default:
        return Kind::none;
    }
  }

  /// The kind the value starting now must have; counts array elements against their limits.
  Kind expected(std::size_t at) {
    if (frames_.empty()) return Kind::root;
    Frame& f = frames_.back();
    if (is_object(f.kind)) return f.next;
    ++f.count;
    // A sum has at most 64 partials; a sketch store at most one bucket per index.
    const std::size_t span = QuantileSketch::kMaxBucket - QuantileSketch::kMinBucket + 1;
    const std::size_t most = f.kind == Kind::partials  ? 64
                             : f.kind == Kind::buckets ? span
                             : f.kind == Kind::run     ? span + 1
                                                       : SIZE_MAX;
    if (f.count > most) {
      refuse(at, "", Kind::none, "more than " + std::to_string(most) + " elements in an array");
    }
    switch (f.kind) {
      case Kind::strs:
      case Kind::partials:
        return Kind::str;
      case Kind::nums:
      case Kind::run:
        return Kind::num;
      case Kind::cells:
        return Kind::cell;
      default:
        return Kind::run;  // buckets
    }
  }

  [[noreturn]] void refuse(std::size_t at, const std::string& got, Kind want,
                           std::string why = "") const {
    // A file of another format or version says so first.
    const json& format = out_.header.contains("format") ? out_.header["format"] : json();
    const json& version =
        out_.header.contains("format_version") ? out_.header["format_version"] : json();
    if (!format.is_null() && format != "plancast-shard") {
      throw GuardError{at, "not a plancast shard file (no \"format\": \"plancast-shard\")"};
    }
    if (!version.is_null() && version != kShardFormatVersion) {
      throw GuardError{at, "shard format version " + version.dump().substr(0, 40) +
                               "; this plancast reads " + std::to_string(kShardFormatVersion)};
    }
    if (frames_.empty() && want == Kind::root) {
      throw GuardError{at, "not a plancast shard file (not a JSON object)"};
    }
    if (why.empty()) {
      const char* w = want == Kind::str                         ? "a string"
                      : want == Kind::num                       ? "a number"
                      : want == Kind::any                       ? "a single value"
                      : is_object(want)                         ? "an object"
                      : want == Kind::buckets                   ? "an array of bucket runs"
                      : want == Kind::cells                     ? "an array of cells"
                      : want == Kind::nums || want == Kind::run ? "an array of numbers"
                                                                : "an array of strings";
      why = got + " where a shard has " + w;
    }
    // Before "format" is seen, the file may be anything: not a shard at all.
    const bool foreign = format.is_null() && frames_.size() <= 1;
    throw GuardError{at, std::string(foreign ? "not a plancast shard file ("
                                             : "not a valid plancast shard file (") +
                             why + ")"};
  }

  std::size_t offset() const { return static_cast<std::size_t>(*far_ - text_.data()); }
  /// Start of the number or literal read up to `end` (the parser may have read one more).
  std::size_t token_start(std::size_t end) const {
    auto part = [&](std::size_t i) {
      const char c = text_[i];
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    };
    std::size_t i = end;
    if (i > 0 && !part(i - 1)) --i;
    while (i > 0 && part(i - 1)) --i;
    return i;
  }

  const std::string& text_;
  const char** far_;
  ShardScan& out_;
  std::vector<Frame> frames_;
};

}  // namespace

std::string read_shard_bytes(const std::string& path) {
  const SourceLoc at{path, 0, 0};
  auto fail = [&](const std::string& what) {
    throw ScenarioError(at, "cannot read the shard file (" + what + ")");
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail("it is a folder");
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > kMaxShardBytes) {
      throw ScenarioError(at, "the file is larger than a shard file may be (" +
                                  std::to_string(st.st_size) + " bytes; at most " +
                                  mib(kMaxShardBytes) + ")");
    }
  }
  std::string text;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t r = ::read(fd, buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
    }
    if (r == 0) break;
    const std::size_t n = static_cast<std::size_t>(r);
    // JSON never holds a NUL byte: stop at once (binary files, /dev/zero).
    if (const void* z = std::memchr(buf.data(), 0, n)) {
      text.append(buf.data(), static_cast<std::size_t>(static_cast<const char*>(z) - buf.data()));
      throw ScenarioError(locate(path, text, text.size()),
                          "not a plancast shard file (a NUL byte: not JSON text)");
    }
    if (text.size() + n > kMaxShardBytes) {
      throw ScenarioError(at, "the file is larger than a shard file may be (more than " +
                                  mib(kMaxShardBytes) + ")");
    }
    text.append(buf.data(), n);
  }
  return text;
}

ShardScan scan_shard(const std::string& name, const std::string& text) {
  const char* far = text.data();
  const CountingIt first{text.data(), &far}, last{text.data() + text.size(), &far};
  ShardScan scan;
  ShardScanner scanner(text, &far, scan);
  try {
    json::sax_parse(first, last, &scanner);
  } catch (const GuardError& e) {
    throw ScenarioError(locate(name, text, e.pos), e.message);
  }
  return scan;
}

SourceLoc locate_pointer(const std::string& name, const std::string& text,
                         const std::string& pointer) {
  if (pointer.empty()) return SourceLoc{name, 0, 0};  // the whole file
  std::vector<std::string> tokens;
  try {
    for (json::json_pointer ptr(pointer); !ptr.empty(); ptr.pop_back()) {
      tokens.insert(tokens.begin(), ptr.back());
    }
  } catch (const json::exception&) {
    return SourceLoc{name, 0, 0};
  }
  const char* far = text.data();
  const CountingIt first{text.data(), &far}, last{text.data() + text.size(), &far};
  PointerFinder finder(text, &far, std::move(tokens));
  try {
    json::sax_parse(first, last, &finder);
  } catch (const json::exception&) {
  }
  return finder.found() ? locate(name, text, finder.where()) : SourceLoc{name, 0, 0};
}

}  // namespace plancast::shard_detail
