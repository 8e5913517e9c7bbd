// CSV history files: a header, then YEAR,VALUE,... rows (engine/config/read_history_csv.h).
#include "engine/config/read_history_csv.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "engine/config/node_reader.h"
#include "engine/core/error.h"

namespace plancast {

namespace {

/// The largest CSV file read (a history has a row a year: this is far more than enough).
constexpr std::uintmax_t kMaxCsvBytes = 16u << 20;

struct Field {
  std::string text;
  int col = 1;  ///< 1-based column of the field's first character
};

/// Splits one line into fields (RFC 4180 quoting within the line).
std::vector<Field> split_line(const std::string& line, const SourceLoc& at) {
  std::vector<Field> fields;
  std::size_t i = 0;
  for (;;) {
    Field f;
    f.col = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) {
          throw ScenarioError(SourceLoc{at.file, at.line, f.col},
                              "a quoted field is not closed (a '\"' is missing)");
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.text += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        throw ScenarioError(SourceLoc{at.file, at.line, static_cast<int>(i) + 1},
                            "text after a quoted field (expected ',' or the end of the line)");
      }
    } else {
      while (i < line.size() && line[i] != ',') f.text += line[i++];
    }
    fields.push_back(f);
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

/// A number cell: empty → NaN (a gap); otherwise the whole text must be a finite number.
double cell_number(const Field& f, const SourceLoc& at) {
  const std::string t = trimmed(f.text);
  if (t.empty()) return std::numeric_limits<double>::quiet_NaN();
  double x = 0;
  const char* end = t.data() + t.size();
  const auto [p, ec] = std::from_chars(t.data() + (t[0] == '+' ? 1 : 0), end, x);
  if (ec != std::errc() || p != end || !std::isfinite(x)) {
    throw ScenarioError(SourceLoc{at.file, at.line, f.col},
                        "'" + t + "' is not a number (write a plain number like 3515.6, or " +
                            "leave the cell empty for a missing year)");
  }
  return x;
}

std::string read_text(const std::string& path) {
  namespace fs = std::filesystem;
  const SourceLoc at{path, 0, 0};
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw ScenarioError(at, "cannot read the CSV file (no such file)");
  if (fs::is_directory(status)) {
    throw ScenarioError(at, "cannot read the CSV file (it is a directory)");
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxCsvBytes) {
    throw ScenarioError(at, "the CSV file is " + std::to_string(size) +
                                " bytes, larger than the 16 MiB limit for a history");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(at, "cannot read the CSV file (permission denied or unreadable)");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw ScenarioError(at, "cannot read the CSV file (I/O error)");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

}  // namespace

HistoryCsv read_history_csv(const std::string& path) {
  const std::string text = read_text(path);
  HistoryCsv csv;
  csv.file = path;
  std::size_t pos = 0;
  int line_no = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trimmed(line).empty()) continue;
    const SourceLoc at{path, line_no, 1};
    const std::vector<Field> fields = split_line(line, at);
    if (header) {
      for (const Field& f : fields) csv.columns.push_back(trimmed(f.text));
      if (csv.columns.size() < 2) {
        throw ScenarioError(at,
                            "the header has one column; a history CSV needs the year first, "
                            "then at least one column of values (e.g. year,gdp)");
      }
      header = false;
      continue;
    }
    if (fields.size() != csv.columns.size()) {
      const int col = fields.size() > csv.columns.size() ? fields[csv.columns.size()].col
                                                         : static_cast<int>(line.size()) + 1;
      throw ScenarioError(SourceLoc{path, line_no, col},
                          "this row has " + std::to_string(fields.size()) + " fields, the header " +
                              std::to_string(csv.columns.size()));
    }
    const std::string year_text = trimmed(fields[0].text);
    int year = 0;
    const char* end = year_text.data() + year_text.size();
    const auto [p, ec] = std::from_chars(year_text.data(), end, year);
    if (ec != std::errc() || p != end || year < 1 || year > 9999) {
      throw ScenarioError(SourceLoc{path, line_no, fields[0].col},
                          "'" + year_text + "' is not a year (the first column holds years)");
    }
    if (!csv.years.empty() && year <= csv.years.back()) {
      throw ScenarioError(SourceLoc{path, line_no, fields[0].col},
                          "year " + year_text + " after " + std::to_string(csv.years.back()) +
                              " (the years must increase from row to row)");
    }
    std::vector<double> row(fields.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t c = 1; c < fields.size(); ++c) row[c] = cell_number(fields[c], at);
    csv.years.push_back(year);
    csv.cells.push_back(std::move(row));
    csv.lines.push_back(line_no);
  }
  if (header) throw ScenarioError(SourceLoc{path, 0, 0}, "the CSV file is empty (no header)");
  return csv;
}

std::vector<HistoryPoint> HistoryCsv::column(const std::string& name) const {
  std::size_t c = 0;
  for (std::size_t i = 1; i < columns.size(); ++i) {
    if (columns[i] == name) c = i;
  }
  if (c == 0) {
    std::string list;
    for (std::size_t i = 1; i < columns.size(); ++i) {
      list += (i > 1 ? ", '" : "'") + columns[i] + "'";
    }
    throw ScenarioError(SourceLoc{file, 1, 1},
                        "no column '" + name + "' (the columns after the year are " + list + ")");
  }
  std::vector<HistoryPoint> points;
  for (std::size_t r = 0; r < years.size(); ++r) {
    if (std::isnan(cells[r][c])) continue;
    HistoryPoint pt;
    pt.year = years[r];
    pt.value = cells[r][c];
    pt.loc = SourceLoc{file, lines[r], 1};
    points.push_back(pt);
  }
  return points;
}

void read_history_csv_node(NodeReader& h, const Scenario& sc, bool years_ok, IndicatorSpec& ind) {
  auto file = h.required("csv");
  auto column = h.required("column");
  h.finish();
  if (!file || !column) return;
  const auto f = file->string();
  const auto c = column->string();
  if (!f || !c) return;
  const std::filesystem::path dir = std::filesystem::path(h.file()).parent_path();
  const std::filesystem::path p =
      std::filesystem::path(*f).is_absolute() ? std::filesystem::path(*f) : dir / *f;
  try {
    const HistoryCsv csv = read_history_csv(p.string());
    try {
      ind.history = csv.column(*c);
    } catch (const ScenarioError& e) {
      column->error(e.diagnostics().front().message + " in " + p.string());
      return;
    }
  } catch (const ScenarioError& e) {
    const Diagnostic& d = e.diagnostics().front();
    if (d.loc.line == 0) {
      file->error("'" + p.string() + "': " + d.message);
    } else {
      file->error("in " + d.loc.str() + ": " + d.message);
    }
    return;
  }
  if (years_ok && !ind.history.empty() && ind.history.back().year > sc.horizon) {
    file->error("history year " + std::to_string(ind.history.back().year) + " in " + p.string() +
                " is after the horizon " + std::to_string(sc.horizon));
  }
}

}  // namespace plancast
