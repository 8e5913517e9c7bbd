// Tests of the output transaction (engine/io/output_file.h, output_path.h): whole files or
// nothing, a set of outputs all new or all old, interrupts, temporaries and leftovers,
// symbolic links, modes and owners, and the same-file rule.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/io/output_file.h"
#include "tests/support/files.h"

using namespace plancast;
using namespace plancast::test;
namespace fs = std::filesystem;

namespace {

struct stat stat_of(const std::string& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st;
}

/// Sets a file's modification time `secs` seconds into the past.
void age(const std::string& p, int secs) {
  struct timeval tv[2]{};
  ::gettimeofday(&tv[0], nullptr);
  tv[0].tv_sec -= secs;
  tv[1] = tv[0];
  REQUIRE(::utimes(p.c_str(), tv) == 0);
}

}  // namespace

TEST_CASE("write_output: whole file or nothing", "[io][output]") {
  TempDir dir;
  const std::string path = dir / "out.json";
  write_output(path, "first\n");
  CHECK(slurp(path) == "first\n");
  write_output(path, "second, longer\n");
  CHECK(slurp(path) == "second, longer\n");
  CHECK(dir.entries() == 1);  // no temporary left behind

  SECTION("nonexistent directory") {
    const std::string bad = dir / "missing/out.json";
    CHECK_THROWS_AS(write_output(bad, "x"), RunError);
    CHECK_THROWS_WITH(write_output(bad, "x"), Catch::Contains("cannot write " + bad));
    CHECK_THROWS_AS(check_output_path(bad), RunError);
    CHECK_FALSE(fs::exists(dir.path / "missing"));
    CHECK(dir.entries() == 1);
  }
  SECTION("target is a directory") {
    fs::create_directory(dir.path / "sub");
    CHECK_THROWS_AS(write_output(dir / "sub", "x"), RunError);
    CHECK_THROWS_AS(check_output_path(dir / "sub"), RunError);
    CHECK(fs::is_directory(dir.path / "sub"));
    CHECK(dir.entries() == 2);
  }
  SECTION("parent is a file") {
    CHECK_THROWS_AS(write_output(path + "/x.json", "x"), RunError);
    CHECK(slurp(path) == "second, longer\n");
  }
  SECTION("unwritable directory or file") {
    if (::geteuid() == 0) {
      WARN("running as root: permission bits do not stop writes; case skipped");
    } else {
      fs::create_directory(dir.path / "ro");
      fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
      CHECK_THROWS_AS(write_output(dir / "ro/out.json", "x"), RunError);
      CHECK_THROWS_AS(check_output_path(dir / "ro/out.json"), RunError);
      fs::permissions(dir.path / "ro", fs::perms::owner_all);
      CHECK(fs::is_empty(dir.path / "ro"));
      // A file the user may not write is not replaced, although its folder would allow it.
      ::chmod(path.c_str(), 0444);
      CHECK_THROWS_WITH(write_output(path, "x"), Catch::Contains("Permission denied"));
      CHECK_THROWS_AS(check_output_path(path), RunError);
      CHECK(slurp(path) == "second, longer\n");
      ::chmod(path.c_str(), 0644);
    }
  }
  SECTION("special files are written in place, never replaced") {
    CHECK_NOTHROW(check_output_path("/dev/null"));
    CHECK_NOTHROW(write_output("/dev/null", "discarded\n"));
    CHECK(S_ISCHR(stat_of("/dev/null").st_mode));
    if (fs::exists("/dev/full")) {
      CHECK_THROWS_WITH(write_output("/dev/full", std::string(100000, 'x')),
                        Catch::Contains("No space left"));
      CHECK(S_ISCHR(stat_of("/dev/full").st_mode));
    }
  }
  SECTION("/dev/fd/N and /proc/self/fd/N are the open descriptor, written as it stands") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    write_output("/dev/fd/" + std::to_string(fds[1]), "through /dev/fd\n");
    write_output("/proc/self/fd/" + std::to_string(fds[1]), "and /proc\n");
    char buf[64] = {};
    CHECK(::read(fds[0], buf, sizeof buf - 1) == 26);
    CHECK(std::string(buf) == "through /dev/fd\nand /proc\n");
    CHECK_THROWS_AS(check_output_path("/dev/fd/" + std::to_string(fds[0])), RunError);  // read end
    ::close(fds[0]);
    ::close(fds[1]);
    // Appending to a file opened for appending, not replacing it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    REQUIRE(fd >= 0);
    write_output("/dev/fd/" + std::to_string(fd), "appended\n");
    ::close(fd);
    CHECK(slurp(path) == "second, longer\nappended\n");
  }
  CHECK_NOTHROW(check_output_path(path));
  CHECK_NOTHROW(check_output_path("-"));
}

