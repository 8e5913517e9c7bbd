// The scenario loader (SPEC §1): input guards before YAML parsing, variants and --set
// overrides applied to the node tree, validation of the whole file into Scenario structs,
// and the canonical text and SHA-256 that identify a loaded scenario.
#include <openssl/evp.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "engine/config/graph.h"
#include "engine/config/node_reader.h"
#include "engine/config/scenario.h"
#include "engine/random/parameter_sampler.h"

namespace plancast {

namespace {

using MarkFn = std::function<SourceLoc(const YAML::Mark&)>;

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back("'" + s + "'");
  return join(q);
}

std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? std::string() : " (did you mean '" + near + "'?)";
}

std::string at_text(const SourceLoc& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col);
}

// ---- guards on the raw text (before any YAML parsing) --------------------------------------

/// 1-based line and byte column of byte offset `pos`.
SourceLoc loc_at(const std::string& text, std::size_t pos, const std::string& file) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return SourceLoc{file, line, static_cast<int>(pos - line_start) + 1};
}

/// Offset of the first byte that is not part of valid UTF-8, or npos.
std::size_t invalid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string::npos;
}

/// Size, binary content, encoding and tab indentation. `base` shifts the reported place
/// (used for --set values, which are reported as --set:K:COL).
void guard_text(const std::string& text, const std::string& file, DiagnosticList& diags,
                const std::function<SourceLoc(std::size_t)>& where) {
  if (text.size() > kMaxScenarioBytes) {
    diags.error(SourceLoc{file, 1, 1},
                "the input is " + std::to_string(text.size()) +
                    " bytes, larger than the 4 MiB limit for a scenario (is this the right file?)");
    return;
  }
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    diags.error(where(nul),
                "binary file (NUL byte; a scenario is UTF-8 YAML text, is this the right file?)");
    return;
  }
  if (const auto bad = invalid_utf8(text); bad != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    diags.error(where(bad), std::string("invalid UTF-8 (byte ") + hex +
                                " is not valid here; save the file as UTF-8)");
    return;
  }
  // Line breaks made of a bare carriage return (classic Mac OS): the YAML library reads the
  // whole file as one line and reports a puzzling syntax error somewhere on it.
  for (std::size_t i = text.find('\r'); i != std::string::npos; i = text.find('\r', i + 1)) {
    if (i + 1 == text.size() || text[i + 1] != '\n') {
      diags.error(where(i),
                  "line break made of a carriage return alone (old Mac format); save the "
                  "file with LF or CRLF line endings");
      return;
    }
  }
  // A tab among the leading white space of a line that holds content.
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::size_t i = pos, tab = std::string::npos;
    while (i < end && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t' && tab == std::string::npos) tab = i;
      ++i;
    }
    if (tab != std::string::npos && i < end && text[i] != '#' && text[i] != '\r') {
      diags.error(where(tab),
                  "tab used for indentation (YAML indents with spaces only; "
                  "replace the tab with spaces)");
      return;
    }
    pos = end + 1;
  }
}

