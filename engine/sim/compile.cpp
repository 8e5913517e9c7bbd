// compile(): a Scenario turned once into flat arrays (names → indices, each process's
// compiled form, the parameter copula, the targets and their joint groups) that every
// thread shares read-only; and the job's block arithmetic.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "engine/core/process.h"
#include "engine/random/stream.h"
#include "engine/sim/compile_context.h"
#include "engine/sim/compile_needs.h"
#include "engine/sim/compiled.h"
#include "engine/sim/sketch_queue.h"
#include "engine/sim/stream_keys.h"

namespace plancast {

using sim_detail::CompiledTarget;
using sim_detail::IndicatorContext;
using sim_detail::JointGroup;

namespace {

/// A process's counters, checked: a name the results can carry beside their own keys
/// (engine/io/json.cpp, csv.cpp), each once, and a positive bound. std::logic_error: the
/// process is wrong, not the scenario.
std::vector<CounterDecl> checked_counters(const ProcessSpec& spec) {
  static const std::set<std::string> taken = {
      "name",      "unit",     "title", "mean", "sd",  "min", "max", "quantiles", "quantiles_ci95",
      "nonfinite", "counters", "p01",   "p05",  "p10", "p25", "p50", "p75",       "p90",
      "p95",       "p99"};
  std::vector<CounterDecl> decls = spec.counters();
  std::set<std::string> seen;
  for (const CounterDecl& d : decls) {
    const bool word = !d.name.empty() && std::all_of(d.name.begin(), d.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!word || taken.count(d.name) != 0 || !seen.insert(d.name).second ||
        d.most_per_run_year == 0) {
      throw std::logic_error("process counter '" + d.name + "' is not a valid counter");
    }
  }
  return decls;
}

}  // namespace

std::shared_ptr<const CompiledScenario> compile(const Scenario& scenario,
                                                const Registry& registry) {
  (void)registry;  // processes were parsed through the registry at load time
  return sim_detail::compile_scenario(scenario, false);
}

namespace {

/// The parameters' definitions with a placeholder for each one not read: a fixed 0, or a
/// standard normal (which takes the copula's score as it is) when it is correlated.
std::vector<ParameterDef> placeholders(std::vector<ParameterDef> pdefs,
                                       const std::vector<CorrelationDef>& correlations,
                                       const std::vector<char>& read) {
  std::vector<char> correlated(pdefs.size(), 0);
  for (const CorrelationDef& c : correlations) {
    correlated[static_cast<std::size_t>(c.a)] = correlated[static_cast<std::size_t>(c.b)] = 1;
  }
  for (std::size_t p = 0; p < pdefs.size(); ++p) {
    if (read[p] != 0) continue;
    DistSpec d;
    d.loc = pdefs[p].dist.loc;
    if (correlated[p] != 0) {
      d.family = DistFamily::normal;
      d.mean = 0;
      d.sd = 1;
    }
    pdefs[p].dist = d;
  }
  return pdefs;
}

}  // namespace

std::shared_ptr<const CompiledScenario> sim_detail::compile_scenario(const Scenario& scenario,
                                                                     bool outcomes_only) {
  auto cs = std::make_shared<CompiledScenario>();
  cs->scenario = scenario;
  const Scenario& sc = cs->scenario;
  cs->n_years = sc.n_years();

  const sim_detail::ParameterDefs defs = sim_detail::parameter_defs(sc);
  const std::map<std::string, int>& params = defs.index;
  const std::vector<ParameterDef>& pdefs = defs.parameters;
  std::map<std::string, int> slots;
  cs->parameters = std::make_unique<ParameterSampler>(pdefs, defs.correlations);
  if (sc.simulation.sampler == "sobol" && pdefs.size() > kSobolMaxDimension) {
    throw ScenarioError(sc.simulation.loc, "sampler 'sobol' takes at most " +
                                               std::to_string(kSobolMaxDimension) +
                                               " parameters (this scenario has " +
                                               std::to_string(pdefs.size()) + "; use lhs or mc)");
  }
  // lhs and sobol: independent designs over the job's replicates, so fill() knows the total
  // (docs/samplers.md).
  cs->uniforms =
      make_run_sampler(sc.simulation.sampler, sc.simulation.seed, pdefs.size(), sc.simulation.runs);
  if (!cs->uniforms) {
    throw ScenarioError(sc.simulation.loc, "sampler '" + sc.simulation.sampler +
                                               "' is not known (use mc, lhs or sobol)");
  }

  std::vector<std::vector<int>> outputs(sc.indicators.size());
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    const auto& ind = sc.indicators[i];
    for (const auto& out : ind.outputs) {
      const int s = static_cast<int>(cs->slot_names.size());
      slots[out] = s;
      outputs[i].push_back(s);
      cs->slot_names.push_back(out);
      cs->slot_units.push_back(ind.unit);
      cs->slot_titles.push_back(ind.title);
    }
  }
  check_stream_keys(sc);
  cs->slot_first_t.assign(cs->slot_names.size(), 0);
  cs->events = EventTable(sc, params);
  IndicatorContext ctx(sc, params, slots);
  ctx.set_events(&cs->events);
  std::vector<char> read_by_vintages(params.size(), 0);  // parameters later vintages read
  cs->reads.resize(sc.indicators.size());
  for (int i : dependency_order(sc)) {
    const auto& ind = sc.indicators[static_cast<std::size_t>(i)];
    const std::vector<int>& out = outputs[static_cast<std::size_t>(i)];
    std::vector<CounterDecl> decls = checked_counters(*ind.spec);
    if (!decls.empty() && out.empty())
      throw std::logic_error("counters on an indicator without outputs");
    const std::size_t first_counter = cs->counters.size(), n_counters = decls.size();
    for (CounterDecl& d : decls) {
      cs->counter_shapes.push_back(
          StateCounter{static_cast<std::size_t>(out.front()), d.name, d.most_per_run_year});
      cs->counters.push_back(std::move(d));
    }
    const int first_t = sc.first_year(ind) - sc.base_year;
    cs->process_first_t.push_back(first_t);
    cs->process_slots.push_back(out);
    for (int s : out) cs->slot_first_t[static_cast<std::size_t>(s)] = first_t;
    if (first_t > 0) {
      // A later vintage compiles in its own years: year index 0 is its base year.
      cs->any_vintage = true;
      const Scenario view = vintage_view(sc, sc.first_year(ind));
      IndicatorContext vctx(view, params, slots);
      vctx.set_events(&cs->events);
      vctx.set_indicator(ind, out, first_counter, n_counters);
      cs->processes.push_back(ind.spec->compile(vctx));
      cs->reads[static_cast<std::size_t>(i)] = vctx.indicator_reads();
      const std::vector<char>& vread = vctx.parameters_read();
      for (std::size_t p = 0; p < vread.size(); ++p) read_by_vintages[p] |= vread[p];
    } else {
      ctx.set_indicator(ind, out, first_counter, n_counters);
      cs->processes.push_back(ind.spec->compile(ctx));
      cs->reads[static_cast<std::size_t>(i)] = ctx.indicator_reads();
    }
  }
  // The events' shares: one counter each, on no indicator (kEventSlot).
  cs->first_event_counter = cs->counters.size();
  for (std::size_t e = 0; e < cs->events.size(); ++e) {
    cs->counter_shapes.push_back(StateCounter{kEventSlot, cs->events[e].name, 1});
    cs->counters.push_back(CounterDecl{cs->events[e].name, "", "", 1});
  }
  if (outcomes_only) {
    // Read: by a process (in its own context or a later vintage's) or by an event.
    std::vector<char> read = ctx.parameters_read();
    for (std::size_t p = 0; p < read.size(); ++p) read[p] |= read_by_vintages[p];
    for (std::size_t e = 0; e < cs->events.size(); ++e) {
      for (const ValueRef* v : {&cs->events[e].probability, &cs->events[e].persistence}) {
        if (v->is_param()) read[static_cast<std::size_t>(v->param)] = 1;
      }
    }
    if (std::find(read.begin(), read.end(), 0) != read.end()) {
      cs->parameters = std::make_unique<ParameterSampler>(
          placeholders(pdefs, defs.correlations, read), defs.correlations);
    }
  }

