// Config tests, part two: variants, --set, loading files, names, parameter titles and units.
// The fixture (fake registry, load(), errors()) is tests/engine/config/config_fixture.h.
#include "tests/engine/config/config_fixture.h"

// ---- variants and --set ---------------------------------------------------------------------

TEST_CASE("variants override a value or a whole subtree, without leaking", "[config][variants]") {
  LoadOptions fast;
  fast.variant = "fast";
  const Scenario f = load(kGood, fast);
  CHECK(f.variant == "fast");
  CHECK(f.parameters[0].dist.mean == 0.08);
  CHECK(f.parameters[0].dist.sd == 0.01);
  CHECK(f.indicators[0].base == 100);

  LoadOptions slow;
  slow.variant = "slow";
  const Scenario s = load(kGood, slow);
  CHECK(s.parameters[0].dist.mean == 0.01);
  CHECK(s.parameters[0].dist.sd == 0.005);
  CHECK(s.indicators[0].base == 90);

  const Scenario base = load(kGood);
  CHECK(base.parameters[0].dist.mean == 0.05);
  CHECK(base.indicators[0].base == 100);
  CHECK(base.sha256 != f.sha256);
  CHECK(base.sha256 != s.sha256);
  CHECK(f.sha256 != s.sha256);
  // Loading a variant again gives the same digest.
  CHECK(load(kGood, fast).sha256 == f.sha256);

  // List elements by index.
  const std::string idx = with("  slow:\n", "  late:\n    targets.0.year: 2027\n  slow:\n");
  LoadOptions late;
  late.variant = "late";
  CHECK(load(idx, late).targets[0].year == 2027);
}

TEST_CASE("every variant is validated, whichever is selected", "[config][variants]") {
  const std::string bad = with("indicators.gdp.base: 90", "indicators.gdp.base: -.inf");
  auto ds = errors(bad);  // the base scenario is selected
  CHECK_DIAG(ds, "t.yaml:30:26", "-.inf is not a finite number (in variant 'slow')");
  LoadOptions fast;
  fast.variant = "fast";
  ds = errors(bad, fast);
  CHECK_DIAG(ds, "t.yaml:30:26", "-.inf is not a finite number (in variant 'slow')");
  // A new key in a variant is caught by the normal validation, at the variant line.
  ds = errors(with("parameters.g.mean: 0.08", "parameters.g.sdd: 0.08"));
  CHECK_DIAG(ds, "t.yaml:27:10",
             "unknown key 'sdd' in parameters.g (did you mean 'sd'?) (in variant 'fast')");
  ds = errors(with("parameters.g.mean: 0.08", "variants.slow: {}"));
  CHECK_DIAG(ds, "t.yaml:27:10", "variants cannot override variants");
  ds = errors(with("parameters.g.mean: 0.08", "targets.7.year: 2025"));
  CHECK_DIAG(ds, "t.yaml:27:10", "'7' is not an index of the list targets (it has 2 items");
}

TEST_CASE("check_other_variants = false builds the selected variant only", "[config][variants]") {
  // For callers that loaded the file once with every check (compare's variants, solve's
  // evaluations): a broken variant other than the selected one is not built again.
  const std::string bad = with("indicators.gdp.base: 90", "indicators.gdp.base: -.inf");
  LoadOptions fast;
  fast.variant = "fast";
  fast.check_other_variants = false;
  const Scenario f = load(bad, fast);
  CHECK(f.parameters[0].dist.mean == 0.08);
  // The same scenario, digest included, as with the checks.
  LoadOptions checked;
  checked.variant = "fast";
  CHECK(f.sha256 == load(kGood, checked).sha256);
  CHECK(f.variant_names == load(kGood, checked).variant_names);
  // The selected variant itself is still checked.
  LoadOptions slow = fast;
  slow.variant = "slow";
  const auto ds = errors(bad, slow);
  CHECK_DIAG(ds, "t.yaml:30:26", "-.inf is not a finite number");
}

