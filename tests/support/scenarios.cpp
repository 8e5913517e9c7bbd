#include "tests/support/scenarios.h"

#include <filesystem>
#include <stdexcept>

#include "tests/support/files.h"

namespace plancast::test {

std::string data_path(const std::string& name) {
  return std::string(PLANCAST_SOURCE_DIR) + "/tests/data/" + name + ".yaml";
}

std::string data_scenario(const std::string& name) {
  const std::string path = data_path(name);
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("no scenario " + path);
  return slurp(path);
}

}  // namespace plancast::test
