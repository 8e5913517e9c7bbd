// Tests of the scenario loader and NodeReader: every class of bad input is reported at its
// line:column with a useful message, variants and --set apply cleanly, sha256 is stable.
#include "tests/engine/config/config_fixture.h"

// ---- the good case ----------------------------------------------------------------------------

TEST_CASE("a valid scenario loads into plain structs", "[config]") {
  const Scenario sc = load(kGood);
  CHECK(sc.name == "test-scenario");
  CHECK(sc.title == "A test");
  CHECK(sc.base_year == 2020);
  CHECK(sc.horizon == 2030);
  CHECK(sc.n_years() == 11);
  CHECK(sc.simulation.runs == 1000);
  CHECK(sc.simulation.seed == 42);
  CHECK(sc.simulation.sampler == "mc");
  REQUIRE(sc.parameters.size() == 2);
  CHECK(sc.parameters[0].name == "g");
  CHECK(sc.parameters[0].dist.family == DistFamily::normal);
  CHECK(sc.parameters[0].dist.mean == 0.05);
  CHECK(sc.parameters[0].dist.sd == 0.01);
  CHECK(sc.parameters[0].loc.str() == "t.yaml:8:3");
  CHECK(sc.indicators[1].loc.str() == "t.yaml:19:3");
  REQUIRE(sc.correlations.size() == 1);
  CHECK(sc.correlations[0].rho == 0.3);
  REQUIRE(sc.indicators.size() == 3);
  CHECK(sc.indicators[0].unit == "100M CNY");
  CHECK(sc.indicators[0].has_base);
  CHECK(sc.indicators[0].base == 100);
  CHECK(sc.indicators[0].process == "fake");
  REQUIRE(sc.indicators[0].history.size() == 2);
  CHECK(sc.indicators[0].history[0].year == 2015);
  CHECK(sc.indicators[0].history[1].value == 100);
  REQUIRE(sc.indicators[0].claims.size() == 1);
  CHECK(sc.indicators[0].claims[0].cagr == 0.045);
  CHECK(sc.indicators[2].process == "calc");
  CHECK_FALSE(sc.indicators[2].has_base);
  CHECK(sc.indicators[2].outputs == std::vector<std::string>{"share"});
  REQUIRE(sc.targets.size() == 2);
  CHECK(sc.targets[0].op == TargetOp::at_least);
  CHECK(sc.targets[0].value == 15);
  CHECK_FALSE(sc.targets[0].by);
  CHECK(sc.targets[1].op == TargetOp::at_most);
  CHECK(sc.targets[1].by);
  CHECK(sc.report_years == std::vector<int>{2025, 2030});
  CHECK(sc.variant_names == std::vector<std::string>{"fast", "slow"});
  CHECK(sc.variant.empty());
  CHECK(sc.sha256.size() == 64);
  CHECK(sc.canonical_text.find("variants") == std::string::npos);
  CHECK(sc.find_parameter("h") == &sc.parameters[1]);
  CHECK(sc.find_indicator("core") == &sc.indicators[1]);
  CHECK(sc.find_indicator("nope") == nullptr);
}

TEST_CASE("the canonical text loads again to the same digest", "[config]") {
  const Scenario sc = load(kGood);
  const Scenario again = load(sc.canonical_text);
  CHECK(again.sha256 == sc.sha256);
  // Formatting and comments do not matter.
  const Scenario reformatted =
      load(with("simulation: {runs: 1000, seed: 42, sampler: mc}",
                "simulation:   # how to run\n  runs: 1000\n  seed: 42\n  sampler: mc"));
  CHECK(reformatted.sha256 == sc.sha256);
}

// ---- dependency order ---------------------------------------------------------------------------

TEST_CASE("dependency_order puts each indicator after what it reads, stably", "[config]") {
  const Scenario sc = load(data_scenario("config_order"));
  CHECK(dependency_order(sc) == std::vector<int>{1, 3, 0, 2});
}

