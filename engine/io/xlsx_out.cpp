// Excel workbooks (xlsx_out.h). libxlsxwriter 1.1 writes to a file only, so the workbook is
// built in a private temporary folder, read back and removed; the caller stages the bytes
// through OutputSet like every other output (nothing half-written at the target).
#include "engine/io/xlsx_out.h"

#include <xlsxwriter.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "engine/core/error.h"
#include "engine/io/report_sections.h"

namespace plancast {

namespace {

namespace fs = std::filesystem;

/// A workbook being built in its own temporary folder (removed by the destructor).
class Book {
 public:
  Book() {
    std::string templ = (fs::temp_directory_path() / "plancast-xlsx-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      throw RunError("cannot write the workbook: no temporary folder (" + templ + ")");
    }
    dir_ = templ;
    path_ = dir_ + "/book.xlsx";
    lxw_workbook_options options{};
    options.tmpdir = dir_.data();
    book_ = workbook_new_opt(path_.c_str(), &options);
    if (book_ == nullptr) {  // no destructor runs for a constructor that throws
      std::error_code ec;
      fs::remove_all(dir_, ec);
      throw RunError("cannot write the workbook (libxlsxwriter)");
    }
    // A fixed creation date: the same results give the same bytes.
    properties_.created = 946684800;  // 2000-01-01T00:00:00Z
    properties_.title = const_cast<char*>("plancast results");
    workbook_set_properties(book_, &properties_);
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    format_set_text_wrap(header_);
    percent_ = workbook_add_format(book_);
    format_set_num_format(percent_, "0.00%");
    integer_ = workbook_add_format(book_);
    format_set_num_format(integer_, "#,##0");
    number_ = workbook_add_format(book_);
    format_set_num_format(number_, "#,##0.####");
    signed_points_ = workbook_add_format(book_);
    format_set_num_format(signed_points_, "+0.00%;-0.00%;0.00%");
  }
  ~Book() {
    if (book_ != nullptr) workbook_close(book_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  /// Closes the workbook and returns its bytes.
  std::string finish() {
    const lxw_error e = workbook_close(book_);
    book_ = nullptr;
    if (e != LXW_NO_ERROR) {
      throw RunError(std::string("cannot write the workbook: ") + lxw_strerror(e));
    }
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  lxw_workbook* get() { return book_; }
  lxw_format* header() { return header_; }
  lxw_format* percent() { return percent_; }
  lxw_format* integer() { return integer_; }
  lxw_format* number() { return number_; }
  lxw_format* signed_points() { return signed_points_; }

 private:
  std::string dir_, path_;
  lxw_workbook* book_ = nullptr;
  lxw_doc_properties properties_{};
  lxw_format *header_ = nullptr, *percent_ = nullptr, *integer_ = nullptr, *number_ = nullptr,
             *signed_points_ = nullptr;
};

/// One sheet written row by row: a header row (frozen, with filters over the table), then
/// cells left to right.
class Sheet {
 public:
  Sheet(Book& book, const char* name, const std::vector<std::string>& columns,
        const std::vector<double>& widths)
      : book_(book), ws_(workbook_add_worksheet(book.get(), name)), n_cols_(columns.size()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      worksheet_write_string(ws_, 0, col(c), columns[c].c_str(), book.header());
      if (c < widths.size()) worksheet_set_column(ws_, col(c), col(c), widths[c], nullptr);
    }
    worksheet_freeze_panes(ws_, 1, 0);
  }
  /// Closes the table: filters on every column of the rows written.
  ~Sheet() {
    if (n_cols_ > 0) worksheet_autofilter(ws_, 0, 0, row_ > 0 ? row_ : 1, col(n_cols_ - 1));
  }
  Sheet(const Sheet&) = delete;
  Sheet& operator=(const Sheet&) = delete;

  Sheet& next_row() {
    ++row_;
    c_ = 0;
    return *this;
  }
  Sheet& text(const std::string& s) {
    if (!s.empty()) worksheet_write_string(ws_, row_, col(c_), s.c_str(), nullptr);
    ++c_;
    return *this;
  }
  /// A number (blank when not finite or absent).
  Sheet& num(std::optional<double> x, lxw_format* format = nullptr) {
    if (x && std::isfinite(*x)) {
      worksheet_write_number(ws_, row_, col(c_), *x, format ? format : book_.number());
    }
    ++c_;
    return *this;
  }
  Sheet& count(std::uint64_t n) { return num(static_cast<double>(n), book_.integer()); }
  Sheet& share(std::optional<double> p) { return num(p, book_.percent()); }

 private:
  static lxw_col_t col(std::size_t c) { return static_cast<lxw_col_t>(c); }
  Book& book_;
  lxw_worksheet* ws_;
  std::size_t n_cols_;
  lxw_row_t row_ = 0;
  std::size_t c_ = 0;
};

std::string unit_of(const Results& r, const std::string& indicator) {
  const IndicatorResult* ind = report::find_indicator(r, indicator);
  return ind ? ind->unit : "";
}

void targets_sheet(Book& book, const Results& r) {
  Sheet s(book, "Targets",
          {"id", "indicator", "year", "when", "condition", "target value", "unit", "probability",
           "95% low", "95% high", "standard error", "runs met", "runs"},
          {16, 22, 7, 6, 9, 12, 12, 11, 10, 10, 10, 10, 10});
  for (const TargetResult& t : r.targets) {
    s.next_row().text(t.id).text(t.indicator).num(t.year, book.integer());
    s.text(t.by ? "by" : "in").text(t.op).num(t.value).text(unit_of(r, t.indicator));
    s.share(t.p.probability).share(t.p.ci95[0]).share(t.p.ci95[1]).share(t.p.std_error);
    s.count(t.p.hits).count(r.runs);
  }
  for (const JointResult& j : r.joint) {
    s.next_row().text("all of " + std::to_string(j.year)).text("").num(j.year, book.integer());
    s.text("in").text("all").num(std::nullopt).text(std::to_string(j.targets.size()) + " targets");
    s.share(j.p.probability).share(j.p.ci95[0]).share(j.p.ci95[1]).share(j.p.std_error);
    s.count(j.p.hits).count(r.runs);
  }
}

void bands_sheet(Book& book, const Results& r) {
  std::vector<std::string> cols = {"indicator", "title", "unit", "year",
                                   "mean",      "sd",    "min",  "max"};
  std::vector<double> widths = {22, 36, 12, 7, 11, 11, 11, 11};
  for (const char* q : kQuantileNames) {
    cols.push_back(q);
    widths.push_back(11);
  }
  Sheet s(book, "Bands", cols, widths);
  for (const IndicatorResult& ind : r.indicators) {
    for (std::size_t t = 0; t < r.years.size(); ++t) {
      auto at = [t](const std::vector<double>& v) {
        return t < v.size() ? std::optional<double>(v[t]) : std::nullopt;
      };
      s.next_row().text(ind.name).text(ind.title).text(ind.unit).num(r.years[t], book.integer());
      s.num(at(ind.mean)).num(at(ind.sd)).num(at(ind.min)).num(at(ind.max));
      for (const auto& q : ind.quantiles) s.num(at(q));
    }
  }
}

void assumptions_sheet(Book& book, const Scenario& sc) {
  {
    Sheet s(book, "Assumptions",
            {"parameter", "title", "unit", "as written", "distribution", "p10", "median", "p90"},
            {22, 32, 14, 44, 32, 11, 11, 11});
    for (const report::AssumptionRow& a : report::assumption_rows(sc)) {
      const ParameterSpec* p = sc.find_parameter(a.name);
      s.next_row().text(a.name).text(p != nullptr ? p->title : "");
      s.text(p != nullptr ? p->unit : "").text(a.written).text(a.distribution);
      s.num(a.p10).num(a.p50).num(a.p90);
    }
  }
  if (!sc.correlations.empty()) {
    Sheet s(book, "Correlations", {"parameter", "with", "correlation"}, {22, 22, 12});
    for (const CorrelationSpec& c : sc.correlations) s.next_row().text(c.a).text(c.b).num(c.rho);
  }
}

void about_sheet(Book& book, const Results& r, const std::string& what) {
  Sheet s(book, "About", {"item", "value"}, {20, 70});
  s.next_row().text("results").text(what);
  s.next_row().text("scenario").text(r.scenario);
  s.next_row().text("title").text(r.title);
  s.next_row().text("runs").count(r.runs);
  s.next_row().text("seed").text(std::to_string(r.seed));
  s.next_row().text("sampler").text(r.sampler);
  s.next_row().text("scenario_sha256").text(r.scenario_sha256);
  s.next_row().text("plancast").text(r.plancast_version);
}

}  // namespace

std::string run_workbook(const Results& results, const Scenario& scenario) {
  Book book;
  targets_sheet(book, results);
  bands_sheet(book, results);
  assumptions_sheet(book, scenario);
  about_sheet(book, results,
              results.variant ? "plancast run, variant " + *results.variant : "plancast run");
  return book.finish();
}

std::string compare_workbook(const Comparison& c, const std::vector<CompareEntry>& entries) {
  Book book;
  const Results& base = c.results.front();
  targets_sheet(book, base);
  {
    Sheet s(book, "Variants",
            {"target", "variant", "probability", "difference", "95% low", "95% high", "runs gained",
             "runs lost"},
            {16, 24, 11, 11, 10, 10, 11, 11});
    for (const TargetComparison& t : c.targets) {
      for (std::size_t v = 0; v < c.variants.size(); ++v) {
        s.next_row().text(t.id).text(c.variants[v]).share(t.probability[v]);
        if (const auto& d = t.difference[v]) {
          s.num(d->value, book.signed_points()).num(d->ci95[0], book.signed_points());
          s.num(d->ci95[1], book.signed_points()).count(d->gained).count(d->lost);
        }
      }
    }
  }
  {
    Sheet s(book, "Overrides", {"variant", "path", "value (as written)"}, {24, 40, 44});
    for (const CompareEntry& e : entries) {
      for (const auto& [path, value] : e.scenario.variant_overrides) {
        s.next_row().text(e.name).text(path).text(value);
      }
    }
  }
  bands_sheet(book, base);
  assumptions_sheet(book, entries.front().scenario);
  about_sheet(book, base, "plancast compare");
  return book.finish();
}

}  // namespace plancast
