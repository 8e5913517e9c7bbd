// Numbers as text, on {fmt}: the one place where plancast turns a double into characters
// (docs/architecture.md, "Text and numbers"). Every function is locale-independent and gives
// the same bytes as the printf conversion it names (tests/unit/test_text_layer.cpp compares
// them with std::snprintf).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace plancast {

/// printf "%.*f": `decimals` digits after the point ("3.14", "-0.50", "12").
std::string fixed_text(double x, int decimals);
/// printf "%.*g": `digits` significant digits, trailing zeros dropped, e-notation below 1e-4
/// and from 10^digits ("15.23", "0.1762", "1e+04").
std::string general_text(double x, int digits);
/// printf "%.*e": `decimals` digits after the point of the mantissa ("1.235e+12").
std::string scientific_text(double x, int decimals);

/// Shortest text that reads back as the same double (std::to_chars: "0.02", "1e+15",
/// "0.30000000000000004"). The number text of a scenario's canonical form, which
/// scenario_sha256 hashes: these bytes must never change.
std::string canonical_number(double x);

/// `number` (a plain decimal: optional sign, digits, optional fraction) with a comma between
/// groups of three digits of its integer part, when that part has at least `from_digits`
/// digits ("12345.6" -> "12,345.6"; "1350" stays with from_digits 5).
std::string group_thousands(std::string_view number, std::size_t from_digits = 4);
/// A whole number with thousands separators: "999", "1,000", "1,234,567".
std::string grouped(std::uint64_t v);

/// How significant() writes a number: general_text with `digits` below `whole_from`, whole
/// numbers (fixed, no decimals) up to `exponent_from`, e-notation from there.
struct NumberStyle {
  int digits = 4;                   ///< significant digits (below whole_from, and in e-notation)
  double whole_from = 1e3;          ///< |x| from here written as a whole number
  double exponent_from = 1e12;      ///< |x| from here in e-notation
  bool exponent_trimmed = false;    ///< e-notation as "%g" (1e+15) rather than "%e" (1.000e+15)
  int tiny_decimals = -1;           ///< >= 0: below whole_from, fixed with these decimals where
                                    ///< general_text would use e-notation ("0.000012")
  bool keep_negative_zero = false;  ///< "-0" stays (printf's), else written "0"
  bool not_finite_na = true;        ///< NaN and infinities as "n/a" (else printf's "nan", "inf")
  std::size_t group_from = 0;       ///< > 0: group_thousands(text, group_from)
};
/// `x` written in `style`.
std::string significant(double x, const NumberStyle& style = {});

/// Audit messages (plausibility, reach): whole numbers from 10,000 to 10^15, otherwise
/// "%.4g" (printf's "-0", "inf", "nan" kept): "500", "0.05", "12345", "1e+15".
inline constexpr NumberStyle kPlannerNumber{.digits = 4,
                                            .whole_from = 1e4,
                                            .exponent_from = 1e15,
                                            .exponent_trimmed = true,
                                            .keep_negative_zero = true,
                                            .not_finite_na = false};
/// HTML reports: 4 significant digits, whole from 1000, thousands grouped from five digits,
/// tiny values fixed with 6 decimals, e-notation from 1e15 ("12,346", "1350", "15.23",
/// "0.000012", "1.000e+15"); "n/a" when not finite.
inline constexpr NumberStyle kReportNumber{
    .digits = 4, .whole_from = 1e3, .exponent_from = 1e15, .tiny_decimals = 6, .group_from = 5};

/// The terminal summary's numbers: up to 4 significant digits, whole numbers from 1000,
/// e-notation from 1e12 ("1350", "5510", "15.23", "0.1762", "1.000e+12"); "0" for -0; "n/a"
/// when not finite.
std::string human_number(double x);
/// "41.2%", "0.14%", "99.87%", "0%", "100%", "<0.01%", ">99.99%"; "n/a" when not finite:
/// one decimal, two below 0.95% and from 99.05%.
std::string human_percent(double p);

}  // namespace plancast
