// NodeReader: a checked view of one yaml-cpp node that reports every problem as
// "FILE:LINE:COL: error: problem (why) suggestion" into a DiagnosticList, instead of
// throwing at the first. Habit from pbrt-v4's FileLoc and Celeritas' input checks.
//
// For maps, every key asked for (present or not) is remembered; finish() then reports
// each key the reader was never asked for as unknown, with the nearest asked-for key as
// suggestion. Duplicate keys (yaml-cpp keeps both, and lookups see the first) are
// reported once per map. A missing required key points at the map.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/config/names.h"  // is_identifier, nearest: most readers use them
#include "engine/core/error.h"
#include "engine/core/value.h"

namespace plancast {

/// Maps a yaml-cpp mark to a source location. The loader installs one when a tree mixes
/// nodes parsed from several texts (the scenario file and `--set` values, which it parses
/// with a line offset so that their marks can be told apart).
using LocMapper = std::function<SourceLoc(const YAML::Mark&)>;

class NodeReader {
 public:
  /// `path` is the dotted path of this node, used in messages ("indicators.gdp.growth").
  NodeReader(YAML::Node node, DiagnosticList& diags, std::string file, std::string path);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  /// Names the item this node (and every node read through it) belongs to, for messages
  /// that give a path: "expected a number for targets.3.at_least (target 'gdp_2025')", as
  /// the path alone would make a reader count list items.
  void name_item(std::string item) { item_ = std::move(item); }
  const std::string& file() const { return file_; }
  DiagnosticList& diags() const { return *diags_; }
  /// Location of this node (1-based line and column).
  SourceLoc loc() const;
  /// Location of any mark of this reader's tree (through the mapper, if one is set).
  SourceLoc loc_of(const YAML::Mark& mark) const;
  /// Installs a mark → location mapper; readers made from this one (children) inherit it.
  void set_loc_mapper(std::shared_ptr<const LocMapper> mapper) { mapper_ = std::move(mapper); }
  /// Marks a tree that is read only to be checked (a variant the command does not run): what
  /// is kept only for reports, a distribution's text as written, is not made. Children
  /// inherit it.
  void set_check_only(bool check_only) { check_only_ = check_only; }
  bool check_only() const { return check_only_; }
  /// A reader for another node of the same tree (same file, mapper and diagnostics).
  NodeReader child(YAML::Node node, const std::string& path) const;
  /// Reports an error at this node. Returns false, for `return r.error(...)` chains.
  bool error(const std::string& message) const;
  /// What this node is, for "expected X, got Y" messages: "nothing", "a map", "a list" or
  /// the scalar quoted ('0.5', cut to 40 characters).
  std::string describe() const;

  bool is_map() const;
  bool is_sequence() const;
  bool is_scalar() const;
  bool is_null() const;
  /// Reports "expected a map" (etc.) at this node when it is not one; returns the check.
  bool expect_map() const;
  bool expect_sequence() const;

  // ---- map access ------------------------------------------------------------------
  /// True if the key is present (and remembers the key as known).
  bool has(const std::string& key);
  /// The child under key; reports "missing key" at this map if absent (returns nullopt).
  std::optional<NodeReader> required(const std::string& key);
  /// The child under key, or nullopt without a report.
  std::optional<NodeReader> optional(const std::string& key);
  /// Location of the key itself (first occurrence), or of this map when absent.
  SourceLoc key_loc(const std::string& key) const;
  /// Marks keys as known without reading them (e.g. keys handled elsewhere).
  void allow(const std::string& key);
  /// All entries in file order (for name → definition maps), checking that keys are
  /// scalars; duplicates are reported. Marks every key as used.
  std::vector<std::pair<std::string, NodeReader>> entries();
  /// Entries with located keys, for maps whose keys are data (firm counts by threshold):
  /// {key reader, value reader} in file order, the first of duplicate keys only, non-scalar
  /// keys skipped (entries() reports both).
  std::vector<std::pair<NodeReader, NodeReader>> key_value_entries() const;
  /// The scalar's text as written (empty for a node that is not a scalar).
  std::string scalar_text() const;
  /// Whether the scalar was quoted in the file ('...' or "..."; yaml-cpp tags those "!").
  bool quoted() const;
  /// Reports unknown keys (never asked for) with the nearest known key, and duplicates.
  void finish();

  // ---- scalar conversions (report at this node and return nullopt on failure) -------
  /// A finite number (rejects .nan, .inf, 1e400 and non-numbers).
  std::optional<double> number() const;
  /// An integer within [lo, hi].
  std::optional<std::int64_t> integer(std::int64_t lo, std::int64_t hi) const;
  std::optional<std::uint64_t> unsigned_integer(std::uint64_t lo, std::uint64_t hi) const;
  std::optional<bool> boolean() const;
  std::optional<std::string> string() const;
  /// A number, or an identifier naming a parameter (the name is checked later).
  std::optional<Value> value() const;
  // ---- helpers combining lookup, conversion and range check ---------------------------
  /// Required number under key, within [lo, hi] (inclusive) when given.
  std::optional<double> number_at(const std::string& key, double lo = -HUGE_VAL,
                                  double hi = HUGE_VAL);
  /// Optional number under key with default.
  std::optional<double> number_or(const std::string& key, double def, double lo = -HUGE_VAL,
                                  double hi = HUGE_VAL);
  std::optional<Value> value_at(const std::string& key);
  std::optional<Value> value_or(const std::string& key, double def);

  std::vector<NodeReader> items() const;  ///< sequence elements (empty if not a sequence)

 private:
  YAML::Node node_;
  DiagnosticList* diags_;
  std::string file_;
  std::string path_;
  std::string item_;  ///< see name_item
  std::shared_ptr<const LocMapper> mapper_;
  bool check_only_ = false;  ///< see set_check_only
  std::set<std::string> known_;
  mutable bool type_reported_ = false;  ///< "expected a map" already said for this node
  bool dups_reported_ = false;          ///< duplicate keys already reported (by entries())
  bool finished_ = false;
  /// First mark of each scalar key, built by key_loc() on first use.
  mutable std::optional<std::map<std::string, YAML::Mark>> key_marks_;

  /// The value under key (first occurrence), or an invalid node.
  YAML::Node find(const std::string& key) const;
  std::string child_path(const std::string& key) const;
  void report_duplicates();
};

/// Location of a yaml-cpp mark (0-based) as 1-based SourceLoc in `file`.
SourceLoc to_loc(const std::string& file, const YAML::Mark& mark);

}  // namespace plancast