// ---- unknown keys, duplicates, types, numbers -------------------------------------------------

TEST_CASE("unknown keys are reported with the nearest valid key", "[config]") {
  auto ds = errors(
      with("g: {dist: normal, mean: 0.05, sd: 0.01}", "g: {dist: normal, mean: 0.05, sdd: 0.01}"));
  CHECK_DIAG(ds, "t.yaml:8:33", "unknown key 'sdd' in parameters.g (did you mean 'sd'?)");
  CHECK_DIAG(ds, "t.yaml:8:6", "missing required key 'sd' in parameters.g");

  ds = errors(with("horizon: 2030", "horizon: 2030\nhorizn: 2031"));
  CHECK_DIAG(ds, "t.yaml:6:1", "unknown key 'horizn' at the top level (did you mean 'horizon'?)");

  ds = errors(with("    unit: 100M CNY", "    units: 100M CNY"));
  CHECK_DIAG(ds, "t.yaml:14:5", "unknown key 'units' in indicators.gdp (did you mean 'unit'?)");

  // Inside a process's own map (through the process parser).
  ds = errors(with("fake: {rate: g}", "fake: {rat: g}"));
  CHECK_DIAG(ds, "t.yaml:16:12", "unknown key 'rat' in indicators.gdp.fake (did you mean 'rate'?)");
}

TEST_CASE("duplicate keys are reported with the first occurrence", "[config]") {
  auto ds = errors(with("g: {dist: normal, mean: 0.05, sd: 0.01}",
                        "g: {dist: normal, mean: 0.05, mean: 0.06, sd: 0.01}"));
  CHECK_DIAG(ds, "t.yaml:8:33", "duplicate key 'mean' (first at 8:21");
  ds = errors(with("  core:\n", "  gdp:\n"));
  CHECK_DIAG(ds, "t.yaml:19:3", "duplicate key 'gdp' (first at 13:3");
}

TEST_CASE("wrong types are reported", "[config]") {
  auto ds = errors(with("    base: 100", "    base: abc"));
  CHECK_DIAG(ds, "t.yaml:15:11", "expected a number for indicators.gdp.base, got 'abc'");
  ds = errors(with("base_year: 2020", "base_year: [2020]"));
  CHECK_DIAG(ds, "t.yaml:4:12", "expected an integer for base_year, got a list");
  ds = errors(with("by: true", "by: sometimes"));
  CHECK_DIAG(ds, "t.yaml:25:69",
             "expected true or false for targets.1.by (target 'share_2030'), got 'sometimes'");
  ds = errors(with("parameters:\n", "parameters: 3\nunused:\n"));
  CHECK_DIAG(ds, "t.yaml:7:13", "expected a map (key: value pairs) for parameters, got '3'");
  ds = errors(with("    base: 100", "    base: \"100\""));
  CHECK_DIAG(ds, "t.yaml:15:11", "quoted string '100' (remove the quotes)");
}

TEST_CASE("non-finite and overflowing numbers are rejected", "[config]") {
  auto ds = errors(with("mean: 0.05,", "mean: .nan,"));
  CHECK_DIAG(ds, "t.yaml:8:27", ".nan is not a finite number");
  ds = errors(with("mean: 0.05,", "mean: -.inf,"));
  CHECK_DIAG(ds, "t.yaml:8:27", "-.inf is not a finite number");
  ds = errors(with("    base: 100", "    base: 1e400"));
  CHECK_DIAG(ds, "t.yaml:15:11", "1e400 is out of the range of a double (overflow)");
  ds = errors(with("at_least: 15", "at_least: .Inf"));
  CHECK_DIAG(ds, "t.yaml:24:60", ".Inf is not a finite number");
  // A value (number or parameter) too.
  ds = errors(with("fake: {rate: g}", "fake: {rate: .nan}"));
  CHECK_DIAG(ds, "t.yaml:16:18", ".nan is not a finite number");
}

