// The text and JSON of `plancast audit` (see audit_out.h).
#include "engine/io/audit_out.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/utf8.h"
#include "engine/io/text.h"

namespace plancast {

const char* audit_section_title(const std::string& kind) {
  if (kind == "claim") return "Stated growth claims against the history";
  if (kind == "base") return "Base values against the history";
  if (kind == "target") return "Growth each target needs";
  if (kind == "plausibility") return "Plausibility of the inputs";
  return "What the targets imply together";
}

std::string audit_text(const Scenario& sc, const AuditReport& r) {
  std::string s = "audit of ";
  s += sc.name;
  if (!sc.variant.empty()) {
    s += " (variant ";
    s += sc.variant;
    s += ")";
  }
  s += ", base year ";
  s += std::to_string(sc.base_year);
  s += "\n";
  constexpr std::size_t kGradeWidth = 14;  // "inconsistent" + 2
  constexpr std::size_t kMaxSubject = 24;
  std::size_t subject_width = 7;  // "subject"
  for (const AuditFinding& f : r.findings) {
    subject_width = std::max(subject_width, std::min(kMaxSubject, display_width(f.subject)));
  }
  subject_width += 2;
  const std::size_t start = kGradeWidth + subject_width;
  const std::size_t message_width = kTextWidth - start;
  for (const char* kind : {"claim", "base", "target", "implied", "plausibility"}) {
    bool any = false;
    for (const AuditFinding& f : r.findings) {
      if (f.kind != kind) continue;
      if (!any) {
        s += "\n";
        s += audit_section_title(kind);
        s += "\n";
        s += pad_to_width("grade", kGradeWidth);
        s += pad_to_width("subject", subject_width);
        s += "finding\n";
        any = true;
      }
      std::string row = pad_to_width(to_string(f.grade), kGradeWidth);
      if (display_width(f.subject) + 2 > subject_width) {
        // A long subject gets its own line; the message starts below it.
        s += row;
        s += f.subject;
        s += "\n";
        row = std::string(start, ' ');
      } else {
        row += pad_to_width(f.subject, subject_width);
      }
      bool first = true;
      for (const std::string& line : wrap_lines(f.message, message_width, message_width)) {
        s += first ? row : std::string(start, ' ');
        s += line;
        s += "\n";
        first = false;
      }
    }
  }
  s += "\n";
  s += std::to_string(r.findings.size());
  s += r.findings.size() == 1 ? " finding: " : " findings: ";
  s += std::to_string(r.count(AuditGrade::ok));
  s += " ok, ";
  s += std::to_string(r.count(AuditGrade::warning));
  s += " warning";
  s += r.count(AuditGrade::warning) == 1 ? "" : "s";
  s += ", ";
  s += std::to_string(r.count(AuditGrade::inconsistent));
  s += " inconsistent\n";
  return s;
}

std::string audit_json(const Scenario& sc, const AuditReport& r) {
  using J = nlohmann::ordered_json;
  J j;
  j["scenario"] = sc.name;
  j["variant"] = sc.variant.empty() ? J(nullptr) : J(sc.variant);
  j["scenario_sha256"] = sc.sha256;
  j["base_year"] = sc.base_year;
  j["claim_tolerance"] = kClaimTolerance;
  J counts;
  counts["ok"] = r.count(AuditGrade::ok);
  counts["warning"] = r.count(AuditGrade::warning);
  counts["inconsistent"] = r.count(AuditGrade::inconsistent);
  j["counts"] = counts;
  j["findings"] = J::array();
  for (const AuditFinding& f : r.findings) {
    J o;
    o["kind"] = f.kind;
    o["subject"] = f.subject;
    o["grade"] = to_string(f.grade);
    o["message"] = f.message;
    if (f.loc.line > 0) o["where"] = f.loc.str();
    J values = J::object();
    for (const auto& [k, v] : f.values) values[k] = std::isfinite(v) ? J(v) : J(nullptr);
    o["values"] = values;
    j["findings"].push_back(std::move(o));
  }
  return j.dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace plancast
