// A history series read from one column of a CSV file (`history: {csv: FILE, column: NAME}`
// in a scenario; `plancast fit FILE.csv --column NAME`).
#pragma once

#include <string>
#include <vector>

#include "engine/config/scenario.h"

namespace plancast {

class NodeReader;

/// The header's column names and the rows of a CSV file whose first column is the year.
struct HistoryCsv {
  std::string file;                  ///< the path, as given (messages)
  std::vector<std::string> columns;  ///< the header, first column (the year) included
  std::vector<int> years;            ///< one per data row, strictly increasing
  /// cells[r][c]: data row r, column c >= 1 (cells[r][0] unused); NaN where empty.
  std::vector<std::vector<double>> cells;
  std::vector<int> lines;  ///< the line of each data row (1-based)
  /// The points of column `name` (empty cells skipped: gaps); ScenarioError at FILE:1:1
  /// when there is no such column (the message lists the columns).
  std::vector<HistoryPoint> column(const std::string& name) const;
};

/// Reads a CSV file: a header line, then one row per year; fields separated by commas,
/// optionally quoted ("..." with "" for a quote), blank lines ignored, a UTF-8 BOM skipped.
/// The first column holds whole years (1 to 9999, strictly increasing); the others numbers
/// or nothing (a gap). Throws ScenarioError: at `path` when the file cannot be read, at
/// FILE:LINE:COL when a row is malformed.
HistoryCsv read_history_csv(const std::string& path);

/// `history: {csv: FILE, column: NAME}` of indicator `ind` (FILE relative to the scenario
/// file's folder): fills ind.history. Problems are reported at the node's keys, a CSV
/// problem with the CSV's own FILE:LINE:COL in the message.
void read_history_csv_node(NodeReader& h, const Scenario& sc, bool years_ok, IndicatorSpec& ind);

}  // namespace plancast
