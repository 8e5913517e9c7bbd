// Shard files (JSON): the job's identity and canonical scenario text, the share of blocks,
// the exact mergeable state and its checksum or HMAC; and merging them into the whole job's
// results, one file at a time. The state's JSON and its checks: shard_state.cpp; reading
// and scanning: shard_read.cpp; the state streamed from the text: shard_stream.cpp.
#include "engine/io/shard.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include "engine/core/error.h"

#include "engine/io/shard_read.h"
#include "engine/sim/simulator.h"

#ifndef PLANCAST_VERSION
#define PLANCAST_VERSION "0.0.0"
#endif

namespace plancast {

namespace shard_detail {

namespace {
std::string hex_of(const unsigned char* md, std::size_t len) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}
}  // namespace

std::string sha256_hex_of(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw RunError("SHA-256 failed (OpenSSL EVP_Digest)");
  }
  return hex_of(md, len);
}

std::string hmac_sha256_hex(const std::string& key, std::initializer_list<std::string_view> parts) {
  struct Mac {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    ~Mac() {
      EVP_MAC_CTX_free(ctx);
      EVP_MAC_free(mac);
    }
  } m;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  bool ok =
      m.ctx != nullptr && EVP_MAC_init(m.ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                       key.size(), params) == 1;
  for (std::string_view p : parts) {
    ok = ok &&
         EVP_MAC_update(m.ctx, reinterpret_cast<const unsigned char*>(p.data()), p.size()) == 1;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  ok = ok && EVP_MAC_final(m.ctx, md, &len, sizeof md) == 1;
  if (!ok) throw RunError("HMAC-SHA-256 failed (OpenSSL EVP_MAC)");
  return hex_of(md, len);
}

bool same_digest(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace shard_detail

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;
using namespace shard_detail;

std::string hash_of(const std::string& version, const std::string& canonical,
                    const std::string& variant, std::uint64_t runs, std::uint64_t seed,
                    const std::string& sampler) {
  std::string s = "plancast-shard-job\n";
  s += "plancast " + version + "\nformat " + std::to_string(kShardFormatVersion) + "\nblock " +
       std::to_string(kBlockSize) + "\nvariant " + variant + "\nruns " + std::to_string(runs) +
       "\nseed " + std::to_string(seed) + "\nsampler " + sampler + "\nscenario\n" + canonical;
  return sha256_hex(s);
}

/// The HMAC of a shard under `key`: of its job (whose hash covers the scenario text,
/// version, variant, runs, seed and sampler), the names shown for it, its share and its
/// state's bytes. Each field is length-prefixed, so that no two headers give one message.
std::string shard_mac(const std::string& key, const std::string& job, const std::string& scenario,
                      const std::string& file, std::uint64_t k, std::uint64_t n,
                      std::string_view state) {
  std::string head = "plancast-shard-hmac\n";
  auto field = [&](const char* name, const std::string& v) {
    head += std::string(name) + " " + std::to_string(v.size()) + "\n" + v + "\n";
  };
  field("job_hash", job);
  field("scenario", scenario);
  field("scenario_file", file);
  field("shard", std::to_string(k) + "/" + std::to_string(n));
  head += "state " + std::to_string(state.size()) + "\n";
  return hmac_sha256_hex(key, {head, state, "\n"});
}

std::uint64_t blocks_of(std::uint64_t runs) {
  return runs / kBlockSize + (runs % kBlockSize != 0 ? 1 : 0);
}

/// A shard's header, read and checked.
struct ShardFile {
  std::string path;
  std::string hash, scenario, variant, sampler, version, text, sha, file;
  std::uint64_t runs = 0, seed = 0, k = 0, n = 0;
};

/// A problem at the value of JSON pointer `at` in the file.
struct FieldError {
  std::string at, message;
};

const char* const kHeaderKeys[] = {"format",        "format_version",  "plancast_version",
                                   "job_hash",      "scenario",        "variant",
                                   "scenario_file", "scenario_sha256", "runs",
                                   "seed",          "sampler",         "block_size",
                                   "shard",         "shards",          "first_block",
                                   "last_block",    "scenario_text",   "state"};

ShardFile read_header(const std::string& path, const ShardScan& scan, std::string_view state,
                      const std::optional<std::string>& key) {
  const json& j = scan.header;
  auto fail = [](const std::string& at, const std::string& m) { throw FieldError{at, m}; };
  if (!j.contains("format") || j.at("format") != "plancast-shard") {
    fail("", "not a plancast shard file (no \"format\": \"plancast-shard\")");
  }
  const json& v = j.at("format_version");
  if (!v.is_number_integer() || v.get<std::int64_t>() != kShardFormatVersion) {
    fail("/format_version", "shard format version " + v.dump().substr(0, 40) +
                                "; this plancast reads " + std::to_string(kShardFormatVersion));
  }
  for (const char* k : kHeaderKeys) {
    if (std::string(k) == "state" ? !scan.has_state : !j.contains(k)) {
      fail("", std::string("not a valid plancast shard file (no \"") + k + "\")");
    }
  }
  const bool has_sha = j.contains("state_sha256"), has_mac = j.contains("shard_hmac_sha256");
  for (const auto& item : j.items()) {
    const std::string& k = item.key();
    if (std::find_if(std::begin(kHeaderKeys), std::end(kHeaderKeys),
                     [&](const char* w) { return k == w; }) == std::end(kHeaderKeys) &&
        k != "state_sha256" && k != "shard_hmac_sha256") {
      fail("/" + k,
           "not a valid plancast shard file (\"" + k.substr(0, 40) + "\" is not part of a shard)");
    }
  }
  auto str = [&](const char* k) {
    if (!j.at(k).is_string()) fail(std::string("/") + k, std::string(k) + ": not a string");
    return j.at(k).get<std::string>();
  };
  auto count = [&](const char* k) {
    if (!j.at(k).is_number_unsigned()) fail(std::string("/") + k, std::string(k) + ": not a count");
    return j.at(k).get<std::uint64_t>();
  };
  ShardFile f;
  f.path = path;
  f.version = str("plancast_version");
  f.hash = str("job_hash");
  f.scenario = str("scenario");
  f.variant = str("variant");
  f.sampler = str("sampler");
  f.text = str("scenario_text");
  f.sha = str("scenario_sha256");
  f.file = str("scenario_file");
  f.runs = count("runs");
  f.seed = count("seed");
  f.k = count("shard");
  f.n = count("shards");
  if (f.runs == 0 || f.runs > kMaxRuns) fail("/runs", "runs: not from 1 to 2^40");
  if (count("block_size") != kBlockSize) {
    fail("/block_size", "shard made with blocks of " + j.at("block_size").dump() +
                            " runs; this plancast uses " + std::to_string(kBlockSize));
  }
  if (f.n == 0 || f.k == 0 || f.k > f.n) {
    fail("/shard",
         "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) + " is not a valid share");
  }
  if (hash_of(f.version, f.text, f.variant, f.runs, f.seed, f.sampler) != f.hash) {
    fail("/job_hash", "the shard's job_hash does not match its contents (was it edited?)");
  }
  if (sha256_hex(f.text) != f.sha) {
    fail("/scenario_sha256", "the shard's scenario text does not match its scenario_sha256");
  }
  const BlockRange r = part_of(blocks_of(f.runs), f.k, f.n);
  if (count("first_block") != r.first || count("last_block") != r.last) {
    fail("/first_block", "the shard's block range does not match shard " + std::to_string(f.k) +
                             "/" + std::to_string(f.n));
  }
  // The checksum, or the HMAC under the key.
  if (has_sha && has_mac) fail("/state_sha256", "the shard has both a checksum and an HMAC");
  if (!has_sha && !has_mac) fail("", "the shard has neither state_sha256 nor shard_hmac_sha256");
  if (has_mac && !key) {
    fail("/shard_hmac_sha256", "the shard is protected by an HMAC (it was written with " +
                                   std::string(kShardKeyVariable) + " set): set " +
                                   kShardKeyVariable + " to the same key to merge it");
  }
  if (has_sha && key) {
    fail("/state_sha256", "the shard has a plain checksum, not an HMAC (it was written without " +
                              std::string(kShardKeyVariable) + "); with " + kShardKeyVariable +
                              " set, merge accepts only shards written with the same key");
  }
  // Over the state's bytes as they are in the file: nothing is re-serialised.
  if (has_sha) {
    if (!j.at("state_sha256").is_string() ||
        sha256_hex_of(state) != j.at("state_sha256").get_ref<const std::string&>()) {
      fail("/state_sha256", "the shard's state_sha256 does not match its state (was it edited?)");
    }
  } else {
    const std::string mac = shard_mac(*key, f.hash, f.scenario, f.file, f.k, f.n, state);
    if (!j.at("shard_hmac_sha256").is_string() ||
        !same_digest(mac, j.at("shard_hmac_sha256").get_ref<const std::string&>())) {
      fail("/shard_hmac_sha256",
           "the shard's HMAC does not match: it was edited, or written "
           "with another " +
               std::string(kShardKeyVariable));
    }
  }
  return f;
}

std::string describe_difference(const ShardFile& a, const ShardFile& b) {
  auto q = [](const std::string& s) { return "'" + s + "'"; };
  if (a.version != b.version) return "plancast " + b.version + ", not " + a.version;
  if (a.scenario != b.scenario) return "scenario " + q(b.scenario) + ", not " + q(a.scenario);
  if (a.variant != b.variant) {
    auto v = [&](const std::string& s) { return s.empty() ? std::string("the base") : q(s); };
    return "variant " + v(b.variant) + ", not " + v(a.variant);
  }
  if (a.runs != b.runs) return std::to_string(b.runs) + " runs, not " + std::to_string(a.runs);
  if (a.seed != b.seed) return "seed " + std::to_string(b.seed) + ", not " + std::to_string(a.seed);
  if (a.sampler != b.sampler) return "sampler " + b.sampler + ", not " + a.sampler;
  return "different scenario text (other --set values or an edited file)";
}

/// One shard file: its name and text, the scan of the text and its checked header.
struct ShardInput {
  std::string name, text;
  ShardScan scan;
  ShardFile file;
};

/// Reads shard i from `source`, scans it and checks its header.
void read_input(std::size_t i,
                const std::function<void(std::size_t, std::string&, std::string&)>& source,
                const std::optional<std::string>& key, ShardInput& in) {
  source(i, in.name, in.text);
  in.scan = scan_shard(in.name, in.text);
  const std::string_view state = std::string_view(in.text).substr(
      in.scan.state_begin, in.scan.state_end - in.scan.state_begin);
  try {
    in.file = read_header(in.name, in.scan, state, key);
  } catch (const FieldError& e) {
    throw ScenarioError(locate_pointer(in.name, in.text, e.at), e.message);
  } catch (const json::exception& e) {
    throw ScenarioError(SourceLoc{in.name, 0, 0},
                        std::string("not a valid plancast shard file (") + e.what() + ")");
  }
}

/// The merge of shards[0..count), shard i's name and text given by `source`. This file only
/// reads: the job is compiled and summarised by the simulation (summarise_kept), which hands
/// back the job's empty state for the shards' states to be checked against and merged into.
Results merge_from(std::size_t count,
                   const std::function<void(std::size_t, std::string&, std::string&)>& source,
                   const Registry& registry, Scenario* scenario_out,
                   const std::optional<std::string>& key) {
  if (count == 0) throw UsageError("merge needs at least one SHARD file");
  ShardInput in;
  read_input(0, source, key, in);
  // Rebuild the job's scenario from the canonical text it was run with.
  const ShardFile first = in.file;
  Scenario sc = load_scenario_text(first.text, first.file, {}, registry);
  sc.variant = first.variant;
  sc.canonical_text = first.text;
  sc.sha256 = first.sha;
  if (sc.simulation.runs != first.runs || sc.simulation.seed != first.seed ||
      sc.simulation.sampler != first.sampler) {
    throw ScenarioError(SourceLoc{in.name, 0, 0},
                        "the shard's scenario text does not match its runs, seed or sampler");
  }
  const StateLayout layout = layout_of(sc);
  auto read_states = [&](const RunState& shape) {
    RunState total = shape;
    std::map<std::uint64_t, std::string> by_k;  // shard K -> its file
    for (std::size_t i = 0; i < count; ++i) {
      if (i > 0) read_input(i, source, key, in);
      const ShardFile& f = in.file;
      const std::string& name = in.name;
      const SourceLoc at{name, 0, 0};
      if (f.hash != first.hash) {
        throw ScenarioError(at, "shard of a different job than " + first.path + ": " +
                                    describe_difference(first, f));
      } else if (f.n != first.n) {
        throw ScenarioError(at, "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) +
                                    " of a split in " + std::to_string(f.n) + ", but " +
                                    first.path + " is of a split in " + std::to_string(first.n));
      }
      auto [it, fresh] = by_k.emplace(f.k, name);
      if (!fresh) {
        throw ScenarioError(at, "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) +
                                    " given twice (also " + it->second + ")");
      }
      RunState s;
      try {
        StateBuilder builder(shape, &layout);
        s = stream_state(in.text, in.scan, builder);
        const BlockRange r = part_of(blocks_of(f.runs), f.k, f.n);
        const std::uint64_t expect =
            std::min(f.runs, r.last * kBlockSize) - std::min(f.runs, r.first * kBlockSize);
        if (s.runs != expect) {
          throw StateError("/runs", "runs: the shard holds " + std::to_string(s.runs) +
                                        " runs; shard " + std::to_string(f.k) + "/" +
                                        std::to_string(f.n) + " has " + std::to_string(expect));
        }
      } catch (const StateError& e) {
        throw ScenarioError(locate_pointer(name, in.text, "/state" + e.pointer),
                            std::string("the shard's run state is not valid: ") + e.what());
      }
      total.merge(s);
    }
    if (by_k.size() != first.n) {
      std::string missing, have;
      for (std::uint64_t k = 1; k <= first.n; ++k) {
        std::string& list = by_k.count(k) ? have : missing;
        if (list.size() > 200) continue;
        list += (list.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(first.n);
      }
      throw UsageError("cannot merge: shards missing: " + missing + " (given: " + have + ")");
    }
    return total;
  };
  Results r = summarise_kept(sc, registry, read_states);
  if (scenario_out != nullptr) *scenario_out = std::move(sc);
  return r;
}

}  // namespace

std::string job_hash(const Scenario& sc) {
  return hash_of(PLANCAST_VERSION, sc.canonical_text, sc.variant, sc.simulation.runs,
                 sc.simulation.seed, sc.simulation.sampler);
}

std::string to_shard_text(const Scenario& sc, std::uint64_t k, std::uint64_t n,
                          const RunState& state, const std::optional<std::string>& key) {
  const std::uint64_t runs = sc.simulation.runs;
  const BlockRange r = part_of(blocks_of(runs), k, n);
  ojson j;
  j["format"] = "plancast-shard";
  j["format_version"] = kShardFormatVersion;
  j["plancast_version"] = PLANCAST_VERSION;
  j["job_hash"] = job_hash(sc);
  j["scenario"] = sc.name;
  j["variant"] = sc.variant;
  j["scenario_file"] = sc.file;
  j["scenario_sha256"] = sc.sha256;
  j["runs"] = runs;
  j["seed"] = sc.simulation.seed;
  j["sampler"] = sc.simulation.sampler;
  j["block_size"] = kBlockSize;
  j["shard"] = k;
  j["shards"] = n;
  j["first_block"] = r.first;
  j["last_block"] = r.last;
  j["scenario_text"] = sc.canonical_text;
  // The state last, after its checksum over its bytes in the file (an edited count would
  // otherwise merge silently), or, with a key, the HMAC of the shard.
  const std::string state_text = state_to_json(state).dump();
  if (key) {
    j["shard_hmac_sha256"] = shard_mac(*key, job_hash(sc), sc.name, sc.file, k, n, state_text);
  } else {
    j["state_sha256"] = sha256_hex_of(state_text);
  }
  std::string text = j.dump(-1, ' ', false, ojson::error_handler_t::replace);
  text.pop_back();  // the closing brace
  return text + ",\"state\":" + state_text + "}\n";
}

Results merge_shards(const std::vector<std::string>& paths, const Registry& registry,
                     Scenario* scenario, const std::optional<std::string>& key) {
  return merge_from(
      paths.size(),
      [&](std::size_t i, std::string& name, std::string& text) {
        name = paths[i];
        text = read_shard_bytes(paths[i]);
      },
      registry, scenario, key);
}

Results merge_shard_texts(const std::vector<ShardText>& shards, const Registry& registry,
                          Scenario* scenario, const std::optional<std::string>& key) {
  return merge_from(
      shards.size(),
      [&](std::size_t i, std::string& name, std::string& text) {
        name = shards[i].name;
        if (shards[i].text.size() > kMaxShardBytes) {
          throw ScenarioError(SourceLoc{name, 0, 0}, "the file is larger than a shard file may be");
        }
        text = shards[i].text;
      },
      registry, scenario, key);
}

}  // namespace plancast
