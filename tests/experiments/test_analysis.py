"""Sweep analysis: intervals and survival against published values, paired differences against a
hand-built answer, a whole folder analysed end to end, and analyze on damaged input."""

from __future__ import annotations

import builtins
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.errors import UsageError
from sim.experiments.analysis import analyze_directory
from sim.experiments.indices import saltelli_blocks
from sim.experiments.statistics import (
    kaplan_meier,
    km_survival,
    median_survival,
    newcombe_paired_interval,
    wilson_interval,
)
from sim.experiments.tables import (
    DIFFERENCE_COLUMNS,
    SENSITIVITY_COLUMNS,
    SUMMARY_COLUMNS,
    escalation_summary,
    paired_differences,
)
from sim.files import csv_text
from sim.outputs import RUN_COLUMNS
from tests.helpers import ROOT, tree

# --- intervals -----------------------------------------------------------------------------

@pytest.mark.parametrize("k, n, low, high", [
    (0, 10, 0.0, 0.2775),      # upper = z^2 / (n + z^2)
    (5, 10, 0.2366, 0.7634),
    (81, 263, 0.2553, 0.3662),  # Newcombe (1998), Stat Med 17:857, example (a)
    (10, 10, 0.7225, 1.0),
])
def test_wilson_interval_matches_published_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edge_cases():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    lo90, hi90 = wilson_interval(5, 10, confidence=0.90)
    lo95, hi95 = wilson_interval(5, 10)
    assert lo95 < lo90 < 0.5 < hi90 < hi95


def test_newcombe_paired_interval_matches_published_example():
    # Fagerland, Lydersen & Laake (2017), ch. 8: Cavo et al. (2012), table [[59, 6], [16, 80]]
    lo, hi = newcombe_paired_interval(59, 6, 16, 80)
    assert (lo, hi) == pytest.approx((-0.1186, -0.0046), abs=5e-5)
    # no discordant pairs: the estimate is 0, the interval still has width
    lo, hi = newcombe_paired_interval(3, 0, 0, 17)
    assert lo < 0 < hi


# --- Kaplan-Meier --------------------------------------------------------------------------

# Gehan (1965) / Freireich 6-MP arm: weeks of remission, 0 = censored.
GEHAN_T = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
GEHAN_E = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_km_survival_matches_hand_computation_and_r_loglog_intervals():
    times = [5, 6, 7, 10, 13, 16, 22, 23, 30]
    km = km_survival(GEHAN_T, GEHAN_E, times)
    s6 = 18 / 21
    expected = [1.0, s6, s6 * 16 / 17, s6 * 16 / 17 * 14 / 15, s6 * 16 / 17 * 14 / 15 * 11 / 12,
                s6 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11]
    expected += [expected[-1] * 6 / 7, expected[-1] * 6 / 7 * 5 / 6, expected[-1] * 6 / 7 * 5 / 6]
    np.testing.assert_allclose(km["survival"].to_numpy(), expected, atol=1e-12)
    # R: survfit(Surv(time, status) ~ 1, conf.type = "log-log")
    assert tuple(km.loc[6.0, ["low", "high"]]) == pytest.approx((0.620, 0.952), abs=1.5e-3)
    assert tuple(km.loc[13.0, ["low", "high"]]) == pytest.approx((0.432, 0.849), abs=1.5e-3)
    assert tuple(km.loc[23.0, ["low", "high"]]) == pytest.approx((0.188, 0.680), abs=1.5e-3)
    assert tuple(km.loc[5.0]) == (1.0, 1.0, 1.0)  # before the first event


def test_km_survival_is_empty_beyond_the_horizon_and_median():
    km = km_survival(GEHAN_T, GEHAN_E, [30, 52], horizon=35)
    assert not math.isnan(km.loc[30.0, "survival"])
    assert km.loc[52.0].isna().all()
    med, lo, hi = median_survival(kaplan_meier(GEHAN_T, GEHAN_E))
    assert med == 23
    assert lo <= 23 and math.isnan(hi)  # upper bound not reached
    assert all(math.isnan(x) for x in median_survival(kaplan_meier([10, 10, 10], [False, False, False])))


