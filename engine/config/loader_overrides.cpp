// The loader's overrides: a dotted path (variants, typed options and --set) followed into a
// node tree and the node there replaced, the `variants:` section read into named override
// lists, and the command line's overrides parsed with their origins.
#include <algorithm>
#include <cctype>

#include "engine/config/loader_internal.h"
#include "engine/config/yaml_tree.h"

namespace plancast::loader_detail {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto dot = path.find('.', pos);
    out.push_back(path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return out;
}

}  // namespace

YAML::Node find_key(const YAML::Node& map, const std::string& key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

namespace {

std::vector<std::string> keys_of(const YAML::Node& map) {
  std::vector<std::string> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar()) out.push_back(it->first.Scalar());
  }
  return out;
}

bool parse_index(const std::string& s, std::size_t& out) {
  if (s.empty() || s.size() > 9) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  out = std::stoul(s);
  return true;
}

}  // namespace

/// Sets the node at dotted `path` in `root` to `value`. Every segment but the last must
/// exist (a number indexes a list), or with `create_maps` is added as an empty map where a
/// map lacks it; the last may add a new key to an existing map. New keys are made by
/// `make_key` so that they carry a location. Reports at `at` and returns false when the
/// path cannot be followed.
bool apply_override(YAML::Node root, const std::string& path, const YAML::Node& value,
                    const SourceLoc& at,
                    const std::function<YAML::Node(const std::string&)>& make_key,
                    const std::string& origin, bool create_maps, DiagnosticList& diags) {
  const auto segs = split_path(path);
  const std::string prefix = "cannot apply " + origin + " '" + path + "': ";
  for (const auto& s : segs) {
    if (s.empty()) {
      diags.error(at, prefix + "empty segment in the path (write KEY.KEY.INDEX...)");
      return false;
    }
  }
  if (segs.front() == "variants") {
    diags.error(at, prefix + "variants cannot override variants");
    return false;
  }
  YAML::Node cur = root;
  std::string walked;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& seg = segs[i];
    const bool last = i + 1 == segs.size();
    const std::string here = walked.empty() ? "the top level" : walked;
    if (cur.IsMap()) {
      YAML::Node next = find_key(cur, seg);
      if (!next.IsDefined()) {
        if (last) {
          cur.force_insert(make_key(seg), value);
          return true;
        }
        if (create_maps) {
          YAML::Node key = make_key(seg);
          YAML::Node map(YAML::NodeType::Map);
          yaml_tree::set_mark(map, key.Mark());
          cur.force_insert(key, map);
          cur.reset(map);
          walked += (walked.empty() ? "" : ".") + seg;
          continue;
        }
        diags.error(at, prefix + "'" + seg + "' not found in " + here + suggest(seg, keys_of(cur)));
        return false;
      }
      if (last) {
        next = value;  // rebinds the map's entry to the new subtree
        return true;
      }
      cur.reset(next);
    } else if (cur.IsSequence()) {
      std::size_t k = 0;
      if (!parse_index(seg, k) || k >= cur.size()) {
        diags.error(at, prefix + "'" + seg + "' is not an index of the list " + here + " (it has " +
                            std::to_string(cur.size()) + " items, numbered from 0)");
        return false;
      }
      if (last) {
        YAML::Node item = cur[k];
        item = value;
        return true;
      }
      YAML::Node next = cur[k];
      cur.reset(next);
    } else {
      diags.error(
          at, prefix + here + " is a single value, not a map or list, so it has no '" + seg + "'");
      return false;
    }
    walked += (walked.empty() ? "" : ".") + seg;
  }
  return true;
}

VariantList read_variants(const YAML::Node& root, const std::string& file,
                          const std::shared_ptr<const LocMapper>& map, DiagnosticList& diags) {
  VariantList out;
  if (!root.IsMap()) return out;
  YAML::Node vs = find_key(root, "variants");
  if (!vs.IsDefined()) return out;
  NodeReader r(vs, diags, file, "variants");
  r.set_loc_mapper(map);
  if (vs.IsNull()) return out;
  for (auto& [name, vr] : r.entries()) {
    bool ok_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!ok_name) {
      vr.error("variant name '" + name + "' (must be letters, digits, '-' and '_')");
    }
    std::vector<Override> ovs;
    if (vr.is_null()) {
      out.emplace_back(name, ovs);
      continue;
    }
    if (!vr.expect_map()) continue;
    // Duplicate paths are reported by entries().
    for (auto it = vr.node().begin(); it != vr.node().end(); ++it) {
      if (!it->first.IsScalar()) continue;  // reported by entries()
      ovs.push_back(
          Override{it->first.Scalar(), it->first, it->second, vr.loc_of(it->first.Mark())});
    }
    vr.entries();
    out.emplace_back(name, ovs);
  }
  return out;
}

