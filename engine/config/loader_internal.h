// Pieces of the scenario loader shared by its source files (not a public interface):
// loader_guards.cpp (checks on the raw text and the YAML events), loader_overrides.cpp
// (variants and --set paths applied to a node tree), loader_build.cpp (node tree →
// Scenario) and loader.cpp (the whole load, collecting every problem).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"

namespace plancast {

class Registry;

namespace loader_detail {

using MarkFn = std::function<SourceLoc(const YAML::Mark&)>;

inline std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

inline std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? std::string() : " (did you mean '" + near + "'?)";
}

// ---- loader_guards.cpp ----------------------------------------------------------------------

/// 1-based line and byte column of byte offset `pos`.
SourceLoc loc_at(const std::string& text, std::size_t pos, const std::string& file);
/// Size, binary content, encoding and tab indentation; `where` locates a byte offset.
void guard_text(const std::string& text, const std::string& file, DiagnosticList& diags,
                const std::function<SourceLoc(std::size_t)>& where);
/// Anchors, aliases, nesting depth, a second document and syntax errors, from the events.
void guard_events(const std::string& text, const MarkFn& where, DiagnosticList& diags);
/// YAML::Load, a syntax error reported located.
YAML::Node parse_checked(const std::string& text, const MarkFn& where, DiagnosticList& diags);

// ---- loader_overrides.cpp -------------------------------------------------------------------

YAML::Node find_key(const YAML::Node& map, const std::string& key);
/// Sets the node at dotted `path` in `root` to `value`, creating missing maps on the way
/// when `create_maps` (see loader_overrides.cpp).
bool apply_override(YAML::Node root, const std::string& path, const YAML::Node& value,
                    const SourceLoc& at,
                    const std::function<YAML::Node(const std::string&)>& make_key,
                    const std::string& origin, bool create_maps, DiagnosticList& diags);

struct Override {
  std::string path;
  YAML::Node key;  ///< the key node in the variants map (for its location)
  YAML::Node value;
  SourceLoc loc;
};
using VariantList = std::vector<std::pair<std::string, std::vector<Override>>>;

/// Reads `variants:` of a tree: names in file order, each with its overrides in file order,
/// reporting problems (at most kMaxVariants variants).
VariantList read_variants(const YAML::Node& root, const std::string& file,
                          const std::shared_ptr<const LocMapper>& map, DiagnosticList& diags);

// ---- loader_overrides.cpp: the command line's overrides -------------------------------------

/// Where an override's nodes come from: a --set value or path ("--set", K, the column of
/// its first character in PATH=VALUE, 0-based) or a typed option ("--runs": the flag as a
/// whole). The nodes of an override carry the index of their origin in their marks
/// (YAML::Mark::pos = -2 - index; a parsed file's marks have pos >= 0), so one mapper
/// locates every node of a tree that mixes the file and overrides.
struct Origin {
  SourceLoc at;
  bool whole = false;  ///< every node at `at` itself (a typed option)
};

class Origins {
 public:
  int add(Origin o) {
    list_.push_back(std::move(o));
    return static_cast<int>(list_.size()) - 1;
  }
  /// A mark of `origin`: its line and column within the override's own text.
  static YAML::Mark mark(int origin, const YAML::Mark& within = YAML::Mark()) {
    YAML::Mark m = within;
    m.pos = -2 - origin;
    return m;
  }
  /// The location of `m` if it is an override's mark.
  std::optional<SourceLoc> locate(const YAML::Mark& m) const {
    if (m.is_null() || m.pos > -2) return std::nullopt;
    const auto k = static_cast<std::size_t>(-2 - m.pos);
    if (k >= list_.size()) return std::nullopt;
    const Origin& o = list_[k];
    if (o.whole) return o.at;
    // Lines after the first of a multi-line value have no PATH= before them.
    return SourceLoc{o.at.file, o.at.line, m.column + (m.line == 0 ? o.at.col : 0) + 1};
  }
  /// Tags every mark of `node` (parsed alone) with `origin`.
  static void tag(const YAML::Node& node, int origin);

 private:
  std::vector<Origin> list_;
};

/// One override of the command line, parsed: a --set option or a typed option.
struct SetOption {
  std::string path;
  YAML::Node value;
  SourceLoc at;              ///< where path problems are reported: --set:K:1, or the flag
  int key_origin = 0;        ///< origin of the keys it adds (their column: the segment's in PATH)
  bool create_maps = false;  ///< typed options create the maps of their path
};

/// Parses every --set PATH=VALUE on its own (errors into diags), each with its origins.
/// Returns whether all were sound; the parsed options are appended to `out`.
bool parse_sets(const std::vector<std::string>& sets, Origins& origins, std::vector<SetOption>& out,
                DiagnosticList& diags);
/// The typed options (runs, seed, sampler) as overrides of simulation.KEY, in that order,
/// each located at its flag ("--runs"). They come before the --set options.
void typed_sets(const LoadOptions& opts, Origins& origins, std::vector<SetOption>& out);
/// Applies the parsed overrides to `root` in order (each value copied, so that the same
/// options can be applied to several trees). Returns false after reporting a path problem.
bool apply_sets(YAML::Node root, const std::vector<SetOption>& sets, DiagnosticList& diags);
/// Applies a variant's overrides to `root` (values and keys copied, the variants section
/// untouched); path problems go to diags.
void apply_variant(YAML::Node root, const std::string& name, const std::vector<Override>& ovs,
                   DiagnosticList& diags);

// ---- loader_build.cpp -----------------------------------------------------------------------

/// Validates a whole node tree into a Scenario, reporting every problem into diags. With
/// `check_only` (a tree built only for its problems, the Scenario then dropped), the texts
/// kept for reports are not made (NodeReader::set_check_only): the same problems, less work.
Scenario build(const YAML::Node& root, const std::string& file,
               const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
               DiagnosticList& diags, bool check_only = false);

}  // namespace loader_detail
}  // namespace plancast