# --- synthetic runs ------------------------------------------------------------------------

def synthetic_runs(points: dict[int, dict[str, float]], reps: int, seed: int = 1, horizon: int = 260,
                   hazard=None) -> pd.DataFrame:
    """runs.csv-shaped frame: every RUN_COLUMNS column, escalation driven by ``hazard(params)``."""
    rng = np.random.default_rng(seed)
    hazard = hazard or (lambda p: 0.004)
    rows = []
    params = sorted({k for p in points.values() for k in p})
    for dp, p in points.items():
        for k in range(reps):
            t = int(rng.geometric(hazard(p))) - 1
            esc = t < horizon
            row = {c: 0 for c in RUN_COLUMNS}
            row.update(run_id=dp * 1000 + k, scenario="paris_declaration", seed=k, horizon_weeks=horizon,
                       escalated=esc, escalation_week=float(t) if esc else None,
                       survival_weeks=t if esc else horizon, violations_probe=int(rng.integers(0, 20)),
                       violations_major=int(esc), ukraine_violations=int(rng.integers(0, 5)),
                       detected=int(rng.integers(0, 10)), attributed_correctly=int(rng.integers(0, 8)),
                       misattributed=int(rng.integers(0, 3)), force_phase="deployed", attack_outcome="none",
                       median_response_delay_weeks=None, force_deployed_week=None)
            rows.append({"design_point": dp, "replicate": k, **{q: p.get(q) for q in params}, **row})
    df = pd.DataFrame(rows)
    return df[["run_id", "design_point", "replicate", *params, *list(RUN_COLUMNS)[1:]]]


def write_folder(directory: Path, runs: pd.DataFrame, points: dict[int, dict], kind: str, reference: int,
                 levers: list[str], uncertainties: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "runs.csv").write_text(csv_text(list(runs.columns), runs.astype(object).where(runs.notna(), None)
                                                 .values.tolist()))
    params = sorted({k for p in points.values() for k in p})
    dp_rows = [[dp, f"design {dp}", "paris_declaration", *[p.get(q) for q in params]] for dp, p in points.items()]
    (directory / "design_points.csv").write_text(csv_text(["design_point", "label", "scenario", *params], dp_rows))
    (directory / "manifest.json").write_text(json.dumps({
        "design": kind, "reference": {"design_point": reference, "label": f"design {reference}"},
        "levers": levers, "uncertainties": uncertainties, "horizon_weeks": 260, "status": "complete"}))
    return directory


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


@pytest.mark.needs("sensitivity")
def test_saltelli_layout_is_recognised():
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    assert saltelli_blocks(sobol_sample.sample(problem, 8, calc_second_order=False)) is False
    assert saltelli_blocks(sobol_sample.sample(problem, 8, calc_second_order=True)) is True
    assert saltelli_blocks(np.random.default_rng(0).random((40, 3))) is None


# --- a whole folder ------------------------------------------------------------------------

LHS_POINTS = {i: {"monitoring.coverage": round((i + 0.5) / 24, 4), "russia.ambition": round(1 + ((7 * i) % 24) / 12, 4),
                  "force.enabled": bool(i % 2)} for i in range(24)}


def _hazard(p):
    return min(0.2, 0.00005 * math.exp(2.2 * p["russia.ambition"]) * (1.3 - p["monitoring.coverage"]))


@pytest.fixture(scope="module")
def lhs_analysed(tmp_path_factory):
    """An LHS-like folder, analysed once: (folder, returned summary, printed text)."""
    import contextlib
    import io

    runs = synthetic_runs(LHS_POINTS, reps=6, hazard=_hazard)
    folder = write_folder(tmp_path_factory.mktemp("lhs"), runs, LHS_POINTS, "lhs", 0,
                          ["monitoring.coverage", "force.enabled"], ["russia.ambition"])
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        summary = analyze_directory(folder)
    return folder, summary, buf.getvalue()


def _check_columns(path: Path, columns: dict, params: list[str]) -> pd.DataFrame:
    df = pd.read_csv(path)
    fixed = [c for c in df.columns if c not in params]
    assert fixed == list(columns), path.name
    for c, (dtype, _unit, meaning) in columns.items():
        assert str(df[c].dtype) == dtype, (path.name, c, df[c].dtype)
        assert meaning
    return df


