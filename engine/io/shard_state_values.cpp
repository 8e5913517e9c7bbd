// The plain JSON value readers of a shard's run state (shard_state_values.h).
#include "engine/io/shard_state_values.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/io/shard.h"

namespace plancast::shard_detail {

void StateValues::fail(const std::string& at, const std::string& what) {
  throw StateError(at, (at.empty() ? std::string() : at.substr(1) + ": ") + what);
}

void StateValues::keys(const json& j, const std::string& at, const std::vector<const char*>& keys) {
  if (!j.is_object()) fail(at, "expected an object");
  for (const char* k : keys) {
    if (!j.contains(k)) fail(at, std::string("no \"") + k + "\"");
  }
  if (j.size() != keys.size()) {
    for (const auto& item : j.items()) {
      const std::string& k = item.key();
      if (std::none_of(keys.begin(), keys.end(), [&](const char* w) { return k == w; })) {
        fail(at + "/" + pointer_token(k), "\"" + k.substr(0, 40) + "\" is not part of a state");
      }
    }
  }
}

std::string StateValues::pointer_token(const std::string& k) {
  std::string s;
  for (char c : k.substr(0, 200)) s += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return s;
}

std::uint64_t StateValues::count(const json& x, const std::string& at) {
  if (!x.is_number_unsigned()) fail(at, "not a count (an integer from 0)");
  return x.get<std::uint64_t>();
}

std::uint64_t StateValues::count_upto(const json& x, const std::string& at, std::uint64_t most,
                                      const char* of) {
  const std::uint64_t v = count(x, at);
  if (v > most)
    fail(at, std::to_string(v) + " is more than " + of + " (" + std::to_string(most) + ")");
  return v;
}

double StateValues::number(const json& x, const std::string& at, bool special) {
  if (!x.is_string()) fail(at, "not a number in hex-float form");
  const std::string& s = x.get_ref<const std::string&>();
  if (s == "nan" || s == "inf" || s == "-inf") {
    if (!special) fail(at, "'" + s + "' where only a finite number can occur");
    return s == "nan"   ? std::numeric_limits<double>::quiet_NaN()
           : s == "inf" ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity();
  }
  if (s.size() < 3 || s.size() > 40 || s.find("0x") == std::string::npos) {
    fail(at, "'" + s.substr(0, 40) + "' is not a hex-float number");
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) {
    fail(at, "'" + s + "' is not a hex-float number");
  }
  return v;
}

const StateValues::json& StateValues::array(const json& j, const std::string& at, std::size_t n,
                                            const char* of) {
  if (!j.is_array() || j.size() != n) {
    fail(at, "expected an array of " + std::to_string(n) + " " + of);
  }
  return j;
}

ExactSum StateValues::sum(const json& j, const std::string& at, std::uint64_t runs) {
  if (j.is_object() && j.contains("carry")) {
    keys(j, at, {"partials", "special", "carry"});
  } else {
    keys(j, at, {"partials", "special"});
  }
  const json& p = j.at("partials");
  if (!p.is_array() || p.size() > 64) fail(at + "/partials", "expected at most 64 numbers");
  std::vector<double> v;
  for (std::size_t i = 0; i < p.size(); ++i) {
    v.push_back(number(p[i], at + "/partials/" + std::to_string(i), false));
  }
  // The sum of non-finite terms: 0, or ±inf or nan.
  const double special = number(j.at("special"), at + "/special", true);
  if (std::isfinite(special) && special != 0) {
    fail(at + "/special", "a finite non-zero value (only 0, inf, -inf or nan can occur)");
  }
  std::int64_t carry = 0;
  if (j.contains("carry")) {
    const json& c = j.at("carry");
    if (!c.is_number_integer()) fail(at + "/carry", "not an integer");
    carry = c.get<std::int64_t>();
    const std::uint64_t mag =
        carry < 0 ? 0 - static_cast<std::uint64_t>(carry) : static_cast<std::uint64_t>(carry);
    if (carry == 0 || mag / 4 > runs) {
      fail(at + "/carry", std::to_string(carry) + " is not a carry " + std::to_string(runs) +
                              " runs can make (1 to 4 per run)");
    }
  }
  return ExactSum::from_parts(v, special, carry);
}

}  // namespace plancast::shard_detail
