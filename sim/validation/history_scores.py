"""The history check's statistics: proper scores, the paired test and what it can detect.

* ``brier``, ``log_score``: the scores of a probability forecast of a yes/no outcome (lower is better);
* ``paired_test(diffs)``: per-case score differences (model minus a reference) judged by a two-sided
  Wilcoxon signed-rank test (zero differences dropped; the exact null distribution when the rest are
  distinct, the normal approximation when they tie), with the paired bootstrap interval of the mean
  difference and the smallest shift of it the test detects with 80% power;
* ``holm``: Holm's step-down adjustment of a family of p-values.

The rules are those the pre-registered cases file states (scenarios/history_cases_v3.csv, section 6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05  # two-sided, for a decision (after Holm's adjustment) and for the power
POWER = 0.80
BOOTSTRAP_RESAMPLES = 10_000
POWER_SIMULATIONS = 2_000
SEED = 20260106  # the bootstrap's and the power simulation's (results must not depend on the order of runs)
TIE = 1e-12  # score differences closer to 0 than this are ties (the same forecast)


def brier(p: float, y: int) -> float:
    return (p - y) ** 2


def log_score(p: float, y: int) -> float:
    """Negative log likelihood of the outcome (natural log); lower is better."""
    return -math.log(p if y else 1.0 - p)


def smoothed(k: int, replicates: int) -> float:
    """P(event) from k events in R runs, kept off 0 and 1 so that a log score is finite: (k + 0.5) / (R + 1)."""
    return (k + 0.5) / (replicates + 1)


def constant_hazard(t_weeks: float, p_window: float, window_weeks: float) -> float:
    """P(event by t) under a constant hazard with P(event within the window) = p_window."""
    return 1.0 - (1.0 - p_window) ** (t_weeks / window_weeks)


def skill(score: float, reference: float) -> float:
    """1 - score / reference: 0 as good as the reference, 1 perfect, below 0 worse."""
    return 1.0 - score / reference if reference > 0 else math.nan


# --- the paired test --------------------------------------------------------------------------

def smallest_p(n: int) -> float:
    """The smallest two-sided p-value a signed-rank test on n distinct non-zero differences can reach (all of one
    sign): 2 / 2^n. With 5 or fewer cases it is above 0.05: nothing can be decided."""
    return min(1.0, 2.0 / 2.0 ** n) if n > 0 else 1.0


def wilcoxon(diffs: Sequence[float]) -> tuple[float, str, int]:
    """Two-sided Wilcoxon signed-rank test of differences symmetric about 0: (p, method, cases that differ).

    Zero differences are dropped (Wilcoxon's rule); the exact null distribution is used when the rest are
    distinct, the normal approximation when some tie. No differing case: p = nan.
    """
    d = np.asarray([x for x in diffs if abs(x) > TIE], dtype=float)
    if d.size == 0:
        return math.nan, "none differ", 0
    distinct = np.unique(np.round(d, 12)).size == d.size
    method = "exact" if distinct else "asymptotic"
    result = stats.wilcoxon(d, alternative="two-sided", method=method)
    return float(result.pvalue), method, int(d.size)


def bootstrap_interval(diffs: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = SEED) -> tuple[float, float]:
    """Percentile 95% interval of the mean difference, resampling whole cases."""
    d = np.asarray(diffs, dtype=float)
    if d.size == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(resamples, d.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def power_at(diffs: Sequence[float], shift: float, *, alpha: float = ALPHA, simulations: int = POWER_SIMULATIONS,
             seed: int = SEED) -> float:
    """Chance the test rejects at ``alpha`` when the mean difference is ``shift``: cases drawn with replacement from
    the observed differences, centred on 0 and moved by ``shift`` (their spread kept); the normal approximation
    (resampled cases tie)."""
    d = np.asarray(diffs, dtype=float)
    rng = np.random.default_rng(seed)
    sample = (d - d.mean() + shift)[rng.integers(0, d.size, size=(simulations, d.size))]
    sample[np.abs(sample) <= TIE] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):  # a draw of all zeros has no test: counted as kept
        p = stats.wilcoxon(sample, axis=1, alternative="two-sided", method="asymptotic", zero_method="wilcox").pvalue
    return float(np.mean(np.nan_to_num(p, nan=1.0) < alpha))


def detectable_shift(diffs: Sequence[float], *, alpha: float = ALPHA, power: float = POWER,
                     simulations: int = POWER_SIMULATIONS, seed: int = SEED) -> float:
    """The smallest mean difference over all the cases (in the score's units) that the test detects with ``power``
    at ``alpha``, given the cases' own spread.

    The test sees only the cases whose forecasts differ (zero differences are dropped), so the alternative is
    simulated on them: their differences, centred and shifted, drawn with replacement; a shift s there is a mean
    difference of s x differing / cases over all. inf when too few cases differ to decide at any difference
    (``smallest_p``); nan when the differing cases' differences do not vary (no spread to simulate).
    """
    d = np.asarray(diffs, dtype=float)
    nonzero = d[np.abs(d) > TIE]
    if nonzero.size == 0 or smallest_p(nonzero.size) >= alpha:
        return math.inf
    spread = float(np.std(nonzero))
    if spread <= TIE:
        return math.nan
    low, high = 0.0, spread
    while power_at(nonzero, high, alpha=alpha, simulations=simulations, seed=seed) < power:
        low, high = high, 2.0 * high
        if high > 1e3 * spread:
            return math.inf
    for _ in range(30):  # bisection to about a thousandth of the spread
        if high - low <= 1e-3 * spread:
            break
        mid = (low + high) / 2.0
        if power_at(nonzero, mid, alpha=alpha, simulations=simulations, seed=seed) >= power:
            high = mid
        else:
            low = mid
    return high * nonzero.size / d.size


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values over the whole family. A test that could not be run (nan: no case
    differs) still counts in the family, as p = 1, and its adjusted p stays nan."""
    ranked = sorted((1.0 if math.isnan(p) else p, i) for i, p in enumerate(pvalues))
    m = len(ranked)
    out = [math.nan] * m
    running = 0.0
    for k, (p, i) in enumerate(ranked):
        running = max(running, min(1.0, (m - k) * p))
        out[i] = math.nan if math.isnan(pvalues[i]) else running
    return out


@dataclass(frozen=True)
class Paired:
    """The model against one reference on one score, over a set of cases."""

    cases: int
    better: int  # cases where the model scores lower (better)
    worse: int
    tied: int
    mean: float  # mean difference, model minus reference (negative: the model is better)
    low: float  # paired bootstrap 95% interval of the mean
    high: float
    p: float  # Wilcoxon signed-rank, two-sided
    method: str
    differing: int  # cases with a non-zero difference (the test's n)
    detectable: float  # smallest mean difference detected with 80% power at alpha 0.05 (inf: none can be)


def paired_test(diffs: Sequence[float], *, power: bool = True) -> Paired:
    d = [float(x) for x in diffs]
    better = sum(x < -TIE for x in d)
    worse = sum(x > TIE for x in d)
    p, method, differing = wilcoxon(d)
    low, high = bootstrap_interval(d)
    return Paired(len(d), better, worse, len(d) - better - worse, sum(d) / len(d) if d else math.nan, low, high,
                  p, method, differing, detectable_shift(d) if power else math.nan)


def decision(mean: float, adjusted_p: float, alpha: float = ALPHA) -> str:
    """What the test decides: the model better or worse, or undecided (no differing case counts as undecided)."""
    if math.isnan(adjusted_p) or adjusted_p >= alpha:
        return "undecided"
    return "model better" if mean < 0 else "model worse"
