"""A sweep folder analysed end to end: every file with its declared columns, the same bytes on a re-run,
SALib optional, a real model's grid and the example script on it; analyze never overwrites a file it did
not write."""

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

from sim.experiments.analysis import analyze_directory
from sim.experiments.identification import DECIDE_COLUMNS
from sim.experiments.tables import DIFFERENCE_COLUMNS, SENSITIVITY_COLUMNS, SUMMARY_COLUMNS
from sim.files import csv_text
from sim.outputs import RUN_COLUMNS
from tests.helpers import ROOT


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
    assert "ranked safest first" in out and "design 0 *" in out and "Differences against design 0" in out
    params = ["force.enabled", "monitoring.coverage", "russia.ambition"]
    s = _check_columns(lhs_folder / "summary.csv", SUMMARY_COLUMNS, params)
    assert len(s) == len(summary) == 24 and s["design_point"].is_monotonic_increasing
    assert (s["runs"] == 6).all() and s["force.enabled"].dtype == bool
    d = _check_columns(lhs_folder / "differences.csv", {**DIFFERENCE_COLUMNS, **DECIDE_COLUMNS}, params)
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


def test_analyze_never_overwrites_a_file_it_did_not_write(small_sweep, tmp_path, run_cli, bad_input):
    folder = tmp_path / "runs_only"
    folder.mkdir()
    shutil.copy(small_sweep[1] / "runs.csv", folder / "runs.csv")
    (folder / "summary.csv").write_text("my own\n")
    for extra in ((), ("--overwrite",)):  # the user's file, whatever the flags (issue 20)
        err = bad_input("analyze", folder, *extra)
        assert "summary.csv" in err and "did not write" in err and "move it away" in err
        assert (folder / "summary.csv").read_text() == "my own\n"
    (folder / "summary.csv").unlink()
    assert run_cli("analyze", folder).code == 0
    assert run_cli("analyze", folder).code == 0  # its own files now: a re-run needs no flag
    assert json.loads((folder / "manifest.json").read_text())["command"] == "analyze"


@pytest.mark.slow
def test_the_analysis_is_the_same_in_parallel(tmp_path):
    """Per design point statistics on chunks in a process pool give the serial tables to the last bit."""
    import numpy as np

    from sim.experiments.analysis import analyze_runs
    from sim.experiments.tables import table_text

    rng = np.random.default_rng(4)
    points, reps = 24, 12
    dp, rep = np.repeat(np.arange(points), reps), np.tile(np.arange(reps), points)
    esc = rng.random(points * reps) < 0.1 + 0.6 * dp / points
    week = rng.integers(0, 104, points * reps)
    runs = pd.DataFrame({"run_id": dp * 100_000 + rep, "design_point": dp, "replicate": rep, "x": dp / points,
                         "escalated": esc, "survival_weeks": np.where(esc, week, 104), "horizon_weeks": 104,
                         **{c: rng.poisson(2, points * reps) for c in (
                             "violations_probe", "violations_limited", "violations_major", "ukraine_violations",
                             "false_alarms", "detected", "attributed_correctly", "misattributed")}})
    design = pd.DataFrame({"design_point": range(points), "label": [f"p{i}" for i in range(points)],
                           "scenario": "s", "x": np.arange(points) / points})
    manifest = {"design": "grid", "reference": {"design_point": 5, "label": "p5"}}
    serial = analyze_runs(runs, design, manifest, ["x"], workers=1)
    parallel = analyze_runs(runs, design, manifest, ["x"], workers=2)
    assert table_text(parallel.summary, ["x"]) == table_text(serial.summary, ["x"])
    assert table_text(parallel.differences, ["x"]) == table_text(serial.differences, ["x"])
    assert len(serial.differences) == points - 1
