// gzip members on zlib (the samples files, engine/io/samples_out.h): a file made of several
// members is one valid .gz file (RFC 1952, 2.2), which gzip, zcat, Python and pandas read
// as the concatenation of the members' texts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plancast {

/// Appends `text` compressed as one gzip member (zlib level 1, no name, time 0: the same
/// bytes for the same text) to `out`.
void gzip_member(std::string_view text, std::string& out);

/// Decompresses the member that starts at data[pos] into `text` (replaced) and returns
/// where it ends. RunError "WHAT: not a gzip file (REASON)" for a damaged or truncated one.
std::size_t gunzip_member(std::string_view data, std::size_t pos, std::string& text,
                          const std::string& what);

}  // namespace plancast
