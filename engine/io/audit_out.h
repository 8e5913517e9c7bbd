// The text and JSON of an audit (engine/analysis/audit.h), as `plancast audit` writes them.
#pragma once

#include <string>

#include "engine/analysis/audit.h"
#include "engine/config/scenario.h"

namespace plancast {

/// The heading of one kind of finding ("claim": "Stated growth claims against the history").
const char* audit_section_title(const std::string& kind);

/// The findings by section, wrapped within the text width, and the counts.
std::string audit_text(const Scenario& scenario, const AuditReport& report);
/// {"scenario", "variant", "scenario_sha256", "base_year", "claim_tolerance", "counts",
/// "findings": [{"kind", "subject", "grade", "message", "where", "values"}]}
std::string audit_json(const Scenario& scenario, const AuditReport& report);

}  // namespace plancast
