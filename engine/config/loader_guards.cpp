// The loader's guards (SPEC §1): checks on the raw text before any YAML parsing (size,
// binary content, UTF-8, line breaks, tabs) and on the YAML events before any node is
// built (anchors and aliases, nesting depth, a second document, syntax errors).
#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <sstream>

#include "engine/config/loader_internal.h"
#include "engine/core/utf8.h"

namespace plancast::loader_detail {

SourceLoc loc_at(const std::string& text, std::size_t pos, const std::string& file) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return SourceLoc{file, line, static_cast<int>(pos - line_start) + 1};
}

// `where` maps a byte offset to its place (for --set values: --set:K:COL).
void guard_text(const std::string& text, const std::string& file, DiagnosticList& diags,
                const std::function<SourceLoc(std::size_t)>& where) {
  if (text.size() > kMaxScenarioBytes) {
    diags.error(SourceLoc{file, 1, 1},
                "the input is " + std::to_string(text.size()) +
                    " bytes, larger than the 4 MiB limit for a scenario (is this the right file?)");
    return;
  }
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    diags.error(where(nul),
                "binary file (NUL byte; a scenario is UTF-8 YAML text, is this the right file?)");
    return;
  }
  if (const auto bad = first_invalid_utf8(text); bad != std::string::npos) {
    diags.error(where(bad), fmt::format("invalid UTF-8 (byte 0x{:02X} is not valid here; save "
                                        "the file as UTF-8)",
                                        static_cast<unsigned char>(text[bad])));
    return;
  }
  // Line breaks made of a bare carriage return (classic Mac OS): the YAML library reads the
  // whole file as one line and reports a puzzling syntax error somewhere on it.
  for (std::size_t i = text.find('\r'); i != std::string::npos; i = text.find('\r', i + 1)) {
    if (i + 1 == text.size() || text[i + 1] != '\n') {
      diags.error(where(i),
                  "line break made of a carriage return alone (old Mac format); save the "
                  "file with LF or CRLF line endings");
      return;
    }
  }
  // A tab among the leading white space of a line that holds content.
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::size_t i = pos, tab = std::string::npos;
    while (i < end && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t' && tab == std::string::npos) tab = i;
      ++i;
    }
    if (tab != std::string::npos && i < end && text[i] != '#' && text[i] != '\r') {
      diags.error(where(tab),
                  "tab used for indentation (YAML indents with spaces only; "
                  "replace the tab with spaces)");
      return;
    }
    pos = end + 1;
  }
}

/// Walks the YAML events once, before building any node: rejects anchors and aliases (an
/// alias bomb expands exponentially when walked; `&x [*x]` never ends), nesting deeper than
/// kMaxNestingDepth, and a second document. Syntax errors are reported located.
namespace {

class GuardHandler : public YAML::EventHandler {
 public:
  GuardHandler(const MarkFn& where, DiagnosticList& diags) : where_(where), diags_(diags) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) {
      diags_.error(where_(mark),
                   "a second YAML document (a scenario is one document; remove "
                   "the '---' and what follows, or split the file)");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { check(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    std::string name;
    if (anchor >= 1 && anchor <= anchors_.size()) name = anchors_[anchor - 1];
    report(mark, "alias" + (name.empty() ? std::string() : " '*" + name + "'") +
                     " is not allowed (anchors and aliases are not supported in scenarios; write "
                     "the value out, or use variants for alternatives)");
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    check(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check(mark, anchor);
    deeper(mark, ++depth_);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check(mark, anchor);
    deeper(mark, ++depth_);
  }
  void OnMapEnd() override { --depth_; }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    anchors_.push_back(name);
    report(mark, "anchor '&" + name +
                     "' is not allowed (anchors and aliases are not supported in scenarios; "
                     "write the value out, or use variants for alternatives)");
  }

  bool too_deep() const { return too_deep_; }
  int documents() const { return documents_; }

 private:
  void check(const YAML::Mark& mark, YAML::anchor_t anchor) {
    // An anchor announced without OnAnchor (older yaml-cpp) is still an anchor.
    if (anchor != YAML::NullAnchor && anchor > anchors_.size()) {
      anchors_.resize(anchor);
      report(mark,
             "anchor is not allowed (anchors and aliases are not supported in scenarios; "
             "write the value out)");
    }
  }
  void deeper(const YAML::Mark& mark, int depth) {
    if (depth > kMaxNestingDepth && !too_deep_) {
      too_deep_ = true;
      diags_.error(where_(mark), "nesting deeper than " + std::to_string(kMaxNestingDepth) +
                                     " levels (maps and lists inside each other; a scenario "
                                     "needs a handful)");
    }
  }
  void report(const YAML::Mark& mark, const std::string& message) {
    if (++reported_ <= 10) diags_.error(where_(mark), message);
  }

  const MarkFn& where_;
  DiagnosticList& diags_;
  std::vector<std::string> anchors_;
  int depth_ = 0;
  int documents_ = 0;
  int reported_ = 0;
  bool too_deep_ = false;
};

}  // namespace

void guard_events(const std::string& text, const MarkFn& where, DiagnosticList& diags) {
  // yaml-cpp accepts a quoted string left open when only line breaks follow it (it swallows
  // the rest of the file); without the trailing line breaks it reports "illegal EOF in
  // scalar". Dropping them moves no mark and changes nothing else for the checks here.
  std::istringstream in(text.substr(0, text.find_last_not_of("\r\n") + 1));
  GuardHandler handler(where, diags);
  try {
    YAML::Parser parser(in);
    // A scenario is one document and a second one is already an error: stop there. (After
    // a stray ',' yaml-cpp 0.7 returns empty documents for ever: jbeder/yaml-cpp#1040, a
    // hang found by fuzzing, tests/fuzz/regressions/.)
    while (parser.HandleNextDocument(handler) && handler.documents() < 2) {
    }
  } catch (const YAML::DeepRecursion& e) {
    if (!handler.too_deep()) diags.error(where(e.mark), "nesting too deep (" + e.msg + ")");
  } catch (const YAML::ParserException& e) {
    diags.error(
        where(e.mark),
        "YAML syntax: " + e.msg +
            (e.msg == YAML::ErrorMsg::EOF_IN_SCALAR ? " (a quote opened and never closed?)" : ""));
  } catch (const YAML::Exception& e) {
    diags.error(where(e.mark), "YAML: " + e.msg);
  }
}

YAML::Node parse_checked(const std::string& text, const MarkFn& where, DiagnosticList& diags) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.error(where(e.mark), "YAML syntax: " + e.msg);
  }
  return YAML::Node();
}

}  // namespace plancast::loader_detail
