"""Estimators on seeded runs: proportions, paired differences, survival, hazard ratios, draws.

Pure functions of numbers (no files, no tables of a sweep): the sweep's tables
(``sim.experiments.tables``), validation, calibration and the dashboard all use these.

* ``wilson_interval``: the Wilson score interval of a proportion (scipy's formula in closed form;
  ``wilson_bounds`` for many at once);
* ``newcombe_paired_interval``: Newcombe's (1998, method 10) interval of a paired difference
  of proportions, and ``mcnemar_p`` its exact test (``newcombe_paired_bounds``, ``mcnemar_ps``: many
  tables at once, the same floats);
* ``kaplan_meier``, ``survival_at``, ``median_survival``, ``km_survival``: the Kaplan-Meier
  estimate of S(t) = P(no escalation in weeks 0..t) (lifelines), read at given weeks;
* ``cox_hazard_ratio``: the hazard ratio of a variant against a reference, from a Cox model
  with a variance clustered on the replicate (paired runs);
* ``between_draws``: how a mean varies between posterior draws beyond chance (random effects).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import proportional_hazard_test
from lifelines.utils import median_survival_times
from scipy import special, stats

CONFIDENCE = 0.95


# --- proportions ---------------------------------------------------------------------------

def wilson_bounds(k: Any, n: Any, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score intervals of many proportions k/n at once (arrays of counts; NaN where n is 0).

    The closed form scipy's ``binomtest(k, n).proportion_ci(method="wilson")`` evaluates (Newcombe
    1998, method 3), operation for operation, so the bounds are the same floats (a test checks it
    on a grid of counts); without building a test object per proportion, which computed an exact
    p-value nobody read and was most of the cost of a large sweep's summary.
    """
    k = np.asarray(k, dtype=np.int64)
    n = np.asarray(n, dtype=np.int64)
    bad = (n > 0) & ((k < 0) | (k > n))
    if bad.any():
        kb, nb, badb = np.broadcast_arrays(k, n, bad)
        i = int(np.flatnonzero(badb)[0])
        raise ValueError(f"need 0 <= k <= n, got k={int(kb.flat[i])}, n={int(nb.flat[i])}")
    z = float(special.ndtri(0.5 + 0.5 * confidence))
    with np.errstate(divide="ignore", invalid="ignore"):
        nf, kf = n.astype(float), k.astype(float)
        p = kf / nf
        denom = 2 * (nf + z ** 2)
        center = (2 * nf * p + z ** 2) / denom
        q = 1 - p
        delta = z / denom * np.sqrt(4 * nf * p * q + z ** 2)
        low = np.where(k == 0, 0.0, center - delta)
        high = np.where(k == n, 1.0, center + delta)
    empty = n <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k/n; (nan, nan) when n is 0 (``wilson_bounds``)."""
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    low, high = wilson_bounds(k, n, confidence)
    return (float(low), float(high))


def wilson_half_width(k: int, n: int, confidence: float = CONFIDENCE) -> float:
    """Half the width of the Wilson interval of k/n (infinite when n is 0)."""
    if n <= 0:
        return math.inf
    low, high = wilson_interval(k, n, confidence)
    return (high - low) / 2


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


def newcombe_paired_bounds(both: Any, only_first: Any, only_second: Any, neither: Any,
                           confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """``newcombe_paired_interval`` of many 2x2 tables at once (arrays of counts; NaN where a table is
    empty): the same operations in the same order on arrays, so the same floats."""
    both, only_first, only_second, neither = (np.asarray(x, dtype=np.int64)
                                              for x in (both, only_first, only_second, neither))
    n = both + only_first + only_second + neither
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = n.astype(float)
        p1, p2 = (both + only_first) / nf, (both + only_second) / nf
        d = p1 - p2
        l1, u1 = wilson_bounds(both + only_first, n, confidence)
        l2, u2 = wilson_bounds(both + only_second, n, confidence)
        margins = np.stack(np.broadcast_arrays(both + only_first, only_second + neither, both + only_second,
                                               only_first + neither))
        # the product of the margins as Python integers, rounded once (as math.prod then math.sqrt)
        product = np.prod(margins.astype(object), axis=0).astype(float)
        a = (both * neither - only_first * only_second).astype(float)
        a = np.where(a > nf / 2, a - nf / 2, np.where(a >= 0, 0.0, a))
        phi = np.where(margins.min(axis=0) > 0, a / np.sqrt(product), 0.0)
        e1, e2 = p1 - l1, u2 - p2
        lo = d - np.sqrt(np.maximum(0.0, _squared(e1) - 2 * phi * e1 * e2 + _squared(e2)))
        f1, f2 = u1 - p1, p2 - l2
        hi = d + np.sqrt(np.maximum(0.0, _squared(f1) - 2 * phi * f1 * f2 + _squared(f2)))
        lo, hi = np.maximum(-1.0, lo), np.minimum(1.0, hi)
    empty = n == 0
    return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)


_pow = np.frompyfunc(math.pow, 2, 1)


def _squared(x: np.ndarray) -> np.ndarray:
    """x ** 2 as Python computes it for a float (the C library's pow, which can differ from x * x in the
    last bit): the array versions give the very floats of the scalar ones."""
    return _pow(x, 2.0).astype(float)


def mcnemar_p(only_first: int, only_second: int) -> float:
    """Exact McNemar test of no paired difference: two-sided binomial test on the discordant pairs."""
    return float(mcnemar_ps(only_first, only_second))


def mcnemar_ps(only_first: Any, only_second: Any) -> np.ndarray:
    """``mcnemar_p`` of many tables at once (arrays of discordant counts).

    scipy's exact two-sided ``binomtest(only_first, discordant, 0.5).pvalue`` in closed form: at
    p = 1/2 the outcomes as unlikely as the one seen are the two tails beyond min(k, n - k), so
    the p-value is cdf(min) + sf(n - min - 1), capped at 1, and 1 at k = n/2 (the same floats as
    scipy's search of the tails: a test checks every count up to 400 pairs)."""
    k = np.asarray(only_first, dtype=np.int64)
    n = k + np.asarray(only_second, dtype=np.int64)
    low = np.minimum(k, n - k)
    with np.errstate(invalid="ignore"):
        p = np.minimum(1.0, stats.binom.cdf(low, n, 0.5) + stats.binom.sf(n - low - 1, n, 0.5))
    return np.where((n == 0) | (2 * k == n), 1.0, p)


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The t interval of the mean of ``values``; (nan, nan) with fewer than two."""
    n = len(values)
    if n < 2:
        return (math.nan, math.nan)
    mean = float(values.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return (mean - half, mean + half)


# --- survival ------------------------------------------------------------------------------

def kaplan_meier(durations: Iterable[float], observed: Iterable[bool],
                 confidence: float = CONFIDENCE) -> KaplanMeierFitter:
    """The Kaplan-Meier fit (lifelines; exponential Greenwood / log-log intervals)."""
    kmf = KaplanMeierFitter(alpha=1.0 - confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kmf.fit(np.asarray(list(durations), dtype=float), np.asarray(list(observed), dtype=bool))
    return kmf


@dataclass(frozen=True)
class KaplanMeierArrays:
    """A Kaplan-Meier fit as arrays: lifelines' estimate and exponential Greenwood interval, computed as
    lifelines computes them (the same operations in the same order) without its per-call overhead,
    which is most of the cost of a design point in a large sweep's summary."""

    time: np.ndarray  # 0 and every distinct duration, ascending (lifelines' timeline)
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def median(self) -> tuple[float, float, float]:
        """The median time with its interval (as ``median_survival``); NaN where not reached."""
        return tuple(_first_at_or_below(self.time, c, 0.5) for c in (self.survival, self.low, self.high))  # type: ignore[return-value]

    def at(self, times: Sequence[float], horizon: float) -> list[tuple[float, float, float]]:
        """(S, low, high) at ``times`` (as ``survival_at``); NaN past ``horizon``; [1, 1] before any event."""
        out = []
        for t in times:
            t = float(t)
            if t > horizon or t < 0:
                out.append((math.nan, math.nan, math.nan))
                continue
            i = int(np.searchsorted(self.time, t, side="right")) - 1
            s = float(self.survival[i]) if i >= 0 else 1.0
            lo, hi = (float(self.low[i]), float(self.high[i])) if i >= 0 else (1.0, 1.0)
            out.append((s, 1.0, 1.0) if s >= 1.0 else (s, lo, hi))
        return out


def _first_at_or_below(time: np.ndarray, curve: np.ndarray, q: float) -> float:
    if curve[-1] > q:
        return math.nan
    return float(time[int(np.searchsorted(-curve, -q, side="left"))])


def kaplan_meier_arrays(durations: np.ndarray, observed: np.ndarray,
                        confidence: float = CONFIDENCE) -> KaplanMeierArrays:
    """``kaplan_meier`` as arrays (right-censored data, every subject entering at 0)."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    time, inverse = np.unique(np.append(durations, 0.0), return_inverse=True)
    inverse = inverse[:-1]
    removed = np.bincount(inverse, minlength=len(time)).astype(float)
    deaths = np.bincount(inverse, weights=observed.astype(float), minlength=len(time))
    at_risk = len(durations) - np.concatenate(([0.0], np.cumsum(removed)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.cumsum(np.log(at_risk - deaths) - np.log(at_risk))
        population = at_risk.astype("uint64")
        var = deaths / (population * (population - deaths))
        var[np.isinf(var)] = 0.0
        var = np.cumsum(var)
        survival = np.exp(log_s)
        z = _normal_quantile(1 - (1.0 - confidence) / 2)
        v = np.log(survival)
        low = np.exp(-np.exp(np.log(-v) - z * np.sqrt(var) / v))
        high = np.exp(-np.exp(np.log(-v) + z * np.sqrt(var) / v))
    return KaplanMeierArrays(time, survival, np.nan_to_num(low, nan=1.0, posinf=np.inf, neginf=-np.inf),
                             np.nan_to_num(high, nan=1.0, posinf=np.inf, neginf=-np.inf))


@functools.lru_cache(maxsize=8)
def _normal_quantile(q: float) -> float:
    return float(stats.norm.ppf(q))


def survival_at(kmf: KaplanMeierFitter, times: Sequence[float], horizon: float) -> pd.DataFrame:
    """S(t) with its interval at ``times`` (a frame indexed by time: survival, low, high); NaN past ``horizon``.

    Before any event the estimate is 1 and the interval [1, 1] (the log-log one is undefined there).
    """
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


def median_survival(kmf: KaplanMeierFitter) -> tuple[float, float, float]:
    """The Kaplan-Meier median time with its interval (lifelines); NaN where not reached."""
    med = float(kmf.median_survival_time_)
    ci = median_survival_times(kmf.confidence_interval_survival_function_)
    lo, hi = float(ci.iloc[0, 0]), float(ci.iloc[0, 1])
    return tuple(x if math.isfinite(x) else math.nan for x in (med, lo, hi))  # type: ignore[return-value]


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
    return survival_at(kaplan_meier(durations, observed, confidence), times, horizon)


@dataclass(frozen=True)
class HazardRatio:
    hr: float
    low: float
    high: float
    p_value: float
    runs: int  # runs in the pooled fit (both designs)
    events_reference: int
    events_variant: int
    ph_p_value: float  # Schoenfeld-residual test of proportional hazards (rank transform); nan if not run


def cox_hazard_ratio(reference: pd.DataFrame, variant: pd.DataFrame, *, pair_col: str = "replicate",
                     test_ph: bool = True, confidence: float = CONFIDENCE) -> HazardRatio:
    """Hazard ratio of escalation, variant vs reference, from a Cox model with a cluster-robust variance.

    The pooled runs of both designs with a 0/1 indicator of the variant as the only covariate;
    duration ``survival_weeks``, event ``escalated`` (runs without escalation are censored at the
    horizon). Replicate k of both designs shares its seed, so the variance is the robust one
    clustered on ``pair_col`` (Lin & Wei 1989); ties (whole weeks) by Efron's method.
    """
    cols = ["survival_weeks", "escalated", pair_col]
    data = pd.concat([reference[cols].assign(variant=0), variant[cols].assign(variant=1)], ignore_index=True)
    data["escalated"] = data["escalated"].astype(bool)
    cph = CoxPHFitter(alpha=1.0 - confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph.fit(data, duration_col="survival_weeks", event_col="escalated", cluster_col=pair_col)
    row = cph.summary.loc["variant"]
    ph_p = math.nan
    if test_ph:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ph_p = float(proportional_hazard_test(cph, data, time_transform="rank").summary["p"].iloc[0])
    level = round(100 * confidence)
    return HazardRatio(
        hr=float(row["exp(coef)"]), low=float(row[f"exp(coef) lower {level}%"]),
        high=float(row[f"exp(coef) upper {level}%"]), p_value=float(row["p"]), runs=len(data),
        events_reference=int(reference["escalated"].astype(bool).sum()),
        events_variant=int(variant["escalated"].astype(bool).sum()), ph_p_value=ph_p)


# --- parameter uncertainty -----------------------------------------------------------------

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


def ratio(num: Any, den: Any) -> float:
    """num / den as a float; NaN when den is 0."""
    return float(num) / float(den) if den else math.nan
