// Shard files (JSON): the job's identity and canonical scenario text, the share of blocks,
// and the exact mergeable state; and merging them into the whole job's results.
#include "engine/io/shard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "engine/core/error.h"

#ifndef PLANCAST_VERSION
#define PLANCAST_VERSION "0.0.0"
#endif

namespace plancast {

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

std::string hash_of(const std::string& version, const std::string& canonical,
                    const std::string& variant, std::uint64_t runs, std::uint64_t seed,
                    const std::string& sampler) {
  std::string s = "plancast-shard-job\n";
  s += "plancast " + version + "\nformat " + std::to_string(kShardFormatVersion) + "\nblock " +
       std::to_string(kBlockSize) + "\nvariant " + variant + "\nruns " + std::to_string(runs) +
       "\nseed " + std::to_string(seed) + "\nsampler " + sampler + "\nscenario\n" + canonical;
  return sha256_hex(s);
}

std::string hex_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", x);
  return buf;
}

double parse_double(const json& j) {
  const std::string& s = j.get_ref<const std::string&>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  if (s.size() < 3 || s.size() > 40 || s.find("0x") == std::string::npos) {
    throw std::invalid_argument("'" + s.substr(0, 40) + "' is not a hex-float number");
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) {
    throw std::invalid_argument("'" + s + "' is not a hex-float number");
  }
  return v;
}

std::vector<double> doubles(const json& j, std::size_t n, const char* what) {
  if (!j.is_array() || j.size() != n) {
    throw std::invalid_argument(std::string(what) + ": expected an array of " + std::to_string(n) +
                                " numbers");
  }
  std::vector<double> v;
  v.reserve(n);
  for (const auto& x : j) v.push_back(parse_double(x));
  return v;
}

std::vector<std::uint64_t> counts(const json& j, std::size_t n, const char* what) {
  if (!j.is_array() || j.size() != n) {
    throw std::invalid_argument(std::string(what) + ": expected an array of " + std::to_string(n) +
                                " counts");
  }
  std::vector<std::uint64_t> v;
  v.reserve(n);
  for (const auto& x : j) {
    if (!x.is_number_unsigned()) throw std::invalid_argument(std::string(what) + ": not a count");
    v.push_back(x.get<std::uint64_t>());
  }
  return v;
}

std::uint64_t count(const json& j, const char* key) {
  const json& x = j.at(key);
  if (!x.is_number_unsigned()) throw std::invalid_argument(std::string(key) + ": not a count");
  return x.get<std::uint64_t>();
}

ojson sum_json(const ExactSum& s) {
  ojson p = ojson::array();
  for (double x : s.partials()) p.push_back(hex_double(x));
  ojson out{{"partials", p}, {"special", hex_double(s.special())}};
  if (s.carry() != 0) out["carry"] = s.carry();  // units of 2^1023 beyond the partials
  return out;
}

ExactSum sum_from(const json& j) {
  const json& p = j.at("partials");
  if (!p.is_array() || p.size() > 64) throw std::invalid_argument("partials: at most 64 numbers");
  std::vector<double> v;
  for (const auto& x : p) v.push_back(parse_double(x));
  const std::string& sp = j.at("special").get_ref<const std::string&>();
  double special = 0;
  if (sp == "nan") {
    special = std::numeric_limits<double>::quiet_NaN();
  } else if (sp == "inf" || sp == "-inf") {
    special = sp == "inf" ? HUGE_VAL : -HUGE_VAL;
  } else {
    special = parse_double(j.at("special"));
  }
  std::int64_t carry = 0;
  if (j.contains("carry")) {
    const json& c = j.at("carry");
    if (!c.is_number_integer()) throw std::invalid_argument("carry: not an integer");
    carry = c.get<std::int64_t>();
  }
  return ExactSum::from_parts(v, special, carry);
}

ojson buckets_json(const std::vector<std::pair<std::int32_t, std::uint64_t>>& b) {
  // [first index, count, count, ...] runs of consecutive buckets: [[i0, c0, c1], [i5, c5]].
  ojson out = ojson::array();
  for (std::size_t k = 0; k < b.size();) {
    ojson run = ojson::array({b[k].first});
    std::int32_t next = b[k].first;
    while (k < b.size() && b[k].first == next) {
      run.push_back(b[k].second);
      ++next;
      ++k;
    }
    out.push_back(run);
  }
  return out;
}

