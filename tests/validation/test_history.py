"""History out of sample (`python -m sim validate-history`, sim/validation/history.py).

The shipped cases file is valid and sourced; bad rows are refused through the CLI with exit 2,
the file, line and column, and no traceback; the scores match hand-computed values; the quick
command writes the documented files; the runs are the same for 1 and 2 workers; the per-replicate
draws hook changes what it should and nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from sim.config import ConfigError, load_scenario
from sim.validation import history as H
from sim.validation.patterns import BASE_RATE_TARGET
from tests.helpers import ROOT

CASES = ROOT / "scenarios" / "history_cases.csv"


def sim(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def assert_bad_input(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc.stderr


# --- the shipped table ----------------------------------------------------------------------

def test_shipped_cases_are_valid_sourced_and_include_the_required_ones():
    cases = {c.case_id: c for c in H.load_cases()}
    assert len(cases) >= 12
    # the scope: ceasefires and guarantee regimes since 1945
    assert all(c.ceasefire_date >= dt.date(1945, 1, 1) for c in cases.values())
    with CASES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    for row in rows:
        sources = [s.strip() for s in row["sources"].split(";") if s.strip()]
        assert sources, f"{row['case_id']} has no source"
    required = {  # case: (ceasefire, renewed war or None)
        "budapest_1994": ("1994-12-05", "2014-02-27"), "minsk2_2015": ("2015-02-12", "2022-02-24"),
        "korea_1953": ("1953-07-27", None), "nagorno_karabakh_1994": ("1994-05-12", "2020-09-27"),
        "nagorno_karabakh_2020": ("2020-11-10", "2023-09-19"), "georgia_2008": ("2008-08-12", None),
    }
    for case_id, (start, war) in required.items():
        c = cases[case_id]
        assert c.ceasefire_date == dt.date.fromisoformat(start)
        assert c.renewed_war_date == (dt.date.fromisoformat(war) if war else None)
        assert c.outcome == ("renewed_war" if war else "holding")
        if war is None:
            assert c.observed_until == dt.date(2026, 1, 6)
    proc = sim("validate", CASES)
    assert proc.returncode == 0 and "history cases file" in proc.stdout, proc.stderr


def test_evaluation_time_and_outcome_of_a_case():
    cases = {c.case_id: c for c in H.load_cases()}
    minsk = cases["minsk2_2015"]
    assert minsk.t_weeks == math.ceil((dt.date(2022, 2, 24) - dt.date(2015, 2, 12)).days / 7) and minsk.y == 1
    assert cases["korea_1953"].t_weeks == H.CAP_WEEKS == 1560 and cases["korea_1953"].y == 0
    # Nagorno-Karabakh 1994 failed after 26 years, inside the 30-year cap; Cyprus holds beyond it.
    nk = cases["nagorno_karabakh_1994"]
    assert nk.outcome == "renewed_war" and nk.t_weeks < H.CAP_WEEKS and nk.y == 1
    assert cases["cyprus_1974"].t_weeks == H.CAP_WEEKS and cases["cyprus_1974"].y == 0


# --- bad rows, through the command line -----------------------------------------------------

def _bad_copy(tmp_path: Path, case_id: str, column: str, value: str) -> tuple[Path, int]:
    """The shipped file with one cell changed; returns the copy and the line of that row."""
    lines = CASES.read_text(encoding="utf-8").splitlines(keepends=True)
    header_at = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    header = next(csv.reader([lines[header_at]]))
    at = next(i for i, ln in enumerate(lines) if ln.startswith(case_id + ","))
    cells = next(csv.reader([lines[at]]))
    cells[header.index(column)] = value
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[at] = buf.getvalue()
    path = tmp_path / "history_cases.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path, at + 1


@pytest.mark.parametrize("column, value, expected", [
    ("scenario", "budapest_memorandun", ["scenario", "not a shipped scenario", "did you mean 'budapest_memorandum'",
                                        "allowed:", "paris_declaration"]),
    ("settings", "force.postur=forward", ["settings", "force.postur", "unknown parameter", "did you mean"]),
    ("settings", "force.posture=sideways", ["settings", "force.posture", "not an allowed value", "rear", "forward"]),
    ("settings", "force.enabled", ["settings", "is not key=value", "dotted.key=value"]),
    ("settings", "horizon_weeks=100", ["settings", "set by the evaluation"]),
    ("renewed_war_date", "1990-01-01", ["renewed_war_date", "on or before the ceasefire", "1994-12-05"]),
    ("ceasefire_date", "1994-13-05", ["ceasefire_date", "not a date", "YYYY-MM-DD"]),
])
def test_bad_row_is_refused_with_file_line_and_column(tmp_path: Path, column: str, value: str, expected: list[str]):
    path, line = _bad_copy(tmp_path, "budapest_1994", column, value)
    message = assert_bad_input(sim("validate", path))
    assert f"{path}:{line}" in message, message
    for text in expected:
        assert text in message, (text, message)


def test_holding_case_with_a_war_date_is_refused(tmp_path: Path):
    path, line = _bad_copy(tmp_path, "korea_1953", "renewed_war_date", "1960-01-01")
    message = assert_bad_input(sim("validate", path))
    assert f"{path}:{line}" in message and "outcome" in message and "holding with it empty" in message


# --- scores against hand-computed values ------------------------------------------------------

def test_scores_match_hand_computed_values():
    assert H.brier(0.7, 1) == pytest.approx(0.09) and H.brier(0.7, 0) == pytest.approx(0.49)
    assert H.log_score(0.5, 1) == pytest.approx(math.log(2))
    assert H.log_score(0.8, 0) == pytest.approx(-math.log(0.2))
    assert H.smoothed(0, 10) == pytest.approx(0.5 / 11) and H.smoothed(10, 10) == pytest.approx(10.5 / 11)
    assert math.isfinite(H.log_score(H.smoothed(0, 5), 1)) and math.isfinite(H.log_score(H.smoothed(5, 5), 0))
    assert H.BASE_RATE_P5 == pytest.approx(sum(BASE_RATE_TARGET) / 2) == pytest.approx(0.45)
    assert H.base_rate_p(260) == pytest.approx(0.45) and H.base_rate_p(0) == 0.0
    assert H.base_rate_p(520) == pytest.approx(1 - 0.55 ** 2)
    assert H.skill(0.2, 0.4) == pytest.approx(0.5) and H.skill(0.4, 0.4) == 0.0


def test_score_table_means_skill_and_paired_counts():
    def row(pm, po, pb, y):
        r = {"y": y}
        for f, p in (("model", pm), ("guarantees_off", po), ("base_rate", pb)):
            r[f"p_{f}"], r[f"brier_{f}"], r[f"log_{f}"] = p, H.brier(p, y), H.log_score(p, y)
        return r

    rows = [row(0.9, 0.5, 0.5, 1), row(0.2, 0.5, 0.5, 0), row(0.4, 0.5, 0.6, 1)]
    by = {s["forecaster"]: s for s in H.score_rows(rows)}
    assert by["model"]["mean_brier"] == pytest.approx((0.01 + 0.04 + 0.36) / 3)
    assert by["guarantees_off"]["mean_brier"] == pytest.approx(0.25)
    assert by["model"]["brier_skill_vs_guarantees_off"] == pytest.approx(1 - (0.41 / 3) / 0.25)
    assert (by["guarantees_off"]["model_better_brier"], by["guarantees_off"]["model_worse_brier"]) == (2, 1)
    assert by["guarantees_off"]["sign_test_p_brier"] == pytest.approx(1.0)
    low, high = by["guarantees_off"]["model_minus_brier_low"], by["guarantees_off"]["model_minus_brier_high"]
    assert low <= by["guarantees_off"]["model_minus_brier_mean"] <= high


def test_guarantees_off_is_the_budapest_memorandum():
    budapest = load_scenario("budapest_memorandum")
    for key, value in H.GUARANTEES_OFF.items():
        section, name = key.split(".")
        got = getattr(getattr(budapest, section), name)
        got = {k: list(v) for k, v in got.items()} if isinstance(got, dict) else got
        if key in H.INERT_IN_BUDAPEST:
            assert got != value, f"{key} is listed as inert in Budapest but Budapest already has it"
        else:
            assert got == value, (key, got, value)


# --- the command and determinism --------------------------------------------------------------

@pytest.mark.slow
def test_quick_command_writes_the_documented_files(tmp_path: Path):
    out = tmp_path / "hist"
    proc = sim("validate-history", "--quick", "--workers", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "mean Brier" in proc.stdout and "weak test" in proc.stdout
    with (out / "history_cases_scored.csv").open(encoding="utf-8") as f:
        scored = list(csv.DictReader(f))
    with (out / "history_scores.csv").open(encoding="utf-8") as f:
        scores = list(csv.DictReader(f))
    assert tuple(scored[0]) == H.SCORED_COLUMNS and tuple(scores[0]) == H.SCORES_COLUMNS
    assert len(scored) == len(H.load_cases()) and [s["forecaster"] for s in scores] == list(H.FORECASTERS)
    for r in scored:
        for f in H.FORECASTERS:
            assert 0 < float(r[f"p_{f}"]) < 1
        assert int(r["replicates"]) == H.QUICK_REPLICATES
    budapest = next(r for r in scored if r["case_id"] == "budapest_1994")
    assert budapest["p_model"] == budapest["p_guarantees_off"]  # the guarantees are already off there
    md = (out / "history_tables.md").read_text(encoding="utf-8")
    assert "weak test" in md and all(f"`{r['case_id']}`" in md for r in scored)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "validate-history" and set(H.OUTPUT_FILES) <= set(manifest["files"])
    assert manifest["inputs"]["cases_file"]["path"] == "scenarios/history_cases.csv"
    again = assert_bad_input(sim("validate-history", "--quick", "--workers", "1", "--out", out))
    assert "--overwrite" in again


def _short_cases() -> list[H.Case]:
    cases = {c.case_id: c for c in H.load_cases()}
    return [cases[i] for i in ("nagorno_karabakh_2020", "minsk2_2015", "india_pakistan_1965")]


def test_same_seed_same_bytes_for_one_and_two_workers(tmp_path: Path):
    cases = _short_cases()
    texts = []
    for workers in (1, 2):
        result = H.run(cases, 6, workers)
        H.write(tmp_path, result, {"seconds": 0.0, "workers": "-"})
        texts.append({n: (tmp_path / n).read_bytes() for n in ("history_cases_scored.csv", "history_scores.csv")})
    assert texts[0] == texts[1]


def test_draws_apply_per_replicate_and_are_checked():
    cases = _short_cases()
    plain = H.run(cases, 6, 1)
    assert any(plain.escalations.values())
    # A draw equal to the shipped constant changes nothing: the hook leaves the seeds alone.
    assert H.run(cases, 6, 1, draws=[{"payoffs.gain_major": 5.0}]).escalations == plain.escalations
    # Without any gain from a renewed war, no replicate escalates; on odd replicates only, fewer do.
    none = H.run(cases, 6, 1, draws=[{"payoffs.gain_major": 0.0}])
    assert not any(none.escalations.values())
    half = H.run(cases, 6, 1, draws=[{}, {"payoffs__gain_major": 0.0}])
    assert sum(half.escalations.values()) <= sum(plain.escalations.values())
    with pytest.raises(ConfigError, match=r"draws\[0\].*payoffs.gain_majr"):
        H.run(cases, 2, 1, draws=[{"payoffs.gain_majr": 1.0}])
    with pytest.raises(ConfigError, match="draws"):
        H.run(cases, 2, 1, draws=[])
