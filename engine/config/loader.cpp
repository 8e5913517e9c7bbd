// The scenario loader (SPEC §1): input guards before YAML parsing (loader_guards.cpp),
// variants and --set overrides applied to the node tree (loader_overrides.cpp), validation
// of the whole file into Scenario structs (loader_build.cpp), and here the whole load, which
// collects every problem of the base, each variant and --set once, and the canonical text
// and SHA-256 that identify a loaded scenario.
//
// Cost (docs/reliability.md, limits): the file is parsed once; each variant is validated
// once, on its own mark-keeping copy of the tree (yaml_tree.h) without the variants section;
// each --set value is parsed once on its own, its marks tagged with its origin. Loading
// is thus linear in the file for a fixed number of variants, and about (variants + 1) times
// the cost of validating the base otherwise. A trusted load (check_other_variants false, for a
// command's later loads of a file it loaded whole first) takes the guarded, parsed tree from
// the command's first such load and builds only what it selects: one validation.
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

#include "engine/config/loader_internal.h"
#include "engine/config/scenario.h"
#include "engine/config/yaml_tree.h"
#include "engine/core/format.h"

namespace plancast {

using namespace loader_detail;

namespace {

/// The finite numbers of a tree by dotted path (see Scenario::numbers).
void collect_numbers(const YAML::Node& n, const std::string& path,
                     std::map<std::string, double>& out) {
  const std::string prefix = path.empty() ? "" : path + ".";
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      if (path.empty() && it->first.Scalar() == "variants") continue;
      collect_numbers(it->second, prefix + it->first.Scalar(), out);
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      collect_numbers(n[i], prefix + std::to_string(i), out);
  } else if (n.IsScalar() && !path.empty() && !out.count(path)) {
    double v = 0;
    if (YAML::convert<double>::decode(n, v) && std::isfinite(v)) out.emplace(path, v);
  }
}

std::string canonical(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  yaml_tree::emit(out, root, "variants");
  return std::string(out.c_str()) + "\n";
}

// ---- collecting diagnostics over the base, the variants and --set --------------------------

/// Context of problems found only once --set is applied (others are variant names).
const std::string kSetContext = "\x01set";

/// Every distinct problem once; problems that only some variants (or --set) have say which.
class Collector {
 public:
  void add(const DiagnosticList& list, const std::string& context) {
    for (const auto& d : list.items()) {
      const auto key = std::make_tuple(d.loc.file, d.loc.line, d.loc.col, d.message);
      auto it = index_.find(key);
      if (it == index_.end()) {
        index_.emplace(key, items_.size());
        items_.push_back({d, {}});
        if (!context.empty()) items_.back().second.push_back(context);
      } else {
        auto& ctx = items_[it->second].second;
        if (!ctx.empty() && !context.empty() &&
            std::find(ctx.begin(), ctx.end(), context) == ctx.end()) {
          ctx.push_back(context);
        }
      }
    }
  }
  /// Sorted by place: the file first (line, column), then command-line problems.
  std::vector<Diagnostic> result(const std::string& file) const {
    std::vector<Diagnostic> out;
    for (const auto& [d, ctx] : items_) {
      Diagnostic x = d;
      std::vector<std::string> variants;
      bool set = false;
      for (const auto& c : ctx) {
        if (c == kSetContext)
          set = true;
        else
          variants.push_back("'" + c + "'");
      }
      std::vector<std::string> parts;
      if (!variants.empty()) {
        parts.push_back((variants.size() == 1 ? "in variant " : "in variants ") + join(variants));
      }
      if (set) parts.push_back("with --set");
      if (!parts.empty()) x.message += " (" + join(parts, "; ") + ")";
      out.push_back(x);
    }
    std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
      const bool fa = a.loc.file == file, fb = b.loc.file == file;
      if (fa != fb) return fa;
      if (a.loc.file != b.loc.file) return false;
      return std::tie(a.loc.line, a.loc.col) < std::tie(b.loc.line, b.loc.col);
    });
    return out;
  }
  bool empty() const { return items_.empty(); }

 private:
  std::map<std::tuple<std::string, int, int, std::string>, std::size_t> index_;
  std::vector<std::pair<Diagnostic, std::vector<std::string>>> items_;
};

/// Keys, values and list items of a tree (the size that validating it is linear in).
std::size_t count_values(const YAML::Node& n, const char* skip_key = nullptr) {
  std::size_t count = 1;
  if (n.IsSequence()) {
    for (const auto& item : n) count += count_values(item);
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (skip_key && it->first.IsScalar() && it->first.Scalar() == skip_key) continue;
      count += 1 + count_values(it->second);
    }
  }
  return count;
}