void buckets_from(const json& j, bool negative, QuantileSketch& sk) {
  if (!j.is_array()) throw std::invalid_argument("sketch buckets: not an array");
  for (const auto& run : j) {
    if (!run.is_array() || run.size() < 2 || !run[0].is_number_integer()) {
      throw std::invalid_argument("sketch buckets: expected [index, count, ...]");
    }
    const std::int64_t first = run[0].get<std::int64_t>();
    const std::int64_t last = first + static_cast<std::int64_t>(run.size()) - 2;
    if (first < QuantileSketch::kMinBucket || last > QuantileSketch::kMaxBucket) {
      throw std::invalid_argument("sketch bucket index out of range");
    }
    for (std::size_t k = 1; k < run.size(); ++k) {
      if (!run[k].is_number_unsigned()) throw std::invalid_argument("sketch: not a count");
      sk.add_bucket(negative, static_cast<std::int32_t>(first + static_cast<std::int64_t>(k) - 1),
                    run[k].get<std::uint64_t>());
    }
  }
}

/// Line and column (1-based) of byte offset `pos` in `text`.
SourceLoc locate(const std::string& path, const std::string& text, std::size_t pos) {
  pos = std::min(pos, text.size());
  int line = 1, col = 1;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return SourceLoc{path, line, col};
}

}  // namespace

std::string job_hash(const Scenario& sc) {
  return hash_of(PLANCAST_VERSION, sc.canonical_text, sc.variant, sc.simulation.runs,
                 sc.simulation.seed, sc.simulation.sampler);
}

nlohmann::ordered_json state_to_json(const RunState& s) {
  ojson j;
  j["slots"] = s.slots;
  j["years"] = s.years;
  j["targets"] = s.target_hits.size();
  j["joint"] = s.joint_hits.size();
  j["runs"] = s.runs;
  ojson shift = ojson::array();
  for (double x : s.shift) shift.push_back(hex_double(x));
  j["shift"] = shift;
  ojson cells = ojson::array();
  for (std::size_t c = 0; c < s.cells; ++c) {
    ojson cell;
    cell["finite"] = s.finite[c];
    cell["nonfinite"] = s.nonfinite[c];
    cell["floored"] = s.floored[c];
    cell["min"] = hex_double(s.min[c]);
    cell["max"] = hex_double(s.max[c]);
    cell["sum"] = sum_json(s.sum[c]);
    cell["sumsq"] = sum_json(s.sumsq[c]);
    cell["zero"] = s.sketch[c].zero_count();
    cell["positive"] = buckets_json(s.sketch[c].buckets(false));
    cell["negative"] = buckets_json(s.sketch[c].buckets(true));
    cells.push_back(std::move(cell));
  }
  j["cells"] = std::move(cells);
  j["target_hits"] = s.target_hits;
  j["first_reach"] = s.first_reach;
  j["joint_hits"] = s.joint_hits;
  j["target_nonfinite"] = s.target_nonfinite;
  return j;
}

