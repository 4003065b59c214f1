"""python -m sim discover: PRIM boxes and feature scores on sweep folders (EMA Workbench)."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    pytest.importorskip("ema_workbench", reason="scenario discovery needs EMA Workbench: "
                                                "pip install 'paris-guarantees-sim[discovery]'")

from sim import api  # noqa: E402
from sim.cli import main  # noqa: E402
from sim.discovery import discover, find_box  # noqa: E402


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A sweep folder whose failures sit in a known box: a > 0.7 and cat in {x, y} (10% noise)."""
    rng = np.random.default_rng(2026)
    n = 1500
    a, b = rng.random(n), rng.random(n)
    cat = rng.choice(["x", "y", "z"], n)
    inside = (a > 0.7) & (cat != "z")
    escalated = np.where(rng.random(n) < 0.1, ~inside, inside)
    folder = tmp_path_factory.mktemp("planted")
    design = pd.DataFrame({"design_point": range(n), "label": [f"lhs {i}" for i in range(n)],
                           "scenario": "paris_declaration", "a": a.round(6), "b": b.round(6), "cat": cat})
    design.to_csv(folder / "design_points.csv", index=False)
    runs = design.drop(columns="label").assign(replicate=0, escalated=escalated, horizon_weeks=260,
                                               survival_weeks=np.where(escalated, 100, 260))
    for col in ("violations_probe", "violations_limited", "violations_major", "ukraine_violations", "detected",
                "false_alarms", "attributed_correctly", "misattributed"):
        runs[col] = 0  # columns every runs.csv has (the reader checks them); PRIM does not use them
    runs.insert(0, "run_id", runs["design_point"] * 100_000)
    runs.to_csv(folder / "runs.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps({"design": "lhs", "levers": ["cat"],
                                                      "uncertainties": ["a", "b"],
                                                      "files": ["runs.csv", "design_points.csv"]}))
    return folder


def inside_box(frame: pd.DataFrame, box: pd.DataFrame) -> np.ndarray:
    mask = np.ones(len(frame), bool)
    for r in box.itertuples(index=False):
        if r.kind == "range":
            mask &= (frame[r.parameter] >= r.low) & (frame[r.parameter] <= r.high)
        else:
            mask &= frame[r.parameter].astype(str).isin(r.values.split("|")).to_numpy()
    return mask


def test_prim_finds_the_planted_box(planted, tmp_path):
    result = discover(planted, "escalated", out=tmp_path / "d")
    box = result.box.set_index("parameter")
    assert 0.65 <= box.loc["a", "low"] <= 0.75
    assert set(box.loc["cat", "values"].split("|")) == {"x", "y"}
    # the planted restrictions are significant (quasi-p, Bryant and Lempert 2010); noise on b is not
    assert box.loc["a", ["qp_low", "qp_high"]].min() < 1e-6 and box.loc["cat", "qp_low"] < 1e-6
    assert "b" not in box.index or box.loc["b", ["qp_low", "qp_high"]].min() > 0.05
    # the reported coverage and density are those of the limits, recomputed from the data
    runs = pd.read_csv(planted / "runs.csv")
    y = runs["escalated"].to_numpy(bool)
    mask = inside_box(runs, result.box)
    chosen = result.trajectory.loc[result.chosen]
    assert chosen.coverage == pytest.approx(y[mask].sum() / y.sum())
    assert chosen.density == pytest.approx(y[mask].mean())
    assert chosen.mass == pytest.approx(mask.mean())
    assert chosen.coverage >= 0.5 and chosen.density > 0.8
    # the box picked is the densest on the peeling trajectory that keeps half the cases; pruning then
    # drops the limits that are not significant (b's, a's upper one): the planted box, exactly
    peeling = result.trajectory[result.trajectory["origin"] == "peeling"]
    assert result.trajectory.loc[result.picked, "density"] == peeling[peeling["coverage"] >= 0.5]["density"].max()
    assert set(box.index) == {"a", "cat"} and box.loc["a", "high"] == runs["a"].max()
    scores = result.scores.set_index("parameter")["score"]
    assert scores.idxmax() == "a"  # (impurity scores favour continuous noise like b over a 3-way category)
    assert result.question == "Under which conditions does paris_declaration fail (escalated is true)?"
    assert result.cases == int(y.sum()) and result.total == 1500 and result.unit == "runs"


