"""Installed like a tool: the library ships in the package, study folders, the resolution order
with its shadow notices, experiments by name, provenance. Nothing heavy: the wheel itself is
built and installed by .ci/wheel_check.sh (CI), too slow for the suite."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import shutil
import tomllib
import warnings
from pathlib import Path

import pytest

import sim
from sim import cli
from sim.config import (ConfigError, Notice, ShadowNotice, catalogue, data_file_path, load_scenario,
                        load_scenario_files, resolve_experiment_path, resolve_scenario_path, study_folder,
                        using_study)
from sim.config import library, scenarios
from sim.experiments.config import load_experiment
from sim.study import TEMPLATE, init_study

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"paris_declaration", "minsk_analogue", "budapest_memorandum", "no_us_backstop", "political_only",
           "forward_tripwire", "article5_like", "paris_us_bilateral", "us_withdraws_2029"}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """Every test starts with no study folder and sees every notice again."""
    monkeypatch.delenv("SIM_STUDY", raising=False)
    scenarios._noticed.clear()
    yield
    scenarios._noticed.clear()


@pytest.fixture
def study(tmp_path, monkeypatch):
    """A study made by init, used as the current folder."""
    folder = tmp_path / "my-study"
    init_study(folder)
    monkeypatch.chdir(folder)
    return folder


def shadow_paris(folder: Path) -> Path:
    path = folder / "scenarios" / "paris_declaration.yaml"
    path.write_text("extends: paris_declaration\ndescription: My own baseline, wider monitoring.\n"
                    "monitoring:\n  coverage: 0.8\n", encoding="utf-8")
    return path


# --- the library ships in the package --------------------------------------------------------

def test_library_is_package_data_and_the_wheel_carries_every_file():
    lib = Path(sim.__file__).resolve().parent / "library"
    assert Path(scenarios.SCENARIOS_DIR) == library.LIBRARY / "scenarios"
    assert library.LIBRARY == Path(sim.__file__).parent / "library"
    assert set(scenarios.shipped_scenarios()) == SHIPPED
    # In a clone the library is the top-level folders (one copy); every file there is package data.
    assert (lib / "scenarios").resolve() == (ROOT / "scenarios").resolve()
    assert (lib / "experiments").resolve() == (ROOT / "experiments").resolve()
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["sim"]
    # Every input a run reads (scripts beside them, like experiments/questions/report.py, are tools
    # of the repository, not inputs).
    shipped = [f"library/{p.relative_to(ROOT).as_posix()}" for top in ("scenarios", "experiments")
               for p in (ROOT / top).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".csv")]
    shipped += [f"templates/study/{name}" for name in TEMPLATE]
    assert len(shipped) > 25
    missing = [f for f in shipped if not any(fnmatch.fnmatchcase(f, pat) and f.count("/") == pat.count("/")
                                             for pat in patterns)]
    assert not missing, f"not in the wheel (pyproject package-data): {missing}"
    for name in ("coalition_members.csv", "elections.csv", "force_contributions.csv"):
        assert (Path(scenarios.SCENARIOS_DIR) / name).is_file()
    for name in ("quick.yaml", "validation.yaml", "validation/budapest_force.yaml", "questions/force.yaml"):
        assert (Path(scenarios.EXPERIMENTS_DIR) / name).is_file()


def test_version_has_one_source():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sim.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", sim.__version__)


# --- the study folder ----------------------------------------------------------------------------

def test_init_makes_a_valid_study_and_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "my-study"
    assert cli.main(["init", str(folder)]) == 0
    assert "created" in capsys.readouterr().out
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(TEMPLATE)
    design = (folder / "scenarios" / "my_design.yaml").read_text()
    assert re.search(r"^extends: paris_declaration$", design, flags=re.M)
    readme = (folder / "README.md").read_text()
    assert "my-study" in readme and "scenarios/my_design.yaml" in readme and "{{" not in readme
    with using_study(folder):
        mine, paris = load_scenario("my_design"), load_scenario("paris_declaration")
        exp = load_experiment("compare")
    assert mine.name == "my_design" and mine.ratification.in_force_at_ceasefire \
        and not paris.ratification.in_force_at_ceasefire
    assert mine.model_dump(exclude={"name", "description", "ratification", "commission", "monitoring"}) == \
        paris.model_dump(exclude={"name", "description", "ratification", "commission", "monitoring"})
    assert exp.scenarios == ("paris_declaration", "my_design") and exp.study == str(folder.resolve())
    # A second init into the same (now not empty) folder is refused and changes nothing.
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli.main(["init", str(folder)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    (tmp_path / "empty").mkdir()
    assert cli.main(["init", str(tmp_path / "empty")]) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


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


# --- the resolution order ------------------------------------------------------------------------

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


# --- provenance ----------------------------------------------------------------------------------

def test_run_manifest_traces_every_input(study, capsys):
    own = study / "scenarios" / "elections.csv"
    shutil.copy(Path(scenarios.SCENARIOS_DIR) / "elections.csv", own)
    assert cli.main(["run", "my_design", "--weeks", "3", "--out", "o"]) == 0
    m = json.loads((study / "o" / "manifest.json").read_text())
    pkg = m["package"]
    assert pkg["name"] == "paris-guarantees-sim" and pkg["version"] == sim.__version__
    assert pkg["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", pkg["git_commit"])
    inputs = m["inputs"]
    assert inputs["study_folder"] == str(study.resolve())
    files = inputs["scenarios"]["my_design"]["files"]
    lib = Path(scenarios.SCENARIOS_DIR)
    assert files == [
        {"origin": "study", "path": "scenarios/my_design.yaml", "sha256": sha(study / "scenarios/my_design.yaml")},
        {"origin": "shipped", "path": "scenarios/paris_declaration.yaml", "sha256": sha(lib / "paris_declaration.yaml")},
    ]
    data = inputs["scenarios"]["my_design"]["data_files"]
    assert data == {
        "members.data_file": {"origin": "shipped", "path": "scenarios/coalition_members.csv",
                              "sha256": sha(lib / "coalition_members.csv")},
        "members.elections_file": {"origin": "study", "path": "scenarios/elections.csv", "sha256": sha(own)},
        "force.contributions_file": {"origin": "shipped", "path": "scenarios/force_contributions.csv",
                                     "sha256": sha(lib / "force_contributions.csv")},
        "sanctions.eu_veto_players_file": {"origin": "shipped", "path": "scenarios/eu_veto_players.csv",
                                           "sha256": sha(lib / "eu_veto_players.csv")},
    }


def test_sweep_manifest_traces_the_experiment_and_its_scenarios(study):
    exp = load_experiment("compare")
    m = exp.manifest()
    assert m["inputs"]["experiment_file"] == {"origin": "study", "path": "experiments/compare.yaml",
                                              "sha256": sha(study / "experiments" / "compare.yaml")}
    assert set(m["inputs"]["scenarios"]) == {"paris_declaration", "my_design"}
    assert [f["origin"] for f in m["inputs"]["scenarios"]["my_design"]["files"]] == ["study", "shipped"]
    assert len(m["inputs"]["scenarios"]["paris_declaration"]["data_files"]) == 4


def test_no_git_is_not_an_error(monkeypatch):
    from sim import provenance

    monkeypatch.setattr(provenance, "_git", lambda *a: None)
    info = provenance.package_info()
    assert info["git_commit"] is None and "git_uncommitted_changes" not in info
    assert info["version"] == sim.__version__


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git clone")
def test_commit_recorded_in_a_clone():
    from sim.provenance import git_state

    commit, changed = git_state()
    assert re.fullmatch(r"[0-9a-f]{40}", commit or "") and isinstance(changed, bool)


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
