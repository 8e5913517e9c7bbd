// libFuzzer target: merge's reading of a shard file (the bounded text, the guarded JSON
// parse, the header, the checksum or HMAC, the scenario rebuilt from the shard and every
// check of its run state). The input is one shard file, merged three ways: as it is; as it
// is under the key "fuzz-key" (HMAC seeds pass it); and, when it parses, with its
// state_sha256 recomputed, so that mutations of the state reach the content checks instead
// of stopping at the checksum. Anything but results, a ScenarioError, a UsageError (shards
// missing) or a RunError is a finding. Build: tests/fuzz/run.sh (clang-14, -DPLANCAST_FUZZ=ON).
// Seeds: tests/fuzz/seeds/shard (made by `run tests/scale/forged.yaml --shard K/N`).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/config/scenario.h"
#include "engine/core/error.h"
#include "engine/io/shard.h"
#include "engine/io/shard_read.h"
#include "models/register_builtin.h"

namespace {

void merge_one(const std::string& text, const std::optional<std::string>& key) {
  using namespace plancast;
  try {
    (void)merge_shard_texts({{"fuzz.json", text}}, builtin_registry(), nullptr, key);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) {
      if (d.loc.file.empty() || d.loc.line < 0 || d.loc.col < 0) __builtin_trap();
    }
  } catch (const UsageError&) {
  } catch (const RunError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace plancast;
  const std::string text(reinterpret_cast<const char*>(data), size);
  merge_one(text, std::nullopt);
  merge_one(text, std::string("fuzz-key"));
  shard_detail::ShardScan scan;
  try {
    scan = shard_detail::scan_shard("fuzz.json", text);
  } catch (const ScenarioError&) {
    return 0;
  }
  if (!scan.has_state || !scan.header.contains("state_sha256")) return 0;
  // The same header and state with the state's checksum recomputed (the state last).
  const std::string state = text.substr(scan.state_begin, scan.state_end - scan.state_begin);
  nlohmann::json header = scan.header;
  header["state_sha256"] = shard_detail::sha256_hex_of(state);
  std::string fixed = header.dump();
  fixed.pop_back();
  merge_one(fixed + ",\"state\":" + state + "}", std::nullopt);
  return 0;
}
