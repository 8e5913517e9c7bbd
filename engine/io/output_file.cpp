// A command's outputs as one transaction: staged to temporaries, then renamed into place;
// see output_file.h.
#include "engine/io/output_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "engine/core/error.h"
#include "engine/sim/distribute.h"

namespace plancast {

namespace {

/// Bytes written per write() call: between two, an interrupt is noticed.
constexpr std::size_t kChunk = std::size_t{1} << 20;

/// Writes all of `data` to `fd`, in chunks, checking `cancelled` between them and when a
/// signal interrupts a write. Returns 0 or the errno of the failure; -1 when cancelled.
template <class Cancelled>
int write_all(int fd, std::string_view data, const Cancelled& cancelled) {
  while (!data.empty()) {
    if (cancelled()) return -1;
    const ssize_t n = ::write(fd, data.data(), std::min(data.size(), kChunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

std::string random_suffix() {
  static std::mt19937_64 gen{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(6, 'x');
  for (char& c : s) c = kChars[gen() % (sizeof kChars - 1)];
  return s;
}

bool tmpfile_unsupported(int err) {
  return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

/// Whether an unnamed temporary can be given a name later: through /proc/self/fd (any
/// user) or AT_EMPTY_PATH (root).
bool can_link_unnamed() {
  static const bool ok = ::access("/proc/self/fd", X_OK) == 0 || ::geteuid() == 0;
  return ok;
}

}  // namespace

struct OutputSet::Item {
  enum Kind { kStream, kSpecial, kFile } kind = kFile;
  OutputTarget t;
  std::string content;  ///< streams and special files only (files are staged at once)
  int fd = -1;
  std::string temp;          ///< the temporary's name (named temporaries, or once linked)
  bool old_at_temp = false;  ///< renamed by exchange: the old file now under `temp`
  bool created = false;      ///< renamed where no file was
  bool replaced = false;     ///< renamed over the old file without exchange (no undo)
};

OutputSet::OutputSet(std::ostream* out, const std::atomic<bool>* cancel)
    : out_(out != nullptr ? out : &std::cout), cancel_(cancel) {}

OutputSet::~OutputSet() {
  discard();
}

void OutputSet::check_cancel() const {
  if (cancel_ != nullptr && cancel_->load()) throw Interrupted();
}

void OutputSet::discard() {
  for (Item& it : items_) {
    if (!it.temp.empty() && !it.old_at_temp) ::unlink(it.temp.c_str());
    if (it.fd >= 0) ::close(it.fd);
    it.fd = -1;
    it.temp.clear();
  }
  items_.clear();
}

void OutputSet::stage(const std::string& path, std::string content) {
  stage_impl(
      path, [&content](const Append& append) { append(content); }, false);
}

void OutputSet::stage_stream(const std::string& path,
                             const std::function<void(const Append&)>& produce) {
  stage_impl(path, produce, true);
}

int OutputSet::open_special(const OutputTarget& t) const {
  if (t.fd >= 0) return t.fd;
  int fd = -1;
  while ((fd = ::open(t.target.c_str(), O_WRONLY | O_CLOEXEC)) < 0 && errno == EINTR) {
    check_cancel();  // a pipe nobody reads blocks open(); a signal ends the wait
  }
  if (fd < 0) fail_write(t.path, errno);
  return fd;
}

void OutputSet::write_special_now(const OutputTarget& t,
                                  const std::function<void(const Append&)>& produce) {
  const auto cancelled = [this] { return cancel_ != nullptr && cancel_->load(); };
  const int fd = open_special(t);
  const bool own = fd != t.fd;
  try {
    produce([&](std::string_view text) {
      const int err = write_all(fd, text, cancelled);
      if (err < 0) throw Interrupted();
      if (err != 0) fail_write(t.path, err);
    });
  } catch (...) {
    if (own) ::close(fd);
    throw;
  }
  if (own && ::close(fd) != 0) fail_write(t.path, errno);
}

void OutputSet::stage_impl(const std::string& path,
                           const std::function<void(const Append&)>& produce, bool stream_special) {
  if (!is_output_rank()) {  // under MPI only rank 0 writes (docs/scale-out.md)
    produce([](std::string_view) {});
    return;
  }
  if (committed_) throw std::logic_error("OutputSet::stage after commit");
  check_cancel();
  Item it;
  if (path == "-") {
    it.kind = Item::kStream;
    it.t.path = path;
    produce([&it](std::string_view text) { it.content.append(text); });
    items_.push_back(std::move(it));
    return;
  }
  if (path.empty()) throw RunError("cannot write an output file with an empty name");
  check_output_path(path);
  it.t = resolve_output(path);
  if (it.t.special && stream_special) {
    write_special_now(it.t, produce);
    return;
  }
  if (it.t.special) {
    it.kind = Item::kSpecial;
    produce([&it](std::string_view text) { it.content.append(text); });
    items_.push_back(std::move(it));
    return;
  }
  remove_leftover_temporaries(it.t.dir, it.t.name);
  // A file that replaces another is created private and given the old one's mode below; a
  // new file gets the usual mode (0666 less the umask, or the folder's default ACL).
  const mode_t mode = it.t.exists ? 0600 : 0666;
  int fd = -1;
  if (!named_only_ && can_link_unnamed()) {
    fd = ::open(it.t.dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    if (fd < 0 && !tmpfile_unsupported(errno)) fail_write(path, errno);
  }
  if (fd >= 0) {
    ::flock(fd, LOCK_EX);  // held until exit: a later run leaves its named form alone
  } else {
    for (int attempt = 0; fd < 0; ++attempt) {
      it.temp = it.t.dir + "/" + temporary_prefix(it.t.name) + random_suffix();
      fd = ::open(it.temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd < 0) {
        if (errno == EEXIST && attempt < 100) continue;
        it.temp.clear();
        fail_write(path, errno);
      }
      // Locked, then checked still ours: a cleaner that took the lock first removed it.
      ::flock(fd, LOCK_EX);
      struct stat a {};
      struct stat b {};
      if (::fstat(fd, &a) != 0 || ::lstat(it.temp.c_str(), &b) != 0 || a.st_ino != b.st_ino ||
          a.st_dev != b.st_dev) {
        ::close(fd);
        fd = -1;
      }
    }
  }
  it.fd = fd;
  items_.push_back(std::move(it));
  try {
    fill(items_.back(), produce);
  } catch (...) {
    Item& bad = items_.back();  // a file that failed to stage is not kept in the set
    if (!bad.temp.empty()) ::unlink(bad.temp.c_str());
    ::close(bad.fd);
    items_.pop_back();
    throw;
  }
}

void OutputSet::fill(Item& item, const std::function<void(const Append&)>& produce) {
  const int fd = item.fd;
  const std::string path = item.t.path;
  if (item.t.exists) {
    // Owner and group first (a change of owner clears set-id bits), then the mode. Only
    // root may give a file away; an owner may set a group they belong to.
    if (::geteuid() == 0) {
      (void)::fchown(fd, item.t.st.st_uid, item.t.st.st_gid);
    } else {
      (void)::fchown(fd, static_cast<uid_t>(-1), item.t.st.st_gid);
    }
    if (::fchmod(fd, item.t.st.st_mode & 07777) != 0) fail_write(path, errno);
  }
  const auto cancelled = [this] { return cancel_ != nullptr && cancel_->load(); };
  produce([&](std::string_view text) {
    const int err = write_all(fd, text, cancelled);
    if (err < 0) throw Interrupted();
    if (err != 0) fail_write(path, err);
  });
  if (::fsync(fd) != 0) fail_write(path, errno);
}

void OutputSet::commit() {
  if (!is_output_rank() || committed_) return;
  check_cancel();
  const auto cancelled = [this] { return cancel_ != nullptr && cancel_->load(); };
  // The streams first: a reader that has gone (a closed pipe) stops the set.
  for (Item& it : items_) {
    if (it.kind == Item::kStream) {
      write_stream(*out_, it.content, cancel_);
    } else if (it.kind == Item::kSpecial && it.t.fd >= 0) {
      const int err = write_all(it.t.fd, it.content, cancelled);
      if (err < 0) throw Interrupted();
      if (err != 0) fail_write(it.t.path, err);
    } else if (it.kind == Item::kSpecial) {
      const int fd = open_special(it.t);
      int err = write_all(fd, it.content, cancelled);
      if (::close(fd) != 0 && err == 0) err = errno;
      if (err < 0) throw Interrupted();
      if (err != 0) fail_write(it.t.path, err);
    }
  }
  check_cancel();
  // Every staged file gets a name beside its target (unnamed temporaries are linked).
  for (Item& it : items_) {
    if (it.kind != Item::kFile || !it.temp.empty()) continue;
    const std::string proc = "/proc/self/fd/" + std::to_string(it.fd);
    for (int attempt = 0; it.temp.empty(); ++attempt) {
      const std::string name = it.t.dir + "/" + temporary_prefix(it.t.name) + random_suffix();
      int r = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW);
      if (r != 0 && errno != EEXIST) {
        r = ::linkat(it.fd, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH);
      }
      if (r == 0) {
        it.temp = name;
      } else if (errno != EEXIST || attempt >= 100) {
        fail_write(it.t.path, errno);
      }
    }
  }
  // The renames, in a row. One that fails undoes those before it where it can.
  for (std::size_t i = 0; i < items_.size(); ++i) {
    Item& it = items_[i];
    if (it.kind != Item::kFile) continue;
    const char* from = it.temp.c_str();
    const char* to = it.t.target.c_str();
    int r = ::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
    int err = r == 0 ? 0 : errno;
    struct stat st {};
    if (r == 0 && ::lstat(from, &st) == 0 && S_ISDIR(st.st_mode)) {
      // A folder appeared under the target's name since staging: put it back.
      ::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
      err = EISDIR;
    } else if (r == 0) {
      it.old_at_temp = true;
    } else if (err == ENOENT) {
      err = ::rename(from, to) == 0 ? 0 : errno;
      it.created = err == 0;
    } else if (err == EINVAL || err == ENOSYS || err == EOPNOTSUPP) {
      err = ::rename(from, to) == 0 ? 0 : errno;
      it.replaced = err == 0;
    }
    if (err == 0) {
      if (it.created || it.replaced) it.temp.clear();
      continue;
    }
    for (std::size_t j = i; j-- > 0;) {
      Item& back = items_[j];
      if (back.old_at_temp && ::renameat2(AT_FDCWD, back.temp.c_str(), AT_FDCWD,
                                          back.t.target.c_str(), RENAME_EXCHANGE) == 0) {
        back.old_at_temp = false;  // the new file is now under temp: discard() removes it
      } else if (back.created) {
        ::unlink(back.t.target.c_str());
      }
    }
    fail_write(it.t.path, err);
  }
  // Done: the old files go, and each folder is flushed so the renames survive a power cut
  // (best effort: some file systems refuse to fsync a folder).
  committed_ = true;
  std::vector<std::string> dirs;
  for (Item& it : items_) {
    if (it.kind != Item::kFile) continue;
    if (it.old_at_temp) ::unlink(it.temp.c_str());
    it.temp.clear();
    it.old_at_temp = false;
    if (std::find(dirs.begin(), dirs.end(), it.t.dir) == dirs.end()) dirs.push_back(it.t.dir);
  }
  for (const std::string& d : dirs) {
    const int dfd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  discard();
}

void write_output(const std::string& path, const std::string& content) {
  OutputSet set;
  set.stage(path, content);
  set.commit();
}

void write_stream(std::ostream& out, std::string_view text, const std::atomic<bool>* cancel) {
  const auto stdout_error = [](int err) {
    return RunError(err != 0 ? fmt::format("cannot write standard output: {}", std::strerror(err))
                             : std::string("cannot write standard output"));
  };
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  errno = 0;
  if (&out == &std::cout && is_output_rank()) {
    // Straight to the descriptor, so that a write blocked on a full pipe and cut short by
    // a signal is seen as an interrupt (stdio would retry the rest and block again).
    if (!std::cout.flush()) throw stdout_error(errno);
    const int err = write_all(STDOUT_FILENO, text, cancelled);
    if (err < 0) throw Interrupted();
    if (err != 0) throw stdout_error(err);
    return;
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) {
    if (cancelled()) throw Interrupted();
    throw stdout_error(errno);
  }
}

}  // namespace plancast