RunState state_from_json(const nlohmann::json& j, const RunState& shape) {
  RunState s = shape;
  try {
    if (!j.is_object()) throw std::invalid_argument("not an object");
    if (count(j, "slots") != shape.slots || count(j, "years") != std::uint64_t(shape.years) ||
        count(j, "targets") != shape.target_hits.size() ||
        count(j, "joint") != shape.joint_hits.size()) {
      throw std::invalid_argument("its dimensions do not fit the scenario");
    }
    s.runs = count(j, "runs");
    const std::vector<double> shift = doubles(j.at("shift"), shape.cells, "shift");
    if (std::memcmp(shift.data(), shape.shift.data(), shape.cells * sizeof(double)) != 0) {
      throw std::invalid_argument("its run-0 values (shift) differ from this scenario's");
    }
    const json& cells = j.at("cells");
    if (!cells.is_array() || cells.size() != shape.cells) {
      throw std::invalid_argument("cells: expected " + std::to_string(shape.cells));
    }
    for (std::size_t c = 0; c < shape.cells; ++c) {
      const json& cell = cells[c];
      s.finite[c] = count(cell, "finite");
      s.nonfinite[c] = count(cell, "nonfinite");
      s.floored[c] = count(cell, "floored");
      s.min[c] = parse_double(cell.at("min"));
      s.max[c] = parse_double(cell.at("max"));
      s.sum[c] = sum_from(cell.at("sum"));
      s.sumsq[c] = sum_from(cell.at("sumsq"));
      s.sketch[c] = QuantileSketch();
      s.sketch[c].add_zeros(count(cell, "zero"));
      buckets_from(cell.at("positive"), false, s.sketch[c]);
      buckets_from(cell.at("negative"), true, s.sketch[c]);
      // An exact sum's carry counts units 2^1023; a deviation is below 2^1025 (4 units), so
      // |carry| <= 4 runs (+3) whatever the order (bounds the merged carries too).
      for (const ExactSum* e : {&s.sum[c], &s.sumsq[c]}) {
        const std::int64_t k = e->carry();
        const std::uint64_t mag =
            k < 0 ? 0 - static_cast<std::uint64_t>(k) : static_cast<std::uint64_t>(k);
        if (mag / 4 > s.runs) {
          throw std::invalid_argument("cell " + std::to_string(c) + ": carry beyond its runs");
        }
      }
      if (s.finite[c] + s.nonfinite[c] != s.runs || s.sketch[c].count() != s.finite[c]) {
        throw std::invalid_argument("cell " + std::to_string(c) + ": counts do not add up");
      }
    }
    s.target_hits = counts(j.at("target_hits"), shape.target_hits.size(), "target_hits");
    s.first_reach = counts(j.at("first_reach"), shape.first_reach.size(), "first_reach");
    s.joint_hits = counts(j.at("joint_hits"), shape.joint_hits.size(), "joint_hits");
    for (auto h : s.target_hits) {
      if (h > s.runs) throw std::invalid_argument("target_hits: more hits than runs");
    }
    for (auto h : s.joint_hits) {
      if (h > s.runs) throw std::invalid_argument("joint_hits: more hits than runs");
    }
    s.target_nonfinite =
        counts(j.at("target_nonfinite"), shape.target_nonfinite.size(), "target_nonfinite");
    for (std::size_t k = 0; k < s.target_nonfinite.size(); ++k) {
      if (s.target_nonfinite[k] > s.runs - s.target_hits[k]) {
        throw std::invalid_argument("target_nonfinite: more than the runs that missed");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(e.what());
  }
  return s;
}

std::string to_shard_text(const Scenario& sc, std::uint64_t k, std::uint64_t n,
                          const RunState& state) {
  const std::uint64_t runs = sc.simulation.runs;
  const BlockRange r = part_of(runs / kBlockSize + (runs % kBlockSize != 0 ? 1 : 0), k, n);
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
  ojson st = state_to_json(state);
  // Checksum of the state (over its key-sorted JSON text, as the reader sees it): an edited
  // count would otherwise merge silently.
  j["state_sha256"] = sha256_hex(json(st).dump());
  j["state"] = std::move(st);
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace) + "\n";
}

namespace {

struct ShardFile {
  std::string path;
  json j;
  std::string hash, scenario, variant, sampler, version, text, sha, file;
  std::uint64_t runs = 0, seed = 0, k = 0, n = 0;
};

ShardFile read_shard(const std::string& path) {
  const SourceLoc at{path, 0, 0};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ScenarioError(at,
                        "cannot read the shard file (" + std::string(std::strerror(errno)) + ")");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  ShardFile f;
  f.path = path;
  try {
    f.j = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    const auto p = what.find("syntax error");
    throw ScenarioError(locate(path, text, e.byte > 0 ? e.byte - 1 : 0),
                        "not a plancast shard file (JSON " +
                            (p == std::string::npos ? what : what.substr(p)) + ")");
  }
  try {
    if (!f.j.is_object() || !f.j.contains("format") || f.j.at("format") != "plancast-shard") {
      throw ScenarioError(at, "not a plancast shard file (no \"format\": \"plancast-shard\")");
    }
    const json& v = f.j.at("format_version");
    if (!v.is_number_integer() || v.get<std::int64_t>() != kShardFormatVersion) {
      throw ScenarioError(at, "shard format version " + v.dump() + "; this plancast reads " +
                                  std::to_string(kShardFormatVersion));
    }
    f.version = f.j.at("plancast_version").get<std::string>();
    f.hash = f.j.at("job_hash").get<std::string>();
    f.scenario = f.j.at("scenario").get<std::string>();
    f.variant = f.j.at("variant").get<std::string>();
    f.sampler = f.j.at("sampler").get<std::string>();
    f.runs = count(f.j, "runs");
    f.seed = count(f.j, "seed");
    f.k = count(f.j, "shard");
    f.n = count(f.j, "shards");
    if (count(f.j, "block_size") != kBlockSize) {
      throw ScenarioError(at, "shard made with blocks of " + f.j.at("block_size").dump() +
                                  " runs; this plancast uses " + std::to_string(kBlockSize));
    }
    if (f.n == 0 || f.k == 0 || f.k > f.n) {
      throw ScenarioError(
          at, "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) + " is not a valid share");
    }
    f.text = f.j.at("scenario_text").get<std::string>();
    f.sha = f.j.at("scenario_sha256").get<std::string>();
    f.file = f.j.at("scenario_file").get<std::string>();
    if (hash_of(f.version, f.text, f.variant, f.runs, f.seed, f.sampler) != f.hash) {
      throw ScenarioError(at, "the shard's job_hash does not match its contents (was it edited?)");
    }
    if (sha256_hex(f.j.at("state").dump()) != f.j.at("state_sha256").get<std::string>()) {
      throw ScenarioError(at, "the shard's state_sha256 does not match its state (was it edited?)");
    }
    const std::uint64_t nb = f.runs / kBlockSize + (f.runs % kBlockSize != 0 ? 1 : 0);
    const BlockRange r = part_of(nb, f.k, f.n);
    if (count(f.j, "first_block") != r.first || count(f.j, "last_block") != r.last) {
      throw ScenarioError(at, "the shard's block range does not match shard " +
                                  std::to_string(f.k) + "/" + std::to_string(f.n));
    }
  } catch (const json::exception& e) {
    throw ScenarioError(at, std::string("not a valid plancast shard file (") + e.what() + ")");
  } catch (const std::invalid_argument& e) {
    throw ScenarioError(at, std::string("not a valid plancast shard file (") + e.what() + ")");
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

}  // namespace

Results merge_shards(const std::vector<std::string>& paths, const Registry& registry,
                     Scenario* scenario_out) {
  if (paths.empty()) throw UsageError("merge needs at least one SHARD file");
  std::vector<ShardFile> files;
  for (const std::string& p : paths) files.push_back(read_shard(p));
  const ShardFile& first = files.front();
  std::map<std::uint64_t, const ShardFile*> by_k;
  for (const ShardFile& f : files) {
    const SourceLoc at{f.path, 0, 0};
    if (f.hash != first.hash) {
      throw ScenarioError(
          at, "shard of a different job than " + first.path + ": " + describe_difference(first, f));
    }
    if (f.n != first.n) {
      throw ScenarioError(at, "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) +
                                  " of a split in " + std::to_string(f.n) + ", but " + first.path +
                                  " is of a split in " + std::to_string(first.n));
    }
    auto [it, fresh] = by_k.emplace(f.k, &f);
    if (!fresh) {
      throw ScenarioError(at, "shard " + std::to_string(f.k) + "/" + std::to_string(f.n) +
                                  " given twice (also " + it->second->path + ")");
    }
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

  // Rebuild the job's scenario from the canonical text it was run with.
  const std::string& text = first.text;
  const std::string& file = first.file;
  const std::string& sha = first.sha;
  if (sha256_hex(text) != sha) {
    throw ScenarioError(SourceLoc{first.path, 0, 0},
                        "the shard's scenario text does not match its scenario_sha256");
  }
  Scenario sc = load_scenario_text(text, file, {}, registry);
  sc.variant = first.variant;
  sc.canonical_text = text;
  sc.sha256 = sha;
  if (sc.simulation.runs != first.runs || sc.simulation.seed != first.seed ||
      sc.simulation.sampler != first.sampler) {
    throw ScenarioError(SourceLoc{first.path, 0, 0},
                        "the shard's scenario text does not match its runs, seed or sampler");
  }
  const auto cs = compile(sc, registry);
  const RunState shape = make_state(*cs);
  RunState total = shape;
  for (const auto& [k, f] : by_k) {
    RunState s;
    try {
      s = state_from_json(f->j.at("state"), shape);
    } catch (const std::exception& e) {
      throw ScenarioError(SourceLoc{f->path, 0, 0},
                          std::string("the shard's run state is not valid: ") + e.what());
    }
    const BlockRange r = part_of(block_count(*cs), f->k, f->n);
    const std::uint64_t expect =
        std::min(first.runs, r.last * kBlockSize) - std::min(first.runs, r.first * kBlockSize);
    if (s.runs != expect) {
      throw ScenarioError(SourceLoc{f->path, 0, 0}, "the shard holds " + std::to_string(s.runs) +
                                                        " runs; shard " + std::to_string(f->k) +
                                                        "/" + std::to_string(f->n) + " has " +
                                                        std::to_string(expect));
    }
    total.merge(s);
  }
  Results r = summarise(*cs, total);
  if (scenario_out != nullptr) *scenario_out = std::move(sc);
  return r;
}

}  // namespace plancast
