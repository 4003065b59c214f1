"""What a strategist meets first (issue 21): the levers listing, errors in line order, quick validation that
says undecided, the scripted US withdrawal's week in runs.csv, and the questions page as a command."""

from __future__ import annotations

import csv
import io

import pytest

from sim.config import ConfigError, Problem, load_scenario, parameter_catalogue, with_overrides
from sim.outputs import run_record
from sim.validation import patterns as P
from sim.validation import report


# --- python -m sim levers ---------------------------------------------------------------------

def test_levers_lists_every_parameter_with_range_unit_clause_and_source(run_cli):
    done = run_cli("levers", "--csv")
    assert done.code == 0
    rows = list(csv.DictReader(io.StringIO(done.out)))
    cat = parameter_catalogue()
    assert [r["path"] for r in rows] == list(cat)
    cov = next(r for r in rows if r["path"] == "monitoring.coverage")
    assert cov["kind"] == "lever" and cov["clause"] == "G1" and cov["unit"] == cat["monitoring.coverage"].unit
    assert cov["allowed"].startswith("a number from 0.0 to 1.0")
    assert {r["kind"] for r in rows} == {"lever", "uncertainty", "constant", "fitted"}
    assert all(r["source"] for r in rows)


def test_levers_filters_by_kind_clause_and_words(run_cli):
    done = run_cli("levers", "--kind", "lever", "--clause", "G3", "posture")
    assert done.code == 0
    paths = [line.split()[0] for line in done.out.splitlines() if line and not line.startswith(" ")]
    assert paths == ["force.posture"]
    assert "1 of" in done.err
    every = run_cli("levers", "--kind", "uncertainty").out
    listed = [line.split()[0] for line in every.splitlines() if line and not line.startswith(" ")]
    assert listed == [p for p, s in parameter_catalogue().items() if s.role == "uncertainty" and not s.fitted]
    assert run_cli("parameters", "no-such-word-anywhere").code == 0  # the alias; nothing matches, said on stderr


def test_an_unknown_parameter_points_to_the_levers_listing(tmp_path, bad_input):
    exp = tmp_path / "e.yaml"
    exp.write_text("scenarios: paris_declaration\ndesign: grid\nlevers:\n  monitoring.coverag: [0.5, 1.0]\n"
                   "replications: 2\n")
    err = bad_input("validate", exp)
    assert "did you mean 'monitoring.coverage'" in err and "python -m sim levers --kind lever" in err
    scen = tmp_path / "s.yaml"
    scen.write_text("extends: paris_declaration\nmonitoring:\n  coverag: 0.5\n")
    assert "python -m sim levers monitoring" in bad_input("validate", scen)


# --- validation errors in line order ----------------------------------------------------------

def test_problems_are_shown_file_by_file_in_line_order():
    err = ConfigError([Problem("b.yaml", "late", 9), Problem("a.yaml", "x", 7), Problem("b.yaml", "early", 2),
                       Problem("a.yaml", "whole file"), Problem("a.yaml", "y", 3)])
    lines = str(err).splitlines()
    assert lines == ["b.yaml:2: early", "b.yaml:9: late", "a.yaml: whole file", "a.yaml:3: y", "a.yaml:7: x"]


def test_a_scenario_with_several_mistakes_lists_them_by_line(tmp_path, bad_input):
    scen = tmp_path / "s.yaml"
    scen.write_text("extends: paris_declaration\nratification:\n  seek_ratification: 3\nforce:\n  size: 9\n"
                    "monitoring:\n  latency_weeks: -1\n  coverag: 0.5\n")
    err = bad_input("validate", scen)
    lines = [int(line.removeprefix("error: ").removeprefix(str(scen) + ":").split(":")[0])
             for line in err.splitlines() if line.removeprefix("error: ").startswith(str(scen) + ":")]
    assert len(lines) == 4 and lines == sorted(lines)


# --- validate-model --quick: undecided is no failure -------------------------------------------

