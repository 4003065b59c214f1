"""The experiment file's keys: the schema an experiment file is checked against, its limits, and
pydantic's errors told as problems (file, line, key, what is allowed). ``sim.experiments.config``
reads the file and lays out its design."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.config import Problem
from sim.config.errors import did_you_mean
from sim.config.yamlio import KeyPath
from sim.experiments.contrasts import ALLOWED as CONTRASTS_ALLOWED
from sim.experiments.contrasts import ContrastSpec
from sim.experiments.design import RUN_ID_STRIDE, ReplicationRule

DESIGNS = ("grid", "lhs", "sobol", "scenarios")
MAX_REPLICATES = RUN_ID_STRIDE - 1
MAX_DESIGN_POINTS = 50_000  # design points of one experiment (each is checked and listed)
MAX_VALUES = 1_000  # values of one varied parameter (a list, or a grid range's steps)


class _Strict(BaseModel):
    # strict: a number is a number in the file (no true for 1, no "100" for 100)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Outputs(_Strict):
    """What to keep besides runs.csv (one row a run, always written)."""

    steps: bool = Field(False, description="write steps.csv (one row per run and sampled week)")
    events: bool = Field(False, description="write events.csv (one row per event)")
    step_period: int = Field(1, ge=1, le=2600, description="keep every n-th week in steps.csv")
    format: Literal["csv", "parquet", "both"] = Field(
        "csv", description="csv: runs, steps, events as CSV; parquet: as Parquet (runs.csv kept; needs the "
                           "[parquet] extra); both: each CSV and its Parquet copy")


class Adaptive(_Strict):
    """Add replicates in batches until a 95% interval is narrow enough: P(escalation)'s own (interval_of: p),
    or the paired difference from the reference's (interval_of: difference: the precision a comparison needs)."""

    interval_of: Literal["p", "difference"] = Field(
        "p", description="p: the Wilson interval of each point's P(escalation); difference: the Newcombe paired "
                         "interval of each point minus the reference (the reference runs as long as the longest)")
    half_width: float = Field(gt=0.0, lt=0.5, description="target half-width of the 95% interval")
    initial: int = Field(50, ge=2, le=MAX_REPLICATES, description="replicates before the first check")
    batch: int = Field(50, ge=1, le=MAX_REPLICATES, description="replicates added per check")
    max: int = Field(2000, ge=2, le=MAX_REPLICATES, description="cap on replicates per design point")

    @model_validator(mode="after")
    def _order(self) -> Adaptive:
        if self.initial > self.max:
            raise ValueError(f"initial ({self.initial}) must not exceed max ({self.max})")
        return self


class Replications(_Strict):
    count: int | None = Field(None, ge=1, le=MAX_REPLICATES, description="replicates per design point")
    adaptive: Adaptive | None = None

    @model_validator(mode="after")
    def _one(self) -> Replications:
        if (self.count is None) == (self.adaptive is None):
            raise ValueError("give either a count (replications: 100) or "
                             "replications: {adaptive: {half_width: 0.03, initial: 50, batch: 50, max: 2000}}")
        return self

    def rule(self, reference: int | None = None) -> ReplicationRule:
        if self.adaptive is None:
            return ReplicationRule(initial=self.count or 1)
        a = self.adaptive
        return ReplicationRule(initial=a.initial, batch=a.batch, half_width=a.half_width, cap=a.max, on=a.interval_of,
                               reference=reference)

    def describe(self) -> dict[str, Any]:
        if self.adaptive is None:
            return {"kind": "fixed", "count": self.count}
        interval = ("Newcombe 95% of the paired difference from the reference" if self.adaptive.interval_of == "difference"
                    else "Wilson 95%")
        return {"kind": "adaptive", "interval": interval, **self.adaptive.model_dump()}


class ExperimentFile(_Strict):
    """The keys of an experiment file (see the module docstring)."""

    name: str | None = Field(None, min_length=1, description="experiment name (default: the file's stem)")
    description: str = ""
    scenarios: str | list[str] = Field(
        "paris_declaration", description='a scenario name or path, a list of them, or "all"')
    design: Literal["grid", "lhs", "sobol", "scenarios"] = "grid"
    samples: int | None = Field(None, ge=1, le=MAX_DESIGN_POINTS,
                                description="lhs: design points; sobol: base samples N (N * (d + 2) points)")
    levers: dict[str, Any] = Field(default_factory=dict)
    uncertainties: dict[str, Any] = Field(default_factory=dict)
    reference: str | int | dict[str, Any] | None = Field(
        None, description="a scenario name, a design point number, or a mapping of parameter values")
    replications: Replications
    horizon_weeks: int | None = Field(None, ge=1, le=2600, description="weeks (default: each scenario's own)")
    master_seed: int = Field(20260106, ge=0, le=2**63 - 1)
    outputs: Outputs = Outputs()
    contrasts: list[ContrastSpec] = Field(default_factory=list,
                                          description="paired comparisons within strata (sim.experiments.contrasts)")


