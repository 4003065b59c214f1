"""Paired runs of several designs and the statistics of their paired contrasts.

A *design* is a scenario (a shipped name, a path or a ``Scenario``) with parameters changed.
Replicate k of every design runs with the same seed (``replicate_seed(master_seed, k)``:
common random numbers), so a contrast between designs is computed replicate by replicate and
its noise is only what the designs change. The lever screen (``sim.validation.levers``) and
the decomposition by mechanism (``sim.experiments.channels``) are built on this.

* ``Design``: a scenario and its parameters, with a label;
* ``paired_runs``: runs.csv's record of each replicate of each configured scenario, on an
  executor (the same numbers whatever the number of workers);
* ``contrast``: the mean of per-replicate values (a paired difference, or a difference of
  differences) with its 95% interval and the exact sign test of "no difference".
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.config import Scenario
from sim.config.overrides import apply_overrides, base_scenario
from sim.executors import executor, map_in_order
from sim.experiments.statistics import CONFIDENCE, newcombe_paired_interval, t_interval
from sim.outputs import RUN_COLUMNS
from sim.runner import replicate_seed, simulate

# runs.csv's columns that are numbers (booleans as 0/1): what a contrast can be taken on.
NUMERIC_COLUMNS = tuple(c for c, (dtype, _, _) in RUN_COLUMNS.items()
                        if dtype in ("bool", "int64", "float64") and c not in ("run_id", "seed", "horizon_weeks"))
BINARY_COLUMNS = tuple(c for c, (dtype, _, _) in RUN_COLUMNS.items() if dtype == "bool")


@dataclass(frozen=True)
class Design:
    """A scenario with parameters changed (dotted paths), and a label for tables."""

    scenario: str | os.PathLike | Scenario = "paris_declaration"
    params: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        base = self.scenario.name if isinstance(self.scenario, Scenario) else str(self.scenario)
        if not self.params:
            return base
        return base + " " + ", ".join(f"{k}={v}" for k, v in self.params.items())

    def configured(self, *layers: Mapping[str, Any]) -> Scenario:
        """The scenario with ``layers`` of overrides applied in order, the design's own parameters
        between the first layer (a world both designs share) and the others (channels switched off).

        Raises ConfigError naming every bad parameter."""
        merged: dict[str, Any] = {}
        first, rest = (layers[0] if layers else {}), layers[1:]
        for layer in (first, self.params, *rest):
            merged.update(layer)
        return apply_overrides(base_scenario(self.scenario), merged, source=self.name) if merged \
            else base_scenario(self.scenario)


def _run(task: tuple[Scenario, int, int | None]) -> dict[str, Any]:
    scenario, seed, weeks = task
    return simulate(scenario, seed, weeks=weeks, steps=False, events=False).run


def paired_runs(scenarios: Sequence[Scenario], replications: int, master_seed: int, *, workers: int = 1,
                weeks: int | None = None, first_replicate: int = 0) -> list[pd.DataFrame]:
    """runs.csv's records of replicates ``first_replicate`` .. ``+replications`` of each scenario.

    One DataFrame a scenario, one row a replicate (index ``replicate``), in the same order for
    all: row k of every table ran with seed ``replicate_seed(master_seed, k)``.
    """
    reps = range(first_replicate, first_replicate + replications)
    tasks = [(sc, replicate_seed(master_seed, k), weeks) for sc in scenarios for k in reps]
    with executor(workers) as ex:
        rows = map_in_order(ex.executor, _run, tasks, window=max(1, 4 * ex.slots))
    out = []
    for i in range(len(scenarios)):
        table = pd.DataFrame(rows[i * replications:(i + 1) * replications], index=pd.Index(list(reps), name="replicate"))
        out.append(table)
    return out


def values(runs: pd.DataFrame, column: str) -> np.ndarray:
    """A runs.csv column as floats (booleans 0/1; an empty week, NaN)."""
    if column not in runs.columns:
        raise KeyError(f"{column!r} is not a runs.csv column (docs/OUTPUTS.md lists them)")
    return pd.to_numeric(runs[column].astype(float) if runs[column].dtype == bool else runs[column],
                         errors="coerce").to_numpy(float)


@dataclass(frozen=True)
class Contrast:
    """The mean of per-replicate contrasts with its 95% interval, and the sign test.

    ``higher``/``lower``: replicates where the contrast is above/below 0 (the rest tie);
    ``p_value``: the exact two-sided sign test of "as likely above as below 0" (McNemar's
    test for a difference of two binary outcomes). ``decided``: the interval excludes 0 and
    the sign test rejects at ``1 - CONFIDENCE``.
    """

    n: int
    mean: float
    low: float
    high: float
    higher: int
    lower: int
    p_value: float

    @property
    def ties(self) -> int:
        return self.n - self.higher - self.lower

    @property
    def decided(self) -> bool:
        return self.p_value < 1.0 - CONFIDENCE and (self.low > 0.0 or self.high < 0.0)

    @property
    def sign(self) -> int:
        """+1 or -1 when decided, else 0."""
        return 0 if not self.decided else (1 if self.mean > 0 else -1)


def sign_test(higher: int, lower: int) -> float:
    """Exact two-sided sign test on the replicates that do not tie."""
    n = higher + lower
    return float(stats.binomtest(higher, n, 0.5).pvalue) if n else 1.0


def contrast(diff: np.ndarray, binary_pair: tuple[np.ndarray, np.ndarray] | None = None) -> Contrast:
    """The paired contrast of per-replicate values ``diff`` (NaN replicates dropped).

    ``binary_pair`` = (a, b), two 0/1 outcomes with diff = b - a: the interval is Newcombe's
    paired interval of the difference of proportions (as differences.csv gives it) rather
    than the t interval.
    """
    d = np.asarray(diff, float)
    keep = ~np.isnan(d)
    d = d[keep]
    n = len(d)
    if n == 0:
        return Contrast(0, math.nan, math.nan, math.nan, 0, 0, 1.0)
    higher, lower = int((d > 0).sum()), int((d < 0).sum())
    mean = float(d.mean())
    if binary_pair is not None:
        a, b = (np.asarray(x, float)[keep] > 0.5 for x in binary_pair)
        low, high = newcombe_paired_interval(int((a & b).sum()), int((b & ~a).sum()), int((a & ~b).sum()),
                                             int((~a & ~b).sum()))
    elif higher + lower == 0:
        low = high = mean  # every replicate ties: no difference at all
    else:
        low, high = t_interval(d)
    return Contrast(n, mean, float(low), float(high), higher, lower, sign_test(higher, lower))


def difference(a: pd.DataFrame, b: pd.DataFrame, column: str) -> Contrast:
    """``column`` under b minus under a, replicate by replicate."""
    x, y = values(a, column), values(b, column)
    return contrast(y - x, (x, y) if column in BINARY_COLUMNS else None)
