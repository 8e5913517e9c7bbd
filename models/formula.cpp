// formula: muparser expressions over same-year indicators, parameters and `year`.
#include "models/formula.h"

#include <omp.h>

#include <muParser.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>

#include "engine/config/node_reader.h"
#include "engine/sim/block.h"

namespace plancast {

namespace {

/// muparser's variable factory, used only to learn which names an expression uses.
double* collect_var(const char* /*name*/, void* user) {
  auto* store = static_cast<std::vector<std::unique_ptr<double>>*>(user);
  store->push_back(std::make_unique<double>(0.0));
  return store->back().get();
}

struct Binding {
  std::string name;
  bool is_param = false;
  int index = -1;  ///< parameter index or slot
};

/// A formula lowered out of muparser (docs/performance.md): the arithmetic subset
/// (+ - * /, unary minus, parentheses, numbers, indicators, parameters, `year`) compiled
/// to a postfix program run over the whole block one array operation at a time, in the
/// order written (precedence, then left to right), as muparser evaluates it. Anything else
/// (functions, ^, comparisons, ?:, muparser's constants) stays with muparser.
struct Lowered {
  enum class Op : std::uint8_t { value, param, number, year, add, sub, mul, div, neg };
  struct Ins {
    Op op;
    int index = -1;  ///< slot or parameter index
    double number = 0;
  };
  std::vector<Ins> code;
  std::size_t depth = 0;  ///< stack depth needed
};

class LowerParser {
 public:
  LowerParser(const std::string& text, const std::vector<Binding>& bindings)
      : s_(text), bindings_(bindings) {}
  std::optional<Lowered> parse() {
    try {
      expr();
      skip();
      if (pos_ != s_.size()) return std::nullopt;
    } catch (const Unsupported&) {
      return std::nullopt;
    }
    Lowered l;
    l.code = std::move(code_);
    l.depth = max_depth_;
    return l;
  }

 private:
  struct Unsupported {};
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char peek() {
    skip();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  void emit(Lowered::Ins ins, int effect) {
    code_.push_back(ins);
    depth_ = static_cast<std::size_t>(static_cast<long>(depth_) + effect);
    max_depth_ = std::max(max_depth_, depth_);
  }
  void expr() {
    // Deep nesting (a fuzzer's "((((...") stays with muparser: no deep recursion here.
    if (++nesting_ > 32) throw Unsupported{};
    term();
    for (char c = peek(); c == '+' || c == '-'; c = peek()) {
      ++pos_;
      term();
      emit({c == '+' ? Lowered::Op::add : Lowered::Op::sub}, -1);
    }
    --nesting_;
  }
  void term() {
    unary();
    for (char c = peek(); c == '*' || c == '/'; c = peek()) {
      ++pos_;
      unary();
      emit({c == '*' ? Lowered::Op::mul : Lowered::Op::div}, -1);
    }
  }
  void unary() {
    const char c = peek();
    if (c == '-' || c == '+') {
      ++pos_;
      if (++signs_ > 32) throw Unsupported{};
      unary();
      if (c == '-') emit({Lowered::Op::neg}, 0);
      return;
    }
    primary();
  }
  void primary() {
    const char c = peek();
    if (c == '(') {
      ++pos_;
      expr();
      if (peek() != ')') throw Unsupported{};
      ++pos_;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      // Digits, a point, digits, an exponent: the number as the C library reads it.
      std::size_t end = pos_;
      while (end < s_.size() &&
             (std::isdigit(static_cast<unsigned char>(s_[end])) || s_[end] == '.'))
        ++end;
      if (end < s_.size() && (s_[end] == 'e' || s_[end] == 'E')) {
        std::size_t e = end + 1;
        if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) ++e;
        if (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) {
          end = e;
          while (end < s_.size() && std::isdigit(static_cast<unsigned char>(s_[end]))) ++end;
        }
      }
      const std::string text = s_.substr(pos_, end - pos_);
      char* stop = nullptr;
      const double v = std::strtod(text.c_str(), &stop);
      if (stop != text.c_str() + text.size() || !std::isfinite(v)) throw Unsupported{};
      pos_ = end;
      emit({Lowered::Op::number, -1, v}, 1);
      return;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = pos_;
      while (end < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_'))
        ++end;
      const std::string name = s_.substr(pos_, end - pos_);
      pos_ = end;
      if (peek() == '(') throw Unsupported{};  // a function
      if (name == "year") {
        emit({Lowered::Op::year}, 1);
        return;
      }
      for (const auto& b : bindings_) {
        if (b.name == name) {
          emit({b.is_param ? Lowered::Op::param : Lowered::Op::value, b.index}, 1);
          return;
        }
      }
      throw Unsupported{};  // a muparser constant such as _pi
    }
    throw Unsupported{};
  }

  const std::string& s_;
  const std::vector<Binding>& bindings_;
  std::size_t pos_ = 0;
  std::vector<Lowered::Ins> code_;
  std::size_t depth_ = 0, max_depth_ = 0;
  int nesting_ = 0, signs_ = 0;
};

class FormulaProcess;

/// Calls of muparser's SetExpr by formula workers (formula_worker_parses()).
std::atomic<std::uint64_t> g_worker_parses{0};

class FormulaWorker final : public ProcessWorker {
 public:
  FormulaWorker(const FormulaProcess& p, std::size_t block);
  void init(BlockCtx& ctx) override { eval(ctx); }
  void step(BlockCtx& ctx) override { eval(ctx); }