TEST_CASE("out-of-range values say the range", "[config]") {
  auto ds = errors(with("sd: 0.01}", "sd: -0.02}"));
  CHECK_DIAG(ds, "t.yaml:8:37", "sd=-0.02 (must be > 0");
  ds = errors(with("runs: 1000", "runs: 0"));
  CHECK_DIAG(ds, "t.yaml:6:20", "runs=0 (must be in [1, 1099511627776])");
  ds = errors(with("runs: 1000", "runs: -5"));
  CHECK_DIAG(ds, "t.yaml:6:20", "runs=-5 (must be in [1,");
  ds = errors(with("[g, h, 0.3]", "[g, h, 1.5]"));
  CHECK_DIAG(ds, "t.yaml:11:12", "rho=1.5 (must be in [-1, 1])");
  ds = errors(with("min: 0, max: 0.1", "min: 0.2, max: 0.1"));
  CHECK_DIAG(ds, "t.yaml:9:37", "max=0.1 (must be > min=0.2)");
  ds = errors(with("year: 2025", "year: 2031"));
  CHECK_DIAG(ds, "t.yaml:24:44", "year=2031 (must be in [2021, 2030]");
  ds = errors(with("cagr: 0.045", "cagr: -1"));
  CHECK_DIAG(ds, "t.yaml:18:43", "cagr=-1 (must be > -1)");
  ds = errors(with("{from: 2015, to: 2020", "{from: 2020, to: 2015"));
  CHECK_DIAG(ds, "t.yaml:18:31", "to=2015 (must be after from=2020)");
  ds = errors(with("history: {2015: 80,", "history: {2035: 80,"));
  CHECK_DIAG(ds, "t.yaml:17:21", "history year 2035 is after the horizon 2030");
  ds = errors(with("sampler: mc", "sampler: sobl"));
  CHECK_DIAG(ds, "t.yaml:6:45",
             "sampler 'sobl' is not known (use mc, lhs or sobol) (did you mean 'sobol'?)");
  ds = errors(with("name: test-scenario", "name: Test Scenario"));
  CHECK_DIAG(ds, "t.yaml:2:7", "name 'Test Scenario' (must be lowercase");
}

TEST_CASE("horizon must follow the base year", "[config]") {
  auto ds = errors(with("horizon: 2030", "horizon: 2019"));
  CHECK_DIAG(ds, "t.yaml:5:10", "horizon=2019 (must be after base_year=2020)");
  ds = errors(with("horizon: 2030", "horizon: 2300"));
  CHECK_DIAG(ds, "t.yaml:5:10", "at most 200 years after base_year=2020");
  ds = errors(with("horizon: 2030\n", ""));
  CHECK_DIAG(ds, "t.yaml:1:1", "missing required key 'horizon' at the top level");
}

