"""The documentation's commands are real: every scenario and experiment file a page shows is
valid, and every `python -m sim run|sweep|validate` it gives names something that resolves.
The site itself is built with `mkdocs build --strict` in CI (.ci/run): a broken link fails."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sim.config import (
    SCENARIOS_DIR,
    load_scenario,
    resolve_experiment_path,
    resolve_scenario_path,
    scenarios,
    using_study,
)
from sim.config.cases import TABLES
from sim.config.datafiles import read_table, spec_for_file
from sim.experiments.config import load_experiment
from sim.study import init_study
from tests.helpers import ROOT

PAGES = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "howto").glob("*.md"))
HOWTO = sorted((ROOT / "docs" / "howto").glob("*.md"))


def blocks(page: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)


def sim_commands(page: Path) -> list[list[str]]:
    out = []
    for block in blocks(page, "bash"):
        for line in block.splitlines():
            for part in line.split("#", 1)[0].split("&&"):
                words = shlex.split(part)
                if words[:3] == ["python", "-m", "sim"] and len(words) > 3:
                    out.append(words[3:])
    return out


def files_shown(page: Path) -> dict[str, str]:
    """YAML blocks that open with the file they are (`# experiments/coverage.yaml`)."""
    out = {}
    for block in blocks(page, "yaml"):
        first = block.splitlines()[0]
        m = re.fullmatch(r"# ((?:scenarios|experiments)/[\w.-]+\.yaml)", first.strip())
        if m:
            out[m.group(1)] = block
    return out


def test_the_how_to_pages_exist_and_give_commands():
    names = {p.stem for p in HOWTO}
    assert {"compare-designs", "sweep-a-lever", "us-withdraws"} <= names
    for page in HOWTO:  # each runs something: a sweep, the robustness ranking, or the history check
        assert any(c[0] in ("sweep", "robust", "validate-history") for c in sim_commands(page)), page.name


@pytest.mark.parametrize("doc", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_every_command_names_what_exists(doc, tmp_path, monkeypatch):
    study = tmp_path / "my-study"
    init_study(study)
    for rel, text in files_shown(doc).items():
        (study / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(study)
    monkeypatch.delenv("SIM_STUDY", raising=False)
    scenarios._noticed.clear()
    with using_study(study):
        for rel in files_shown(doc):
            (load_scenario if rel.startswith("scenarios/") else load_experiment)(rel)
        for words in sim_commands(doc):
            command, args = words[0], [w for w in words[1:] if not w.startswith("-")]
            flags = [w for w in words[1:] if w.startswith("--")]
            if command == "run":
                load_scenario(args[0])
            elif command in ("sweep", "robust"):
                load_experiment(resolve_experiment_path(args[0]))
            elif command == "validate":
                for arg in args:
                    path = Path(arg)
                    if path.suffix == ".csv":  # a data file: the shipped one of that name, checked
                        read_table(Path(SCENARIOS_DIR) / path.name, spec_for_file(path, TABLES))
                        continue
                    is_exp = path.parts[0] == "experiments" and "validation" not in path.parts
                    (load_experiment if is_exp else load_scenario)(arg)
            elif command in ("discover", "analyze"):
                assert args and args[0].startswith("results/"), words
            else:
                assert command in ("scenarios", "experiments", "init", "validate-model", "validate-history",
                                   "dashboard", "sensitivity", "calibrate"), words
            assert set(flags) <= _options_of(command), words


def _options_of(command: str) -> set[str]:
    """The long options the command line's parser accepts for ``command`` (and the common ones)."""
    import argparse

    from sim.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {o for a in sub.choices[command]._actions for o in a.option_strings if o.startswith("--")}


def test_python_blocks_compile():
    for page in PAGES:
        for block in blocks(page, "python"):
            compile(block, str(page), "exec")


def test_shipped_paths_named_in_the_docs_resolve():
    """`sweep experiments/questions/force.yaml` and the like work from any folder."""
    for page in PAGES:
        for words in sim_commands(page):
            for w in words[1:]:
                if w.startswith("experiments/") and "/" in w[len("experiments/"):] and w.endswith(".yaml"):
                    assert resolve_experiment_path(w).is_file()
                if w.startswith("scenarios/") and w[len("scenarios/"):] in {f"{n}.yaml" for n in
                                                                           scenarios.shipped_scenarios()}:
                    assert resolve_scenario_path(w).is_file()


def test_validation_and_calibration_pages_are_assembled_from_the_generated_tables():
    """docs/VALIDATION.md and docs/CALIBRATION.md hold no hand-copied figure: each is its template
    (docs/templates/*.md.in) with the tables the commands wrote pasted in, and nothing else."""
    from sim.validation import document

    for name in document.DOCUMENTS:
        assert (document.DOCS / name).read_text(encoding="utf-8") == document.render(name), (
            f"docs/{name} is stale or edited by hand: run `python -m sim.validation.document`")
        template = (document.TEMPLATES / f"{name}.in").read_text(encoding="utf-8")
        assert document.INCLUDE.search(template), f"{name}.in includes no generated table"
