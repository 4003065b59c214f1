"""Sensitivity on the plausible set: which assumptions still move each answer once the model is calibrated.

The Morris study (``runs``) moves one constant around the schema's defaults, never recalibrating:
a constant the record pins down can look decisive only because nothing holds it. Here every world
is a calibrated one: a parameter set of the calibration's plausible set (or posterior), so the
constants the targets constrain move together as the record allows, crossed with a Latin hypercube
of the schema's uncertainties (which no target constrains; each over its ``factor_range``). In
each world every comparison runs its two designs on the same ``replicates`` seeds, and the study
reports, per comparison:

* the answer across the worlds: the pooled paired difference with its chance interval, the 95%
  prediction interval across worlds (random effects, ``between_draws``) and a verdict (it holds in
  every world, or the assumption it turns on: ``identification.turns_on``);
* per factor, whether the worlds' differences depend on the factor's value (an F test of a
  quadratic against a constant, so an answer that peaks mid-range counts; Spearman's rho gives the
  direction), Holm-adjusted over the factors of the comparison: the assumptions that still move it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from sim.experiments.identification import dependence_p, pairs_to_decide, turns_on, verdict
from sim.experiments.statistics import between_draws, newcombe_paired_interval
from sim.validation.sensitivity.design import COMPARISONS, Comparison, Factor, defining_keys, designs_of, factor_list
from sim.validation.sensitivity.runs import Cell, run_all

ALPHA = 0.05

WORLD_COLUMNS = ("world", "draw")  # then the factors' values, then one difference per comparison
ANSWER_COLUMNS = ("comparison", "question", "worlds", "pairs", "difference", "diff_low", "diff_high",
                  "diff_world_low", "diff_world_high", "diff_world_tau", "holds_across_worlds", "turns_on",
                  "turns_on_rho", "turns_on_crossing", "pairs_to_decide", "verdict")
FACTOR_COLUMNS = ("comparison", "factor", "group", "rho", "p", "p_holm", "moves")


@dataclass(frozen=True)
class PlausibleStudy:
    worlds: pd.DataFrame  # WORLD_COLUMNS, the factors, diff_<comparison>
    answers: pd.DataFrame  # ANSWER_COLUMNS
    factors: pd.DataFrame  # FACTOR_COLUMNS
    meta: dict[str, Any]


def make_worlds(draws: Sequence[Mapping[str, Any]], n_worlds: int, seed: int,
                uncertainties: Sequence[Factor] | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """``n_worlds`` worlds: draw ``w % len(draws)`` of the plausible set crossed with a Latin-hypercube
    point of the uncertainties no draw sets. Returns the worlds, the calibrated names and the
    uncertainties' names."""
    calibrated = sorted({k for d in draws for k in d})
    if uncertainties is None:
        uncertainties = [f for f in factor_list()[0] if f.group == "uncertainty"]
    free = [f for f in uncertainties if f.path not in calibrated and f.high > f.low]
    rows = []
    u = qmc.LatinHypercube(d=len(free), seed=np.random.default_rng(seed)).random(n_worlds) if free else None
    for w in range(n_worlds):
        d = w % len(draws)
        row: dict[str, Any] = {"world": w, "draw": d, **dict(draws[d])}
        if u is not None:
            row.update({f.path: f.value(x) for f, x in zip(free, u[w])})
        rows.append(row)
    return pd.DataFrame(rows), calibrated, [f.path for f in free]


