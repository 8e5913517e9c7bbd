"""Results: each wraps the library's output (python/_plancast.cpp) and gives its writers
(to_json: the CLI's --json bytes, to_text, to_report) and pandas DataFrames read from the
JSON. docs/python.md lists every column."""

import html
import io
import json

import numpy as np
import pandas as pd


def _ci_columns(row):
    """A JSON object's [lo, hi] pairs (keys ending in ci95) as KEY_lo and KEY_hi."""
    out = {}
    for k, v in row.items():
        if k.endswith("ci95") and isinstance(v, list) and len(v) == 2:
            out[k + "_lo"], out[k + "_hi"] = v
        else:
            out[k] = v
    return out


def _write_bytes(data, path):
    """`data` (bytes) written to `path` when given (then None is returned), else returned."""
    if path is None:
        return data
    with open(path, "wb") as f:
        f.write(data)
    return None


class Result:
    """What every result has: to_json(), to_text(), data (the parsed JSON), str() (the
    text the CLI prints) and, in Jupyter, the report (or the text)."""

    def __init__(self, output):
        self._output = output
        self._data = None

    def to_json(self):
        """Exactly what the CLI writes with --json for the same inputs (a str; its UTF-8
        encoding is the file's bytes)."""
        return self._output.to_json()

    def to_text(self):
        """The summary the CLI prints."""
        return self._output.to_text()

    @property
    def data(self):
        """to_json() parsed (dicts and lists), read once."""
        if self._data is None:
            self._data = json.loads(self.to_json())
        return self._data

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        return "<plancast.%s>\n%s" % (type(self).__name__, self.to_text())

    def _repr_html_(self):
        report = getattr(self._output, "to_report", None)
        if report is None:
            return "<pre>%s</pre>" % html.escape(self.to_text())
        # The report is a whole HTML document: framed, so its styles stay its own.
        return ('<iframe srcdoc="%s" style="width:100%%;height:640px;border:0" '
                'sandbox="allow-scripts"></iframe>' % html.escape(report(), quote=True))


class ValidateResult(Result):
    """plancast.validate: the scenario is sound. .warnings: suspicious but legal input."""

    @property
    def warnings(self):
        return list(self._output.warnings)


