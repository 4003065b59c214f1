"""The pre-registered history cases (scenarios/history_cases_v3.csv, issue 19 item 5).

What the pre-registration promises, checked on the shipped file: the rules are stated in its header
before the list; every case of the research list is there and mapped by the stated rule (no case
mapped by hand); the in-sample and out-of-sample marks follow the dates and the rule; the in-sample
rates are the calibration's targets; the outcomes, dates and censoring agree. A copy with one cell
changed is refused with the file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest

from sim.config.cases import (CASES_V3_FILE, FEATURES, HISTORY_CASES_V3, IN_SAMPLE_BEFORE, MAPPING_SCENARIO,
                              NO_GUARANTEES, WINDOW_DAYS, mapped_settings, mapping_note, parse_settings,
                              settings_text)
from sim.config.datafiles import read_table
from sim.config.overrides import base_scenario, override_problems
from tests.helpers import ROOT

CASES = ROOT / "scenarios" / CASES_V3_FILE
HEADINGS = ("1. INCLUSION RULE", "2. THE SPLIT", "3. OUTCOMES", "4. CENSORING", "5. MAPPING RULE", "6. ANALYSIS PLAN")


def _lines() -> list[str]:
    return CASES.read_text(encoding="utf-8").splitlines(keepends=True)


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(line for line in _lines() if not line.startswith("#")))


def test_the_rules_come_before_the_list():
    lines = _lines()
    first_data = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    header = "".join(lines[:first_data])
    assert lines[first_data].startswith("case_id,")  # the column names, then only rows
    assert all(not ln.startswith("#") for ln in lines[first_data:])
    at = [header.find(h) for h in HEADINGS]
    assert -1 not in at and at == sorted(at), dict(zip(HEADINGS, at))
    for phrase in ("PRE-REGISTERED", "before any forecast", "No case is dropped after results",
                   "A1", "A2", "A3", "1946-01-01", "2004-01-01 to 2023-12-31", "at least 100", "Holm",
                   "Wilcoxon", "80% power", "10/24", "3/24", "260 weeks", MAPPING_SCENARIO):
        assert phrase in header, phrase


def test_every_case_of_the_research_list_is_there_once():
    rows = _rows()
    assert len(rows) == 54 and len({r["case_id"] for r in rows}) == 54
    assert Counter(r["rule"] for r in rows) == {"A1": 38, "A2": 2, "A3": 4, "B": 10}
    assert Counter(r["sample"] for r in rows) == {"in_sample": 24, "out_of_sample": 22, "excluded": 8}
    for r in rows:
        assert r["source"].strip() and r["notes"].startswith(f"rule={r['rule']}; end={r['war_end']}"), r["case_id"]
    table = read_table(CASES, HISTORY_CASES_V3)  # every cell and the rows together (the file's own check)
    assert len(table) == 54


def test_every_case_is_mapped_by_the_stated_rule():
    base = base_scenario(MAPPING_SCENARIO)
    for r in _rows():
        features = {f: r[f] for f in FEATURES}
        assert r["scenario"] == MAPPING_SCENARIO, r["case_id"]
        assert r["settings"] == settings_text(mapped_settings(features)), r["case_id"]
        assert r["mapping_note"] == mapping_note(features), r["case_id"]
        settings, wrong = parse_settings(r["settings"])
        assert not wrong and settings == mapped_settings(features)
        problems, scenario = override_problems(base, settings, r["case_id"])
        assert not problems and scenario is not None, (r["case_id"], problems)
    # Minsk II does not run the scenario written for it.
    assert next(r for r in _rows() if r["case_id"] == "b_minsk2_2015")["scenario"] != "minsk_analogue"


def test_the_rule_maps_each_feature_onto_its_lever():
    none = mapped_settings(NO_GUARANTEES)
    assert none == {"monitoring.enabled": False}  # the scenario with no guarantee: the check's guarantees_off
    one = lambda **kw: mapped_settings({**NO_GUARANTEES, **kw})  # noqa: E731
    assert "monitoring.enabled" not in one(monitors="yes") and one(monitors="partial")["monitoring.coverage"] == 0.15
    force = one(peacekeepers="yes")
    assert (force["force.enabled"], force["force.posture"], force["force.rules_of_engagement"]) == (
        True, "forward", "self_defence")
    assert one(peacekeepers="partial")["force.rules_of_engagement"] == "reassurance"
    assert one(dmz="yes") == none  # not represented, and the notes say so
    assert "not represented" in mapping_note({**NO_GUARANTEES, "dmz": "yes"})
    commission = one(joint_commission="yes")
    assert commission["commission.enabled"] and commission["monitoring.coverage"] == 0.15  # it needs reports
    assert "commission.enabled" not in one(joint_commission="partial")
    political = one(third_party_guarantee="yes")
    assert "commitments.binding" not in political and "military" in political["commitments.response_menu"]["major"]
    assert "military" not in one(third_party_guarantee="partial")["commitments.response_menu"]["major"]
    bound = one(outside_binding_guarantor="yes")
    assert bound["commitments.binding"] and bound["ratification.in_force_at_ceasefire"]
    assert bound["support.volume"] > base_scenario(MAPPING_SCENARIO).support.volume
    assert one(outside_binding_guarantor="partial")["commitments.response_menu"] == political[
        "commitments.response_menu"]


def test_sample_marks_follow_the_dates_and_the_rule():
    for r in _rows():
        start = dt.date.fromisoformat(r["ceasefire_date"])
        if r["war_end"] in ("conquest", "transformation"):
            assert r["sample"] == "excluded", r["case_id"]
        elif r["rule"] == "A1" and start < IN_SAMPLE_BEFORE:
            assert r["sample"] == "in_sample" and r["scenario_written_for_case"] == "1", r["case_id"]
        else:
            assert r["sample"] == "out_of_sample" and r["scenario_written_for_case"] == "0", r["case_id"]
    out = [r for r in _rows() if r["sample"] == "out_of_sample"]
    assert Counter((r["rule"], int(r["ceasefire_date"][:4]) >= 2004) for r in out) == {
        ("A1", False): 6, ("A2", False): 2, ("A3", False): 4, ("B", True): 10}


def test_in_sample_rates_are_the_calibration_targets():
    from sim.calibration.record import BY_KEY

    inside = [r for r in _rows() if r["sample"] == "in_sample"]
    fought = sum(r["renewed_fighting_5y"] == "1" for r in inside)
    war = sum(r["renewed_war_5y"] == "1" for r in inside)
    first_year = sum(r["renewed_fighting_5y"] == "1" and (dt.date.fromisoformat(r["renewed_fighting_date"])
                                                           - dt.date.fromisoformat(r["ceasefire_date"])).days < 365
                     for r in inside)
    assert (len(inside), fought, war, first_year) == (24, 10, 3, 2)
    assert BY_KEY["armed_attack_5y"].value == pytest.approx(fought / len(inside))
    assert BY_KEY["renewed_war_5y"].value == pytest.approx(war / len(inside))
    assert BY_KEY["first_year_share"].value == pytest.approx(first_year / fought)


def test_outcomes_windows_and_censoring_agree():
    cutoff = dt.date(2026, 1, 6)
    censored = []
    for r in _rows():
        start, until = dt.date.fromisoformat(r["ceasefire_date"]), dt.date.fromisoformat(r["observed_until"])
        assert until == min(start + dt.timedelta(days=WINDOW_DAYS), cutoff), r["case_id"]
        if r["renewed_war_5y"] == "1":
            assert r["renewed_fighting_5y"] == "1"
        if r["renewed_fighting_date"]:
            assert start <= dt.date.fromisoformat(r["renewed_fighting_date"]) <= until
        if r["censored"] == "1":
            censored.append(r["case_id"])
    assert sorted(censored) == ["b_arm_aze_2022", "b_kgz_tjk_2022"]


# --- bad copies, through the command line (in process) --------------------------------------------------------

def _bad_copy(tmp_path: Path, case_id: str, column: str, value: str) -> tuple[Path, int]:
    lines = _lines()
    header_at = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    header = next(csv.reader([lines[header_at]]))
    at = next(i for i, ln in enumerate(lines) if ln.startswith(case_id + ","))
    cells = next(csv.reader([lines[at]]))
    cells[header.index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[at] = buf.getvalue()
    path = tmp_path / CASES_V3_FILE
    path.write_text("".join(lines), encoding="utf-8")
    return path, at + 1


@pytest.mark.parametrize("case_id, column, value, expected", [
    ("cow211_gulf_1991", "sample", "in_sample", ["sample", "not the split", "out_of_sample"]),
    ("cow147_kashmir_1949", "sample", "out_of_sample", ["sample", "not the split", "in_sample"]),
    ("cow156_hungary_1956", "sample", "in_sample", ["sample", "excluded"]),
    ("b_georgia_2008", "censored", "1", ["censored", "disagrees with the window"]),
    ("b_georgia_2008", "observed_until", "2026-01-06", ["observed_until", "2013-08-12"]),
    ("b_georgia_2008", "renewed_war_5y", "1", ["renewed_war_5y", "without renewed fighting"]),
    ("cow160_sino_indian_1962", "renewed_fighting_date", "1968-01-01", ["renewed_fighting_date", "outside"]),
    ("cow160_sino_indian_1962", "renewed_fighting_date", "", ["renewed_fighting_date", "empty"]),
    ("b_minsk2_2015", "scenario", "minsk_analog", ["scenario", "did you mean 'minsk_analogue'"]),
    ("b_minsk2_2015", "dmz", "maybe", ["dmz", "yes, partial, no"]),
])
def test_a_bad_row_is_refused_with_file_line_and_column(bad_input, tmp_path: Path, case_id: str, column: str,
                                                        value: str, expected: list[str]):
    path, line = _bad_copy(tmp_path, case_id, column, value)
    message = bad_input("validate", path)  # python -m sim validate FILE: exit 2, no traceback
    assert f"{path}:{line}" in message, message
    for text in expected:
        assert text in message, (text, message)
