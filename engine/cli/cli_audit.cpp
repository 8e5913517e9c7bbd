// `plancast audit`: check a scenario's own numbers (claims, base values, targets, implied
// quantities) without simulating; exit 1 when any of them contradict each other.
#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

const char* kAuditUsage =
    "usage: plancast audit [SCENARIO] [options]\n"
    "\n"
    "Checks the scenario's own numbers without simulating: each stated growth claim against\n"
    "the history, base values against the history, the growth each target needs against\n"
    "history and the scenario's assumptions, and what a value target and a share target\n"
    "imply for the denominator, targets the model cannot reach at all (inconsistent), and\n"
    "inputs that are legal but implausible (plausibility: a growth rate above 100% a year,\n"
    "a % base outside [0, 100]). Each finding is graded ok, warning or inconsistent.\n"
    "Without SCENARIO, audits the bundled Jiaxing scenario.\n"
    "Exit 0 when nothing is inconsistent, 1 when something is, 2 on bad input.\n";

}  // namespace

int cli_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  cli::CommandOptions options(kAuditUsage);
  options.variant("audit this variant")
      .set()
      .json(
          "write the findings as JSON ('-': stdout): {\"findings\": [{\"kind\", \"subject\", "
          "\"grade\", \"message\", \"values\"}], ...}")
      .report(
          "write a self-contained HTML report (the findings graded, each target's needed "
          "growth against history and assumption as a chart)")
      .quiet("print nothing but errors (the exit code still says whether it is consistent)");
  const auto vm = options.parse(args, out);
  if (!vm) return 0;
  const cli::CommonFlags flags = cli::read_common_flags(*vm, 1, kMaxRuns);
  const api::AuditOutcome a = api::audit(cli::scenario_source(*vm), flags.load);
  const int code = a.report.inconsistent() ? 1 : 0;
  cli::CancelOnSignal cancel;  // from here on, an interrupt writes nothing
  OutputSet outputs(&out, &cancel.flag());
  if (!flags.json_path.empty()) outputs.stage(flags.json_path, api::to_json(a));
  if (!flags.report_path.empty()) outputs.stage(flags.report_path, api::to_report(a));
  if (!flags.quiet && flags.json_path != "-") write_stream(out, api::to_text(a), &cancel.flag());
  outputs.commit();
  return code;
}

}  // namespace plancast
