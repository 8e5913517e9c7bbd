// Writing a command's result files as one transaction: every output staged complete (and
// flushed to disk) before any is put in place, so that a failure leaves every old file as it
// was and no new one. The rules (symbolic links, modes and owners, leftovers, the window that
// remains) are in docs/reliability.md, "Interruption, full disks and unwritable folders".
#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/output_path.h"

namespace plancast {

/// The outputs of one command. stage() writes each file's content to a temporary file in
/// the target's folder and flushes it to disk (fsync); commit() then writes the streams
/// (standard output, and existing non-regular files such as /dev/null or a pipe, which are
/// written in place) and only then puts every staged file in place, one rename after the
/// other. Nothing staged appears until commit(); a failure anywhere before the renames, or
/// the destructor of an uncommitted set, leaves every target as it was and no temporary.
///
/// Temporaries are unnamed (Linux O_TMPFILE: a killed process leaves nothing) where the file
/// system allows, else named TARGET.tmp.plancast-XXXXXX and locked while the process lives;
/// each stage() first removes such leftovers of killed runs (remove_leftover_temporaries).
/// A replaced file keeps its permission bits, and its owner and group where the user may
/// set them (root; the owner keeps the group when a member of it).
///
/// `cancel` (may be null): when it becomes true before the renames begin, stage() or
/// commit() throws Interrupted and nothing is written. Under MPI only rank 0 writes.
class OutputSet {
 public:
  /// `out` receives the "-" outputs (standard output); null: std::cout.
  explicit OutputSet(std::ostream* out = nullptr, const std::atomic<bool>* cancel = nullptr);
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  /// Stages `content` for `path` ("-": standard output). RunError "cannot write PATH:
  /// REASON" (exit 1) when it cannot be staged, e.g. the disk is full; the set is then
  /// still usable but the caller normally lets it go (nothing is committed).
  void stage(const std::string& path, std::string content);

  /// Writes one piece of a staged output.
  using Append = std::function<void(std::string_view text)>;
  /// As stage(), the content written piece by piece as `produce` hands it to its Append
  /// (a file's temporary grows as it goes, so a long output is never all in memory). An
  /// existing special file (/dev/null, a pipe) is written in place as the pieces come,
  /// not at commit(), for the same reason; "-" is kept until commit(). An exception from
  /// `produce` leaves nothing staged for `path`. Under MPI, on the other ranks, `produce`
  /// runs with an Append that drops the text.
  void stage_stream(const std::string& path, const std::function<void(const Append&)>& produce);

  /// Writes the streams, then renames every staged file into place. RunError on failure:
  /// a rename that fails undoes the renames before it where the file system can swap
  /// files (renameat2 RENAME_EXCHANGE; Linux ext4, xfs, btrfs, tmpfs), so the set is
  /// still all old; a crash between two renames can leave some outputs new and some old.
  void commit();

  /// Tests only: use named temporaries even where O_TMPFILE works (the fallback path).
  void use_named_temporaries() { named_only_ = true; }

  struct Item;

 private:
  std::ostream* out_;
  const std::atomic<bool>* cancel_;
  bool named_only_ = false;
  bool committed_ = false;
  std::vector<Item> items_;
  void check_cancel() const;
  void fill(Item& item, const std::function<void(const Append&)>& produce);
  void stage_impl(const std::string& path, const std::function<void(const Append&)>& produce,
                  bool stream_special);
  /// A descriptor of special target `t` (its own, or opened for writing): RunError if not.
  int open_special(const OutputTarget& t) const;
  void write_special_now(const OutputTarget& t, const std::function<void(const Append&)>& produce);
  void discard();
};

/// One output alone: OutputSet{}.stage(path, content) then commit().
void write_output(const std::string& path, const std::string& content);

/// Writes `text` to `out` and flushes: RunError "cannot write standard output: REASON"
/// (e.g. "Broken pipe" when the reader has gone, with SIGPIPE ignored) on failure;
/// Interrupted when `cancel` (may be null) is set while a write waits (a full pipe).
void write_stream(std::ostream& out, std::string_view text,
                  const std::atomic<bool>* cancel = nullptr);

/// Cheap check before a long run: throws RunError ("cannot write PATH: reason") when PATH
/// is a folder, its folder does not exist or is not writable, it exists and the user may
/// not write it, it is an existing non-regular file that is not writable, or it is a
/// symbolic link that is not followed (resolve_output). Creates nothing. "-" always
/// passes. A later stage() may still fail (e.g. disk full).
void check_output_path(const std::string& path);

}  // namespace plancast
