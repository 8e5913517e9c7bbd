// The plancast subcommands as functions, so tests can call them in-process; main.cpp only
// dispatches to them and maps exceptions to exit codes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace plancast {

/// Each subcommand takes the arguments after its name ("run a.yaml --runs 5" → {"a.yaml",
/// "--runs", "5"}), writes its normal output to `out` and progress to `err`, and returns the
/// exit code (0). Problems are thrown, never printed: ScenarioError (bad scenario, exit 2),
/// UsageError (bad command line, exit 2), RunError (exit 1), Interrupted (exit 130).

/// plancast run [SCENARIO] [--runs N] [--seed S] [--threads T] [--sampler mc|lhs|sobol]
///              [--variant NAME] [--set PATH=VALUE]... [--json F] [--csv F] [--quiet]
int cli_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast validate SCENARIO [--variant NAME] [--set PATH=VALUE]... [--json F]
int cli_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast models [--json F]: every process of builtin_registry() with its parameter table
/// (text within 100 columns; JSON {"processes": [{"key", "summary", "base", "keys": [...]}]}).
int cli_models(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast discover [SCENARIO] --target ID [--find missed|met] [--runs N] [--seed S]
///   [--threads T] [--variant NAME] [--set PATH=VALUE]... [--alpha A] [--min-mass M] [--json F]
int cli_discover(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast sensitivity [SCENARIO] --of INDICATOR@YEAR|TARGET_ID [--method sobol|tornado]
///   [--runs N] [--seed S] [--threads T] [--variant NAME] [--set PATH=VALUE]... [--json F]
int cli_sensitivity(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast audit [SCENARIO] [--variant NAME] [--set PATH=VALUE]... [--json F]: checks the
/// scenario's own numbers; returns 1 when a finding is inconsistent, 0 otherwise.
int cli_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast compare [SCENARIO] [--variants a,b,...] [--runs N] [--seed S] [--threads T]
///   [--set PATH=VALUE]... [--json F] [--quiet]: base and variants with common random numbers.
int cli_compare(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast solve SCENARIO --target ID --vary PATH --probability P [--lo L --hi H] [--runs N]
///   [--seed S] [--threads T] [--variant NAME] [--set PATH=VALUE]... [--json F] [--quiet]
int cli_solve(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast merge SHARD... [--json F] [--csv F] [--report F.html] [--quiet]: shard files of
/// one job (run --shard K/N) combined into the whole job's results (docs/scale-out.md).
int cli_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// plancast fit SCENARIO --indicator NAME | FILE.csv --column NAME [--form simple|log]
///   [--process growth|logistic --cap C] [--json F]: a history series' growth process.
int cli_fit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// One subcommand: its name, a one-line summary and its entry point.
struct Command {
  const char* name;
  const char* summary;
  int (*main)(const std::vector<std::string>&, std::ostream&, std::ostream&);
};
/// The subcommands, in the order `plancast --help` lists them.
const std::vector<Command>& commands();

/// `plancast --help`: usage, the commands, the exit codes.
std::string global_help();
/// `plancast --version`: "plancast 0.1.0".
std::string version_text();

}  // namespace plancast
