// Numbers as text on {fmt} (format.h).
#include "engine/core/format.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace plancast {

std::string fixed_text(double x, int decimals) {
  return fmt::format("{:.{}f}", x, decimals);
}

std::string general_text(double x, int digits) {
  return fmt::format("{:.{}g}", x, digits);
}

std::string scientific_text(double x, int decimals) {
  return fmt::format("{:.{}e}", x, decimals);
}

std::string canonical_number(double x) {
  char buf[64];  // the longest shortest form of a double is 24 characters
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

std::string group_thousands(std::string_view number, std::size_t from_digits) {
  const std::size_t start = !number.empty() && (number[0] == '-' || number[0] == '+') ? 1 : 0;
  const std::size_t end = std::min(number.find('.'), number.size());
  if (end - start < from_digits) return std::string(number);
  std::string out(number.substr(0, start));
  for (std::size_t k = start; k < end; ++k) {
    if (k > start && (end - k) % 3 == 0) out += ',';
    out += number[k];
  }
  out += number.substr(end);
  return out;
}

std::string grouped(std::uint64_t v) {
  return group_thousands(fmt::format_int(v).str());
}

std::string significant(double x, const NumberStyle& style) {
  const double a = std::fabs(x);
  std::string s;
  if (!std::isfinite(x)) {
    if (style.not_finite_na) return "n/a";
    s = general_text(x, style.digits);
  } else if (a >= style.exponent_from) {
    s = style.exponent_trimmed ? general_text(x, style.digits)
                               : scientific_text(x, style.digits - 1);
  } else if (a >= style.whole_from) {
    s = fixed_text(x, 0);
  } else {
    s = general_text(x, style.digits);
    if (style.tiny_decimals >= 0 && s.find('e') != std::string::npos) {
      s = fixed_text(x, style.tiny_decimals);
    }
  }
  if (!style.keep_negative_zero && s == "-0") s = "0";
  return style.group_from > 0 ? group_thousands(s, style.group_from) : s;
}

std::string human_number(double x) {
  return significant(x);
}

std::string human_percent(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p <= 0) return "0%";
  if (p >= 1) return "100%";
  // Two decimals near 0 and 1, where one would hide the difference between 0.04% and 0.14%.
  if (p < 0.00005) return "<0.01%";
  if (p >= 0.99995) return ">99.99%";
  return fixed_text(100.0 * p, p < 0.0095 || p >= 0.9905 ? 2 : 1) + "%";
}

}  // namespace plancast
