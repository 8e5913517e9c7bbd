// `plancast models`: the process registry (builtin_registry()) with each parameter table.
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/core/process.h"
#include "engine/core/utf8.h"
#include "engine/io/output_file.h"
#include "models/register_builtin.h"

namespace plancast {

namespace {

const char* kModelsUsage =
    "usage: plancast models [options]\n"
    "\n"
    "Lists every process an indicator can use (the YAML key under the indicator), with a\n"
    "summary, whether the indicator needs a `base`, and its keys: type, default and meaning.\n";

constexpr std::size_t kWidth = 100;  ///< text output fits this many columns

const char* base_text(BaseRule b) {
  switch (b) {
    case BaseRule::required:
      return "required";
    case BaseRule::forbidden:
      return "forbidden";
    case BaseRule::optional:
      return "optional";
  }
  return "?";
}

std::string default_text(const ProcessKeyDoc& k) {
  return k.default_.empty() ? std::string("required") : k.default_;
}

/// One process as text: "KEY - summary", the base rule, then the key table with the meaning
/// column wrapped so that every line fits kWidth columns.
std::string process_text(const ProcessType& t) {
  std::string s;
  for (const std::string& line : wrap_lines(t.key + " - " + t.summary, kWidth, kWidth))
    s += line + "\n";
  s += "  indicator base value: ";
  s += base_text(t.base);
  s += "\n";
  if (t.keys.empty()) return s;

  constexpr std::size_t kIndent = 2, kGap = 2, kMinMeaning = 30;
  std::size_t wk = display_width("key"), wt = display_width("type"), wd = display_width("default");
  for (const ProcessKeyDoc& k : t.keys) {
    wk = std::max(wk, display_width(k.key));
    wt = std::max(wt, display_width(k.type));
    wd = std::max(wd, display_width(default_text(k)));
  }
  const std::size_t start = kIndent + wk + kGap + wt + kGap + wd + kGap;
  const bool side_by_side = start + kMinMeaning <= kWidth;
  const std::string indent(kIndent, ' ');
  if (side_by_side) {
    s += indent + pad_to_width("key", wk + kGap) + pad_to_width("type", wt + kGap) +
         pad_to_width("default", wd + kGap) + "meaning\n";
    for (const ProcessKeyDoc& k : t.keys) {
      const std::vector<std::string> m = wrap_lines(k.meaning, kWidth - start, kWidth - start);
      std::string row = indent + pad_to_width(k.key, wk + kGap) + pad_to_width(k.type, wt + kGap) +
                        pad_to_width(default_text(k), wd + kGap);
      s += row + m.front() + "\n";
      for (std::size_t i = 1; i < m.size(); ++i) s += std::string(start, ' ') + m[i] + "\n";
    }
    return s;
  }
  // Too wide for one row: key, type and default on one line (wrapped), meaning below.
  for (const ProcessKeyDoc& k : t.keys) {
    const std::string head = k.key + "  (" + k.type + "; default: " + default_text(k) + ")";
    for (const std::string& line : wrap_lines(head, kWidth - kIndent, kWidth - kIndent))
      s += indent + line + "\n";
    for (const std::string& line :
         wrap_lines(k.meaning, kWidth - 2 * kIndent, kWidth - 2 * kIndent)) {
      s += indent + indent + line + "\n";
    }
  }
  return s;
}

/// Removes spaces at the end of every line (a row with an empty meaning ends in padding).
std::string trim_line_ends(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
    }
    out += c;
  }
  return out;
}

std::string registry_text(const Registry& registry) {
  std::string s;
  bool first = true;
  for (const ProcessType& t : registry.all()) {
    if (!first) s += "\n";
    first = false;
    s += process_text(t);
  }
  return trim_line_ends(s);
}

std::string registry_json(const Registry& registry) {
  using J = nlohmann::ordered_json;
  J j;
  j["processes"] = J::array();
  for (const ProcessType& t : registry.all()) {
    J p;
    p["key"] = t.key;
    p["summary"] = t.summary;
    p["base"] = base_text(t.base);
    p["keys"] = J::array();
    for (const ProcessKeyDoc& k : t.keys) {
      J row;
      row["key"] = k.key;
      row["type"] = k.type;
      row["default"] = default_text(k);
      row["meaning"] = k.meaning;
      p["keys"].push_back(std::move(row));
    }
    j["processes"].push_back(std::move(p));
  }
  return j.dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace

int cli_models(const std::vector<std::string>& args, std::ostream& out, std::ostream&) {
  cli::CommandOptions options(kModelsUsage, "", 0);
  options.json(
      "write the registry as JSON ('-': stdout): {\"processes\": [{\"key\", \"summary\", "
      "\"base\", \"keys\": [{\"key\", \"type\", \"default\", \"meaning\"}]}]}");
  const auto vm = options.parse(args, out);
  if (!vm) return 0;
  const std::string json_path = cli::read_common_flags(*vm, 1, 1).json_path;

  const Registry& registry = builtin_registry();
  if (json_path == "-") {
    out << registry_json(registry) << std::flush;
    if (!out) throw RunError("cannot write standard output");
    return 0;
  }
  if (!json_path.empty()) write_output(json_path, registry_json(registry));
  out << registry_text(registry) << std::flush;
  if (!out) throw RunError("cannot write standard output");
  return 0;
}

}  // namespace plancast
