// Reading shard files safely (internal to engine/io/shard*.cpp): a bounded read, a JSON
// parse that refuses deep nesting and duplicate keys before building anything deep, the
// location of a value in the text, and the HMAC of a shard.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"

namespace plancast::shard_detail {

/// The bytes of the file at `path`, at most kMaxShardBytes, read in bounded pieces (regular
/// files, pipes, FIFOs and devices such as /dev/zero alike). ScenarioError (located) when
/// it cannot be read, is a folder, is larger than the limit or holds a NUL byte.
std::string read_shard_bytes(const std::string& path);

/// `text` parsed as JSON. ScenarioError located at the problem for a syntax error, nesting
/// deeper than kMaxShardDepth (refused when the parser reaches it, before that level of the
/// tree exists) and a key given twice in one object.
nlohmann::json parse_shard_json(const std::string& name, const std::string& text);

/// Where the value at JSON `pointer` ("/state/cells/3/finite") starts in `text` (a text
/// that parse_shard_json accepted); the whole file (line 0) if it is not found.
SourceLoc locate_pointer(const std::string& name, const std::string& text,
                         const std::string& pointer);

/// HMAC-SHA-256 (OpenSSL) of `message` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(const std::string& key, const std::string& message);
/// Equal digests, compared in time independent of where they differ.
bool same_digest(const std::string& a, const std::string& b);

}  // namespace plancast::shard_detail
