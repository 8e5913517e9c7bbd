// Helpers shared by the subcommands (see options.h).
#include "engine/cli/options.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "engine/analysis/memory.h"
#include "engine/core/error.h"
#include "engine/core/format.h"
#include "engine/io/output_file.h"
#include "engine/io/samples_out.h"

namespace plancast::cli {

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description* positional) {
  po::variables_map vm;
  try {
    po::command_line_parser parser(args);
    parser.options(desc).style(po::command_line_style::unix_style &
                               ~po::command_line_style::allow_guessing);
    if (positional != nullptr) {
      parser.positional(*positional);
    } else {
      parser.positional(po::positional_options_description());
    }
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::uint64_t parse_count(const std::string& flag, const std::string& text, std::uint64_t lo,
                          std::uint64_t hi) {
  std::uint64_t v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  const auto res = std::from_chars(first, last, v);
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || res.ec == std::errc::invalid_argument || res.ptr != last) {
    throw UsageError(flag + ": '" + text + "' is not a whole number (expected " +
                     std::to_string(lo) + " to " + std::to_string(hi) + ")");
  }
  if (res.ec == std::errc::result_out_of_range || v < lo || v > hi) {
    throw UsageError(flag + ": " + text + " is out of range (expected " + std::to_string(lo) +
                     " to " + std::to_string(hi) + ")");
  }
  return v;
}

double parse_number(const std::string& flag, const std::string& text, bool leading_plus) {
  double v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  if (leading_plus && !text.empty() && *first == '+') ++first;
  const auto res = std::from_chars(first, last, v);
  if (text.empty() || res.ec != std::errc() || res.ptr != last || !std::isfinite(v)) {
    throw UsageError(flag + ": '" + text + "' is not a number");
  }
  return v;
}

std::uint64_t parse_memory_size(const std::string& flag, const std::string& text) {
  const auto bad = [&] {
    return UsageError(flag + ": '" + text +
                      "' is not a memory size (e.g. 512M, 4G, 1.5G; at least 1M)");
  };
  std::size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
    ++end;
  }
  if (end == 0) throw bad();
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + end, v);
  if (res.ec != std::errc() || res.ptr != text.data() + end) throw bad();
  std::string unit = text.substr(end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double scale = 0;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    scale = 1024.0;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    scale = 1024.0 * 1024;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "T" || unit == "TB" || unit == "TIB") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    throw bad();
  }
  const double bytes = v * scale;
  if (!(bytes >= 1024.0 * 1024) || bytes > 1e18) throw bad();
  return static_cast<std::uint64_t>(bytes);
}

CommandOptions::CommandOptions(const char* usage, const char* positional, int count)
    : usage_(usage), positional_(positional), count_(count) {
  desc_.add_options()("help,h", "show this help");
}

CommandOptions& CommandOptions::runs(const char* help) {
  desc_.add_options()("runs", po::value<std::string>()->value_name("N"), help);
  return *this;
}
CommandOptions& CommandOptions::seed(const char* help) {
  desc_.add_options()("seed", po::value<std::string>()->value_name("S"), help);
  return *this;
}
CommandOptions& CommandOptions::threads(const char* help) {
  desc_.add_options()("threads", po::value<std::string>()->value_name("T"), help);
  return *this;
}
CommandOptions& CommandOptions::sampler() {
  desc_.add_options()(
      "sampler", po::value<std::string>()->value_name("mc|lhs|sobol"),
      "how parameters are drawn: independent (mc), Latin hypercube (lhs), Sobol points");
  return *this;
}
CommandOptions& CommandOptions::variant(const char* help) {
  desc_.add_options()("variant", po::value<std::string>()->value_name("NAME"), help);
  return *this;
}
CommandOptions& CommandOptions::set(const char* help) {
  desc_.add_options()(
      "set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"), help);
  return *this;
}
CommandOptions& CommandOptions::json(const char* help) {
  desc_.add_options()("json", po::value<std::string>()->value_name("F"), help);
  return *this;
}
CommandOptions& CommandOptions::csv(const char* help) {
  desc_.add_options()("csv", po::value<std::string>()->value_name("F"), help);
  return *this;
}
CommandOptions& CommandOptions::report(const char* help) {
  desc_.add_options()("report", po::value<std::string>()->value_name("F.html"), help);
  return *this;
}
CommandOptions& CommandOptions::xlsx(const char* help) {
  desc_.add_options()("xlsx", po::value<std::string>()->value_name("F.xlsx"), help);
  return *this;
}
CommandOptions& CommandOptions::quiet(const char* help) {
  desc_.add_options()("quiet,q", help);
  return *this;
}
CommandOptions& CommandOptions::max_memory() {
  add_max_memory_option(desc_);
  return *this;
}

