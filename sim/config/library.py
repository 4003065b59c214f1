"""Where inputs live: the shipped library (package data) and the study folder in use.

The scenario library (``scenarios/``: YAML files and the CSV data files they name) and the
example experiments (``experiments/``) ship inside the package as ``sim/library/``, so an
installed wheel finds them in any folder. In a clone, ``sim/library/scenarios`` and
``sim/library/experiments`` are symbolic links to the repository's top-level folders, which the
build backend follows when it builds the wheel: one copy, the same files everywhere.

A *study folder* (``python -m sim init DIR``) holds a strategist's own ``scenarios/`` and
``experiments/``. The one in use is, first found: the one set for this context
(``--study DIR``; :func:`using_study`), the environment variable ``SIM_STUDY``, the current
folder if it holds ``sim-study.yaml``. Names resolve there before the shipped library
(``sim.config.scenarios.resolve_scenario_path``).
"""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from sim.config.errors import ConfigError

LIBRARY = Path(str(resources.files("sim") / "library"))
STUDY_MARKER = "sim-study.yaml"
STUDY_ENV = "SIM_STUDY"
STUDY_ALLOWED = ("a study folder: one made by `python -m sim init DIR` (it holds sim-study.yaml), or a folder "
                 "with a scenarios/ or experiments/ folder")

_UNSET = object()
_study: contextvars.ContextVar[object] = contextvars.ContextVar("sim_study", default=_UNSET)


def check_study(folder: str | Path, source: str) -> Path:
    """``folder`` as an absolute path if it is a study folder; ConfigError naming ``source`` if not."""
    text = str(folder)
    path = Path(text).expanduser()
    if not text.strip() or "\x00" in text:
        raise ConfigError.single(source, "not a folder", given=text, has_given=True, allowed=STUDY_ALLOWED)
    try:
        is_dir = path.is_dir()
        marked = is_dir and any((path / p).exists() for p in (STUDY_MARKER, "scenarios", "experiments"))
    except (OSError, ValueError):
        is_dir = marked = False
    if not is_dir:
        raise ConfigError.single(source, "no such folder", given=text, has_given=True, allowed=STUDY_ALLOWED)
    if not marked:
        raise ConfigError.single(source, "not a study folder (no sim-study.yaml, scenarios/ or experiments/ in it)",
                                 given=text, has_given=True, allowed=STUDY_ALLOWED)
    return path.resolve()


def study_folder() -> Path | None:
    """The study folder in use, or None (see the module docstring for the order)."""
    chosen = _study.get()
    if chosen is not _UNSET:
        return chosen  # type: ignore[return-value]
    env = os.environ.get(STUDY_ENV, "")
    if env.strip():
        return check_study(env, f"environment variable {STUDY_ENV}")
    try:
        here = Path.cwd()
        return here if (here / STUDY_MARKER).is_file() else None
    except OSError:  # the current folder was removed
        return None


@contextmanager
def using_study(folder: str | Path | None, source: str = "study folder") -> Iterator[Path | None]:
    """Within the block, ``folder`` is the study folder (None: none, whatever SIM_STUDY or the
    current folder say). Per thread and task (a context variable). ``source`` names it in errors."""
    path = check_study(folder, source) if folder is not None else None
    token = _study.set(path)
    try:
        yield path
    finally:
        _study.reset(token)


def study_subfolder(kind: str) -> Path | None:
    """``scenarios`` or ``experiments`` of the study folder in use, if there is one."""
    study = study_folder()
    return study / kind if study is not None else None


def within(path: Path, folder: Path | None) -> bool:
    """Whether ``path`` lies inside ``folder`` (both resolved; symbolic links followed)."""
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, ValueError):
        return False
