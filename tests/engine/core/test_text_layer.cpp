// The text layer (engine/core/format.h, engine/core/utf8.h): exact bytes of every number
// style and of the UTF-8 functions. The expected strings of the first test cases were
// checked against the hand-written functions the module replaced (text.cpp human_number,
// human_percent and display_width, node_reader.cpp format_number, memory.cpp grouped and
// memory_text, loader_guards.cpp invalid_utf8; commit f6bdd37), so they pin the outputs byte
// for byte; the printf test cases compare {fmt} with std::snprintf over many values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <set>
#include <string>

#include "engine/analysis/memory.h"
#include "engine/config/loader_internal.h"
#include "engine/core/format.h"
#include "engine/core/utf8.h"

using namespace plancast;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("human_number: up to 4 significant digits, whole from 1000, e-notation from 1e12",
          "[text][format]") {
  CHECK(human_number(1350) == "1350");
  CHECK(human_number(5509.8) == "5510");
  CHECK(human_number(999.96) == "1000");
  CHECK(human_number(9999.5) == "10000");
  CHECK(human_number(123456.7) == "123457");
  CHECK(human_number(-2.5e6) == "-2500000");
  CHECK(human_number(999999999999.4) == "999999999999");
  CHECK(human_number(1e12) == "1.000e+12");
  CHECK(human_number(-3.14159e15) == "-3.142e+15");
  CHECK(human_number(15.234) == "15.23");
  CHECK(human_number(15) == "15");
  CHECK(human_number(0.17623) == "0.1762");
  CHECK(human_number(0.000012345) == "1.234e-05");
  CHECK(human_number(-0.0) == "0");
  CHECK(human_number(-0.00001) == "-1e-05");
  CHECK(human_number(kNaN) == "n/a");
  CHECK(human_number(-kInf) == "n/a");
}

TEST_CASE("human_percent: one decimal, two near 0% and 100%", "[text][format]") {
  CHECK(human_percent(0.412) == "41.2%");
  CHECK(human_percent(0.0095) == "0.9%");
  CHECK(human_percent(0.0094) == "0.94%");
  CHECK(human_percent(0.0014) == "0.14%");
  CHECK(human_percent(0.9905) == "99.05%");
  CHECK(human_percent(0.99) == "99.0%");
  CHECK(human_percent(0.00005) == "0.01%");
  CHECK(human_percent(0.00001) == "<0.01%");
  CHECK(human_percent(0.99995) == ">99.99%");
  CHECK(human_percent(0) == "0%");
  CHECK(human_percent(-0.1) == "0%");
  CHECK(human_percent(1) == "100%");
  CHECK(human_percent(kNaN) == "n/a");
}

TEST_CASE("canonical_number: shortest round-trip text (scenario canonical text)",
          "[text][format]") {
  CHECK(canonical_number(0.02) == "0.02");
  CHECK(canonical_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(canonical_number(2000) == "2000");
  CHECK(canonical_number(1e15) == "1e+15");
  CHECK(canonical_number(123456789012345680.0) == "123456789012345680");
  CHECK(canonical_number(1e-7) == "1e-07");
  CHECK(canonical_number(-0.0) == "-0");
  CHECK(canonical_number(5e-324) == "5e-324");
}

TEST_CASE("grouped and memory_text", "[text][format]") {
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1000) == "1,000");
  CHECK(grouped(1234567) == "1,234,567");
  CHECK(grouped(18446744073709551615ull) == "18,446,744,073,709,551,615");
  CHECK(memory_text(10239) == "10239 bytes");
  CHECK(memory_text(10240) == "10.0 KB");
  CHECK(memory_text(std::uint64_t{3} << 29) == "1.5 GB");
}

