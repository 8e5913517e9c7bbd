"""plancast: Monte Carlo odds that plan targets are met, from Python (docs/python.md).

    import plancast
    r = plancast.run(runs=20000)            # the bundled Jiaxing scenario
    r.targets()                             # a pandas DataFrame of target probabilities
    r.bands("gdp")                          # years x statistics (mean, sd, p05 ... p95)

Every command of the CLI is a function here (run, validate, compare, sensitivity, solve,
discover, audit, merge) with the CLI's options as keyword arguments; each returns a result
whose .to_json() is byte for byte what the CLI writes with --json for the same inputs.
"""

from ._plancast import Diagnostic, RunError, ScenarioError, version as __version__
from ._api import (
    SAMPLES_FILE_MAX_BYTES,
    SAMPLES_MAX_BYTES,
    audit,
    bundled_scenario,
    compare,
    discover,
    fit,
    merge,
    run,
    sensitivity,
    solve,
    validate,
)
from ._results import (
    AuditResult,
    CompareResult,
    DiscoverResult,
    FitResult,
    Result,
    RunResult,
    SensitivityResult,
    SolveResult,
    ValidateResult,
)

__all__ = [
    "SAMPLES_FILE_MAX_BYTES",
    "SAMPLES_MAX_BYTES",
    "AuditResult",
    "CompareResult",
    "Diagnostic",
    "DiscoverResult",
    "FitResult",
    "Result",
    "RunError",
    "RunResult",
    "ScenarioError",
    "SensitivityResult",
    "SolveResult",
    "ValidateResult",
    "audit",
    "bundled_scenario",
    "compare",
    "discover",
    "fit",
    "merge",
    "run",
    "sensitivity",
    "solve",
    "validate",
]
