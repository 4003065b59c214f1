"""Statistics of the validation patterns, on run-level data (one row a run).

Intervals of proportions and of paired differences, and the Cox hazard ratio with a variance
clustered on the replicate (paired runs), come from ``sim.experiments.statistics`` and
``sim.experiments.tables``; this module adds what the patterns need beyond a sweep's summary:

* ``escalation_probability`` and ``paired_difference``: those estimates as the patterns read them;
* ``probe_rate``: Russian probes per week at peace;
* ``paired_bootstrap_reductions``: relative reductions of the escalation probability and
  of the probe rate per week at peace, resampling whole pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

from sim.experiments.statistics import CONFIDENCE, wilson_interval
from sim.experiments.tables import paired_differences


@dataclass(frozen=True)
class Proportion:
    k: int
    n: int
    p: float
    low: float
    high: float


LEVELS = {"armed_attack": ("armed_attack", "armed_attack_week"), "renewed_war": ("escalated", "escalation_week")}


def at_level(runs: pd.DataFrame, level: str) -> pd.DataFrame:
    """The runs with ``escalated`` and ``survival_weeks`` read at an outcome level: ``armed_attack``
    (any armed attack: a limited offensive or worse) or ``renewed_war`` (a major attack), so that the
    Cox model and the paired tests see that level's event and its week (censored at the horizon)."""
    flag, week = LEVELS[level]
    out = runs.copy()
    out["escalated"] = runs[flag].astype(bool)
    out["survival_weeks"] = np.where(out["escalated"], runs[week].fillna(0), runs["horizon_weeks"]).astype(int)
    return out


def level_probability(runs: pd.DataFrame, level: str) -> Proportion:
    """Share of runs with an event of ``level`` before the horizon, with its Wilson 95% interval."""
    return escalation_probability(at_level(runs, level))


def km_quantiles(weeks: np.ndarray, ended: np.ndarray) -> dict[str, float]:
    """Kaplan-Meier median, quartiles and the survival at 52 weeks of durations ``weeks`` (``ended``
    False: still going, censored), with 95% intervals of the median and of S(52) (lifelines)."""
    kmf = KaplanMeierFitter().fit(weeks, ended)
    median_ci = median_survival_times(kmf.confidence_interval_)
    sf = kmf.survival_function_at_times([52.0]).iloc[0]
    ci = kmf.confidence_interval_survival_function_
    row = ci[ci.index <= 52.0].iloc[-1] if (ci.index <= 52.0).any() else ci.iloc[0]

    def q(p: float) -> float:
        return float(kmf.percentile(p))

    return {"median": q(0.5), "q1": q(0.75), "q3": q(0.25), "median_low": float(median_ci.iloc[0, 0]),
            "median_high": float(median_ci.iloc[0, 1]), "survival_52": float(sf),
            "survival_52_low": float(row.iloc[0]), "survival_52_high": float(row.iloc[1])}


def escalation_probability(runs: pd.DataFrame) -> Proportion:
    """Share of runs that escalated before the horizon, with its Wilson 95% interval."""
    n = len(runs)
    k = int(runs["escalated"].astype(bool).sum())
    low, high = wilson_interval(k, n)
    return Proportion(k, n, k / n if n else math.nan, low, high)


@dataclass(frozen=True)
class PairedDifference:
    a: str
    b: str
    pairs: int
    p_a: float
    p_b: float
    diff: float  # p_a - p_b
    low: float  # Newcombe paired 95% interval
    high: float
    only_a: int  # pairs where only a escalated
    only_b: int
    p_value: float  # exact McNemar


def paired_difference(runs: pd.DataFrame, a: str, b: str) -> PairedDifference:
    """P(escalation | a) - P(escalation | b) over common-random-number pairs (same replicate)."""
    sub = runs[runs["scenario"].isin([a, b])]
    d = paired_differences(sub, b, group_col="scenario", pair_col="replicate")
    row = d.loc[d["scenario"] == a].iloc[0]
    return PairedDifference(a, b, int(row["pairs"]), float(row["p_escalation"]),
                            float(row["p_escalation_reference"]), float(row["diff_escalation"]),
                            float(row["diff_low"]), float(row["diff_high"]),
                            int(row["only_design_escalated"]), int(row["only_reference_escalated"]),
                            float(row["p_value"]))


def peace_weeks(runs: pd.DataFrame) -> np.ndarray:
    """Weeks each run spent not at war: the weeks in which Russia could probe.

    War stops probes (Russia fights instead), so probe counts are compared per week at
    peace, not per run: otherwise a design that prevents war would look as if it caused probes.
    """
    return (runs["horizon_weeks"] - runs["war_weeks"]).to_numpy(dtype=float)


