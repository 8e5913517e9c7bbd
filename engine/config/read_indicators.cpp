// `indicators:`: each indicator's unit, title, base, history and claims, and its one
// process key, read by the process's own parser from the registry.
#include <algorithm>
#include <set>

#include "engine/config/read_history_csv.h"
#include "engine/config/read_sections.h"
#include "engine/core/process.h"

namespace plancast::loader_detail {

namespace {

std::string quoted_list(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back("'" + s + "'");
  return join(q);
}

/// `history: {YEAR: VALUE, ...}`, sorted by year, or `{csv: FILE, column: NAME}`.
void read_history(NodeReader& h, const ReadContext& cx, IndicatorSpec& ind) {
  if (h.is_map() && h.has("csv")) return read_history_csv_node(h, cx.sc, cx.years_ok, ind);
  for (auto& [year_text, hr] : h.entries()) {
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
    if (cx.years_ok && pt.year > cx.sc.horizon) {
      hr.error("history year " + year_text + " is after the horizon " +
               std::to_string(cx.sc.horizon));
    }
    if (auto x = hr.number()) pt.value = *x;
    ind.history.push_back(pt);
  }
  std::sort(ind.history.begin(), ind.history.end(),
            [](const HistoryPoint& a, const HistoryPoint& b) { return a.year < b.year; });
}

/// `base_year: YEAR`, the year its `base` is from: from the scenario's base year, before the
/// horizon (mixed vintages; equal to the scenario's is the same as not giving it).
void read_base_year(NodeReader& v, const ReadContext& cx, IndicatorSpec& ind) {
  ind.base_year_loc = v.loc();
  const std::optional<int> y = year_of(v);
  if (!y) return;
  const Scenario& sc = cx.sc;
  if (cx.years_ok && (*y < sc.base_year || *y >= sc.horizon)) {
    v.error("base_year=" + std::to_string(*y) + " of indicator '" + ind.name + "' (must be in [" +
            std::to_string(sc.base_year) + ", " + std::to_string(sc.horizon - 1) +
            "]: not before the scenario's base_year " + std::to_string(sc.base_year) +
            ", before the horizon " + std::to_string(sc.horizon) + ")");
    return;
  }
  ind.base_year = *y;
}

/// One `{from, to, cagr, basis}` claim.
ClaimSpec read_claim(NodeReader& item) {
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
      to->error("to=" + std::to_string(c.to) + " (must be after from=" + std::to_string(c.from) +
                ")");
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
  return c;
}

/// Exactly one process key, from the registry, read by the process's parser.
void read_process(NodeReader& ir, const std::optional<NodeReader>& base_node,
                  const std::vector<std::string>& registry_keys, const ReadContext& cx,
                  IndicatorSpec& ind) {
  const std::string& name = ind.name;
  std::vector<std::string> procs;
  for (auto it = ir.node().begin(); it != ir.node().end(); ++it) {
    if (it->first.IsScalar() && cx.registry.find(it->first.Scalar())) {
      if (std::find(procs.begin(), procs.end(), it->first.Scalar()) == procs.end()) {
        procs.push_back(it->first.Scalar());
      }
    }
  }
  for (const auto& k : registry_keys) ir.allow(k);
  if (procs.empty()) {
    cx.diags.error(ind.loc, "indicator '" + name + "' has no process (give exactly one of: " +
                                join(registry_keys) + ")");
    return;
  }
  if (procs.size() > 1) {
    cx.diags.error(ir.key_loc(procs[1]), "indicator '" + name + "' has " +
                                             std::to_string(procs.size()) + " processes, " +
                                             quoted_list(procs) + " (give exactly one)");
    return;
  }
  const ProcessType* type = cx.registry.find(procs.front());
  ind.process = type->key;
  auto pr = ir.required(type->key);
  const std::size_t before = cx.diags.size();
  ind.spec = type->parse(*pr);
  if (!ind.spec && cx.diags.size() == before) {
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

IndicatorSpec read_indicator(const std::string& name, NodeReader& ir, const SourceLoc& loc,
                             const std::vector<std::string>& registry_keys, const ReadContext& cx) {
  IndicatorSpec ind;
  ind.name = name;
  ind.loc = loc;
  ind.outputs = {name};
  if (!ir.expect_map()) return ind;
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
  if (auto v = ir.optional("base_year")) read_base_year(*v, cx, ind);
  if (auto h = ir.optional("history")) read_history(*h, cx, ind);
  if (auto cl = ir.optional("claims")) {
    if (cl->expect_sequence()) {
      for (auto& item : cl->items()) {
        if (item.expect_map()) ind.claims.push_back(read_claim(item));
      }
    }
  }
  read_process(ir, base_node, registry_keys, cx, ind);
  ir.finish();
  return ind;
}

}  // namespace

void read_indicators(NodeReader& r, ReadContext& cx) {
  auto is = r.required("indicators");
  if (!is) return;
  const std::vector<std::string> registry_keys = cx.registry.keys();
  for (auto& [name, ir] : is->entries()) {
    cx.sc.indicators.push_back(read_indicator(name, ir, is->key_loc(name), registry_keys, cx));
  }
}

}  // namespace plancast::loader_detail
