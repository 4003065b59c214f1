"""The README's tour runs as written (issue 21): its commands, read from README.md, in order, in a fresh
folder, each exiting 0. Sizes are made small where the README's are long: the folder is a study folder whose
experiments/quick.yaml and experiments/design_sweep.yaml are the shipped ones with fewer runs (the
study's names come first); every other command runs exactly as printed. A line that installs an extra
runs when that extra is installed here and is reported as skipped otherwise; the dashboard, a server,
is checked by its --help (the browser tests drive it)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import missing_extras
from tests.helpers import ROOT

README = ROOT / "README.md"


def _block(after: str) -> list[str]:
    """The lines of the first ```bash block after the heading ``after``."""
    text = README.read_text(encoding="utf-8")
    start = text.index("```bash\n", text.index(after)) + len("```bash\n")
    return [line for line in text[start:text.index("```", start)].splitlines() if line.strip()]


def tour() -> list[str]:
    """The main job (the first of the two commands) then the short tour, as the README prints them."""
    main_job = [line for line in _block("## Two commands") if "sim sweep" in line]
    return main_job + _block("## A short tour")


def _small_study(folder: Path) -> None:
    (folder / "sim-study.yaml").write_text("study: tour\n", encoding="utf-8")
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    shutil.copytree(ROOT / "experiments", folder / "experiments")
    quick = folder / "experiments" / "quick.yaml"
    q = yaml.safe_load(quick.read_text(encoding="utf-8"))
    q["replications"] = 12
    quick.write_text(yaml.safe_dump(q, sort_keys=False), encoding="utf-8")
    design = folder / "experiments" / "design_sweep.yaml"
    d = yaml.safe_load(design.read_text(encoding="utf-8"))
    d["levers"] = {k: list(dict.fromkeys([v[0], d["reference"][k]])) for k, v in d["levers"].items()}
    d["replications"]["adaptive"].update(initial=4, batch=4, max=8)
    design.write_text(yaml.safe_dump(d, sort_keys=False), encoding="utf-8")


def _steps(line: str) -> tuple[list[str], list[str]]:
    """(the commands of a README line to run here, the extras it installs)."""
    line = re.sub(r"\s+#.*$", "", line)
    runs, extras = [], []
    for part in (p.strip() for p in line.split("&&")):
        if part.startswith("python3 -m venv"):
            continue
        m = re.match(r"\.venv/bin/pip install -q -e '?\.(?:\[([\w,-]+)\])?'?$", part)
        if m:
            extras += (m.group(1) or "").split(",") if m.group(1) else []
            continue
        assert part.startswith(".venv/bin/python -m sim "), f"a tour line this test does not know: {part!r}"
        runs.append(part)
    return runs, [e for e in extras if e]


@pytest.mark.slow
def test_the_readme_tour_runs_as_written_in_a_fresh_folder(tmp_path):
    lines = tour()
    assert any("sweep experiments/quick.yaml" in line for line in lines)
    assert any("sim levers" in line for line in lines)
    _small_study(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "SIM_STUDY"}  # the folder itself is the study
    skipped, outputs = [], {}
    for line in lines:
        commands, extras = _steps(line)
        missing = missing_extras(*extras) if extras else []
        if missing:
            skipped.append(f"{line}  (needs {','.join(missing)})")
            continue
        for command in commands:
            argv = shlex.split(command.replace(".venv/bin/python", shlex.quote(sys.executable), 1))
            if argv[3:4] == ["dashboard"]:
                argv.append("--help")  # a server: that it is there; the browser tests drive it
            # the shell's glob, as an interactive shell expands scenarios/*.yaml
            argv = [a for arg in argv for a in (sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(arg))
                                                   if "*" in arg else [arg])]
            done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=3600)
            assert "Traceback" not in done.stderr, (command, done.stderr[-3000:])
            assert done.returncode == 0, (command, done.returncode, done.stdout[-3000:], done.stderr[-3000:])
            outputs[command] = done.stdout + done.stderr
    main = next(v for k, v in outputs.items() if "sweep experiments/quick.yaml" in k)
    assert "Reference: paris_declaration" in main and ("Safest:" in main or "No design is safer" in main)
    assert (tmp_path / "results" / "quick" / "comparison.csv").is_file()
    assert (tmp_path / "results" / "quick_posterior" / "summary.csv").is_file()  # not refused: its own folder
    vm = next(v for k, v in outputs.items() if "validate-model --quick" in k)
    assert "smoke test" in vm
    if skipped:
        print("tour lines skipped (extra not installed):\n" + "\n".join(skipped))


def test_the_tour_lines_name_their_extras():
    """Every tour line that needs an optional extra installs it on the same line."""
    needs = {"calibrate": "calibration", "sensitivity": "sensitivity", "dashboard": "dashboard"}
    for line in _block("## A short tour"):
        runs, extras = _steps(line)
        for command in runs:
            word = command.split()[3]
            if word in needs:
                assert needs[word] in extras, f"{line!r} needs the [{needs[word]}] extra"
    # a second sweep of the quick experiment writes its own folder: the first one's is not overwritten
    second = [line for line in _block("## A short tour") if "-m sim sweep quick" in line]
    assert second and all("--out " in line for line in second)