TEST_CASE("every distribution family parses and checks its ranges", "[config][dist]") {
  auto param = [](const std::string& dist) {
    const std::string yaml =
        "plancast: 1\nname: d\nbase_year: 2020\nhorizon: 2021\n"
        "parameters:\n  p: " +
        dist + "\nindicators:\n  x: {base: 1, fake: {rate: p}}\n";
    return load(yaml).parameters.at(0).dist;
  };
  auto param_errors = [](const std::string& dist) {
    const std::string yaml =
        "plancast: 1\nname: d\nbase_year: 2020\nhorizon: 2021\n"
        "parameters:\n  p: " +
        dist + "\nindicators:\n  x: {base: 1, fake: {rate: p}}\n";
    return all_text(errors(yaml));
  };
  CHECK(param("0.25").family == DistFamily::fixed);
  CHECK(param("0.25").value == 0.25);
  CHECK(param("{dist: fixed, value: 3}").value == 3);
  auto ln = param("{dist: lognormal, mean: 2, sd: 1}");
  CHECK(ln.family == DistFamily::lognormal);
  CHECK(ln.sigma == Approx(std::sqrt(std::log(1.25))));
  CHECK(ln.mu == Approx(std::log(2.0) - std::log(1.25) / 2));
  // The converted parameters give back the mean and sd.
  CHECK(std::exp(ln.mu + ln.sigma * ln.sigma / 2) == Approx(2.0));
  auto ln2 = param("{dist: lognormal, mu: 0.1, sigma: 0.2}");
  CHECK(ln2.mu == 0.1);
  CHECK(ln2.sigma == 0.2);
  auto g = param("{dist: gamma, mean: 3.4, sd: 1.0}");
  CHECK(g.shape == Approx(3.4 * 3.4));
  CHECK(g.scale == Approx(1.0 / 3.4));
  CHECK(g.shape * g.scale == Approx(3.4));
  auto g2 = param("{dist: gamma, shape: 2, scale: 3}");
  CHECK(g2.shape == 2);
  CHECK(g2.scale == 3);
  auto tri = param("{dist: triangular, min: 0, mode: 1, max: 3}");
  CHECK(tri.family == DistFamily::triangular);
  CHECK(tri.mode == 1);
  CHECK(param("{dist: pert, min: 0, mode: 1, max: 3}").family == DistFamily::pert);
  auto b = param("{dist: beta, alpha: 2, beta: 5}");
  CHECK(b.min == 0);
  CHECK(b.max == 1);
  CHECK(param("{dist: beta, alpha: 2, beta: 5, min: -1, max: 4}").max == 4);
  auto t = param("{dist: student_t, df: 4}");
  CHECK(t.df == 4);
  CHECK(t.loc_ == 0);
  CHECK(t.scale == 1);
  CHECK(param("{dist: student_t, df: 4, loc: 1, scale: 2}").scale == 2);
  CHECK(param("{dist: empirical, values: [1, 2, 3]}").values == std::vector<double>{1, 2, 3});
  auto ch = param("{dist: choice, values: [1, 2], weights: [0.25, 0.75]}");
  CHECK(ch.weights == std::vector<double>{0.25, 0.75});
  CHECK(param("{dist: choice, values: [1, 2, 5]}").weights == std::vector<double>{1, 1, 1});
  auto tr = param("{dist: normal, mean: 0, sd: 1, truncate: [-1, 2]}");
  REQUIRE(tr.truncate);
  CHECK((*tr.truncate)[0] == -1);
  CHECK((*tr.truncate)[1] == 2);

  CHECK_THAT(param_errors("{dist: normall, mean: 0, sd: 1}"),
             Catch::Contains("t.yaml:6:13: error: unknown distribution 'normall' (did you mean "
                             "'normal'? known: fixed, normal, lognormal"));
  CHECK_THAT(param_errors("{dist: normall, mean: 0, sd: 1}"), !Catch::Contains("unknown key"));
  CHECK_THAT(param_errors("{dist: triangular, min: 0, mode: 4, max: 3}"),
             Catch::Contains("mode=4 (must be in [min, max] = [0, 3])"));
  CHECK_THAT(param_errors("{dist: beta, alpha: 0, beta: 5}"),
             Catch::Contains("alpha=0 (must be > 0)"));
  CHECK_THAT(param_errors("{dist: gamma, mean: 2, sd: 1, shape: 2}"),
             Catch::Contains("either shape/scale or mean/sd, not both"));
  CHECK_THAT(param_errors("{dist: lognormal, mean: -2, sd: 1}"),
             Catch::Contains("mean=-2 (must be > 0"));
  CHECK_THAT(param_errors("{dist: student_t, df: 0}"), Catch::Contains("df=0 (must be > 0)"));
  CHECK_THAT(param_errors("{dist: empirical, values: []}"), Catch::Contains("values is empty"));
  CHECK_THAT(param_errors("{dist: choice, values: [1, 2], weights: [1]}"),
             Catch::Contains("weights has 1 entries but values has 2"));
  CHECK_THAT(param_errors("{dist: choice, values: [1, 2], weights: [1, -1]}"),
             Catch::Contains("weights must be >= 0"));
  CHECK_THAT(param_errors("{dist: choice, values: [1, 2], weights: [0, 0]}"),
             Catch::Contains("positive, finite sum"));
  CHECK_THAT(param_errors("{dist: normal, mean: 0, sd: 1, truncate: [2, 1]}"),
             Catch::Contains("truncate=[2, 1] (must have lo < hi)"));
  CHECK_THAT(param_errors("{dist: uniform, min: 0, max: 1, truncate: [2, 3]}"),
             Catch::Contains("has no probability in that range"));
  CHECK_THAT(param_errors("{dist: normal, mean: 0, sd: 1, truncate: 5}"),
             Catch::Contains("truncate must be a list [lo, hi]"));
  CHECK_THAT(param_errors("{mean: 0, sd: 1}"), Catch::Contains("missing required key 'dist'"));
}

