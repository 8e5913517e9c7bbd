// The text layer (engine/core/format.h, engine/core/utf8.h): exact bytes of every number
// style and of the UTF-8 functions. The expected strings were first checked against the
// hand-written functions the module replaced (text.cpp, node_reader.cpp format_number,
// memory.cpp grouped and memory_text, loader_guards.cpp invalid_utf8), so they pin the
// outputs byte for byte.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "engine/analysis/memory.h"
#include "engine/config/loader_internal.h"
#include "engine/config/node_reader.h"
#include "engine/io/text.h"

using namespace plancast;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
std::string canonical_number(double x) {
  return format_number(x);
}
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
