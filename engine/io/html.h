// The HTML kit of the reports: escaping, numbers for people, the document shell (with its
// inline CSS, laid out to print on A4), facts, sections. Internal to engine/io.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace plancast::html {

/// `s` as HTML text: &, <, >, " and ' escaped; invalid UTF-8 bytes become U+FFFD and
/// control characters (other than tab and newline) are dropped, so the file stays valid.
std::string esc(const std::string& s);

/// `x` with `decimals` decimals (fmt "{:.Nf}"); when its integer part has five digits or
/// more, a comma between groups of three ("12,345.6"; "1350" stays: four digits read fine).
std::string fixed(double x, int decimals);

/// A count for people: "1350", "12,000".
std::string count_text(std::uint64_t n);

/// A value for people: 4 significant digits, thousands grouped ("12,346", "1350", "15.23",
/// "0.1762"); "n/a" when not finite.
std::string value_text(double x);

/// A probability as a percentage ("22.0%").
std::string percent(double p);

/// A probability in calibrated words (the IPCC's likelihood scale, Mastrandrea et al. 2010;
/// docs/user-guide.md, "Reading the report's first page"): "virtually certain" (>= 99%),
/// "very likely" (>= 90%), "likely" (>= 66%), "about as likely as not" (>= 33%), "unlikely"
/// (> 10%), "very unlikely" (> 1%), "exceptionally unlikely" (<= 1%). Each class starts
/// where the one above it ends, so every probability has exactly one word.
const char* likelihood_words(double p);

/// The document up to <body>: doctype, UTF-8, `title`, the inline style sheet.
std::string page_open(const std::string& title);

/// The footer with `footer` (escaped) and the end of the document.
std::string page_close(const std::string& footer);

/// One fact of a header's <dl class="facts">.
std::string fact(const std::string& name, const std::string& value);

/// A table's opening up to its <tbody>: one header cell per column, a column whose name
/// starts with '#' right-aligned as numbers (the '#' not shown); `attrs` on <table>.
std::string table_head(std::initializer_list<const char*> columns, const char* attrs = "");

/// A table row: `name` (escaped) in the first cell, then one right-aligned cell per entry of
/// `numbers` (markup).
std::string table_row(const std::string& name, std::initializer_list<std::string> numbers);

/// One item of a legend: a swatch with `style` (CSS) before `label_html` (markup).
std::string swatch(const std::string& style, const std::string& label_html);

/// `body` in a <section> with an id (a link target, and a handle for print styles); nothing
/// when empty.
std::string section(const char* id, const std::string& body);

}  // namespace plancast::html