TEST_CASE("a tree built only to be checked gives the same problems, without report texts",
          "[config][variants]") {
  // loader_detail::build with check_only (a variant the command does not run): every
  // problem as a full build reports it, and no distribution's text as written (which only
  // reports, workbooks and compare's reuse read) is made.
  const auto build_of = [](const std::string& yaml, bool check_only, DiagnosticList& d) {
    return loader_detail::build(YAML::Load(yaml), "t.yaml", nullptr, fake_registry(), d,
                                check_only);
  };
  const std::string labelled = with("  g: {dist: normal, mean: 0.05, sd: 0.01}",
                                    "  g: {dist: normal, mean: 0.05, sd: 0.01, title: Growth}");
  DiagnosticList full_d, check_d;
  const Scenario full = build_of(labelled, false, full_d);
  const Scenario check = build_of(labelled, true, check_d);
  CHECK(full_d.empty());
  CHECK(check_d.empty());
  REQUIRE(full.parameters.size() == check.parameters.size());
  CHECK(full.parameters[0].dist.written == "{dist: normal, mean: 0.05, sd: 0.01}");
  CHECK(full.parameters[1].dist.written == "{dist: uniform, min: 0, max: 0.1}");
  for (std::size_t i = 0; i < check.parameters.size(); ++i) {
    CHECK(check.parameters[i].dist.written.empty());
    CHECK(check.parameters[i].dist.mean == full.parameters[i].dist.mean);
  }
  // Broken files: the same diagnostics, message for message.
  for (const std::string& bad :
       {with("    base: 100\n", "    base: -.inf\n"),
        with("  g: {dist: normal, mean: 0.05, sd: 0.01}", "  g: {dist: normal, mean: 0.05}"),
        with("  h: {dist: uniform, min: 0, max: 0.1}", "  h: {dist: uniform, min: 1, max: 0}")}) {
    DiagnosticList a, b;
    build_of(bad, false, a);
    build_of(bad, true, b);
    CHECK_FALSE(a.empty());
    CHECK(all_text(a.items()) == all_text(b.items()));
  }
}

TEST_CASE("a trusted load builds only what it selects, from the file parsed once",
          "[config][variants]") {
  // check_other_variants = false with a variant or an override selected (compare's variants,
  // solve's evaluations): one build of the selected scenario, the same scenario as a checked
  // load gives, and the file's tree parsed once for every such load of it.
  auto same = [](const Scenario& a, const Scenario& b) {
    CHECK(a.canonical_text == b.canonical_text);
    CHECK(a.sha256 == b.sha256);
    CHECK(a.numbers == b.numbers);
    CHECK(a.variant == b.variant);
    CHECK(a.variant_names == b.variant_names);
    CHECK(a.variant_overrides == b.variant_overrides);
    CHECK(a.simulation.runs == b.simulation.runs);
    CHECK(a.parameters[0].dist.mean == b.parameters[0].dist.mean);
    CHECK(a.parameters[0].dist.sd == b.parameters[0].dist.sd);
    CHECK(a.indicators[0].base == b.indicators[0].base);
  };
  for (const std::string variant : {"", "fast", "slow"}) {
    for (const std::vector<std::string>& sets :
         {std::vector<std::string>{}, std::vector<std::string>{"parameters.g.sd=0.03"},
          std::vector<std::string>{"simulation.runs=500", "indicators.gdp.base=95"}}) {
      if (variant.empty() && sets.empty()) continue;  // nothing selected: a checked load
      LoadOptions checked;
      checked.variant = variant;
      checked.sets = sets;
      checked.runs = 700;
      LoadOptions trusted = checked;
      trusted.check_other_variants = false;
      INFO("variant '" << variant << "', " << sets.size() << " --set");
      same(load(kGood, trusted), load(kGood, checked));
      same(load(kGood, trusted), load(kGood, checked));  // the second from the kept tree
    }
  }
  // Only the selected scenario is built: a base value that the variant replaces is not
  // checked again (the command's first load reported it).
  const std::string broken =
      with("  fast: {parameters.g.mean: 0.08}",
           "  fast: {parameters.g.mean: 0.08, parameters.h.max: 0.1}",
           with("h: {dist: uniform, min: 0, max: 0.1}", "h: {dist: uniform, min: 0, max: -1}"));
  LoadOptions fast;
  fast.variant = "fast";
  CHECK_DIAG(errors(broken, fast), "t.yaml:9:35", "max=-1");
  fast.check_other_variants = false;
  CHECK(load(broken, fast).parameters[1].dist.max == 0.1);
  // A different text is parsed anew, and its problems reported, located.
  LoadOptions runs;
  runs.runs = 300;
  runs.check_other_variants = false;
  CHECK(load(with("mean: 0.05", "mean: 0.06"), runs).parameters[0].dist.mean == 0.06);
  CHECK(load(kGood, runs).parameters[0].dist.mean == 0.05);
  CHECK_DIAG(errors(with("sd: 0.01}", "sd: -1}"), runs), "t.yaml:8:37", "sd=-1");
  CHECK_DIAG(errors(with("  g: {", "  g: {{"), runs), "t.yaml:8:7", "YAML syntax");
}

TEST_CASE("an unknown --variant lists the variants", "[config][variants]") {
  LoadOptions o;
  o.variant = "fats";
  auto ds = errors(kGood, o);
  CHECK_DIAG(ds, "--variant",
             "unknown variant 'fats' (did you mean 'fast'?) (variants: fast, slow)");
}