std::size_t typed_count(const LoadOptions& o) {
  return (o.runs ? 1 : 0) + (o.seed ? 1 : 0) + (o.sampler ? 1 : 0);
}

/// Refuses, before any validation, a count of variants past kMaxVariants, or variants that
/// would together cost more than kMaxVariantValues values to check: each variant is
/// validated as a whole scenario (its values and the --set options).
void check_variant_cost(const YAML::Node& root, const std::string& file, std::size_t n_sets) {
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != "variants" || !it->second.IsMap()) {
      continue;
    }
    const std::size_t n = it->second.size();
    const SourceLoc at = to_loc(file, it->first.Mark());
    if (n > kMaxVariants) {
      throw ScenarioError(at, grouped(n) + " variants, more than the " + grouped(kMaxVariants) +
                                  " a scenario may have (each variant is checked as a whole "
                                  "scenario; split the file)");
    }
    const std::size_t values = count_values(root, "variants") + n_sets;
    if (n * values > kMaxVariantValues) {
      throw ScenarioError(at,
                          grouped(n) + " variants of a scenario of " + grouped(values) +
                              " values: checking them would take " + grouped(n * values) +
                              " value checks, more than the " + grouped(kMaxVariantValues) +
                              " allowed (each variant is checked as a whole scenario; at most " +
                              grouped(std::max<std::size_t>(kMaxVariantValues / values, 1)) +
                              " variants for a scenario of this size: split the file)");
    }
  }
}

/// Step 1 of a load: the guards on the raw text and on its YAML events, before any node is
/// built, then the parse; every problem thrown, located.
YAML::Node guarded_tree(const std::string& text, const std::string& file, const MarkFn& where) {
  DiagnosticList diags;
  guard_text(text, file, diags, [&](std::size_t pos) { return loc_at(text, pos, file); });
  diags.throw_if_any();
  const MarkFn at = [&](const YAML::Mark& m) { return to_loc(file, m); };
  guard_events(text, at, diags);
  diags.throw_if_any();
  YAML::Node root = parse_checked(text, where, diags);
  diags.throw_if_any();
  return root;
}

/// The tree of the file that trusted loads (LoadOptions::check_other_variants false: compare's
/// variants, solve's evaluations) read last, guarded and parsed once for all of a command's
/// loads of it. Each load gets its own copy; the kept tree is only ever read.
YAML::Node trusted_tree(const std::string& text, const std::string& file, const MarkFn& where) {
  static std::mutex mutex;
  static bool held = false;
  static std::string held_text, held_file;
  static YAML::Node held_root;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!held || held_text != text || held_file != file) {
    held = false;
    held_root = guarded_tree(text, file, where);
    held_text = text;
    held_file = file;
    held = true;
  }
  return yaml_tree::clone(held_root);
}

/// What a load selected: the scenario, its tree, and the selected variant's overrides as
/// (path, value text).
struct Selection {
  Scenario scenario;
  YAML::Node root;
  std::vector<std::pair<std::string, std::string>> overrides;
};

/// The command line's overrides, parsed once (step 3 of a load).
struct SetList {
  const std::vector<SetOption>& sets;
  bool parsed;
  const DiagnosticList& diags;  ///< their parse problems
};

/// A variant's overrides as (path, value text), for Scenario::variant_overrides.
std::vector<std::pair<std::string, std::string>> override_texts(const std::vector<Override>& ovs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Override& o : ovs) out.emplace_back(o.path, yaml_tree::flow_text(o.value));
  return out;
}

DiagnosticList unknown_variant(const std::string& name, const std::vector<std::string>& known) {
  DiagnosticList d;
  d.error(SourceLoc{"--variant", 0, 0}, "unknown variant '" + name + "'" + suggest(name, known) +
                                            (known.empty() ? " (the scenario defines no variants)"
                                                           : " (variants: " + join(known) + ")"));
  return d;
}