TEST_CASE("OutputSet: every output new, or every output old", "[io][output]") {
  TempDir dir;
  spit(dir.path / "a.json", "old a\n");
  spit(dir.path / "b.csv", "old b\n");
  std::ostringstream out;
  SECTION("all committed together; '-' goes to the stream") {
    OutputSet set(&out);
    set.stage(dir / "a.json", "new a\n");
    set.stage(dir / "b.csv", "new b\n");
    set.stage(dir / "c.html", "new c\n");
    set.stage("-", "to stdout\n");
    CHECK(slurp(dir.path / "a.json") == "old a\n");  // nothing in place before commit()
    CHECK_FALSE(fs::exists(dir.path / "c.html"));
    CHECK(out.str().empty());
    set.commit();
    CHECK(slurp(dir.path / "a.json") == "new a\n");
    CHECK(slurp(dir.path / "b.csv") == "new b\n");
    CHECK(slurp(dir.path / "c.html") == "new c\n");
    CHECK(out.str() == "to stdout\n");
    CHECK(dir.entries() == 3);
  }
  SECTION("the second output fails: the first is not committed either") {
    {
      OutputSet set(&out);
      set.stage(dir / "a.json", "new a\n");
      CHECK_THROWS_AS(set.stage(dir / "missing/b.csv", "new b\n"), RunError);
    }  // the set goes without commit()
    CHECK(slurp(dir.path / "a.json") == "old a\n");
    CHECK(dir.entries() == 2);
  }
  SECTION("a device that fills up: nothing committed") {
    if (fs::exists("/dev/full")) {
      OutputSet set(&out);
      set.stage(dir / "a.json", "new a\n");
      set.stage("/dev/full", std::string(100000, 'x'));
      CHECK_THROWS_WITH(set.commit(), Catch::Contains("No space left"));
      CHECK(slurp(dir.path / "a.json") == "old a\n");
    }
    CHECK(dir.entries() == 2);
  }
  SECTION("an interrupt before commit writes nothing") {
    std::atomic<bool> cancel{false};
    {
      OutputSet set(&out, &cancel);
      set.stage(dir / "a.json", "new a\n");
      set.stage("-", "to stdout\n");
      cancel = true;
      CHECK_THROWS_AS(set.stage(dir / "b.csv", "new b\n"), Interrupted);
      CHECK_THROWS_AS(set.commit(), Interrupted);
    }
    CHECK(slurp(dir.path / "a.json") == "old a\n");
    CHECK(out.str().empty());
    CHECK(dir.entries() == 2);
  }
  SECTION("an interrupt during a large write stops it") {
    std::atomic<bool> cancel{true};
    OutputSet set(&out, &cancel);
    CHECK_THROWS_AS(set.stage(dir / "big.json", std::string(8 << 20, 'x')), Interrupted);
    CHECK(dir.entries() == 2);
  }
}