/// Walks the YAML events once, before building any node: rejects anchors and aliases (an
/// alias bomb expands exponentially when walked; `&x [*x]` never ends), nesting deeper than
/// kMaxNestingDepth, and a second document. Syntax errors are reported located.
class GuardHandler : public YAML::EventHandler {
 public:
  GuardHandler(const MarkFn& where, DiagnosticList& diags) : where_(where), diags_(diags) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) {
      diags_.error(where_(mark),
                   "a second YAML document (a scenario is one document; remove "
                   "the '---' and what follows, or split the file)");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { check(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    std::string name;
    if (anchor >= 1 && anchor <= anchors_.size()) name = anchors_[anchor - 1];
    report(mark, "alias" + (name.empty() ? std::string() : " '*" + name + "'") +
                     " is not allowed (anchors and aliases are not supported in scenarios; write "
                     "the value out, or use variants for alternatives)");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    check(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check(mark, anchor);
    deeper(mark, ++depth_);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check(mark, anchor);
    deeper(mark, ++depth_);
  }
  void OnMapEnd() override { --depth_; }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    anchors_.push_back(name);
    report(mark, "anchor '&" + name +
                     "' is not allowed (anchors and aliases are not supported in scenarios; "
                     "write the value out, or use variants for alternatives)");
  }

  bool too_deep() const { return too_deep_; }
  int documents() const { return documents_; }

 private:
  void check(const YAML::Mark& mark, YAML::anchor_t anchor) {
    // An anchor announced without OnAnchor (older yaml-cpp) is still an anchor.
    if (anchor != YAML::NullAnchor && anchor > anchors_.size()) {
      anchors_.resize(anchor);
      report(mark,
             "anchor is not allowed (anchors and aliases are not supported in scenarios; "
             "write the value out)");
    }
  }
  void deeper(const YAML::Mark& mark, int depth) {
    if (depth > kMaxNestingDepth && !too_deep_) {
      too_deep_ = true;
      diags_.error(where_(mark), "nesting deeper than " + std::to_string(kMaxNestingDepth) +
                                     " levels (maps and lists inside each other; a scenario "
                                     "needs a handful)");
    }
  }
  void report(const YAML::Mark& mark, const std::string& message) {
    if (++reported_ <= 10) diags_.error(where_(mark), message);
  }

  const MarkFn& where_;
  DiagnosticList& diags_;
  std::vector<std::string> anchors_;
  int depth_ = 0;
  int documents_ = 0;
  int reported_ = 0;
  bool too_deep_ = false;
};

void guard_events(const std::string& text, const MarkFn& where, DiagnosticList& diags) {
  // yaml-cpp accepts a quoted string left open when only line breaks follow it (it swallows
  // the rest of the file); without the trailing line breaks it reports "illegal EOF in
  // scalar". Dropping them moves no mark and changes nothing else for the checks here.
  std::istringstream in(text.substr(0, text.find_last_not_of("\r\n") + 1));
  GuardHandler handler(where, diags);
  try {
    YAML::Parser parser(in);
    // A scenario is one document and a second one is already an error: stop there. (After
    // a stray ',' yaml-cpp 0.7 returns empty documents for ever: jbeder/yaml-cpp#1040, a
    // hang found by fuzzing, tests/fuzz/regressions/.)
    while (parser.HandleNextDocument(handler) && handler.documents() < 2) {
    }
  } catch (const YAML::DeepRecursion& e) {
    if (!handler.too_deep()) diags.error(where(e.mark), "nesting too deep (" + e.msg + ")");
  } catch (const YAML::ParserException& e) {
    diags.error(
        where(e.mark),
        "YAML syntax: " + e.msg +
            (e.msg == YAML::ErrorMsg::EOF_IN_SCALAR ? " (a quote opened and never closed?)" : ""));
  } catch (const YAML::Exception& e) {
    diags.error(where(e.mark), "YAML: " + e.msg);
  }
}

YAML::Node parse_checked(const std::string& text, const MarkFn& where, DiagnosticList& diags) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.error(where(e.mark), "YAML syntax: " + e.msg);
  }
  return YAML::Node();
}

// ---- overrides (variants and --set) --------------------------------------------------------

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

