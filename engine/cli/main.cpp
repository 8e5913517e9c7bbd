// The plancast executable: dispatches to a subcommand and maps exceptions to exit codes
// (0 ok, 1 failure while running, 2 bad input or usage, 130 interrupted).
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "engine/cli/cli.h"
#include "engine/cli/mpi.h"
#include "engine/core/error.h"

namespace {

int usage_error(const std::string& message, const std::string& command) {
  std::cerr << "plancast: error: " << message << "\n"
            << "(see 'plancast " << (command.empty() ? "" : command + " ") << "--help')\n";
  return 2;
}

int dispatch(const std::vector<std::string>& args, std::string& command) {
  using namespace plancast;
  if (args.empty()) {
    std::cerr << global_help();
    return 2;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    if (first == "help" && args.size() > 1) {
      for (const Command& c : commands()) {
        if (args[1] == c.name) return c.main({"--help"}, std::cout, std::cerr);
      }
      throw UsageError("unknown command '" + args[1] + "'");
    }
    std::cout << global_help();
    return 0;
  }
  if (first == "--version" || first == "-V") {
    std::cout << version_text();
    return 0;
  }
  for (const Command& c : commands()) {
    if (first == c.name) {
      command = c.name;
      return c.main(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
    }
  }
  if (!first.empty() && first[0] == '-') throw UsageError("unknown option '" + first + "'");
  throw UsageError("unknown command '" + first + "'");
}

}  // namespace

static int run_command(int argc, char** argv) {
  std::string command;
  try {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const int code = dispatch(args, command);
    errno = 0;
    std::cout.flush();
    if (!std::cout) {
      const int err = errno;
      std::cerr << "plancast: error: cannot write standard output"
                << (err != 0 ? std::string(": ") + std::strerror(err) : std::string()) << "\n";
      return 1;
    }
    return code;
  } catch (const plancast::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
    if (e.diagnostics().empty()) std::cerr << "plancast: error: " << e.what() << "\n";
    return 2;
  } catch (const plancast::UsageError& e) {
    return usage_error(e.what(), command);
  } catch (const plancast::Interrupted&) {
    std::cerr << "plancast: interrupted; no output written\n";
    return 130;
  } catch (const plancast::RunError& e) {
    std::cerr << "plancast: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "plancast: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "plancast: error: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cerr << "plancast: error: unknown failure\n";
    return 1;
  }
}

int main(int argc, char** argv) {
  // A reader that goes away (`plancast ... | head`) makes writes fail with EPIPE, reported
  // as "cannot write standard output: Broken pipe" with exit 1, instead of killing the
  // process by SIGPIPE (docs/reliability.md, the error contract).
  ::signal(SIGPIPE, SIG_IGN);
  // Under mpirun/srun (PLANCAST_MPI builds): ranks share the runs; only rank 0 writes.
  plancast::cli::MpiSession mpi(&argc, &argv);
  if (*mpi.startup_error() != '\0') {
    std::cerr << "plancast: error: " << mpi.startup_error() << "\n";
    return mpi.finish(2);
  }
  return mpi.finish(run_command(argc, argv));
}
