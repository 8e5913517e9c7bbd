// Internal to engine/sim (and bench/micro.cpp, which compiles one process the same way):
// the CompileContext that compile() lends each indicator's process, and the scenario's
// parameters as the parameter sampler takes them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "engine/random/parameter_sampler.h"
#include "engine/sim/events.h"

namespace plancast::sim_detail {

/// What one indicator's process looked up while it compiled (IndicatorContext): per
/// parameter index, slot and event, 1 if looked up. parameter_names() / slot_names() mark
/// every one. Read by compare's reuse (compile_reuse.h): what the process can depend on.
struct IndicatorReads {
  std::vector<char> params, slots, events;
};

/// Names to indices over one scenario, for one indicator at a time (set_indicator). The
/// maps are borrowed: they must outlive the context.
class IndicatorContext final : public CompileContext {
 public:
  IndicatorContext(const Scenario& sc, const std::map<std::string, int>& params,
                   const std::map<std::string, int>& slots)
      : sc_(sc), params_(params), slots_(slots) {}
  /// The indicator whose process compiles next, the slots it writes, and the places of its
  /// declared counters (first_counter .. first_counter + n_counters - 1).
  void set_indicator(const IndicatorSpec& ind, std::vector<int> out, std::size_t first_counter = 0,
                     std::size_t n_counters = 0) {
    ind_ = &ind;
    out_ = std::move(out);
    reads_ =
        IndicatorReads{std::vector<char>(params_.size(), 0), std::vector<char>(slots_.size(), 0),
                       std::vector<char>(events_ != nullptr ? events_->size() : 0, 0)};
    first_counter_ = first_counter;
    n_counters_ = n_counters;
  }
  const Scenario& scenario() const override { return sc_; }
  int parameter_index(const std::string& n) const override;
  int slot_index(const std::string& n) const override;
  const std::vector<int>& output_slots() const override { return out_; }
  const std::string& indicator_name() const override { return ind_->name; }
  bool has_base() const override { return ind_->has_base; }
  double base() const override { return ind_->base; }
  /// Throws std::logic_error for a sub-stream the process did not declare (stream_count()).
  StreamKey stream_key(std::uint32_t k) const override;
  /// The scenario's events (borrowed), for event_index.
  void set_events(const EventTable* events) { events_ = events; }
  int event_index(const std::string& n) const override;
  /// Throws std::logic_error for a counter the process did not declare (counters()).
  std::size_t counter_index(std::uint32_t k) const override;
  int n_parameters() const override { return static_cast<int>(params_.size()); }
  int n_slots() const override { return static_cast<int>(slots_.size()); }
  std::vector<std::string> parameter_names() const override;
  std::vector<std::string> slot_names() const override;
  /// Per parameter index: 1 if some process compiled so far looked it up (parameter_index,
  /// or parameter_names for all of them).
  const std::vector<char>& parameters_read() const { return read_; }
  /// What the indicator of the last set_indicator() looked up so far.
  const IndicatorReads& indicator_reads() const { return reads_; }

 private:
  const Scenario& sc_;
  const std::map<std::string, int>& params_;
  const std::map<std::string, int>& slots_;
  const IndicatorSpec* ind_ = nullptr;
  std::vector<int> out_;
  std::size_t first_counter_ = 0, n_counters_ = 0;
  const EventTable* events_ = nullptr;
  mutable std::vector<char> read_ = std::vector<char>(params_.size(), 0);
  mutable IndicatorReads reads_;
};

/// A scenario's parameters in file order, their index by name, and its correlations between
/// those indices: what ParameterSampler's constructor takes.
struct ParameterDefs {
  std::map<std::string, int> index;
  std::vector<ParameterDef> parameters;
  std::vector<CorrelationDef> correlations;
};
ParameterDefs parameter_defs(const Scenario& sc);

}  // namespace plancast::sim_detail
