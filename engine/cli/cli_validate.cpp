// `plancast validate`: load a scenario, every variant included, and compile it without
// simulating; report every problem with its place.
#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

const char* kValidateUsage =
    "usage: plancast validate SCENARIO [options]\n"
    "\n"
    "Checks the whole scenario file, every variant included, without simulating, and\n"
    "lists every problem as FILE:LINE:COL: error: MESSAGE. Exit 0 when it is valid, 2 if not.\n"
    "Targets no run can meet and implausible inputs (a growth rate above 100% a year, a %\n"
    "base outside [0, 100]) are printed as FILE:LINE:COL: warning: MESSAGE; they do not\n"
    "change the exit code.\n";

}  // namespace

int cli_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  cli::CommandOptions options(kValidateUsage);
  options.variant("check with this variant selected (every variant is checked in any case)")
      .set()
      .json(
          "on success, write a JSON summary ('-': stdout): scenario, sha256, indicators, "
          "targets, variants");
  const auto vm = options.parse(args, out);
  if (!vm) return 0;
  if (!vm->count("scenario")) throw UsageError("validate needs a SCENARIO file");
  const cli::CommonFlags flags = cli::read_common_flags(*vm, 1, kMaxRuns);

  const api::ValidateOutput v = api::validate(cli::scenario_source(*vm), flags.load);
  for (const std::string& w : v.warnings) err << w << "\n";
  err << std::flush;
  if (flags.json_path == "-") {
    out << api::to_json(v) << std::flush;
    if (!out) throw RunError("cannot write standard output");
    return 0;
  }
  if (!flags.json_path.empty()) write_output(flags.json_path, api::to_json(v));
  out << api::to_text(v) << std::flush;
  return 0;
}

}  // namespace plancast
