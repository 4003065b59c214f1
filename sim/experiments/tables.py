"""The tables of a sweep, computed from its runs: one row a design point.

* ``escalation_summary``: P(escalation) with its Wilson interval, Kaplan-Meier survival and
  median, violations, detection and attribution (``summary.csv``, ``SUMMARY_COLUMNS``);
* ``paired_differences``: every design point against the reference, paired by replicate
  (``differences.csv``, ``DIFFERENCE_COLUMNS``);
* ``posterior_summary`` / ``posterior_differences``: the intervals from parameter uncertainty
  when the sweep drew constants from a posterior;
* ``main_effects``, ``survival_curves``, ``design_outputs``: what the figures and the
  sensitivity indices are drawn from;
* ``table_text``: a table as CSV text (floats at full precision: p-values such as 2.3e-10 and every
  statistic read back as the very float the API returns), ``headline``: the printed table.
  ``headline`` gives P(escalation) with the posterior's interval beside chance (printed after
  the first table, ``sim.experiments.ranking``, when a sweep drew constants).

Every column is declared once here (name -> pandas dtype, unit, meaning); docs/OUTPUTS.md is
generated from these declarations.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiments.statistics import (
    CONFIDENCE,
    between_draws,
    kaplan_meier,
    kaplan_meier_arrays,
    mcnemar_ps,
    newcombe_paired_bounds,
    wilson_bounds,
    wilson_interval,
)
from sim.files import csv_cell
from sim.outputs import Column

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
    "conf": ("float64", "index 0-1", "Half-width of the 95% bootstrap interval (SALib's *_conf): 100 resamples, "
                                      "fewer for delta above 1,000 design points (100,000 / points, at least 30: "
                                      "sim.experiments.indices.DELTA_RESAMPLES; a note says so)."),
    "low": ("float64", "index 0-1", "value - conf."),
    "high": ("float64", "index 0-1", "value + conf."),
    "warning": ("object", "", "Empty when the estimate can be read; else why not, ';'-separated: 'negative' (an "
                              "index is 0 or more: a negative estimate is small-sample bias), 'interval includes "
                              "0' (not told apart from no effect), 'few points' (fewer design points than "
                              "MIN_POINTS: 200 for delta, 500 base samples for Sobol; rule of thumb, assumption), "
                              "'S1 above ST' (Sobol: impossible, the sample is too small)."),
}
# Fewest design points (delta) or base samples N (Sobol) for indices to be read without a warning:
# rules of thumb (assumption; Plischke et al. 2013 use some hundreds of points for delta, Saltelli
# et al. 2010 N of 500 to 1000 for Sobol).
MIN_POINTS = {"delta": 200, "sobol": 500}



# --- summary and differences ---------------------------------------------------------------

def escalation_summary(runs_df: pd.DataFrame, group_cols: Sequence[str] | str) -> pd.DataFrame:
    """One row a group of runs: escalation probability, survival, violations, monitoring.

    ``runs_df`` has the runs.csv columns (``escalated``, ``survival_weeks``,
    ``horizon_weeks``, violation and attribution counts); the result has ``group_cols``
    then the statistics of ``SUMMARY_COLUMNS`` from ``runs`` on, sorted by the groups.
    Counts, sums and Wilson intervals are computed for every group at once; the Kaplan-Meier fit
    is one numpy call a group, on the group's runs in their order (the same floats as a fit per
    ``groupby`` group).
    """
    group_cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    stat_cols = list(SUMMARY_COLUMNS)[list(SUMMARY_COLUMNS).index("runs"):]
    if runs_df.empty:
        return pd.DataFrame(columns=[*group_cols, *stat_cols])
    grouped = runs_df.groupby(group_cols, sort=True, dropna=False)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().index.to_frame(index=False)
    order = np.argsort(codes, kind="stable")  # each group's runs together, in their order
    n = np.bincount(codes, minlength=len(keys))
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))

    def sums(col: str) -> np.ndarray:  # exact for counts (integers)
        return np.bincount(codes, weights=runs_df[col].to_numpy(dtype=float), minlength=len(keys))

    def means(col: str) -> np.ndarray:
        values = runs_df[col]
        if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
            return sums(col) / n
        return grouped[col].mean().to_numpy(dtype=float)  # pandas skips missing values

    esc = runs_df["escalated"].astype(bool).to_numpy()[order]
    dur = runs_df["survival_weeks"].to_numpy(dtype=float)[order]
    horizon = np.maximum.reduceat(runs_df["horizon_weeks"].to_numpy()[order], starts).astype(np.int64)
    k = np.bincount(codes, weights=runs_df["escalated"].astype(bool).to_numpy(dtype=float),
                    minlength=len(keys)).astype(np.int64)
    p_low, p_high = wilson_bounds(k, n)
    km_cols: dict[str, list[float]] = {c: [] for c in stat_cols[stat_cols.index("median_weeks"):
                                                               stat_cols.index("rmst_weeks")]}
    rmst = np.empty(len(keys))
    for i, (s0, m) in enumerate(zip(starts, n)):
        d, e, h = dur[s0:s0 + m], esc[s0:s0 + m], int(horizon[i])
        km = kaplan_meier_arrays(d, e)  # lifelines' numbers, bit for bit, without its per-call cost
        med = km.median()
        for name, v in zip(("median_weeks", "median_low", "median_high"), med):
            km_cols[name].append(v)
        for name, (sv, lo, hi) in zip(SURVIVAL_TIMES, km.at(list(SURVIVAL_TIMES.values()), h)):
            km_cols[f"survival_{name}"].append(sv)
            km_cols[f"survival_{name}_low"].append(lo)
            km_cols[f"survival_{name}_high"].append(hi)
        rmst[i] = float(np.minimum(d, h).mean())
    violations = sum(sums(c) for c in VIOLATION_COLUMNS)
    attributed = sums("attributed_correctly") + sums("misattributed")
    with np.errstate(divide="ignore", invalid="ignore"):
        detection = np.where(violations != 0, sums("detected") / violations, np.nan)
        attribution = np.where(attributed != 0, sums("attributed_correctly") / attributed, np.nan)
    out = keys.assign(runs=n.astype(np.int64), escalations=k, p_escalation=k / n, p_low=p_low, p_high=p_high,
                      **km_cols, rmst_weeks=rmst, horizon_weeks=horizon,
                      mean_violations_probe=means("violations_probe"),
                      mean_violations_limited=means("violations_limited"),
                      mean_violations_major=means("violations_major"),
                      mean_ukraine_violations=means("ukraine_violations"),
                      mean_false_alarms=means("false_alarms"),
                      detection_rate=detection, attribution_accuracy=attribution)
    return out[[*group_cols, *stat_cols]]


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
    others = runs_df[runs_df[group_col] != reference_design_point].drop_duplicates([group_col, pair_col])
    groups = np.sort(pd.unique(others[group_col])) if len(others) else np.array([])
    # every group's pairs at once: its runs joined to the reference's by pair, sorted by group then pair
    cols = ["escalated", "horizon_weeks", "survival_weeks"]
    pairs = others[[group_col, pair_col, *cols]].merge(ref[cols], left_on=pair_col, right_index=True,
                                                       suffixes=("", "_ref"))
    pairs = pairs.sort_values([group_col, pair_col], kind="stable")
    gkey = pairs[group_col].to_numpy()
    where = np.searchsorted(gkey, groups, side="left") if len(pairs) else np.zeros(len(groups), dtype=np.int64)
    counts = np.searchsorted(gkey, groups, side="right") - where if len(pairs) else np.zeros(len(groups), np.int64)
    a_all = pairs["escalated"].astype(bool).to_numpy()
    b_all = pairs["escalated_ref"].astype(bool).to_numpy()
    starts = where[counts > 0]
    both = np.zeros(len(groups), np.int64)
    only_a = np.zeros(len(groups), np.int64)
    only_b = np.zeros(len(groups), np.int64)
    if len(starts):
        both[counts > 0] = np.add.reduceat((a_all & b_all).astype(np.int64), starts)
        only_a[counts > 0] = np.add.reduceat((a_all & ~b_all).astype(np.int64), starts)
        only_b[counts > 0] = np.add.reduceat((~a_all & b_all).astype(np.int64), starts)
    lows, highs = newcombe_paired_bounds(both, only_a, only_b, counts - both - only_a - only_b, confidence)
    p_values = mcnemar_ps(only_a, only_b)
    with np.errstate(invalid="ignore"):
        t_quantiles = stats.t.ppf(0.5 + confidence / 2, counts - 1)
    ha = pairs["horizon_weeks"].to_numpy(dtype=float)
    hb = pairs["horizon_weeks_ref"].to_numpy(dtype=float)
    sa = pairs["survival_weeks"].to_numpy(dtype=float)
    sb = pairs["survival_weeks_ref"].to_numpy(dtype=float)
    rows = []
    for i, key in enumerate(groups):
        n = int(counts[i])
        row: dict[str, Any] = {group_col: key, ref_col: reference_design_point, "pairs": n}
        if n == 0:
            rows.append(row)
            continue
        sl = slice(int(where[i]), int(where[i]) + n)
        a, b = a_all[sl], b_all[sl]
        tau = min(float(ha[sl].min()), float(hb[sl].min()))
        ta = np.minimum(sa[sl], tau)
        tb = np.minimum(sb[sl], tau)
        d = ta - tb
        if n < 2:
            d_lo, d_hi = math.nan, math.nan
        else:  # t_interval's operations, with the quantile computed for every group at once
            mean = float(d.mean())
            half = float(t_quantiles[i]) * float(d.std(ddof=1)) / math.sqrt(n)
            d_lo, d_hi = mean - half, mean + half
        row.update(p_escalation=a.mean(), p_escalation_reference=b.mean(), diff_escalation=a.mean() - b.mean(),
                   diff_low=float(lows[i]), diff_high=float(highs[i]), only_design_escalated=int(only_a[i]),
                   only_reference_escalated=int(only_b[i]), p_value=float(p_values[i]), rmst_weeks=ta.mean(),
                   rmst_weeks_reference=tb.mean(), diff_rmst_weeks=float(d.mean()), diff_rmst_low=d_lo,
                   diff_rmst_high=d_hi)
        rows.append(row)
    return pd.DataFrame(rows, columns=[group_col, ref_col, *stat_cols])



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


def holds_across(chance_low: float, chance_high: float, param_low: float, param_high: float) -> str:
    """holds_across_posterior: yes (the interval from chance and the one across the worlds exclude 0 on
    the same side), no (chance decides the sign, some world would not), undecided (chance does not)."""
    if not (chance_low > 0 or chance_high < 0):
        return "undecided"
    if (chance_low > 0 and param_low > 0) or (chance_high < 0 and param_high < 0):
        return "yes"
    return "no"


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
        verdict = holds_across(float(d["diff_low"]), float(d["diff_high"]), sp.low, sp.high)
        row.update(posterior_draws=sp.draws, diff_param_low=sp.low, diff_param_high=sp.high,
                   diff_param_tau=sp.tau, draws_same_sign=same, holds_across_posterior=verdict)
        rows.append(row)
    return pd.DataFrame(rows, columns=[group_col, *POSTERIOR_DIFFERENCE_COLUMNS])



# --- what the figures and the indices are drawn from ------------------------------------------

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



def choose_curves(summary: pd.DataFrame, reference: int | None, k: int = MAX_CURVES) -> list[int]:
    """Reference first, then the most distinct designs, ordered from longest to shortest survival.

    Distinct: greedy farthest-point choice on (RMST / horizon, P(escalation)), starting
    from the reference (or the longest-surviving design).
    """
    s = summary[summary["runs"] > 0].sort_values(["rmst_weeks", "design_point"], ascending=[False, True])
    ids = [int(d) for d in s["design_point"]]
    pts = np.column_stack([s["rmst_weeks"] / s["horizon_weeks"].clip(lower=1), s["p_escalation"]])
    chosen = [reference] if reference in ids else ids[:1]
    if len(ids) > k:
        index = {d: i for i, d in enumerate(ids)}
        id_array = np.array(ids)
        # each design's distance to the nearest curve chosen so far (Chebyshev), updated as curves are added
        nearest = np.full(len(ids), np.inf)
        taken = np.zeros(len(ids), dtype=bool)
        for c in chosen:
            nearest = np.minimum(nearest, np.abs(pts - pts[index[c]]).max(axis=1))
            taken[index[c]] = True
        while len(chosen) < k:
            far = np.where(taken, -np.inf, nearest)
            top = far.max()
            best = int(id_array[(far == top) & ~taken].min())  # the farthest; the lowest number on a tie
            if top == 0:  # the rest would hide under curves already drawn
                break
            chosen.append(best)
            nearest = np.minimum(nearest, np.abs(pts - pts[index[best]]).max(axis=1))
            taken[index[best]] = True
    else:
        chosen += [d for d in ids if d not in chosen]
    order = {d: i for i, d in enumerate(ids)}
    return [c for c in chosen if c == reference] + sorted((c for c in chosen if c != reference), key=order.get)


def survival_curves(runs: pd.DataFrame, design_points: Sequence[int], horizon: int) -> pd.DataFrame:
    """The Kaplan-Meier step function of each design point, to the horizon (what survival.png draws).

    One row a step: design_point, runs, time (weeks; the last row of a design is the horizon),
    survival, low, high (the 95% interval).
    """
    frames = []
    for dp in design_points:
        g = runs[runs["design_point"] == dp]
        kmf = kaplan_meier(g["survival_weeks"], g["escalated"].astype(bool))
        sf = kmf.survival_function_.iloc[:, 0]
        ci = kmf.confidence_interval_survival_function_
        frames.append(pd.DataFrame({
            "design_point": dp, "runs": len(g),
            "time": np.append(sf.index.to_numpy(dtype=float), horizon),
            "survival": np.append(sf.to_numpy(), sf.iloc[-1]),
            "low": np.append(ci.iloc[:, 0].to_numpy(), ci.iloc[-1, 0]),
            "high": np.append(ci.iloc[:, 1].to_numpy(), ci.iloc[-1, 1])}))
    columns = ["design_point", "runs", "time", "survival", "low", "high"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


# --- text ------------------------------------------------------------------------------------

def table_text(df: pd.DataFrame, params: Sequence[str] = ()) -> str:
    """CSV text: floats at full precision (the shortest text that reads back as the same float, so
    ``pd.read_csv`` gives the frame the API returns, and a p-value of 2.3e-10 is not written 0),
    empty for missing, params as given."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(df.columns))
    pset = set(params)
    for rec in df.itertuples(index=False, name=None):
        w.writerow([csv_cell(v) if c in pset else csv_cell(v, exact=True) for c, v in zip(df.columns, rec)])
    return buf.getvalue()


