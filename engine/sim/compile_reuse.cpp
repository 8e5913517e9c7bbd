// variant_changes(): what a variant changes against its base, for compare's reuse
// (compile_reuse.h). Conservative throughout: a setting not shown equal counts as changed.
#include "engine/sim/compile_reuse.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "engine/config/graph.h"
#include "engine/config/yaml_tree.h"
#include "engine/sim/compiled.h"

namespace plancast {

namespace {

bool same(const Value& a, const Value& b) {
  return a.number == b.number && a.param == b.param;
}

bool same(const DistSpec& a, const DistSpec& b) {
  return a.family == b.family && a.value == b.value && a.mean == b.mean && a.sd == b.sd &&
         a.mu == b.mu && a.sigma == b.sigma && a.min == b.min && a.max == b.max &&
         a.mode == b.mode && a.alpha == b.alpha && a.beta == b.beta && a.shape == b.shape &&
         a.scale == b.scale && a.df == b.df && a.loc_ == b.loc_ && a.values == b.values &&
         a.weights == b.weights && a.p10 == b.p10 && a.p50 == b.p50 && a.p90 == b.p90 &&
         a.truncate == b.truncate && a.written == b.written;
}

bool same(const EventSpec& a, const EventSpec& b) {
  return a.name == b.name && same(a.probability, b.probability) &&
         a.has_persistence == b.has_persistence && same(a.persistence, b.persistence) &&
         a.first == b.first && a.last == b.last && a.seed == b.seed;
}

bool same(const TargetSpec& a, const TargetSpec& b) {
  return a.id == b.id && a.indicator == b.indicator && a.year == b.year && a.op == b.op &&
         a.value == b.value && a.by == b.by;
}

/// The fields the loader filled; the process's settings are compared by their YAML node.
bool same_fields(const IndicatorSpec& a, const IndicatorSpec& b) {
  auto history = [](const IndicatorSpec& i) {
    std::vector<std::pair<int, double>> h;
    for (const HistoryPoint& p : i.history) h.emplace_back(p.year, p.value);
    return h;
  };
  auto claims = [](const IndicatorSpec& i) {
    std::vector<std::tuple<int, int, double, bool>> c;
    for (const ClaimSpec& x : i.claims) c.emplace_back(x.from, x.to, x.cagr, x.real);
    return c;
  };
  return a.name == b.name && a.unit == b.unit && a.title == b.title && a.has_base == b.has_base &&
         a.base == b.base && a.base_year == b.base_year && a.first_year == b.first_year &&
         a.process == b.process && a.outputs == b.outputs && history(a) == history(b) &&
         claims(a) == claims(b);
}

/// A scenario's canonical text as nodes: each top-level section's entries by name (maps)
/// or position (lists), and the rest of the top level as one text.
struct Canonical {
  std::map<std::string, std::map<std::string, std::string>> named;  ///< section -> key -> text
  std::map<std::string, std::vector<std::string>> listed;           ///< section -> items
  std::string rest;
};

std::string node_text(const YAML::Node& n) {
  YAML::Emitter out;
  yaml_tree::emit(out, n);
  return out.c_str();
}

const std::vector<std::string> kSections = {"parameters", "correlations", "events", "indicators",
                                            "targets"};

std::optional<Canonical> canonical_nodes(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return std::nullopt;
    Canonical c;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar()) return std::nullopt;
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;
      if (key == "simulation") continue;  // runs, seed and sampler: compared as numbers
      if (std::find(kSections.begin(), kSections.end(), key) == kSections.end()) {
        c.rest += key + ": " + node_text(v) + "\n";
      } else if (v.IsMap()) {
        for (auto e = v.begin(); e != v.end(); ++e) {
          if (!e->first.IsScalar()) return std::nullopt;
          c.named[key][e->first.Scalar()] = node_text(e->second);
        }
      } else if (v.IsSequence()) {
        for (const YAML::Node& e : v) c.listed[key].push_back(node_text(e));
      } else {
        c.rest += key + ": " + node_text(v) + "\n";
      }
    }
    return c;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

/// The same text for `key` of `section` in both (absent in both counts as the same).
bool same_node(const Canonical& a, const Canonical& b, const std::string& section,
               const std::string& key) {
  auto find = [&](const Canonical& c) -> std::optional<std::string> {
    const auto s = c.named.find(section);
    if (s == c.named.end()) return std::nullopt;
    const auto k = s->second.find(key);
    if (k == s->second.end()) return std::nullopt;
    return k->second;
  };
  return find(a) == find(b);
}

bool same_list(const Canonical& a, const Canonical& b, const std::string& section) {
  const auto x = a.listed.find(section), y = b.listed.find(section);
  const bool hx = x != a.listed.end(), hy = y != b.listed.end();
  return hx == hy && (!hx || x->second == y->second);
}

/// The first way the two scenarios differ outside the parts reuse looks into, or "".
std::string whole_reason(const CompiledScenario& base, const CompiledScenario& var,
                         const std::optional<Canonical>& cb, const std::optional<Canonical>& cv) {
  const Scenario& b = base.scenario;
  const Scenario& v = var.scenario;
  if (!cb || !cv) return "no canonical text to compare";
  if (cb->rest != cv->rest || b.schema != v.schema || b.name != v.name || b.title != v.title) {
    return "a setting outside parameters, events, indicators and targets differs";
  }
  if (b.base_year != v.base_year || b.horizon != v.horizon || b.report_years != v.report_years) {
    return "the years differ";
  }
  if (b.simulation.runs != v.simulation.runs || b.simulation.seed != v.simulation.seed ||
      b.simulation.sampler != v.simulation.sampler) {
    return "runs, seed or sampler differ";
  }
  auto names = [](const auto& list) {
    std::vector<std::string> n;
    for (const auto& x : list) n.push_back(x.name);
    return n;
  };
  if (names(b.parameters) != names(v.parameters)) return "the parameters differ as a list";
  if (names(b.events) != names(v.events)) return "the events differ as a list";
  if (names(b.indicators) != names(v.indicators) || base.slot_names != var.slot_names) {
    return "the indicators differ as a list";
  }
  std::vector<std::string> tb, tv;
  for (const TargetSpec& t : b.targets) tb.push_back(t.id);
  for (const TargetSpec& t : v.targets) tv.push_back(t.id);
  if (tb != tv) return "the targets differ as a list";
  if (!same_list(*cb, *cv, "events")) return "the events differ as a list";
  if (base.reads.size() != b.indicators.size() || var.reads.size() != v.indicators.size()) {
    return "no record of what the processes read";
  }
  return "";
}

/// Per parameter: its values may differ in some run.
std::vector<char> changed_parameters(const Scenario& b, const Scenario& v, const Canonical& cb,
                                     const Canonical& cv) {
  std::vector<char> changed(b.parameters.size(), 0);
  std::map<std::string, std::size_t> index;
  for (std::size_t p = 0; p < b.parameters.size(); ++p) {
    index[b.parameters[p].name] = p;
    // Uncorrelated: u from the sampler (a function of the run and the dimension alone),
    // then its own inverse CDF. Correlated: its own marginal applied to the copula's score
    // (parameter_sampler.cpp), which its marginal does not enter.
    if (!same(b.parameters[p].dist, v.parameters[p].dist) ||
        !same_node(cb, cv, "parameters", b.parameters[p].name)) {
      changed[p] = 1;
    }
  }
  bool same_corr = b.correlations.size() == v.correlations.size() &&
                   same_list(cb, cv, "correlations") && cb.named.count("correlations") == 0 &&
                   cv.named.count("correlations") == 0;
  for (std::size_t k = 0; same_corr && k < b.correlations.size(); ++k) {
    const CorrelationSpec &x = b.correlations[k], &y = v.correlations[k];
    same_corr = x.a == y.a && x.b == y.b && x.rho == y.rho;
  }
  if (!same_corr) {
    // The Cholesky factor mixes every correlated score: each correlated parameter changes.
    for (const Scenario* s : {&b, &v}) {
      for (const CorrelationSpec& c : s->correlations) {
        for (const std::string* n : {&c.a, &c.b}) {
          const auto it = index.find(*n);
          if (it != index.end()) changed[it->second] = 1;
        }
      }
    }
  }
  return changed;
}

}  // namespace

