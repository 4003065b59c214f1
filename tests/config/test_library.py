"""Where names resolve: a path given, beside the file that names it, the study folder, the shipped
library; a study's file shadows a shipped one with a notice."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from sim import cli
from sim.config import (
    ConfigError,
    Notice,
    ShadowNotice,
    catalogue,
    data_file_path,
    load_scenario,
    load_scenario_files,
    resolve_experiment_path,
    resolve_scenario_path,
    scenarios,
    study_folder,
    using_study,
)
from sim.experiments.config import load_experiment
from sim.study import init_study

pytestmark = pytest.mark.usefixtures("no_study")
SHIPPED = set(scenarios.shipped_scenarios())


def shadow_paris(folder: Path) -> Path:
    path = folder / "scenarios" / "paris_declaration.yaml"
    path.write_text("extends: paris_declaration\ndescription: My own baseline, wider monitoring.\n"
                    "monitoring:\n  coverage: 0.8\n", encoding="utf-8")
    return path


def test_which_study_folder(tmp_path, monkeypatch, study):
    other = tmp_path / "other"
    init_study(other)
    assert study_folder() == study.resolve() or study_folder() == study  # the current folder (sim-study.yaml)
    monkeypatch.setenv("SIM_STUDY", str(other))
    assert study_folder() == other.resolve()  # the variable before the current folder
    with using_study(study):
        assert study_folder() == study.resolve()  # --study before both
    with using_study(None):
        assert study_folder() is None
    monkeypatch.setenv("SIM_STUDY", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match="SIM_STUDY: no such folder"):
        study_folder()
    monkeypatch.delenv("SIM_STUDY")
    monkeypatch.chdir(tmp_path)  # a folder with no sim-study.yaml is no study
    assert study_folder() is None


def test_bad_study_flag_is_bad_input(tmp_path, capsys):
    (tmp_path / "plain").mkdir()
    assert cli.main(["scenarios", "--study", str(tmp_path / "plain")]) == 2
    err = capsys.readouterr().err
    assert "--study" in err and "not a study folder" in err and "python -m sim init" in err


def test_resolution_order_and_shadow_notices(study, tmp_path):
    own = shadow_paris(study)
    shipped = Path(scenarios.SCENARIOS_DIR) / "paris_declaration.yaml"
    # 1. a path given wins over any name
    elsewhere = tmp_path / "x" / "paris_declaration.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("extends: political_only\n")
    assert resolve_scenario_path(str(elsewhere)) == elsewhere
    # 2. the study folder, with a notice when it shadows a shipped name
    assert resolve_scenario_path("my_design") == study / "scenarios" / "my_design.yaml"
    with pytest.warns(ShadowNotice, match=r"paris_declaration.*shadows the shipped scenario"):
        assert resolve_scenario_path("paris_declaration") == study / "scenarios" / "paris_declaration.yaml"
    with warnings.catch_warnings():  # said once a process
        warnings.simplefilter("error", Notice)
        resolve_scenario_path("paris_declaration")
    # 3. the shipped library
    assert resolve_scenario_path("political_only").resolve() == (Path(scenarios.SCENARIOS_DIR)
                                                                 / "political_only.yaml").resolve()
    # extends: a file's neighbour first (a shipped scenario keeps the shipped parent), and a
    # study's own paris_declaration extends the shipped one, not itself.
    _, chain = load_scenario_files("political_only")
    assert [p.resolve() for p in chain] == [(Path(scenarios.SCENARIOS_DIR) / "political_only.yaml").resolve(),
                                           shipped.resolve()]
    _, chain = load_scenario_files("my_design")
    assert chain == [(study / "scenarios" / "my_design.yaml").resolve(), own.resolve()] + [shipped.resolve()]
    assert load_scenario("paris_declaration").monitoring.coverage == 0.8
    # confinement (issue 9) holds in a study: names are names, paths stay relative and .yaml
    (study / "scenarios" / "bad.yaml").write_text("extends: /etc/passwd\n")
    with pytest.raises(ConfigError, match="absolute path"):
        load_scenario("bad")
    (study / "scenarios" / "bad.yaml").write_text("extends: ../../../../etc/passwd\n")
    with pytest.raises(ConfigError, match=r"\.yaml or \.yml"):
        load_scenario("bad")


def test_a_name_outside_any_study_says_how_to_use_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no study folder in use") as err:
        resolve_scenario_path("my_design")
    assert "paris_declaration" in str(err.value)  # and the names there are


def test_study_data_file_shadows_the_shipped_one(study):
    shipped = Path(scenarios.SCENARIOS_DIR) / "force_contributions.csv"
    assert data_file_path("force_contributions.csv") == shipped
    own = study / "scenarios" / "force_contributions.csv"
    own.write_text(shipped.read_text().replace("\nGBR,", "\n#GBR,", 1), encoding="utf-8")
    with pytest.warns(ShadowNotice, match="force_contributions.csv"):
        assert data_file_path("force_contributions.csv") == own
    # a changed data file is a different experiment: --resume does not mix the two
    before = load_experiment("compare").fingerprint()
    own.write_text(shipped.read_text().replace("\nFRA,", "\n#FRA,", 1), encoding="utf-8")
    assert load_experiment("compare").fingerprint() != before


def test_listing_shows_origins_and_shadows(study, capsys):
    shadow_paris(study)
    assert cli.main(["scenarios"]) == 0
    out, err = capsys.readouterr()
    rows = {ln.split()[0]: ln.split()[1] for ln in out.splitlines() if ln.strip()}
    assert set(rows) == SHIPPED | {"my_design"}
    assert rows["my_design"] == "study" and rows["paris_declaration"] == "study" and rows["political_only"] == "shipped"
    assert "[shadows the shipped one]" in next(ln for ln in out.splitlines() if ln.startswith("paris_declaration"))
    assert "note: the study's paris_declaration" in err and str(study / "scenarios") in err
    assert [e.name for e in catalogue() if e.shadows is not None] == ["paris_declaration"]
    assert cli.main(["experiments"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^compare +study ", out, flags=re.M) and re.search(r"^quick +shipped ", out, flags=re.M)
    assert "experiments/questions/us_withdrawal.yaml" in out


def test_run_prints_the_shadow_notice(study, capsys):
    shadow_paris(study)
    assert cli.main(["run", "paris_declaration", "--weeks", "2", "--out", "o"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: scenario 'paris_declaration'") == 1 and "shadows the shipped scenario" in err


def test_experiments_by_name_and_by_the_readme_path_from_any_folder(tmp_path, monkeypatch, study):
    shipped = Path(scenarios.EXPERIMENTS_DIR)
    assert resolve_experiment_path("quick") == shipped / "quick.yaml"
    assert resolve_experiment_path("compare") == study / "experiments" / "compare.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    with pytest.warns(Notice, match="not in this folder: using the shipped experiments/quick.yaml"):
        assert resolve_experiment_path("experiments/quick.yaml") == shipped / "quick.yaml"
    exp = load_experiment("experiments/questions/us_withdrawal.yaml")
    assert exp.name == "q_us_withdrawal" and "us_withdraws_2029" in exp.scenarios
    assert load_experiment("quick").scenarios == tuple(sorted(SHIPPED))
    with pytest.raises(ConfigError, match=r"experiment 'quik' not found \(did you mean 'quick'\?\)"):
        resolve_experiment_path("quik")
    with pytest.raises(ConfigError, match="not found"):
        resolve_experiment_path("experiments/../experiments/quick.yaml")  # no way out of the library
    # the study's experiments resolve with --study from anywhere
    with using_study(study):
        assert resolve_experiment_path("experiments/compare.yaml") == study / "experiments" / "compare.yaml"


def test_workers_resolve_in_the_sweeps_study(study, tmp_path, monkeypatch):
    """A task carries the sweep's study folder: a worker elsewhere reads the study's data files."""
    from sim.experiments.execution import Task, run_task

    exp = load_experiment("compare")
    point = next(p for p in exp.points if p.scenario == "my_design")
    task = Task(0, point.id, 0, point.scenario_ref, (), exp.master_seed, 2, study=exp.study)
    # A broken members file in the study: a worker that used the library's would not notice.
    (study / "scenarios" / "coalition_members.csv").write_text("name,iso3\nX,XXX\n")
    monkeypatch.chdir(tmp_path)  # a worker's folder is not the study
    with pytest.raises(ConfigError, match=r"my-study/scenarios/coalition_members\.csv.*missing column"):
        run_task(task)