class RunResult(Result):
    """plancast.run (and merge): target probabilities and indicator bands."""

    def __init__(self, output, samples=None):
        super().__init__(output)
        self._samples = samples  # the samples' CSV bytes, or the file they were written to

    def to_csv(self):
        """What the CLI writes with --csv."""
        return self._output.to_csv()

    def to_report(self):
        """The self-contained HTML report (the CLI's --report)."""
        return self._output.to_report()

    def to_xlsx(self, path=None):
        """The Excel workbook (the CLI's --xlsx): its bytes, or written to `path`."""
        return _write_bytes(self._output.to_xlsx(), path)

    @property
    def warnings(self):
        """The scenario's warnings (FILE:LINE:COL: warning: ...) and those after the run."""
        return list(self._output.warnings)

    @property
    def years(self):
        """The simulated years, a numpy array."""
        return np.array(self.data["years"], dtype=np.int64)

    @property
    def report_years(self):
        return list(self.data["report_years"])

    @property
    def runs(self):
        return self.data["runs"]

    def targets(self):
        """One row per target: id, indicator, year, op, value, by, probability, std_error,
        ci95_lo, ci95_hi, hits, nonfinite (file order)."""
        cols = ["id", "indicator", "year", "op", "value", "by", "probability", "std_error",
                "ci95_lo", "ci95_hi", "hits", "nonfinite"]
        rows = [_ci_columns(t) for t in self.data["targets"]]
        return pd.DataFrame(rows, columns=cols)

    def joint(self):
        """Per report year, the probability that all its targets are met together: year,
        targets (list of ids), probability, std_error, ci95_lo, ci95_hi."""
        rows = [_ci_columns(j) for j in self.data.get("joint", [])]
        return pd.DataFrame(rows, columns=["year", "targets", "probability", "std_error",
                                           "ci95_lo", "ci95_hi"])

    def indicators(self):
        """One row per indicator: indicator, title, unit."""
        return pd.DataFrame([{"indicator": k, "title": v.get("title", ""), "unit": v.get("unit", "")}
                             for k, v in self.data["indicators"].items()],
                            columns=["indicator", "title", "unit"])

    def _statistics(self, ind):
        """An indicator's statistics over the years, in the JSON's order."""
        out = {}
        for k in ("mean", "sd", "min", "max"):
            if k in ind:
                out[k] = ind[k]
        for k, v in ind.get("quantiles", {}).items():
            out[k] = v
        return out

    def _indicator(self, name):
        inds = self.data["indicators"]
        if name not in inds:
            raise KeyError("no indicator %r (indicators: %s)" % (name, ", ".join(inds)))
        return inds[name]

    def bands(self, indicator=None):
        """Without `indicator`: tidy, one row per indicator, year and statistic (columns
        indicator, year, statistic, value; statistics mean, sd, min, max, p01 ... p99).
        With it: wide, one row per year (the index) and one column per statistic."""
        years = self.data["years"]
        if indicator is not None:
            stats = self._statistics(self._indicator(indicator))
            frame = pd.DataFrame(stats, index=pd.Index(years, name="year"))
            frame.columns.name = "statistic"
            return frame
        rows = []
        for name, ind in self.data["indicators"].items():
            for stat, values in self._statistics(ind).items():
                rows.extend((name, y, stat, v) for y, v in zip(years, values))
        frame = pd.DataFrame(rows, columns=["indicator", "year", "statistic", "value"])
        return frame.astype({"value": float})

    def series(self, indicator, statistic="p50"):
        """One statistic of an indicator over self.years, a numpy array."""
        stats = self._statistics(self._indicator(indicator))
        if statistic not in stats:
            raise KeyError("no statistic %r (statistics: %s)" % (statistic, ", ".join(stats)))
        return np.array(stats[statistic], dtype=float)

    def quantile_ci95(self, indicator):
        """Each quantile's 95% interval over the years: a DataFrame indexed by year with
        columns (statistic, 'lo'|'hi')."""
        q = self._indicator(indicator).get("quantiles_ci95", {})
        data = {}
        for stat, pairs in q.items():
            data[(stat, "lo")] = [p[0] for p in pairs]
            data[(stat, "hi")] = [p[1] for p in pairs]
        return pd.DataFrame(data, index=pd.Index(self.data["years"], name="year"))

    def samples(self):
        """Every run as a row (run(..., samples=True) or samples=PATH; the CLI's --samples):
        indexed by run (0, 1, ...), columns each parameter (by name), event:NAME (years the
        event occurred), OUTPUT@YEAR (an indicator's value; NaN where not finite or before
        its first year) and target:ID (1 met, 0 not). Numbers read back exactly."""
        if self._samples is None:
            raise ValueError("no samples: run with samples=True (or samples='runs.csv')")
        source = self._samples
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        return pd.read_csv(source, index_col="run", float_precision="round_trip")


class CompareResult(Result):
    """plancast.compare: the base and variants with common random numbers."""

    def to_report(self):
        return self._output.to_report()

    def to_xlsx(self, path=None):
        """The Excel workbook (the CLI's --xlsx): its bytes, or written to `path`."""
        return _write_bytes(self._output.to_xlsx(), path)

    @property
    def variants(self):
        """'base' first, then the variants compared."""
        return [v["name"] for v in self.data["variants"]]

    def overrides(self):
        """What each variant changes, as the scenario file writes it: one row per override,
        columns `variant`, `path`, `value` (a number where the file writes one, else the
        file's YAML text)."""
        rows = [(v["name"], p, x) for v in self.data["variants"]
                for p, x in v["overrides"].items()]
        return pd.DataFrame(rows, columns=["variant", "path", "value"])

    def targets(self):
        """One row per target and variant: id, variant, probability, difference (to the
        base, paired), diff_ci95_lo, diff_ci95_hi, std_error, unpaired_std_error,
        runs_gained, runs_lost (the difference columns are NaN for the base)."""
        rows = []
        for t in self.data["targets"]:
            for v, p in t["probability"].items():
                d = t.get("difference", {}).get(v, {})
                ci = d.get("ci95", [np.nan, np.nan])
                rows.append({"id": t["id"], "variant": v, "probability": p,
                             "difference": d.get("value", np.nan), "diff_ci95_lo": ci[0],
                             "diff_ci95_hi": ci[1], "std_error": d.get("std_error", np.nan),
                             "unpaired_std_error": d.get("unpaired_std_error", np.nan),
                             "runs_gained": d.get("runs_gained", np.nan),
                             "runs_lost": d.get("runs_lost", np.nan)})
        return pd.DataFrame(rows, columns=["id", "variant", "probability", "difference",
                                           "diff_ci95_lo", "diff_ci95_hi", "std_error",
                                           "unpaired_std_error", "runs_gained", "runs_lost"])

    def probabilities(self):
        """Wide: one row per target id (the index), one column per variant."""
        frame = self.targets().pivot(index="id", columns="variant", values="probability")
        frame = frame.reindex(index=[t["id"] for t in self.data["targets"]],
                              columns=self.variants)
        frame.columns.name = "variant"
        return frame

    def medians(self):
        """Tidy: indicator, year, variant, median (each indicator at the report years)."""
        rows = [(ind, int(y), v, m)
                for ind, years in self.data["medians"].items()
                for y, per in years.items() for v, m in per.items()]
        return pd.DataFrame(rows, columns=["indicator", "year", "variant", "median"])


