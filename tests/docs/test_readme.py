"""The README's two commands are what newcomers copy and what CI runs."""

from __future__ import annotations

import re
import shlex
import tomllib

from tests.helpers import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_gives_exactly_two_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert "sim sweep experiments/quick.yaml" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_word_for_word():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_the_readme_command_runs_the_fast_set_and_ci_the_slow_set_after_it():
    """`python -m pytest` deselects the slow tests (pyproject's addopts); CI runs them as its own step,
    after the README's command, and the README says so."""
    addopts = shlex.split(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
                          ["addopts"])
    assert addopts[addopts.index("-m") + 1] == "not slow and not study"  # a whole study runs on its own
    assert readme_commands()[1].endswith("-m pytest")  # no -m of its own: the fast set
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    slow = [i for i, line in enumerate(ci) if re.search(r"-m pytest -m slow\b", line)]
    assert len(slow) == 1 and slow[0] > ci.index(readme_commands()[1])
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert "pytest -m slow" in text and "fast set" in text and "slow set" in text


def test_ci_checks_the_wheel_from_an_empty_folder():
    """CI builds the wheel, installs it into a clean venv and, from an empty folder, runs the
    README's main job (its sweep), init and the study's own scenario (.ci/wheel_check.sh)."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "bash .ci/wheel_check.sh" in ci
    assert ci.index("bash .ci/wheel_check.sh") < next(i for i, ln in enumerate(ci) if "pytest" in ln)
    check = (ROOT / ".ci" / "wheel_check.sh").read_text(encoding="utf-8")
    job = re.search(r"-m sim (sweep \S+)", readme_commands()[0]).group(1)
    lines = [ln.strip() for ln in check.splitlines()]
    assert "-m build" in check and 'bin/pip" install -q "$wheel"' in check
    assert 'mkdir "$WORK/empty"' in check and 'cd "$WORK/empty"' in check
    assert any(ln.startswith(f"$SIM {job}") for ln in lines), job
    assert any(ln.startswith("$SIM init my-study") for ln in lines)
    assert any(ln.startswith("$SIM run my_design") for ln in lines)


def test_ci_builds_the_documentation_strictly():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in ci
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "mkdocs serve" in text
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("mkdocstrings") for d in extras["docs"]) and "docs" in extras["dev"][0]