TEST_CASE("set overrides values and subtrees, located as --set:K:COL", "[config][set]") {
  LoadOptions o;
  o.sets = {"simulation.runs=5000", "parameters.h={dist: normal, mean: 1, sd: 2}"};
  const Scenario sc = load(kGood, o);
  CHECK(sc.simulation.runs == 5000);
  CHECK(sc.parameters[1].dist.family == DistFamily::normal);
  CHECK(sc.parameters[1].dist.sd == 2);
  const Scenario base = load(kGood);
  CHECK(sc.sha256 != base.sha256);
  CHECK(load(kGood, o).sha256 == sc.sha256);
  CHECK(load(kGood).sha256 == base.sha256);

  // --set applies on top of the selected variant.
  LoadOptions vs;
  vs.variant = "slow";
  vs.sets = {"parameters.g.sd=0.5"};
  const Scenario v = load(kGood, vs);
  CHECK(v.parameters[0].dist.mean == 0.01);
  CHECK(v.parameters[0].dist.sd == 0.5);

  LoadOptions bad;
  bad.sets = {"simulation.runs=0"};
  CHECK_DIAG(errors(kGood, bad), "--set:1:17", "runs=0 (must be in [1,");
  bad.sets = {"simulation.runs=5", "parameters.h={dist: normal, mean: 1, sd: -2}"};
  CHECK_DIAG(errors(kGood, bad), "--set:2:42", "sd=-2 (must be > 0");
  bad.sets = {"simulation.rnus.x=5"};
  CHECK_DIAG(errors(kGood, bad), "--set:1:1",
             "'rnus' not found in simulation (did you mean 'runs'?)");
  bad.sets = {"simulation.runz=5"};
  CHECK_DIAG(errors(kGood, bad), "--set:1:12",
             "unknown key 'runz' in simulation (did you mean 'runs'?)");
  bad.sets = {"parameters.h={dist: normal"};
  CHECK_THAT(all_text(errors(kGood, bad)), Catch::Contains("--set:1:"));
  CHECK_THAT(all_text(errors(kGood, bad)), Catch::Contains("in --set value: YAML syntax"));
  bad.sets = {"simulation.runs"};
  CHECK_DIAG(errors(kGood, bad), "--set:1:1", "expected PATH=VALUE");
  bad.sets = {"simulation.runs=&a 5"};
  CHECK_DIAG(errors(kGood, bad), "--set:1:17", "anchor '&a' is not allowed");
}

TEST_CASE("load_scenario_file reads files and reports unreadable ones", "[config]") {
  const std::string path = "test_config_tmp.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << kGood;
  }
  const Scenario sc = load_scenario_file(path, {}, fake_registry());
  CHECK(sc.file == path);
  CHECK(sc.sha256 == load(kGood).sha256);
  std::remove(path.c_str());
  try {
    load_scenario_file("no/such/file.yaml", {}, fake_registry());
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("no/such/file.yaml: error: cannot read the scenario"));
  }
}

// ---- NodeReader helpers ------------------------------------------------------------------------

TEST_CASE("nearest and is_identifier", "[config]") {
  CHECK(nearest("sdd", {"mean", "sd"}) == "sd");
  CHECK(nearest("horizn", {"horizon", "base_year"}) == "horizon");
  CHECK(nearest("completely_different", {"sd", "mean"}).empty());
  CHECK(is_identifier("core_va"));
  CHECK(is_identifier("_x1"));
  CHECK_FALSE(is_identifier("1x"));
  CHECK_FALSE(is_identifier("a-b"));
  CHECK_FALSE(is_identifier(""));
}

TEST_CASE("parameters take an optional title and unit, each a string", "[config]") {
  const Scenario sc = load(with("g: {dist: normal, mean: 0.05, sd: 0.01}",
                                "g: {dist: normal, mean: 0.05, sd: 0.01, title: Growth of \"g\", "
                                "unit: a year}"));
  const ParameterSpec* g = sc.find_parameter("g");
  REQUIRE(g != nullptr);
  CHECK(g->title == "Growth of \"g\"");
  CHECK(g->unit == "a year");
  // As written: the distribution alone, the labels left out.
  CHECK(g->dist.written == "{dist: normal, mean: 0.05, sd: 0.01}");
  CHECK(g->dist.family == DistFamily::normal);
  const ParameterSpec* h = sc.find_parameter("h");
  CHECK(h->title.empty());
  CHECK(h->unit.empty());
  CHECK(h->dist.written == "{dist: uniform, min: 0, max: 0.1}");
  // A title on its own does not hide a distribution's problem.
  auto ds = errors(with("sd: 0.01}", "sd: -0.01, title: G}"));
  CHECK_DIAG(ds, "t.yaml:8:37", "sd=-0.01 (must be > 0");
  // Wrong types, located at the value.
  ds = errors(with("sd: 0.01}", "sd: 0.01, title: [a, b]}"));
  CHECK_DIAG(ds, "t.yaml:8:50", "expected a string for parameters.g.title, got a list");
  ds = errors(with("sd: 0.01}", "sd: 0.01, unit: {a: 1}}"));
  CHECK_DIAG(ds, "t.yaml:8:49", "expected a string for parameters.g.unit, got a map");
  // An unknown key beside them is still reported.
  ds = errors(with("sd: 0.01}", "sd: 0.01, titel: G}"));
  CHECK(all_text(ds).find("titel") != std::string::npos);
}
