"""The sensitivity study's design: what is compared, which factors vary over which ranges, and the
settings and the Morris sample of the screening (the runs are in ``runs``, the tables in ``report``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config import ConfigError, Problem, parameter_catalogue, with_overrides
from sim.config.overrides import base_scenario, dotted, native
from sim.experiments.statistics import CONFIDENCE

# --- what is compared ------------------------------------------------------------------------

REFERENCE = "paris_declaration"  # the design whose parameters the factors' defaults are read from


@dataclass(frozen=True)
class Comparison:
    """``first`` minus ``second``: P(escalation) of the first design less that of the second."""

    name: str
    first: str
    second: str
    question: str


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("ratified_vs_political", "paris_declaration", "political_only",
               "ratified vs political: paris_declaration minus political_only"),
    Comparison("forward_vs_rear", "forward_tripwire", "paris_declaration",
               "forward vs rear: forward_tripwire (force.posture forward) minus paris_declaration (rear)"),
    Comparison("with_vs_without_us", "paris_declaration", "no_us_backstop",
               "with vs without the US: paris_declaration minus no_us_backstop"),
)

# Numeric constants left out, with the reason (the test checks every other one is a factor).
EXCLUDED: dict[str, str] = {
    "horizon_weeks": "defines the question (P(escalation) within five years), not an assumption about the world",
}

# --- settings --------------------------------------------------------------------------------

MASTER_SEED = 20260106  # the question sweeps' seed: confirmation replicate k is their replicate k
SCREEN_REPLICATE_OFFSET = 1_000_000  # screening seeds are replicates 1,000,000+: independent of confirmation's
LEVELS = 4  # Morris grid levels (the jump is 2/3 of the range)
RELATIVE = (0.5, 1.5)  # x default
ZERO_SHARE = 0.1  # a zero default varies up to this share of the schema range
BOOTSTRAP = 1000  # resamples of SALib's confidence interval of mu*


@dataclass(frozen=True)
class Settings:
    samples: int = 10  # Morris trajectories
    replicates: int = 12  # paired seeds per screening point
    top: int = 5  # constants confirmed per comparison
    top_uncertainties: int = 2  # uncertainties confirmed per comparison
    confirm_replicates: int = 400  # paired seeds per confirmation end
    master_seed: int = MASTER_SEED
    confidence: float = CONFIDENCE


FULL = Settings()
QUICK = Settings(samples=2, replicates=1, top=2, top_uncertainties=1, confirm_replicates=20)



# --- the factors -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Factor:
    """One varied parameter: its dotted path (a mapping's key is one more dot), group, range."""

    path: str
    group: str  # "constant" or "uncertainty"
    kind: str  # "float" or "int"
    default: float
    low: float
    high: float
    rule: str  # how the range was set (see factor_range)
    unit: str = ""

    def value(self, u: float) -> float | int:
        """The value at ``u`` in [0, 1] of the range (whole numbers rounded half up)."""
        x = self.low + float(u) * (self.high - self.low)
        x = min(self.high, max(self.low, x))
        return int(math.floor(x + 0.5)) if self.kind == "int" else float(x)


def factor_range(default: float, kind: str, ge: float | None, le: float | None,
                 siblings: Sequence[float] = ()) -> tuple[float, float, str]:
    """The range a factor is varied over, and the rule that set it.

    * ``relative``: default x0.5 to x1.5;
    * ``complement``: a quantity bounded above by 1 whose default exceeds 0.5 (a probability, a
      discount factor) varies its distance to 1 by x0.5 to x1.5 (0.97 a week: 0.955 to 0.985);
    * ``zero``: a zero default varies from 0 up to a tenth of the schema's range (a key of a
      mapping, which has no range, up to half the smallest non-zero value of the mapping);
    * then clipped to the schema's bounds (``ge``/``le``; a mapping's values to 0 and more);
      whole numbers are rounded half up, and a range that rounds to one value is widened by one
      on each side, within the bounds.
    """
    lo_bound = ge if ge is not None else 0.0
    hi_bound = le if le is not None else math.inf
    d = float(default)
    if d == 0.0:
        if le is not None and ge is not None:
            width = ZERO_SHARE * (le - ge)
        else:
            positive = [abs(s) for s in siblings if s]
            width = 0.5 * min(positive) if positive else ZERO_SHARE
        lo, hi, rule = d, d + width, "zero"
    elif le == 1.0 and 0.5 < d < 1.0:
        gap = 1.0 - d
        lo, hi, rule = 1.0 - RELATIVE[1] * gap, 1.0 - RELATIVE[0] * gap, "complement"
    else:
        a, b = RELATIVE[0] * d, RELATIVE[1] * d
        lo, hi, rule = min(a, b), max(a, b), "relative"
    clipped = (max(lo_bound, lo), min(hi_bound, hi))
    if clipped != (lo, hi):
        rule += ", clipped"
    lo, hi = clipped
    if kind == "int":
        lo, hi = float(math.floor(lo + 0.5)), float(math.floor(hi + 0.5))
        if lo == hi:
            lo, hi = max(lo_bound, lo - 1), min(hi_bound, hi + 1)
        lo, hi = float(math.ceil(lo)), float(math.floor(hi))
    return float(f"{lo:.12g}"), float(f"{hi:.12g}"), rule


@dataclass(frozen=True)
class Skipped:
    path: str
    group: str
    reason: str


def factor_list(base: Any = None) -> tuple[list[Factor], list[Skipped]]:
    """Every numeric constant and uncertainty of the schema as a factor, and what is left out.

    Computed from the schema: a constant added to it is a factor at once. Numbers (``float``,
    ``int``) are factors; a mapping of numbers (``commitments.response_weights``) gives one
    factor per key (``commitments.response_weights.military``); dates, file names, switches
    and lists are skipped with the reason, and so are the ``EXCLUDED`` ones. Defaults are the
    values of ``base`` (``paris_declaration``'s, which are the schema's for these roles).
    """
    scenario = base_scenario(REFERENCE if base is None else base)
    factors: list[Factor] = []
    skipped: list[Skipped] = []
    for group in ("constant", "uncertainty"):
        for path, spec in parameter_catalogue().items():
            if spec.role != group:
                continue
            value = scenario_value(scenario, path)
            if path in EXCLUDED:
                skipped.append(Skipped(path, group, EXCLUDED[path]))
            elif spec.kind in ("float", "int"):
                lo, hi, rule = factor_range(value, spec.kind, spec.ge, spec.le)
                factors.append(Factor(path, group, spec.kind, float(value), lo, hi, rule, spec.unit))
            elif isinstance(value, Mapping) and value and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
                for key, v in value.items():
                    lo, hi, rule = factor_range(v, "float", None, None, siblings=list(value.values()))
                    factors.append(Factor(f"{path}.{key}", group, "float", float(v), lo, hi, rule, spec.unit))
            else:
                what = {"date": "a date", "bool": "a switch", "choice": "a choice"}.get(spec.kind)
                if what is None:
                    what = "a file name" if isinstance(value, str) else f"a {type(value).__name__}"
                skipped.append(Skipped(path, group, f"{what}, not a number"))
    return factors, skipped


def scenario_value(scenario: Any, path: str) -> Any:
    node: Any = scenario.model_dump()
    for part in path.split("."):
        node = node[part]
    return node


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flat(v, key + "."))
        else:
            out[key] = v
    return out