std::optional<po::variables_map> CommandOptions::parse(const std::vector<std::string>& args,
                                                       std::ostream& out) const {
  po::options_description all;
  all.add(desc_);
  po::positional_options_description pos;
  if (count_ == 1) {
    all.add_options()(positional_, po::value<std::string>());
    pos.add(positional_, 1);
  } else if (count_ != 0) {
    all.add_options()(positional_, po::value<std::vector<std::string>>());
    pos.add(positional_, count_);
  }
  po::variables_map vm = cli::parse(args, all, &pos);
  if (vm.count("help")) {
    out << usage_ << "\n" << desc_ << std::flush;
    return std::nullopt;
  }
  return vm;
}

api::ScenarioSource scenario_source(const po::variables_map& vm) {
  return vm.count("scenario") ? api::ScenarioSource::file(vm["scenario"].as<std::string>())
                              : api::ScenarioSource::bundled();
}

CommandOptions& CommandOptions::samples(const char* help, bool years) {
  desc_.add_options()("samples", po::value<std::string>()->value_name("F.csv"), help);
  if (!years) return *this;
  // clang-format off
  desc_.add_options()
    ("samples-years", po::value<std::string>()->value_name("Y,Y"),
     "years of the indicators' columns in --samples (default: the report years)")
    ("max-samples-size", po::value<std::string>()->value_name("SIZE"),
     "refuse a --samples file estimated above SIZE (e.g. 200G; default: 64G, and the "
     "free disk space)");
  // clang-format on
  return *this;
}

std::string check_samples_path(const std::string& path) {
  if (path.empty()) throw UsageError("--samples: empty file name");
  if (path == "-") {
    throw UsageError(
        "--samples: '-' is not a file (the rows are written as the runs go; "
        "give a file such as runs.csv or runs.csv.gz)");
  }
  const auto ends = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::error_code ec;  // a device or a pipe (/dev/null, /dev/stdout) takes any name
  const bool special = std::filesystem::exists(path, ec) &&
                       !std::filesystem::is_regular_file(path, ec) &&
                       !std::filesystem::is_directory(path, ec);
  if (!special && !ends(".csv") && !ends(".csv.gz")) {
    throw UsageError("--samples: '" + path + "' should end in .csv (or .csv.gz, compressed)");
  }
  return path;
}

void add_max_memory_option(po::options_description& desc) {
  desc.add_options()("max-memory", po::value<std::string>()->value_name("SIZE"),
                     "refuse to start a run that would need more memory (e.g. 4G; default: "
                     "half the machine's memory)");
}

std::uint64_t read_max_memory(const po::variables_map& vm) {
  if (vm.count("max-memory")) {
    return parse_memory_size("--max-memory", vm["max-memory"].as<std::string>());
  }
  return default_memory_budget();
}

// ---- signals ------------------------------------------------------------------------------

namespace {
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free, "signal handler needs a lock-free flag");
extern "C" void on_signal(int) {
  g_cancel.store(true);
}
}  // namespace

