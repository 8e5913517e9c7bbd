// The loader's validation: a node tree (the base, a variant or the tree after --set) read
// into a Scenario, every problem reported located into a DiagnosticList (SPEC §1, §2).
#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "engine/config/graph.h"
#include "engine/config/loader_internal.h"
#include "engine/core/process.h"
#include "engine/random/parameter_sampler.h"

namespace plancast::loader_detail {

namespace {

std::string quoted_list(const std::vector<std::string>& v) {
  std::vector<std::string> q;
  for (const auto& s : v) q.push_back("'" + s + "'");
  return join(q);
}

std::string at_text(const SourceLoc& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.col);
}

bool valid_scenario_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::optional<int> year_of(NodeReader& r) {
  if (auto y = r.integer(1, 9999)) return static_cast<int>(*y);
  return std::nullopt;
}

}  // namespace

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
      if (sc.indicators[i].spec && refs_ok[i]) sc.indicators[i].spec->check(sc, sc.indicators[i], diags);
    }
  }
  return sc;
}

}  // namespace plancast::loader_detail
