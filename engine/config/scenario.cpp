// Sampler names, scenario lookups and the indicator dependency graph: cycles and a stable
// topological order.
#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "engine/config/graph.h"
#include "engine/config/scenario.h"

namespace plancast {

const std::vector<std::string>& sampler_names() {
  static const std::vector<std::string> names = {"mc", "lhs", "sobol"};
  return names;
}

std::optional<Sampler> sampler_from_name(std::string_view name) {
  const auto& names = sampler_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Sampler>(i);
  }
  return std::nullopt;
}

const std::string& sampler_name(Sampler s) {
  return sampler_names().at(static_cast<std::size_t>(s));
}

const ParameterSpec* Scenario::find_parameter(const std::string& n) const {
  for (const auto& p : parameters) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

const IndicatorSpec* Scenario::find_indicator(const std::string& n) const {
  for (const auto& i : indicators) {
    if (i.name == n) return &i;
  }
  return nullptr;
}

const IndicatorSpec* Scenario::indicator_of_output(const std::string& n) const {
  for (const auto& i : indicators) {
    if (std::find(i.outputs.begin(), i.outputs.end(), n) != i.outputs.end()) return &i;
  }
  return nullptr;
}

const EventSpec* Scenario::find_event(const std::string& n) const {
  for (const auto& e : events) {
    if (e.name == n) return &e;
  }
  return nullptr;
}

Scenario vintage_view(const Scenario& sc, int first_year) {
  Scenario v = sc;
  v.base_year = first_year;
  return v;
}

std::vector<std::vector<int>> dependency_graph(const Scenario& sc) {
  std::map<std::string, int> owner;
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    for (const auto& o : sc.indicators[i].outputs) owner.emplace(o, static_cast<int>(i));
  }
  std::vector<std::vector<int>> deps(sc.indicators.size());
  for (std::size_t i = 0; i < sc.indicators.size(); ++i) {
    const auto& spec = sc.indicators[i].spec;
    if (!spec) continue;
    std::set<int> d;
    for (const auto& ref : spec->references()) {
      if (ref.parameter_only) continue;
      auto it = owner.find(ref.name);
      if (it != owner.end()) d.insert(it->second);
    }
    deps[i].assign(d.begin(), d.end());
  }
  return deps;
}

std::vector<std::vector<int>> find_cycles(const std::vector<std::vector<int>>& deps) {
  // Tarjan's strongly connected components; every component with more than one member,
  // or with a self-edge, holds a cycle. The cycle shown is the shortest one through the
  // component's smallest member (breadth-first search inside the component).
  const int n = static_cast<int>(deps.size());
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1);
  std::vector<bool> on_stack(n, false);
  std::vector<int> stack;
  int counter = 0, ncomp = 0;
  std::function<void(int)> strong = [&](int v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (int w : deps[v]) {
      if (index[w] < 0) {
        strong(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] == index[v]) {
      int w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        comp[w] = ncomp;
      } while (w != v);
      ++ncomp;
    }
  };
  for (int v = 0; v < n; ++v) {
    if (index[v] < 0) strong(v);
  }
  std::vector<std::vector<int>> members(ncomp);
  for (int v = 0; v < n; ++v) members[comp[v]].push_back(v);
  std::vector<std::vector<int>> cycles;
  for (const auto& m : members) {
    const int start = m.front();  // smallest, members are pushed in index order
    const bool self = std::count(deps[start].begin(), deps[start].end(), start) > 0;
    if (m.size() == 1 && !self) continue;
    if (self) {
      cycles.push_back({start, start});
      continue;
    }
    std::vector<int> prev(n, -1);
    std::queue<int> q;
    q.push(start);
    int last = -1;
    while (!q.empty() && last < 0) {
      const int v = q.front();
      q.pop();
      for (int w : deps[v]) {
        if (comp[w] != comp[start]) continue;
        if (w == start) {
          last = v;
          break;
        }
        if (prev[w] < 0) {
          prev[w] = v;
          q.push(w);
        }
      }
    }
    std::vector<int> path;
    for (int v = last; v != start; v = prev[v]) path.push_back(v);
    path.push_back(start);
    std::reverse(path.begin(), path.end());
    path.push_back(start);
    cycles.push_back(path);
  }
  std::sort(cycles.begin(), cycles.end());
  return cycles;
}

std::string cycle_text(const Scenario& sc, const std::vector<int>& cycle) {
  std::string out;
  for (int i : cycle) {
    if (!out.empty()) out += " -> ";
    out += sc.indicators[static_cast<std::size_t>(i)].name;
  }
  return out;
}

std::vector<int> dependency_order(const Scenario& sc) {
  const auto deps = dependency_graph(sc);
  const int n = static_cast<int>(deps.size());
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> users(n);
  for (int i = 0; i < n; ++i) {
    for (int d : deps[i]) {
      ++pending[i];
      users[d].push_back(i);
    }
  }
  // Kahn's algorithm, always taking the earliest ready indicator in file order.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.push(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int u : users[i]) {
      if (--pending[u] == 0) ready.push(u);
    }
  }
  if (static_cast<int>(order.size()) != n) {
    const auto cycles = find_cycles(deps);
    const auto& c = cycles.front();
    throw ScenarioError(sc.indicators[static_cast<std::size_t>(c.front())].loc,
                        "dependency cycle: " + cycle_text(sc, c) +
                            " (an indicator cannot depend on itself, even through others)");
  }
  return order;
}

}  // namespace plancast
