"""The first table: designs ranked against the reference at each outcome level, differences in percentage
points with the paired interval, verdicts, the risk by year; comparison.csv and the printed text."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments.analysis import analyze_directory
from sim.experiments.ranking import COMPARISON_COLUMNS, compare_outcomes, ranking_text, risk_by_year, verdict
from sim.experiments.statistics import newcombe_paired_interval
from tests.experiments.test_analysis import synthetic_runs, write_folder

N = 400


def _runs(escalating: dict[int, set[int]], attacks: dict[int, set[int]] | None = None,
          seized: dict[int, set[int]] | None = None, weeks: dict[int, int] | None = None) -> pd.DataFrame:
    """N replicates of each design point; escalating[dp]: the replicates with a renewed war."""
    rows = []
    for dp, esc in escalating.items():
        for k in range(N):
            e = k in esc
            week = (weeks or {}).get(k, 100)
            rows.append(dict(design_point=dp, replicate=k, escalated=e, survival_weeks=week if e else 260,
                             horizon_weeks=260, armed_attack=e or k in (attacks or {}).get(dp, set()),
                             territory_seized_pct=0.5 if k in (seized or {}).get(dp, set()) else 0.0))
    return pd.DataFrame(rows)


DESIGN = pd.DataFrame({"design_point": [0, 1, 2, 3], "label": ["paris", "safer one", "riskier one", "same-ish"]})


@pytest.fixture(scope="module")
def table():
    esc = {0: set(range(40)),            # 10%: the reference
           1: set(range(8)),             # 2%: safer, 8 points less on the same seeds
           2: set(range(40)) | set(range(100, 140)),  # 20%: riskier
           3: set(range(2, 42))}         # 10%: 4 discordant pairs each way
    attacks = {0: set(range(200, 300)), 1: set(range(200, 300)), 2: set(range(200, 300)), 3: set(range(200, 300))}
    seized = {1: {5}, 2: set(range(300, 330))}
    return compare_outcomes(_runs(esc, attacks, seized), DESIGN, 0)


def test_differences_are_paired_in_percentage_points_with_newcombe_intervals(table):
    war = table[table["outcome"] == "renewed_war"].set_index("design_point")
    assert war.loc[1, "diff_pp"] == pytest.approx(-8.0)
    assert war.loc[2, "diff_pp"] == pytest.approx(10.0)
    assert war.loc[3, "diff_pp"] == pytest.approx(0.0)
    # design 1 vs the reference: 8 pairs both escalate, 32 only the reference, 360 neither
    lo, hi = newcombe_paired_interval(8, 0, 32, 360)
    assert (war.loc[1, "diff_low_pp"], war.loc[1, "diff_high_pp"]) == pytest.approx((100 * lo, 100 * hi))
    assert war.loc[1, "pairs"] == N and war.loc[0, "pairs"] == 0
    assert math.isnan(war.loc[0, "diff_pp"]) and war.loc[0, "verdict"] == "reference"


def test_verdicts_say_safer_riskier_or_the_largest_difference_left_open(table):
    v = table.set_index(["design_point", "outcome"])["verdict"]
    assert v[(1, "renewed_war")] == "safer"
    assert v[(2, "renewed_war")] == "riskier"
    assert v[(3, "renewed_war")] == "within"
    assert v[(2, "territory_seized")] == "riskier"
    row = table[(table["design_point"] == 3) & (table["outcome"] == "renewed_war")].iloc[0]
    assert row["bound_pp"] == pytest.approx(max(abs(row["diff_low_pp"]), abs(row["diff_high_pp"])))
    assert 0 < row["bound_pp"] < 3  # 4 discordant pairs each way in 400 rule out more than a few points
    assert verdict(-0.02, -0.001) == "safer" and verdict(0.001, 0.02) == "riskier" and verdict(-0.01, 0.01) == "within"


def test_every_outcome_level_is_reported_and_designs_are_ranked_safest_first(table):
    assert set(table["outcome"]) == {"renewed_war", "armed_attack", "territory_seized"}
    ranks = table.drop_duplicates("design_point").set_index("design_point")["rank"].to_dict()
    assert ranks[1] == 1 and ranks[2] == 4  # 2% first, 20% last
    # ties on renewed war (the reference and design 3, 10% each) are broken by armed attacks then territory
    assert {ranks[0], ranks[3]} == {2, 3}
    risk = table[table["outcome"] == "armed_attack"].set_index("design_point")["risk"]
    assert risk[0] == pytest.approx(140 / N)  # armed attacks include the renewed wars


def test_the_printed_table_names_the_safest_design_and_the_differences(table):
    by_year = {0: {1: 0.1}, 1: {1: 0.02}, 2: {1: 0.2}, 3: {1: 0.1}}
    text = ranking_text(table, by_year, reference=0, horizon=52)
    assert "Safest: safer one, 2.00% risk of a renewed war against 10.00% for paris (8.00 pp less" in text
    assert "Riskier than paris: riskier one" in text
    assert "-8.00 [" in text and "+10.00 [" in text  # percentage points, two decimals
    assert "paris *" in text and "renewed war by year 1" in text
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("1  safer one"))
    assert "2.00 [" in lines[first]  # risks of a few percent keep two decimals
    assert "same-ish: no difference shown on renewed war (none larger than" in text


def test_no_design_safer_is_said_as_such():
    esc = {0: set(range(20)), 1: set(range(1, 21))}
    t = compare_outcomes(_runs(esc), DESIGN.iloc[:2], 0)
    text = ranking_text(t, {}, reference=0, horizon=260)
    assert "No design is safer than paris on renewed war at 95%" in text


def test_risk_by_year_counts_renewed_wars_in_the_first_52_y_weeks():
    runs = _runs({0: {0, 1, 2, 3}}, weeks={0: 10, 1: 51, 2: 52, 3: 200})
    per = risk_by_year(runs, 260)[0]
    assert per[1] == pytest.approx(2 / N)
    assert per[2] == pytest.approx(3 / N)
    assert per[4] == pytest.approx(4 / N) and per[5] == pytest.approx(4 / N)


def test_analyze_writes_comparison_csv_with_its_declared_columns(tmp_path):
    points = {0: {"monitoring.coverage": 0.75}, 1: {"monitoring.coverage": 0.25}}
    runs = synthetic_runs(points, reps=60, hazard=lambda p: 0.004 if p["monitoring.coverage"] > 0.5 else 0.02)
    folder = write_folder(tmp_path / "s", runs, points, "grid", 0, ["monitoring.coverage"], [])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        analyze_directory(folder)
    df = pd.read_csv(folder / "comparison.csv")
    assert list(df.columns) == list(COMPARISON_COLUMNS)
    for c, (dtype, _unit, meaning) in COMPARISON_COLUMNS.items():
        if df[c].notna().any():
            assert str(df[c].dtype) == dtype, (c, df[c].dtype)
        assert meaning
    assert (folder / "differences.png").is_file()
    war = df[df["outcome"] == "renewed_war"].set_index("design_point")
    assert war.loc[1, "verdict"] == "riskier" and war.loc[1, "rank"] == 2
    assert "Differences against design 0" in out.getvalue()
    # the same runs give the same bytes
    first = (folder / "comparison.csv").read_bytes()
    with contextlib.redirect_stdout(io.StringIO()):
        analyze_directory(folder)
    assert (folder / "comparison.csv").read_bytes() == first
    assert np.isfinite(war.loc[1, "diff_pp"])
