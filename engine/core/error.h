// Error types shared by the whole engine: source locations and the exceptions that main()
// maps to exit codes (2 = bad input or usage, 1 = failure while running).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace plancast {

/// A place in an input file. line and col are 1-based; 0 means "unknown" (whole file).
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;
  /// "FILE:LINE:COL" (or "FILE" when the line is unknown).
  std::string str() const;
  bool operator==(const SourceLoc&) const = default;
};

/// One problem found in an input, already phrased "problem (why) suggestion".
struct Diagnostic {
  SourceLoc loc;
  std::string message;
  /// "FILE:LINE:COL: error: MESSAGE"
  std::string str() const;
  /// The same problem as a warning (suspicious but legal input; the command still runs):
  /// "FILE:LINE:COL: warning: MESSAGE", or "warning: MESSAGE" when there is no file.
  std::string warning_str() const;
};

/// Collects every problem of one input so that all of them are reported at once.
class DiagnosticList {
 public:
  void error(const SourceLoc& loc, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Throws ScenarioError holding every diagnostic, if there is at least one.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
};

/// Bad input (scenario file, command-line value): exit code 2. what() joins all lines.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diags);
  ScenarioError(const SourceLoc& loc, const std::string& message);
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
};

/// Wrong command-line usage: exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Failure while running (I/O error, resource exhausted): exit code 1.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The run was interrupted (SIGINT/SIGTERM): exit code 130.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace plancast
