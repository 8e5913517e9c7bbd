// `plancast audit`: check a scenario's own numbers (claims, base values, targets, implied
// quantities) without simulating; exit 1 when any of them contradict each other.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/audit.h"
#include "engine/cli/bundled.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "engine/io/text.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kAuditUsage =
    "usage: plancast audit [SCENARIO] [options]\n"
    "\n"
    "Checks the scenario's own numbers without simulating: each stated growth claim against\n"
    "the history, base values against the history, the growth each target needs against\n"
    "history and the scenario's assumptions, and what a value target and a share target\n"
    "imply for the denominator, targets the model cannot reach at all (inconsistent), and\n"
    "inputs that are legal but implausible (plausibility: a growth rate above 100% a year,\n"
    "a % base outside [0, 100]). Each finding is graded ok, warning or inconsistent.\n"
    "Without SCENARIO, audits the bundled Jiaxing scenario.\n"
    "Exit 0 when nothing is inconsistent, 1 when something is, 2 on bad input.\n";

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

std::string report_text(const Scenario& sc, const AuditReport& r) {
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

std::string report_json(const Scenario& sc, const AuditReport& r) {
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

}  // namespace

int cli_audit(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  namespace po = cli::po;
  po::options_description desc("options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("variant", po::value<std::string>()->value_name("NAME"), "audit this variant")
    ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
     "override one value (YAML), after --variant; repeatable")
    ("json", po::value<std::string>()->value_name("F"),
     "write the findings as JSON ('-': stdout): {\"findings\": [{\"kind\", \"subject\", "
     "\"grade\", \"message\", \"values\"}], ...}");
  // clang-format on
  po::options_description all;
  all.add(desc).add_options()("scenario", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("scenario", 1);
  const po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << kAuditUsage << "\n" << desc << std::flush;
    return 0;
  }
  const std::string json_path = vm.count("json") ? vm["json"].as<std::string>() : "";
  if (vm.count("json") && json_path.empty()) throw UsageError("--json: empty file name");
  cli::check_outputs(vm, {{"--json", json_path}});

  LoadOptions opts;
  if (vm.count("variant")) opts.variant = vm["variant"].as<std::string>();
  if (vm.count("set")) opts.sets = vm["set"].as<std::vector<std::string>>();
  const Registry& registry = builtin_registry();
  const Scenario scenario =
      vm.count("scenario")
          ? load_scenario_file(vm["scenario"].as<std::string>(), opts, registry)
          : load_scenario_text(std::string(bundled_scenario_text()), kBundledName, opts, registry);

  const AuditReport report = audit_scenario(scenario);
  const int code = report.inconsistent() ? 1 : 0;
  cli::CancelOnSignal cancel;  // from here on, an interrupt writes nothing
  OutputSet outputs(&out, &cancel.flag());
  if (!json_path.empty()) outputs.stage(json_path, report_json(scenario, report));
  if (json_path != "-") write_stream(out, report_text(scenario, report), &cancel.flag());
  outputs.commit();
  return code;
}

}  // namespace plancast
