"""The analysis at scale computes what it computed one design point at a time, to the last bit.

The closed forms (Wilson's interval, McNemar's exact p-value, Newcombe's paired interval on arrays)
against scipy and the scalar versions on grids of counts; the vectorised tables (summary, paired
differences, the comparison, the risk by year) against a plain per-group computation with lifelines and
scipy on shuffled runs with missing pairs; the delta index's resamples above 1,000 design points.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments import indices
from sim.experiments.ranking import compare_outcomes, risk_by_year
from sim.experiments.statistics import (
    kaplan_meier,
    median_survival,
    mcnemar_p,
    mcnemar_ps,
    newcombe_paired_bounds,
    newcombe_paired_interval,
    survival_at,
    wilson_bounds,
    wilson_interval,
)
from sim.experiments.tables import SURVIVAL_TIMES, VIOLATION_COLUMNS, escalation_summary, paired_differences

TOL = 1e-12


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOL * max(1.0, abs(b))


# --- closed forms -----------------------------------------------------------------------------

@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_closed_form_wilson_equals_scipys_on_a_grid_of_counts(confidence):
    grid = [(k, n) for n in range(1, 41) for k in range(n + 1)]
    grid += [(k, n) for n in (97, 1000, 20_000, 100_000) for k in (0, 1, 2, n // 3, n // 2, n - 1, n)]
    k, n = np.array(grid).T
    low, high = wilson_bounds(k, n, confidence)
    for i, (kk, nn) in enumerate(grid):
        ci = stats.binomtest(int(kk), int(nn)).proportion_ci(confidence_level=confidence, method="wilson")
        assert abs(low[i] - ci.low) <= TOL and abs(high[i] - ci.high) <= TOL, (kk, nn)
        assert wilson_interval(int(kk), int(nn), confidence) == (low[i], high[i])
    assert np.isnan(wilson_bounds([0, 3], [0, 0])).all()
    with pytest.raises(ValueError, match="k=11, n=10"):
        wilson_bounds([1, 11], [10, 10])


def test_closed_form_mcnemar_equals_scipys_exact_binomial_test():
    a, b = np.array(list(itertools.product(range(41), repeat=2))).T
    p = mcnemar_ps(a, b)
    for i in range(len(a)):
        n = int(a[i] + b[i])
        expected = stats.binomtest(int(a[i]), n, 0.5).pvalue if n else 1.0
        assert abs(p[i] - expected) <= TOL * max(expected, 1e-300) or p[i] == expected, (a[i], b[i])
        assert mcnemar_p(int(a[i]), int(b[i])) == p[i]
    big = mcnemar_ps([3, 40_000], [60, 41_000])  # far in the tail and a large table
    assert big[0] == pytest.approx(stats.binomtest(3, 63, 0.5).pvalue, rel=TOL)
    assert big[1] == pytest.approx(stats.binomtest(40_000, 81_000, 0.5).pvalue, rel=1e-9)


def test_newcombe_on_arrays_equals_the_scalar_interval():
    tables = list(itertools.product(range(7), repeat=4))
    tables += [tuple(t) for t in np.random.default_rng(1).integers(0, 5000, (300, 4))]
    lo, hi = newcombe_paired_bounds(*np.array(tables).T)
    for i, t in enumerate(tables):
        l1, h1 = newcombe_paired_interval(*map(int, t))
        assert _close(lo[i], l1) and _close(hi[i], h1), t


# --- the tables, against a plain loop over design points ------------------------------------------

def _runs(points: int = 60, replicates: int = 25, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dp = np.repeat(np.arange(points), replicates)
    rep = np.tile(np.arange(replicates), points)
    p = rng.random(points)[dp] * 0.6
    esc = rng.random(len(dp)) < p
    week = np.where(esc, rng.integers(0, 260, len(dp)), 260)
    runs = pd.DataFrame({"design_point": dp, "replicate": rep, "escalated": esc, "survival_weeks": week,
                         "horizon_weeks": 260, "armed_attack": esc | (rng.random(len(dp)) < 0.2),
                         "territory_seized_pct": np.where(rng.random(len(dp)) < 0.1, rng.random(len(dp)), np.nan)})
    for c in [*VIOLATION_COLUMNS, "detected", "false_alarms", "attributed_correctly", "misattributed"]:
        runs[c] = rng.poisson(1.0, len(dp))
    runs.loc[runs["design_point"] == 5, ["violations_probe", "violations_limited", "violations_major",
                                         "ukraine_violations", "attributed_correctly", "misattributed"]] = 0
    runs.loc[runs["design_point"] == 6, "escalated"] = False  # no event: S(t) = 1, no median
    runs.loc[runs["design_point"] == 6, "survival_weeks"] = 260
    drop = (runs["design_point"] == 0) & (runs["replicate"] < 4)  # the reference misses replicates
    drop |= (runs["design_point"] == 9) & (runs["replicate"] > 0)  # one pair only
    drop |= (runs["design_point"] == 11) & (runs["replicate"] >= 4)  # no pair with the reference's missing ones
    return runs[~drop].sample(frac=1, random_state=seed)  # rows out of order


def test_summary_equals_a_fit_per_design_point():
    runs = _runs()
    got = escalation_summary(runs, "design_point").set_index("design_point")
    assert list(got.index) == sorted(runs["design_point"].unique())
    for dp, g in runs.groupby("design_point"):
        r = got.loc[dp]
        n, k = len(g), int(g["escalated"].sum())
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        kmf = kaplan_meier(g["survival_weeks"], g["escalated"])
        surv = survival_at(kmf, list(SURVIVAL_TIMES.values()), 260)
        expected = {"runs": n, "escalations": k, "p_escalation": k / n, "p_low": ci.low, "p_high": ci.high,
                    **dict(zip(["median_weeks", "median_low", "median_high"], median_survival(kmf))),
                    "rmst_weeks": g["survival_weeks"].clip(upper=260).mean(),
                    "mean_false_alarms": g["false_alarms"].mean(),
                    "detection_rate": (g["detected"].sum() / sum(g[c].sum() for c in VIOLATION_COLUMNS)
                                       if sum(g[c].sum() for c in VIOLATION_COLUMNS) else math.nan),
                    "attribution_accuracy": (g["attributed_correctly"].sum()
                                             / (g["attributed_correctly"].sum() + g["misattributed"].sum())
                                             if g["attributed_correctly"].sum() + g["misattributed"].sum()
                                             else math.nan)}
        for name, w in SURVIVAL_TIMES.items():
            expected.update({f"survival_{name}": surv.loc[float(w), "survival"],
                             f"survival_{name}_low": surv.loc[float(w), "low"],
                             f"survival_{name}_high": surv.loc[float(w), "high"]})
        for col, v in expected.items():
            assert _close(float(r[col]), float(v)), (dp, col, r[col], v)
    assert got["runs"].dtype == "int64" and got["escalations"].dtype == "int64"


@pytest.mark.parametrize("reference", [0, 3])
def test_paired_differences_equal_a_loop_over_design_points(reference):
    runs = _runs()
    got = paired_differences(runs, reference).set_index("design_point")
    ref = runs[runs["design_point"] == reference].set_index("replicate")
    assert reference not in got.index and len(got) == runs["design_point"].nunique() - 1
    for dp, g in runs[runs["design_point"] != reference].groupby("design_point"):
        g = g.set_index("replicate")
        common = g.index.intersection(ref.index).sort_values()
        r = got.loc[dp]
        assert r.pairs == len(common)
        if not len(common):
            assert math.isnan(r.diff_escalation)
            continue
        a, b = g.loc[common, "escalated"].to_numpy(), ref.loc[common, "escalated"].to_numpy()
        only_a, only_b, both = int((a & ~b).sum()), int((~a & b).sum()), int((a & b).sum())
        lo, hi = newcombe_paired_interval(both, only_a, only_b, len(common) - both - only_a - only_b)
        d = (g.loc[common, "survival_weeks"] - ref.loc[common, "survival_weeks"]).to_numpy(dtype=float)
        half = (stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else math.nan
        expected = {"diff_escalation": a.mean() - b.mean(), "diff_low": lo, "diff_high": hi,
                    "only_design_escalated": only_a, "only_reference_escalated": only_b,
                    "p_value": stats.binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else 1.0,
                    "diff_rmst_weeks": d.mean(), "diff_rmst_low": d.mean() - half, "diff_rmst_high": d.mean() + half}
        for col, v in expected.items():
            assert _close(float(r[col]), float(v)), (dp, col, r[col], v)


@pytest.mark.parametrize("reference", [None, 0, 9])
def test_comparison_and_risk_by_year_equal_a_loop_over_design_points(reference):
    runs = _runs()
    design = pd.DataFrame({"design_point": range(60), "label": [f"d{i}" for i in range(60)]})
    got = compare_outcomes(runs, design, reference).set_index(["design_point", "outcome"])
    ref = runs[runs["design_point"] == reference].set_index("replicate") if reference is not None else None
    indicators = {"renewed_war": lambda f: f["escalated"].to_numpy(),
                  "armed_attack": lambda f: f["armed_attack"].to_numpy(),
                  "territory_seized": lambda f: f["territory_seized_pct"].fillna(0).to_numpy() > 0}
    for (dp, level), r in got.iterrows():
        g = runs[runs["design_point"] == dp].set_index("replicate")
        x = indicators[level](g)
        ci = stats.binomtest(int(x.sum()), len(x)).proportion_ci(method="wilson")
        assert (r.runs, r.events) == (len(x), int(x.sum()))
        assert _close(r.risk_low, ci.low) and _close(r.risk_high, ci.high)
        common = g.index.intersection(ref.index).sort_values() if ref is not None and dp != reference else []
        assert r.pairs == len(common)
        if len(common):
            a, b = indicators[level](g.loc[common]), indicators[level](ref.loc[common])
            both, only_a, only_b = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
            lo, hi = newcombe_paired_interval(both, only_a, only_b, len(common) - both - only_a - only_b)
            assert _close(r.diff_pp, 100 * (a.mean() - b.mean()))
            assert _close(r.diff_low_pp, 100 * lo) and _close(r.diff_high_pp, 100 * hi)
            p = stats.binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else 1.0
            assert _close(r.p_value, p)
        else:
            assert math.isnan(r.diff_pp)
    years = risk_by_year(runs, 260)
    for dp, g in runs.groupby("design_point"):
        for y, share in years[dp].items():
            assert share == (g["escalated"] & (g["survival_weeks"] < 52 * y)).mean()


# --- the delta index's resamples ---------------------------------------------------------------

def test_delta_resamples_fall_above_1000_design_points_to_a_floor():
    assert [indices.delta_resamples(n) for n in (10, 500, 1000)] == [100] * 3
    assert indices.delta_resamples(2000) == 50
    assert indices.delta_resamples(5000) == indices.delta_resamples(50_000) == indices.DELTA_MIN_RESAMPLES


@pytest.mark.needs("sensitivity")
@pytest.mark.parametrize("full_up_to, resamples", [(1000, 100), (40, 30)])
def test_delta_index_uses_those_resamples_and_keeps_the_small_sample_warning(monkeypatch, full_up_to, resamples):
    """The indices are SALib's with the stated number of resamples (the threshold lowered here, so
    that 150 points are 'many': the same path as a 5,000-point study, at a test's cost)."""
    from SALib.analyze import delta as salib_delta

    monkeypatch.setattr(indices, "DELTA_FULL_UP_TO", full_up_to)
    rng = np.random.default_rng(2)
    x = rng.random(150)
    design = pd.DataFrame({"design_point": range(150), "a": x})
    outputs = pd.DataFrame({"p_escalation": 0.3, "rmst_weeks": 100 + 50 * x + 20 * rng.random(150)},
                           index=pd.Index(range(150), name="design_point"))
    notes: list[str] = []
    estimates = []  # SALib's density-based estimates: only the 'raw' delta this analysis reads is computed
    original = salib_delta.calc_delta
    monkeypatch.setattr(salib_delta, "calc_delta", lambda *a: estimates.append(1) or original(*a))
    got = indices.sensitivity_indices(design, outputs, ["a"], notes=notes)
    monkeypatch.setattr(salib_delta, "calc_delta", original)
    assert len(estimates) == 1 + resamples
    assert any(("150 design points" in n and f"{resamples} resamples" in n) for n in notes) == (resamples < 100)
    row = got[(got["index"] == "delta")].iloc[0]
    with indices._quiet_salib():
        direct = salib_delta.analyze({"num_vars": 1, "names": ["a"], "bounds": [[x.min(), x.max()]]}, x[:, None],
                                     outputs["rmst_weeks"].to_numpy(), num_resamples=resamples, seed=12345,
                                     bins_specs={"a": 10})
    assert row.value == float(direct["delta_raw"][0]) and row.conf == float(direct["delta_raw_conf"][0])
    assert "few points" in row.warning  # 150 < 200 design points: read as rough, however many resamples