TEST_CASE("OutputSet: temporaries and what killed runs left", "[io][output]") {
  TempDir dir;
  const std::string path = dir / "out.json";
  SECTION("unnamed temporaries are invisible until commit") {
    const int probe = ::open(dir.path.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (probe < 0) {
      WARN("this file system has no O_TMPFILE: named temporaries are used; case skipped");
    } else {
      ::close(probe);
      OutputSet set;
      set.stage(path, "x\n");
      CHECK(dir.entries() == 0);  // a SIGKILL now would leave nothing
      set.commit();
      CHECK(dir.entries() == 1);
    }
  }
  SECTION("named temporaries (the fallback) are removed when not committed") {
    {
      OutputSet set;
      set.use_named_temporaries();
      set.stage(path, "x\n");
      CHECK(dir.temporaries() == 1);
    }
    CHECK(dir.entries() == 0);
    OutputSet set;
    set.use_named_temporaries();
    set.stage(path, "y\n");
    set.commit();
    CHECK(slurp(path) == "y\n");
    CHECK(dir.entries() == 1);
  }
  SECTION("leftovers of killed runs are removed; a live writer's are kept") {
    const std::string dead = path + ".tmp.plancast-AbC123";  // nobody holds its lock
    const std::string live = path + ".tmp.plancast-LiVe99";  // held by a "live writer"
    const std::string old_dead = path + ".tmp.2147483646";   // an earlier version's, no process
    const std::string old_fresh = path + ".tmp.2147483645";  // ... written a moment ago
    const std::string old_alive = path + ".tmp." + std::to_string(::getpid());
    const std::string other = path + ".tmp.notes";  // not plancast's
    for (const auto& f : {dead, live, old_dead, old_fresh, old_alive, other}) {
      spit(f, std::string(1 << 20, 'z'));
    }
    age(old_dead, 3600);
    age(old_alive, 3600);
    const int fd = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    write_output(path, "new\n");
    ::close(fd);
    CHECK(slurp(path) == "new\n");
    CHECK_FALSE(fs::exists(dead));
    CHECK_FALSE(fs::exists(old_dead));
    CHECK(fs::exists(live));
    CHECK(fs::exists(old_fresh));
    CHECK(fs::exists(old_alive));
    CHECK(fs::exists(other));
    CHECK(remove_leftover_temporaries(dir.path.string(), "out.json") == 1);  // live, now free
  }
}

namespace {

/// Writes "new\n" through dir/link.json, a link to `target`: the link stays a link, `target`
/// holds the text and the folder has 2 entries (no temporary left).
void write_through_link(const TempDir& dir, const std::string& target) {
  fs::create_symlink(target, dir.path / "link.json");
  write_output(dir / "link.json", "new\n");
  CHECK(fs::is_symlink(dir.path / "link.json"));
  CHECK(slurp(dir.path / target) == "new\n");
  CHECK(dir.entries() == 2);
}

}  // namespace

TEST_CASE("OutputSet: symbolic links, modes and owners", "[io][output]") {
  TempDir dir;
  SECTION("a live link: the file it names is replaced, the link kept") {
    spit(dir.path / "real.json", "old\n");
    write_through_link(dir, "real.json");
  }
  SECTION("a dangling link: the file it names is created, the link kept") {
    fs::create_directory(dir.path / "sub");
    write_through_link(dir, "sub/real.json");
  }
  SECTION("a loop of links is refused") {
    fs::create_symlink("b", dir.path / "a");
    fs::create_symlink("a", dir.path / "b");
    CHECK_THROWS_WITH(write_output(dir / "a", "x"), Catch::Contains("symbolic links"));
    CHECK_THROWS_AS(check_output_path(dir / "a"), RunError);
  }
  SECTION("another user's link in a sticky world-writable folder is not followed") {
    if (::geteuid() != 0) {
      WARN("needs root (to own a link as another user); case skipped");
    } else {
      fs::create_directory(dir.path / "shared");
      ::chmod((dir / "shared").c_str(), 01777);
      spit(dir.path / "victim", "precious\n");
      fs::create_symlink(dir.path / "victim", dir.path / "shared/out.json");
      REQUIRE(::lchown((dir / "shared/out.json").c_str(), 65534, 65534) == 0);
      CHECK_THROWS_WITH(write_output(dir / "shared/out.json", "x"),
                        Catch::Contains("shared folder"));
      CHECK(slurp(dir.path / "victim") == "precious\n");
    }
  }
  SECTION("a replaced file keeps its mode, owner and group") {
    const std::string p = dir / "private.json";
    spit(p, "old\n");
    REQUIRE(::chmod(p.c_str(), 0640) == 0);
    const bool root = ::geteuid() == 0;
    if (root) REQUIRE(::chown(p.c_str(), 65534, 65534) == 0);
    const struct stat before = stat_of(p);
    write_output(p, "new\n");
    const struct stat after = stat_of(p);
    CHECK(slurp(p) == "new\n");
    CHECK((after.st_mode & 07777) == 0640);
    CHECK(after.st_uid == before.st_uid);
    CHECK(after.st_gid == before.st_gid);
    CHECK(after.st_ino != before.st_ino);  // replaced, not rewritten in place
  }
  SECTION("a new file gets the usual mode") {
    const mode_t mask = ::umask(022);
    write_output(dir / "new.json", "x\n");
    ::umask(mask);
    CHECK((stat_of(dir / "new.json").st_mode & 07777) == 0644);
  }
}

TEST_CASE("check_distinct_files: the same file however spelled", "[io][output]") {
  TempDir dir;
  spit(dir.path / "in.yaml", "plancast: 1\n");
  fs::create_symlink("in.yaml", dir.path / "in-link.yaml");
  fs::create_hard_link(dir.path / "in.yaml", dir.path / "in-hard.yaml");
  fs::create_symlink("later.json", dir.path / "dangling.json");
  const std::vector<NamedPath> in = {{"the scenario", dir / "in.yaml"}};
  auto refused = [&](const std::string& a, const std::string& b) {
    try {
      check_distinct_files({{"--json", a}, {"--csv", b}}, in);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(refused(dir / "in.yaml", ""), Catch::Contains("is also the scenario"));
  CHECK_THAT(refused(dir / "./in.yaml", ""), Catch::Contains("is also the scenario"));
  CHECK_THAT(refused("", dir / "in-link.yaml"), Catch::Contains("through a symbolic link"));
  CHECK_THAT(refused(dir / "in-hard.yaml", ""), Catch::Contains("is also the scenario"));
  CHECK_THAT(refused(dir / "s.out", dir / "./s.out"), Catch::Contains("name the same file"));
  fs::create_directory(dir.path / "x");
  CHECK_THAT(refused(dir / "s.out", dir / "x/../s.out"), Catch::Contains("name the same file"));
  CHECK_THAT(refused(dir / "dangling.json", dir / "later.json"),
             Catch::Contains("name the same file"));
  CHECK(refused(dir / "a.json", dir / "a.csv").empty());
  CHECK(refused("-", "-").empty());                  // the both-stdout rule is the caller's
  CHECK(refused("/dev/null", "/dev/null").empty());  // written in place: nothing lost
  CHECK(refused("-", dir / "a.csv").empty());
  CHECK(dir.entries() == 5);  // nothing created but x/
}
