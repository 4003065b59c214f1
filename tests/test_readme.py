"""The README's two commands are what newcomers copy and what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("mkdocstrings") for d in extras["docs"]) and "docs" in extras["dev"][0]


def test_outputs_doc_is_up_to_date():
    from sim.outputs_doc import render

    assert (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8") == render(), (
        "docs/OUTPUTS.md is stale: run `python -m sim.outputs_doc > docs/OUTPUTS.md`")
