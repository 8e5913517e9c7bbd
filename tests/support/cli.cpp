#include "tests/support/cli.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace plancast::test {

CliResult call(Command command, const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = command(args, out, err);
  return {code, out.str(), err.str()};
}

nlohmann::json json_of(Command command, std::vector<std::string> args) {
  args.push_back("--json");
  args.push_back("-");
  const CliResult r = call(command, args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

void check_contains(const std::string& text, std::initializer_list<std::string_view> parts) {
  for (const std::string_view part : parts) {
    INFO("looking for: " << part);
    CHECK(text.find(part) != std::string::npos);
  }
}

}  // namespace plancast::test