bool VariantChanges::any() const {
  return std::find(indicators.begin(), indicators.end(), 1) != indicators.end() ||
         std::find(targets.begin(), targets.end(), 1) != targets.end();
}

struct ReuseBase::Impl {
  const CompiledScenario& base;
  std::optional<Canonical> canonical;
};

ReuseBase::ReuseBase(const CompiledScenario& base)
    : impl_(new Impl{base, canonical_nodes(base.scenario.canonical_text)}) {}

ReuseBase::~ReuseBase() = default;

VariantChanges variant_changes(const CompiledScenario& base, const CompiledScenario& variant) {
  return ReuseBase(base).changes(variant);
}

VariantChanges ReuseBase::changes(const CompiledScenario& var) const {
  VariantChanges ch;
  const CompiledScenario& base = impl_->base;
  const std::optional<Canonical>& cb = impl_->canonical;
  const std::optional<Canonical> cv = canonical_nodes(var.scenario.canonical_text);
  ch.why = whole_reason(base, var, cb, cv);
  if (!ch.why.empty()) return ch;
  const Scenario& b = base.scenario;
  const Scenario& v = var.scenario;

  ch.parameters = changed_parameters(b, v, *cb, *cv);
  std::map<std::string, std::size_t> param_index, event_index, slot_owner;
  for (std::size_t p = 0; p < b.parameters.size(); ++p) param_index[b.parameters[p].name] = p;
  auto param_changed = [&](const Value& x) {
    if (!x.is_param()) return false;
    const auto it = param_index.find(x.param);
    return it == param_index.end() || ch.parameters[it->second] != 0;
  };
  std::vector<char> event_changed(b.events.size(), 0);
  for (std::size_t e = 0; e < b.events.size(); ++e) {
    event_index[b.events[e].name] = e;
    const EventSpec &x = b.events[e], &y = v.events[e];
    if (!same(x, y) || !same_node(*cb, *cv, "events", x.name) || param_changed(x.probability) ||
        param_changed(x.persistence) || param_changed(y.probability) ||
        param_changed(y.persistence)) {
      event_changed[e] = 1;
      ch.events = true;
    }
  }

  // Each indicator's own settings and what it reads that is not another indicator.
  const std::size_t n = b.indicators.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (const std::string& o : b.indicators[i].outputs) slot_owner[o] = i;
  }
  ch.indicators.assign(n, 0);
  std::vector<std::vector<std::size_t>> reads_from(n);  // indicators each one reads
  const std::vector<std::vector<int>> db = dependency_graph(b), dv = dependency_graph(v);
  for (std::size_t i = 0; i < n; ++i) {
    const IndicatorSpec &x = b.indicators[i], &y = v.indicators[i];
    bool changed =
        !same_fields(x, y) || !same_node(*cb, *cv, "indicators", x.name) || !x.spec || !y.spec;
    for (const IndicatorSpec* ind : {&x, &y}) {
      if (!ind->spec) continue;
      for (const NameRef& r : ind->spec->references()) {
        if (param_index.count(r.name) != 0) changed |= ch.parameters[param_index[r.name]] != 0;
        if (slot_owner.count(r.name) != 0) reads_from[i].push_back(slot_owner[r.name]);
      }
      for (const NameRef& r : ind->spec->event_refs()) {
        const auto it = event_index.find(r.name);
        changed |= it == event_index.end() || event_changed[it->second] != 0;
      }
    }
    for (const CompiledScenario* c : {&base, &var}) {
      const sim_detail::IndicatorReads& rd = c->reads[i];
      for (std::size_t p = 0; p < rd.params.size(); ++p) {
        changed |= rd.params[p] != 0 && (p >= ch.parameters.size() || ch.parameters[p] != 0);
      }
      for (std::size_t e = 0; e < rd.events.size(); ++e) {
        changed |= rd.events[e] != 0 && (e >= event_changed.size() || event_changed[e] != 0);
      }
      for (std::size_t s = 0; s < rd.slots.size(); ++s) {
        if (rd.slots[s] != 0) reads_from[i].push_back(slot_owner.at(c->slot_names[s]));
      }
    }
    for (const auto* d : {&db, &dv}) {
      for (int j : (*d)[i]) reads_from[i].push_back(static_cast<std::size_t>(j));
    }
    ch.indicators[i] = changed ? 1 : 0;
  }
  // An indicator reading a changed one changes: until nothing more does.
  for (bool more = true; more;) {
    more = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (ch.indicators[i] != 0) continue;
      for (std::size_t j : reads_from[i]) {
        if (ch.indicators[j] != 0) {
          ch.indicators[i] = 1;
          more = true;
          break;
        }
      }
    }
  }

  // Each target's own node (the lists have the same ids in the same order here).
  const auto tb = cb->listed.find("targets"), tv = cv->listed.find("targets");
  const bool listed = tb != cb->listed.end() && tv != cv->listed.end() &&
                      tb->second.size() == b.targets.size() &&
                      tv->second.size() == v.targets.size();
  ch.targets.assign(b.targets.size(), 0);
  for (std::size_t k = 0; k < b.targets.size(); ++k) {
    const auto owner = slot_owner.find(v.targets[k].indicator);
    ch.targets[k] = !listed || tb->second[k] != tv->second[k] ||
                            !same(b.targets[k], v.targets[k]) || owner == slot_owner.end() ||
                            ch.indicators[owner->second] != 0
                        ? 1
                        : 0;
  }
  ch.whole = false;
  return ch;
}

