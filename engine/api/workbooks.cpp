// The Excel workbooks of the API (plancast.h: to_xlsx), over engine/io/xlsx_out.h.
#include "engine/api/plancast.h"
#include "engine/io/xlsx_out.h"

namespace plancast::api {

std::string to_xlsx(const RunOutput& r) {
  return run_workbook(r.results, r.scenario);
}

std::string to_xlsx(const CompareOutput& c) {
  return compare_workbook(c.comparison, c.entries);
}

}  // namespace plancast::api