def headline(summary: pd.DataFrame, *, reference: int | None = None, max_rows: int = 30) -> str:
    """Short text table: design label, runs, P(renewed war) in % [95% CI] and, with a posterior, its spread
    across the parameter sets; the risk by year 2 (one minus Kaplan-Meier survival), defined for every row."""
    s = summary
    truncated = len(s) > max_rows
    if truncated:
        s = s.sort_values(["p_escalation", "design_point"], ascending=[False, True]).head(max_rows)
    labels = [str(lab) + (" (reference)" if dp == reference else "") for dp, lab in zip(s["design_point"], s["label"])]
    width = max([len("design"), *map(len, labels)])  # never cut: labels that differ late must differ here
    posterior = "p_param_low" in s.columns
    extra = f"  {'from constants, %':<18}" if posterior else ""
    lines = [f"{'design':<{width}}  {'runs':>5}  {'renewed war, % [95% CI]':<24}{extra}  by year 2, %"]
    for lab, r in zip(labels, s.itertuples(index=False)):
        p = (f"{_pct(r.p_escalation)} [{_pct(r.p_low)}, {_pct(r.p_high)}]" if r.runs else "no runs")
        if posterior:
            par = (f"[{_pct(r.p_param_low)}, {_pct(r.p_param_high)}]" if r.runs and not math.isnan(r.p_param_low)
                   else "-")
            p = f"{p:<24}  {par:<18}"
        s2 = getattr(r, "survival_2y", math.nan)
        by2 = _pct(1.0 - s2) if r.runs and not math.isnan(s2) else "-"
        lines.append(f"{lab:<{width}}  {r.runs:>5}  {p:<24}  {by2}")
    if truncated:
        lines.append(f"... {len(summary) - max_rows} more design points in summary.csv "
                     f"(shown: the {max_rows} most likely to escalate)")
    if posterior:
        lines.append("95% CI: chance (Wilson); from constants: the spread of P(renewed war) across the posterior's "
                     "parameter sets (summary.csv p_param_low/high)")
    return "\n".join(lines)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"
