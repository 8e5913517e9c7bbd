// Writing result files safely (temporary file, fsync, rename); see output_file.h.
#include "engine/io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/core/error.h"

namespace plancast {

namespace {

[[noreturn]] void fail(const std::string& path, int err) {
  throw RunError("cannot write " + path + ": " + std::strerror(err));
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path == "-") return;
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path, EISDIR);
  const std::string dir = parent_dir(path);
  if (::stat(dir.c_str(), &st) != 0) fail(path, errno);
  if (!S_ISDIR(st.st_mode)) fail(path, ENOTDIR);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) fail(path, errno);
}

void write_output(const std::string& path, const std::string& content) {
  if (path == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() ||
        std::fflush(stdout) != 0) {
      throw RunError(std::string("cannot write standard output: ") + std::strerror(errno));
    }
    return;
  }
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path, EISDIR);

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, errno);
  int err = 0;
  if (!write_all(fd, content.data(), content.size())) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(path, err);
  }
  // Make the rename itself durable; best effort (some file systems refuse directory fsync).
  const int dfd = ::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace plancast
