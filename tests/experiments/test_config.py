"""Experiment files: designs laid out as declared, bad files explained with file, line and key."""

from __future__ import annotations

import time

import numpy as np
import pytest

from sim.config import ConfigError
from sim.experiments.config import load_experiment
from tests.helpers import ROOT, assert_bad_input, sim_process, write


def test_shipped_experiments_load():
    for name in ("quick", "design_sweep", "global_lhs"):
        exp = load_experiment(ROOT / "experiments" / f"{name}.yaml")
        assert exp.points and exp.name == name
    quick = load_experiment(ROOT / "experiments" / "quick.yaml")
    assert quick.design == "scenarios"
    assert quick.points[quick.reference].scenario == "paris_declaration"  # the declaration as written
    assert {p.scenario for p in quick.points} >= {"paris_declaration", "budapest_memorandum"}


def test_grid_crosses_scenarios_and_levers(tmp_path):
    exp = load_experiment(write(tmp_path, "exp.yaml", """
        scenarios: [paris_declaration, no_us_backstop]
        design: grid
        levers:
          monitoring.coverage: [0.25, 0.5, 1.0]
          force.posture: [rear, forward]
        uncertainties:
          russia.ambition: {low: 0.5, high: 1.5, steps: 2}
        reference: {scenario: paris_declaration, monitoring.coverage: 0.5, force.posture: forward,
                    russia.ambition: 0.5}
        replications: 7
    """))
    assert exp.design == "scenarios+grid"
    assert len(exp.points) == 2 * 3 * 2 * 2
    assert exp.levers == ("monitoring.coverage", "force.posture")
    assert exp.uncertainties == ("russia.ambition",)
    combos = {(p.scenario, *p.values) for p in exp.points}
    assert len(combos) == 24 and ("no_us_backstop", 1.0, "forward", 1.5) in combos
    ref = exp.points[exp.reference]
    assert (ref.scenario, *ref.values) == ("paris_declaration", 0.5, "forward", 0.5)
    assert ref.label == "paris_declaration, coverage=0.5, posture=forward, ambition=0.5"
    assert exp.rule.initial == 7 and not exp.rule.adaptive


def test_lhs_is_stratified_and_respects_kinds(tmp_path):
    n = 16
    exp = load_experiment(write(tmp_path, "exp.yaml", f"""
        design: lhs
        samples: {n}
        levers:
          monitoring.coverage: {{low: 0.2, high: 1.0}}
          monitoring.latency_weeks: {{low: 0, high: 3}}
          force.posture: [rear, forward]
          commitments.binding: [true, false]
        uncertainties:
          russia.ambition: {{low: 0.5, high: 2.0}}
        replications: 3
    """))
    assert len(exp.points) == n
    cov = np.array([p.values[0] for p in exp.points])
    assert ((cov >= 0.2) & (cov <= 1.0)).all()
    # Latin hypercube: exactly one point in each of the n strata of every continuous range.
    assert sorted(np.floor((cov - 0.2) / 0.8 * n).astype(int)) == list(range(n))
    amb = np.array([p.values[4] for p in exp.points])
    assert sorted(np.floor((amb - 0.5) / 1.5 * n).astype(int)) == list(range(n))
    lat = [p.values[1] for p in exp.points]
    assert all(isinstance(v, int) for v in lat) and set(lat) == {0, 1, 2, 3}
    assert {p.values[2] for p in exp.points} == {"rear", "forward"}
    assert {p.values[3] for p in exp.points} == {True, False}
    again = load_experiment(tmp_path / "exp.yaml")
    assert again.points == exp.points and again.fingerprint() == exp.fingerprint()


def test_sobol_uses_saltelli_layout(tmp_path):
    exp = load_experiment(write(tmp_path, "exp.yaml", """
        design: sobol
        samples: 8
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0}
          commitments.automaticity: {low: 0.0, high: 1.0}
        replications: 1
    """))
    d = 2
    x = np.array([p.values for p in exp.points]).reshape(8, d + 2, d)
    a, b = x[:, 0], x[:, -1]
    assert np.allclose(x[:, 1, 0], b[:, 0]) and np.allclose(x[:, 1, 1], a[:, 1])
    assert np.allclose(x[:, 2, 0], a[:, 0]) and np.allclose(x[:, 2, 1], b[:, 1])
    assert exp.manifest()["sobol_scheme"]["base_samples"] == 8


