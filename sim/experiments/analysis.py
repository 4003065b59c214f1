"""Analysis of a scenario sweep: how often and how soon the ceasefire breaks, per design point.

``analyze_directory(DIR)`` reads a sweep folder (``runs.csv``, ``design_points.csv``,
``manifest.json``) and writes, beside them:

* ``summary.csv``      one row a design point (``SUMMARY_COLUMNS``);
* ``differences.csv``  one row a design point other than the reference: paired
                       differences against the reference design (``DIFFERENCE_COLUMNS``);
* ``sensitivity.csv``  LHS and Sobol designs only, with SALib installed: global
                       sensitivity indices (``SENSITIVITY_COLUMNS``);
* ``p_escalation.png``, ``survival.png``, ``lever_effects.png``, ``sensitivity.png``.

Definitions used throughout (docs/OUTPUTS.md repeats them):

* *Escalation* is a renewed armed attack (a major attack) before the horizon; its week is
  the survival time. A run without one is censored at the horizon. Censoring is only
  administrative (at the horizon), so the restricted mean survival time (RMST) up to the
  horizon is the plain mean of ``survival_weeks`` and can be differenced pair by pair.
* ``S(t)`` is the Kaplan-Meier probability that no escalation happened in weeks
  ``0..t`` (the ceasefire still holds after week ``t``); intervals are lifelines'
  (exponential Greenwood / log-log). When no escalation happened by ``t`` the estimate is
  1 and the Kaplan-Meier interval collapses to [1, 1]; the Wilson interval on
  ``p_escalation`` is the honest interval at the horizon.
* *Detection rate*: detections by the monitoring mechanism over every violation (Russian
  probes, limited and major attacks, and Ukrainian violations), pooled over the runs
  (sum over sum). Major attacks are always detected when monitoring exists.
* *Attribution accuracy*: correct attributions over correct plus wrong ones (cases closed
  without attribution excluded; attributions of false alarms count as wrong), pooled.

Every CSV loads with a plain ``pd.read_csv`` into the dtypes documented below; floats are
written with six decimals, rows are sorted, so the same ``runs.csv`` gives byte-identical
tables.
"""

from __future__ import annotations

import contextlib
import csv
import inspect
import io
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.outputs import Column, atomic_write

CONFIDENCE = 0.95
SURVIVAL_TIMES: dict[str, int] = {"1y": 52, "2y": 104, "5y": 260}  # column suffix -> weeks
VIOLATION_COLUMNS = ("violations_probe", "violations_limited", "violations_major", "ukraine_violations")
OUTPUTS = {"p_escalation": "P(escalation)", "rmst_weeks": "mean weeks without escalation (RMST)"}
MAX_BAR_ROWS = 40  # designs shown in the probability plot
MAX_CURVES = 10  # Kaplan-Meier curves shown

_PARAMS_NOTE = ("Then one column per varied parameter, named by its dotted path "
                "(e.g. monitoring.coverage), with the value of the design point.")

# name -> (pandas dtype after a plain read_csv, unit, meaning)
SUMMARY_COLUMNS: dict[str, Column] = {
    "design_point": ("int64", "", "Design point identifier (joins runs.csv and design_points.csv)."),
    "label": ("object", "", "Design point label from the experiment file."),
    "scenario": ("object", "", "Base scenario of the design point. " + _PARAMS_NOTE),
    "runs": ("int64", "count", "Replicates analysed."),
    "escalations": ("int64", "count", "Runs with a renewed armed attack before the horizon."),
    "p_escalation": ("float64", "probability", "Share of runs that escalated before the horizon."),
    "p_low": ("float64", "probability", "Lower bound of the 95% Wilson interval of p_escalation."),
    "p_high": ("float64", "probability", "Upper bound of the 95% Wilson interval of p_escalation."),
    "median_weeks": ("float64", "weeks", "Kaplan-Meier median weeks to escalation; empty when S(t) stays "
                                         "above 0.5 up to the horizon."),
    "median_low": ("float64", "weeks", "Lower bound of the 95% interval of the median; empty if not reached."),
    "median_high": ("float64", "weeks", "Upper bound of the 95% interval of the median; empty if not reached."),
    **{k: v for t, w in SURVIVAL_TIMES.items() for k, v in {
        f"survival_{t}": ("float64", "probability", f"Kaplan-Meier probability the ceasefire holds after week "
                                                    f"{w} ({t[:-1]} year{'s' if t != '1y' else ''}); empty "
                                                    f"beyond the horizon."),
        f"survival_{t}_low": ("float64", "probability", f"Lower bound of the 95% interval of survival_{t}."),
        f"survival_{t}_high": ("float64", "probability", f"Upper bound of the 95% interval of survival_{t}."),
    }.items()},
    "rmst_weeks": ("float64", "weeks", "Restricted mean survival time: mean weeks the ceasefire held, "
                                       "up to the horizon."),
    "horizon_weeks": ("int64", "weeks", "Horizon of the runs (restriction time of rmst_weeks)."),
    "mean_violations_probe": ("float64", "count per run", "Mean Russian grey-zone violations (probes)."),
    "mean_violations_limited": ("float64", "count per run", "Mean Russian limited offensives."),
    "mean_violations_major": ("float64", "count per run", "Mean Russian renewed armed attacks."),
    "mean_ukraine_violations": ("float64", "count per run", "Mean minor violations by Ukrainian units."),
    "mean_false_alarms": ("float64", "count per run", "Mean reports of violations that did not happen."),
    "detection_rate": ("float64", "share", "Detections over all violations (Russian and Ukrainian), pooled "
                                           "over runs; empty when there was no violation."),
    "attribution_accuracy": ("float64", "share", "attributed_correctly / (attributed_correctly + "
                                                 "misattributed), pooled over runs; empty when none."),
}