  std::map<int, JointGroup> groups;
  for (std::size_t k = 0; k < sc.targets.size(); ++k) {
    const auto& t = sc.targets[k];
    CompiledTarget ct;
    ct.slot = slots.at(t.indicator);
    ct.t = t.year - sc.base_year;
    ct.at_least = t.op == TargetOp::at_least;
    ct.value = t.value;
    ct.by = t.by;
    if (t.by) ct.by_index = cs->n_by++;
    ct.first_t = cs->slot_first_t[static_cast<std::size_t>(ct.slot)];
    cs->targets.push_back(ct);
    groups[ct.t].t = ct.t;
    groups[ct.t].targets.push_back(static_cast<int>(k));
  }
  for (auto& [t, g] : groups) cs->joint.push_back(g);
  return cs;
}

const Scenario& scenario_of(const CompiledScenario& compiled) {
  return compiled.scenario;
}

const ParameterSampler& parameters_of(const CompiledScenario& compiled) {
  return *compiled.parameters;
}

std::uint64_t worker_bytes(const CompiledScenario& cs) {
  std::uint64_t bytes = 0;
  for (const auto& p : cs.processes) bytes += p->worker_bytes(kBlockSize);
  return bytes;
}

std::uint64_t queue_bytes(const CompiledScenario& cs) {
  return sim_detail::SketchQueue::bytes(cs.n_slots() * static_cast<std::size_t>(cs.n_years),
                                        kBlockSize);
}

std::uint64_t block_count(const CompiledScenario& cs) {
  const std::uint64_t runs = cs.scenario.simulation.runs;
  return runs / kBlockSize + (runs % kBlockSize != 0 ? 1 : 0);
}

BlockRange part_of(std::uint64_t n_blocks, std::uint64_t k, std::uint64_t n) {
  if (n == 0 || k == 0 || k > n) throw std::invalid_argument("part k of n needs 1 <= k <= n");
  // 128-bit products: n_blocks · k overflows 64 bits for very large jobs split finely.
  __extension__ typedef unsigned __int128 u128;
  auto at = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<u128>(n_blocks) * i / n);
  };
  return BlockRange{at(k - 1), at(k)};
}

}  // namespace plancast