TEST_CASE("display_width: East Asian wide characters count 2, controls and marks 0",
          "[text][utf8]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("嘉兴") == 4);
  CHECK(display_width("a\tb") == 2);
  CHECK(display_width("e\xCC\x81") == 1);         // e + combining acute
  CHECK(display_width("\xE2\x89\xA5") == 1);      // ≥
  CHECK(display_width("\xF0\x9F\x98\x80") == 2);  // 😀
  CHECK(display_width("\xEF\xBC\xA1") == 2);      // fullwidth A
  CHECK(display_width("") == 0);
}

namespace {
/// The message and column guard_text gives for `text` (one line), or "" when it accepts it.
std::string guard(const std::string& text) {
  DiagnosticList diags;
  loader_detail::guard_text(text, "f.yaml", diags, [&](std::size_t pos) {
    return loader_detail::loc_at(text, pos, "f.yaml");
  });
  return diags.empty() ? std::string() : diags.items()[0].str();
}
}  // namespace

TEST_CASE("guard_text: the UTF-8 check's acceptance and messages", "[text][utf8]") {
  const std::string bad = "f.yaml:1:3: error: invalid UTF-8 (byte ";
  const std::string tail = " is not valid here; save the file as UTF-8)";
  CHECK(guard("a: \xC3\xA9") == "");                          // é
  CHECK(guard("a: \xE5\x98\x89\xE5\x85\xB4") == "");          // 嘉兴
  CHECK(guard("a: \xF0\x9F\x98\x80") == "");                  // U+1F600
  CHECK(guard("a: \xF4\x8F\xBF\xBF") == "");                  // U+10FFFF
  CHECK(guard("a: \xEF\xBF\xBF") == "");                      // U+FFFF
  CHECK(guard("ab\xC0\xAF") == bad + "0xC0" + tail);          // overlong '/'
  CHECK(guard("ab\xE0\x80\xAF") == bad + "0xE0" + tail);      // overlong 3 bytes
  CHECK(guard("ab\xF0\x8F\xBF\xBF") == bad + "0xF0" + tail);  // overlong 4 bytes
  CHECK(guard("ab\xED\xA0\x80") == bad + "0xED" + tail);      // surrogate U+D800
  CHECK(guard("ab\xF4\x90\x80\x80") == bad + "0xF4" + tail);  // past U+10FFFF
  CHECK(guard("ab\xF8\x88\x80\x80\x80") == bad + "0xF8" + tail);
  CHECK(guard("ab\x80z") == bad + "0x80" + tail);     // a lone continuation byte
  CHECK(guard("ab\xC3z") == bad + "0xC3" + tail);     // a lead without its trail
  CHECK(guard("ab\xE5\x98") == bad + "0xE5" + tail);  // cut at the end
  CHECK(guard("ab\xFF") == bad + "0xFF" + tail);
  CHECK(guard("x\n\xC3\xA9\xC3") == "f.yaml:2:3: error: invalid UTF-8 (byte 0xC3" + tail);
}

namespace {

std::string printf_text(const char* f, int precision, double x) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, precision, x);
  return buf;
}

/// Doubles of every magnitude and sign, and the halves and nines where rounding turns.
std::vector<double> sample_values() {
  std::vector<double> xs = {0.0,    -0.0,   0.5,     1.5,     2.5,     0.125,     0.0625, 9999.5,
                            999.95, 99.995, 0.00095, 1e-5,    1e15,    1e16,      1e21,   1e300,
                            5e-324, 1e-300, 0.1,     1.0 / 3, 2.0 / 3, 12345.6789};
  std::mt19937_64 gen(20260601);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int k = 0; k < 4000; ++k) xs.push_back(mantissa(gen) * std::pow(10.0, exponent(gen)));
  for (int k = 0; k < 1000; ++k) xs.push_back(std::round(mantissa(gen) * 1e5) / 8);
  return xs;
}

}  // namespace