def plausible_study(draws: Sequence[Mapping[str, Any]], ex: Any, *, worlds: int, replicates: int,
                    master_seed: int, comparisons: Sequence[Comparison] = COMPARISONS,
                    uncertainties: Sequence[Factor] | None = None, progress: bool = False) -> PlausibleStudy:
    """Run every comparison in every world on ``replicates`` paired seeds (``ex``: an ``Executing``)."""
    table, calibrated, free = make_worlds(draws, worlds, master_seed, uncertainties)
    names = calibrated + free
    designs = designs_of(comparisons)
    keep = {d: defining_keys(d) for d in designs}
    reps = tuple(range(replicates))
    cells = []
    for _, row in table.iterrows():
        values = {k: _native(row[k]) for k in names}
        for d in designs:  # a design keeps what defines it (no_us_backstop's absent US)
            cells.append(Cell(d, tuple((k, v) for k, v in values.items() if k not in keep[d]), reps))
    out = run_all(cells, ex, master_seed, "plausible worlds", progress)
    outcome = {(w, d): out[w * len(designs) + j] for w in range(worlds) for j, d in enumerate(designs)}

    answers, factor_rows = [], []
    constants = table.set_index("world")[names]
    for c in comparisons:
        first = np.stack([outcome[(w, c.first)] for w in range(worlds)])  # worlds x replicates
        second = np.stack([outcome[(w, c.second)] for w in range(worlds)])
        per_pair = first.astype(float) - second.astype(float)
        table[f"diff_{c.name}"] = per_pair.mean(axis=1)
        flat, world_ids = per_pair.ravel(), np.repeat(np.arange(worlds), replicates)
        b = int((first & ~second).sum())
        a_ = int((~first & second).sum())
        n = flat.size
        lo, hi = newcombe_paired_interval(int((first & second).sum()), b, a_, int((~first & ~second).sum()))
        spread = between_draws(flat, world_ids)
        found = turns_on(flat, world_ids, constants)
        held = ("undecided" if not (lo > 0 or hi < 0) else
                "yes" if (lo > 0 and spread.low > 0) or (hi < 0 and spread.high < 0) else "no")
        answer = {"comparison": c.name, "question": c.question, "worlds": worlds, "pairs": n,
                  "difference": float(flat.mean()), "diff_low": lo, "diff_high": hi,
                  "diff_world_low": spread.low, "diff_world_high": spread.high, "diff_world_tau": spread.tau,
                  "holds_across_worlds": held, "turns_on": found["turns_on"], "turns_on_rho": found["turns_on_rho"],
                  "turns_on_crossing": found["turns_on_crossing"],
                  "pairs_to_decide": pairs_to_decide(b, a_, n, held != "undecided")}
        answer["verdict"] = verdict(pd.Series({**answer, "holds_across_posterior": held}))
        answers.append(answer)
        tests = []
        for name in names:
            x = pd.to_numeric(constants[name], errors="coerce").to_numpy(dtype=float)
            if np.isnan(x).any() or np.unique(x).size < 3 or np.unique(table[f"diff_{c.name}"]).size < 2:
                continue
            y = table[f"diff_{c.name}"].to_numpy(dtype=float)
            rho = float(stats.spearmanr(x, y)[0])
            tests.append((name, rho, dependence_p(x, y)))
        for name, rho, p, p_holm in _holm(tests):
            factor_rows.append({"comparison": c.name, "factor": name,
                                "group": "calibrated" if name in calibrated else "uncertainty",
                                "rho": rho, "p": p, "p_holm": p_holm, "moves": p_holm < ALPHA})
    factors = pd.DataFrame(factor_rows, columns=list(FACTOR_COLUMNS))
    factors = factors.sort_values(["comparison", "p", "factor"], kind="stable").reset_index(drop=True)
    meta = {"worlds": worlds, "replicates": replicates, "draws": len(draws), "calibrated": calibrated,
            "uncertainties": free, "runs": worlds * replicates * len(designs)}
    return PlausibleStudy(table, pd.DataFrame(answers, columns=list(ANSWER_COLUMNS)), factors, meta)


def _holm(tests: list[tuple[str, float, float]]) -> list[tuple[str, float, float, float]]:
    """Holm's step-down adjusted p-values (monotone), in the tests' order of p."""
    order = sorted(tests, key=lambda t: (t[2], t[0]))
    k, running, out = len(order), 0.0, []
    for i, (name, rho, p) in enumerate(order):
        running = max(running, min(1.0, (k - i) * p)) if not math.isnan(p) else running
        out.append((name, rho, p, running if not math.isnan(p) else math.nan))
    return out


def _native(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v