YAML::Node find_key(const YAML::Node& map, const std::string& key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

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

/// Sets the node at dotted `path` in `root` to `value`. Every segment but the last must
/// exist (a number indexes a list); the last may add a new key to an existing map, made
/// from `make_key` so that it carries a location. Reports at `at` and returns false when
/// the path cannot be followed.
bool apply_override(YAML::Node root, const std::string& path, const YAML::Node& value,
                    const SourceLoc& at,
                    const std::function<YAML::Node(const std::string&)>& make_key,
                    const std::string& origin, DiagnosticList& diags) {
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

struct Override {
  std::string path;
  YAML::Node key;  ///< the key node in the variants map (for its location)
  YAML::Node value;
  SourceLoc loc;
};

/// Reads `variants:` of a tree: names in file order, each with its overrides in file order.
/// Problems are reported only when `diags` is given (the base pass).
std::vector<std::pair<std::string, std::vector<Override>>> read_variants(
    const YAML::Node& root, const std::string& file, const std::shared_ptr<const LocMapper>& map,
    DiagnosticList* diags) {
  std::vector<std::pair<std::string, std::vector<Override>>> out;
  if (!root.IsMap()) return out;
  YAML::Node vs = find_key(root, "variants");
  if (!vs.IsDefined()) return out;
  DiagnosticList scratch;
  DiagnosticList& d = diags ? *diags : scratch;
  NodeReader r(vs, d, file, "variants");
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

// ---- validation: node tree → Scenario ------------------------------------------------------

bool valid_scenario_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::optional<int> year_of(NodeReader& r) {
  if (auto y = r.integer(1, 9999)) return static_cast<int>(*y);
  return std::nullopt;
}

Scenario build(const YAML::Node& root, const std::string& file,
               const std::shared_ptr<const LocMapper>& mapper, const Registry& registry,
               DiagnosticList& diags) {
  Scenario sc;
  sc.file = file;
  NodeReader r(root, diags, file, "");
  r.set_loc_mapper(mapper);
  if (root.IsNull() || !root.IsDefined()) {
    // Located at 1:1 so that every problem of a file reads FILE:LINE:COL.
    diags.error(SourceLoc{file, 1, 1},
                "the scenario is empty (it needs at least plancast, name, base_year, horizon and "
                "indicators)");
    return sc;
  }
  if (!r.expect_map()) return sc;

  // -- header
  if (auto v = r.required("plancast")) {
    if (auto x = v->integer(0, INT_MAX)) {
      sc.schema = static_cast<int>(*x);
      if (*x != kSchemaVersion) {
        v->error("plancast=" + std::to_string(*x) + " (this plancast reads schema version " +
                 std::to_string(kSchemaVersion) + ")");
      }
    }
  }
  if (auto v = r.required("name")) {
    if (auto s = v->string()) {
      sc.name = *s;
      if (!valid_scenario_name(*s)) {
        v->error("name '" + *s + "' (must be lowercase letters, digits, '-' and '_')");
      }
    }
  }
  if (auto v = r.optional("title")) {
    if (auto s = v->string()) sc.title = *s;
  }
  bool years_ok = true;
  std::optional<NodeReader> horizon_node;
  if (auto v = r.required("base_year")) {
    if (auto y = year_of(*v))
      sc.base_year = *y;
    else
      years_ok = false;
  } else {
    years_ok = false;
  }
  if (auto v = r.required("horizon")) {
    horizon_node = v;
    if (auto y = year_of(*v))
      sc.horizon = *y;
    else
      years_ok = false;
  } else {
    years_ok = false;
  }
  if (years_ok) {
    if (sc.horizon <= sc.base_year) {
      horizon_node->error("horizon=" + std::to_string(sc.horizon) +
                          " (must be after base_year=" + std::to_string(sc.base_year) + ")");
      years_ok = false;
    } else if (sc.horizon - sc.base_year > kMaxYears) {
      horizon_node->error("horizon=" + std::to_string(sc.horizon) + " (at most " +
                          std::to_string(kMaxYears) +
                          " years after base_year=" + std::to_string(sc.base_year) + ")");
      years_ok = false;
    }
  }

  // -- simulation
  if (auto s = r.optional("simulation")) {
    sc.simulation.loc = s->loc();
    if (s->expect_map()) {
      if (auto v = s->optional("runs")) {
        if (auto n = v->unsigned_integer(1, kMaxRuns)) sc.simulation.runs = *n;
      }
      if (auto v = s->optional("seed")) {
        if (auto n = v->unsigned_integer(0, UINT64_MAX)) sc.simulation.seed = *n;
      }
      if (auto v = s->optional("sampler")) {
        if (auto t = v->string()) {
          static const std::vector<std::string> samplers = {"mc", "lhs", "sobol"};
          if (std::find(samplers.begin(), samplers.end(), *t) == samplers.end()) {
            v->error("sampler '" + *t + "' is not known (use mc, lhs or sobol)" +
                     suggest(*t, samplers));
          } else {
            sc.simulation.sampler = *t;
          }
        }
      }
      s->finish();
    }
  }

  // -- parameters
  std::map<std::string, SourceLoc> param_loc;
  const std::size_t param_errors_before = diags.size();
  if (auto ps = r.optional("parameters")) {
    if (!ps->is_null()) {
      for (auto& [name, pr] : ps->entries()) {
        ParameterSpec p;
        p.name = name;
        p.loc = ps->key_loc(name);
        if (!is_identifier(name)) {
          pr.error("parameter name '" + name +
                   "' is not an identifier (letters, digits and '_', not starting with a digit; "
                   "formulas must be able to use it)");
        }
        if (pr.is_scalar()) {
          // A plain number is a fixed parameter.
          if (auto x = pr.number()) {
            p.dist.family = DistFamily::fixed;
            p.dist.value = *x;
            p.dist.loc = p.loc;
          }
        } else if (pr.is_map()) {
          if (auto d = pr.distribution()) p.dist = *d;
        } else {
          pr.error("expected a distribution {dist: NAME, ...} or a number for parameter '" + name +
                   "'");
        }
        param_loc.emplace(name, p.loc);
        sc.parameters.push_back(std::move(p));
      }
    }
  }
  std::vector<std::string> param_names;
  for (const auto& p : sc.parameters) param_names.push_back(p.name);

  // -- correlations
  if (auto cs = r.optional("correlations")) {
    if (!cs->is_null() && cs->expect_sequence()) {
      std::map<std::pair<std::string, std::string>, SourceLoc> seen;
      for (auto& item : cs->items()) {
        if (!item.is_sequence() || item.node().size() != 3) {
          item.error("a correlation is [PARAMETER, PARAMETER, RHO], got " +
                     (item.is_sequence() ? std::to_string(item.node().size()) + " items"
                                         : std::string("something else")));
          continue;
        }
        auto parts = item.items();
        CorrelationSpec c;
        c.loc = item.loc();
        bool ok = true;
        for (int k = 0; k < 2; ++k) {
          auto s = parts[k].string();
          if (!s) {
            ok = false;
            continue;
          }
          (k == 0 ? c.a : c.b) = *s;
          if (!param_loc.count(*s)) {
            parts[k].error("unknown parameter '" + *s + "' in correlations" +
                           suggest(*s, param_names));
            ok = false;
          }
        }
        if (auto rho = parts[2].number()) {
          c.rho = *rho;
          if (std::abs(*rho) > 1) {
            parts[2].error("rho=" + parts[2].node().Scalar() + " (must be in [-1, 1])");
            ok = false;
          }
        } else {
          ok = false;
        }
        if (ok && c.a == c.b) {
          item.error("correlation of '" + c.a +
                     "' with itself (it is 1 by definition; name two "
                     "different parameters)");
          ok = false;
        }
        if (ok) {
          auto key = std::minmax(c.a, c.b);
          auto [pos, inserted] = seen.emplace(std::make_pair(key.first, key.second), c.loc);
          if (!inserted) {
            item.error("duplicate correlation of '" + c.a + "' and '" + c.b + "' (first at " +
                       at_text(pos->second) + ")");
            ok = false;
          }
        }
        if (ok) sc.correlations.push_back(c);
      }
    }
  }
  if (diags.size() == param_errors_before && !sc.correlations.empty()) {
    std::vector<ParameterDef> pdefs;
    std::map<std::string, int> index;
    for (const auto& p : sc.parameters) {
      index[p.name] = static_cast<int>(pdefs.size());
      pdefs.push_back(ParameterDef{p.name, p.dist, p.loc});
    }
    std::vector<CorrelationDef> cdefs;
    for (const auto& c : sc.correlations) {
      cdefs.push_back(CorrelationDef{index.at(c.a), index.at(c.b), c.rho, c.loc});
    }
    try {
      check_correlations(pdefs, cdefs);
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) diags.error(d.loc, d.message);
    }
  }

  // -- indicators
  std::map<std::string, SourceLoc> output_loc;  // output name → indicator loc
  std::vector<std::string> registry_keys = registry.keys();
  if (auto is = r.required("indicators")) {
    for (auto& [name, ir] : is->entries()) {
      IndicatorSpec ind;
      ind.name = name;
      ind.loc = is->key_loc(name);
      ind.outputs = {name};
      if (!ir.expect_map()) {
        sc.indicators.push_back(std::move(ind));
        continue;
      }
      if (auto v = ir.optional("unit")) {
        if (auto s = v->string()) ind.unit = *s;
      }
      if (auto v = ir.optional("title")) {
        if (auto s = v->string()) ind.title = *s;
      }
      std::optional<NodeReader> base_node = ir.optional("base");
      if (base_node) {
        ind.base_loc = base_node->loc();
        if (auto x = base_node->number()) {
          ind.has_base = true;
          ind.base = *x;
        }
      }
      if (auto h = ir.optional("history")) {
        std::set<int> years;
        for (auto& [year_text, hr] : h->entries()) {
          HistoryPoint pt;
          pt.loc = hr.loc();
          bool ok = true;
          std::int64_t y = 0;
          try {
            std::size_t used = 0;
            y = std::stoll(year_text, &used);
            ok = used == year_text.size() && y >= 1 && y <= 9999;
          } catch (...) {
            ok = false;
          }
          if (!ok) {
            hr.error("history year '" + year_text + "' is not a year (write YEAR: VALUE)");
            continue;
          }
          pt.year = static_cast<int>(y);
          if (years_ok && pt.year > sc.horizon) {
            hr.error("history year " + year_text + " is after the horizon " +
                     std::to_string(sc.horizon));
          }
          if (auto x = hr.number()) pt.value = *x;
          ind.history.push_back(pt);
        }
        std::sort(ind.history.begin(), ind.history.end(),
                  [](const HistoryPoint& a, const HistoryPoint& b) { return a.year < b.year; });
      }
      if (auto cl = ir.optional("claims")) {
        if (cl->expect_sequence()) {
          for (auto& item : cl->items()) {
            if (!item.expect_map()) continue;
            ClaimSpec c;
            c.loc = item.loc();
            auto from = item.required("from");
            auto to = item.required("to");
            std::optional<int> f = from ? year_of(*from) : std::nullopt;
            std::optional<int> t = to ? year_of(*to) : std::nullopt;
            if (f && t) {
              c.from = *f;
              c.to = *t;
              if (c.from >= c.to) {
                to->error("to=" + std::to_string(c.to) +
                          " (must be after from=" + std::to_string(c.from) + ")");
              }
            }
            if (auto g = item.required("cagr")) {
              if (auto x = g->number()) {
                c.cagr = *x;
                if (!(*x > -1)) g->error("cagr=" + g->node().Scalar() + " (must be > -1)");
              }
            }
            if (auto b = item.optional("basis")) {
              if (auto t = b->string()) {
                if (*t == "real") {
                  c.real = true;
                } else if (*t != "nominal") {
                  b->error("basis '" + *t + "' is not known (use nominal or real)");
                }
              }
            }
            item.finish();
            ind.claims.push_back(c);
          }
        }
      }
      // Exactly one process key, from the registry.
      std::vector<std::string> procs;
      for (auto it = ir.node().begin(); it != ir.node().end(); ++it) {
        if (it->first.IsScalar() && registry.find(it->first.Scalar())) {
          if (std::find(procs.begin(), procs.end(), it->first.Scalar()) == procs.end()) {
            procs.push_back(it->first.Scalar());
          }
        }
      }
      for (const auto& k : registry_keys) ir.allow(k);
      if (procs.empty()) {
        diags.error(ind.loc, "indicator '" + name + "' has no process (give exactly one of: " +
                                 join(registry_keys) + ")");
      } else if (procs.size() > 1) {
        diags.error(ir.key_loc(procs[1]), "indicator '" + name + "' has " +
                                              std::to_string(procs.size()) + " processes, " +
                                              quoted_list(procs) + " (give exactly one)");
      } else {
        const ProcessType* type = registry.find(procs.front());
        ind.process = type->key;
        auto pr = ir.required(type->key);
        const std::size_t before = diags.size();
        ind.spec = type->parse(*pr);
        if (!ind.spec && diags.size() == before) {
          pr->error("process '" + type->key + "' could not be read");
        }
        if (ind.spec) ind.outputs = ind.spec->outputs(name);
        if (type->base == BaseRule::required && !base_node) {
          ir.error("missing required key 'base' in indicators." + name + " (process '" + type->key +
                   "' starts from the base-year value)");
        } else if (type->base == BaseRule::forbidden && base_node) {
          base_node->error("base is not used by process '" + type->key +
                           "' (it computes every year, the base year included; remove 'base')");
        }
      }
      ir.finish();
      sc.indicators.push_back(std::move(ind));
    }
  }

  // -- names: identifiers, unique across parameters and indicator outputs
  std::vector<std::string> output_names;
  for (const auto& ind : sc.indicators) {
    for (const auto& out : ind.outputs) {
      if (!is_identifier(out)) {
        diags.error(ind.loc, "indicator name '" + out +
                                 "' is not an identifier (letters, digits and '_', not starting "
                                 "with a digit; formulas must be able to use it)");
      }
      if (auto p = param_loc.find(out); p != param_loc.end()) {
        diags.error(ind.loc, "'" + out + "' is both a parameter (at " + at_text(p->second) +
                                 ") and an indicator (a name may be only one; rename one)");
      }
      auto [pos, inserted] = output_loc.emplace(out, ind.loc);
      if (!inserted) {
        diags.error(ind.loc, "indicator output '" + out + "' is defined twice (first at " +
                                 at_text(pos->second) + ")");
      }
      output_names.push_back(out);
    }
  }
  std::vector<std::string> all_names = param_names;
  all_names.insert(all_names.end(), output_names.begin(), output_names.end());

  // -- references
  std::vector<bool> refs_ok(sc.indicators.size(), true);
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    const auto& ind = sc.indicators[i];
    if (!ind.spec) continue;
    for (const auto& ref : ind.spec->references()) {
      const bool is_param = param_loc.count(ref.name) > 0;
      const bool is_output = output_loc.count(ref.name) > 0;
      if (ref.parameter_only && !is_param) {
        refs_ok[i] = false;
        if (is_output) {
          diags.error(ref.loc, "'" + ref.name +
                                   "' is an indicator, but only a parameter can be named here "
                                   "(a rate, sd or probability is drawn once per run)");
        } else {
          diags.error(ref.loc, "unknown name '" + ref.name + "' (not a parameter)" +
                                   suggest(ref.name, param_names));
        }
      } else if (!ref.parameter_only && !is_param && !is_output) {
        refs_ok[i] = false;
        diags.error(ref.loc, "unknown name '" + ref.name + "' (not a parameter or indicator)" +
                                 suggest(ref.name, all_names));
      }
    }
  }
  // Unknown names are no edges, so cycles among the known ones are found regardless.
  for (const auto& cycle : find_cycles(dependency_graph(sc))) {
    diags.error(sc.indicators[static_cast<std::size_t>(cycle.front())].loc,
                "dependency cycle: " + cycle_text(sc, cycle) +
                    " (an indicator cannot depend on itself, even through others)");
  }

  // -- targets
  std::set<int> target_years;
  if (auto ts = r.optional("targets")) {
    if (!ts->is_null() && ts->expect_sequence()) {
      std::map<std::string, SourceLoc> ids;
      for (auto& item : ts->items()) {
        if (!item.expect_map()) continue;
        TargetSpec t;
        t.loc = item.loc();
        if (auto v = item.required("id")) {
          if (auto s = v->string()) {
            t.id = *s;
            if (!is_identifier(*s)) {
              v->error("target id '" + *s + "' is not an identifier (letters, digits and '_')");
            }
            auto [pos, inserted] = ids.emplace(*s, v->loc());
            if (!inserted) {
              v->error("duplicate target id '" + *s + "' (first at " + at_text(pos->second) + ")");
            }
          }
        }
        if (auto v = item.required("indicator")) {
          if (auto s = v->string()) {
            t.indicator = *s;
            if (!output_loc.count(*s)) {
              v->error("unknown indicator '" + *s + "'" + suggest(*s, output_names));
            }
          }
        }
        if (auto v = item.required("year")) {
          if (auto y = year_of(*v)) {
            t.year = *y;
            if (years_ok && (t.year <= sc.base_year || t.year > sc.horizon)) {
              v->error("year=" + std::to_string(t.year) + " (must be in [" +
                       std::to_string(sc.base_year + 1) + ", " + std::to_string(sc.horizon) +
                       "]: after base_year, up to the horizon)");
            }
            target_years.insert(t.year);
          }
        }
        const bool lo = item.has("at_least"), hi = item.has("at_most");
        if (lo == hi) {
          item.error("a target needs exactly one of 'at_least' or 'at_most'" +
                     std::string(lo ? " (it has both)" : ""));
        } else {
          t.op = lo ? TargetOp::at_least : TargetOp::at_most;
          if (auto x = item.number_at(lo ? "at_least" : "at_most")) t.value = *x;
        }
        if (auto v = item.optional("by")) {
          if (auto b = v->boolean()) t.by = *b;
        }
        item.finish();
        sc.targets.push_back(t);
      }
    }
  }

  // -- report years
  if (auto ry = r.optional("report_years")) {
    if (ry->expect_sequence()) {
      std::set<int> ys;
      for (auto& item : ry->items()) {
        if (auto y = year_of(item)) {
          if (years_ok && (*y < sc.base_year || *y > sc.horizon)) {
            item.error("report year " + std::to_string(*y) + " (must be in [" +
                       std::to_string(sc.base_year) + ", " + std::to_string(sc.horizon) + "])");
          }
          ys.insert(*y);
        }
      }
      sc.report_years.assign(ys.begin(), ys.end());
    }
  } else if (years_ok) {
    target_years.insert(sc.horizon);
    for (int y : target_years) {
      if (y > sc.base_year && y <= sc.horizon) sc.report_years.push_back(y);
    }
  }

  r.allow("variants");
  r.finish();

  // -- whole-scenario checks of each process (years, base), once its names are sound
  if (years_ok) {
    for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
      if (sc.indicators[i].spec && refs_ok[i]) sc.indicators[i].spec->check(sc, diags);
    }
  }
  return sc;
}