// ---- names, references, cycles --------------------------------------------------------------

TEST_CASE("unknown names are reported where they are written", "[config]") {
  // In a scalar (formula-like) process node: the column of the name inside the text.
  auto ds = errors(with("calc: 100 * core / gdp", "calc: 100 * cor / gdp"));
  CHECK_DIAG(ds, "t.yaml:22:34",
             "unknown name 'cor' (not a parameter or indicator) (did you mean 'core'?)");
  // A parameter-only reference.
  ds = errors(with("fake: {rate: g}", "fake: {rate: gg}"));
  CHECK_DIAG(ds, "t.yaml:16:18", "unknown name 'gg' (not a parameter) (did you mean 'g'?)");
  ds = errors(with("fake: {rate: g}", "fake: {rate: core}"));
  CHECK_DIAG(ds, "t.yaml:16:18", "'core' is an indicator, but only a parameter can be named here");
  // A target.
  ds = errors(with("indicator: core,", "indicator: coer,"));
  CHECK_DIAG(ds, "t.yaml:24:32", "unknown indicator 'coer' (did you mean 'core'?)");
  // A correlation.
  ds = errors(with("[g, h, 0.3]", "[g, k, 0.3]"));
  CHECK_DIAG(ds, "t.yaml:11:9", "unknown parameter 'k' in correlations (did you mean 'g'?)");
  // A variant path.
  ds = errors(with("parameters.g.mean: 0.08", "parameters.gg.mean: 0.08"));
  CHECK_DIAG(ds, "t.yaml:27:10",
             "cannot apply variant 'fast' path 'parameters.gg.mean': 'gg' not found in parameters "
             "(did you mean 'g'?)");
}

TEST_CASE("names are identifiers, and a name is a parameter or an indicator, not both",
          "[config]") {
  auto ds = errors(with("  core:\n", "  g:\n"));
  CHECK_DIAG(ds, "t.yaml:19:3", "'g' is both a parameter (at 8:3) and an indicator");
  ds = errors(with("  h: {dist: uniform", "  2h: {dist: uniform"));
  CHECK_DIAG(ds, "t.yaml:9:7", "parameter name '2h' is not an identifier");
  // Outputs of a multi-output process count as names.
  const std::string multi = data_scenario("config_multi");
  const Scenario sc = load(multi);
  CHECK(sc.indicators[0].outputs == std::vector<std::string>{"firms_over_10", "firms_over_100"});
  CHECK(dependency_order(sc) == std::vector<int>{0, 1});
}

TEST_CASE("a dependency cycle is an error naming the cycle", "[config]") {
  auto ds = errors(with("fake: {rate: g}", "fake: {rate: g, uses: [share]}"));
  CHECK_DIAG(ds, "t.yaml:13:3", "dependency cycle: gdp -> share -> gdp");
  ds = errors(with("calc: 100 * core / gdp", "calc: 100 * share"));
  CHECK_DIAG(ds, "t.yaml:22:3", "dependency cycle: share -> share");
}

