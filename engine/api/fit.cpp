// The library API of `plancast fit` (plancast.h): a series from a scenario's history or a
// CSV column, fitted by engine/analysis/fit.h.
#include <string>
#include <vector>

#include "engine/analysis/fit.h"
#include "engine/api/plancast.h"
#include "engine/config/read_history_csv.h"
#include "engine/core/error.h"
#include "engine/io/fit_out.h"

namespace plancast::api {

FitResult fit(const FitInput& input) {
  FitRequest req;
  req.name = input.series;
  req.form = input.form;
  req.cap = input.cap;
  std::vector<HistoryPoint> series;
  if (input.csv) {
    const HistoryCsv csv = read_history_csv(input.path);
    series = csv.column(input.series);
    req.where = SourceLoc{input.path, 1, 1};
    req.source = input.path + ", column " + input.series;
  } else {
    const Scenario sc = load(ScenarioSource::file(input.path));
    const IndicatorSpec* ind = nullptr;
    std::string names;
    for (const IndicatorSpec& i : sc.indicators) {
      if (i.name == input.series) ind = &i;
      names += (names.empty() ? "" : ", ") + i.name;
    }
    if (!ind) {
      throw UsageError("--indicator: no indicator '" + input.series + "' in " + input.path +
                       " (the indicators are " + names + ")");
    }
    series = ind->history;
    req.where = series.empty() ? ind->loc : series.front().loc;
    req.source = input.path + ", indicator " + input.series;
  }
  return fit_growth(series, req);
}

std::string to_json(const FitResult& f) {
  return fit_json(f);
}
std::string to_text(const FitResult& f) {
  return fit_text(f);
}

}  // namespace plancast::api
