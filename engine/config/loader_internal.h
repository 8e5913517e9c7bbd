// Pieces of the scenario loader shared by its source files (not a public interface):
// loader_guards.cpp (checks on the raw text and the YAML events), loader_overrides.cpp
// (variants and --set paths applied to a node tree), loader_build.cpp (node tree →
// Scenario) and loader.cpp (the whole load, collecting every problem).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <memory>
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

// ---- loader_build.cpp -----------------------------------------------------------------------

/// Validates a whole node tree into a Scenario, reporting every problem into diags.
Scenario build(const YAML::Node& root, const std::string& file,
               const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
               DiagnosticList& diags);

}  // namespace loader_detail
}  // namespace plancast
