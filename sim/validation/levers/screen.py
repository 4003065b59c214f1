"""Running the lever screen: each lever at its range ends on paired runs, judged.

A *comparison* is two configured scenarios (the lever's first value and another) in the
entry's context and world. Replicate k of both runs with the seed
``replicate_seed(master_seed, k)`` (common random numbers), so the paired contrast of a
column is exactly zero on every replicate when the lever cannot act. Pairs are added in
batches of ``step`` until the measure is decided (and, with ``until="both"``, the outcome
too) or ``max_pairs`` is reached.

**Decided** (``sim.experiments.paired.Contrast``): the exact sign test rejects "as likely
up as down" at 5% (two-sided) and the 95% interval of the mean paired difference excludes
0. Verdicts: ``outcome`` (the outcome moved, and the measure did not move against its
declared direction), ``measure`` (the measure moved in the declared direction, the outcome
not told apart from no change at this number of pairs), ``negligible`` (the measure moved,
by less than 0.1% of its level, and the outcome did not), ``wrong direction`` (the measure
moved against the declared direction) and ``inert`` (neither moved).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError, Scenario, parameter_catalogue
from sim.experiments.paired import Contrast, Design, contrast, difference, paired_runs, values
from sim.validation.levers.table import CHECKS, ENTRIES, INTERACTIONS, WORLD, Check, Entry, InteractionCheck

MASTER_SEED = 20260119  # issue 19
VERDICTS = ("outcome", "measure", "negligible", "wrong direction", "inert")
# A measure that moves by less than this share of its level moves nothing that matters.
NEGLIGIBLE = 0.001


def lever_paths() -> list[str]:
    """Every lever of the schema, in the schema's order."""
    return [p for p, s in parameter_catalogue().items() if s.role == "lever"]


