"""python -m sim init: a valid study folder from the template, never overwriting."""

from __future__ import annotations

import re

import pytest

from sim import cli
from sim.config import load_scenario, using_study
from sim.experiments.config import load_experiment
from sim.study import TEMPLATE

pytestmark = pytest.mark.usefixtures("no_study")


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
