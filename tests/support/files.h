// Files for tests: a temporary directory, whole-file reads and writes, scenario files
// (tests/support).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace plancast::test {

/// A fresh empty directory under the system temp directory, removed (whatever its
/// permissions were set to) at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
  /// The path of `name` in the directory.
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  /// Entries in the directory, and those among them that are output temporaries (".tmp.").
  std::size_t entries() const;
  std::size_t temporaries() const;
};

std::string slurp(const std::filesystem::path& p);
void spit(const std::filesystem::path& p, const std::string& text);

/// Writes `text` to `name` in this process's own directory under the temp directory (made
/// once, left for the system to clean) and returns the path.
std::string temp_file(const std::string& name, const std::string& text);

}  // namespace plancast::test
