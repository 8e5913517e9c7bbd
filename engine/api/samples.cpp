// The library API (plancast.h): run_samples, every run as a row (engine/io/samples_out.h).
#include <fmt/format.h>

#include "engine/api/execution.h"
#include "engine/api/plancast.h"
#include "engine/io/output_file.h"
#include "engine/io/samples_out.h"
#include "engine/sim/run_rows.h"

namespace plancast::api {

SamplesPlan plan_samples(const Model& model, const SamplesRequest& request) {
  const Scenario& sc = scenario_of(*model);
  const SamplesTable table(*model, samples_years(sc, request.years), false);
  SamplesPlan plan;
  plan.columns = table.columns();
  plan.header_bytes = table.header().size();
  plan.row_bytes = table.row_bytes_bound();
  plan.bytes = plan.header_bytes + sc.simulation.runs * plan.row_bytes;
  return plan;
}

RunOutput run_samples(const Model& model, const Execution& execution, const SamplesRequest& request,
                      const SamplesWriter& write) {
  const Scenario& sc = scenario_of(*model);
  const SamplesTable table(*model, samples_years(sc, request.years), request.gzip);
  if (request.max_bytes) {
    const std::uint64_t bytes =
        table.header().size() + sc.simulation.runs * table.row_bytes_bound();
    if (bytes > *request.max_bytes) {
      throw UsageError(fmt::format(
          "samples: {} runs of up to {} bytes a row would take up to {} bytes, over the "
          "limit of {} (raise it, ask fewer runs or years, or write them to a file)",
          sc.simulation.runs, table.row_bytes_bound(), bytes, *request.max_bytes));
    }
  }
  check_budget(execution, "run", [&](std::uint64_t budget) {
    return estimate_run_memory(*model, execution.threads, 0, budget, execution.cancel,
                               /*one_pass=*/false);  // windows of rows
  });
  write(table.header());
  RunOutput out{sc, run_rows(*model, run_options(execution), table, write), {}, {}, 0};
  after_run(out, execution);
  return out;
}

RunOutput run_samples_to_file(const Model& model, const Execution& execution,
                              SamplesRequest request, const std::string& path) {
  request.gzip = samples_gzip(path);
  const SamplesPlan plan = plan_samples(model, request);
  if (request.max_bytes) {
    check_samples_disk(path, plan.bytes, scenario_of(*model).simulation.runs, plan.row_bytes,
                       *request.max_bytes);
    request.max_bytes.reset();  // checked here, against the disk
  }
  OutputSet out(nullptr, execution.cancel);
  RunOutput r;
  out.stage_stream(path, [&](const OutputSet::Append& append) {
    r = run_samples(model, execution, request, append);
  });
  out.commit();
  return r;
}

void merge_samples(const std::vector<std::string>& parts, bool gzip,
                   std::optional<std::uint64_t> runs, const SamplesWriter& write) {
  ::plancast::merge_samples(parts, gzip, runs, write);
}

}  // namespace plancast::api
