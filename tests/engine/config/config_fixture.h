// The scenario-loading fixture of the config tests (test_config.cpp, test_config_variants.cpp):
// a small fake process registry, load() and errors() on YAML text, and the diagnostics
// checks. Header-only, in an unnamed namespace: each test file gets its own copy.
#pragma once

#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include "engine/config/loader_internal.h"
#include "engine/config/node_reader.h"
#include "engine/config/read_distribution.h"
#include "engine/config/scenario.h"
#include "engine/core/process.h"
#include "tests/support/scenarios.h"

using namespace plancast;
using plancast::test::data_scenario;

namespace {

// ---- a small fake registry (the real processes live in models/) -------------------------

/// `fake: {rate: NUMBER|PARAM, uses: [NAME, ...], outputs: [SUFFIX, ...]}`: rate may only be a
/// parameter, uses may be parameters or indicators (dependency edges).
class FakeSpec final : public ProcessSpec {
 public:
  Value rate;
  std::vector<NameRef> uses;
  std::vector<std::string> suffixes;
  std::vector<std::string> outputs(const std::string& indicator) const override {
    if (suffixes.empty()) return {indicator};
    std::vector<std::string> out;
    for (const auto& s : suffixes) out.push_back(indicator + "_" + s);
    return out;
  }
  std::vector<NameRef> references() const override {
    std::vector<NameRef> refs = uses;
    if (rate.is_param()) refs.push_back(NameRef{rate.param, rate.loc, true});
    return refs;
  }
  std::unique_ptr<Process> compile(const CompileContext&) const override { return nullptr; }
};

std::shared_ptr<const ProcessSpec> parse_fake(NodeReader& r) {
  if (!r.expect_map()) return nullptr;
  auto spec = std::make_shared<FakeSpec>();
  bool ok = true;
  if (auto v = r.value_at("rate"))
    spec->rate = *v;
  else
    ok = false;
  if (auto u = r.optional("uses")) {
    for (auto& item : u->items()) {
      if (auto s = item.string()) spec->uses.push_back(NameRef{*s, item.loc(), false});
    }
  }
  if (auto o = r.optional("outputs")) {
    for (auto& item : o->items()) {
      if (auto s = item.string()) spec->suffixes.push_back(*s);
    }
  }
  if (auto d = r.optional("size")) {
    if (!read_distribution(*d)) ok = false;
  }
  r.finish();
  return ok ? spec : nullptr;
}

/// `calc: a + b * 2`: a scalar node like formula; every identifier is a reference.
class CalcSpec final : public ProcessSpec {
 public:
  std::vector<NameRef> names;
  std::vector<NameRef> references() const override { return names; }
  std::unique_ptr<Process> compile(const CompileContext&) const override { return nullptr; }
};

std::shared_ptr<const ProcessSpec> parse_calc(NodeReader& r) {
  auto text = r.string();
  if (!text) return nullptr;
  auto spec = std::make_shared<CalcSpec>();
  const SourceLoc loc = r.loc();
  std::string word;
  int start = 0;
  for (std::size_t i = 0; i <= text->size(); ++i) {
    const char c = i < text->size() ? (*text)[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      if (word.empty()) start = static_cast<int>(i);
      word += c;
    } else if (!word.empty()) {
      if (!std::isdigit(static_cast<unsigned char>(word[0]))) {
        SourceLoc at = loc;
        at.col += start;
        spec->names.push_back(NameRef{word, at, false});
      }
      word.clear();
    }
  }
  return spec;
}

const Registry& fake_registry() {
  static const Registry reg = [] {
    Registry r;
    ProcessType fake;
    fake.key = "fake";
    fake.summary = "test process";
    fake.base = BaseRule::required;
    fake.parse = parse_fake;
    r.add(fake);
    ProcessType calc;
    calc.key = "calc";
    calc.summary = "test formula";
    calc.base = BaseRule::forbidden;
    calc.parse = parse_calc;
    r.add(calc);
    return r;
  }();
  return reg;
}

Scenario load(const std::string& yaml, LoadOptions opts = {}) {
  return load_scenario_text(yaml, "t.yaml", opts, fake_registry());
}

/// The diagnostics of a load that must fail.
std::vector<Diagnostic> errors(const std::string& yaml, LoadOptions opts = {}) {
  try {
    load(yaml, opts);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  FAIL("the scenario loaded without error:\n" << yaml);
  return {};
}

std::string all_text(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.str() + "\n";
  return out;
}

/// True if some diagnostic is at `where` ("t.yaml:3:5") and contains `text`.
bool has(const std::vector<Diagnostic>& ds, const std::string& where, const std::string& text) {
  for (const auto& d : ds) {
    if (d.loc.str() == where && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

#define CHECK_DIAG(ds, where, text) CHECK_MESSAGE(has(ds, where, text), all_text(ds))
#define CHECK_MESSAGE(cond, msg) \
  do {                           \
    INFO(msg);                   \
    CHECK(cond);                 \
  } while (false)

// A valid scenario; tests derive bad ones by replacing one line.
const std::string kGood = data_scenario("config_good");

/// kGood with the first occurrence of `from` replaced by `to`.
std::string with(const std::string& from, const std::string& to, std::string s = kGood) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  return s;
}

}  // namespace