def test_files_and_the_command(planted, capsys):
    assert main(["discover", str(planted)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Under which conditions does paris_declaration fail (escalated is true)?")
    assert "coverage" in text and "density" in text and "feature scores" in text
    assert "quasi-p" in text and "stable" in text  # each restriction's significance and stability printed
    out = planted / "discovery_escalated"
    traj = pd.read_csv(out / "prim_trajectory.csv")
    assert list(traj.columns) == ["step", "coverage", "density", "mass", "res_dim", "n", "k", "origin", "chosen"]
    assert traj["chosen"].sum() == 1 and traj["coverage"].iloc[0] == 1.0
    assert traj["mass"].min() >= 0.05 - 1 / 1500  # peeling stops at mass_min (default 0.05)
    box = pd.read_csv(out / "prim_box.csv")
    assert set(box["parameter"]) >= {"a", "cat"}
    assert (out / "prim_tradeoff.png").stat().st_size > 10_000
    info = json.loads((out / "discovery.json").read_text())
    assert info["chosen_box"]["step"] == int(traj.loc[traj["chosen"], "step"].iloc[0])
    assert info["library"].startswith("ema_workbench ")


def test_a_chosen_box_and_numeric_outcomes(planted, tmp_path):
    first = discover(planted, box=3, write=False)
    assert first.chosen == 3 and first.trajectory["chosen"].sum() == 1
    assert main(["discover", str(planted), "--outcome", "a", "--threshold", "0.9", "--out", str(tmp_path)]) == 0
    found = discover(planted, "a", threshold=0.9, write=False)
    assert found.box.set_index("parameter").loc["a", "low"] >= 0.85  # a case is a > 0.9: PRIM restricts a


def test_boxes_are_pruned_to_significant_and_stable_restrictions(planted):
    last = len(discover(planted, write=False, alpha=None, resamples=0).trajectory) - 1
    raw = discover(planted, box=last, alpha=None, resamples=0, write=False)  # peeled to the end: b cut too
    assert "b" in set(raw.box["parameter"]) and (raw.box["qp"] > 0.05).any()
    pruned = discover(planted, box=last, write=False)  # default: alpha 0.05, 10 half-sample re-runs
    assert pruned.picked == last and pruned.chosen > last  # the pruned box follows the peeling trajectory
    assert set(pruned.box["parameter"]) == {"a", "cat"}  # b's limits were noise
    assert (pruned.box["qp"] <= 0.05).all()
    assert pruned.trajectory.loc[pruned.chosen, "origin"].startswith(f"box {last} without ")
    # the planted limits come back in most half-sample re-runs (EMA's resample)
    stable = pruned.box.set_index("parameter")["reproduce_coverage"]
    assert stable["a"] >= 80
    # the pruned box's statistics are those of its limits, recomputed from the data
    runs = pd.read_csv(planted / "runs.csv")
    mask, y = inside_box(runs, pruned.box), runs["escalated"].to_numpy(bool)
    assert pruned.trajectory.loc[pruned.chosen, "density"] == pytest.approx(y[mask].mean())
    assert "pruned to the restrictions significant at quasi-p <= 0.05" in pruned.text()


def test_few_cases_leave_stability_unmeasured_not_a_crash():
    # 3 cases in 60 rows: a half sample holds none about one draw in eight (C(57,30)/C(60,30)), and EMA's PRIM asserts on a
    # one-class sample; the box is still reported, its stability not measured, and a note says why
    rng = np.random.default_rng(4)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 60), "b": rng.uniform(0, 1, 60)})
    y = np.zeros(60, bool)
    y[np.argsort(x["a"].to_numpy())[-3:]] = True  # the three largest a
    found = find_box(x, y, alpha=None, resamples=30, seed=1)  # seed 0 happens to draw none such
    assert "a" in set(found.box["parameter"])
    assert found.box["reproduce_coverage"].isna().all()
    assert any("stability not measured: a half sample held no case (3 cases of 60)" in n for n in found.notes)
    many = find_box(x, x["a"].to_numpy() > 0.5, alpha=None, resamples=10)  # 30 cases: every half holds some
    assert not many.notes and many.box["reproduce_coverage"].notna().all()


def test_unfinished_sweeps_are_refused(planted, tmp_path, capsys):
    import shutil

    partial = tmp_path / "sweep.partial"
    shutil.copytree(planted, partial)
    assert main(["discover", str(partial)]) == 2
    assert "unfinished sweep" in capsys.readouterr().err
    stopped = tmp_path / "stopped"
    shutil.copytree(planted, stopped)
    info = json.loads((stopped / "manifest.json").read_text())
    (stopped / "manifest.json").write_text(json.dumps({**info, "status": "partial"}))
    assert main(["discover", str(stopped)]) == 2
    assert "status is 'partial', not 'complete'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def real_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "sweep"
    api.sweep({"name": "disc", "scenarios": "minsk_analogue", "design": "lhs", "samples": 40, "horizon_weeks": 78,
               "replications": 4,
               "levers": {"monitoring.coverage": {"low": 0.0, "high": 1.0}, "force.posture": ["rear", "forward"]},
               "uncertainties": {"russia.ambition": {"low": 1.0, "high": 3.0}}}, out=out)
    return out


