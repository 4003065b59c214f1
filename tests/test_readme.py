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


def test_outputs_doc_is_up_to_date():
    from sim.outputs_doc import render

    assert (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8") == render(), (
        "docs/OUTPUTS.md is stale: run `python -m sim.outputs_doc > docs/OUTPUTS.md`")
