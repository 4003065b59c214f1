"""The files `python -m sim run` writes: plain pandas.read_csv gives the declared dtypes; manifest."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from sim import cli
from sim.config import load_scenario
from sim.outputs import EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS
from sim.runner import replicate_seed, simulate
from tests.helpers import ROOT

TABLES = {"runs.csv": RUN_COLUMNS, "steps.csv": STEP_COLUMNS, "events.csv": EVENT_COLUMNS}


def find_seeds(scenario: str, escalated: bool, count: int) -> list[int]:
    """The first replicate seeds (master 2026) whose run escalates (or not)."""
    sc = load_scenario(scenario)
    out = []
    for k in range(200):
        seed = replicate_seed(2026, k)
        if simulate(sc, seed, steps=False, events=False).run["escalated"] == escalated:
            out.append(seed)
            if len(out) == count:
                return out
    raise AssertionError(f"no {count} seeds of {scenario} with escalated={escalated}")


def run_sim(out: Path, scenario: str, seed: int) -> Path:
    """``python -m sim run SCENARIO --seed SEED --out OUT`` (in this process)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        assert cli.main(["run", scenario, "--seed", str(seed), "--out", str(out)]) == 0, err.getvalue()
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("outputs")
    runs = {}
    for i, seed in enumerate(find_seeds("budapest_memorandum", True, 2)):
        runs[f"budapest_escalated_{i}"] = run_sim(base / f"b{i}", "budapest_memorandum", seed)
    for i, seed in enumerate(find_seeds("paris_declaration", False, 2)):
        runs[f"paris_calm_{i}"] = run_sim(base / f"p{i}", "paris_declaration", seed)
    return runs


RUN_KEYS = ["budapest_escalated_0", "budapest_escalated_1", "paris_calm_0", "paris_calm_1"]


@pytest.mark.parametrize("run", RUN_KEYS)
@pytest.mark.parametrize("table", sorted(TABLES))
def test_plain_read_csv_gives_declared_dtypes(outputs, run, table):
    frame = pd.read_csv(outputs[run] / table)
    declared = TABLES[table]
    assert list(frame.columns) == list(declared)
    # A text column empty in every row of a file reads as float64 (all NaN): documented in OUTPUTS.md.
    got = {c: "object" if declared[c][0] == "object" and frame[c].isna().all() else str(frame[c].dtype)
           for c in frame.columns}
    want = {c: spec[0] for c, spec in declared.items()}
    assert got == want, {c: (got[c], want[c]) for c in got if got[c] != want[c]}
    assert len(frame) > 0


@pytest.mark.parametrize("run", RUN_KEYS)
def test_runs_row_is_consistent_with_steps_and_events(outputs, run):
    runs = pd.read_csv(outputs[run] / "runs.csv")
    steps = pd.read_csv(outputs[run] / "steps.csv")
    events = pd.read_csv(outputs[run] / "events.csv")
    assert len(runs) == 1
    row = runs.iloc[0]
    horizon = int(row.horizon_weeks)
    assert steps.week.tolist() == list(range(horizon))
    assert set(steps.run_id) == set(events.run_id) == {row.run_id}
    escalations = events[events.kind == "escalation"]
    if run.startswith("budapest"):
        assert bool(row.escalated) and not pd.isna(row.escalation_week)
        assert row.survival_weeks == row.escalation_week == escalations.week.min()
        assert row.violations_major >= 1 and row.attack_outcome in ("repelled", "ceasefire", "negotiated", "ongoing")
        assert steps.at_war.any() and steps.escalation_level.max() == 3
    else:
        assert not bool(row.escalated) and pd.isna(row.escalation_week)
        assert row.survival_weeks == horizon and row.attack_outcome == "none"
        assert escalations.empty and not steps.at_war.any()
    # Counts in runs.csv agree with the event log.
    assert row.detected == (events.kind == "detection").sum()
    assert row.false_alarms == (events.kind == "false_alarm").sum()
    russian = events[(events.kind.isin(["violation", "escalation"])) & (events.actor == "Russia")]
    assert row.violations_probe == (russian.level == "probe").sum()
    assert row.violations_limited == (russian.level == "limited").sum()
    assert row.violations_major == (russian.level == "major").sum()
    assert row.ukraine_violations == ((events.kind == "violation") & (events.actor == "Ukraine")).sum()
    assert row.stockpile_surges == (events.kind == "surge").sum()
    assert set(events.kind) <= {*EVENT_COLUMNS["kind"][2].rstrip(".").replace(",", "").split()}


def test_manifest(outputs):
    folder = outputs["paris_calm_0"]
    manifest = json.loads((folder / "manifest.json").read_text())
    runs = pd.read_csv(folder / "runs.csv")
    assert manifest["seed"] == int(runs.seed.iloc[0])
    assert manifest["scenario"] == "paris_declaration"
    # The resolved config is complete: it rebuilds the scenario exactly.
    from sim.config import Scenario
    assert Scenario.model_validate(manifest["config"]) == load_scenario("paris_declaration")
    versions = manifest["versions"]
    for pkg in ("python", "mesa", "numpy", "pandas", "pydantic"):
        assert re.match(r"\d+\.\d+", versions[pkg]), (pkg, versions)
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"] or "")
    assert manifest["git_commit"] == head
    assert set(manifest["files"]) == {"runs.csv", "steps.csv", "events.csv"}


def test_written_files_have_ordinary_permissions(outputs):
    # Output files are data to share: they get the mode a plain open() would give (0666 & ~umask).
    umask = os.umask(0)
    os.umask(umask)
    expected = 0o666 & ~umask
    folder = outputs["paris_calm_0"]
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == dict.fromkeys(modes, expected), {k: oct(v) for k, v in modes.items()}


def test_no_temporary_files_left_behind(outputs):
    for folder in outputs.values():
        assert sorted(p.name for p in folder.iterdir()) == ["events.csv", "manifest.json", "runs.csv", "steps.csv"]


def test_every_event_row_has_one_cell_per_column():
    from sim.config import load_scenario
    from sim.events import FIELDS
    from sim.runner import simulate

    assert list(EVENT_COLUMNS) == ["run_id", "event_id", "week", "date", "kind", "actor", "level", "clause",
                                   *FIELDS, "detail"]
    rows = simulate(load_scenario("budapest_memorandum"), 3).event_rows(0)
    assert rows and {len(r) for r in rows} == {len(EVENT_COLUMNS)}