def test_a_pool_only_where_it_repays_its_start_and_no_more_processes_than_the_sweep_had(monkeypatch):
    from sim.experiments import parallel

    monkeypatch.delenv("SIM_ANALYSIS_WORKERS", raising=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 8)
    assert parallel.analysis_workers(5000) == 1  # vectorised tables: one process unless asked
    assert parallel.analysis_workers(5000, 3) == 3
    big, small = parallel.DELTA_PARALLEL_FROM, parallel.DELTA_PARALLEL_FROM - 1
    assert parallel.delta_workers(small) == 1 and parallel.delta_workers(big) == 8
    assert parallel.delta_workers(big, cap=2) == 2  # after `sweep --workers 2`
    assert parallel.delta_workers(small, 4) == 4  # asked for
    monkeypatch.setenv("SIM_ANALYSIS_WORKERS", "3")
    assert parallel.analysis_workers(10) == 3 and parallel.delta_workers(small) == 3


def _curves_one_at_a_time(summary: pd.DataFrame, reference, k: int) -> list[int]:
    """choose_curves' rule written out plainly: reference first, then greedily the design farthest
    (Chebyshev, on RMST / horizon and P(escalation)) from those chosen, the lowest number on a tie."""
    s = summary[summary["runs"] > 0].sort_values(["rmst_weeks", "design_point"], ascending=[False, True])
    ids = [int(d) for d in s["design_point"]]
    pts = dict(zip(ids, np.column_stack([s["rmst_weeks"] / s["horizon_weeks"], s["p_escalation"]])))
    chosen = [reference] if reference in ids else ids[:1]
    if len(ids) <= k:
        chosen += [d for d in ids if d not in chosen]
    while len(ids) > k and len(chosen) < k:
        dist = {d: min(float(np.abs(pts[d] - pts[c]).max()) for c in chosen) for d in ids if d not in chosen}
        best = max(dist, key=lambda d: (dist[d], -d))
        if dist[best] == 0:
            break
        chosen.append(best)
    order = {d: i for i, d in enumerate(ids)}
    return [c for c in chosen if c == reference] + sorted((c for c in chosen if c != reference), key=order.get)


def test_the_curves_drawn_are_chosen_as_one_at_a_time():
    from sim.experiments.tables import choose_curves

    rng = np.random.default_rng(0)
    for _ in range(20):  # coarse values: many ties and zero distances
        n = int(rng.integers(1, 60))
        s = pd.DataFrame({"design_point": rng.permutation(n) * 2, "runs": rng.integers(0, 3, n),
                          "rmst_weeks": rng.integers(0, 5, n) * 13.0, "horizon_weeks": 52,
                          "p_escalation": rng.integers(0, 4, n) / 4})
        for reference in (None, 2):
            for k in (3, 10):
                assert choose_curves(s, reference, k) == _curves_one_at_a_time(s, reference, k)