Scenario changed_part(const Scenario& variant, const VariantChanges& changes) {
  Needs needs;
  for (std::size_t k = 0; k < variant.targets.size(); ++k) {
    if (changes.targets[k] != 0) needs.targets.push_back(variant.targets[k].id);
  }
  for (std::size_t i = 0; i < variant.indicators.size(); ++i) {
    if (changes.indicators[i] == 0) continue;
    for (const std::string& o : variant.indicators[i].outputs) {
      needs.outputs.push_back(WatchCell{o, variant.horizon});
    }
  }
  Scenario part = needed_part(variant, needs);
  // Every year, as the whole variant has them (needed_part cuts the years after the last
  // one asked; the years kept are the same either way).
  part.horizon = variant.horizon;
  part.report_years = variant.report_years;
  return part;
}

bool same_parameter_draws(const CompiledScenario& a, const CompiledScenario& b) {
  const Scenario &x = a.scenario, &y = b.scenario;
  if (x.simulation.runs != y.simulation.runs || x.simulation.seed != y.simulation.seed ||
      x.simulation.sampler != y.simulation.sampler || x.parameters.size() != y.parameters.size() ||
      x.correlations.size() != y.correlations.size() || a.n_params() != b.n_params()) {
    return false;
  }
  for (std::size_t p = 0; p < x.parameters.size(); ++p) {
    if (x.parameters[p].name != y.parameters[p].name ||
        !same(x.parameters[p].dist, y.parameters[p].dist)) {
      return false;
    }
  }
  for (std::size_t c = 0; c < x.correlations.size(); ++c) {
    const CorrelationSpec &u = x.correlations[c], &v = y.correlations[c];
    if (u.a != v.a || u.b != v.b || u.rho != v.rho) return false;
  }
  return true;
}