@pytest.mark.slow
def test_per_design_point_statistics(real_sweep):
    summary = pd.read_csv(real_sweep / "summary.csv")
    threshold = 0.0  # any escalation at the design point
    assert 0 < (summary["p_escalation"] > threshold).sum() < 40
    found = discover(real_sweep, "p_escalation", threshold=threshold, min_coverage=0.3, write=False)
    assert found.unit == "design points" and found.total == 40
    assert found.cases == int((summary["p_escalation"] > threshold).sum())
    assert found.rule == f"p_escalation > {threshold:g}"
    below = discover(real_sweep, "survival_weeks", threshold=70, below=True, write=False)
    runs = pd.read_csv(real_sweep / "runs.csv")
    assert below.cases == int((runs["survival_weeks"] < 70).sum()) and below.unit == "runs"
    # feature scores name only the sampled parameters
    assert set(found.scores["parameter"]) == {"monitoring.coverage", "force.posture", "russia.ambition"}


@pytest.mark.parametrize("argv, words", [
    (["NOFOLDER"], ["no such folder"]),
    (["{dir}", "--outcome", "escalatd"], ["unknown outcome 'escalatd'", "did you mean 'escalated'"]),
    (["{dir}", "--outcome", "a"], ["a is a number: give --threshold"]),
    (["{dir}", "--outcome", "escalated", "--threshold", "1"], ["takes no --threshold"]),
    (["{dir}", "--outcome", "a", "--threshold", "2"], ["none of the 1500 runs is a case", "nothing to tell apart"]),
    (["{dir}", "--min-coverage", "1.5"], ["not a share from 0 to 1"]),
    (["{dir}", "--box", "999"], ["the peeling trajectory has boxes 0 to"]),
])
def test_bad_input_exits_2_with_a_message(planted, tmp_path, capsys, argv, words):
    argv = [a.replace("{dir}", str(planted)).replace("NOFOLDER", str(tmp_path / "none")) for a in argv]
    with pytest.raises(SystemExit) if "--min-coverage" in argv else _no_exit():
        code = main(["discover", *argv, "--out", str(tmp_path / "o")])
        assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_discovery_folder_is_the_tools(planted, tmp_path):
    """Issue 20: the default folder is recorded in the sweep's manifest before it is written, so a later
    `sweep --overwrite` counts it as the tool's; a second discovery replaces it only with overwrite."""
    from sim.errors import FolderError
    from sim.outfolder import check_target

    sweep_dir = tmp_path / "sweep"
    shutil.copytree(planted, sweep_dir, ignore=shutil.ignore_patterns("discovery_*"))
    discover(sweep_dir, "escalated")
    manifest = json.loads((sweep_dir / "manifest.json").read_text())
    assert "discovery_escalated/" in manifest["files"]
    assert not check_target(sweep_dir, overwrite=True).foreign  # sweep --overwrite may replace it
    own = json.loads((sweep_dir / "discovery_escalated" / "manifest.json").read_text())
    assert own["command"] == "discover" and "feature_scores.csv" in own["files"]
    with pytest.raises(FolderError, match="give --overwrite"):
        discover(sweep_dir, "escalated")
    discover(sweep_dir, "escalated", overwrite=True)
    assert sorted(p.name for p in sweep_dir.iterdir() if p.name.startswith(".")) == []  # no lock or working name


def test_discovery_on_an_unfinished_sweep_says_so(planted, tmp_path):
    """Issue 20 found it ran without a word; issue 22 asks that it refuse: boxes drawn on part of a
    design describe the order the runs finished in."""
    from sim.errors import UsageError

    for name, status in (("s.partial", "partial"), ("s", "partial")):
        work = tmp_path / name
        shutil.copytree(planted, work, ignore=shutil.ignore_patterns("discovery_*"))
        manifest = json.loads((work / "manifest.json").read_text())
        (work / "manifest.json").write_text(json.dumps({**manifest, "status": status, "runs_done": 1500,
                                                        "runs_planned": 3000}))
        with pytest.raises(UsageError, match=r"unfinished sweep|not 'complete'.*--resume"):
            discover(work, "escalated", write=False)