 private:
  void eval(BlockCtx& ctx);
  void eval_lowered(BlockCtx& ctx);
  const FormulaProcess& p_;
  std::vector<double> stack_;  ///< lowered formulas: one block-sized array per stack level
  mu::Parser parser_;
  /// muparser formulas: one block-sized row per bound name, then `year`'s row. muparser is
  /// bound to these once, in the constructor; each evaluation copies the block's inputs in,
  /// so the runner's buffers (swapped every year) never need a re-bind or a re-parse.
  std::vector<double> inputs_;
};

class FormulaProcess final : public Process {
 public:
  std::string expr;
  std::vector<Binding> bindings;
  bool uses_year = false;
  int slot = -1;
  std::optional<Lowered> lowered;
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<FormulaWorker>(*this, block);
  }
  /// The lowered formula's block-sized stack levels (or muparser's rows: one per bound name
  /// and `year`'s), and muparser's own tables: about 7 KB per parser measured (g++ 12,
  /// muparser 2.3), counted as 8 KB.
  std::uint64_t worker_bytes(std::size_t block) const override {
    const std::size_t rows = lowered ? lowered->depth : bindings.size() + 1;
    return sizeof(double) * rows * block + 8 * 1024;
  }
};

FormulaWorker::FormulaWorker(const FormulaProcess& p, std::size_t block)
    : p_(p),
      stack_(p.lowered ? p.lowered->depth * block : 0),
      inputs_(p.lowered ? 0 : (p.bindings.size() + 1) * block) {
  // muparser's bytecode optimiser re-associates constants ((x + 3) * 3 becomes x * 3 + 9),
  // which changes the last bits; off, it evaluates as written, like the lowered formulas.
  parser_.EnableOptimizer(false);
  if (p.lowered) return;
  // Bind every name to the first element of its row: in bulk mode muparser reads variable
  // v of element i at v_ptr + i. Bound and parsed once for the worker's whole life.
  for (std::size_t i = 0; i < p.bindings.size(); ++i) {
    parser_.DefineVar(p.bindings[i].name, inputs_.data() + i * block);
  }
  if (p.uses_year) parser_.DefineVar("year", inputs_.data() + p.bindings.size() * block);
  parser_.SetExpr(p.expr);
  g_worker_parses.fetch_add(1, std::memory_order_relaxed);
}

void FormulaWorker::eval_lowered(BlockCtx& ctx) {
  // Stack entry k is a block array (an input row, or stack_ level k) or a number.
  struct Entry {
    const double* row = nullptr;
    double number = 0;
  };
  const std::size_t n = ctx.n;
  Entry st[64];
  std::size_t top = 0;
  for (const Lowered::Ins& ins : p_.lowered->code) {
    switch (ins.op) {
      case Lowered::Op::value:
        st[top++] = Entry{ctx.slot(ins.index), 0};
        break;
      case Lowered::Op::param:
        st[top++] = Entry{ctx.param_row(ins.index), 0};
        break;
      case Lowered::Op::number:
        st[top++] = Entry{nullptr, ins.number};
        break;
      case Lowered::Op::year:
        st[top++] = Entry{nullptr, static_cast<double>(ctx.year)};
        break;
      case Lowered::Op::neg: {
        Entry& a = st[top - 1];
        if (a.row == nullptr) {
          a.number = -a.number;
        } else {
          double* out = stack_.data() + (top - 1) * ctx.stride;
          for (std::size_t j = 0; j < n; ++j) out[j] = -a.row[j];
          a.row = out;
        }
        break;
      }
      default: {
        const Entry a = st[top - 2], b = st[top - 1];
        --top;
        Entry& r = st[top - 1];
        if (a.row == nullptr && b.row == nullptr) {
          const double x = a.number, y = b.number;
          r.number = ins.op == Lowered::Op::add   ? x + y
                     : ins.op == Lowered::Op::sub ? x - y
                     : ins.op == Lowered::Op::mul ? x * y
                                                  : x / y;
          break;
        }
        double* out = stack_.data() + (top - 1) * ctx.stride;
        // Each case a plain loop over the block (the compiler vectorises them).
        auto apply = [&](auto f) {
          if (a.row != nullptr && b.row != nullptr) {
            for (std::size_t j = 0; j < n; ++j) out[j] = f(a.row[j], b.row[j]);
          } else if (a.row != nullptr) {
            const double y = b.number;
            for (std::size_t j = 0; j < n; ++j) out[j] = f(a.row[j], y);
          } else {
            const double x = a.number;
            for (std::size_t j = 0; j < n; ++j) out[j] = f(x, b.row[j]);
          }
        };
        switch (ins.op) {
          case Lowered::Op::add:
            apply([](double x, double y) { return x + y; });
            break;
          case Lowered::Op::sub:
            apply([](double x, double y) { return x - y; });
            break;
          case Lowered::Op::mul:
            apply([](double x, double y) { return x * y; });
            break;
          default:
            apply([](double x, double y) { return x / y; });
            break;
        }
        r = Entry{out, 0};
        break;
      }
    }
  }
  double* x = ctx.slot(p_.slot);
  if (st[0].row == nullptr) {
    std::fill_n(x, n, st[0].number);
  } else {
    std::copy_n(st[0].row, n, x);
  }
}

void FormulaWorker::eval(BlockCtx& ctx) {
  if (p_.lowered) {
    eval_lowered(ctx);
    return;
  }
  const std::size_t n = ctx.n, block = inputs_.size() / (p_.bindings.size() + 1);
  for (std::size_t i = 0; i < p_.bindings.size(); ++i) {
    const Binding& b = p_.bindings[i];
    const double* row = b.is_param ? ctx.param_row(b.index) : ctx.slot(b.index);
    std::copy_n(row, n, inputs_.begin() + static_cast<std::ptrdiff_t>(i * block));
  }
  if (p_.uses_year) {
    std::fill_n(inputs_.begin() + static_cast<std::ptrdiff_t>(p_.bindings.size() * block), n,
                static_cast<double>(ctx.year));
  }
  // Debian's muparser is built with OpenMP: keep its bulk loop on this (TBB) thread.
  omp_set_num_threads(1);
  parser_.Eval(ctx.slot(p_.slot), static_cast<int>(n));
}

class FormulaSpec final : public ProcessSpec {
 public:
  std::string expr;
  std::vector<NameRef> names;
  bool uses_year = false;
  std::vector<NameRef> references() const override { return names; }
  std::uint32_t stream_count() const override { return 0; }  // draws nothing
  // Audit (issue 15, part 3): a share `100 * A / B` is checked through its inputs.
  std::optional<ShareOf> share_of() const override {
    auto [a, b] = parse_share_formula(expr);
    if (a.empty()) return std::nullopt;
    return ShareOf{std::move(a), std::move(b)};
  }
  std::string unmeasured_reason() const override {
    return share_of() ? "a share of other indicators." : "a formula of other indicators.";
  }
  std::unique_ptr<Process> compile(const CompileContext& ctx) const override {
    auto p = std::make_unique<FormulaProcess>();
    p->expr = expr;
    p->uses_year = uses_year;
    p->slot = ctx.output_slots().at(0);
    for (const auto& n : names) {
      Binding b;
      b.name = n.name;
      b.index = ctx.slot_index(n.name);
      if (b.index < 0) {
        b.is_param = true;
        b.index = ctx.parameter_index(n.name);
      }
      if (b.index < 0) throw ScenarioError(n.loc, "unknown name '" + n.name + "' in formula");
      p->bindings.push_back(b);
    }
    p->lowered = LowerParser(expr, p->bindings).parse();
    if (p->lowered && p->lowered->depth > 64) p->lowered.reset();
    return p;
  }
};

/// Where `name` first stands as a whole word in the expression (for located messages).
SourceLoc name_loc(SourceLoc loc, const NodeReader& r, const std::string& expr,
                   const std::string& name) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = expr.find(name); at != std::string::npos; at = expr.find(name, at + 1)) {
    const bool starts = at == 0 || !is_word(expr[at - 1]);
    const bool ends = at + name.size() == expr.size() || !is_word(expr[at + name.size()]);
    if (starts && ends) {
      const bool quoted = r.quoted();
      if (loc.line > 0 && expr.find('\n') == std::string::npos) {
        loc.col += static_cast<int>(at) + (quoted ? 1 : 0);
      }
      return loc;
    }
  }
  return loc;
}

