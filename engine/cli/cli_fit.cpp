// `plancast fit`: the growth process of a history series, estimated, as a YAML fragment to
// paste into a scenario (and, with --json, the estimates).
#include <string>

#include "engine/api/plancast.h"
#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/io/fit_out.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

const char* kFitUsage =
    "usage: plancast fit SCENARIO --indicator NAME [options]\n"
    "       plancast fit FILE.csv --column NAME [options]\n"
    "\n"
    "Estimates the growth process of a history series: an indicator's `history:` in a\n"
    "scenario, or a column of a CSV file whose first column is the year (empty cells and\n"
    "missing years are gaps). The annual growth rates are modelled as the engine does: a\n"
    "trend mean plus AR(1) noise; the trend mean and its standard error, the noise sd and\n"
    "the persistence are estimated by exact Gaussian maximum likelihood, gaps included\n"
    "(docs/analysis.md, \"fit\"). Prints a YAML fragment ready to paste: the trend as a\n"
    "normal parameter whose sd is the standard error, and the noise. Needs at least 5\n"
    "values. Exit 2 on bad input.\n";

}  // namespace

int cli_fit(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  namespace po = cli::po;
  cli::CommandOptions options(kFitUsage, "source", 1);
  // clang-format off
  options.own()
    ("indicator", po::value<std::string>()->value_name("NAME"),
     "the indicator whose history is fitted (SOURCE a scenario)")
    ("column", po::value<std::string>()->value_name("NAME"),
     "the CSV column fitted (SOURCE a CSV file)")
    ("form", po::value<std::string>()->value_name("simple|log"),
     "growth's form: simple X(1+g) (default) or log X e^g")
    ("process", po::value<std::string>()->value_name("growth|logistic"),
     "the process fitted (default growth); logistic needs --cap")
    ("cap", po::value<std::string>()->value_name("C"),
     "the logistic's cap (> every value), e.g. 100 for a share in %");
  // clang-format on
  options.json("write the estimates as JSON ('-': stdout)");
  const auto parsed = options.parse(args, out);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm.count("source")) throw UsageError("fit needs a SCENARIO or a FILE.csv");
  if (vm.count("indicator") == vm.count("column")) {
    throw UsageError("fit needs one of --indicator NAME (a scenario) or --column NAME (a CSV)");
  }
  FitInput in;
  in.path = vm["source"].as<std::string>();
  in.csv = vm.count("column") > 0;
  in.series = in.csv ? vm["column"].as<std::string>() : vm["indicator"].as<std::string>();
  const std::string process = vm.count("process") ? vm["process"].as<std::string>() : "growth";
  if (process == "logistic") {
    if (vm.count("form")) throw UsageError("--form goes with --process growth, not logistic");
    if (!vm.count("cap")) throw UsageError("--process logistic needs --cap C");
    in.form = FitForm::logistic;
    in.cap = cli::parse_number("--cap", vm["cap"].as<std::string>());
    if (!(in.cap > 0)) throw UsageError("--cap: must be > 0");
  } else if (process == "growth") {
    if (vm.count("cap")) throw UsageError("--cap goes with --process logistic");
    const std::string form = vm.count("form") ? vm["form"].as<std::string>() : "simple";
    if (form != "simple" && form != "log") {
      throw UsageError("--form: '" + form + "' is not a form (simple or log)");
    }
    in.form = form == "log" ? FitForm::log : FitForm::simple;
  } else {
    throw UsageError("--process: '" + process + "' cannot be fitted (growth or logistic)");
  }
  const std::string json_path = vm.count("json") ? vm["json"].as<std::string>() : "";
  if (vm.count("json") && json_path.empty()) throw UsageError("--json: the file name is empty");
  cli::check_outputs(vm, {{"--json", json_path}}, {{"SOURCE", in.path}});
  const FitResult fit = api::fit(in);
  OutputSet outputs(&out, nullptr);
  if (!json_path.empty()) outputs.stage(json_path, fit_json(fit));
  if (json_path != "-") write_stream(out, fit_text(fit), nullptr);
  outputs.commit();
  return 0;
}

}  // namespace plancast
