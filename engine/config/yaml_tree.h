// Mark-keeping operations on yaml-cpp trees that yaml-cpp's public API lacks. The loader
// validates every variant on its own copy of the scenario tree and parses each --set value
// on its own; error messages need every node's place (mark), which YAML::Clone drops and
// which the public API cannot set.
#pragma once

#include <functional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace plancast::yaml_tree {

/// Deep copy of `node`: every node keeps its mark, tag and style, and maps keep their key
/// order and duplicate keys. With `skip_key`, that top-level key (every occurrence) is left
/// out of the copy (the loader leaves out `variants`, which a variant's tree does not use).
/// Cost: linear in the nodes copied.
YAML::Node clone(const YAML::Node& node, const std::string& skip_key = "");

/// Writes `node` to `out` as the canonical scenario text does: keys in order, scalars as
/// written (a scalar tagged "!", i.e. quoted in the file, stays quoted). With `skip_key`,
/// that top-level key is left out.
void emit(YAML::Emitter& out, const YAML::Node& node, const std::string& skip_key = "");

/// `node` in YAML flow style on one line, as written: "0.19", "{dist: gamma, mean: 35, sd: 12}".
std::string flow_text(const YAML::Node& node);

/// Sets the mark of `node` itself (creating the node if `node` is an empty handle).
void set_mark(YAML::Node& node, const YAML::Mark& mark);

/// Replaces the mark of every node of the tree by `f(mark)` (marks that are null stay null).
/// The loader tags the marks of an override value, parsed alone, with the override's origin.
void map_marks(const YAML::Node& node, const std::function<YAML::Mark(const YAML::Mark&)>& f);

}  // namespace plancast::yaml_tree
