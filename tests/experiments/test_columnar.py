"""Columnar results: Parquet beside or instead of CSV, sim.api.load, and the disk estimate by format."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim import api
from sim.experiments.config import experiment_from_dict
from sim.experiments.sizes import estimate_bytes

pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install 'paris-guarantees-sim[parquet]'")

SMALL = {"name": "columnar", "scenarios": ["paris_declaration", "minsk_analogue"], "design": "grid",
         "levers": {"force.posture": ["rear", "forward"]}, "replications": 6, "master_seed": 3,
         "outputs": {"steps": True, "events": True}}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    out = tmp_path_factory.mktemp("columnar") / "both"
    return api.sweep({**SMALL, "outputs": {**SMALL["outputs"], "format": "both"}}, out=out)


def test_parquet_copies_hold_what_the_csvs_hold_typed_as_declared(both):
    folder = both.out
    for table in ("runs", "steps", "events"):
        assert (folder / f"{table}.csv").is_file() and (folder / f"{table}.parquet").is_file()
    steps_csv, steps_pq = pd.read_csv(folder / "steps.csv"), pd.read_parquet(folder / "steps.parquet")
    assert steps_pq["at_war"].dtype == bool and steps_pq["week"].dtype == "int64"
    assert str(steps_pq["date"].iloc[0]) == steps_csv["date"].iloc[0]  # a date, the same day
    pd.testing.assert_frame_equal(steps_pq.drop(columns="date"), steps_csv.drop(columns="date"), check_dtype=False)
    events_csv, events_pq = pd.read_csv(folder / "events.csv"), pd.read_parquet(folder / "events.parquet")
    assert len(events_pq) == len(events_csv) > 0
    assert (events_pq["kind"] == events_csv["kind"]).all() and events_pq["cause_id"].equals(events_csv["cause_id"])
    runs_pq = pd.read_parquet(folder / "runs.parquet")
    assert runs_pq["escalated"].dtype == bool and list(runs_pq.columns) == list(pd.read_csv(folder / "runs.csv").columns)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "both" and {"steps.parquet", "events.parquet", "runs.parquet"} <= set(manifest["files"])


def test_load_joins_parameters_and_parses_dates(both):
    data = api.load(both.out)
    assert data.parameters == ["force.posture"]
    assert {"label", "scenario", "force.posture", "escalated"} <= set(data.runs.columns)
    # minsk_analogue has no force: its two postures are one design, run once (sim/experiments/duplicates.py)
    assert len(data.runs) == 3 * 6 and data.runs["design_point"].nunique() == 3
    assert pd.api.types.is_datetime64_any_dtype(data.runs["ceasefire_date"])
    for frame in (data.steps, data.events):
        assert {"design_point", "replicate", "force.posture"} <= set(frame.columns)
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])
        # each row carries its own run's design
        merged = frame.merge(data.runs[["run_id", "force.posture"]], on="run_id", suffixes=("", "_run"))
        assert (merged["force.posture"] == merged["force.posture_run"]).all()
    week = data.steps.groupby("design_point")["week"].max()
    assert (week == 259).all()
    few = api.load(both.out, events=False, step_columns=["coverage"])
    assert few.events is None and set(few.steps.columns) == {"run_id", "week", "coverage", "design_point",
                                                             "replicate", "force.posture"}


def test_parquet_instead_of_csv_keeps_runs_csv_and_the_analysis(tmp_path, both):
    result = api.sweep({**SMALL, "outputs": {**SMALL["outputs"], "format": "parquet"}}, out=tmp_path / "pq")
    folder = result.out
    assert not (folder / "steps.csv").exists() and not (folder / "events.csv").exists()
    assert (folder / "runs.csv").is_file() and (folder / "summary.csv").is_file()
    assert (folder / "steps.parquet").is_file() and (folder / "events.parquet").is_file()
    pd.testing.assert_frame_equal(result.summary, both.summary)
    assert len(result.steps) == len(both.steps) and len(result.events) == len(both.events)
    data = api.load(folder)  # the same loader whatever the format
    pd.testing.assert_frame_equal(data.steps, api.load(both.out).steps, check_dtype=False)
    # the format does not decide the runs: a sweep resumes under either
    assert experiment_from_dict({**SMALL, "outputs": {**SMALL["outputs"], "format": "parquet"}}).fingerprint() == \
        experiment_from_dict(SMALL).fingerprint()


def test_the_disk_estimate_is_within_20_percent_for_every_format(both):
    folder, exp = both.out, experiment_from_dict(SMALL)
    runs = len(both.runs)
    size = {f.name: f.stat().st_size for f in folder.iterdir() if f.suffix in (".csv", ".parquet")
            and f.stem in ("runs", "steps", "events")}
    written = {"csv": sum(v for k, v in size.items() if k.endswith(".csv")),
               "parquet": size["runs.csv"] + sum(v for k, v in size.items() if k.endswith(".parquet")),
               "both": sum(size.values())}
    for fmt, actual in written.items():
        estimate = estimate_bytes(exp, runs, fmt)
        assert 0.8 <= estimate / actual <= 1.2, (fmt, estimate, actual)


def test_the_sweep_command_writes_the_format_asked(tmp_path, capsys):
    from sim.cli import main

    exp = tmp_path / "tiny.yaml"
    exp.write_text("name: tiny\nscenarios: paris_declaration\ndesign: grid\nlevers:\n  force.posture: [rear, forward]\n"
                   "replications: 2\nhorizon_weeks: 20\noutputs:\n  steps: true\n  events: true\n", encoding="utf-8")
    assert main(["sweep", str(exp), "--out", str(tmp_path / "out"), "--workers", "1", "--format", "parquet"]) == 0
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"runs.csv", "runs.parquet", "steps.parquet", "events.parquet", "summary.csv"} <= names
    assert not {"steps.csv", "events.csv"} & names
    assert "about" in capsys.readouterr().err  # the size printed before the sweep counts the format
    assert len(pd.read_parquet(tmp_path / "out" / "steps.parquet")) == 2 * 2 * 20
