// The HTML kit of the reports (see html.h): escaping, numbers for people, the document
// shell with its inline CSS, facts and sections.
#include "engine/io/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <locale>

#include "engine/io/text.h"

namespace plancast::html {

namespace {

const char* kCss = R"(
:root { --ink: #1d2733; --muted: #5b6673; --line: #c9d0d8; --fan1: #cfe0f1; --fan2: #8fb9e0;
  --median: #114a82; --target: #c0392b; --hist: #111; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; color: var(--ink); margin: 0 auto;
  padding: 18px 22px 40px; max-width: 1180px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 2px solid var(--line);
  padding-bottom: 3px; break-after: avoid; }
h3 { font-size: 14px; margin: 0 0 2px; }
p.sub, .sub { color: var(--muted); font-size: 12.5px; margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 4px 16px; margin: 8px 0 4px; }
dl.facts div { border-left: 3px solid var(--line); padding-left: 8px; }
dl.facts dt { color: var(--muted); font-size: 12px; }
dl.facts dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e7ec;
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1.5px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.prob { font-weight: 700; font-size: 14px; }
tr { break-inside: avoid; }
.l0 { background: #e08060; } .l1 { background: #f6cdb4; } .l2 { background: #eeeeea; }
.l3 { background: #c4dcee; } .l4 { background: #7fb3d8; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted);
  margin: 4px 0; }
.legend span.sw { display: inline-block; width: 14px; height: 10px; margin-right: 4px;
  vertical-align: -1px; border: 1px solid #aab; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr));
  gap: 18px 26px; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.single { max-width: 760px; }
dl.facts div.wide { grid-column: span 2; }
figcaption { margin-bottom: 2px; }
svg { width: 100%; height: auto; display: block; overflow: visible; }
svg text { font-size: 12px; fill: var(--ink); }
svg .tick { fill: var(--muted); }
svg .strong { font-weight: 700; fill: var(--ink); }
svg .unit { fill: var(--muted); font-size: 11px; }
svg .lab { font-size: 12px; font-weight: 600; fill: #8e2a1c; paint-order: stroke; stroke: #fff; stroke-width: 3.5px;
  stroke-linejoin: round; }
svg .grid { stroke: #e6e9ee; stroke-width: 1; }
svg .axis { stroke: #8a949f; stroke-width: 1; }
svg .mark { stroke: #9aa5b1; stroke-width: 1; stroke-dasharray: 4 3; }
svg .fan1 { fill: var(--fan1); } svg .fan2 { fill: var(--fan2); }
svg .median { fill: none; stroke: var(--median); stroke-width: 2.2; }
svg .hist { fill: var(--hist); }
svg .histline { fill: none; stroke: var(--hist); stroke-width: 1.2; stroke-dasharray: 2 2; }
svg .target { fill: var(--target); stroke: #fff; stroke-width: 1; }
svg .tline { stroke: var(--target); stroke-width: 1.5; }
svg .whisker { stroke: #222; stroke-width: 1.3; }
.note { font-size: 12px; color: var(--muted); }
.answers { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 10px 18px; }
.answer { border-left: 4px solid var(--line); padding: 2px 0 2px 10px; break-inside: avoid; }
.answer p { margin: 2px 0; font-size: 13px; }
.answer p.verdict { font-size: 15px; }
.answer .k { color: var(--muted); font-size: 12px; margin-right: 4px; }
svg .pt { fill: var(--median); }
footer { margin-top: 30px; font-size: 11px; color: var(--muted); border-top: 1px solid var(--line);
  padding-top: 6px; word-break: break-all; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  .charts { grid-template-columns: 1fr; gap: 10px; }  /* one chart per row: 12 px labels stay legible */
  h2 { margin-top: 16px; }
  .pagebreak { break-before: page; }
  section#answer { break-after: page; }
  .answers { grid-template-columns: 1fr 1fr; }
}
)";

}  // namespace

/// `s` as HTML text: &, <, >, " and ' escaped; invalid UTF-8 bytes become U+FFFD and
/// control characters (other than tab and newline) are dropped, so the file stays valid.
std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          if (b >= 0x20 || b == '\t' || b == '\n') out += static_cast<char>(b);
          if (b == 0x7F) out.pop_back();
      }
      ++i;
      continue;
    }
    const std::size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    }
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

namespace {

/// Numbers written with a comma between groups of three digits, whatever the machine's
/// locale.
const std::locale& comma_locale() {
  struct Comma : std::numpunct<char> {
    char do_thousands_sep() const override { return ','; }
    std::string do_grouping() const override { return "\3"; }
  };
  static const std::locale loc(std::locale::classic(), new Comma);
  return loc;
}

/// How many digits `plain` has before its decimal point (a sign not counted).
std::size_t integer_digits(const std::string& plain) {
  const std::size_t start = (!plain.empty() && (plain[0] == '-' || plain[0] == '+')) ? 1 : 0;
  return std::min(plain.find('.'), plain.size()) - start;
}

}  // namespace

std::string fixed(double x, int decimals) {
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (integer_digits(s) > 4) s = fmt::format(comma_locale(), "{:.{}Lf}", x, decimals);
  return s;
}

std::string count_text(std::uint64_t n) {
  return n >= 10000 ? fmt::format(comma_locale(), "{:L}", n) : fmt::format("{}", n);
}

std::string value_text(double x) {
  if (!std::isfinite(x)) return "n/a";
  const double a = std::fabs(x);
  if (a >= 1e15) return fmt::format("{:.3e}", x);
  if (a >= 1000) return fixed(x, 0);
  std::string s = fmt::format("{:.4g}", x);
  if (s.find('e') != std::string::npos) s = fmt::format("{:.6f}", x);  // tiny values
  if (s == "-0") s = "0";
  return s;
}

std::string percent(double p) {
  return human_percent(p);
}

const char* likelihood_words(double p) {
  if (p >= 0.99) return "virtually certain";
  if (p >= 0.90) return "very likely";
  if (p >= 0.66) return "likely";
  if (p >= 0.33) return "about as likely as not";
  if (p > 0.10) return "unlikely";
  if (p > 0.01) return "very unlikely";
  return "exceptionally unlikely";
}

std::string page_open(const std::string& title) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  s += "<title>" + esc(title) + "</title>\n<style>" + std::string(kCss) + "</style>\n";
  s += "</head>\n<body>\n";
  return s;
}

std::string page_close(const std::string& footer) {
  return "<footer>" + esc(footer) + "</footer>\n</body>\n</html>\n";
}

std::string fact(const std::string& name, const std::string& value) {
  return "<div><dt>" + esc(name) + "</dt><dd>" + esc(value) + "</dd></div>";
}

std::string table_head(std::initializer_list<const char*> columns, const char* attrs) {
  std::string s = std::string("<table") + attrs + "><thead><tr>";
  for (const char* c : columns) {
    s += c[0] == '#' ? std::string("<th class=\"num\">") + (c + 1) : std::string("<th>") + c;
    s += "</th>";
  }
  return s + "</tr></thead><tbody>\n";
}

std::string table_row(const std::string& name, std::initializer_list<std::string> numbers) {
  std::string s = "<tr><td>" + esc(name) + "</td>";
  for (const std::string& n : numbers) s += "<td class=\"num\">" + n + "</td>";
  return s + "</tr>\n";
}

std::string swatch(const std::string& style, const std::string& label_html) {
  return "<span><span class=\"sw\" style=\"" + style + "\"></span>" + label_html + "</span>";
}

/// `body` in a <section> with an id (a link target, and a handle for print styles); nothing
/// when empty.
std::string section(const char* id, const std::string& body) {
  if (body.empty()) return "";
  return std::string("<section id=\"") + id + "\">\n" + body + "</section>\n";
}

}  // namespace plancast::html
