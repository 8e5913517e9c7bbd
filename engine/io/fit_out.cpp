// `plancast fit`'s YAML fragment and JSON (engine/io/fit_out.h).
#include "engine/io/fit_out.h"

#include <cmath>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/config/names.h"
#include "engine/core/format.h"

namespace plancast {

namespace {

/// x to 4 significant digits, in the engine's canonical form ("0.07123", "12.5").
std::string sig4(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return canonical_number(std::strtod(buf, nullptr));
}

const char* form_name(FitForm f) {
  switch (f) {
    case FitForm::simple:
      return "simple";
    case FitForm::log:
      return "log";
    case FitForm::logistic:
      return "logistic";
  }
  return "";
}

/// The series name as an identifier: kept when it is one; otherwise lowercased, other
/// characters than letters, digits and '_' made '_', "x" before a leading digit.
std::string identifier_of(const std::string& series) {
  if (is_identifier(series)) return series;
  std::string s = ascii_lower(series);
  for (char& c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) s = "x" + s;
  return s;
}

}  // namespace

std::string fit_parameter_name(const std::string& series) {
  return identifier_of(series) + "_trend";
}

std::string fit_text(const FitResult& f) {
  const FitRequest& q = f.request;
  const std::string param = fit_parameter_name(q.name);
  const int rates = f.n - 1;
  std::string s = "# plancast fit: " + q.source + ", " + std::to_string(f.first_year) + "-" +
                  std::to_string(f.last_year) + ", " + std::to_string(f.n) + " values (" +
                  std::to_string(rates) + " growth rates";
  if (f.gaps > 0) s += ", " + std::to_string(f.gaps) + (f.gaps == 1 ? " gap" : " gaps");
  s += "), ";
  s += q.form == FitForm::logistic ? "logistic, cap " + canonical_number(q.cap)
                                   : std::string("form ") + form_name(q.form);
  s += "\n# exact Gaussian maximum likelihood of an AR(1) on the annual ";
  s += q.form == FitForm::logistic ? "logit rates" : "growth rates";
  s += " (docs/analysis.md, \"fit\")\n";
  s += "# trend mean " + sig4(f.trend_mean) + " (standard error " + sig4(f.trend_sd) +
       "), noise sd " + sig4(f.noise_sd) + " (se " + sig4(f.noise_sd_se) + "), persistence " +
       sig4(f.persistence);
  s += std::isfinite(f.persistence_se) ? " (se " + sig4(f.persistence_se) + ")"
                                       : std::string(" (on the bound of [0, 0.99]: no se)");
  s += "\n";
  // A series without noise (every rate equal) has no uncertainty to give the trend.
  const bool uncertain = f.trend_sd > 0;
  if (uncertain) {
    s += "parameters:\n  " + param + ": {dist: normal, mean: " + sig4(f.trend_mean) +
         ", sd: " + sig4(f.trend_sd) + "}\n";
  }
  s += "indicators:\n";
  s += "  " + identifier_of(q.name) + ":\n";
  s += "    base: " + canonical_number(f.last_value) + "  # the " + std::to_string(f.last_year) +
       " value: keep your own where the base year differs\n";
  if (q.form == FitForm::logistic) {
    s += "    logistic:\n      cap: " + canonical_number(q.cap) + "\n";
  } else {
    s += "    growth:\n";
    if (q.form == FitForm::log) s += "      form: log\n";
  }
  s += "      trend: " + (uncertain ? param : sig4(f.trend_mean)) + "\n";
  s += "      noise: {sd: " + sig4(f.noise_sd) + ", persistence: " + sig4(f.persistence) + "}\n";
  return s;
}

std::string fit_json(const FitResult& f) {
  nlohmann::ordered_json j;
  j["trend"] = {{"mean", f.trend_mean}, {"sd", f.trend_sd}};
  j["noise"] = {{"sd", f.noise_sd}, {"persistence", f.persistence}};
  j["years"] = {f.first_year, f.last_year};
  j["n"] = f.n;
  j["series"] = f.request.name;
  j["source"] = f.request.source;
  j["form"] = form_name(f.request.form);
  if (f.request.form == FitForm::logistic) j["cap"] = f.request.cap;
  j["rates"] = f.n - 1;
  j["gaps"] = f.gaps;
  nlohmann::ordered_json se;
  se["noise_sd"] = f.noise_sd_se;
  se["persistence"] =
      std::isfinite(f.persistence_se) ? nlohmann::ordered_json(f.persistence_se) : nullptr;
  j["standard_errors"] = se;
  j["log_likelihood"] = f.log_likelihood;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace plancast