DIFFERENCE_COLUMNS: dict[str, Column] = {
    "design_point": ("int64", "", "Design point compared with the reference."),
    "label": ("object", "", "Design point label."),
    "scenario": ("object", "", "Base scenario of the design point. " + _PARAMS_NOTE),
    "reference_design_point": ("int64", "", "Reference design point (manifest.json 'reference')."),
    "reference_label": ("object", "", "Label of the reference design point."),
    "pairs": ("int64", "count", "Replicates present for both (paired by replicate: same seed)."),
    "p_escalation": ("float64", "probability", "P(escalation) of the design point over the pairs."),
    "p_escalation_reference": ("float64", "probability", "P(escalation) of the reference over the pairs."),
    "diff_escalation": ("float64", "probability", "p_escalation - p_escalation_reference (mean paired "
                                                  "difference of the escalation indicator)."),
    "diff_low": ("float64", "probability", "Lower bound of the 95% Newcombe paired interval (method 10, "
                                           "Wilson score) of diff_escalation."),
    "diff_high": ("float64", "probability", "Upper bound of that interval."),
    "only_design_escalated": ("int64", "count", "Pairs where only the design point escalated."),
    "only_reference_escalated": ("int64", "count", "Pairs where only the reference escalated."),
    "p_value": ("float64", "probability", "Exact McNemar test of no difference in P(escalation) "
                                          "(two-sided binomial test on the discordant pairs)."),
    "rmst_weeks": ("float64", "weeks", "Mean weeks without escalation up to the horizon (RMST), design point."),
    "rmst_weeks_reference": ("float64", "weeks", "Same for the reference, over the same pairs."),
    "diff_rmst_weeks": ("float64", "weeks", "Mean paired difference in weeks without escalation "
                                            "(positive: the ceasefire holds longer than under the reference)."),
    "diff_rmst_low": ("float64", "weeks", "Lower bound of the 95% t interval of the per-pair differences; "
                                          "empty with fewer than two pairs."),
    "diff_rmst_high": ("float64", "weeks", "Upper bound of that interval."),
}

# Appended to summary.csv and differences.csv when the sweep drew constants from a posterior
# (runs.csv has posterior_draw): the interval from parameter uncertainty beside the one from chance.
POSTERIOR_SUMMARY_COLUMNS: dict[str, Column] = {
    "posterior_draws": ("int64", "count", "Parameter sets drawn from the posterior (replicate k used draw "
                                          "k % posterior_draws)."),
    "p_param_low": ("float64", "probability",
                    "Lower bound of the 95% prediction interval of P(escalation) across the posterior: where "
                    "P(escalation) lies under one parameter set the calibration allows (random effects over "
                    "the draws, DerSimonian-Laird tau, Higgins et al. 2009; chance within draws removed)."),
    "p_param_high": ("float64", "probability", "Upper bound of that interval (clipped to 0..1)."),
    "p_param_tau": ("float64", "probability", "Estimated spread (sd) of P(escalation) between parameter sets, "
                                              "chance removed; 0 when the draws differ no more than chance "
                                              "makes them."),
}
POSTERIOR_DIFFERENCE_COLUMNS: dict[str, Column] = {
    "posterior_draws": ("int64", "count", "Parameter sets drawn from the posterior."),
    "diff_param_low": ("float64", "probability",
                       "Lower bound of the 95% prediction interval of the paired difference across the "
                       "posterior (random effects over the draws, as p_param_low)."),
    "diff_param_high": ("float64", "probability", "Upper bound of that interval."),
    "diff_param_tau": ("float64", "probability", "Estimated spread (sd) of the paired difference between "
                                                 "parameter sets, chance removed."),
    "draws_same_sign": ("float64", "share", "Share of draws whose own paired difference has the sign of "
                                            "diff_escalation (draws with no difference count against; noisy "
                                            "with few runs a draw)."),
    "holds_across_posterior": ("object", "", "yes: the chance interval (diff_low..diff_high) and the prediction "
                                             "interval across the posterior both exclude 0 on the same side; "
                                             "no: chance decides the pooled sign, but the prediction interval "
                                             "for one parameter set includes 0; undecided: chance alone does "
                                             "not decide it."),
}

SENSITIVITY_COLUMNS: dict[str, Column] = {
    "parameter": ("object", "", "Varied parameter (dotted path)."),
    "role": ("object", "", "lever or uncertainty (manifest.json), or unspecified."),
    "output": ("object", "", "p_escalation (share of replicates escalating) or rmst_weeks (mean weeks "
                             "without escalation up to the horizon), per design point."),
    "method": ("object", "", "delta (SALib delta, valid for any sample) or sobol (SALib Sobol, only for a "
                             "Saltelli/Sobol sample)."),
    "index": ("object", "", "delta: moment-independent delta; S1: first-order; ST: total-order."),
    "value": ("float64", "index 0-1", "Estimated index."),
    "conf": ("float64", "index 0-1", "Half-width of the 95% bootstrap interval (SALib's *_conf)."),
    "low": ("float64", "index 0-1", "value - conf."),
    "high": ("float64", "index 0-1", "value + conf."),
}


# --- pure statistics -----------------------------------------------------------------------

@dataclass(frozen=True)
class DrawSpread:
    """A random-effects summary over posterior draws (one 'study' a draw)."""

    draws: int
    mean: float  # the random-effects mean over draws
    se: float  # its standard error
    tau: float  # DerSimonian-Laird estimate of the spread of the draws' true means (chance removed)
    low: float  # 95% prediction interval: where a parameter set drawn from the posterior puts the mean
    high: float


def between_draws(values: np.ndarray, draws: np.ndarray, *, confidence: float = CONFIDENCE) -> DrawSpread:
    """How the mean of ``values`` varies between posterior draws beyond chance.

    Random-effects meta-analysis with one study a draw: within-draw variances pooled over draws
    (a draw with no event then has the same weight as the others), tau^2 by DerSimonian & Laird
    (1986), and the prediction interval mean +- t(D-2) sqrt(tau^2 + se^2) of Higgins, Thompson &
    Spiegelhalter (2009): where the true mean under one parameter set the posterior allows lies.
    With no spread beyond chance it is the interval of the mean itself, a little wider (t, not z).
    """
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float), "d": np.asarray(draws)})
    g = frame.groupby("d")["v"]
    means, n = g.mean().to_numpy(), g.size().to_numpy()
    k = len(means)
    if k < 3:
        return DrawSpread(k, math.nan, math.nan, math.nan, math.nan, math.nan)
    resid = frame["v"].to_numpy() - frame["d"].map(g.mean()).to_numpy()
    pooled = float((resid ** 2).sum() / max(1, len(frame) - k))
    v = np.maximum(pooled, 1e-12) / n
    w = 1.0 / v
    m_fixed = float(np.sum(w * means) / np.sum(w))
    q = float(np.sum(w * (means - m_fixed) ** 2))
    c = float(np.sum(w) - np.sum(w ** 2) / np.sum(w))
    tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
    ws = 1.0 / (v + tau2)
    mean = float(np.sum(ws * means) / np.sum(ws))
    se = math.sqrt(1.0 / float(np.sum(ws)))
    half = float(stats.t.ppf(0.5 + confidence / 2, k - 2)) * math.sqrt(tau2 + se ** 2)
    return DrawSpread(k, mean, se, math.sqrt(tau2), mean - half, mean + half)


