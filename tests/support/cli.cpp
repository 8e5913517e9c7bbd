#include "tests/support/cli.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
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

std::string binary_stdout(const std::string& env, const std::string& args) {
  const std::string cmd = env + " " + std::string(PLANCAST_BINARY) + " " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  std::string out;
  char buf[65536];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

void check_contains(const std::string& text, std::initializer_list<std::string_view> parts) {
  for (const std::string_view part : parts) {
    INFO("looking for: " << part);
    CHECK(text.find(part) != std::string::npos);
  }
}

}  // namespace plancast::test
