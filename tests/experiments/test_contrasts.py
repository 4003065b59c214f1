"""Paired comparisons within strata (issue 21, item 2): an experiment's ``contrasts:`` key, laid out,
explained when wrong, and analysed into differences.csv, the printed table and contrasts.png."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.experiments.analysis import analyze_directory
from sim.experiments.config import load_experiment
from sim.experiments.contrasts import CONTRAST_COLUMNS
from sim.experiments.identification import DECIDE_COLUMNS
from sim.experiments.statistics import newcombe_paired_interval
from sim.experiments.tables import DIFFERENCE_COLUMNS
from tests.experiments.test_analysis import synthetic_runs, write_folder
from tests.helpers import ROOT, assert_bad_input, sim_process, write

GRID = """
    scenarios: [political_only, paris_declaration]
    design: grid
    levers:
      force.posture: [rear, forward]
    uncertainties:
      members.government_change_scale: [1.0, 3.0]
    reference: paris_declaration
    replications: 3
    contrasts:
      - factor: scenario
        from: political_only
        to: paris_declaration
      - {factor: force.posture, from: rear, to: forward}
"""


def test_a_contrast_pairs_design_points_within_every_stratum(tmp_path):
    exp = load_experiment(write(tmp_path, "exp.yaml", GRID))
    by_id = {p.id: p for p in exp.points}
    params = exp.parameters
    scen, posture = exp.contrasts
    assert scen["label"] == "scenario: political_only -> paris_declaration"
    assert len(scen["pairs"]) == 4 and len(posture["pairs"]) == 4  # 2 x 2 strata each
    for c, factor in ((scen, "scenario"), (posture, "force.posture")):
        strata = set()
        for pair in c["pairs"]:
            a, b = by_id[pair["from_design_point"]], by_id[pair["to_design_point"]]
            va, vb = a.overrides(params), b.overrides(params)
            if factor == "scenario":
                assert (a.scenario, b.scenario) == ("political_only", "paris_declaration") and va == vb
            else:
                assert a.scenario == b.scenario and (va.pop(factor), vb.pop(factor)) == ("rear", "forward")
                assert va == vb
            strata.add(pair["stratum"])
        assert len(strata) == 4
    assert {"posture=rear, government_change_scale=1", "posture=forward, government_change_scale=3"} <= \
        {p["stratum"] for p in scen["pairs"]}
    assert exp.manifest()["contrasts"] == list(exp.contrasts)
    assert exp.config["contrasts"][0] == {"factor": "scenario", "from": "political_only", "to": "paris_declaration"}


def test_an_experiment_without_contrasts_keeps_its_fingerprint(tmp_path):
    without = load_experiment(write(tmp_path, "a.yaml", GRID.split("    contrasts:")[0]))
    assert "contrasts" not in without.config and "contrasts" not in without.manifest()
    assert without.contrasts == ()


BAD = [
    ("  - {factor: monitoring.coverage, from: 0.5, to: 1.0}\n", 10, "contrasts.0.factor",
     "not a factor of the experiment", "scenario, force.posture, members.government_change_scale"),
    ("  - {factor: force.posture, from: rear, to: middle}\n", 10, "contrasts.0.to",
     "not a value of force.posture", "rear, forward"),
    ("  - {factor: scenario, from: political_only, to: political_only}\n", 10, "contrasts.0",
     "from and to are the same value", ""),
    ("  - {factor: scenario, form: political_only, to: paris_declaration}\n", 10, "contrasts.0.form",
     "unknown key (did you mean 'from'?)", "factor, from, to"),
    ("  - {factor: scenario, to: paris_declaration}\n", 10, "contrasts.0.from", "missing",
     "a value of the factor"),
    ("  scenario: [political_only, paris_declaration]\n", 9, "contrasts", "wrong type", "a list of {factor"),
]


@pytest.mark.parametrize("entry,line,key,message,allowed", BAD)
def test_a_bad_contrast_names_file_line_key_and_what_is_allowed(tmp_path, entry, line, key, message, allowed):
    head = GRID.split("    contrasts:")[0]
    path = write(tmp_path, "bad.yaml", head + "    contrasts:\n" + "".join("    " + x for x in entry.splitlines(True)))
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    text = str(info.value)
    assert f"bad.yaml:{line}: {key}" in text, text
    assert message in text and allowed in text, text


def test_a_sampled_design_has_no_strata(tmp_path):
    path = write(tmp_path, "lhs.yaml", """
        design: lhs
        samples: 4
        levers:
          monitoring.coverage: {low: 0.2, high: 1.0}
          force.posture: [rear, forward]
        replications: 2
        contrasts:
          - {factor: force.posture, from: rear, to: forward}
        """)
    with pytest.raises(ConfigError) as info:
        load_experiment(path)
    assert "no two design points differ in this factor only" in str(info.value)
    assert "lhs.yaml:8: contrasts.0" in str(info.value)


def test_a_bad_contrast_exits_2_without_a_traceback(tmp_path):
    path = write(tmp_path, "bad.yaml", GRID.replace("to: paris_declaration", "to: paris"))
    message = assert_bad_input(sim_process("validate", path, timeout=60))
    assert "bad.yaml:12: contrasts.0.to" in message and "political_only, paris_declaration" in message


def test_the_ratification_question_pairs_within_each_rate_of_government_change():
    exp = load_experiment(ROOT / "experiments" / "questions" / "ratification.yaml")
    (c,) = exp.contrasts
    assert c["factor"] == "scenario" and len(c["pairs"]) == len(exp.points) // 2 == 6
    assert "government_change_scale=2, ambition=1.5" in {p["stratum"] for p in c["pairs"]}


# --- analysis ------------------------------------------------------------------------------

# Two scenarios x two rates of government change; escalation much likelier under A at the high rate.
POINTS = {0: {"members.government_change_scale": 1.0}, 1: {"members.government_change_scale": 3.0},
          2: {"members.government_change_scale": 1.0}, 3: {"members.government_change_scale": 3.0}}
SCENARIOS = {0: "political_only", 1: "political_only", 2: "paris_declaration", 3: "paris_declaration"}
HAZARD = {0: 0.002, 1: 0.01, 2: 0.002, 3: 0.002}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    runs = pd.concat([synthetic_runs({dp: p}, reps=300, seed=dp + 1, hazard=lambda _p, h=HAZARD[dp]: h)
                      for dp, p in POINTS.items()], ignore_index=True)
    runs["scenario"] = runs["design_point"].map(SCENARIOS)
    folder = write_folder(tmp_path_factory.mktemp("contrasts"), runs, POINTS, "scenarios+grid", 2, [],
                          ["members.government_change_scale"])
    design = pd.read_csv(folder / "design_points.csv")
    design["scenario"] = design["design_point"].map(SCENARIOS)
    design["label"] = [f"{SCENARIOS[d]}, scale={p['members.government_change_scale']:g}" for d, p in POINTS.items()]
    design.to_csv(folder / "design_points.csv", index=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["contrasts"] = [{"factor": "scenario", "from": "political_only", "to": "paris_declaration",
                              "label": "scenario: political_only -> paris_declaration",
                              "pairs": [{"from_design_point": 0, "to_design_point": 2, "stratum": "scale=1"},
                                        {"from_design_point": 1, "to_design_point": 3, "stratum": "scale=3"}]}]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        analyze_directory(folder)
    return folder, runs, out.getvalue()


def test_differences_gain_one_paired_row_a_stratum(analysed):
    folder, runs, _ = analysed
    d = pd.read_csv(folder / "differences.csv")
    params = ["members.government_change_scale"]
    assert [c for c in d.columns if c not in params] == [*DIFFERENCE_COLUMNS, *DECIDE_COLUMNS, *CONTRAST_COLUMNS]
    assert str(d["pairs_to_decide"].dtype) == str(DECIDE_COLUMNS["pairs_to_decide"][0])
    against_reference = d[d["contrast"].isna()]
    assert sorted(against_reference["design_point"]) == [0, 1, 3]
    assert (against_reference["reference_design_point"] == 2).all()
    rows = d[d["contrast"].notna()].set_index("stratum")
    assert list(rows.index) == ["scale=1", "scale=3"]
    for stratum, (a, b) in {"scale=1": (0, 2), "scale=3": (1, 3)}.items():
        r = rows.loc[stratum]
        assert (r.design_point, r.reference_design_point) == (b, a)
        # the same numbers as pairing the two design points' runs replicate by replicate by hand
        x = runs[runs.design_point == a].set_index("replicate")["escalated"].astype(bool)
        y = runs[runs.design_point == b].set_index("replicate")["escalated"].astype(bool).loc[x.index]
        assert r.pairs == len(x) == 300
        assert r.diff_escalation == pytest.approx(y.mean() - x.mean(), abs=1e-6)
        assert (r.only_design_escalated, r.only_reference_escalated) == (int((y & ~x).sum()), int((x & ~y).sum()))
        lo, hi = newcombe_paired_interval(int((x & y).sum()), int((y & ~x).sum()), int((x & ~y).sum()),
                                          int((~x & ~y).sum()))
        assert (r.diff_low, r.diff_high) == (pytest.approx(lo, abs=1e-6), pytest.approx(hi, abs=1e-6))
    # the synthetic effect: ratification (B) much safer only where governments change often
    assert rows.loc["scale=3", "diff_high"] < 0 < rows.loc["scale=1", "diff_high"]


def test_the_table_and_the_figures_show_the_contrasts(analysed):
    folder, _, out = analysed
    section = out.split("Paired contrasts within strata")[1]
    assert "scenario: political_only -> paris_declaration" in section
    lines = {line.split()[0]: line for line in section.splitlines() if line.strip().startswith("scale=")}
    assert "B safer" in lines["scale=3"] and "no difference told apart" in lines["scale=1"]
    assert (folder / "contrasts.png").stat().st_size > 10_000
    assert "contrasts.png" in out and "lever_effects.png" in out


def test_without_contrasts_differences_keep_their_columns(tmp_path):
    runs = synthetic_runs(POINTS, reps=20)
    folder = write_folder(tmp_path, runs, POINTS, "grid", 0, [], ["members.government_change_scale"])
    with contextlib.redirect_stdout(io.StringIO()) as out:
        analyze_directory(folder)
    d = pd.read_csv(folder / "differences.csv")
    assert "contrast" not in d.columns and not (folder / "contrasts.png").exists()
    assert "Paired contrasts" not in out.getvalue()
    assert np.isfinite(d["diff_escalation"]).all()


def test_strata_name_two_parameters_that_share_a_last_name_by_their_paths(tmp_path):
    """Design labels and strata spell parameters one way: the last name, or the full path where
    two varied parameters share it (``ukraine.initial_strength`` beside ``russia.initial_strength``)."""
    exp = load_experiment(write(tmp_path, "exp.yaml", """
        scenarios: paris_declaration
        design: grid
        levers:
          force.posture: [rear, forward]
        uncertainties:
          russia.initial_strength: [1.0, 1.2]
          ukraine.initial_strength: [1.0, 1.2]
        reference: {force.posture: rear, russia.initial_strength: 1.0, ukraine.initial_strength: 1.0}
        replications: 2
        contrasts:
          - {factor: force.posture, from: rear, to: forward}
    """))
    strata = {pair["stratum"] for pair in exp.contrasts[0]["pairs"]}
    assert "russia.initial_strength=1, ukraine.initial_strength=1.2" in strata
    assert len(strata) == 4
    labels = {p.label for p in exp.points}
    assert "posture=forward, russia.initial_strength=1.2, ukraine.initial_strength=1" in labels
