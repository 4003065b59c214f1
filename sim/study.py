"""``python -m sim init DIR``: a study folder of one's own.

A study folder holds a strategist's scenarios and experiments outside the package::

    DIR/
      sim-study.yaml              marks the folder as a study
      README.md                   what to edit, the commands to run
      scenarios/my_design.yaml    extends: paris_declaration, states what differs
      experiments/compare.yaml    my_design against the declaration, paired runs

Names resolve in the study folder before the shipped library (``sim.config.library``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import sim
from sim.config.library import STUDY_MARKER
from sim.errors import UsageError

TEMPLATE = ("sim-study.yaml", "README.md", "scenarios/my_design.yaml", "experiments/compare.yaml")


class StudyExists(UsageError):
    """The target is a file, or a folder that is not empty: init never overwrites anything (exit code 2)."""


def init_study(folder: str | Path) -> list[Path]:
    """Create a study folder at ``folder`` (new, or an empty one) and return the files written.

    Written beside it and moved in with one rename: a failure leaves nothing half made.
    """
    dest = Path(os.path.abspath(folder))  # "." or "..": its real name (a rename to "." is refused)
    try:
        if dest.exists() and not dest.is_dir():
            raise StudyExists(f"{dest}: a file of that name exists; pick a new folder")
        if dest.is_dir() and any(dest.iterdir()):
            raise StudyExists(f"{dest}: the folder exists and is not empty; init never overwrites: pick a new "
                              f"folder")
    except OSError as exc:
        raise StudyExists(f"{dest}: cannot read it ({exc.strerror})") from None
    parent = dest.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".init", dir=parent))
    except OSError as exc:
        raise StudyExists(f"{dest}: cannot create it ({exc.strerror})") from None
    words = {"{{name}}": dest.resolve().name, "{{version}}": sim.__version__, "{{path}}": str(dest.resolve())}
    try:
        source = resources.files("sim") / "templates" / "study"
        for name in TEMPLATE:
            text = (source / name).read_text(encoding="utf-8")
            for key, value in words.items():
                text = text.replace(key, value)
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        os.chmod(work, 0o755)
        if dest.is_dir():
            dest.rmdir()  # empty (checked above); rename cannot replace a folder on every system
        os.rename(work, dest)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StudyExists(f"{dest}: cannot create it ({exc.strerror})") from None
        raise
    return [Path(folder) / name for name in TEMPLATE]


__all__ = ["STUDY_MARKER", "StudyExists", "TEMPLATE", "init_study"]
