// merge_samples(): shards' samples files concatenated in run order (samples_out.h).
#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>

#include "engine/core/error.h"
#include "engine/io/gzip.h"
#include "engine/io/samples_out.h"

namespace plancast {

namespace {

/// One part: its header line, where its rows begin in the file, its runs [first, last).
struct Part {
  std::string path;
  std::string header;
  std::size_t body = 0;
  std::uint64_t first = 0, last = 0;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read samples file " + path);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw UsageError("cannot read samples file " + path);
  return std::move(s).str();
}

/// Checks that the rows of `text` are runs next, next + 1, ... and advances `next`.
void check_rows(const std::string& path, std::string_view text, std::uint64_t& next) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) throw UsageError(path + ": its last row is cut short");
    std::uint64_t run = 0;
    const auto [p, ec] = std::from_chars(text.data() + pos, text.data() + end, run);
    if (ec != std::errc() || p == text.data() + pos || (p != text.data() + end && *p != ',') ||
        run != next) {
      throw UsageError(path + ": row " +
                       std::string(text.substr(pos, std::min<std::size_t>(end - pos, 24))) +
                       "... is not run " + std::to_string(next) +
                       " (not a samples file of plancast run --samples, or edited)");
    }
    ++next;
    pos = end + 1;
  }
}

/// Reads and checks one part (its rows contiguous); with `gzip`, member by member.
Part scan(const std::string& path, bool gzip) {
  const std::string data = read_all(path);
  Part part;
  part.path = path;
  std::string text;
  std::size_t pos = 0;
  if (gzip) {
    pos = gunzip_member(data, 0, part.header, path);
  } else {
    pos = data.find('\n');
    if (pos == std::string::npos) throw UsageError(path + ": no header line");
    part.header = data.substr(0, ++pos);
  }
  if (part.header.rfind("run,", 0) != 0 && part.header != "run\n") {
    throw UsageError(path + ": not a samples file (its header does not begin with 'run')");
  }
  part.body = pos;
  bool any = false;
  std::uint64_t next = 0;
  const auto first_run = [&](std::string_view rows) {
    std::uint64_t r = 0;
    std::from_chars(rows.data(), rows.data() + rows.size(), r);
    return r;
  };
  while (pos < data.size()) {
    std::string_view rows;
    if (gzip) {
      pos = gunzip_member(data, pos, text, path);
      rows = text;
    } else {
      rows = std::string_view(data).substr(pos);
      pos = data.size();
    }
    if (rows.empty()) continue;
    if (!any) part.first = next = first_run(rows);
    any = true;
    check_rows(path, rows, next);
  }
  part.last = any ? next : part.first;
  return part;
}

}  // namespace

void merge_samples(const std::vector<std::string>& paths, bool out_gzip,
                   std::optional<std::uint64_t> runs, const RowWriter& write) {
  if (paths.empty()) throw UsageError("--samples needs the shards' samples files to merge");
  std::vector<Part> parts;
  for (const std::string& p : paths) {
    if (samples_gzip(p) != out_gzip) {
      throw UsageError("samples file " + p + (out_gzip ? " is not" : " is") +
                       " compressed (.gz) but the merged --samples file is" +
                       (out_gzip ? "" : " not") + ": give parts of one kind");
    }
    parts.push_back(scan(p, out_gzip));
  }
  for (const Part& p : parts) {
    if (p.header != parts.front().header) {
      throw UsageError("samples files " + parts.front().path + " and " + p.path +
                       " have different columns (not shards of one job)");
    }
  }
  // Empty parts (a shard with no runs) add nothing; the others must tile 0, 1, 2, ...
  const std::string header = parts.front().header;
  std::erase_if(parts, [](const Part& p) { return p.first == p.last; });
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return a.first < b.first; });
  std::uint64_t next = 0;
  for (const Part& p : parts) {
    if (p.first != next) {
      throw UsageError(p.first > next
                           ? "samples files miss runs " + std::to_string(next) + " to " +
                                 std::to_string(p.first - 1) + " (a shard's file not given?)"
                           : "samples file " + p.path + " repeats runs from " +
                                 std::to_string(p.first) + " (a shard's file given twice?)");
    }
    next = p.last;
  }
  if (runs && next != *runs) {
    throw UsageError("samples files hold runs 0 to " + std::to_string(next) + " of " +
                     std::to_string(*runs) + " (a shard's samples file not given?)");
  }
  // The header (a member of its own when compressed: the bytes every part begins with),
  // then each part's rows as they are in its file.
  std::string head;
  if (out_gzip) {
    gzip_member(header, head);
  } else {
    head = header;
  }
  write(head);
  for (const Part& p : parts) {
    const std::string data = read_all(p.path);
    write(std::string_view(data).substr(p.body));
  }
}

}  // namespace plancast