def _result(pattern_id: int, passed: bool, decided: bool) -> P.PatternResult:
    pattern = next(p for p in P.PATTERNS if p.id == pattern_id)
    return P.PatternResult(pattern, passed, decided, "measured", ())


def test_quick_validation_says_undecided_and_exits_0_where_its_sample_cannot_decide():
    results = [_result(1, True, True), _result(5, False, False), _result(6, False, False)]
    meta = {"mode": "quick", "replicates": 400, "replicates_by_scenario": {}, "horizon_weeks": 260,
            "master_seed": 1}
    text = report.console(results, meta)
    assert "[UNDECIDED] 5." in text and "[FAIL]" not in text
    assert "smoke test" in text
    assert text.splitlines()[-1] == "1 of 3 patterns pass; patterns 5, 6 undecided"
    assert not report.failed(results, quick=True)
    # the full run's verdict stands: a miss is a failure there, and one decided miss fails quick mode too
    assert report.failed(results, quick=False)
    assert report.failed([_result(6, False, True)], quick=True)
    full = report.console([_result(1, True, True), _result(6, False, True)], {**meta, "mode": "full"})
    assert full.splitlines()[-1] == "1 of 2 patterns pass; pattern 6 fails"


# --- runs.csv: the scripted withdrawal's week -------------------------------------------------

def test_a_scripted_us_withdrawal_fills_us_roles_withdrawn_week():
    from sim.model import DeterrenceModel

    scenario = with_overrides(load_scenario("us_withdraws_2029"),
                              {"united_states.withdrawal_on_change": 0.0,
                               "united_states.within_term_withdrawal_per_year": 0.0})
    model = DeterrenceModel(scenario, 1, collect_steps=False)
    model.run()
    week = scenario.week_of(scenario.shocks[0].date)
    assert run_record(model)["us_roles_withdrawn_week"] == float(week)
    paris = DeterrenceModel(with_overrides(load_scenario("paris_declaration"),
                                           {"united_states.withdrawal_on_change": 0.0,
                                            "united_states.within_term_withdrawal_per_year": 0.0}), 1,
                            collect_steps=False)
    paris.run()
    assert run_record(paris)["us_roles_withdrawn_week"] is None


# --- python -m sim questions --------------------------------------------------------------------

def test_questions_report_only_renders_the_page_from_finished_sweeps(tmp_path, small_sweep, run_cli):
    import shutil

    _, folder = small_sweep
    from sim.experiments.questions import QUESTIONS

    names = [q[0] for q in QUESTIONS]
    assert {"ratification", "us_withdrawal", "force", "early_warning", "limited_attack", "article5"} <= set(names)
    for name in names:
        shutil.copytree(folder, tmp_path / f"q_{name}")
    out = tmp_path / "QUESTIONS.md"
    done = run_cli("questions", "--report-only", "--results", tmp_path, "--out", out)
    assert done.code == 0, done.err
    page = out.read_text()
    assert page.startswith("# The strategists' questions")
    assert "Generated by `python -m sim questions`" in page
    assert page.count("Reference: **") == len(names) and "*Not run" not in page
    # where the constants came from is said, on the page and on stderr
    assert "Constants: " in page and "questions: constants " in done.err
    runs = sum(1 for _ in open(folder / "runs.csv", encoding="utf-8")) - 1
    assert page.count(f"{runs:,} runs") == len(names)  # each section's numbers come from its sweep


def test_questions_report_only_refuses_a_missing_sweep(tmp_path, bad_input):
    err = bad_input("questions", "--report-only", "--results", tmp_path, "--out", tmp_path / "Q.md")
    assert "no finished sweep" in err and not (tmp_path / "Q.md").exists()


@pytest.mark.parametrize("given", ["no/such/posterior.csv"])
def test_questions_refuses_a_bad_posterior_before_running_anything(tmp_path, bad_input, given):
    err = bad_input("questions", "--posterior", given, "--results", tmp_path)
    assert "posterior" in err and not any(tmp_path.iterdir())