ALLOWED: dict[str, str] = {
    "design": "one of " + ", ".join(DESIGNS),
    "scenarios": 'a scenario name or path, a list of them, or "all"',
    "samples": f"a whole number from 1 to {MAX_DESIGN_POINTS}",
    "replications": "a whole number from 1 to 99999, or {adaptive: {interval_of, half_width, initial, batch, max}}",
    "replications.adaptive.interval_of": "p (the interval of each point's P(escalation)) or difference (of its paired "
                                "difference from the reference)",
    "replications.count": "a whole number from 1 to 99999",
    "replications.adaptive.half_width": "a number above 0 and below 0.5",
    "replications.adaptive.initial": "a whole number from 2 to 99999",
    "replications.adaptive.batch": "a whole number from 1 to 99999",
    "replications.adaptive.max": "a whole number from 2 to 99999",
    "horizon_weeks": "a whole number from 1 to 2600",
    "master_seed": "a whole number from 0 to 2**63 - 1 (9223372036854775807)",
    "outputs.steps": "true or false",
    "outputs.events": "true or false",
    "outputs.step_period": "a whole number from 1 to 2600",
    "reference": "a scenario name, a design point number, or a mapping of parameter values",
    "levers": "a mapping from a lever's dotted path to its values",
    "uncertainties": "a mapping from an uncertainty's dotted path to its values",
    "contrasts": CONTRASTS_ALLOWED,
    "contrasts.factor": '"scenario" or a varied lever or uncertainty',
    "contrasts.from": "a value of the factor",
    "contrasts.to": "a value of the factor",
}


# --- errors -----------------------------------------------------------------------------------

def problems(exc: ValidationError, lines: dict[KeyPath, int], file: str, data: dict) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        # Drop union branch tags pydantic adds ('str', 'list[str]', 'int', ...).
        loc = [p for p in loc if not (p in ("str", "int", "bool") or p.startswith(("list[", "dict[")))]
        if loc[:2] == ["replications", "count"] and not isinstance(data.get("replications"), dict):
            loc = ["replications"]
        key = ".".join(loc)
        line = line_of(tuple(loc), lines)
        kind = err["type"]
        if kind == "extra_forbidden":
            siblings = _siblings(loc[:-1])
            p = Problem(file, f"unknown key{did_you_mean(loc[-1], siblings)}", line, key,
                        allowed=", ".join(siblings))
        elif kind == "missing":
            p = Problem(file, "missing", line or 1, key, allowed=_allowed(key))
        elif kind == "value_error":
            p = Problem(file, err["msg"].removeprefix("Value error, "), line, key)
        else:
            message = "wrong type" if kind.endswith(("_type", "_parsing")) else (
                "out of range" if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than")
                else "not an allowed value" if kind == "literal_error" else err["msg"])
            p = Problem(file, message, line, key, given=err.get("input"), has_given=True,
                        allowed=_allowed(key))
        if (key, p.message) not in seen:  # a union reports one error per branch
            seen.add((key, p.message))
            out.append(p)
    return out


def _allowed(key: str) -> str:
    return ALLOWED.get(key) or ALLOWED.get(".".join(p for p in key.split(".") if not p.isdigit()), "")


def _siblings(loc: list[str]) -> list[str]:
    model: type[BaseModel] = ExperimentFile
    for part in loc:
        if part.isdigit():  # an item of a list: its model is the list's
            continue
        f = model.model_fields.get(part)
        ann = getattr(f, "annotation", None)
        candidates = [a for a in (ann, *getattr(ann, "__args__", ())) if isinstance(a, type)
                      and issubclass(a, BaseModel)]
        if not candidates:
            return []
        model = candidates[0]
    return [f.alias or n for n, f in model.model_fields.items()]


def line_of(key: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    for n in range(len(key), 0, -1):
        if key[:n] in lines:
            return lines[key[:n]]
    return None
