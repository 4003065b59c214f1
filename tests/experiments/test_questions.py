"""docs/QUESTIONS.md as `python -m sim questions` writes it (issue 18 Deliver 1, issue 19 Deliver 3): every
question at the three outcome levels with both intervals and a verdict, its main contrast decomposed by
channel on paired runs whose numbers add up as the decomposition defines, and no "undecided" without
what would decide it.

The whole command runs once, on tiny sizes (6 replicates a design point, 3 plausible worlds, 6 paired
replicates a decomposition), into a temporary folder."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments.channels import configurations
from sim.experiments.levels import LEVEL_NAMES, LEVELS, LevelDifference, compare_levels
from sim.experiments.question_runs import channels_folder
from sim.experiments.questions import MAIN, QUESTIONS
from tests.helpers import ROOT

ARGS = ["--replications", "6", "--decomposition-replications", "6", "--posterior-draws", "3", "--workers", "2"]


def _questions(*args: str) -> tuple[int, str]:
    from sim import cli

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(["questions", *args])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def tiny_questions(tmp_path_factory) -> tuple[Path, str, str]:
    """(results folder, the page, stderr) of `sim questions` on tiny sizes, run from the repository."""
    results = tmp_path_factory.mktemp("questions")
    with contextlib.chdir(ROOT):
        code, err = _questions("--results", str(results), "--out", str(results / "QUESTIONS.md"), *ARGS)
    assert code == 0, err
    return results, (results / "QUESTIONS.md").read_text(encoding="utf-8"), err


def _sections(page: str) -> dict[str, str]:
    titles = {title: name for name, title, _ in QUESTIONS}
    parts = re.split(r"^## ", page, flags=re.M)[1:]
    return {titles[p.splitlines()[0]]: p for p in parts if p.splitlines()[0] in titles}


def _table(text: str, header_start: str) -> list[list[str]]:
    """The rows (cells) of the Markdown table whose header line starts with ``header_start``."""
    lines = text.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[i + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _points(cell: str) -> tuple[float, float, float]:
    """'+1.2 [-0.3, +2.5]' -> (1.2, -0.3, 2.5)."""
    m = re.fullmatch(r"([+-]\d+\.\d) \[([+-]\d+\.\d), ([+-]\d+\.\d)\]", cell)
    assert m, cell
    return float(m[1]), float(m[2]), float(m[3])


@pytest.mark.slow
def test_every_question_shows_its_main_contrast_at_the_three_levels(tiny_questions):
    results, page, _ = tiny_questions
    sections = _sections(page)
    assert set(sections) == set(MAIN)
    assert "G4's commitments are triggered by a renewed war" in page.split("## ")[0]
    glance = _table(page, "| question | main contrast | level |")  # the answers at a glance, one a question
    assert [r[0] for r in glance] == [title for _, title, _ in QUESTIONS]
    assert [r[2] for r in glance] == [LEVEL_NAMES[MAIN[name].level] for name, _, _ in QUESTIONS]
    assert all(r[5] for r in glance) and all(r[4] for r in glance)
    for name, text in sections.items():
        rows = _table(text, "| outcome level |")
        assert [r[0].strip("*") for r in rows] == [LEVEL_NAMES[lv] for lv in LEVELS]
        assert f"**{LEVEL_NAMES[MAIN[name].level]}**" in [r[0] for r in rows]  # the level it is decided at
        for r in rows:  # risk with chance and worlds, difference, from constants, verdict, across the worlds
            assert "; worlds [" in r[1] and "; worlds [" in r[2]
            _points(r[3])
            assert r[4].startswith("[") and r[5] and r[6]
        # the numbers are the sweep's: recomputed from its runs.csv at each level
        folder = results / f"q_{name}"
        runs = pd.read_csv(folder / "runs.csv")
        summary = pd.read_csv(folder / "summary.csv")
        labels = dict(zip(summary["label"], summary["design_point"]))
        found = compare_levels(runs, labels[MAIN[name].variant], labels[MAIN[name].reference])
        for r, level in zip(rows, LEVELS):
            assert _points(r[3])[0] == pytest.approx(round(100 * found[level][2].mean, 1), abs=0.051)
    assert ("### The answer: limited_attack_response=armed_attack, binding_levels=[major], ambition=1.5 against "
            "limited_attack_response=limited_menu, binding_levels=[major], ambition=1.5") in sections["limited_attack"]


@pytest.mark.slow
def test_every_design_is_shown_at_the_three_levels_with_differences_csv_numbers(tiny_questions):
    results, page, _ = tiny_questions
    for name, text in _sections(page).items():
        rows = _table(text, "| design | compared with | outcome level |")
        diffs = pd.read_csv(results / f"q_{name}" / "differences.csv")
        summary = pd.read_csv(results / f"q_{name}" / "summary.csv")
        assert len(rows) == 3 * (len(diffs) + 1)  # each comparison and the reference, at each level
        assert [r[2] for r in rows] == [LEVEL_NAMES[lv] for lv in LEVELS] * (len(diffs) + 1)
        war = [r for r in rows if r[2] == LEVEL_NAMES["renewed_war"] and r[6] != "reference"]
        # the renewed-war rows are differences.csv's, in its order within each design
        expected = sorted(zip(diffs["design_point"], range(len(diffs))))
        for r, (_, i) in zip(war, expected):
            d = diffs.iloc[i]
            assert _points(r[6]) == (round(100 * d.diff_escalation, 1) + 0.0, round(100 * d.diff_low, 1) + 0.0,
                                     round(100 * d.diff_high, 1) + 0.0)
        assert sum(r[6] == "reference" for r in rows) == 3 and len(summary) >= len(diffs["design_point"].unique())


@pytest.mark.slow
def test_the_decomposition_adds_up_as_it_is_defined(tiny_questions):
    results, page, _ = tiny_questions
    names = [name for name, _ in configurations()]
    for name, text in _sections(page).items():
        rows = _table(text, "| configuration |")
        assert [r[0] for r in rows] == names
        for k in range(len(LEVELS)):
            diff = [_points(r[1 + 2 * k])[0] for r in rows]
            total = diff[0]
            for r, d in zip(rows[1:-1], diff[1:-1]):  # share = total - difference with the channel off
                share = _points(r[2 + 2 * k])
                assert share[0] == pytest.approx(total - d, abs=0.11)
                assert share[1] <= share[0] <= share[2]
        m = re.search(r"Adding up, in points: (.*)\.\n", text)
        assert m, text
        for part in m[1].split("; "):
            t, res, sh, inter = map(float, re.findall(r"[+-]\d+\.\d", part))
            assert t == pytest.approx(res + sh + inter, abs=0.16)
        # with every channel on, the decomposition's runs are the sweep's own (same seed, world, design)
        runs = pd.read_csv(channels_folder(results, name) / "runs.csv")
        sweep = pd.read_csv(results / f"q_{name}" / "runs.csv")
        manifest = json.loads((channels_folder(results, name) / "manifest.json").read_text())
        on = runs[runs["configuration"] == "all channels on"]
        for role, key in (("reference", "reference_design_point"), ("variant", "variant_design_point")):
            mine = on[on["role"] == role].set_index("replicate").sort_index()
            theirs = sweep[sweep["design_point"] == manifest[key]].set_index("replicate").sort_index()
            for col in ("seed", "posterior_draw", "armed_attack", "escalated", "territory_seized_pct", "decisions"):
                assert mine[col].tolist() == theirs.loc[mine.index, col].tolist(), (name, col)
        assert len(runs) == 2 * len(names) * 6 == manifest["runs"]


@pytest.mark.slow
def test_no_verdict_is_undecided_without_what_would_decide_it(tiny_questions):
    _, page, _ = tiny_questions
    cells = [c.strip() for line in page.splitlines() if line.startswith("|") for c in line.split("|")]
    for cell in cells:
        if "undecided" in cell or "not in every plausible world" in cell:
            assert "would decide" in cell, cell
        if cell.startswith("no detectable difference"):
            assert "would decide" in cell or "would narrow" in cell, cell
    sentences = re.findall(r"not told apart from chance[^.]*\.", page)
    assert sentences
    for sentence in sentences:
        assert any(k in sentence for k in ("would decide", "would only narrow", "halve it")), sentence


@pytest.mark.slow
def test_report_only_reuses_everything_and_says_what_is_missing(tiny_questions, tmp_path):
    results, page, first = tiny_questions
    assert first.count("decomposition by mechanism, 84 runs") == len(QUESTIONS)
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    with contextlib.chdir(ROOT):
        code, err = _questions("--results", str(copy), "--out", str(copy / "Q.md"), *ARGS)
    assert code == 0 and "decomposition by mechanism, 84 runs" not in err and err.count("(reused)") == 2 * len(QUESTIONS)
    assert (copy / "Q.md").read_text() == page
    shutil.rmtree(channels_folder(copy, "force"))
    with contextlib.chdir(ROOT):
        code, err = _questions("--report-only", "--results", str(copy), "--out", str(copy / "Q.md"))
    assert code == 0
    assert "How many troops, and where?: no decomposition by mechanism (no decomposition runs in `q_force_channels/`)" in err
    again = (copy / "Q.md").read_text()
    force = _sections(again)["force"]
    assert "*Not computed: no decomposition runs in `q_force_channels/`" in force and "| configuration |" not in force
    assert all("| configuration |" in t for n, t in _sections(again).items() if n != "force")


def test_a_level_verdict_says_what_would_decide_it():
    d = LevelDifference("armed_attack", 600, 0.002, -0.005, 0.009, 1.0, 2, 1, decide=4707.0)
    assert d.verdict().endswith("about 4,707 pairs would decide the difference seen")
    none = LevelDifference("armed_attack", 50, 0.0, -0.07, 0.07, 1.0, 0, 0)
    assert "differed in none of the 50 pairs" in none.verdict()
    even = LevelDifference("armed_attack", 50, 0.0, -0.07, 0.07, 1.0, 3, 3)
    assert "as many pairs went one way (3) as the other (3)" in even.verdict()
    assert LevelDifference("renewed_war", 50, 0.1, 0.02, 0.2, 0.01, 6, 1).verdict() == "riskier"
    held = LevelDifference("renewed_war", 50, 0.1, 0.02, 0.2, 0.01, 6, 1, holds="no")
    assert held.worlds().endswith("calibration targets that narrow the plausible set would decide it")


def test_levels_match_differences_csv_at_the_renewed_war_level(small_sweep):
    _, folder = small_sweep
    runs = pd.read_csv(folder / "runs.csv")
    diffs = pd.read_csv(folder / "differences.csv")
    comparison = pd.read_csv(folder / "comparison.csv")
    for d in diffs.itertuples():
        found = compare_levels(runs, d.design_point, d.reference_design_point)
        war = found["renewed_war"][2]
        assert (war.mean, war.low, war.high) == pytest.approx((d.diff_escalation, d.diff_low, d.diff_high))
        for level, (risk, _, diff) in found.items():  # and comparison.csv's at every level
            row = comparison[(comparison.design_point == d.design_point) & (comparison.outcome == level)].iloc[0]
            assert risk.risk == pytest.approx(row.risk) and 100 * diff.mean == pytest.approx(row.diff_pp)
            assert 100 * diff.low == pytest.approx(row.diff_low_pp) and not math.isnan(diff.p_value)


def test_a_decomposition_folder_holding_the_users_files_is_never_replaced(tmp_path):
    from sim.errors import FolderError
    from sim.experiments.question_runs import claim_decomposition_folder

    folder = tmp_path / "q_force_channels"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(FolderError, match=r"did not write \(notes.txt\)"):
        claim_decomposition_folder(folder)
    (folder / "notes.txt").unlink()
    (folder / "manifest.json").write_text('{"command": "something else"}')
    with pytest.raises(FolderError, match="manifest.json"):
        claim_decomposition_folder(folder)
    (folder / "manifest.json").write_text('{"command": "python -m sim questions", "status": "complete"}')
    (folder / "runs.csv").write_text("configuration\n")
    claim_decomposition_folder(folder)  # ours: the old manifest goes first, so a killed run looks unfinished
    assert not (folder / "manifest.json").exists() and (folder / "runs.csv").exists()


@pytest.mark.parametrize("flag", ["--replications", "--decomposition-replications"])
def test_too_many_replicates_are_refused_before_anything_runs(tmp_path, bad_input, flag):
    err = bad_input("questions", flag, "100000", "--results", tmp_path, "--out", tmp_path / "Q.md")
    assert f"{flag} 100000: at most 99,999 replicates" in err and not any(tmp_path.iterdir())
    assert "must be at least" in bad_input("questions", "--replications", "0", "--results", tmp_path)


@pytest.mark.slow
def test_decomposition_runs_are_the_same_bytes_for_one_or_two_workers():
    from sim.experiments.channels import run_sweep_points
    from sim.experiments.questions import question_experiment

    exp = question_experiment("article5", "plausible", 3, replications=2)
    one = run_sweep_points(exp, 0, len(exp.points) - 1, 2, workers=1)
    two = run_sweep_points(exp, 0, len(exp.points) - 1, 2, workers=2)
    assert one == two and one.count("\n") == 1 + 2 * len(configurations()) * 2
