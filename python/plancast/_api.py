"""The commands: keyword arguments checked and turned into the library API's inputs
(python/_plancast.cpp), one call each. docs/python.md documents every argument."""

import json
import math
import numbers
import os
import sys

from . import _plancast as _core
from ._progress import ProgressBar
from ._results import (
    AuditResult,
    CompareResult,
    DiscoverResult,
    FitResult,
    RunResult,
    SensitivityResult,
    SolveResult,
    ValidateResult,
)

# Most runs each command accepts, as the CLI's --runs (sensitivity: base rows etc.).
_MAX_SENSITIVITY_RUNS = 100_000_000
_MAX_THREADS = 4096
_MIN_MEMORY = 1 << 20


def bundled_scenario():
    """The bundled Jiaxing scenario's YAML text (what runs when no scenario is given)."""
    return _core.bundled_scenario_text()


def _source(scenario, text):
    """A path (str or os.PathLike), YAML text (a str with a newline, or text=), or None."""
    if text is not None:
        if scenario is not None:
            raise TypeError("give scenario or text=, not both")
        if not isinstance(text, str):
            raise TypeError("text: expected the scenario's YAML as a str")
        return _core.Source.yaml(text, "<text>")
    if scenario is None:
        return _core.Source.bundled()
    if isinstance(scenario, os.PathLike):
        return _core.Source.file(os.fspath(scenario))
    if isinstance(scenario, str):
        if "\n" in scenario:
            return _core.Source.yaml(scenario, "<text>")
        return _core.Source.file(scenario)
    raise TypeError(
        "scenario: expected a path, YAML text or None, not %s" % type(scenario).__name__)


def _yaml_value(value):
    """A Python value as the YAML text --set takes."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        value = value.item()  # a numpy scalar
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)  # the shortest text that reads back as the same double
    if isinstance(value, str):
        return value  # YAML as written: "0.05", "[1, 2]", "'text'"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)  # JSON is YAML (flow style)
    raise TypeError("set: cannot write a %s as YAML" % type(value).__name__)


def _sets(values):
    if values is None:
        return []
    if not isinstance(values, dict):
        raise TypeError("set: expected a dict {path: value}, e.g. "
                        "{'parameters.core_trend.mean': 0.12}")
    out = []
    for path, value in values.items():
        if not isinstance(path, str) or not path or "=" in path:
            raise ValueError("set: %r is not a dotted path (e.g. parameters.trend.mean)" % (path,))
        out.append(path + "=" + _yaml_value(value))
    return out


def _count(name, value, lo, hi):
    """A whole number in [lo, hi] (TypeError for another type, ValueError out of range)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s: expected a whole number, not %s" % (name, type(value).__name__))
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError("%s: %d is out of range (%d to %d)" % (name, value, lo, hi))
    return value