def posterior_summary(runs_df: pd.DataFrame, group_col: str = "design_point") -> pd.DataFrame:
    """Per group: the interval of P(escalation) from parameter uncertainty (POSTERIOR_SUMMARY_COLUMNS)."""
    rows = []
    for key, g in runs_df.groupby(group_col, sort=True):
        esc = g["escalated"].astype(bool).to_numpy(dtype=float)
        sp = between_draws(esc, g["posterior_draw"].to_numpy())
        lo, hi = (max(0.0, sp.low), min(1.0, sp.high)) if not math.isnan(sp.low) else (math.nan, math.nan)
        rows.append({group_col: key, "posterior_draws": sp.draws, "p_param_low": lo, "p_param_high": hi,
                     "p_param_tau": sp.tau})
    return pd.DataFrame(rows, columns=[group_col, *POSTERIOR_SUMMARY_COLUMNS])


def posterior_differences(runs_df: pd.DataFrame, differences: pd.DataFrame, reference_design_point: Any, *,
                          group_col: str = "design_point", pair_col: str = "replicate") -> pd.DataFrame:
    """Per compared group: does the paired difference hold across the posterior?
    (POSTERIOR_DIFFERENCE_COLUMNS; ``differences`` is ``paired_differences``' table)."""
    ref = runs_df[runs_df[group_col] == reference_design_point].drop_duplicates(pair_col).set_index(pair_col)
    rows = []
    for _, d in differences.iterrows():
        key = d[group_col]
        g = runs_df[runs_df[group_col] == key].drop_duplicates(pair_col).set_index(pair_col)
        common = g.index.intersection(ref.index).sort_values()
        row: dict[str, Any] = {group_col: key}
        if len(common) == 0:
            rows.append(row)
            continue
        diff = (g.loc[common, "escalated"].astype(bool).to_numpy(dtype=float)
                - ref.loc[common, "escalated"].astype(bool).to_numpy(dtype=float))
        draws = g.loc[common, "posterior_draw"].to_numpy()
        sp = between_draws(diff, draws)
        mean = float(diff.mean())
        per_draw = pd.Series(diff).groupby(draws).mean()
        sign = np.sign(mean)
        same = float((np.sign(per_draw) == sign).mean()) if sign != 0 else math.nan
        chance_lo, chance_hi = float(d["diff_low"]), float(d["diff_high"])
        if not (chance_lo > 0 or chance_hi < 0):
            verdict = "undecided"
        elif (chance_lo > 0 and sp.low > 0) or (chance_hi < 0 and sp.high < 0):
            verdict = "yes"
        else:
            verdict = "no"
        row.update(posterior_draws=sp.draws, diff_param_low=sp.low, diff_param_high=sp.high,
                   diff_param_tau=sp.tau, draws_same_sign=same, holds_across_posterior=verdict)
        rows.append(row)
    return pd.DataFrame(rows, columns=[group_col, *POSTERIOR_DIFFERENCE_COLUMNS])


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k/n; (nan, nan) when n is 0."""
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    z = _z(confidence)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low, high = centre - half, centre + half
    # exact at the boundaries (rounding would otherwise leave 1e-17)
    return (0.0 if k == 0 else max(0.0, low), 1.0 if k == n else min(1.0, high))


def newcombe_paired_interval(both: int, only_first: int, only_second: int, neither: int,
                             confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Newcombe's (1998, method 10) interval for p1 - p2 from paired binary outcomes.

    ``only_first``: pairs where only the first member had the event. Square-and-add of the
    two Wilson intervals, with the continuity-corrected correlation phi of the 2x2 table.
    """
    n = both + only_first + only_second + neither
    if n == 0:
        return (math.nan, math.nan)
    p1, p2 = (both + only_first) / n, (both + only_second) / n
    d = p1 - p2
    l1, u1 = wilson_interval(both + only_first, n, confidence)
    l2, u2 = wilson_interval(both + only_second, n, confidence)
    margins = [both + only_first, only_second + neither, both + only_second, only_first + neither]
    phi = 0.0
    if min(margins) > 0:
        a = both * neither - only_first * only_second
        a = a - n / 2 if a > n / 2 else (0.0 if a >= 0 else a)
        phi = a / math.sqrt(math.prod(margins))
    lo = d - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    hi = d + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return (max(-1.0, lo), min(1.0, hi))