@pytest.mark.needs("sensitivity")
def test_analyze_directory_writes_every_file(lhs_analysed):
    lhs_folder, summary, out = lhs_analysed
    assert "P(escalation) [95% CI]" in out and "design 0 (reference)" in out
    params = ["force.enabled", "monitoring.coverage", "russia.ambition"]
    s = _check_columns(lhs_folder / "summary.csv", SUMMARY_COLUMNS, params)
    assert len(s) == len(summary) == 24 and s["design_point"].is_monotonic_increasing
    assert (s["runs"] == 6).all() and s["force.enabled"].dtype == bool
    d = _check_columns(lhs_folder / "differences.csv", DIFFERENCE_COLUMNS, params)
    assert len(d) == 23 and (d["pairs"] == 6).all() and (d["reference_design_point"] == 0).all()
    sens = _check_columns(lhs_folder / "sensitivity.csv", SENSITIVITY_COLUMNS, [])
    assert set(sens["parameter"]) == set(params) and set(sens["output"]) <= {"p_escalation", "rmst_weeks"}
    assert set(sens["role"]) == {"lever", "uncertainty"}
    assert np.isfinite(sens["value"]).all()
    amb = sens[(sens["method"] == "delta") & (sens["index"] == "S1") & (sens["output"] == "p_escalation")]
    assert amb.set_index("parameter")["value"].idxmax() == "russia.ambition"  # the hazard's main driver
    for png in ("p_escalation.png", "survival.png", "lever_effects.png", "sensitivity.png"):
        data = (lhs_folder / png).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, png


@pytest.mark.needs("sensitivity")
def test_analysis_is_byte_identical_on_rerun(lhs_analysed):
    lhs_folder = lhs_analysed[0]
    first = {f: (lhs_folder / f).read_bytes() for f in ("summary.csv", "differences.csv", "sensitivity.csv")}
    analyze_directory(lhs_folder, quiet=True)
    assert first == {f: (lhs_folder / f).read_bytes() for f in first}


def test_missing_salib_skips_sensitivity_with_a_note(tmp_path, monkeypatch, capsys):
    runs = synthetic_runs(LHS_POINTS, reps=3, hazard=_hazard)
    folder = write_folder(tmp_path / "lhs", runs, LHS_POINTS, "lhs", 0, ["monitoring.coverage"], [])
    real_import = builtins.__import__

    def no_salib(name, *args, **kwargs):
        if name == "SALib" or name.startswith("SALib."):
            raise ImportError("No module named 'SALib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_salib)
    analyze_directory(folder)
    out = capsys.readouterr().out
    assert "SALib is not installed" in out
    assert not (folder / "sensitivity.csv").exists() and not (folder / "sensitivity.png").exists()
    assert (folder / "summary.csv").exists() and (folder / "lever_effects.png").exists()


@pytest.mark.slow
def test_real_model_grid_folder_and_example_script(tmp_path):
    """A small sweep of the real model (the runs.csv contract) and examples/load_results.py on it."""
    from sim.config import load_scenario, with_overrides
    from sim.runner import replicate_seed, simulate

    points = {i: {"monitoring.coverage": c, "force.posture": p}
              for i, (c, p) in enumerate([(0.25, "rear"), (0.25, "forward"), (0.75, "rear"), (0.75, "forward")])}
    base = with_overrides(load_scenario("paris_declaration"), {"horizon_weeks": 100})
    rows = []
    for dp, ov in points.items():
        sc = with_overrides(base, ov)
        for k in range(8):
            r = simulate(sc, replicate_seed(3, k), steps=False, events=False).run
            rows.append([dp * 1000 + k, dp, k, ov["force.posture"], ov["monitoring.coverage"], *list(r.values())[1:]])
    header = ["run_id", "design_point", "replicate", "force.posture", "monitoring.coverage", *list(RUN_COLUMNS)[1:]]
    folder = tmp_path / "grid"
    folder.mkdir()
    (folder / "runs.csv").write_text(csv_text(header, rows))
    (folder / "design_points.csv").write_text(csv_text(
        ["design_point", "label", "scenario", "force.posture", "monitoring.coverage"],
        [[dp, f"coverage {ov['monitoring.coverage']}, {ov['force.posture']}", "paris_declaration",
          ov["force.posture"], ov["monitoring.coverage"]] for dp, ov in points.items()]))
    (folder / "manifest.json").write_text(json.dumps({"design": "grid", "reference": {"design_point": 2},
                                                      "levers": ["monitoring.coverage", "force.posture"],
                                                      "uncertainties": [], "status": "complete"}))
    summary = analyze_directory(folder, quiet=True)
    assert list(summary["runs"]) == [8, 8, 8, 8]
    s = pd.read_csv(folder / "summary.csv")
    assert s["survival_5y"].isna().all() and s["survival_2y"].isna().all()  # horizon 100 weeks
    assert s["survival_1y"].notna().all()
    assert not (folder / "sensitivity.csv").exists()  # grids get main effects, not SALib indices
    assert (folder / "lever_effects.png").stat().st_size > 10_000
    out = tmp_path / "km.png"
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "load_results.py"), str(out),
                           "--runs", str(folder / "runs.csv")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "P(escalation) [95% CI]" in done.stdout
    assert out.read_bytes().startswith(b"\x89PNG")