/// Steps 5 and 6 of a checked load: every variant, each on its own copy of the base tree so
/// that no override leaks into another (path problems are the file's, reported once; the
/// variant's own pass reports the rest), then the overrides on a copy of the selected tree.
/// `out` holds the base's scenario on entry.
void select_checked(const YAML::Node& base_root, const VariantList& variants,
                    const std::vector<std::string>& variant_names, const LoadOptions& opts,
                    const SetList& set_list, const std::string& file,
                    const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
                    const VariantFn& each_variant, Collector& all, Selection& out) {
  const std::vector<SetOption>& sets = set_list.sets;
  const bool sets_parsed = set_list.parsed;
  DiagnosticList path_diags;
  bool selected_found = opts.variant.empty();
  out.root.reset(base_root);
  const bool report_each = each_variant && opts.variant.empty();
  for (const auto& [name, ovs] : variants) {
    if (!opts.check_other_variants && name != opts.variant) continue;
    DiagnosticList diags, own_paths;
    YAML::Node root = yaml_tree::clone(base_root, "variants");
    apply_variant(root, name, ovs, own_paths);
    // Only the selected variant and those `validate` reports on are kept; the others are
    // built for their problems alone.
    const bool kept = name == opts.variant || report_each;
    Scenario sc = build(root, file, mapper, registry, diags, !kept);
    all.add(diags, name);
    const bool clean = diags.empty() && own_paths.empty();
    for (const auto& d : own_paths.items()) path_diags.error(d.loc, d.message);
    if (name == opts.variant) {
      out.scenario = std::move(sc);
      out.overrides = override_texts(ovs);
      out.root.reset(root);
      selected_found = true;
    } else if (report_each && clean && sets.empty() && sets_parsed) {
      sc.variant_names = variant_names;
      sc.variant = name;
      each_variant(sc);
    } else if (report_each && clean && sets_parsed) {
      // `validate --set` checks every variant with the --set options applied.
      DiagnosticList sd;
      if (apply_sets(root, sets, sd)) {
        Scenario with_sets = build(root, file, mapper, registry, sd);
        if (sd.empty()) {
          with_sets.variant_names = variant_names;
          with_sets.variant = name;
          each_variant(with_sets);
        }
      }
      all.add(sd, kSetContext);
    }
  }
  all.add(path_diags, "");
  if (!selected_found) all.add(unknown_variant(opts.variant, variant_names), "");

  // 6. The overrides, on a copy of the selected tree.
  if (!(sets.empty() && sets_parsed) && selected_found) {
    DiagnosticList diags = set_list.diags;
    YAML::Node root = yaml_tree::clone(out.root, "variants");
    if (apply_sets(root, sets, diags) && sets_parsed) {
      out.scenario = build(root, file, mapper, registry, diags);
      out.root.reset(root);
    }
    all.add(diags, kSetContext);
  }
}

