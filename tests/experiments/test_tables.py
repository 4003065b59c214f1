"""The sweep's tables: paired differences against a hand-built answer, the summary's definitions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments.tables import DIFFERENCE_COLUMNS, escalation_summary, paired_differences


def test_paired_differences_known_answer():
    horizon = 100
    rows = []
    for k in range(20):  # reference escalates in replicates 0-4 (week 10); design 1 in 0-9 (week 20)
        rows.append(dict(design_point=0, replicate=k, escalated=k < 5, survival_weeks=10 if k < 5 else horizon,
                         horizon_weeks=horizon))
        rows.append(dict(design_point=1, replicate=k, escalated=k < 10, survival_weeks=20 if k < 10 else horizon,
                         horizon_weeks=horizon))
    rows.append(dict(design_point=1, replicate=99, escalated=True, survival_weeks=1, horizon_weeks=horizon))  # unpaired
    d = paired_differences(pd.DataFrame(rows), 0)
    assert list(d.columns) == ["design_point", "reference_design_point",
                               *list(DIFFERENCE_COLUMNS)[list(DIFFERENCE_COLUMNS).index("pairs"):]]
    r = d.iloc[0]
    assert (r.design_point, r.reference_design_point, r.pairs) == (1, 0, 20)
    assert r.diff_escalation == pytest.approx(0.25)
    assert (r.only_design_escalated, r.only_reference_escalated) == (5, 0)
    assert r.p_value == pytest.approx(0.0625)  # exact McNemar: 5 of 5 discordant pairs one way
    assert r.diff_low < 0.25 < r.diff_high
    diffs = np.array([10.0] * 5 + [-80.0] * 5 + [0.0] * 10)
    assert r.diff_rmst_weeks == pytest.approx(-17.5)
    half = stats.t.ppf(0.975, 19) * diffs.std(ddof=1) / math.sqrt(20)
    assert (r.diff_rmst_low, r.diff_rmst_high) == pytest.approx((-17.5 - half, -17.5 + half))
    assert len(d) == 1  # no row for the reference itself


def test_escalation_summary_definitions():
    runs = pd.DataFrame(dict(
        g=["a", "a", "b"], escalated=[True, False, False], survival_weeks=[30, 260, 260], horizon_weeks=260,
        violations_probe=[4, 2, 0], violations_limited=[1, 0, 0], violations_major=[1, 0, 0],
        ukraine_violations=[2, 0, 0], detected=[5, 1, 0], false_alarms=[1, 0, 0],
        attributed_correctly=[3, 0, 0], misattributed=[1, 0, 0]))
    s = escalation_summary(runs, "g").set_index("g")
    a = s.loc["a"]
    assert (a.runs, a.escalations, a.p_escalation) == (2, 1, 0.5)
    assert a.detection_rate == pytest.approx(6 / 10)
    assert a.attribution_accuracy == pytest.approx(3 / 4)
    assert a.rmst_weeks == pytest.approx(145)
    assert a.survival_1y == pytest.approx(0.5) and a.survival_5y == pytest.approx(0.5)
    b = s.loc["b"]
    assert math.isnan(b.detection_rate) and math.isnan(b.attribution_accuracy) and math.isnan(b.median_weeks)
    assert (b.survival_5y, b.survival_5y_low, b.survival_5y_high) == (1.0, 1.0, 1.0)


def test_survival_columns_are_empty_beyond_a_short_horizon():
    runs = pd.DataFrame(dict(d=[0, 0], escalated=[False, True], survival_weeks=[80, 40], horizon_weeks=80,
                             **{c: 0 for c in ["violations_probe", "violations_limited", "violations_major",
                                               "ukraine_violations", "detected", "false_alarms",
                                               "attributed_correctly", "misattributed"]}))
    s = escalation_summary(runs, ["d"]).iloc[0]
    assert s.survival_1y == pytest.approx(0.5)
    assert math.isnan(s.survival_2y) and math.isnan(s.survival_5y)
