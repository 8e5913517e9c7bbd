// Tests of `plancast models`: text and JSON both list exactly what builtin_registry() holds.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include "engine/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/process.h"
#include "models/register_builtin.h"

using namespace plancast;

namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// Columns of UTF-8 text (one per code point).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

/// The text without line breaks or repeated spaces, so wrapped phrases can be searched.
std::string flatten(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

std::string models_text() {
  std::ostringstream out, err;
  REQUIRE(cli_models({}, out, err) == 0);
  CHECK(err.str().empty());
  return out.str();
}

}  // namespace

TEST_CASE("models: text lists every registered process and its keys", "[cli][models]") {
  const Registry& registry = builtin_registry();
  REQUIRE(registry.find("growth") != nullptr);
  REQUIRE(registry.find("formula") != nullptr);
  const std::string text = models_text();
  const std::vector<std::string> lines = lines_of(text);
  const std::string flat = flatten(text);

  for (const std::string& line : lines) {
    INFO(line);
    CHECK(columns(line) <= 100);
    CHECK((line.empty() || line.back() != ' '));
  }
  std::size_t headers = 0;
  for (const ProcessType& t : registry.all()) {
    INFO("process " << t.key);
    // A header line "KEY - summary" at the start of a line.
    const std::string head = t.key + " - ";
    const bool found = std::any_of(lines.begin(), lines.end(),
                                   [&](const std::string& l) { return l.rfind(head, 0) == 0; });
    CHECK(found);
    headers += found;
    CHECK(flat.find(flatten(t.summary)) != std::string::npos);
    for (const ProcessKeyDoc& k : t.keys) {
      INFO("key " << k.key);
      // Each key starts a row (indented by 2), followed by its type.
      const bool row = std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
        return l.rfind("  " + k.key + " ", 0) == 0 && l.find(k.type) != std::string::npos;
      });
      CHECK(row);
      CHECK(flat.find(flatten(k.meaning)) != std::string::npos);
    }
  }
  CHECK(headers == registry.all().size());
  // growth's required trend and its defaulted noise keys.
  CHECK(flat.find("trend") != std::string::npos);
  CHECK(flat.find("required") != std::string::npos);
}

TEST_CASE("models: --json - gives the registry as JSON", "[cli][models]") {
  const Registry& registry = builtin_registry();
  std::ostringstream out, err;
  REQUIRE(cli_models({"--json", "-"}, out, err) == 0);
  const auto j = nlohmann::json::parse(out.str());
  REQUIRE(j.contains("processes"));
  const auto& ps = j["processes"];
  REQUIRE(ps.size() == registry.all().size());
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const ProcessType& t = registry.all()[i];
    INFO("process " << t.key);
    CHECK(ps[i]["key"] == t.key);
    CHECK(ps[i]["summary"] == t.summary);
    const std::string base = ps[i]["base"];
    CHECK((base == "required" || base == "forbidden" || base == "optional"));
    REQUIRE(ps[i]["keys"].size() == t.keys.size());
    for (std::size_t k = 0; k < t.keys.size(); ++k) {
      const auto& row = ps[i]["keys"][k];
      CHECK(row["key"] == t.keys[k].key);
      CHECK(row["type"] == t.keys[k].type);
      CHECK(row["default"] == (t.keys[k].default_.empty() ? "required" : t.keys[k].default_));
      CHECK(row["meaning"] == t.keys[k].meaning);
    }
  }
  std::vector<std::string> names;
  for (const auto& p : ps) names.push_back(p["key"]);
  CHECK(std::find(names.begin(), names.end(), "growth") != names.end());
  CHECK(std::find(names.begin(), names.end(), "formula") != names.end());
}

TEST_CASE("models: --json FILE writes the same JSON; usage errors", "[cli][models]") {
  std::string tmpl = (fs::temp_directory_path() / "plancast-models-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  const fs::path dir = tmpl;
  const fs::path file = dir / "m.json";
  std::ostringstream out, err, jout, jerr;
  REQUIRE(cli_models({"--json", file.string()}, out, err) == 0);
  CHECK(out.str() == models_text());  // text still printed
  REQUIRE(cli_models({"--json", "-"}, jout, jerr) == 0);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  CHECK(content.str() == jout.str());
  std::error_code ec;
  fs::remove_all(dir, ec);

  std::ostringstream hout, herr;
  CHECK(cli_models({"--help"}, hout, herr) == 0);
  CHECK_THAT(hout.str(), Catch::Contains("usage: plancast models"));
  CHECK_THROWS_AS(cli_models({"--no-such-flag"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_models({"extra"}, out, err), UsageError);
  CHECK_THROWS_AS(cli_models({"--json", ""}, out, err), UsageError);
  const bool listed = std::any_of(commands().begin(), commands().end(),
                                  [](const Command& c) { return std::string(c.name) == "models"; });
  CHECK(listed);
}
