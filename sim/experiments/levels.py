"""A comparison of two design points at the three outcome levels, with chance and the plausible worlds.

The model reports three outcome levels (sim.experiments.ranking.OUTCOME_LEVELS): any armed attack
(a limited offensive or worse), a renewed war (a major attack: what G4's trigger hangs on) and
territory seized (ground taken after the ceasefire and held at the horizon). summary.csv and
differences.csv give the renewed war's interval across the plausible worlds and its verdict;
``compare_levels`` gives the same for every level, from runs.csv, with the same statistics:

* each design's risk with its Wilson 95% interval, and across the worlds (``between_draws``: the
  95% prediction interval of the risk under one parameter set the calibration allows);
* the paired difference (replicate k of both designs shares its seed and its world) with
  Newcombe's paired 95% interval and McNemar's exact p, the same prediction interval across the
  worlds, whether it holds across them (``holds_across``), the pairs that would decide it, and
  the calibrated constant it turns on (sim.experiments.identification).

At the renewed-war level the numbers are differences.csv's, bit for bit (tests check it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.identification import pairs_to_decide, turns_on
from sim.experiments.identification import verdict as worlds_verdict
from sim.experiments.ranking import OUTCOME_LEVELS
from sim.experiments.statistics import between_draws, mcnemar_p, newcombe_paired_interval, wilson_interval
from sim.experiments.tables import holds_across

LEVELS = ("armed_attack", "renewed_war", "territory_seized")  # from the widest to the narrowest event
LEVEL_NAMES = {"armed_attack": "armed attack (any size)", "renewed_war": "renewed war (a major attack)",
               "territory_seized": "territory seized and held"}


@dataclass(frozen=True)
class LevelRisk:
    """One design's risk at one level."""

    level: str
    runs: int
    events: int
    low: float
    high: float
    param_low: float = math.nan  # 95% prediction interval across the plausible worlds
    param_high: float = math.nan

    @property
    def risk(self) -> float:
        return self.events / self.runs if self.runs else math.nan


@dataclass(frozen=True)
class LevelDifference:
    """A design minus its reference at one level, paired by seed (and by world)."""

    level: str
    pairs: int
    mean: float
    low: float
    high: float
    p_value: float
    only_design: int
    only_reference: int
    param_low: float = math.nan
    param_high: float = math.nan
    holds: str = ""  # yes / no / undecided (tables.holds_across); empty without worlds
    decide: float = math.nan  # pairs that would decide it (McNemar, Connor 1987)
    turns: dict[str, Any] = field(default_factory=dict)  # identification.TURNS_ON_COLUMNS

    @property
    def decided(self) -> bool:
        return self.low > 0 or self.high < 0

    def verdict(self) -> str:
        """What chance says: riskier, safer, or what the sample rules out and what would decide it."""
        if self.low > 0:
            return "riskier"
        if self.high < 0:
            return "safer"
        bound = max(abs(self.low), abs(self.high))
        text = f"no detectable difference (larger than {100 * bound:.1f} points ruled out)"
        if not math.isnan(self.decide):
            text += f"; about {int(self.decide):,} pairs would decide the difference seen"
        elif self.only_design + self.only_reference == 0:
            text += f"; the designs differed in none of the {self.pairs:,} pairs, so more pairs would narrow it"
        else:
            text += (f"; as many pairs went one way ({self.only_design}) as the other ({self.only_reference}), so "
                     f"more pairs would narrow it around zero")
        return text

    def worlds(self) -> str:
        """Across the plausible worlds (sim.experiments.identification.verdict), or '' without worlds."""
        if not self.holds:
            return ""
        return worlds_verdict(pd.Series({"holds_across_posterior": self.holds, "pairs_to_decide": self.decide,
                                         **self.turns}))


def indicator(runs: pd.DataFrame, level: str) -> np.ndarray:
    return OUTCOME_LEVELS[level][2](runs)


def risk(runs: pd.DataFrame, level: str) -> LevelRisk:
    """The risk at ``level`` over ``runs`` (one design point)."""
    x = indicator(runs, level)
    k, n = int(x.sum()), len(x)
    lo, hi = wilson_interval(k, n)
    plo = phi = math.nan
    if "posterior_draw" in runs.columns and n:
        sp = between_draws(x.astype(float), runs["posterior_draw"].to_numpy())
        if not math.isnan(sp.low):
            plo, phi = max(0.0, sp.low), min(1.0, sp.high)
    return LevelRisk(level, n, k, lo, hi, plo, phi)


def difference(design: pd.DataFrame, reference: pd.DataFrame, level: str,
               constants: pd.DataFrame | None = None) -> LevelDifference:
    """``design`` minus ``reference`` at ``level``, paired by replicate (each table: one design point's runs)."""
    g = design.drop_duplicates("replicate").set_index("replicate")
    r = reference.drop_duplicates("replicate").set_index("replicate")
    common = g.index.intersection(r.index).sort_values()
    a, b = indicator(g.loc[common], level), indicator(r.loc[common], level)
    n = len(common)
    both, only_a, only_b = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
    lo, hi = newcombe_paired_interval(both, only_a, only_b, n - both - only_a - only_b)
    mean = float(a.mean() - b.mean()) if n else math.nan
    decided = bool(lo > 0 or hi < 0)
    out = dict(level=level, pairs=n, mean=mean, low=lo, high=hi, p_value=mcnemar_p(only_a, only_b),
               only_design=only_a, only_reference=only_b, decide=pairs_to_decide(only_a, only_b, n, decided))
    if "posterior_draw" in g.columns and n:
        diff = a.astype(float) - b.astype(float)
        draws = g.loc[common, "posterior_draw"].to_numpy()
        sp = between_draws(diff, draws)
        out.update(param_low=sp.low, param_high=sp.high, holds=holds_across(lo, hi, sp.low, sp.high),
                   turns=turns_on(diff, draws, constants))
    return LevelDifference(**out)


def compare_levels(runs: pd.DataFrame, design_point: int, reference_point: int,
                   constants: pd.DataFrame | None = None) -> dict[str, tuple[LevelRisk, LevelRisk, LevelDifference]]:
    """level -> (the design's risk, the reference's risk, the difference), for every level runs.csv has."""
    g = runs[runs["design_point"] == design_point]
    r = runs[runs["design_point"] == reference_point]
    out = {}
    for level in LEVELS:
        if not all(c in runs.columns for c in OUTCOME_LEVELS[level][1]):
            continue  # an older folder without armed_attack
        out[level] = (risk(g, level), risk(r, level), difference(g, r, level, constants))
    return out