class SensitivityResult(Result):
    """plancast.sensitivity: Sobol indices, Shapley effects or a tornado."""

    def to_report(self):
        return self._output.to_report()

    @property
    def method(self):
        return self.data["method"]

    def indices(self):
        """One row per parameter, most important first (the JSON's "ranking": sobol by ST,
        shapley by effect, tornado by swing). sobol: parameter, S1, S1_ci95_lo, S1_ci95_hi,
        ST, ST_ci95_lo, ST_ci95_hi; shapley: parameter, shapley, shapley_ci95_lo,
        shapley_ci95_hi; tornado: parameter, p10_value, p90_value, low, high, swing."""
        params = self.data["parameters"]
        rows = [{"parameter": k, **_ci_columns(params[k])} for k in self.data["ranking"]]
        frame = pd.DataFrame(rows)
        return frame[["parameter"] + [c for c in frame.columns if c != "parameter"]]


class SolveResult(Result):
    """plancast.solve: the input value at which the target reaches the probability."""

    @property
    def value(self):
        return self.data["value"]

    @property
    def value_ci95(self):
        return tuple(self.data["value_ci95"])


class DiscoverResult(Result):
    """plancast.discover: PRIM boxes for one target."""

    def boxes(self):
        """The peeling trajectory, one row per box: coverage, density, mass, runs, hits,
        limits (a dict parameter -> [lo, hi] of the restricted parameters), chosen (bool)."""
        frame = pd.DataFrame(self.data["boxes"],
                             columns=["coverage", "density", "mass", "runs", "hits", "limits"])
        frame["chosen"] = frame.index == self.data["chosen"]
        return frame

    def chosen(self):
        """The chosen box's parameters: parameter, lo, hi, quasi_p, density_without."""
        rows = [{"parameter": p["name"], "lo": p["limits"][0], "hi": p["limits"][1],
                 "quasi_p": p.get("quasi_p"), "density_without": p.get("density_without")}
                for p in self.data["chosen_parameters"]]
        return pd.DataFrame(rows, columns=["parameter", "lo", "hi", "quasi_p",
                                           "density_without"])


class FitResult(Result):
    """plancast.fit: growth assumptions estimated from a history. str() is the YAML fragment
    to paste into a scenario; .data the JSON (trend mean and sd, noise sd and persistence)."""

    def fragment(self):
        """The YAML fragment the CLI prints, ready to paste under parameters/indicators."""
        return self.to_text()


class AuditResult(Result):
    """plancast.audit: the scenario's own numbers checked."""

    @property
    def inconsistent(self):
        """True when some finding is graded inconsistent (the CLI's exit 1)."""
        return bool(self._output.inconsistent)

    def findings(self):
        """One row per finding: kind, subject, grade (ok, warning, inconsistent), message,
        values (a dict of the numbers behind it)."""
        return pd.DataFrame(self.data["findings"],
                            columns=["kind", "subject", "grade", "message", "values"])
