// Implementation of the shared error types.
#include "engine/core/error.h"

namespace plancast {

std::string SourceLoc::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string Diagnostic::str() const {
  return loc.str() + ": error: " + message;
}

std::string Diagnostic::warning_str() const {
  return (loc.file.empty() ? std::string() : loc.str() + ": ") + "warning: " + message;
}

void DiagnosticList::error(const SourceLoc& loc, std::string message) {
  items_.push_back({loc, std::move(message)});
}

void DiagnosticList::throw_if_any() const {
  if (!items_.empty()) throw ScenarioError(items_);
}

namespace {
std::string join(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) {
    if (!out.empty()) out += '\n';
    out += d.str();
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diags)
    : std::runtime_error(join(diags)), diags_(std::move(diags)) {}

ScenarioError::ScenarioError(const SourceLoc& loc, const std::string& message)
    : ScenarioError(std::vector<Diagnostic>{{loc, message}}) {}

}  // namespace plancast
