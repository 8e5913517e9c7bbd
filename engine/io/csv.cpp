// CSV writer for run results (long format; layout documented in csv.h).
#include "engine/io/csv.h"

#include <cmath>

#include "engine/core/format.h"

namespace plancast {

namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

/// Shortest round-trip text; an empty field when not finite.
std::string number(double x) {
  return std::isfinite(x) ? canonical_number(x) : std::string();
}

class Writer {
 public:
  void row(const std::string& name, int year, const char* statistic, const std::string& value) {
    text_ += name;
    text_ += ',';
    text_ += std::to_string(year);
    text_ += ',';
    text_ += statistic;
    text_ += ',';
    text_ += value;
    text_ += '\n';
  }
  void row(const std::string& name, int year, const char* statistic, double value) {
    row(name, year, statistic, number(value));
  }
  void count(const std::string& name, int year, const char* statistic, std::uint64_t value) {
    row(name, year, statistic, std::to_string(value));
  }
  void proportion(const std::string& name, int year, const Proportion& p) {
    row(name, year, "probability", p.probability);
    row(name, year, "std_error", p.std_error);
    row(name, year, "ci95_lo", p.ci95[0]);
    row(name, year, "ci95_hi", p.ci95[1]);
    count(name, year, "hits", p.hits);
  }
  std::string& text() { return text_; }

 private:
  std::string text_ = "indicator,year,statistic,value\n";
};

template <class T>
T at(const std::vector<T>& v, std::size_t i, T fallback) {
  return i < v.size() ? v[i] : fallback;
}

}  // namespace

std::string to_csv_text(const Results& r) {
  Writer w;
  const double nan = std::nan("");
  for (const IndicatorResult& ind : r.indicators) {
    const std::string name = field(ind.name);
    for (std::size_t t = 0; t < r.years.size(); ++t) {
      const int y = r.years[t];
      w.row(name, y, "mean", at(ind.mean, t, nan));
      w.row(name, y, "sd", at(ind.sd, t, nan));
      w.row(name, y, "min", at(ind.min, t, nan));
      w.row(name, y, "max", at(ind.max, t, nan));
      for (std::size_t q = 0; q < kQuantileNames.size(); ++q) {
        w.row(name, y, kQuantileNames[q], at(ind.quantiles[q], t, nan));
      }
      // A later vintage's absent years: every cell empty, the counts included.
      if (!ind.present(t)) {
        w.row(name, y, "nonfinite", std::string());
        for (const CounterResult& c : ind.counters) w.row(name, y, c.name.c_str(), std::string());
        continue;
      }
      w.count(name, y, "nonfinite", at<std::uint64_t>(ind.nonfinite, t, 0));
      for (const CounterResult& c : ind.counters) {
        w.count(name, y, c.name.c_str(), at<std::uint64_t>(c.per_year, t, 0));
      }
    }
  }
  for (const TargetResult& tr : r.targets) {
    const std::string name = field("target:" + tr.id);
    w.proportion(name, tr.year, tr.p);
    w.count(name, tr.year, "nonfinite", tr.nonfinite);
    if (tr.by) {
      for (std::size_t t = 0; t < r.years.size(); ++t) {
        w.row(name, r.years[t], "first_reach", at(tr.first_reach, t, nan));
      }
    }
  }
  for (const JointResult& g : r.joint) w.proportion("joint", g.year, g.p);
  for (const EventResult& e : r.events) {
    const std::string name = field("event:" + e.name);
    for (std::size_t t = 0; t < r.years.size(); ++t) {
      w.row(name, r.years[t], "share", at(e.share, t, nan));
      w.count(name, r.years[t], "runs", at<std::uint64_t>(e.runs_on, t, 0));
    }
  }
  return std::move(w.text());
}

}  // namespace plancast
