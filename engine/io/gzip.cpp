// gzip members on zlib; see gzip.h.
#include "engine/io/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "engine/core/error.h"

namespace plancast {

void gzip_member(std::string_view text, std::string& out) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper with an empty header (time 0, no name).
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();
  }
  const std::size_t start = out.size();
  out.resize(start + deflateBound(&z, static_cast<uLong>(text.size())));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  z.avail_out = static_cast<uInt>(out.size() - start);
  const int rc = deflate(&z, Z_FINISH);
  out.resize(start + z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
}

std::size_t gunzip_member(std::string_view data, std::size_t pos, std::string& text,
                          const std::string& what) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::bad_alloc();
  text.clear();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + pos));
  const std::size_t avail = data.size() - pos;
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(avail, UINT_MAX));
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    text.append(buf, sizeof buf - z.avail_out);
  }
  const std::size_t end = pos + z.total_in;
  const std::string reason = z.msg != nullptr ? z.msg : "truncated";
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw RunError(what + ": not a gzip file (" + reason + ")");
  return end;
}

}  // namespace plancast
