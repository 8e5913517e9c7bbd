// The list of subcommands and the global --help / --version texts.
#include "engine/cli/cli.h"

namespace plancast {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"run", "simulate; no SCENARIO runs the bundled Jiaxing scenario", cli_run},
      {"validate", "check a scenario file and report every problem with its line", cli_validate},
      {"compare", "base and variants side by side, with paired differences", cli_compare},
      {"solve", "the value of an input at which a target has a given probability", cli_solve},
      {"sensitivity", "which parameters drive an outcome: Sobol indices or a tornado",
       cli_sensitivity},
      {"audit", "check the plan's own numbers: claims, base values, targets", cli_audit},
      {"models", "list the processes an indicator can use, with their parameters", cli_models},
      {"discover", "find the parameter ranges in which a target is missed (PRIM)", cli_discover},
      {"fit", "estimate a growth process (trend, noise) from a history series", cli_fit},
      {"merge", "combine shard files (run --shard K/N) into the whole job's results", cli_merge},
  };
  return list;
}

std::string version_text() {
  return std::string("plancast ") + PLANCAST_VERSION + "\n";
}

std::string global_help() {
  std::string s =
      "usage: plancast COMMAND [options]\n"
      "       plancast COMMAND --help\n"
      "       plancast --version\n"
      "\n"
      "plancast simulates many possible futures of a YAML scenario and reports how likely\n"
      "each plan target is and the range of each indicator.\n"
      "\n"
      "commands:\n";
  for (const Command& c : commands()) {
    std::string name = c.name;
    name.resize(12, ' ');
    s += "  " + name + c.summary + "\n";
  }
  s += "\n"
       "exit codes: 0 success, 1 failure while running, 2 bad input or usage, 130 interrupted\n";
  return s;
}

}  // namespace plancast
