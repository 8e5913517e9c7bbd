// Writing result files safely (temporary file, fsync, rename); see output_file.h.
#include "engine/io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "engine/core/error.h"
#include "engine/sim/distribute.h"

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

/// Where the bytes go: a symlink is followed, so that the file it names is replaced (and
/// the link kept), not the link itself.
std::string resolve(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      std::string out = real;
      std::free(real);
      return out;
    }
  }
  return path;
}

/// Writes straight into an existing non-regular file (a terminal, a pipe, /dev/null):
/// there is nothing to replace atomically, and renaming over it would destroy it.
void write_special(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(path, errno);
  int err = 0;
  if (!write_all(fd, content.data(), content.size())) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) fail(path, err);
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path == "-") return;
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail(path, EISDIR);
    if (!S_ISREG(st.st_mode)) {
      if (::access(path.c_str(), W_OK) != 0) fail(path, errno);
      return;
    }
  }
  const std::string dir = parent_dir(resolve(path));
  if (::stat(dir.c_str(), &st) != 0) fail(path, errno);
  if (!S_ISDIR(st.st_mode)) fail(path, ENOTDIR);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) fail(path, errno);
}

void write_output(const std::string& path, const std::string& content) {
  if (!is_output_rank()) return;  // under MPI only rank 0 writes (docs/scale-out.md)
  if (path == "-") {
    if (std::fwrite(content.data(), 1, content.size(), stdout) != content.size() ||
        std::fflush(stdout) != 0) {
      throw RunError(std::string("cannot write standard output: ") + std::strerror(errno));
    }
    return;
  }
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail(path, EISDIR);
    if (!S_ISREG(st.st_mode)) return write_special(path, content);
  }

  const std::string target = resolve(path);
  const std::string tmp = target + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // a leftover of a killed process that had our pid
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, errno);
  int err = 0;
  if (!write_all(fd, content.data(), content.size())) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), target.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(path, err);
  }
  // Make the rename itself durable; best effort (some file systems refuse directory fsync).
  const int dfd = ::open(parent_dir(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace plancast
