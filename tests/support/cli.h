// Calling the CLI's commands in-process from tests (tests/support).
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace plancast::test {

/// A command's entry point: cli_run, cli_audit, ... (engine/cli/cli.h).
using Command = int (*)(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

struct CliResult {
  int code = 0;
  std::string out, err;
};

/// Runs `command` with `args` and returns its exit code and what it wrote.
CliResult call(Command command, const std::vector<std::string>& args);
/// Runs `command` with `args` and "--json -", requires exit 0 and returns the JSON.
nlohmann::json json_of(Command command, std::vector<std::string> args);

/// Standard output of the built binary through the shell, `ENV plancast ARGS 2>/dev/null`
/// (env: "" or variable assignments, e.g. "GLIBC_TUNABLES=...").
std::string binary_stdout(const std::string& env, const std::string& args);

/// Checks that `text` (a command's output) holds each of `parts`: one CHECK a part.
void check_contains(const std::string& text, std::initializer_list<std::string_view> parts);

}  // namespace plancast::test