BAD = [
    ("levers:\n  monitoring.coverag: [0.5]\nreplications: 3\n", 2, "did you mean 'monitoring.coverage'"),
    ("levers:\n  russia.ambition: [1.0, 2.0]\nreplications: 3\n", 2, "is an uncertainty, not a lever: list it under uncertainties:"),
    ("uncertainties:\n  payoffs.gain_major: [1.0, 2.0]\nreplications: 3\n", 2, "is a constant, not an uncertainty"),
    ("levers:\n  monitoring.coverage: [0.5, 1.5]\nreplications: 3\n", 2, "given: 1.5"),
    ("design: lhs\nsamples: 4\nlevers:\n  monitoring.coverage: {low: 0.5, high: 1.2}\nreplications: 3\n",
     4, "out of range"),
    ("levers:\n  force.posture: [rear, sideways]\nreplications: 3\n", 2, "rear, forward"),
    ("levers:\n  force.posture: [rear, forward]\nreplicates: 3\nreplications: 3\n", 3,
     "did you mean 'replications'"),
    ("levers:\n  force.posture: [rear, forward]\nreplications: 0\n", 3, "replications: out of range"),
    ("design: latin\nlevers:\n  force.posture: [rear, forward]\nreplications: 3\n", 1, "grid, lhs, sobol"),
    ("design: lhs\nlevers:\n  monitoring.coverage: {low: 0.1, high: 0.9}\nreplications: 3\n", 1, "samples"),
    ("scenarios: [paris_declaraton]\nlevers:\n  force.posture: [rear, forward]\nreplications: 3\n", 1,
     "did you mean 'paris_declaration'"),
    ("levers:\n  force.posture: [rear, forward]\nreplications:\n  adaptive: {initial: 10}\n", 4,
     "replications.adaptive.half_width: missing"),
    ("levers:\n  force.posture: [rear, forward]\nreference: {force.posture: middle}\nreplications: 3\n", 3,
     "matches no design point"),
    ("levers:\n  monitoring.enabled: [true, false]\nreplications: 3\n", 2, "commission.enabled needs"),
]


@pytest.mark.parametrize("text,line,needle", BAD)
def test_bad_experiment_files_are_explained(tmp_path, text, line, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    message = str(info.value)
    assert needle in message, message
    assert f"bad.yaml:{line}:" in message, message


def test_bad_experiment_exit_code_and_no_traceback(tmp_path):
    path = write(tmp_path, "bad.yaml", """
        levers:
          monitoring.coverage: [0.5, 2.0]
        replications: 3
        """)
    for command in (["sweep", path, "--out", tmp_path / "o"], ["validate", path]):
        message = assert_bad_input(sim_process(*command, timeout=60))
        assert "bad.yaml:2: levers.monitoring.coverage" in message and "given: 2.0" in message


def test_experiment_types_are_strict(tmp_path, bad_input):
    path = write(tmp_path, "t.yaml", "design: grid\nlevers:\n  monitoring.coverage: [0.5]\nreplications: 3\n"
                                     "master_seed: '7'\n")
    assert "t.yaml:5: master_seed: wrong type (given: '7')" in bad_input("validate", path)
    path = write(tmp_path, "t.yaml", "design: grid\nlevers:\n  monitoring.coverage: [true, '0.5']\n"
                                     "replications: 3\n")
    err = bad_input("validate", path)
    assert "levers.monitoring.coverage" in err and "True" in err and "'0.5'" in err and "wrong type" in err


HUGE = """
    design: grid
    levers:
      monitoring.coverage: {low: 0.0, high: 1.0, steps: 1000}
      monitoring.us_lead_share: {low: 0.0, high: 1.0, steps: 1000}
      force.size: {low: 0.0, high: 3.0, steps: 1000}
    replications: 99999
    """


def test_huge_design_is_refused_before_it_is_laid_out(tmp_path, bad_input):
    started = time.monotonic()
    err = bad_input("validate", write(tmp_path, "huge.yaml", HUGE))
    assert time.monotonic() - started < 10
    assert "huge.yaml" in err and "design" in err and "1,000,000,000" in err and "at most 50,000" in err


def test_a_hundred_million_steps_is_refused(tmp_path, bad_input):
    path = write(tmp_path, "steps.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 100000000}
        replications: 10
        """)
    err = bad_input("validate", path)
    assert "steps.yaml:3" in err and "levers.monitoring.coverage.steps" in err and "2 to 1,000" in err