def defining_keys(design: str, reference: str = REFERENCE) -> frozenset[str]:
    """The dotted paths a design sets differently from the reference (what the design *is*).

    Neither a factor nor a calibration draw overrides them: ``no_us_backstop`` keeps its
    ``united_states.backstop_probability`` of 0 while the factor varies it in the designs
    that have the US backstop.
    """
    a = _flat(base_scenario(design).model_dump(exclude={"name", "description"}))
    b = _flat(base_scenario(reference).model_dump(exclude={"name", "description"}))
    return frozenset(k for k in set(a) | set(b) if a.get(k) != b.get(k))



# --- the Morris sample ------------------------------------------------------------------------

def morris_sample(factors: Sequence[Factor], samples: int, seed: int) -> np.ndarray:
    """SALib's Morris trajectories in the unit hypercube: ``samples * (k + 1)`` rows."""
    from SALib.sample import morris as morris_sample_  # the optional [sensitivity] extra
    problem = morris_problem(factors)
    return morris_sample_.sample(problem, samples, num_levels=LEVELS, seed=seed)


def morris_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.path for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def designs_of(comparisons: Sequence[Comparison]) -> list[str]:
    out: list[str] = []
    for c in comparisons:
        for d in (c.first, c.second):
            if d not in out:
                out.append(d)
    return out



# --- calibration draws ------------------------------------------------------------------------

def draw_tuples(draws: Sequence[Mapping[str, Any]] | None) -> tuple[tuple[tuple[str, Any], ...], ...]:
    if not draws:
        return ()
    return tuple(tuple(sorted((dotted(str(k)), native(v)) for k, v in d.items())) for d in draws)


def check_draws(draws: tuple) -> None:
    """A draw sets constants and uncertainties only (never a lever: that would change the designs, nor the
    horizon: that is the question), and every value must be valid: ConfigError naming each problem."""
    catalogue = parameter_catalogue()
    base = base_scenario(REFERENCE)
    problems: list[Problem] = []
    for i, d in enumerate(draws):
        for k, _ in d:
            spec = catalogue.get(k) or catalogue.get(k.rsplit(".", 1)[0])
            if k in EXCLUDED or (spec is not None and spec.role == "lever"):
                problems.append(Problem(f"draws[{i}]", "a draw sets constants and uncertainties only", key=k,
                                        allowed="a constant or uncertainty (not a lever, not horizon_weeks)"))
        if not problems:
            try:
                with_overrides(base, dict(d), source=f"draws[{i}]", strict=True)
            except ConfigError as exc:
                problems += exc.problems
    if problems:
        raise ConfigError(problems)