/// A trusted load's one build (the command's first load checked the base and every variant):
/// the selected variant's overrides, then the --set options, on one copy of the tree, which
/// is what a checked load builds last. False, with nothing done, where the variant is not in
/// the file.
bool select_trusted(const YAML::Node& base_root, const VariantList& variants,
                    const LoadOptions& opts, const SetList& set_list, const std::string& file,
                    const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
                    Collector& all, Selection& out) {
  const auto chosen = std::find_if(variants.begin(), variants.end(),
                                   [&](const auto& v) { return v.first == opts.variant; });
  if (!opts.variant.empty() && chosen == variants.end()) return false;
  YAML::Node root = yaml_tree::clone(base_root, "variants");
  if (chosen != variants.end()) {
    DiagnosticList own_paths;
    apply_variant(root, chosen->first, chosen->second, own_paths);
    all.add(own_paths, "");
    out.overrides = override_texts(chosen->second);
  }
  const bool with_sets = !(set_list.sets.empty() && set_list.parsed);
  DiagnosticList diags = set_list.diags;
  if (apply_sets(root, set_list.sets, diags) && set_list.parsed) {
    out.scenario = build(root, file, mapper, registry, diags);
  }
  out.root.reset(root);
  all.add(diags, with_sets ? kSetContext : opts.variant);
  return true;
}

}  // namespace

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw RunError("SHA-256 failed (OpenSSL EVP_Digest)");
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const LoadOptions& opts, const Registry& registry,
                            const VariantFn& each_variant) {
  const std::string& file = display_name;

  // 0. Counts refused before any work (docs/reliability.md, limits).
  if (opts.sets.size() > kMaxSetOptions) {
    throw ScenarioError(SourceLoc{"--set", static_cast<int>(kMaxSetOptions) + 1, 1},
                        grouped(opts.sets.size()) + " --set options, more than the " +
                            grouped(kMaxSetOptions) +
                            " allowed (put the changes in the scenario file, or in a variant)");
  }

  // Overrides (typed options, then --set values) are parsed on their own; their marks carry
  // their origin (Origins), which the mapper turns into "--set:K:COL" (K counts the --set
  // options from 1, COL the column in PATH=VALUE) or the flag ("--runs").
  auto origins = std::make_shared<Origins>();
  auto mapper = std::make_shared<const LocMapper>([file, origins](const YAML::Mark& m) {
    if (m.is_null() || m.line < 0) return SourceLoc{file, 0, 0};
    if (auto at = origins->locate(m)) return *at;
    return to_loc(file, m);
  });
  const MarkFn where = [&](const YAML::Mark& m) { return (*mapper)(m); };

  // 1. Guards on the raw text, then on the YAML events, before any node is built; then the
  // tree. A trusted load (the file loaded whole and checked before: check_other_variants
  // false) that selects a variant or overrides something builds only what it selected
  // (select_trusted), from the tree its command's first such load parsed.
  const bool trusted = !opts.check_other_variants &&
                       (!opts.variant.empty() || !opts.sets.empty() || typed_count(opts) > 0);
  Collector all;
  DiagnosticList base_diags;
  YAML::Node base_root =
      trusted ? trusted_tree(text, file, where) : guarded_tree(text, file, where);

  // 2. A newer schema is reported alone: the rest of the file follows rules we do not know.
  // So is a count of variants past the limit: each variant costs a whole validation.
  if (base_root.IsMap()) {
    YAML::Node v = find_key(base_root, "plancast");
    if (v.IsDefined() && v.IsScalar()) {
      long long version = 0;
      std::istringstream in(v.Scalar());
      if ((in >> version) && in.eof() && version > kSchemaVersion) {
        throw ScenarioError(to_loc(file, v.Mark()),
                            "plancast=" + v.Scalar() + " is a newer schema version than this " +
                                "plancast reads (" + std::to_string(kSchemaVersion) +
                                "; upgrade plancast to load this file)");
      }
    }
    check_variant_cost(base_root, file, opts.sets.size() + typed_count(opts));
  }

  // 3. The overrides, parsed once (applied below to the selection, and for each_variant to
  // every variant): the typed options, then the --set values.
  std::vector<SetOption> sets;
  typed_sets(opts, *origins, sets);
  DiagnosticList set_diags;
  const bool sets_parsed = parse_sets(opts.sets, *origins, sets, set_diags);

  // 4. The base scenario.
  const auto variants = read_variants(base_root, file, mapper, base_diags);
  std::vector<std::string> variant_names;
  for (const auto& [name, ovs] : variants) variant_names.push_back(name);
  Selection chosen;
  Scenario& selected = chosen.scenario;
  // Handles are rebound with reset(): `a = b` on yaml-cpp nodes rewrites the node a refers to.
  YAML::Node& selected_root = chosen.root;
  auto& overrides = chosen.overrides;  // the selected variant's
  if (trusted) {
    all.add(base_diags, "");
    if (!select_trusted(base_root, variants, opts, {sets, sets_parsed, set_diags}, file, mapper,
                        registry, all, chosen)) {
      all.add(unknown_variant(opts.variant, variant_names), "");
    }
  } else {
    // With --variant, the base is built for its problems alone (the variant replaces it).
    selected = build(base_root, file, mapper, registry, base_diags, !opts.variant.empty());
    all.add(base_diags, "");
    select_checked(base_root, variants, variant_names, opts, {sets, sets_parsed, set_diags}, file,
                   mapper, registry, each_variant, all, chosen);
  }

  if (!all.empty()) throw ScenarioError(all.result(file));

  selected.variant_names = variant_names;
  selected.variant = opts.variant;
  selected.variant_overrides = std::move(overrides);
  selected.canonical_text = canonical(selected_root);
  selected.sha256 = sha256_hex(selected.canonical_text);
  collect_numbers(selected_root, "", selected.numbers);
  return selected;
}

Scenario load_scenario_file(const std::string& path, const LoadOptions& opts,
                            const Registry& registry, const VariantFn& each_variant) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const SourceLoc at{path, 0, 0};
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw ScenarioError(at, "cannot read the scenario (no such file)");
  }
  if (fs::is_directory(status)) {
    throw ScenarioError(at, "cannot read the scenario (it is a directory)");
  }
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > kMaxScenarioBytes) {
      throw ScenarioError(SourceLoc{path, 1, 1},
                          "the file is " + std::to_string(size) +
                              " bytes, larger than the 4 MiB limit for a scenario (is this "
                              "the right file?)");
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(at, "cannot read the scenario (permission denied or unreadable)");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) break;  // guard_text reports it
  }
  if (in.bad()) throw ScenarioError(at, "cannot read the scenario (I/O error)");
  return load_scenario_text(text, path, opts, registry, each_variant);
}

}  // namespace plancast
