// The frame of the audit, solve and discover reports (see report_command.h).
#include "engine/io/report_command.h"

#include "engine/core/format.h"
#include "engine/io/report_sections.h"

namespace plancast::report {

std::string command_header(const Scenario& sc, const std::string& command,
                           const std::vector<std::pair<std::string, std::string>>& facts) {
  const std::string title = sc.title.empty() ? sc.name : sc.title;
  std::string s = page_open(title + " \xE2\x80\x94 plancast " + command);
  s += "<header>\n<p class=\"sub\">plancast " + esc(command) + "</p>\n<h1>" + esc(title) +
       "</h1>\n<dl class=\"facts\">";
  s += fact("scenario", sc.name);
  s += fact("variant", sc.variant.empty() ? "base (none)" : sc.variant);
  s += fact("base year", std::to_string(sc.base_year));
  s += fact("horizon", std::to_string(sc.horizon));
  for (const auto& [name, value] : facts) {
    // A long value (a dotted path) spans two columns, as sensitivity's outcome does.
    s += value.size() > 18
             ? "<div class=\"wide\"><dt>" + esc(name) + "</dt><dd>" + esc(value) + "</dd></div>"
             : fact(name, value);
  }
  s += "</dl>\n</header>\n";
  return s;
}

std::string target_words(const Scenario& sc, const TargetSpec& t) {
  const IndicatorSpec* ind = sc.find_indicator(t.indicator);
  const std::string unit = ind != nullptr ? ind->unit : "";
  std::string s = t.indicator + " " + op_text(t.op == TargetOp::at_most ? "<=" : ">=") + " " +
                  general_text(t.value, 6);
  if (!unit.empty()) s += " " + unit;
  return s + (t.by ? " by " : " in ") + std::to_string(t.year);
}

const TargetSpec* find_target(const Scenario& sc, const std::string& id) {
  for (const TargetSpec& t : sc.targets) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::string probability_axes(const Frame& f, const Axis& x, bool x_percent,
                             const std::string& x_caption) {
  std::string s;
  for (double v : f.y.ticks) {
    s += line_el(f.left, f.Y(v), f.left + f.width, f.Y(v), "grid");
    s += text_el(f.left - 6, f.Y(v) + 4, percent(v), "tick", "end");
  }
  const double base = f.top + f.height;
  s += line_el(f.left, base, f.left + f.width, base, "axis");
  for (double v : x.ticks) {
    s += line_el(f.X(v), base, f.X(v), base + 4, "axis");
    s += text_el(f.X(v), base + 16, x_percent ? percent(v) : x.label(v), "tick", "middle");
  }
  s += text_el(f.left + f.width / 2, base + 34, x_caption, "unit", "middle");
  return s;
}

std::string command_close(const Scenario& sc) {
  return section("assumptions", assumptions_section(sc)) +
         page_close("plancast \xC2\xB7 scenario " + sc.name + " \xC2\xB7 scenario_sha256 " +
                    sc.sha256);
}

}  // namespace plancast::report