def _real(name, value, lo, hi):
    """A number strictly between lo and hi."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("%s: expected a number, not %s" % (name, type(value).__name__))
    value = float(value)
    if not lo < value < hi:
        raise ValueError("%s: %s is out of range (expected more than %s and less than %s)"
                         % (name, value, lo, hi))
    return value


def _load(variant=None, set=None, runs=None, seed=None, sampler=None, runs_range=None):
    o = _core.LoadOptions()
    if variant is not None:
        if not isinstance(variant, str):
            raise TypeError("variant: expected a name")
        if not variant:
            raise ValueError("variant: empty name")
        o.variant = variant
    o.sets = _sets(set)
    if runs is not None:
        o.runs = _count("runs", runs, *(runs_range or (1, _core.MAX_RUNS)))
    if seed is not None:
        o.seed = _count("seed", seed, 0, 2**64 - 1)
    if sampler is not None:
        if not isinstance(sampler, str):
            raise TypeError("sampler: expected 'mc', 'lhs' or 'sobol'")
        o.sampler = sampler
    return o


def _exec(threads, max_memory, progress):
    """threads, max_memory and progress as the binding takes them."""
    t = 0 if threads is None else _count("threads", threads, 0, _MAX_THREADS)
    if max_memory is not None:
        max_memory = _count("max_memory", max_memory, _MIN_MEMORY, 2**64 - 1)
    if progress is True:
        progress = ProgressBar(sys.stderr)
    elif progress is False or progress is None:
        progress = None
    elif not callable(progress):
        raise TypeError("progress: expected True, False or a callable(done, total)")
    return {"threads": t, "max_memory": max_memory, "progress": progress}


def _finish(progress):
    if isinstance(progress, ProgressBar):
        progress.finish()


def _call(fn, *args, exec_args, **kwargs):
    try:
        return fn(*args, **exec_args, **kwargs)
    finally:
        _finish(exec_args["progress"])


def validate(scenario=None, *, text=None, variant=None, set=None):
    """Checks the scenario (every variant) without simulating; ScenarioError lists every
    problem. Returns a ValidateResult (.warnings, .to_json())."""
    return ValidateResult(_core.validate(_source(scenario, text), _load(variant, set)))


def audit(scenario=None, *, text=None, variant=None, set=None):
    """Checks the scenario's own numbers (claims, base values, targets) without simulating.
    Returns an AuditResult (.findings(), .inconsistent)."""
    return AuditResult(_core.audit(_source(scenario, text), _load(variant, set)))


#: Default of run(samples=True)'s max_samples_size: the table's text estimated at most 1 GiB.
SAMPLES_MAX_BYTES = 1 << 30
#: Default of run(samples=PATH)'s max_samples_size, as the CLI's --max-samples-size: 64 GiB.
SAMPLES_FILE_MAX_BYTES = 64 << 30


def _samples_years(years):
    if years is None:
        return ""
    if isinstance(years, (int, str)) and not isinstance(years, bool):
        years = [years]
    try:
        years = [int(y) for y in years]
    except (TypeError, ValueError):
        raise TypeError("samples_years: expected a list of years such as [2025, 2035]") from None
    if not years:
        raise ValueError("samples_years: no year given")
    return ",".join(str(y) for y in years)


def run(scenario=None, *, text=None, runs=None, seed=None, sampler=None, variant=None,
        set=None, threads=None, precision=None, max_memory=None, progress=False,
        samples=False, samples_years=None, max_samples_size=None):
    """Simulates the scenario: how likely each target is, the range of each indicator.
    Returns a RunResult (.targets(), .bands(), .to_json(), .to_report()).

    samples=True keeps every run's row (the CLI's --samples) for .samples(), in memory,
    refused above max_samples_size (default SAMPLES_MAX_BYTES); samples=PATH (.csv or
    .csv.gz) writes them to that file as the CLI does instead (default limit
    SAMPLES_FILE_MAX_BYTES, and the free disk space). samples_years: the years of the
    indicators' columns (default: the report years); giving it implies samples=True."""
    if precision is not None:
        precision = _real("precision", precision, 0, 0.5)
    load = _load(variant, set, runs, seed, sampler)
    e = _exec(threads, max_memory, progress)
    source = _source(scenario, text)
    if samples is False and samples_years is None:
        return RunResult(_call(_core.run, source, load, precision, exec_args=e))
    if precision is not None:
        raise ValueError("samples cannot be used with precision (run with runs=N instead)")
    path = None
    if samples is False:  # samples_years alone
        samples = True
    if samples is not True:
        if not isinstance(samples, (str, os.PathLike)):
            raise TypeError("samples: expected True or a file name (.csv or .csv.gz)")
        path = os.fspath(samples)
        if not (path.endswith(".csv") or path.endswith(".csv.gz")):
            raise ValueError("samples: %r should end in .csv (or .csv.gz, compressed)" % path)
    limit = SAMPLES_MAX_BYTES if path is None else SAMPLES_FILE_MAX_BYTES
    if max_samples_size is not None:
        limit = _count("max_samples_size", max_samples_size, 1, 2**64 - 1)
    out, text_bytes = _call(_core.run_samples, source, load, _samples_years(samples_years),
                            path, limit, exec_args=e)
    return RunResult(out, samples=text_bytes if path is None else path)


def merge(shards, *, key=None):
    """Combines the shard files of one job (plancast run --shard K/N --json F) into the
    whole job's results, identical to one run. key: the HMAC key (default: the environment
    variable PLANCAST_SHARD_KEY, as the CLI). Returns a RunResult."""
    if isinstance(shards, (str, os.PathLike)):
        shards = [shards]
    shards = [os.fspath(s) for s in shards]
    if not shards:
        raise ValueError("merge needs shard files (plancast run --shard K/N)")
    if key is None:
        key = os.environ.get("PLANCAST_SHARD_KEY")
        if key == "":
            raise ValueError("PLANCAST_SHARD_KEY is set but empty; set it to a long secret "
                             "or unset it")
    elif not key:
        raise ValueError("key: empty (an empty key protects nothing)")
    return RunResult(_core.merge(shards, key))


