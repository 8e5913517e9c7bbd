// NodeReader: checked, located access to yaml-cpp nodes (see node_reader.h).
#include "engine/config/node_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "engine/core/format.h"

namespace plancast {

namespace {

/// What a node is, for "expected X, got Y" messages.
std::string describe_node(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  std::string s = n.Scalar();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return "'" + s + "'";
}

/// A scalar written as a string: quoted ("100", tag "!") or tagged `!!str 100`. Either is
/// refused where a number, integer or boolean is needed.
bool is_quoted(const YAML::Node& n) {
  const std::string& tag = n.Tag();
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

/// Result of reading a scalar as a double: the value, or the reason it is not one.
struct NumberParse {
  std::optional<double> value;
  std::string why;  ///< set when the text looks numeric but is not a finite double
};

NumberParse parse_number(const std::string& text) {
  NumberParse r;
  const std::string l = ascii_lower(text);
  if (l == ".nan") {
    r.why = text + " is not a finite number";
    return r;
  }
  if (l == ".inf" || l == "+.inf" || l == "-.inf") {
    r.why = text + " is not a finite number";
    return r;
  }
  std::string_view sv = text;
  if (!sv.empty() && sv.front() == '+') sv.remove_prefix(1);
  if (sv.empty() || sv.front() == '+') return r;
  double x = 0;
  const auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), x);
  if (ptr != sv.data() + sv.size()) return r;  // not a number at all (or trailing text)
  if (ec == std::errc::result_out_of_range) {
    r.why = text + " is out of the range of a double (" +
            (l.find("e-") != std::string::npos ? "underflow; write 0" : "overflow") + ")";
    return r;
  }
  if (ec != std::errc()) return r;
  if (!std::isfinite(x)) {
    r.why = text + " is not a finite number";
    return r;
  }
  r.value = x;
  return r;
}

std::string range_text(double lo, double hi) {
  if (lo == -HUGE_VAL) return "must be <= " + canonical_number(hi);
  if (hi == HUGE_VAL) return "must be >= " + canonical_number(lo);
  return "must be in [" + canonical_number(lo) + ", " + canonical_number(hi) + "]";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

SourceLoc to_loc(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return SourceLoc{file, 0, 0};
  return SourceLoc{file, mark.line + 1, mark.column + 1};
}

// ---- NodeReader: basics ------------------------------------------------------------------

NodeReader::NodeReader(YAML::Node node, DiagnosticList& diags, std::string file, std::string path)
    : node_(std::move(node)), diags_(&diags), file_(std::move(file)), path_(std::move(path)) {}

SourceLoc NodeReader::loc_of(const YAML::Mark& mark) const {
  if (mapper_) return (*mapper_)(mark);
  return to_loc(file_, mark);
}

SourceLoc NodeReader::loc() const {
  return loc_of(node_.Mark());
}

NodeReader NodeReader::child(YAML::Node node, const std::string& path) const {
  NodeReader r(std::move(node), *diags_, file_, path);
  r.mapper_ = mapper_;
  r.check_only_ = check_only_;
  r.item_ = item_;
  return r;
}

bool NodeReader::error(const std::string& message) const {
  diags_->error(loc(), message);
  return false;
}

std::string NodeReader::describe() const {
  return describe_node(node_);
}

bool NodeReader::is_map() const {
  return node_.IsDefined() && node_.IsMap();
}
bool NodeReader::is_sequence() const {
  return node_.IsDefined() && node_.IsSequence();
}
bool NodeReader::is_scalar() const {
  return node_.IsDefined() && node_.IsScalar();
}
bool NodeReader::is_null() const {
  return !node_.IsDefined() || node_.IsNull();
}

namespace {
/// " (target 'gdp_2025')" when the node is inside a named item (NodeReader::name_item).
std::string of_item(const std::string& item) {
  return item.empty() ? std::string() : " (" + item + ")";
}
std::string where(const std::string& path, const std::string& item = "") {
  return path.empty() ? "at the top level" : "in " + path + of_item(item);
}
std::string for_path(const std::string& path, const std::string& item = "") {
  return path.empty() ? "at the top level" : "for " + path + of_item(item);
}
}  // namespace

bool NodeReader::expect_map() const {
  if (is_map()) return true;
  if (!type_reported_) {
    type_reported_ = true;
    error("expected a map (key: value pairs) " + for_path(path_, item_) + ", got " +
          describe_node(node_));
  }
  return false;
}

bool NodeReader::expect_sequence() const {
  if (is_sequence()) return true;
  if (!type_reported_) {
    type_reported_ = true;
    error("expected a list " + for_path(path_, item_) + ", got " + describe_node(node_));
  }
  return false;
}

// ---- NodeReader: maps --------------------------------------------------------------------

YAML::Node NodeReader::find(const std::string& key) const {
  if (!is_map()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string NodeReader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool NodeReader::has(const std::string& key) {
  known_.insert(key);
  return find(key).IsDefined();
}

std::optional<NodeReader> NodeReader::required(const std::string& key) {
  known_.insert(key);
  if (!expect_map()) return std::nullopt;
  YAML::Node n = find(key);
  if (!n.IsDefined()) {
    error("missing required key '" + key + "' " + where(path_, item_));
    return std::nullopt;
  }
  return child(n, child_path(key));
}

std::optional<NodeReader> NodeReader::optional(const std::string& key) {
  known_.insert(key);
  YAML::Node n = find(key);
  if (!n.IsDefined()) return std::nullopt;
  return child(n, child_path(key));
}

void NodeReader::allow(const std::string& key) {
  known_.insert(key);
}

SourceLoc NodeReader::key_loc(const std::string& key) const {
  if (!is_map()) return loc();
  if (!key_marks_) {
    // Indexed on first use: callers ask for the key of every entry of large maps (one per
    // indicator), and a scan per call would make loading quadratic.
    key_marks_.emplace();
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar()) key_marks_->emplace(it->first.Scalar(), it->first.Mark());
    }
  }
  const auto it = key_marks_->find(key);
  return it == key_marks_->end() ? loc() : loc_of(it->second);
}

void NodeReader::report_duplicates() {
  if (dups_reported_ || !is_map()) return;
  dups_reported_ = true;
  std::map<std::string, SourceLoc> first;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& k = it->first.Scalar();
    const SourceLoc at = loc_of(it->first.Mark());
    auto [pos, inserted] = first.emplace(k, at);
    if (!inserted) {
      diags_->error(at, "duplicate key '" + k + "' (first at " + std::to_string(pos->second.line) +
                            ":" + std::to_string(pos->second.col) +
                            "; remove one, YAML would silently keep the first)");
    }
  }
}

std::vector<std::pair<std::string, NodeReader>> NodeReader::entries() {
  std::vector<std::pair<std::string, NodeReader>> out;
  if (!expect_map()) return out;
  report_duplicates();
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) {
      diags_->error(loc_of(it->first.Mark()), "a key " + where(path_, item_) + " is " +
                                                  describe_node(it->first) +
                                                  " (keys must be names)");
      continue;
    }
    const std::string& k = it->first.Scalar();
    known_.insert(k);
    if (!seen.insert(k).second) continue;
    out.emplace_back(k, child(it->second, child_path(k)));
  }
  return out;
}