namespace {

std::string escape_double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void Origins::tag(const YAML::Node& node, int origin) {
  yaml_tree::map_marks(node, [origin](const YAML::Mark& m) { return mark(origin, m); });
}

/// Parses every --set PATH=VALUE on its own (errors into diags). Returns whether all were
/// sound; the parsed options are appended to `out`.
bool parse_sets(const std::vector<std::string>& sets, Origins& origins, std::vector<SetOption>& out,
                DiagnosticList& diags) {
  bool ok = true;
  for (std::size_t k = 0; k < sets.size(); ++k) {
    const std::string& s = sets[k];
    const int line = static_cast<int>(k) + 1;
    const auto eq = s.find('=');
    const SourceLoc opt_loc{"--set", line, 1};
    if (eq == std::string::npos || eq == 0) {
      diags.error(opt_loc,
                  "expected PATH=VALUE, got '" + s + "' (e.g. --set simulation.runs=5000)");
      ok = false;
      continue;
    }
    const std::string path = s.substr(0, eq);
    const std::string value_text = s.substr(eq + 1);
    const int value_origin = origins.add({SourceLoc{"--set", line, static_cast<int>(eq) + 1}});
    const int key_origin = origins.add({SourceLoc{"--set", line, 0}});
    DiagnosticList vd;
    guard_text(value_text, "--set", vd, [&](std::size_t pos) {
      return SourceLoc{"--set", line, static_cast<int>(eq + 1 + pos) + 1};
    });
    // The value is parsed alone; its marks (and those of its problems) are tagged with its
    // origin, where the mapper reads them as --set:K:COL.
    const MarkFn where = [&](const YAML::Mark& m) {
      return origins.locate(Origins::mark(value_origin, m)).value_or(opt_loc);
    };
    if (vd.empty()) guard_events(value_text, where, vd);
    YAML::Node value;
    if (vd.empty()) value = parse_checked(value_text, where, vd);
    if (!vd.empty()) {
      for (const auto& d : vd.items()) diags.error(d.loc, "in --set value: " + d.message);
      ok = false;
      continue;
    }
    if (value.Mark().is_null()) {
      // Nothing but blanks or comments (PATH=): a null, placed just after the '=' so that
      // any problem with it is located there.
      value.reset(YAML::Node(YAML::NodeType::Null));
      yaml_tree::set_mark(value, YAML::Mark());
    }
    Origins::tag(value, value_origin);
    out.push_back(SetOption{path, value, opt_loc, key_origin, false});
  }
  return ok;
}

/// The typed options (runs, seed, sampler) as overrides of simulation.KEY, in that order,
/// each located at its flag ("--runs"). They come before the --set options.
void typed_sets(const LoadOptions& opts, Origins& origins, std::vector<SetOption>& out) {
  auto add = [&](const char* flag, const char* key, const std::string& text) {
    const int origin = origins.add({SourceLoc{flag, 0, 0}, true});
    YAML::Node value = YAML::Load(text);
    Origins::tag(value, origin);
    out.push_back(
        SetOption{std::string("simulation.") + key, value, SourceLoc{flag, 0, 0}, origin, true});
  };
  if (opts.runs) add("--runs", "runs", std::to_string(*opts.runs));
  if (opts.seed) add("--seed", "seed", std::to_string(*opts.seed));
  if (opts.sampler) add("--sampler", "sampler", sampler_name(*opts.sampler));
}

/// Applies the parsed overrides to `root` in order (each value copied, so that the same
/// options can be applied to several trees). Returns false after reporting a path problem.
bool apply_sets(YAML::Node root, const std::vector<SetOption>& sets, DiagnosticList& diags) {
  bool ok = true;
  for (const auto& o : sets) {
    auto make_key = [&](const std::string& seg) {
      // A key placed where the segment is written in PATH, for its location.
      const auto col = o.path.rfind(seg);
      YAML::Node k = YAML::Load(escape_double_quoted(seg));
      YAML::Mark m;
      m.line = 0;
      m.column = col == std::string::npos ? 0 : static_cast<int>(col);
      yaml_tree::set_mark(k, Origins::mark(o.key_origin, m));
      return k;
    };
    if (!apply_override(root, o.path, yaml_tree::clone(o.value), o.at, make_key, "--set",
                        o.create_maps, diags)) {
      ok = false;
    }
  }
  return ok;
}

/// Applies a variant's overrides to `root` (values and keys copied, the variants section
/// untouched); path problems go to diags.
void apply_variant(YAML::Node root, const std::string& name, const std::vector<Override>& ovs,
                   DiagnosticList& diags) {
  for (const auto& o : ovs) {
    auto make_key = [&](const std::string& seg) {
      // A copy of the override's own key node becomes the new key, so that it keeps the
      // mark of the override line.
      YAML::Node k = yaml_tree::clone(o.key);
      k = seg;
      return k;
    };
    apply_override(root, o.path, yaml_tree::clone(o.value), o.loc, make_key,
                   "variant '" + name + "' path", false, diags);
  }
}

}  // namespace plancast::loader_detail