def compare(scenario=None, *, text=None, variants=None, runs=None, seed=None, set=None,
            threads=None, max_memory=None, progress=False):
    """The base and each variant (default: all) with common random numbers. Returns a
    CompareResult (.targets(), .probabilities(), .medians())."""
    if variants is not None:
        if isinstance(variants, str):
            variants = [variants]
        variants = list(variants)
        if not variants or not all(isinstance(v, str) and v for v in variants):
            raise ValueError("variants: expected a list of variant names")
    load = _load(None, set, runs, seed, runs_range=(1, _core.MAX_COMPARE_RUNS))
    e = _exec(threads, max_memory, progress)
    return CompareResult(_call(_core.compare, _source(scenario, text), load, variants,
                               exec_args=e))


def sensitivity(scenario=None, *, of, method="sobol", text=None, runs=None, seed=None,
                variant=None, set=None, threads=None, max_memory=None, progress=False):
    """Which parameters drive an outcome (of="INDICATOR@YEAR" or a target id): Sobol
    indices, Shapley effects or a tornado. Returns a SensitivityResult (.indices())."""
    if not isinstance(of, str) or not of:
        raise TypeError("of: expected 'INDICATOR@YEAR' or a target id")
    n = 0 if runs is None else _count("runs", runs, 2, _MAX_SENSITIVITY_RUNS)
    load = _load(variant, set, None, seed)
    e = _exec(threads, max_memory, progress)
    return SensitivityResult(_call(_core.sensitivity, _source(scenario, text), load, of,
                                   method, n, exec_args=e))


def solve(scenario=None, *, target, vary, probability, lo=None, hi=None, text=None, runs=None,
          seed=None, variant=None, set=None, threads=None, max_memory=None):
    """The value of input `vary` (a dotted path) at which `target` is met with
    `probability`. Returns a SolveResult (.value, .value_ci95)."""
    if not isinstance(target, str) or not target:
        raise TypeError("target: expected a target id")
    if not isinstance(vary, str) or not vary or "=" in vary:
        raise ValueError("vary: expected a dotted path such as parameters.trend.mean")
    probability = _real("probability", probability, 0, 1)
    if (lo is None) != (hi is None):
        raise ValueError("lo and hi go together")
    if lo is not None:
        lo, hi = (_real(n, v, -math.inf, math.inf) for n, v in (("lo", lo), ("hi", hi)))
        if not lo < hi:
            raise ValueError("lo must be below hi")
    load = _load(variant, set, runs, seed)
    e = _exec(threads, max_memory, None)
    return SolveResult(_call(_core.solve, _source(scenario, text), load, target, vary,
                             probability, lo, hi, exec_args=e))


def discover(scenario=None, *, target, find="missed", alpha=None, min_mass=None, text=None,
             runs=None, seed=None, variant=None, set=None, threads=None, max_memory=None,
             progress=False):
    """PRIM scenario discovery: boxes over the parameters where `target` is mostly missed
    (find="missed") or met ("met"). Returns a DiscoverResult (.boxes(), .chosen())."""
    if not isinstance(target, str) or not target:
        raise TypeError("target: expected a target id")
    if find not in ("missed", "met"):
        raise ValueError("find: %r is not 'missed' or 'met'" % (find,))
    kwargs = {"find_missed": find == "missed"}
    if alpha is not None:
        kwargs["alpha"] = _real("alpha", alpha, 0, 0.5)
    if min_mass is not None:
        kwargs["min_mass"] = _real("min_mass", min_mass, 0, 1)
    load = _load(variant, set, runs, seed, runs_range=(1, _core.DISCOVER_MAX_RUNS))
    e = _exec(threads, max_memory, progress)
    return DiscoverResult(_call(_core.discover, _source(scenario, text), load, target,
                                exec_args=e, **kwargs))


def fit(source=None, *, indicator=None, column=None, form="simple", cap=None):
    """Estimates a growth process from a history: `source` a scenario file with
    indicator=NAME (its history:), or a CSV file with column=NAME (first column the year).
    form: "simple" or "log" (growth), or "logistic" with cap=C (a bounded share). Returns a
    FitResult: str() the YAML fragment to paste, .data {"trend", "noise", "years", "n"}."""
    if source is None:
        raise ValueError("fit needs a scenario (with indicator=) or a CSV file (with column=)")
    if (indicator is None) == (column is None):
        raise ValueError("fit needs exactly one of indicator= (a scenario) or column= (a CSV)")
    if form not in ("simple", "log", "logistic"):
        raise ValueError("form: %r is not a form (expected simple, log or logistic)" % (form,))
    if (form == "logistic") != (cap is not None):
        raise ValueError("cap= goes with form=\"logistic\" (the share's upper bound), only")
    c = 0.0 if cap is None else _real("cap", cap, 0, math.inf)
    series = column if column is not None else indicator
    return FitResult(_core.fit(os.fspath(source), column is not None, str(series), form, c))