std::vector<std::pair<NodeReader, NodeReader>> NodeReader::key_value_entries() const {
  std::vector<std::pair<NodeReader, NodeReader>> out;
  if (!node_.IsMap()) return out;
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar() || !seen.insert(it->first.Scalar()).second) continue;
    const std::string path = child_path(it->first.Scalar());
    out.emplace_back(child(it->first, path), child(it->second, path));
  }
  return out;
}

std::string NodeReader::scalar_text() const {
  return node_.IsScalar() ? node_.Scalar() : std::string();
}

bool NodeReader::quoted() const {
  return node_.Tag() == "!";
}

void NodeReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!is_map()) return;
  report_duplicates();
  const std::vector<std::string> candidates(known_.begin(), known_.end());
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const SourceLoc at = loc_of(it->first.Mark());
    if (!it->first.IsScalar()) {
      diags_->error(at, "a key " + where(path_, item_) + " is " + describe_node(it->first) +
                            " (keys must be names)");
      continue;
    }
    const std::string& k = it->first.Scalar();
    if (known_.count(k)) continue;
    std::string msg = "unknown key '" + k + "' " + where(path_, item_);
    const std::string near = nearest(k, candidates);
    if (!near.empty()) {
      msg += " (did you mean '" + near + "'?)";
    } else if (!candidates.empty()) {
      msg += " (known keys: " + join(candidates) + ")";
    }
    diags_->error(at, msg);
  }
}

std::vector<NodeReader> NodeReader::items() const {
  std::vector<NodeReader> out;
  if (!is_sequence()) return out;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    out.push_back(child(node_[i], child_path(std::to_string(i))));
  }
  return out;
}

// ---- NodeReader: scalars -----------------------------------------------------------------

namespace {
/// Last segment of a dotted path: the key a value was written under ("sd").
std::string key_name(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}
}  // namespace

std::optional<double> NodeReader::number() const {
  if (!is_scalar()) {
    error("expected a number " + for_path(path_, item_) + ", got " + describe_node(node_));
    return std::nullopt;
  }
  const std::string& text = node_.Scalar();
  const NumberParse p = parse_number(text);
  if (!p.why.empty()) {
    error(p.why);
    return std::nullopt;
  }
  if (!p.value) {
    error("expected a number " + for_path(path_, item_) + ", got " + describe_node(node_));
    return std::nullopt;
  }
  if (is_quoted(node_)) {
    error("expected a number " + for_path(path_, item_) + ", got the quoted string '" + text +
          "' (remove the quotes)");
    return std::nullopt;
  }
  return p.value;
}