def test_missing_runs_csv_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no runs.csv"):
        analyze_directory(tmp_path)


# --- analyze on damaged input --------------------------------------------------------------

def _set_cell(text: str, column: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    i = lines[0].rstrip("\n").split(",").index(column)
    cells = lines[1].rstrip("\n").split(",")
    cells[i] = value
    lines[1] = ",".join(cells) + "\n"
    return "".join(lines)


ANALYZE_CASES = {
    "empty": (lambda t: "", ["empty"]),
    "header_only": (lambda t: t.splitlines(keepends=True)[0], ["no runs"]),
    "short_line": (lambda t: t[: len(t) // 2 + (3 if t[len(t) // 2 - 1] == "\n" else 0)], ["runs.csv:"]),
    "text_in_number": (lambda t: _set_cell(t, "survival_weeks", "soon"), ["runs.csv:2", "survival_weeks",
                                                                            "not the declared type", "'soon'"]),
    "not_a_flag": (lambda t: _set_cell(t, "escalated", "maybe"), ["runs.csv:2", "escalated", "True or False"]),
    "out_of_range": (lambda t: _set_cell(t, "survival_weeks", "999"), ["runs.csv:2", "out of range"]),
    "missing_column": (lambda t: "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 4)
                                           for line in t.splitlines()) + "\n", ["missing column"]),
    "binary": (lambda t: "\x00\x01garbage", ["binary"]),
    "duplicate_run": (lambda t: t + t.splitlines(keepends=True)[1], ["appears twice"]),
}


@pytest.mark.parametrize("case", sorted(ANALYZE_CASES))
def test_analyze_on_a_damaged_runs_csv(small_sweep, tmp_path, case, bad_input):
    spoil, words = ANALYZE_CASES[case]
    folder = tmp_path / "d"
    shutil.copytree(small_sweep[1], folder)
    runs = folder / "runs.csv"
    runs.write_text(spoil(runs.read_text()))
    before = tree(folder)
    err = bad_input("analyze", folder)
    assert "runs.csv" in err
    for w in words:
        assert w in err, (w, err)
    assert tree(folder) == before  # nothing written from a damaged file


def test_analyze_never_overwrites_a_file_it_did_not_write(small_sweep, tmp_path, run_cli, bad_input):
    folder = tmp_path / "runs_only"
    folder.mkdir()
    shutil.copy(small_sweep[1] / "runs.csv", folder / "runs.csv")
    (folder / "summary.csv").write_text("my own\n")
    err = bad_input("analyze", folder)
    assert "summary.csv" in err and "--overwrite" in err
    assert (folder / "summary.csv").read_text() == "my own\n"
    assert run_cli("analyze", folder, "--overwrite").code == 0
    assert run_cli("analyze", folder).code == 0  # its own files now: a re-run needs no flag
    assert json.loads((folder / "manifest.json").read_text())["command"] == "analyze"
