"""Manifests trace every input: package, commit, and the SHA-256 and origin of every file read."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import sim
from sim import cli
from sim.config import scenarios
from sim.experiments.config import load_experiment
from tests.helpers import ROOT

pytestmark = pytest.mark.usefixtures("no_study")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_manifest_traces_every_input(study):
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