TEST_CASE("fixed_text, general_text, scientific_text: the bytes of printf", "[text][format]") {
  std::size_t differ = 0;
  for (double x : sample_values()) {
    for (int d = 0; d <= 8; ++d) {
      if (std::fabs(x) < 1e30 && fixed_text(x, d) != printf_text("%.*f", d, x)) ++differ;
      if (general_text(x, d) != printf_text("%.*g", d, x)) ++differ;
      if (scientific_text(x, d) != printf_text("%.*e", d, x)) ++differ;
      if (differ == 1) {
        FAIL_CHECK("first difference at x = " << canonical_number(x) << ", precision " << d);
        ++differ;
      }
    }
  }
  CHECK(differ == 0);
  CHECK(fixed_text(2.5, 0) == "2");  // round half to even on the exact binary value
  CHECK(fixed_text(-0.004, 2) == "-0.00");
  CHECK(general_text(9999.5, 4) == "1e+04");
  CHECK(scientific_text(1234.5, 3) == "1.234e+03");
}

TEST_CASE("group_thousands: commas in the integer part from a number of digits", "[text][format]") {
  CHECK(group_thousands("1350") == "1,350");
  CHECK(group_thousands("1350", 5) == "1350");
  CHECK(group_thousands("12345.678", 5) == "12,345.678");
  CHECK(group_thousands("-1234567.5") == "-1,234,567.5");
  CHECK(group_thousands("+123456") == "+123,456");
  CHECK(group_thousands("999") == "999");
  CHECK(group_thousands("0.12345") == "0.12345");
  CHECK(group_thousands("") == "");
}

TEST_CASE("significant: the planner and report styles", "[text][format]") {
  // kPlannerNumber is plausibility.cpp's former num(): "%.0f" for 1e4 <= |x| < 1e15, else
  // "%.4g"; kReportNumber is report.cpp's value_text().
  auto planner = [](double x) {
    const double a = std::fabs(x);
    return a >= 1e4 && a < 1e15 ? printf_text("%.*f", 0, x) : printf_text("%.*g", 4, x);
  };
  auto report = [](double x) -> std::string {
    if (!std::isfinite(x)) return "n/a";
    const double a = std::fabs(x);
    if (a >= 1e15) return printf_text("%.*e", 3, x);
    std::string s = a >= 1000 ? printf_text("%.*f", 0, x) : printf_text("%.*g", 4, x);
    if (s.find('e') != std::string::npos) s = printf_text("%.*f", 6, x);
    if (s == "-0") s = "0";
    return group_thousands(s, 5);
  };
  std::size_t differ = 0;
  for (double x : sample_values()) {
    if (significant(x, kPlannerNumber) != planner(x)) ++differ;
    if (significant(x, kReportNumber) != report(x)) ++differ;
  }
  CHECK(differ == 0);
  CHECK(significant(500, kPlannerNumber) == "500");
  CHECK(significant(0.05, kPlannerNumber) == "0.05");
  CHECK(significant(12345.4, kPlannerNumber) == "12345");
  CHECK(significant(9999.7, kPlannerNumber) == "1e+04");
  CHECK(significant(2e15, kPlannerNumber) == "2e+15");
  CHECK(significant(-0.0, kPlannerNumber) == "-0");
  CHECK(significant(kInf, kPlannerNumber) == "inf");
  CHECK(significant(12345.6, kReportNumber) == "12,346");
  CHECK(significant(1350, kReportNumber) == "1350");
  CHECK(significant(0.000012, kReportNumber) == "0.000012");
  CHECK(significant(2e15, kReportNumber) == "2.000e+15");
  CHECK(significant(kNaN, kReportNumber) == "n/a");
}

