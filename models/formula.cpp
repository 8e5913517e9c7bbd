// formula: muparser expressions over same-year indicators, parameters and `year`.
#include "models/formula.h"

#include <omp.h>

#include <muParser.h>
#include <cctype>
#include <map>

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

class FormulaProcess;

class FormulaWorker final : public ProcessWorker {
 public:
  FormulaWorker(const FormulaProcess& p, std::size_t block);
  void init(BlockCtx& ctx) override { eval(ctx); }
  void step(BlockCtx& ctx) override { eval(ctx); }

 private:
  void eval(BlockCtx& ctx);
  const FormulaProcess& p_;
  mu::Parser parser_;
  std::vector<double> year_;
  const double* bound_values_ = nullptr;
  const double* bound_params_ = nullptr;
};

class FormulaProcess final : public Process {
 public:
  std::string expr;
  std::vector<Binding> bindings;
  bool uses_year = false;
  int slot = -1;
  std::unique_ptr<ProcessWorker> make_worker(std::size_t block) const override {
    return std::make_unique<FormulaWorker>(*this, block);
  }
};

FormulaWorker::FormulaWorker(const FormulaProcess& p, std::size_t block) : p_(p), year_(block) {}

void FormulaWorker::eval(BlockCtx& ctx) {
  if (bound_values_ != ctx.values || bound_params_ != ctx.params) {
    // Bind every name to the first element of its block array: in bulk mode muparser
    // reads variable v of element i at v_ptr + i.
    parser_.ClearVar();
    for (const auto& b : p_.bindings) {
      const double* base = b.is_param ? ctx.param_row(b.index) : ctx.slot(b.index);
      parser_.DefineVar(b.name, const_cast<double*>(base));
    }
    if (p_.uses_year) parser_.DefineVar("year", year_.data());
    parser_.SetExpr(p_.expr);
    bound_values_ = ctx.values;
    bound_params_ = ctx.params;
  }
  if (p_.uses_year) std::fill_n(year_.begin(), ctx.n, static_cast<double>(ctx.year));
  // Debian's muparser is built with OpenMP: keep its bulk loop on this (TBB) thread.
  omp_set_num_threads(1);
  parser_.Eval(ctx.slot(p_.slot), static_cast<int>(ctx.n));
}

class FormulaSpec final : public ProcessSpec {
 public:
  std::string expr;
  std::vector<NameRef> names;
  bool uses_year = false;
  std::vector<NameRef> references() const override { return names; }
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
      const bool quoted = r.node().Tag() == "!";
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
    const bool quoted = r.node().Tag() == "!";
    if (at.line > 0 && e.GetPos() >= 0) at.col += e.GetPos() + (quoted ? 1 : 0);
    r.diags().error(at, "formula '" + *text + "': " + e.GetMsg() +
                            " (see docs/scenario-reference.md#formula for the syntax)");
    return nullptr;
  }
  return spec;
}

}  // namespace

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