// ---- canonical text and digest ------------------------------------------------------------

void emit(YAML::Emitter& out, const YAML::Node& n, bool top) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (top && it->first.IsScalar() && it->first.Scalar() == "variants") continue;
        out << YAML::Key;
        emit(out, it->first, false);
        out << YAML::Value;
        emit(out, it->second, false);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : n) emit(out, item, false);
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

std::string canonical(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, root, true);
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

/// Lines reserved for each --set value in the shared line space (see load_scenario_text).
constexpr int kSetLines = 1024;

std::string escape_double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
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
                            const LoadOptions& opts, const Registry& registry) {
  const std::string& file = display_name;

  // 1. Guards on the raw text, then on the YAML events, before any node is built.
  {
    DiagnosticList diags;
    guard_text(text, file, diags, [&](std::size_t pos) { return loc_at(text, pos, file); });
    diags.throw_if_any();
    const MarkFn where = [&](const YAML::Mark& m) { return to_loc(file, m); };
    guard_events(text, where, diags);
    diags.throw_if_any();
  }

  // --set values are parsed as YAML on their own, after enough blank lines that their marks
  // lie past the file's last line: set k starts at line set_base + k * kSetLines. The mapper
  // turns such marks into "--set:K:COL" (K counts the --set options from 1, COL the column
  // in PATH=VALUE).
  const int set_base = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
  auto set_offsets = std::make_shared<std::vector<int>>();
  auto mapper = std::make_shared<const LocMapper>(
      [file, set_base, set_offsets](const YAML::Mark& m) -> SourceLoc {
        if (m.is_null() || m.line < 0) return SourceLoc{file, 0, 0};
        if (m.line < set_base) return to_loc(file, m);
        const int k = (m.line - set_base) / kSetLines;
        const int rel = (m.line - set_base) % kSetLines;
        const int offset = (rel == 0 && k < static_cast<int>(set_offsets->size()))
                               ? (*set_offsets)[static_cast<std::size_t>(k)]
                               : 0;
        return SourceLoc{"--set", k + 1, m.column + offset + 1};
      });
  const MarkFn where = [&](const YAML::Mark& m) { return (*mapper)(m); };

  Collector all;
  DiagnosticList base_diags;
  YAML::Node base_root = parse_checked(text, where, base_diags);
  if (!base_diags.empty()) base_diags.throw_if_any();

  // 2. A newer schema is reported alone: the rest of the file follows rules we do not know.
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
  }

  // 3. The base scenario.
  const auto variants = read_variants(base_root, file, mapper, &base_diags);
  Scenario selected = build(base_root, file, mapper, registry, base_diags);
  all.add(base_diags, "");
  std::vector<std::string> variant_names;
  for (const auto& [name, ovs] : variants) variant_names.push_back(name);

  // 4. Every variant, each on a fresh parse so that no override leaks into another.
  // Path problems are the file's, reported once (the variant's own pass reports the rest).
  DiagnosticList path_diags;
  auto apply_variant = [&](YAML::Node root, const std::string& name, DiagnosticList& diags) {
    for (const auto& [vname, ovs] : read_variants(root, file, mapper, nullptr)) {
      if (vname != name) continue;
      for (const auto& o : ovs) {
        auto make_key = [&](const std::string& seg) {
          // The override's own key node becomes the new key, so that it keeps the mark of the
          // override line (YAML::Clone would drop it). This tree is a fresh parse, and its
          // variants section is not used again.
          YAML::Node k = o.key;
          k = seg;
          return k;
        };
        apply_override(root, o.path, o.value, o.loc, make_key, "variant '" + name + "' path",
                       diags);
      }
      break;
    }
  };
  bool selected_found = opts.variant.empty();
  YAML::Node selected_root = base_root;
  for (const auto& name : variant_names) {
    DiagnosticList diags;
    YAML::Node root = YAML::Load(text);
    apply_variant(root, name, path_diags);
    Scenario sc = build(root, file, mapper, registry, diags);
    all.add(diags, name);
    if (name == opts.variant) {
      selected = std::move(sc);
      selected_root = root;
      selected_found = true;
    }
  }
  all.add(path_diags, "");
  if (!selected_found) {
    DiagnosticList d;
    d.error(SourceLoc{"--variant", 0, 0},
            "unknown variant '" + opts.variant + "'" + suggest(opts.variant, variant_names) +
                (variant_names.empty() ? " (the scenario defines no variants)"
                                       : " (variants: " + join(variant_names) + ")"));
    all.add(d, "");
  }

  // 5. --set overrides, on the selected tree (a fresh parse).
  if (!opts.sets.empty() && selected_found) {
    DiagnosticList diags;
    YAML::Node root = YAML::Load(text);
    DiagnosticList ignored;  // the variant's path problems were reported above
    if (!opts.variant.empty()) apply_variant(root, opts.variant, ignored);
    bool sets_ok = true;
    for (std::size_t k = 0; k < opts.sets.size(); ++k) {
      const std::string& s = opts.sets[k];
      const int line0 = set_base + static_cast<int>(k) * kSetLines;
      const auto eq = s.find('=');
      const SourceLoc opt_loc{"--set", static_cast<int>(k) + 1, 1};
      if (eq == std::string::npos || eq == 0) {
        diags.error(opt_loc,
                    "expected PATH=VALUE, got '" + s + "' (e.g. --set simulation.runs=5000)");
        sets_ok = false;
        set_offsets->push_back(0);
        continue;
      }
      const std::string path = s.substr(0, eq);
      const std::string value_text = s.substr(eq + 1);
      set_offsets->push_back(static_cast<int>(eq) + 1);
      DiagnosticList vd;
      guard_text(value_text, "--set", vd, [&](std::size_t pos) {
        return SourceLoc{"--set", static_cast<int>(k) + 1, static_cast<int>(eq + 1 + pos) + 1};
      });
      const std::string padded = std::string(static_cast<std::size_t>(line0), '\n') + value_text;
      if (vd.empty()) guard_events(padded, where, vd);
      YAML::Node value;
      if (vd.empty()) value = parse_checked(padded, where, vd);
      if (!vd.empty()) {
        for (const auto& d : vd.items()) diags.error(d.loc, "in --set value: " + d.message);
        sets_ok = false;
        continue;
      }
      auto make_key = [&](const std::string& seg) {
        // A key node placed where the segment is written in PATH, for its location: on the
        // second line of this --set's block, where the mapper adds no column offset.
        const auto col = path.rfind(seg);
        return YAML::Load(std::string(static_cast<std::size_t>(line0) + 1, '\n') +
                          std::string(col == std::string::npos ? 0 : col, ' ') +
                          escape_double_quoted(seg));
      };
      if (!apply_override(root, path, value, opt_loc, make_key, "--set", diags)) sets_ok = false;
    }
    if (sets_ok) {
      Scenario sc = build(root, file, mapper, registry, diags);
      selected = std::move(sc);
      selected_root = root;
    }
    all.add(diags, kSetContext);
  }

  if (!all.empty()) throw ScenarioError(all.result(file));

  selected.variant_names = variant_names;
  selected.variant = opts.variant;
  selected.canonical_text = canonical(selected_root);
  selected.sha256 = sha256_hex(selected.canonical_text);
  return selected;
}

Scenario load_scenario_file(const std::string& path, const LoadOptions& opts,
                            const Registry& registry) {
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
  return load_scenario_text(text, path, opts, registry);
}

}  // namespace plancast
