// The text and JSON of `plancast audit` (see audit_out.h).
#include "engine/io/audit_out.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/io/text.h"

namespace plancast {

namespace {

/// Words of `text` filled into lines of at most `width` columns (display columns); a word
/// longer than a line stays whole on its own line unless it is wider than `width`, in which
/// case it is cut at byte boundaries of ASCII text.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> lines;
  std::string line, word;
  auto flush_word = [&]() {
    while (display_width(word) > width) {
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
      }
      std::size_t i = 0;
      while (i < word.size() && display_width(word.substr(0, i + 1)) <= width) ++i;
      while (i < word.size() && (word[i] & 0xC0) == 0x80) --i;  // not inside a code point
      if (i == 0) i = 1;
      lines.push_back(word.substr(0, i));
      word.erase(0, i);
    }
    if (word.empty()) return;
    if (line.empty()) {
      line = word;
    } else if (display_width(line) + 1 + display_width(word) <= width) {
      line += ' ';
      line += word;
    } else {
      lines.push_back(line);
      line = word;
    }
    word.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      flush_word();
    } else {
      word += c;
    }
  }
  flush_word();
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string pad(const std::string& s, std::size_t width) {
  std::string out = s;
  const std::size_t n = display_width(s);
  if (n < width) out.append(width - n, ' ');
  return out;
}

const char* section_title(const std::string& kind) {
  if (kind == "claim") return "Stated growth claims against the history";
  if (kind == "base") return "Base values against the history";
  if (kind == "target") return "Growth each target needs";
  if (kind == "plausibility") return "Plausibility of the inputs";
  return "What the targets imply together";
}

}  // namespace

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
        s += section_title(kind);
        s += "\n";
        s += pad("grade", kGradeWidth);
        s += pad("subject", subject_width);
        s += "finding\n";
        any = true;
      }
      std::string row = pad(to_string(f.grade), kGradeWidth);
      if (display_width(f.subject) + 2 > subject_width) {
        // A long subject gets its own line; the message starts below it.
        s += row;
        s += f.subject;
        s += "\n";
        row = std::string(start, ' ');
      } else {
        row += pad(f.subject, subject_width);
      }
      bool first = true;
      for (const std::string& line : wrap(f.message, message_width)) {
        s += first ? row : std::string(start, ' ');
        s += line;
        s += "\n";
        first = false;
      }
    }
  }
  s += "\n";
  s += std::to_string(r.findings.size());
  s += " findings: ";
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
