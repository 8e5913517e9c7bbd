// Writing result files safely: whole or not at all (write to a temporary, then rename).
#pragma once

#include <string>

namespace plancast {

/// Writes `content` to `path`. "-" writes to standard output. Otherwise the content goes
/// to a temporary file beside the target (PATH.tmp.PID), which is flushed to disk (fsync)
/// and then renamed over PATH, so PATH is either left as it was or holds the whole
/// content: never a partial file. On any failure the temporary is removed and RunError
/// ("cannot write PATH: reason") is thrown. A symlink is followed (the file it names is
/// replaced, the link kept); an existing file that is not a regular file (/dev/stdout, a
/// pipe, /dev/null) is written in place, since it cannot be replaced. Not for concurrent
/// writers of the same PATH within one process.
void write_output(const std::string& path, const std::string& content);

/// Cheap check before a long run: throws RunError ("cannot write PATH: reason") when PATH
/// is a directory, its directory does not exist or is not writable, or it is an existing
/// non-regular file that is not writable. Creates nothing.
/// "-" always passes. A later write_output() may still fail (e.g. disk full).
void check_output_path(const std::string& path);

}  // namespace plancast
