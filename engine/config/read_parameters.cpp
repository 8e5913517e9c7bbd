// `parameters:` (a number or a distribution each, read by read_distribution) and
// `correlations:` (pairs of known parameters with rho in [-1, 1], each pair once, and a
// positive definite matrix: check_correlations of engine/random, the sampler's own check).
#include <algorithm>
#include <cmath>

#include "engine/config/read_distribution.h"
#include "engine/config/read_sections.h"
#include "engine/config/yaml_tree.h"
#include "engine/random/parameter_sampler.h"

namespace plancast::loader_detail {

namespace {

/// The parameter's `title` and `unit` (each a string), read before its distribution so that
/// read_distribution does not see them; true when either is given.
bool read_labels(NodeReader& pr, ParameterSpec& p) {
  bool any = false;
  for (auto [key, field] : {std::pair{"title", &p.title}, std::pair{"unit", &p.unit}}) {
    if (auto v = pr.optional(key)) {
      any = true;
      if (auto s = v->string()) *field = *s;
    }
  }
  return any;
}

}  // namespace

void read_parameters(NodeReader& r, ReadContext& cx) {
  Scenario& sc = cx.sc;
  cx.errors_before_parameters = cx.diags.size();
  if (auto ps = r.optional("parameters"); ps && !ps->is_null()) {
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
          p.dist.written = pr.node().Scalar();
        }
      } else if (pr.is_map()) {
        const bool labelled = read_labels(pr, p);
        if (auto d = read_distribution(pr)) {
          p.dist = *d;
          // As the file writes the distribution: without the labels.
          if (labelled && !pr.check_only()) {
            YAML::Node bare = yaml_tree::clone(pr.node());
            bare.remove("title");
            bare.remove("unit");
            p.dist.written = yaml_tree::flow_text(bare);
          }
        }
      } else {
        pr.error("expected a distribution {dist: NAME, ...} or a number for parameter '" + name +
                 "'");
      }
      cx.param_loc.emplace(name, p.loc);
      sc.parameters.push_back(std::move(p));
    }
  }
  for (const auto& p : sc.parameters) cx.param_names.push_back(p.name);
}

namespace {

/// One `[A, B, RHO]` item; nullopt after reporting its problems.
std::optional<CorrelationSpec> read_pair(
    NodeReader& item, const ReadContext& cx,
    std::map<std::pair<std::string, std::string>, SourceLoc>& seen) {
  if (!item.is_sequence() || item.node().size() != 3) {
    item.error("a correlation is [PARAMETER, PARAMETER, RHO], got " +
               (item.is_sequence() ? std::to_string(item.node().size()) + " items"
                                   : std::string("something else")));
    return std::nullopt;
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
    if (!cx.param_loc.count(*s)) {
      parts[k].error("unknown parameter '" + *s + "' in correlations" +
                     suggest(*s, cx.param_names));
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
               "' with itself (it is 1 by definition; name two different parameters)");
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
  if (!ok) return std::nullopt;
  return c;
}

/// The matrix as a whole, by the sampler's own check (positive definite).
void check_matrix(const Scenario& sc, DiagnosticList& diags) {
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

}  // namespace

void read_correlations(NodeReader& r, ReadContext& cx) {
  Scenario& sc = cx.sc;
  if (auto cs = r.optional("correlations")) {
    if (!cs->is_null() && cs->expect_sequence()) {
      std::map<std::pair<std::string, std::string>, SourceLoc> seen;
      for (auto& item : cs->items()) {
        if (auto c = read_pair(item, cx, seen)) sc.correlations.push_back(*c);
      }
    }
  }
  if (cx.diags.size() == cx.errors_before_parameters && !sc.correlations.empty()) {
    check_matrix(sc, cx.diags);
  }
}

}  // namespace plancast::loader_detail
