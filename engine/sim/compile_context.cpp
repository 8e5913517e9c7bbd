// The CompileContext compile() lends each process (see compile_context.h).
#include "engine/sim/compile_context.h"

#include <stdexcept>

#include "engine/random/stream.h"

namespace plancast::sim_detail {

namespace {

int find_index(const std::map<std::string, int>& m, const std::string& n) {
  const auto it = m.find(n);
  return it == m.end() ? -1 : it->second;
}

/// The names of an index map in index order.
std::vector<std::string> names_by_index(const std::map<std::string, int>& m) {
  std::vector<std::string> v(m.size());
  for (const auto& [n, i] : m) v[static_cast<std::size_t>(i)] = n;
  return v;
}

}  // namespace

int IndicatorContext::parameter_index(const std::string& n) const {
  const int i = find_index(params_, n);
  if (i >= 0) {
    read_[static_cast<std::size_t>(i)] = 1;
    if (static_cast<std::size_t>(i) < reads_.params.size())
      reads_.params[static_cast<std::size_t>(i)] = 1;
  }
  return i;
}

int IndicatorContext::slot_index(const std::string& n) const {
  const int i = find_index(slots_, n);
  if (i >= 0 && static_cast<std::size_t>(i) < reads_.slots.size())
    reads_.slots[static_cast<std::size_t>(i)] = 1;
  return i;
}

int IndicatorContext::event_index(const std::string& n) const {
  const int i = events_ != nullptr ? events_->index(n) : -1;
  if (i >= 0 && static_cast<std::size_t>(i) < reads_.events.size())
    reads_.events[static_cast<std::size_t>(i)] = 1;
  return i;
}

StreamKey IndicatorContext::stream_key(std::uint32_t k) const {
  if (k >= ind_->spec->stream_count()) throw std::logic_error("undeclared sub-stream");
  return sub_stream_key(ind_->name, k);
}

std::size_t IndicatorContext::counter_index(std::uint32_t k) const {
  if (k >= n_counters_) throw std::logic_error("undeclared counter");
  return first_counter_ + k;
}

std::vector<std::string> IndicatorContext::parameter_names() const {
  read_.assign(read_.size(), 1);
  reads_.params.assign(reads_.params.size(), 1);
  return names_by_index(params_);
}

std::vector<std::string> IndicatorContext::slot_names() const {
  reads_.slots.assign(reads_.slots.size(), 1);
  return names_by_index(slots_);
}

ParameterDefs parameter_defs(const Scenario& sc) {
  ParameterDefs d;
  for (const auto& p : sc.parameters) {
    d.index[p.name] = static_cast<int>(d.parameters.size());
    d.parameters.push_back(ParameterDef{p.name, p.dist, p.loc});
  }
  for (const auto& c : sc.correlations) {
    d.correlations.push_back(CorrelationDef{d.index.at(c.a), d.index.at(c.b), c.rho, c.loc});
  }
  return d;
}

}  // namespace plancast::sim_detail