TEST_CASE("a correlation matrix that is not positive definite is an error", "[config]") {
  const std::string yaml = data_scenario("config_corr");
  const std::string text = all_text(errors(yaml));
  CHECK_THAT(text, Catch::Contains("t.yaml:10:5: error:"));
  CHECK_THAT(text, Catch::Contains("smallest eigenvalue"));
  auto ds = errors(with("[g, h, 0.3]", "[g, g, 0.3]"));
  CHECK_DIAG(ds, "t.yaml:11:5", "correlation of 'g' with itself");
  ds = errors(with("[g, h, 0.3]", "[g, h, 0.3]\n  - [h, g, 0.2]"));
  CHECK_DIAG(ds, "t.yaml:12:5", "duplicate correlation of 'h' and 'g' (first at 11:5)");
}

// ---- processes ---------------------------------------------------------------------------------

TEST_CASE("an indicator needs exactly one process from the registry", "[config]") {
  auto ds = errors(with("    fake: {rate: g}\n", ""));
  CHECK_DIAG(ds, "t.yaml:13:3", "indicator 'gdp' has no process (give exactly one of: fake, calc)");
  ds = errors(with("    fake: {rate: g}\n", "    fake: {rate: g}\n    calc: g\n"));
  CHECK_DIAG(ds, "t.yaml:17:5", "has 2 processes, 'fake', 'calc' (give exactly one)");
  ds = errors(with("    fake: {rate: g}\n", "    fak: {rate: g}\n"));
  CHECK_DIAG(ds, "t.yaml:16:5", "unknown key 'fak' in indicators.gdp (did you mean 'fake'?)");
  // BaseRule.
  ds = errors(with("    base: 10\n", ""));
  CHECK_DIAG(ds, "t.yaml:20:5", "missing required key 'base' in indicators.core");
  ds = errors(with("share: {unit: \"%\",", "share: {unit: \"%\", base: 3,"));
  CHECK_DIAG(ds, "t.yaml:22:28", "base is not used by process 'calc'");
}

// ---- input guards ------------------------------------------------------------------------------

TEST_CASE("anchors and aliases are rejected before any node is built", "[config][guard]") {
  auto ds = errors(with("  g: {dist: normal, mean: 0.05, sd: 0.01}",
                        "  g: &n {dist: normal, mean: 0.05, sd: 0.01}\n  k: *n"));
  CHECK_DIAG(ds, "t.yaml:8:6", "anchor '&n' is not allowed");
  CHECK_DIAG(ds, "t.yaml:9:6", "alias '*n' is not allowed");
  // The classic alias bomb and a self-referencing loop stop quickly.
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c, ++prev) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int k = 0; k < 9; ++k) bomb += std::string(k ? "," : "") + "*" + prev;
    bomb += "]\n";
  }
  CHECK_THAT(all_text(errors(bomb)),
             Catch::Contains("t.yaml:1:4: error: anchor '&a' is not allowed"));
  CHECK_THAT(all_text(errors("a: &x [*x]\n")), Catch::Contains("alias '*x' is not allowed"));
}

TEST_CASE("nesting deeper than the cap is rejected", "[config][guard]") {
  const std::string flow = "a: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto ds = errors(flow);
  CHECK_DIAG(ds, "t.yaml:1:67", "nesting deeper than 64 levels");
  std::string block;
  for (int d = 0; d < 70; ++d) block += std::string(static_cast<std::size_t>(2 * d), ' ') + "k:\n";
  ds = errors(block);
  CHECK_THAT(all_text(ds), Catch::Contains("nesting deeper than 64 levels"));
}