std::vector<std::vector<ProcessTwin>> process_twins(
    const std::vector<const CompiledScenario*>& scenarios,
    const std::vector<std::size_t>& params_of) {
  if (params_of.size() != scenarios.size()) {
    throw std::invalid_argument("process_twins: one parameter source per scenario");
  }
  std::vector<std::vector<std::string>> keys(scenarios.size());
  std::vector<std::vector<ProcessTwin>> out(scenarios.size());
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const CompiledScenario& cs = *scenarios[k];
    if (cs.any_vintage) continue;
    for (const auto& p : cs.processes) keys[k].push_back(p->year_free_key());
    for (std::size_t i = 0; i < keys[k].size(); ++i) {
      if (keys[k][i].empty()) continue;
      for (std::size_t m = 0; m < k; ++m) {
        if (params_of[m] != params_of[k] || keys[m].empty()) continue;
        const auto at = std::find(keys[m].begin(), keys[m].end(), keys[k][i]);
        if (at == keys[m].end()) continue;
        const auto j = static_cast<std::size_t>(at - keys[m].begin());
        const std::vector<int>&mine = cs.process_slots[i], &theirs = scenarios[m]->process_slots[j];
        if (mine.size() != theirs.size()) continue;
        ProcessTwin twin{i, m, j, {}};
        for (std::size_t o = 0; o < mine.size(); ++o) twin.slots.emplace_back(theirs[o], mine[o]);
        out[k].push_back(std::move(twin));
        break;
      }
    }
  }
  return out;
}

}  // namespace plancast
