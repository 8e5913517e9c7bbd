// Mark-keeping copies and mark moves of yaml-cpp trees (see yaml_tree.h).
#include "engine/config/yaml_tree.h"

namespace plancast {
namespace yaml_tree {
struct MarkAccess {};
}  // namespace yaml_tree
}  // namespace plancast

namespace YAML {
// yaml-cpp keeps a node's mark in detail::node, reachable only from friends of YAML::Node;
// every specialisation of as_if is one (node.h: `template <typename T, typename S> friend
// struct as_if`). This one only sets marks. yaml-cpp 0.6 to 0.8 have detail::node::set_mark;
// a yaml-cpp without it fails to compile here rather than misbehave.
template <>
struct as_if<plancast::yaml_tree::MarkAccess, plancast::yaml_tree::MarkAccess> {
  static void set(const Node& node, const Mark& mark) {
    node.EnsureNodeExists();
    node.m_pNode->set_mark(mark);
  }
};
}  // namespace YAML

namespace plancast::yaml_tree {

namespace {

using Access = YAML::as_if<MarkAccess, MarkAccess>;

/// An empty node of `from`'s type, tag, style and mark (scalars get their text).
YAML::Node shell(const YAML::Node& from) {
  YAML::Node out;
  switch (from.Type()) {
    case YAML::NodeType::Scalar:
      out = YAML::Node(from.Scalar());
      break;
    case YAML::NodeType::Sequence:
      out = YAML::Node(YAML::NodeType::Sequence);
      break;
    case YAML::NodeType::Map:
      out = YAML::Node(YAML::NodeType::Map);
      break;
    case YAML::NodeType::Undefined:
      return YAML::Node(YAML::NodeType::Undefined);
    case YAML::NodeType::Null:
    default:
      out = YAML::Node(YAML::NodeType::Null);
      break;
  }
  out.SetTag(from.Tag());
  if (from.IsMap() || from.IsSequence()) out.SetStyle(from.Style());
  Access::set(out, from.Mark());
  return out;
}

/// Fills `to` (a shell of `from`, already inside its parent) top-down, so that each new
/// node's memory is merged into the tree's once (yaml-cpp merges a child's whole memory on
/// insertion: bottom-up copying would cost the depth of the tree times more).
void fill(const YAML::Node& from, YAML::Node to, const std::string& skip_key) {
  if (from.IsSequence()) {
    for (const auto& item : from) {
      YAML::Node c = shell(item);
      to.push_back(c);
      fill(item, c, "");
    }
  } else if (from.IsMap()) {
    for (auto it = from.begin(); it != from.end(); ++it) {
      if (!skip_key.empty() && it->first.IsScalar() && it->first.Scalar() == skip_key) continue;
      YAML::Node k = shell(it->first);
      YAML::Node v = shell(it->second);
      to.force_insert(k, v);
      fill(it->first, k, "");
      fill(it->second, v, "");
    }
  }
}

}  // namespace

YAML::Node clone(const YAML::Node& node, const std::string& skip_key) {
  if (!node.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node out = shell(node);
  fill(node, out, skip_key);
  return out;
}

void set_mark(YAML::Node& node, const YAML::Mark& mark) {
  Access::set(node, mark);
}

void map_marks(const YAML::Node& node, const std::function<YAML::Mark(const YAML::Mark&)>& f) {
  if (!node.IsDefined()) return;
  const YAML::Mark m = node.Mark();
  if (!m.is_null()) Access::set(node, f(m));
  if (node.IsSequence()) {
    for (const auto& item : node) map_marks(item, f);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      map_marks(it->first, f);
      map_marks(it->second, f);
    }
  }
}

namespace {

void emit_node(YAML::Emitter& out, const YAML::Node& n, const std::string* skip_top) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (skip_top && it->first.IsScalar() && it->first.Scalar() == *skip_top) continue;
        out << YAML::Key;
        emit_node(out, it->first, nullptr);
        out << YAML::Value;
        emit_node(out, it->second, nullptr);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : n) emit_node(out, item, nullptr);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (n.Tag() == "!") out << YAML::DoubleQuoted;
      out << n.Scalar();
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

void emit(YAML::Emitter& out, const YAML::Node& node, const std::string& skip_key) {
  emit_node(out, node, skip_key.empty() ? nullptr : &skip_key);
}

std::string flow_text(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow;
  emit(out, node);
  return out.c_str();
}

}  // namespace plancast::yaml_tree
