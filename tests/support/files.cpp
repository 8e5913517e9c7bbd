#include "tests/support/files.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include <stdlib.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace plancast::test {

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "plancast-test-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path, ec);
}

std::size_t TempDir::entries() const {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(path), fs::directory_iterator()));
}

std::size_t TempDir::temporaries() const {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(path)) {
    n += e.path().filename().string().find(".tmp.") != std::string::npos ? 1 : 0;
  }
  return n;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string temp_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("plancast-tests-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  spit(path, text);
  return path;
}

}  // namespace plancast::test