std::optional<std::int64_t> NodeReader::integer(std::int64_t lo, std::int64_t hi) const {
  if (!is_scalar() || is_quoted(node_)) {
    error("expected an integer " + for_path(path_, item_) + ", got " + describe_node(node_));
    return std::nullopt;
  }
  const std::string& text = node_.Scalar();
  std::string_view sv = text;
  if (!sv.empty() && sv.front() == '+') sv.remove_prefix(1);
  std::int64_t x = 0;
  const auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), x);
  if (sv.empty() || ptr != sv.data() + sv.size() || ec == std::errc::invalid_argument) {
    const NumberParse p = parse_number(text);
    error(!p.why.empty()
              ? p.why
              : "expected an integer " + for_path(path_, item_) + ", got " + describe_node(node_));
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || x < lo || x > hi) {
    error(key_name(path_) + "=" + text + " (must be in [" + std::to_string(lo) + ", " +
          std::to_string(hi) + "])");
    return std::nullopt;
  }
  return x;
}

std::optional<std::uint64_t> NodeReader::unsigned_integer(std::uint64_t lo,
                                                          std::uint64_t hi) const {
  if (!is_scalar() || is_quoted(node_)) {
    error("expected a non-negative integer " + for_path(path_, item_) + ", got " +
          describe_node(node_));
    return std::nullopt;
  }
  const std::string& text = node_.Scalar();
  std::string_view sv = text;
  if (!sv.empty() && sv.front() == '+') sv.remove_prefix(1);
  const bool negative = !sv.empty() && sv.front() == '-';
  std::uint64_t x = 0;
  const auto [ptr, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), x);
  if (!negative &&
      (sv.empty() || ptr != sv.data() + sv.size() || ec == std::errc::invalid_argument)) {
    const NumberParse p = parse_number(text);
    error(!p.why.empty() ? p.why
                         : "expected a non-negative integer " + for_path(path_, item_) + ", got " +
                               describe_node(node_));
    return std::nullopt;
  }
  if (negative || ec == std::errc::result_out_of_range || x < lo || x > hi) {
    error(key_name(path_) + "=" + text + " (must be in [" + std::to_string(lo) + ", " +
          std::to_string(hi) + "])");
    return std::nullopt;
  }
  return x;
}

std::optional<bool> NodeReader::boolean() const {
  if (is_scalar() && !is_quoted(node_)) {
    const std::string l = ascii_lower(node_.Scalar());
    if (l == "true") return true;
    if (l == "false") return false;
  }
  error("expected true or false " + for_path(path_, item_) + ", got " + describe_node(node_));
  return std::nullopt;
}

std::optional<std::string> NodeReader::string() const {
  if (!is_scalar()) {
    error("expected a string " + for_path(path_, item_) + ", got " + describe_node(node_));
    return std::nullopt;
  }
  return node_.Scalar();
}

std::optional<Value> NodeReader::value() const {
  if (is_scalar()) {
    const std::string& text = node_.Scalar();
    if (is_identifier(text)) return Value{0.0, text, loc()};
    if (!is_quoted(node_)) {
      const NumberParse p = parse_number(text);
      if (p.value) return Value{*p.value, {}, loc()};
      if (!p.why.empty()) {
        error(p.why);
        return std::nullopt;
      }
    }
  }
  error("expected a number or a parameter name " + for_path(path_, item_) + ", got " +
        describe_node(node_));
  return std::nullopt;
}

// ---- helpers -----------------------------------------------------------------------------

std::optional<double> NodeReader::number_at(const std::string& key, double lo, double hi) {
  auto r = required(key);
  if (!r) return std::nullopt;
  auto x = r->number();
  if (!x) return std::nullopt;
  if (*x < lo || *x > hi) {
    r->error(key + "=" + r->node().Scalar() + " (" + range_text(lo, hi) + ")");
    return std::nullopt;
  }
  return x;
}

std::optional<double> NodeReader::number_or(const std::string& key, double def, double lo,
                                            double hi) {
  if (!has(key)) return def;
  return number_at(key, lo, hi);
}

std::optional<Value> NodeReader::value_at(const std::string& key) {
  auto r = required(key);
  if (!r) return std::nullopt;
  return r->value();
}

std::optional<Value> NodeReader::value_or(const std::string& key, double def) {
  auto r = optional(key);
  if (!r) {
    Value v = Value::of(def);
    v.loc = loc();
    return v;
  }
  return r->value();
}

}  // namespace plancast
