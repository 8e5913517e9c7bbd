// `plancast models`: the process registry (builtin_registry()) with each parameter table.
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/cli/cli.h"
#include "engine/cli/options.h"
#include "engine/core/error.h"
#include "engine/core/process.h"
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

/// Columns taken by UTF-8 text (one per code point).
std::size_t columns(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// Words of `text` filled into lines of at most `width` columns; a word longer than a line
/// is cut (at code point boundaries).
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) words.push_back(w);

  std::vector<std::string> lines;
  std::string line;
  for (std::string word : words) {
    while (columns(word) > width) {  // cut an overlong word
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
      }
      std::size_t i = 0, n = 0;
      while (i < word.size() && n < width) {
        ++i;
        while (i < word.size() && (word[i] & 0xC0) == 0x80) ++i;
        ++n;
      }
      lines.push_back(word.substr(0, i));
      word.erase(0, i);
    }
    if (word.empty()) continue;
    if (line.empty()) {
      line = word;
    } else if (columns(line) + 1 + columns(word) <= width) {
      line += ' ';
      line += word;
    } else {
      lines.push_back(line);
      line = word;
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string pad(const std::string& s, std::size_t width) {
  std::string out = s;
  const std::size_t n = columns(s);
  if (n < width) out.append(width - n, ' ');
  return out;
}

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
  for (const std::string& line : wrap(t.key + " - " + t.summary, kWidth)) s += line + "\n";
  s += "  indicator base value: ";
  s += base_text(t.base);
  s += "\n";
  if (t.keys.empty()) return s;

  constexpr std::size_t kIndent = 2, kGap = 2, kMinMeaning = 30;
  std::size_t wk = columns("key"), wt = columns("type"), wd = columns("default");
  for (const ProcessKeyDoc& k : t.keys) {
    wk = std::max(wk, columns(k.key));
    wt = std::max(wt, columns(k.type));
    wd = std::max(wd, columns(default_text(k)));
  }
  const std::size_t start = kIndent + wk + kGap + wt + kGap + wd + kGap;
  const bool side_by_side = start + kMinMeaning <= kWidth;
  const std::string indent(kIndent, ' ');
  if (side_by_side) {
    s += indent + pad("key", wk + kGap) + pad("type", wt + kGap) + pad("default", wd + kGap) +
         "meaning\n";
    for (const ProcessKeyDoc& k : t.keys) {
      const std::vector<std::string> m = wrap(k.meaning, kWidth - start);
      std::string row =
          indent + pad(k.key, wk + kGap) + pad(k.type, wt + kGap) + pad(default_text(k), wd + kGap);
      s += row + m.front() + "\n";
      for (std::size_t i = 1; i < m.size(); ++i) s += std::string(start, ' ') + m[i] + "\n";
    }
    return s;
  }
  // Too wide for one row: key, type and default on one line (wrapped), meaning below.
  for (const ProcessKeyDoc& k : t.keys) {
    const std::string head = k.key + "  (" + k.type + "; default: " + default_text(k) + ")";
    for (const std::string& line : wrap(head, kWidth - kIndent)) s += indent + line + "\n";
    for (const std::string& line : wrap(k.meaning, kWidth - 2 * kIndent)) {
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