CancelOnSignal::CancelOnSignal() {
  g_cancel.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C stops the process at once
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
  // A signal ignored by whoever started us (nohup, a background job of a script) stays
  // ignored, as the GNU coding standards ask.
  if (old_int_.sa_handler == SIG_IGN) sigaction(SIGINT, &old_int_, nullptr);
  if (old_term_.sa_handler == SIG_IGN) sigaction(SIGTERM, &old_term_, nullptr);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

const std::atomic<bool>& CancelOnSignal::flag() const {
  return g_cancel;
}

// ---- progress bar -------------------------------------------------------------------------

bool is_terminal(const std::ostream& err) {
  return &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
}

namespace {

/// Columns of the terminal on standard error; 80 when unknown.
int terminal_columns() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

/// "42s", "3m05s", "2h07m".
std::string duration_text(double secs) {
  const auto t = static_cast<long long>(std::ceil(std::max(0.0, secs)));
  if (t < 60) return fmt::format("{}s", t);
  if (t < 3600) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& err, bool enabled)
    : err_(err), enabled_(enabled), start_(std::chrono::steady_clock::now()), last_() {}

ProgressBar::~ProgressBar() {
  finish();
}

std::string ProgressBar::line(std::uint64_t done, std::uint64_t total, double secs, int columns) {
  done = std::min(done, total);
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  std::string tail = fmt::format(" {:3}%", static_cast<int>(100.0 * frac));
  // Appended piece by piece: g++ 12 -O3 warns on "  " + string&& (PR105651).
  tail += "  ";
  tail += grouped(done);
  tail += '/';
  tail += grouped(total);
  tail += " runs";
  if (rate > 0 && done > 0) {
    tail += "  ";
    tail += grouped(static_cast<std::uint64_t>(std::llround(rate)));
    tail += " runs/s  ";
    tail += duration_text(static_cast<double>(total - done) / rate);
    tail += " left";
  }
  // The bar takes what the text leaves of the line, 10 to 30 columns; one column is kept
  // free so the cursor never wraps.
  const int room = columns - 1 - static_cast<int>(tail.size()) - 2;
  const int width = std::clamp(room, 0, 30);
  std::string s;
  if (width >= 10) {
    const int filled = static_cast<int>(frac * width);
    s.push_back('[');  // not s = "[": g++ 12 -O3 warns there (-Wrestrict, PR105651)
    s.append(static_cast<std::size_t>(filled), '#');
    s.append(static_cast<std::size_t>(width - filled), '-');
    s += ']';
  } else {
    tail.erase(0, 1);
  }
  s += tail;
  if (static_cast<int>(s.size()) > columns - 1)
    s.resize(static_cast<std::size_t>(std::max(0, columns - 1)));
  return s;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  // Short runs get no bar: it appears once the work has gone on for a second.
  if (now - start_ < kDelay) return;
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  if (done >= total) return;  // the run is over; finish() erases the bar
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  err_ << "\r" << line(done, total, secs, terminal_columns()) << "\x1b[K" << std::flush;
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) err_ << "\r\x1b[K" << std::flush;
  drawn_ = false;
}

Sampler parse_sampler(const std::string& name) {
  if (const auto s = sampler_from_name(name)) return *s;
  throw UsageError("--sampler: '" + name + "' is not a sampler (expected mc, lhs or sobol)");
}

api::Execution execution(const CommonFlags& flags, const CancelOnSignal& cancel, ProgressBar* bar) {
  api::Execution e;
  e.threads = flags.threads;
  e.cancel = &cancel.flag();
  e.max_memory = flags.max_memory;
  if (bar != nullptr) {
    e.progress = [bar](std::uint64_t done, std::uint64_t total) { bar->update(done, total); };
  }
  return e;
}

std::string check_report_path(const std::string& path) {
  if (path.empty()) throw UsageError("--report: empty file name");
  if (path == "-") throw UsageError("--report: needs a file name (F.html), not '-'");
  return path;
}

std::string check_xlsx_path(const std::string& path) {
  if (path.empty()) throw UsageError("--xlsx: empty file name");
  if (path == "-") throw UsageError("--xlsx: needs a file name (F.xlsx), not '-'");
  return path;
}

std::pair<std::string, std::string> read_json_csv_paths(const po::variables_map& vm) {
  const std::string json_path = vm.count("json") ? vm["json"].as<std::string>() : "";
  const std::string csv_path = vm.count("csv") ? vm["csv"].as<std::string>() : "";
  if (vm.count("json") && json_path.empty()) throw UsageError("--json: empty file name");
  if (vm.count("csv") && csv_path.empty()) throw UsageError("--csv: empty file name");
  if (json_path == "-" && csv_path == "-") {
    throw UsageError("--json and --csv cannot both write to standard output ('-')");
  }
  return {json_path, csv_path};
}

void check_outputs(const po::variables_map& vm, const std::vector<NamedPath>& outputs,
                   const std::vector<NamedPath>& inputs) {
  std::vector<NamedPath> all_inputs = inputs;
  if (vm.count("scenario")) {
    all_inputs.insert(all_inputs.begin(), {"the scenario", vm["scenario"].as<std::string>()});
  }
  check_distinct_files(outputs, all_inputs);
  for (const NamedPath& o : outputs) {
    if (!o.path.empty()) check_output_path(o.path);
  }
}

std::string check_output_paths(const po::variables_map& vm, const std::string& json_path,
                               const std::string& csv_path, const std::vector<NamedPath>& inputs) {
  const std::string report_path =
      vm.count("report") ? check_report_path(vm["report"].as<std::string>()) : "";
  check_outputs(vm, {{"--json", json_path}, {"--csv", csv_path}, {"--report", report_path}},
                inputs);
  return report_path;
}

CommonFlags read_common_flags(const po::variables_map& vm, std::uint64_t min_runs,
                              std::uint64_t max_runs) {
  CommonFlags f;
  if (vm.count("runs")) {
    f.runs = parse_count("--runs", vm["runs"].as<std::string>(), min_runs, max_runs);
  }
  if (vm.count("seed")) {
    f.load.seed = parse_count("--seed", vm["seed"].as<std::string>(), 0, UINT64_MAX);
  }
  if (vm.count("sampler")) f.load.sampler = parse_sampler(vm["sampler"].as<std::string>());
  if (vm.count("threads")) {
    f.threads =
        static_cast<int>(parse_count("--threads", vm["threads"].as<std::string>(), 0, kMaxThreads));
  }
  if (vm.count("variant")) {
    f.load.variant = vm["variant"].as<std::string>();
    if (f.load.variant.empty()) throw UsageError("--variant: empty name");
  }
  if (vm.count("set")) f.load.sets = vm["set"].as<std::vector<std::string>>();
  std::tie(f.json_path, f.csv_path) = read_json_csv_paths(vm);
  if (vm.count("report")) f.report_path = check_report_path(vm["report"].as<std::string>());
  if (vm.count("xlsx")) f.xlsx_path = check_xlsx_path(vm["xlsx"].as<std::string>());
  if (vm.count("samples")) f.samples_path = check_samples_path(vm["samples"].as<std::string>());
  if (vm.count("samples-years")) {
    if (f.samples_path.empty()) throw UsageError("--samples-years needs --samples F.csv");
    f.samples_years = vm["samples-years"].as<std::string>();
    if (f.samples_years.empty()) throw UsageError("--samples-years: no year given");
  }
  f.max_samples =
      vm.count("max-samples-size")
          ? parse_memory_size("--max-samples-size", vm["max-samples-size"].as<std::string>())
          : kDefaultMaxSamplesBytes;
  check_outputs(vm, {{"--json", f.json_path},
                     {"--csv", f.csv_path},
                     {"--report", f.report_path},
                     {"--xlsx", f.xlsx_path},
                     {"--samples", f.samples_path}});
  f.quiet = vm.count("quiet") > 0;
  f.max_memory = read_max_memory(vm);
  return f;
}

}  // namespace plancast::cli