std::shared_ptr<const ProcessSpec> parse_formula(NodeReader& r) {
  auto text = r.string();
  if (!text) return nullptr;
  auto spec = std::make_shared<FormulaSpec>();
  spec->expr = *text;
  const SourceLoc loc = r.loc();
  std::vector<std::unique_ptr<double>> store;
  mu::Parser parser;
  try {
    parser.SetVarFactory(collect_var, &store);
    parser.SetExpr(*text);
    // Evaluating once checks the expression fully (syntax, argument counts).
    parser.Eval();
    for (const auto& [name, ptr] : parser.GetUsedVar()) {
      if (name == "year") {
        spec->uses_year = true;
        continue;
      }
      spec->names.push_back(NameRef{name, name_loc(loc, r, *text, name), false});
    }
  } catch (const mu::Parser::exception_type& e) {
    SourceLoc at = loc;
    const bool quoted = r.quoted();
    if (at.line > 0 && e.GetPos() >= 0) at.col += e.GetPos() + (quoted ? 1 : 0);
    r.diags().error(at, "formula '" + *text + "': " + e.GetMsg() +
                            " (see docs/scenario-reference.md#formula for the syntax)");
    return nullptr;
  }
  return spec;
}

}  // namespace

std::uint64_t formula_worker_parses() {
  return g_worker_parses.load(std::memory_order_relaxed);
}

std::pair<std::string, std::string> parse_share_formula(const std::string& formula) {
  static const std::regex front(
      R"(^\s*100(?:\.0*)?\s*\*\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*([A-Za-z_][A-Za-z0-9_]*)\s*$)");
  static const std::regex back(
      R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*/\s*([A-Za-z_][A-Za-z0-9_]*)\s*\*\s*100(?:\.0*)?\s*$)");
  std::smatch m;
  if (std::regex_match(formula, m, front) || std::regex_match(formula, m, back)) {
    return {m[1].str(), m[2].str()};
  }
  return {};
}

ProcessType formula_process_type() {
  ProcessType t;
  t.key = "formula";
  t.summary = "computed each year from same-year indicators, parameters and `year` (muparser)";
  t.base = BaseRule::forbidden;
  t.keys = {{"formula", "string", "",
             "expression over indicators, parameters and year; + - * / ^, sin cos tan exp "
             "log (natural) log10 sqrt abs min max sum avg, comparisons, c ? a : b"}};
  t.parse = parse_formula;
  return t;
}

}  // namespace plancast