TEST_CASE("oversized, binary and badly encoded files are rejected", "[config][guard]") {
  std::string big = kGood + "# " + std::string(kMaxScenarioBytes, 'x') + "\n";
  CHECK_THAT(all_text(errors(big)), Catch::Contains("larger than the 4 MiB limit"));
  std::string nul = with("title: A test", std::string("title: A t\0est", 13));
  CHECK_DIAG(errors(nul), "t.yaml:3:11", "binary file");
  std::string bad = with("title: A test", "title: A t\xC3\x28st");
  CHECK_DIAG(errors(bad), "t.yaml:3:11", "invalid UTF-8 (byte 0xC3");
  std::string overlong = with("title: A test", "title: \xC0\xAF");
  CHECK_DIAG(errors(overlong), "t.yaml:3:8", "invalid UTF-8");
  // Valid multi-byte text is fine.
  CHECK(load(with("title: A test", "title: 嘉兴数字经济 ✓")).title == "嘉兴数字经济 ✓");
}

TEST_CASE("tabs used for indentation are located", "[config][guard]") {
  auto ds = errors(with("    unit: 100M CNY", "  \tunit: 100M CNY"));
  CHECK_DIAG(ds, "t.yaml:14:3", "tab used for indentation");
  // A tab inside a value is fine.
  CHECK(load(with("title: A test", "title: \"A\ttest\"")).title == "A\ttest");
}

TEST_CASE("YAML syntax errors are located", "[config][guard]") {
  auto ds = errors(with("  g: {dist: normal, mean: 0.05, sd: 0.01}",
                        "  g: {dist: normal, mean: 0.05, sd: 0.01"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].loc.file == "t.yaml");
  CHECK(ds[0].loc.line >= 8);
  CHECK_THAT(ds[0].message, Catch::Contains("YAML syntax"));
  ds = errors(kGood + "---\nplancast: 1\n");
  CHECK_DIAG(ds, "t.yaml:31:1", "a second YAML document");
  ds = errors("");
  CHECK_THAT(all_text(ds), Catch::Contains("the scenario is empty"));
  ds = errors("- 1\n- 2\n");
  CHECK_DIAG(ds, "t.yaml:1:1", "expected a map (key: value pairs) at the top level, got a list");
}

TEST_CASE("a future schema version is a clear error", "[config]") {
  auto ds = errors(with("plancast: 1", "plancast: 2") + "newkey: {whatever: 1}\n");
  REQUIRE(ds.size() == 1);
  CHECK_DIAG(ds, "t.yaml:1:11", "plancast=2 is a newer schema version than this plancast reads (1");
  ds = errors(with("plancast: 1", "plancast: 0"));
  CHECK_DIAG(ds, "t.yaml:1:11", "plancast=0 (this plancast reads schema version 1)");
  ds = errors(with("plancast: 1\n", ""));
  CHECK_DIAG(ds, "t.yaml:1:1", "missing required key 'plancast'");
}

TEST_CASE("every problem of a file is reported at once, in file order", "[config]") {
  std::string bad = with("runs: 1000", "runs: 0");
  bad = with("sd: 0.01}", "sd: -1}", bad);
  bad = with("    base: 100", "    base: .nan", bad);
  bad = with("year: 2025", "year: 1999", bad);
  bad = with("title: A test", "titel: A test", bad);
  const auto ds = errors(bad);
  CHECK(ds.size() == 5);
  CHECK_DIAG(ds, "t.yaml:3:1", "unknown key 'titel'");
  CHECK_DIAG(ds, "t.yaml:6:20", "runs=0");
  CHECK_DIAG(ds, "t.yaml:8:37", "sd=-1");
  CHECK_DIAG(ds, "t.yaml:15:11", ".nan");
  CHECK_DIAG(ds, "t.yaml:24:44", "year=1999");
  for (std::size_t i = 1; i < ds.size(); ++i) CHECK(ds[i - 1].loc.line <= ds[i].loc.line);
}
