// Output paths before anything is written: where the bytes of an output go (a symbolic link
// followed to the file it names), which file it is (device and inode, for the same-file
// rule), the checks made before a long run, and the removal of temporary files that a killed
// run left behind. Used by OutputSet (output_file.h); the rules are in docs/reliability.md.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

namespace plancast {

/// An output path resolved: `target` is the file to replace or create. A symbolic link is
/// followed, hop by hop, to the file it names, whether that file exists or not (a dangling
/// link creates its target); the link itself is kept.
struct OutputTarget {
  std::string path;    ///< as given, for messages
  std::string target;  ///< `path` with the links of its last component followed
  std::string dir;     ///< target's folder ("." when none is named)
  std::string name;    ///< target's file name
  bool via_link = false;
  bool exists = false;   ///< target exists (st is then valid)
  bool special = false;  ///< target exists and is not a regular file: written in place
  /// /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: an open descriptor of this
  /// process, written as it stands (its offset and append mode respected); `special`.
  int fd = -1;
  struct stat st {};
};

/// Resolves `path` ("-" is not a path: not for it). A name of one of this process's open
/// descriptors (/dev/stdout, /dev/fd/1, /proc/self/fd/1, directly or through links) is
/// that descriptor, not the file it may lead to. RunError "cannot write PATH: REASON"
/// when PATH is a folder, a loop of links (more than 40 hops), or a link that the Linux
/// rule for shared folders forbids following: a link in a world-writable folder with the
/// sticky bit (/tmp) owned neither by the user nor by the folder's owner (as the kernel's
/// fs.protected_symlinks does for open()).
OutputTarget resolve_output(const std::string& path);

/// One file a command reads or writes, named for messages: `what` is "--json", "--csv",
/// "--report", "the scenario", "a SHARD to read"...
struct NamedPath {
  std::string what;
  std::string path;
};

/// UsageError when an output is the same file as one of `inputs` or as an earlier output,
/// however spelled: the same name, another spelling (./a, dir/../a), a symbolic link (live
/// or dangling) or a hard link. Existing files are compared by device and inode; files to
/// be created by their folder's device and inode and their name. "-" (standard output) and
/// existing files that are not regular files (/dev/null, a pipe: written in place, so
/// nothing is lost) are exempt; a path whose folder does not exist is left to
/// check_output_path. An empty path is skipped.
void check_distinct_files(const std::vector<NamedPath>& outputs,
                          const std::vector<NamedPath>& inputs);

/// Removes what earlier runs killed while writing left beside `dir`/`name`: temporaries of
/// this version (NAME.tmp.plancast-XXXXXX) that no live process holds locked, and those of
/// earlier versions (NAME.tmp.PID) whose process no longer exists and that are more than a
/// minute old. Best effort: a file that cannot be removed is left. Returns how many it
/// removed.
int remove_leftover_temporaries(const std::string& dir, const std::string& name);

/// The prefix of this version's temporary names for `name`: "NAME.tmp.plancast-".
std::string temporary_prefix(const std::string& name);

/// Throws RunError "cannot write PATH: STRERROR(err)", with " (WHY)" when `why` is given.
[[noreturn]] void fail_write(const std::string& path, int err, const std::string& why = "");

}  // namespace plancast