def _km_fitter(durations: Iterable[float], observed: Iterable[bool], confidence: float = CONFIDENCE):
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter(alpha=1.0 - confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kmf.fit(np.asarray(list(durations), dtype=float), np.asarray(list(observed), dtype=bool))
    return kmf


def _km_at(kmf: Any, times: Sequence[float], horizon: float) -> pd.DataFrame:
    times = [float(t) for t in times]
    out = pd.DataFrame(np.nan, index=pd.Index(times, name="time"), columns=["survival", "low", "high"])
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_survival_function_
    grid = sf.index.to_numpy(dtype=float)
    for t in times:
        if t > horizon or t < 0:
            continue
        i = int(np.searchsorted(grid, t, side="right")) - 1  # step function: last change at or before t
        s = float(sf.iloc[i]) if i >= 0 else 1.0
        lo, hi = (float(ci.iloc[i, 0]), float(ci.iloc[i, 1])) if i >= 0 else (1.0, 1.0)
        if s >= 1.0:  # no event yet: the log-log interval is undefined; lifelines gives [nan|1, 1]
            lo = hi = 1.0
        out.loc[t] = (s, lo, hi)
    return out


def _km_median(kmf: Any) -> tuple[float, float, float]:
    from lifelines.utils import median_survival_times

    med = float(kmf.median_survival_time_)
    ci = median_survival_times(kmf.confidence_interval_survival_function_)
    lo, hi = float(ci.iloc[0, 0]), float(ci.iloc[0, 1])
    finite = lambda x: x if math.isfinite(x) else math.nan  # noqa: E731
    return (finite(med), finite(lo), finite(hi))


def km_survival(durations: Iterable[float], observed: Iterable[bool], times: Sequence[float], *,
                horizon: float | None = None, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Kaplan-Meier S(t) = P(no event in 0..t) at ``times``, with lifelines' interval.

    Returns a frame indexed by time with columns ``survival``, ``low``, ``high``. Times
    beyond ``horizon`` (default: the largest duration) give NaN: not observed.
    """
    durations = np.asarray(list(durations), dtype=float)
    if durations.size == 0:
        return pd.DataFrame(np.nan, index=pd.Index([float(t) for t in times], name="time"),
                            columns=["survival", "low", "high"])
    horizon = float(durations.max()) if horizon is None else float(horizon)
    return _km_at(_km_fitter(durations, observed, confidence), times, horizon)


def km_median(durations: Iterable[float], observed: Iterable[bool],
              confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Kaplan-Meier median time with its interval (lifelines); NaN where not reached."""
    durations = list(durations)
    if not durations:
        return (math.nan, math.nan, math.nan)
    return _km_median(_km_fitter(durations, observed, confidence))


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else math.nan


def escalation_summary(runs_df: pd.DataFrame, group_cols: Sequence[str] | str) -> pd.DataFrame:
    """One row a group of runs: escalation probability, survival, violations, monitoring.

    ``runs_df`` has the runs.csv columns (``escalated``, ``survival_weeks``,
    ``horizon_weeks``, violation and attribution counts); the result has ``group_cols``
    then the statistics of ``SUMMARY_COLUMNS`` from ``runs`` on, sorted by the groups.
    """
    group_cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    rows = []
    for key, g in runs_df.groupby(group_cols, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        n = len(g)
        esc = g["escalated"].astype(bool).to_numpy()
        k = int(esc.sum())
        horizon = int(g["horizon_weeks"].max())
        dur = g["survival_weeks"].to_numpy(dtype=float)
        p_lo, p_hi = wilson_interval(k, n)
        kmf = _km_fitter(dur, esc)
        med, med_lo, med_hi = _km_median(kmf)
        surv = _km_at(kmf, list(SURVIVAL_TIMES.values()), horizon)
        row: dict[str, Any] = dict(zip(group_cols, key))
        row.update(runs=n, escalations=k, p_escalation=k / n, p_low=p_lo, p_high=p_hi,
                   median_weeks=med, median_low=med_lo, median_high=med_hi)
        for name, w in SURVIVAL_TIMES.items():
            s, lo, hi = surv.loc[float(w)]
            row.update({f"survival_{name}": s, f"survival_{name}_low": lo, f"survival_{name}_high": hi})
        violations = sum(g[c].sum() for c in VIOLATION_COLUMNS)
        attributed = g["attributed_correctly"].sum() + g["misattributed"].sum()
        row.update(
            rmst_weeks=float(np.minimum(dur, horizon).mean()),
            horizon_weeks=horizon,
            mean_violations_probe=g["violations_probe"].mean(),
            mean_violations_limited=g["violations_limited"].mean(),
            mean_violations_major=g["violations_major"].mean(),
            mean_ukraine_violations=g["ukraine_violations"].mean(),
            mean_false_alarms=g["false_alarms"].mean(),
            detection_rate=_ratio(g["detected"].sum(), violations),
            attribution_accuracy=_ratio(g["attributed_correctly"].sum(), attributed),
        )
        rows.append(row)
    stat_cols = list(SUMMARY_COLUMNS)[list(SUMMARY_COLUMNS).index("runs"):]
    return pd.DataFrame(rows, columns=[*group_cols, *stat_cols])


def paired_differences(runs_df: pd.DataFrame, reference_design_point: Any, *,
                       group_col: str = "design_point", pair_col: str = "replicate",
                       confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Paired differences of every group against the reference group.

    Runs are paired by ``pair_col`` (replicate k of every design point shares its seed:
    common random numbers). Escalation: mean paired difference of the indicator with
    Newcombe's paired interval and an exact McNemar p-value. Time: mean paired
    difference of the restricted survival time min(survival_weeks, horizon) (the RMST
    difference, since censoring happens only at the horizon) with a t interval.
    The reference itself has no row. Columns: ``group_col``, ``reference_<group_col>``,
    then ``DIFFERENCE_COLUMNS`` from ``pairs`` on.
    """
    ref_col = f"reference_{group_col}"
    stat_cols = list(DIFFERENCE_COLUMNS)[list(DIFFERENCE_COLUMNS).index("pairs"):]
    ref = runs_df[runs_df[group_col] == reference_design_point]
    if ref.empty:
        raise ValueError(f"reference {group_col} {reference_design_point!r} has no runs")
    ref = ref.drop_duplicates(pair_col).set_index(pair_col)
    t_crit = lambda df: float(stats.t.ppf(0.5 + confidence / 2, df))  # noqa: E731
    rows = []
    for key, g in runs_df.groupby(group_col, sort=True):
        if key == reference_design_point:
            continue
        g = g.drop_duplicates(pair_col).set_index(pair_col)
        common = g.index.intersection(ref.index).sort_values()
        n = len(common)
        row: dict[str, Any] = {group_col: key, ref_col: reference_design_point, "pairs": n}
        if n == 0:
            rows.append(row)
            continue
        a = g.loc[common, "escalated"].astype(bool).to_numpy()
        b = ref.loc[common, "escalated"].astype(bool).to_numpy()
        both, only_a, only_b = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
        lo, hi = newcombe_paired_interval(both, only_a, only_b, n - both - only_a - only_b, confidence)
        discordant = only_a + only_b
        p_value = float(stats.binomtest(only_a, discordant, 0.5).pvalue) if discordant else 1.0
        tau = min(float(g.loc[common, "horizon_weeks"].min()), float(ref.loc[common, "horizon_weeks"].min()))
        ta = np.minimum(g.loc[common, "survival_weeks"].to_numpy(dtype=float), tau)
        tb = np.minimum(ref.loc[common, "survival_weeks"].to_numpy(dtype=float), tau)
        d = ta - tb
        if n >= 2:
            half = t_crit(n - 1) * float(d.std(ddof=1)) / math.sqrt(n)
            d_lo, d_hi = float(d.mean()) - half, float(d.mean()) + half
        else:
            d_lo = d_hi = math.nan
        row.update(p_escalation=a.mean(), p_escalation_reference=b.mean(), diff_escalation=a.mean() - b.mean(),
                   diff_low=lo, diff_high=hi, only_design_escalated=only_a, only_reference_escalated=only_b,
                   p_value=p_value, rmst_weeks=ta.mean(), rmst_weeks_reference=tb.mean(),
                   diff_rmst_weeks=float(d.mean()), diff_rmst_low=d_lo, diff_rmst_high=d_hi)
        rows.append(row)
    return pd.DataFrame(rows, columns=[group_col, ref_col, *stat_cols])


# --- main effects and sensitivity ----------------------------------------------------------

def design_outputs(runs_df: pd.DataFrame) -> pd.DataFrame:
    """Per design point: p_escalation and rmst_weeks (the outputs of the sensitivity analysis)."""
    g = runs_df.assign(_t=np.minimum(runs_df["survival_weeks"], runs_df["horizon_weeks"]).astype(float),
                       _e=runs_df["escalated"].astype(float)).groupby("design_point", sort=True)
    return pd.DataFrame({"p_escalation": g["_e"].mean(), "rmst_weeks": g["_t"].mean()})


def main_effects(runs_df: pd.DataFrame, params: Sequence[str], *, bins: int = 5,
                 max_levels: int = 8) -> pd.DataFrame:
    """P(escalation) by level of each parameter, pooled over every other factor.

    Parameters with at most ``max_levels`` distinct values (grids, switches, categories)
    keep their levels; continuous ones (LHS, Sobol) are cut into ``bins`` quantile bins.
    Columns: parameter, level (text), x (numeric position or NaN), runs, escalations,
    p_escalation, p_low, p_high, binned.
    """
    rows = []
    for p in params:
        col = runs_df[p]
        binned = col.nunique(dropna=True) > max_levels and pd.api.types.is_numeric_dtype(col)
        if binned:
            cats = pd.qcut(col, q=bins, duplicates="drop")
            groups = runs_df.groupby(cats, observed=True, sort=True)
        else:
            groups = runs_df.groupby(col, sort=True, dropna=True)
        for level, g in groups:
            n, k = len(g), int(g["escalated"].astype(bool).sum())
            lo, hi = wilson_interval(k, n)
            if binned:
                text, x = f"{level.left:.3g}-{level.right:.3g}", float(g[p].mean())
            else:
                text = str(level)
                x = float(level) if pd.api.types.is_number(level) and not isinstance(level, bool) else math.nan
            rows.append(dict(parameter=p, level=text, x=x, runs=n, escalations=k, p_escalation=k / n,
                             p_low=lo, p_high=hi, binned=bool(binned)))
    return pd.DataFrame(rows, columns=["parameter", "level", "x", "runs", "escalations", "p_escalation",
                                       "p_low", "p_high", "binned"])


def _saltelli_blocks(X: np.ndarray) -> bool | None:
    """calc_second_order if X (rows in design order) has SALib's Sobol sample layout, else None."""
    n, d = X.shape
    for second, step in ((True, 2 * d + 2), (False, d + 2)):
        if d < 1 or n % step or n < 2 * step:
            continue
        blocks = X.reshape(n // step, step, d)
        A, B = blocks[:, 0, :], blocks[:, -1, :]
        ok = True
        for i in range(d):
            ab = A.copy()
            ab[:, i] = B[:, i]
            if not np.allclose(blocks[:, 1 + i, :], ab, rtol=1e-6, atol=1e-9):
                ok = False
                break
        if ok:
            return second
    return None


@contextlib.contextmanager
def _quiet_salib() -> Iterator[None]:
    """SALib prints notices, resets warning filters and seeds numpy's global generator:
    keep all three to this call. One BLAS thread when threadpoolctl is there (the many
    tiny KDE solves run several times slower threaded)."""
    state = np.random.get_state()
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings(record=True))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        try:
            from threadpoolctl import threadpool_limits
            stack.enter_context(threadpool_limits(1))
        except ImportError:
            pass
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            np.random.set_state(state)


def sensitivity_indices(design_df: pd.DataFrame, outputs: pd.DataFrame, params: Sequence[str], *,
                        roles: dict[str, str] | None = None, design_kind: str = "lhs",
                        seed: int = 12345, notes: list[str] | None = None) -> pd.DataFrame:
    """Global sensitivity indices of each output to the numeric varied parameters (SALib).

    ``design_df`` has one row a design point (``design_point`` and the parameters),
    ``outputs`` is indexed by design point. The delta index (valid for any sample) is
    always computed; Sobol S1/ST too when the design is a Saltelli/Sobol sample in order.
    Raises ImportError when SALib is missing. Problems go to ``notes``.
    """
    from SALib.analyze import delta as salib_delta
    from SALib.analyze import sobol as salib_sobol

    notes = notes if notes is not None else []
    roles = roles or {}
    d = design_df.set_index("design_point").sort_index().join(outputs, how="inner")
    usable = []
    for p in params:
        col = d[p]
        if col.dtype == bool:
            d[p] = col.astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            notes.append(f"sensitivity: {p} is not numeric ({col.dropna().unique()[:3].tolist()}...), left out")
            continue
        if d[p].nunique() < 2:
            continue
        usable.append(p)
    rows = []
    if not usable or len(d) < 10:
        notes.append("sensitivity: needs at least one numeric varied parameter and 10 design points; skipped")
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    X = d[usable].to_numpy(dtype=float)
    problem = {"num_vars": len(usable), "names": list(usable),
               "bounds": [[float(X[:, i].min()), float(X[:, i].max())] for i in range(len(usable))]}
    second = _saltelli_blocks(X) if design_kind == "sobol" else None
    if design_kind == "sobol" and second is None:
        notes.append("sensitivity: the Sobol design is not in SALib's Saltelli layout; delta index only")
    for out in OUTPUTS:
        Y = d[out].to_numpy(dtype=float)
        if np.nanstd(Y) == 0:
            notes.append(f"sensitivity: {out} is the same at every design point; no index")
            continue
        results: list[tuple[str, str, Any]] = []
        with _quiet_salib():
            # one input at a time: the delta and its S1 are marginal, and SALib gives up on a
            # whole call when one input's density estimate is singular
            bins = max(2, min(10, len(Y) // 10))  # SALib >= 1.5 bins each input, 10 points a bin
            takes_bins = "bins_specs" in inspect.signature(salib_delta.analyze).parameters
            per_input: dict[str, list] = {"delta": [], "delta_conf": [], "S1": [], "S1_conf": []}
            for i, p in enumerate(usable):
                one = {"num_vars": 1, "names": [p], "bounds": [problem["bounds"][i]]}
                kw = {"bins_specs": {p: bins}} if takes_bins else {}
                try:
                    r = dict(salib_delta.analyze(one, X[:, i : i + 1], Y, num_resamples=100,
                                                 conf_level=CONFIDENCE, seed=seed, **kw))
                    if "delta_raw" in r:  # SALib >= 1.5: the classic given-data estimator is 'raw'
                        r["delta"], r["delta_conf"] = r["delta_raw"], r["delta_raw_conf"]
                    got = {k: float(np.asarray(r[k])[0]) for k in per_input}
                except Exception as exc:  # SALib raises bare errors on degenerate samples
                    notes.append(f"sensitivity: no delta index of {p} for {out} ({str(exc)[:120]})")
                    got = {k: math.nan for k in per_input}
                for k in per_input:
                    per_input[k].append(got[k])
            results += [("delta", "delta", per_input), ("delta", "S1", per_input)]
            if second is not None:
                try:
                    r = salib_sobol.analyze(problem, Y, calc_second_order=second, num_resamples=100,
                                            conf_level=CONFIDENCE, seed=seed)
                    results += [("sobol", "S1", r), ("sobol", "ST", r)]
                except Exception as exc:
                    notes.append(f"sensitivity: Sobol analysis failed for {out} ({exc})")
        for method, index, r in results:
            for i, p in enumerate(usable):
                v, c = float(r[index][i]), float(r[f"{index}_conf"][i])
                if not math.isfinite(v):
                    continue
                rows.append(dict(parameter=p, role=roles.get(p, "unspecified"), output=out, method=method, index=index,
                                 value=v, conf=c, low=v - c, high=v + c))
    df = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    return df.sort_values(["output", "method", "index", "parameter"], kind="stable").reset_index(drop=True)


# --- reading and writing -------------------------------------------------------------------

def _format(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6f}"
    return v


def _param_cell(v: Any) -> Any:
    """Parameter values as runs.csv writes them (repr of the rounded float)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return repr(round(float(v), 10))
    return v


def table_text(df: pd.DataFrame, params: Sequence[str] = ()) -> str:
    """CSV text with fixed formatting: six decimals, empty for missing, params as given."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(df.columns))
    pset = set(params)
    for rec in df.itertuples(index=False, name=None):
        w.writerow([_param_cell(v) if c in pset else _format(v) for c, v in zip(df.columns, rec)])
    return buf.getvalue()


def _usage_error(message: str) -> Exception:
    try:
        from sim.cli import UsageError
        return UsageError(message)
    except ImportError:  # pragma: no cover
        return ValueError(message)


_DECLARED_EXTRA = {"design_point": ("int64", "", ""), "replicate": ("int64", "", ""),
                   "posterior_draw": ("int64", "", "")}
# The runs.csv columns the analysis reads (the others are carried along unchecked).
RUNS_READ = ("scenario", "horizon_weeks", "escalated", "survival_weeks", *VIOLATION_COLUMNS, "detected",
             "false_alarms", "attributed_correctly", "misattributed")
_ALLOWED = {"int64": "a whole number", "float64": "a number or an empty cell", "bool": "True or False",
            "object": "text"}


def _bad(path: Path, message: str, line: int | None = None, key: str = "", given: Any = None,
         has_given: bool = False, allowed: str = "") -> Exception:
    from sim.config import ConfigError, Problem

    return ConfigError([Problem(str(path), message, line, key, given, allowed, has_given)])


def read_runs(path: Path, *, partial: bool = False, notes: list[str] | None = None) -> pd.DataFrame:
    """runs.csv checked against its declared columns (``sim.outputs.RUN_COLUMNS``).

    Raises ConfigError naming the file, line, column, the value given and what is allowed.
    ``partial``: an unfinished sweep, whose last line may be torn by a kill (it is skipped).
    """
    from sim.outputs import RUN_COLUMNS

    path = Path(path)
    allowed_file = "runs.csv as `python -m sim sweep` or `run` writes it"
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4096)
            f.seek(max(0, size - 1))
            last = f.read(1)
    except OSError as exc:
        raise _bad(path, f"cannot read the file ({exc.strerror})") from None
    if b"\x00" in head:
        raise _bad(path, "binary, not a CSV file", allowed=allowed_file)
    try:
        runs = pd.read_csv(path, low_memory=False, encoding="utf-8", on_bad_lines="error")
    except pd.errors.EmptyDataError:
        raise _bad(path, "empty: no header and no runs", allowed=allowed_file) from None
    except pd.errors.ParserError as exc:
        import re

        m = re.search(r"line (\d+)", str(exc))
        raise _bad(path, f"not a well-formed CSV file ({str(exc).split('. ', 1)[-1].strip()})",
                   int(m.group(1)) if m else None,
                   allowed="one cell per column on every line, as in the header") from None
    except UnicodeDecodeError as exc:
        raise _bad(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", allowed=allowed_file) from None
    except (ValueError, OverflowError, MemoryError) as exc:
        raise _bad(path, f"cannot be read as a table ({exc})", allowed=allowed_file) from None
    if partial and size and last != b"\n" and len(runs):
        runs = runs.iloc[:-1]  # the line a kill cut short; --resume runs it again
        if notes is not None:
            notes.append("skipped the last line of runs.csv, cut short when the sweep was stopped")
    elif size and last != b"\n" and len(runs) and _last_line_short(path, len(runs.columns)):
        # pandas fills the missing cells of a short last line with NaN: say it is torn instead
        raise _bad(path, "the last line is cut short (fewer cells than the header)", _line_of_row(path, len(runs) - 1),
                   allowed="one cell per column on every line, as in the header")
    header = [str(c) for c in runs.columns]
    dups = [c for c in header if c.endswith(".1") and c[:-2] in header]
    missing = [c for c in RUNS_READ if c not in runs.columns]
    if missing or dups:
        raise _bad(path, "missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing) if missing
                   else f"column {dups[0][:-2]} named twice", 1,
                   allowed="the columns of docs/OUTPUTS.md (runs.csv)")
    if runs.empty:
        raise _bad(path, "no runs yet; nothing to analyse", 1)
    declared = {**_DECLARED_EXTRA, **{c: RUN_COLUMNS[c] for c in RUNS_READ}}
    for col, (dtype, _unit, _doc) in declared.items():
        if col not in runs.columns:
            continue
        got = str(runs[col].dtype)
        if dtype == "bool" and got == "int64" and runs[col].isin([0, 1]).all():
            runs[col] = runs[col].astype(bool)  # 0/1 read as False/True
            continue
        ok = (got == dtype or (dtype == "float64" and got in ("int64", "float64"))
              or (dtype == "object"))
        if not ok:
            line, cell = _first_bad_cell(path, col, dtype)
            raise _bad(path, "not the declared type", line, col, cell, cell is not None, _ALLOWED[dtype])
        if dtype == "float64":
            runs[col] = runs[col].astype("float64")
        elif dtype == "object":
            runs[col] = runs[col].astype(str).where(runs[col].notna(), None)
    checks = [("horizon_weeks", runs["horizon_weeks"] >= 1, "a whole number, 1 or more"),
              ("survival_weeks", (runs["survival_weeks"] >= 0) & (runs["survival_weeks"] <= runs["horizon_weeks"]),
               "a whole number from 0 to horizon_weeks")]
    for col in ("design_point", "replicate", "posterior_draw"):
        if col in runs.columns:
            checks.append((col, runs[col] >= 0, "a whole number, 0 or more"))
    for col, good, allowed in checks:
        if not good.all():
            i = int(np.flatnonzero(~good.to_numpy())[0])
            raise _bad(path, "out of range", _line_of_row(path, i), col, runs[col].iloc[i], True, allowed)
    if {"design_point", "replicate"} <= set(runs.columns):
        twice = runs.duplicated(["design_point", "replicate"])
        if twice.any():
            i = int(np.flatnonzero(twice.to_numpy())[0])
            raise _bad(path, f"design point {runs['design_point'].iloc[i]}, replicate "
                             f"{runs['replicate'].iloc[i]} appears twice", _line_of_row(path, i), "replicate",
                       allowed="one run per design point and replicate")
    return runs


def _last_line_short(path: Path, columns: int) -> bool:
    """The file's last line has fewer cells than ``columns`` (read from its end only)."""
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 65536))
        tail = f.read().decode("utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(tail.rsplit("\n", 1)[-1])))
    return bool(rows) and len(rows[-1]) < columns


def _line_of_row(path: Path, index: int) -> int | None:
    """File line of data row ``index`` (pandas skips blank lines)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        n = -1
        for row in reader:
            if row:
                n += 1
                if n == index:
                    return reader.line_num
    return None


def _first_bad_cell(path: Path, col: str, dtype: str) -> tuple[int | None, Any]:
    """Line and text of the first cell of ``col`` that is not a ``dtype``."""
    import re

    pattern = {"int64": r"[-+]?\d+", "bool": r"True|False|true|false|TRUE|FALSE|0|1"}.get(dtype)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if col not in header:
            return None, None
        i = header.index(col)
        for row in reader:
            if not row:
                continue
            cell = row[i] if i < len(row) else ""
            if dtype == "float64":
                try:
                    float(cell) if cell.strip() else None
                    continue
                except ValueError:
                    return reader.line_num, cell
            if pattern and not re.fullmatch(pattern, cell.strip()):
                return reader.line_num, cell
    return None, None


def _read_table(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise _bad(path, f"cannot be read as the {what} ({str(exc).strip()[:200]})",
                   allowed=f"{path.name} as the tool writes it") from None


def load_sweep(directory: Path, notes: list[str] | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], list[str]]:
    """runs.csv, design_points.csv (derived when absent), manifest.json ({} when absent), params.

    Every file is checked first: a damaged one raises ConfigError (file, line, column, value,
    what is allowed) before anything is written.
    """
    directory = Path(directory)
    runs_path = directory / "runs.csv"
    if not runs_path.is_file():
        raise _usage_error(f"{directory}: no runs.csv here; give the folder a sweep wrote "
                           f"(e.g. results/quick/)")
    manifest: dict[str, Any] = {}
    if (directory / "manifest.json").is_file():
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _bad(directory / "manifest.json", f"not valid JSON ({exc})",
                       allowed="the manifest the tool writes (or remove it)") from None
        if not isinstance(manifest, dict):
            raise _bad(directory / "manifest.json", "not a JSON object", allowed="the manifest the tool writes")
    runs = read_runs(runs_path, partial=manifest.get("status") == "partial", notes=notes)
    if "design_point" not in runs:  # a single `python -m sim run` folder, or runs of several scenarios
        if "replicate" in runs:
            raise _bad(runs_path, "has replicate but no design_point column", 1)
        runs.insert(1, "design_point", pd.factorize(runs["scenario"], sort=True)[0])
        runs.insert(2, "replicate", runs.groupby("design_point").cumcount())
    elif "replicate" not in runs:
        raise _bad(runs_path, "has design_point but no replicate column", 1)
    dp_path = directory / "design_points.csv"
    if dp_path.is_file():
        design = _read_table(dp_path, "design points")
        for col in ("design_point", "label", "scenario"):
            if col not in design.columns:
                raise _bad(dp_path, f"missing column {col}", 1, allowed="design_point, label, scenario, parameters")
        if str(design["design_point"].dtype) != "int64" or design["design_point"].duplicated().any():
            raise _bad(dp_path, "design_point must be whole numbers, each once", key="design_point")
        design["label"] = design["label"].astype(str)
        design["scenario"] = design["scenario"].astype(str)
        unknown = sorted(set(runs["design_point"]) - set(design["design_point"]))
        if unknown:
            raise _bad(runs_path, f"design point {unknown[0]} is not in design_points.csv", key="design_point",
                       given=unknown[0], has_given=True, allowed="the design points listed in design_points.csv")
    else:
        design = runs.drop_duplicates("design_point")[["design_point", "scenario"]].copy()
        design.insert(1, "label", design["scenario"])
    fixed = {"design_point", "label", "scenario"}
    params = [c for c in design.columns if c not in fixed]
    design = design.sort_values("design_point").reset_index(drop=True)
    return runs, design, manifest, params


def _reference(manifest: dict[str, Any], design: pd.DataFrame, notes: list[str]) -> int | None:
    ref = manifest.get("reference")
    if isinstance(ref, dict):
        ref = ref.get("design_point", ref.get("label"))
    if isinstance(ref, str) and not ref.isdigit():
        match = design.loc[design["label"] == ref, "design_point"]
        ref = int(match.iloc[0]) if len(match) else None
    if ref is not None and (isinstance(ref, bool) or not isinstance(ref, (int, str))):
        notes.append(f"manifest.json: reference {ref!r} is not a design point; ignored")
        ref = None
    if ref is None:
        if len(design) < 2:
            return None
        ref = int(design["design_point"].iloc[0])
        notes.append(f"no reference design in manifest.json: differences are against design point {ref}")
    return int(ref)


@dataclass
class SweepTables:
    """The analysis of a sweep, in memory: what ``analyze_directory`` writes, before formatting."""

    summary: pd.DataFrame  # one row a design point (SUMMARY_COLUMNS)
    differences: pd.DataFrame  # paired differences against the reference (DIFFERENCE_COLUMNS)
    sensitivity: pd.DataFrame | None  # LHS/Sobol designs with SALib installed (SENSITIVITY_COLUMNS)
    reference: int | None
    params: list[str]  # every parameter column of the design
    varied: list[str]  # those that take more than one value
    roles: dict[str, str]
    kind: str  # the design: grid, lhs, sobol, scenarios, scenarios+grid, ...
    horizon: int
    notes: list[str] = field(default_factory=list)


def analyze_runs(runs: pd.DataFrame, design: pd.DataFrame, manifest: dict[str, Any],
                 params: Sequence[str], notes: Sequence[str] | None = None) -> SweepTables:
    """Summary, paired differences and sensitivity of a sweep's runs (nothing written).

    ``runs``, ``design`` and ``manifest`` are runs.csv, design_points.csv and manifest.json
    as ``load_sweep`` reads them; ``params`` the design's parameter columns.
    """
    params = list(params)
    notes = list(notes or [])
    status = manifest.get("status")
    if status not in (None, "complete"):
        notes.append(f"sweep status is {status!r}: the tables cover the {len(runs)} runs written so far")
    kind = str(manifest.get("design", "scenarios"))
    roles = {p: "lever" for p in _names(manifest.get("levers"))}
    roles.update({p: "uncertainty" for p in _names(manifest.get("uncertainties"))})
    varied = [p for p in params if design[p].nunique(dropna=True) > 1]
    head = design[["design_point", "label", "scenario", *params]]

    # summary: every design point, runs or not
    stats_df = escalation_summary(runs, ["design_point"])
    summary = head.merge(stats_df, on="design_point", how="left")
    summary["runs"] = summary["runs"].fillna(0).astype("int64")
    summary["escalations"] = summary["escalations"].fillna(0).astype("int64")
    h = manifest.get("horizon_weeks")
    fallback = h if isinstance(h, int) else int(runs["horizon_weeks"].max())
    summary["horizon_weeks"] = summary["horizon_weeks"].fillna(fallback).astype("int64")
    summary = summary.sort_values("design_point").reset_index(drop=True)

    # paired differences against the reference
    ref = _reference(manifest, design, notes)
    diff_cols = ["design_point", "label", "scenario", *params,
                 *list(DIFFERENCE_COLUMNS)[list(DIFFERENCE_COLUMNS).index("reference_design_point"):]]
    differences = pd.DataFrame(columns=diff_cols)
    if ref is not None and (runs["design_point"] == ref).any():
        d = paired_differences(runs, ref)
        d.insert(2, "reference_label", str(design.loc[design["design_point"] == ref, "label"].iloc[0]))
        differences = head.merge(d, on="design_point", how="inner")[diff_cols]
        differences = differences.sort_values("design_point").reset_index(drop=True)
    elif ref is not None:
        notes.append(f"reference design point {ref} has no runs: no differences")

    # parameter uncertainty: the sweep drew constants from a posterior (runs.csv posterior_draw)
    if "posterior_draw" in runs.columns:
        summary = summary.merge(posterior_summary(runs), on="design_point", how="left")
        if len(differences):
            differences = differences.merge(posterior_differences(runs, differences, ref), on="design_point",
                                            how="left")
        if runs["posterior_draw"].nunique() < 2:
            notes.append("one posterior draw only: no interval from parameter uncertainty")

    # sensitivity (LHS / Sobol), SALib optional
    sensitivity = None
    if kind in ("lhs", "sobol"):
        try:
            import SALib  # noqa: F401
        except ImportError:
            notes.append("sensitivity indices skipped: SALib is not installed "
                         "(pip install 'paris-guarantees-sim[sensitivity]')")
        else:
            sensitivity = sensitivity_indices(design, design_outputs(runs), varied, roles=roles,
                                              design_kind=kind, notes=notes)
    horizon = int(summary["horizon_weeks"].max())
    return SweepTables(summary, differences, sensitivity, ref, params, varied, roles, kind, horizon, notes)


def analyze_directory(directory: Path, *, quiet: bool = False, shown_as: Path | None = None) -> pd.DataFrame:
    """Write summary.csv, differences.csv, sensitivity.csv and the plots of a sweep folder.

    Returns the summary (one row a design point). Prints a headline table and notes
    (skipped parts, partial sweeps) unless ``quiet``.
    """
    return analyze_and_write(Path(directory), quiet=quiet, shown_as=shown_as).summary


def analyze_and_write(directory: Path, *, quiet: bool = False, shown_as: Path | None = None) -> SweepTables:
    """``analyze_directory``, returning every table."""
    from sim.experiments import plots

    directory = Path(directory)
    notes: list[str] = []
    runs, design, manifest, params = load_sweep(directory, notes)
    t = analyze_runs(runs, design, manifest, params, notes)
    atomic_write(directory / "summary.csv", table_text(t.summary, params))
    atomic_write(directory / "differences.csv", table_text(t.differences, params))
    if t.sensitivity is not None:
        atomic_write(directory / "sensitivity.csv", table_text(t.sensitivity))
    written = plots.write_all(directory, runs=runs, summary=t.summary, reference=t.reference, varied=t.varied,
                              roles=t.roles, kind=t.kind, sensitivity=t.sensitivity, horizon=t.horizon,
                              notes=t.notes)
    if not quiet:
        print(headline(t.summary, reference=t.reference))
        files = ["summary.csv", "differences.csv"] + (["sensitivity.csv"] if t.sensitivity is not None else [])
        print(f"wrote {', '.join(files + written)} to {shown_as or directory}/")
        for note in t.notes:
            print(f"note: {note}")
    return t


def _names(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def headline(summary: pd.DataFrame, *, reference: int | None = None, max_rows: int = 30) -> str:
    """Short text table: design label, runs, P(escalation) [95% CI], median weeks."""
    s = summary
    truncated = len(s) > max_rows
    if truncated:
        s = s.sort_values(["p_escalation", "design_point"], ascending=[False, True]).head(max_rows)
    labels = [str(lab) + (" (reference)" if dp == reference else "") for dp, lab in zip(s["design_point"], s["label"])]
    width = max([len("design"), *map(len, labels)])  # never cut: labels that differ late must differ here
    posterior = "p_param_low" in s.columns
    extra = f"  {'from constants':<14}" if posterior else ""
    lines = [f"{'design':<{width}}  {'runs':>5}  {'P(escalation) [95% CI]':<22}{extra}  median weeks to escalation"]
    for lab, r in zip(labels, s.itertuples(index=False)):
        p = (f"{r.p_escalation:.2f} [{r.p_low:.2f}, {r.p_high:.2f}]" if r.runs else "no runs")
        if posterior:
            par = (f"[{r.p_param_low:.2f}, {r.p_param_high:.2f}]" if r.runs and not math.isnan(r.p_param_low)
                   else "-")
            p = f"{p:<22}  {par:<14}"
        med = (f"{r.median_weeks:.0f} [{_fmt_weeks(r.median_low)}, {_fmt_weeks(r.median_high, r.horizon_weeks)}]"
               if r.runs and not math.isnan(r.median_weeks) else f"not reached in {r.horizon_weeks} weeks")
        lines.append(f"{lab:<{width}}  {r.runs:>5}  {p:<22}  {med}")
    if truncated:
        lines.append(f"... {len(summary) - max_rows} more design points in summary.csv "
                     f"(shown: the {max_rows} most likely to escalate)")
    if posterior:
        lines.append("95% CI: chance (Wilson); from constants: the spread of P(escalation) across the posterior's "
                     "parameter sets (summary.csv p_param_low/high)")
    return "\n".join(lines)


def _fmt_weeks(x: float, horizon: int | None = None) -> str:
    if math.isnan(x):
        return f">{horizon}" if horizon is not None else "-"
    return f"{x:.0f}"