namespace {

/// Every string of one to four bytes that encodes a Unicode scalar value, by the definition
/// (RFC 3629), independently of utfcpp: a byte string is valid UTF-8 when it is a
/// concatenation of these.
std::string encode(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

}  // namespace

TEST_CASE("first_invalid_utf8 and next_code_point: every scalar value, and nothing else",
          "[text][utf8]") {
  std::size_t wrong = 0;
  std::set<std::string> valid;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string s = encode(cp);
    std::size_t i = 0;
    if (first_invalid_utf8("ab" + s) != std::string::npos) ++wrong;
    if (next_code_point(s, i) != cp || i != s.size()) ++wrong;
    if (s.size() <= 2) valid.insert(s);
  }
  CHECK(wrong == 0);
  // Every one- and two-byte string: valid exactly when it is one of the above (or two ASCII
  // bytes); an invalid one is reported at its first byte that starts no valid sequence, and
  // next_code_point then takes that byte as itself.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string s{static_cast<char>(a), static_cast<char>(b)};
      const bool ok = valid.count(s) || (a < 0x80 && b < 0x80);
      const std::size_t expected = ok                                        ? std::string::npos
                                   : a < 0x80 || valid.count(s.substr(0, 2)) ? 1
                                                                             : 0;
      if (first_invalid_utf8(s) != expected) ++wrong;
      std::size_t i = 0;
      const char32_t cp = next_code_point(s, i);
      if (!valid.count(s) && (i != 1 || cp != static_cast<char32_t>(a))) ++wrong;
    }
  }
  CHECK(wrong == 0);
  CHECK(is_valid_utf8("嘉兴"));
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));
  CHECK(to_valid_utf8("a\xC3z\xE5\x98\x89\xFF") == "a\xEF\xBF\xBDz\xE5\x98\x89\xEF\xBF\xBD");
  CHECK(to_valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("pad, truncate and fit to a width (display columns)", "[text][utf8]") {
  CHECK(pad_to_width("ab", 4) == "ab  ");
  CHECK(pad_to_width("ab", 4, Align::right) == "  ab");
  CHECK(pad_to_width("嘉兴", 6) == "嘉兴  ");
  CHECK(pad_to_width("abcdef", 4) == "abcdef");
  CHECK(truncate_to_width("abcdef", 6) == "abcdef");
  CHECK(truncate_to_width("abcdefg", 6) == "abcde~");
  CHECK(truncate_to_width("嘉兴市工业", 6) == "嘉兴~");  // 2+2 and '~'; a third would be 7
  CHECK(truncate_to_width("嘉兴市工业", 7) == "嘉兴市~");
  CHECK(truncate_to_width("a\tb\x7F", 3) == "ab");  // control characters dropped
  CHECK(truncate_to_width("abc", 0) == "~");
  CHECK(fit_to_width("嘉兴市工业", 6) == "嘉兴~ ");
  CHECK(fit_to_width("abcdefg", 6, Align::right) == "abcde~");
  CHECK(fit_to_width("7", 3, Align::right) == "  7");
}

TEST_CASE("wrap_lines and wrap_text: words filled into lines, long words cut", "[text][utf8]") {
  using Lines = std::vector<std::string>;
  CHECK(wrap_lines("the quick brown fox", 9, 9) == Lines{"the quick", "brown fox"});
  CHECK(wrap_lines("the quick brown fox", 3, 10) == Lines{"the", "quick", "brown fox"});
  CHECK(wrap_lines("  a\tb\nc  ", 10, 10) == Lines{"a b c"});
  CHECK(wrap_lines("", 10, 10) == Lines{""});
  CHECK(wrap_lines("ab abcdefgh cd", 4, 4) == Lines{"ab", "abcd", "efgh", "cd"});
  CHECK(wrap_lines("嘉兴市工业", 4, 4) == Lines{"嘉兴", "市工", "业"});
  CHECK(wrap_lines("嘉兴", 1, 1) == Lines{"嘉", "兴"});  // at least one code point a line
  CHECK(wrap_text("one two three four", 12, "  ", "    ") == "  one two\n    three\n    four\n");
  CHECK(wrap_text("", 10, "- ", "  ") == "- \n");
  CHECK(wrap_text("a b", 10) == "a b\n");
}