def probe_rate(runs: pd.DataFrame) -> float:
    """Russian probes per week at peace, pooled over the runs (sum over sum)."""
    weeks = peace_weeks(runs).sum()
    return float(runs["violations_probe"].sum()) / weeks if weeks > 0 else math.nan


@dataclass(frozen=True)
class Reductions:
    pairs: int
    major: float  # 1 - P(escalation | variant) / P(escalation | reference)
    major_low: float
    major_high: float
    probe: float  # 1 - probe rate (variant) / probe rate (reference), per week at peace
    probe_low: float
    probe_high: float
    gap: float  # major - probe
    gap_low: float
    gap_high: float
    probe_rate_reference: float
    probe_rate_variant: float
    resamples: int
    limited: float = math.nan  # 1 - limited-offensive rate ratio, per week at peace (reported, not judged)
    limited_low: float = math.nan
    limited_high: float = math.nan
    volume: float = math.nan  # 1 - ceasefire-violation volume ratio (both sides), per week at peace
    volume_low: float = math.nan
    volume_high: float = math.nan
    volume_rate_reference: float = math.nan
    volume_rate_variant: float = math.nan


def paired_bootstrap_reductions(reference: pd.DataFrame, variant: pd.DataFrame, *, resamples: int = 2000,
                                seed: int = 20260106) -> Reductions:
    """Relative reductions of major breakdowns and of probes, with percentile intervals from a
    bootstrap that resamples whole pairs (replicates), keeping the common random numbers paired."""
    ref = reference.drop_duplicates("replicate").set_index("replicate")
    var = variant.drop_duplicates("replicate").set_index("replicate")
    common = ref.index.intersection(var.index).sort_values()
    ref, var = ref.loc[common], var.loc[common]
    n = len(common)
    e_r, e_v = ref["escalated"].astype(float).to_numpy(), var["escalated"].astype(float).to_numpy()
    p_r, p_v = ref["violations_probe"].to_numpy(dtype=float), var["violations_probe"].to_numpy(dtype=float)
    l_r, l_v = ref["violations_limited"].to_numpy(dtype=float), var["violations_limited"].to_numpy(dtype=float)
    c_r = ref["ceasefire_violations"].to_numpy(dtype=float) if "ceasefire_violations" in ref else np.zeros(n)
    c_v = var["ceasefire_violations"].to_numpy(dtype=float) if "ceasefire_violations" in var else np.zeros(n)
    w_r, w_v = peace_weeks(ref.reset_index()), peace_weeks(var.reset_index())

    def rate_cut(c_v: np.ndarray, c_r: np.ndarray, idx: np.ndarray | slice) -> np.ndarray:
        v = c_v[idx].sum(axis=-1) / w_v[idx].sum(axis=-1)
        r = c_r[idx].sum(axis=-1) / w_r[idx].sum(axis=-1)
        return np.asarray(1.0 - v / r, dtype=float)

    def stats(idx: np.ndarray | slice) -> dict[str, np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            major = np.asarray(1.0 - e_v[idx].sum(axis=-1) / e_r[idx].sum(axis=-1), dtype=float)
            probe = rate_cut(p_v, p_r, idx)
            return {"major": major, "probe": probe, "gap": major - probe, "limited": rate_cut(l_v, l_r, idx),
                    "volume": rate_cut(c_v, c_r, idx)}

    point = {k: float(v) for k, v in stats(slice(None)).items()}
    rng = np.random.default_rng(seed)
    draws: dict[str, list[np.ndarray]] = {k: [] for k in point}
    for start in range(0, resamples, 250):  # bounded memory: 250 x n indices at a time
        idx = rng.integers(0, n, size=(min(250, resamples - start), n))
        for k, v in stats(idx).items():
            draws[k].append(v)
    q = [100 * (1 - CONFIDENCE) / 2, 100 * (1 + CONFIDENCE) / 2]
    lows, highs = {}, {}
    for k, parts in draws.items():
        arr = np.concatenate(parts)
        arr = arr[np.isfinite(arr)]
        lows[k], highs[k] = (float(v) for v in np.percentile(arr, q)) if arr.size else (math.nan, math.nan)
    peace_r, peace_v = w_r.sum(), w_v.sum()
    return Reductions(n, point["major"], lows["major"], highs["major"], point["probe"], lows["probe"],
                      highs["probe"], point["gap"], lows["gap"], highs["gap"], probe_rate(ref), probe_rate(var),
                      resamples, point["limited"], lows["limited"], highs["limited"], point["volume"],
                      lows["volume"], highs["volume"], float(c_r.sum() / peace_r) if peace_r else math.nan,
                      float(c_v.sum() / peace_v) if peace_v else math.nan)
