// Output paths: resolution through symbolic links, same-file identity, the checks before a
// run, and leftover temporaries (see output_path.h).
#include "engine/io/output_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "engine/core/error.h"
#include "engine/io/output_file.h"

namespace plancast {

namespace {

constexpr int kMaxLinkHops = 40;  // as the kernel (ELOOP past 40)

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string read_link(const std::string& path) {
  std::string buf(256, '\0');
  for (;;) {
    const ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) fail_write(path, errno);
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

/// The kernel's fs.protected_symlinks rule, for links plancast follows itself: in a sticky
/// world-writable folder, only a link owned by the user or by the folder's owner.
void check_link_allowed(const std::string& given, const std::string& link,
                        const struct stat& link_st) {
  struct stat dir {};
  if (::stat(parent_dir(link).c_str(), &dir) != 0) return;
  const bool shared = (dir.st_mode & S_ISVTX) != 0 && (dir.st_mode & S_IWOTH) != 0;
  if (shared && link_st.st_uid != ::geteuid() && link_st.st_uid != dir.st_uid) {
    fail_write(given, EACCES,
               "a symbolic link owned by another user in a shared folder such as /tmp is not "
               "followed");
  }
}

/// Identity for the same-file rule.
struct FileKey {
  enum State { kKnown, kExempt, kUnknown } state = kUnknown;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string name;  ///< empty for an existing file; the name in folder (dev, ino) otherwise
  std::string text;  ///< the path as given: compared when the identity is unknown
  bool via_link = false;
  /// Exempt paths never match; unknown ones (a missing folder) match by their text.
  bool same(const FileKey& o) const {
    if (state == kExempt || o.state == kExempt) return false;
    if (state == kKnown && o.state == kKnown) {
      return dev == o.dev && ino == o.ino && name == o.name;
    }
    return text == o.text;
  }
};

FileKey output_key(const std::string& path) {
  FileKey k;
  k.text = path;
  if (path.empty() || path == "-") {
    k.state = FileKey::kExempt;
    return k;
  }
  OutputTarget t;
  try {
    t = resolve_output(path);
  } catch (const RunError&) {
    return k;  // check_output_path reports it
  }
  k.via_link = t.via_link;
  if (t.exists) {
    k.state = t.special ? FileKey::kExempt : FileKey::kKnown;
    k.dev = t.st.st_dev;
    k.ino = t.st.st_ino;
    return k;
  }
  struct stat dir {};
  if (::stat(t.dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) return k;
  k.state = FileKey::kKnown;
  k.dev = dir.st_dev;
  k.ino = dir.st_ino;
  k.name = t.name;
  return k;
}

FileKey input_key(const std::string& path) {
  FileKey k;
  k.text = path;
  struct stat st {};
  struct stat lst {};
  if (path.empty() || path == "-") {
    k.state = FileKey::kExempt;
  } else if (::stat(path.c_str(), &st) == 0) {
    k.state = S_ISREG(st.st_mode) ? FileKey::kKnown : FileKey::kExempt;
    k.dev = st.st_dev;
    k.ino = st.st_ino;
    k.via_link = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  }
  return k;
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

/// A temporary of an earlier plancast (NAME.tmp.PID): its process is gone (no process has
/// that pid here) and it has not been touched for a minute (a process on another machine
/// sharing the folder would still be writing it).
bool legacy_is_stale(const std::string& pid_text, const struct stat& st) {
  const long pid = std::stol(pid_text);
  if (pid <= 0) return false;
  if (pid <= 0x3fffffffL && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) {
    return false;
  }
  return std::time(nullptr) - st.st_mtime > 60;
}

/// N when `p` names this process's descriptor N: /dev/fd/N, /proc/self/fd/N or
/// /proc/PID/fd/N with our pid; -1 otherwise.
int descriptor_alias(const std::string& p) {
  const std::string self = "/proc/" + std::to_string(::getpid()) + "/fd/";
  for (const std::string& prefix : {std::string("/dev/fd/"), std::string("/proc/self/fd/"), self}) {
    if (p.compare(0, prefix.size(), prefix) == 0 && all_digits(p.substr(prefix.size()))) {
      return std::stoi(p.substr(prefix.size()));
    }
  }
  return -1;
}

}  // namespace

OutputTarget resolve_output(const std::string& path) {
  OutputTarget t;
  t.path = path;
  std::string p = path;
  for (int hops = 0;; ++hops) {
    if ((t.fd = descriptor_alias(p)) >= 0) {
      if (::fstat(t.fd, &t.st) != 0) fail_write(path, errno);
      const int flags = ::fcntl(t.fd, F_GETFL);
      if (flags < 0) fail_write(path, errno);
      if ((flags & O_ACCMODE) == O_RDONLY) fail_write(path, EBADF);
      t.exists = t.special = true;
      t.target = p;
      return t;
    }
    struct stat ls {};
    if (::lstat(p.c_str(), &ls) != 0) {
      if (errno == ENOENT) break;  // to be created (its folder is checked later)
      fail_write(path, errno);
    }
    if (!S_ISLNK(ls.st_mode)) {
      t.exists = true;
      t.st = ls;
      break;
    }
    if (hops == kMaxLinkHops) fail_write(path, ELOOP);
    check_link_allowed(path, p, ls);
    const std::string to = read_link(p);
    if (to.empty()) fail_write(path, ENOENT);
    p = to[0] == '/' ? to : parent_dir(p) + "/" + to;
    t.via_link = true;
  }
  if (t.exists && S_ISDIR(t.st.st_mode)) fail_write(path, EISDIR);
  t.special = t.exists && !S_ISREG(t.st.st_mode);
  t.target = p;
  t.dir = parent_dir(p);
  t.name = base_name(p);
  if (t.name.empty() || t.name == "." || t.name == "..") fail_write(path, EISDIR);
  return t;
}

void check_output_path(const std::string& path) {
  if (path == "-") return;
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  const OutputTarget t = resolve_output(path);
  if (t.special) {
    if (t.fd < 0 && ::access(t.target.c_str(), W_OK) != 0) fail_write(path, errno);
    return;
  }
  struct stat dir {};
  if (::stat(t.dir.c_str(), &dir) != 0) fail_write(path, errno);
  if (!S_ISDIR(dir.st_mode)) fail_write(path, ENOTDIR);
  if (::faccessat(AT_FDCWD, t.dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) fail_write(path, errno);
  // A file the user may not write is not replaced behind its back (as the shell's '>').
  if (t.exists && ::faccessat(AT_FDCWD, t.target.c_str(), W_OK, AT_EACCESS) != 0) {
    fail_write(path, errno);
  }
}

void check_distinct_files(const std::vector<NamedPath>& outputs,
                          const std::vector<NamedPath>& inputs) {
  std::vector<FileKey> in_keys;
  in_keys.reserve(inputs.size());
  for (const NamedPath& in : inputs) in_keys.push_back(input_key(in.path));
  std::vector<FileKey> out_keys;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& o = outputs[i];
    out_keys.push_back(output_key(o.path));
    const FileKey& k = out_keys.back();
    for (std::size_t j = 0; j < inputs.size(); ++j) {
      if (k.same(in_keys[j])) {
        const bool link = k.via_link || in_keys[j].via_link;
        throw UsageError(o.what + " '" + o.path + "' is also " + inputs[j].what + " '" +
                         inputs[j].path + "'" + (link ? " (through a symbolic link)" : "") +
                         ": an output may not replace an input; choose another file name");
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (k.same(out_keys[j])) {
        const bool link = k.via_link || out_keys[j].via_link;
        throw UsageError(outputs[j].what + " '" + outputs[j].path + "' and " + o.what + " '" +
                         o.path + "' name the same file" +
                         (link ? " (through a symbolic link)" : "") +
                         ": one would overwrite the other");
      }
    }
  }
}

void fail_write(const std::string& path, int err, const std::string& why) {
  throw RunError(why.empty()
                     ? fmt::format("cannot write {}: {}", path, std::strerror(err))
                     : fmt::format("cannot write {}: {} ({})", path, std::strerror(err), why));
}

std::string temporary_prefix(const std::string& name) {
  return name + ".tmp.plancast-";
}

int remove_leftover_temporaries(const std::string& dir, const std::string& name) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  const std::string prefix = temporary_prefix(name);
  const std::string legacy = name + ".tmp.";
  std::vector<std::string> candidates;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.compare(0, legacy.size(), legacy) == 0) candidates.push_back(n);
  }
  ::closedir(d);
  int removed = 0;
  for (const std::string& n : candidates) {
    const std::string full = dir + "/" + n;
    const bool ours = n.compare(0, prefix.size(), prefix) == 0 && n.size() == prefix.size() + 6;
    const bool old = !ours && all_digits(n.substr(legacy.size()));
    if (!ours && !old) continue;
    // O_NONBLOCK: a pipe so named must not block; only regular files are removed.
    const int fd = ::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    struct stat now {};
    bool stale = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    // This version's writers hold a lock on their temporary while they live (a SIGKILL
    // releases it); the removal is done holding that lock, so no live writer loses its file.
    if (stale && ours) stale = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (stale && old) stale = legacy_is_stale(n.substr(legacy.size()), st);
    // Still the same file under that name (not replaced since it was opened).
    if (stale && ::lstat(full.c_str(), &now) == 0 && now.st_dev == st.st_dev &&
        now.st_ino == st.st_ino && ::unlink(full.c_str()) == 0) {
      ++removed;
    }
    ::close(fd);
  }
  return removed;
}

}  // namespace plancast
