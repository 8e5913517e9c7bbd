// Reading shard files safely: a bounded read, a guarded JSON parse, locations of values
// and the HMAC (docs/reliability.md, "Shard files").
#include "engine/io/shard_read.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <set>
#include <vector>

#include "engine/io/shard.h"

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

nlohmann::json parse_shard_json(const std::string& name, const std::string& text) {
  const char* far = text.data();
  const CountingIt first{text.data(), &far}, last{text.data() + text.size(), &far};
  const auto offset = [&] { return static_cast<std::size_t>(far - text.data()); };
  std::vector<std::set<std::string>> keys;  // of each open object
  std::vector<bool> is_object;
  const json::parser_callback_t guard = [&](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (depth + 1 > kMaxShardDepth) {
          throw GuardError{offset() - 1, "not a plancast shard file (arrays and objects nested " +
                                             std::string("more than ") +
                                             std::to_string(kMaxShardDepth) + " deep)"};
        }
        is_object.push_back(event == E::object_start);
        if (event == E::object_start) keys.emplace_back();
        break;
      case E::object_end:
      case E::array_end:
        if (is_object.back()) keys.pop_back();
        is_object.pop_back();
        break;
      case E::key: {
        const std::string& k = parsed.get_ref<const std::string&>();
        if (!keys.back().insert(k).second) {
          throw GuardError{string_start(text, offset()),
                           "not a valid plancast shard file (the key \"" + k.substr(0, 60) +
                               "\" is given twice in one object)"};
        }
        break;
      }
      case E::value:
        break;
    }
    return true;
  };
  try {
    return json::parse(first, last, guard);
  } catch (const GuardError& e) {
    throw ScenarioError(locate(name, text, e.pos), e.message);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    const auto p = what.find("syntax error");
    throw ScenarioError(locate(name, text, e.byte > 0 ? e.byte - 1 : 0),
                        "not a plancast shard file (JSON " +
                            (p == std::string::npos ? what : what.substr(p)) + ")");
  } catch (const json::exception& e) {
    // A number beyond the range of a double (out_of_range.406, "1e400"): located where the
    // parser stopped, just after it.
    std::string what = e.what();
    const auto p = what.find("] ");
    throw ScenarioError(
        locate(name, text, offset() > 0 ? offset() - 1 : 0),
        "not a plancast shard file (" + (p == std::string::npos ? what : what.substr(p + 2)) + ")");
  }
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

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), md,
           &len) == nullptr) {
    throw RunError("HMAC-SHA-256 failed (OpenSSL HMAC)");
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool same_digest(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace plancast::shard_detail