def undeclared(entries: Sequence[Entry] = ENTRIES, paths: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """(levers of the schema with no entry, entries that name no lever), each sorted."""
    levers = set(lever_paths() if paths is None else paths)
    declared = {e.path for e in entries}
    return sorted(levers - declared), sorted(declared - levers)


def entry_values(entry: Entry) -> tuple[Any, ...]:
    """The values an entry compares: declared, else the schema's range ends (a choice: the default
    first, then each other value; a switch: false, true)."""
    if entry.values is not None:
        return tuple(entry.values)
    spec = parameter_catalogue()[entry.path]
    if spec.kind == "bool":
        return (False, True)
    if spec.kind == "choice":
        return (spec.default, *[c for c in spec.choices if c != spec.default])
    if spec.kind in ("int", "float") and spec.ge is not None and spec.le is not None:
        cast = int if spec.kind == "int" else float
        return (cast(spec.ge), cast(spec.le))
    raise ValueError(f"{entry.path}: declare the values to compare (a {spec.kind} parameter has no range ends)")


@dataclass(frozen=True)
class Comparison:
    """Two designs of one lever (or check) in its context, and what to read."""

    name: str  # the lever's path or the check's name
    first: str  # the first value, as text
    second: str  # the other value, as text
    a: Design
    b: Design
    measure: str
    direction: int
    outcome: str
    context: Mapping[str, Any]
    world: Mapping[str, Any]
    why: str
    at_defaults: bool = False  # the lever's context dropped: does it act at the shipped defaults?
    needs: Mapping[str, Any] = field(default_factory=dict)  # at the defaults: the context it was dropped from

    def scenarios(self) -> tuple[Scenario, Scenario]:
        return self.a.configured(self.world, self.context), self.b.configured(self.world, self.context)


def _text(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{" + "; ".join(f"{k}: [{', '.join(map(str, x))}]" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)


def comparisons(entries: Sequence[Entry] = ENTRIES, checks: Sequence[Check] = CHECKS,
                world: Mapping[str, Any] = WORLD) -> list[Comparison]:
    """Each entry's comparisons (a choice gives one per value other than the default), then the checks."""
    out = []
    for e in entries:
        vals = entry_values(e)
        for v in vals[1:]:
            d = e.direction.get(v, 0) if isinstance(e.direction, Mapping) else e.direction
            out.append(Comparison(e.path, _text(vals[0]), _text(v), Design(params={e.path: vals[0]}),
                                  Design(params={e.path: v}), e.measure, d, e.outcome, dict(e.context), dict(world),
                                  e.why))
    for c in checks:
        out.append(Comparison(c.name, c.a.name, c.b.name, c.a, c.b, c.measure, c.direction, c.outcome, {},
                              dict(world), c.why))
    return out


def at_defaults(selection: Sequence[Comparison] | None = None) -> tuple[list[Comparison], dict[str, str]]:
    """The levers run in a context, without it: does each act at the shipped defaults? Returns those
    comparisons and, for a lever that cannot be set without its context (a rule of the schema), why."""
    out, refused = [], {}
    for c in selection if selection is not None else comparisons(checks=()):
        if not c.context or c.at_defaults:
            continue
        bare = replace(c, context={}, at_defaults=True, needs=dict(c.context))
        try:
            bare.scenarios()
        except ConfigError as exc:
            refused[c.name] = "; ".join(p.message for p in exc.problems)
            continue
        out.append(bare)
    return out, refused


@dataclass(frozen=True)
class Result:
    """A comparison judged on ``measure.n`` pairs."""

    comparison: Comparison
    measure: Contrast
    outcome: Contrast
    armed_attack: Contrast
    territory: Contrast
    means: Mapping[str, tuple[float, float]]  # column -> (mean at the first value, at the other)
    pairs: int  # replicates run (a contrast leaves out those where its column is empty)

    @property
    def verdict(self) -> str:
        m, d = self.measure, self.comparison.direction
        if m.decided and d and m.sign != d:
            return "wrong direction"
        if self.outcome.decided:
            return "outcome"
        if m.decided:
            first, second = self.means[self.comparison.measure]
            level = max(abs(first), abs(second))
            return "negligible" if level > 0 and abs(m.mean) < NEGLIGIBLE * level else "measure"
        return "inert"

    @property
    def outcomes_moved(self) -> list[str]:
        """Which of the three outcomes (the entry's, armed attack, territory) moved."""
        named = [(self.comparison.outcome, self.outcome), ("armed_attack", self.armed_attack),
                 ("territory_seized_pct", self.territory)]
        seen, out = set(), []
        for name, c in named:
            if name not in seen and c.decided:
                out.append(name)
            seen.add(name)
        return out


def judge(comparison: Comparison, a: pd.DataFrame, b: pd.DataFrame) -> Result:
    cols = dict.fromkeys([comparison.measure, comparison.outcome, "armed_attack", "territory_seized_pct"])
    means = {c: (float(np.nanmean(values(a, c))), float(np.nanmean(values(b, c)))) for c in cols}
    return Result(comparison, difference(a, b, comparison.measure), difference(a, b, comparison.outcome),
                  difference(a, b, "armed_attack"), difference(a, b, "territory_seized_pct"), means, len(a))


def run_comparison(comparison: Comparison, *, step: int = 40, max_pairs: int = 160, until: str = "measure",
                   master_seed: int = MASTER_SEED, workers: int = 1) -> Result:
    """Paired runs in batches of ``step`` until the measure (``until="both"``: and the outcome) is
    decided, or ``max_pairs``."""
    sa, sb = comparison.scenarios()
    tables: list[list[pd.DataFrame]] = [[], []]
    n = 0
    while True:
        batch = min(step, max_pairs - n)
        ra, rb = paired_runs([sa, sb], batch, master_seed, workers=workers, first_replicate=n)
        tables[0].append(ra)
        tables[1].append(rb)
        n += batch
        result = judge(comparison, pd.concat(tables[0]), pd.concat(tables[1]))
        done = result.measure.decided and (until == "measure" or result.outcome.decided)
        if done or n >= max_pairs:
            return result


def screen(selection: Sequence[Comparison] | None = None, *, step: int = 40, max_pairs: int = 160,
           until: str = "measure", master_seed: int = MASTER_SEED, workers: int = 1,
           progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Every comparison (``comparisons()`` unless a selection is given), judged."""
    out = []
    for comparison in selection if selection is not None else comparisons():
        result = run_comparison(comparison, step=step, max_pairs=max_pairs, until=until, master_seed=master_seed,
                                workers=workers)
        if progress is not None:
            progress(result)
        out.append(result)
    return out


@dataclass(frozen=True)
class InteractionResult:
    check: InteractionCheck
    without: Contrast  # b - a without the condition
    within: Contrast  # b - a under the condition
    growth: Contrast  # (b - a) under the condition less without it, per replicate
    measure_without: Contrast
    measure_within: Contrast


def run_interaction(check: InteractionCheck, *, pairs: int = 400, world: Mapping[str, Any] = WORLD,
                    master_seed: int = MASTER_SEED, workers: int = 1) -> InteractionResult:
    """The four designs on ``pairs`` seeds: does b - a grow under the condition?"""
    scenarios = [d.configured(world, cond) for cond in ({}, check.condition) for d in (check.a, check.b)]
    a0, b0, a1, b1 = paired_runs(scenarios, pairs, master_seed, workers=workers)
    x0, y0, x1, y1 = (values(t, check.outcome) for t in (a0, b0, a1, b1))
    return InteractionResult(check, difference(a0, b0, check.outcome), difference(a1, b1, check.outcome),
                             contrast((y1 - x1) - (y0 - x0)), difference(a0, b0, check.measure),
                             difference(a1, b1, check.measure))


def run_interactions(checks: Sequence[InteractionCheck] = INTERACTIONS, **kw: Any) -> list[InteractionResult]:
    return [run_interaction(c, **kw) for c in checks]
