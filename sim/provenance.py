"""What a result was made from, for its manifest: the package and its commit, and a SHA-256 of
every input file (each scenario file of an ``extends`` chain, each data file, the experiment file).

Every file is recorded with where it came from: ``shipped`` (the package's library, path
relative to it), ``study`` (the study folder in use, path relative to it) or ``file`` (any
other path, absolute). Hashing the same bytes gives the same digest on any machine, so a
result can be traced to its exact inputs whether the package came from a clone or a wheel.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any, Iterable

import sim
from sim.config import scenarios as sc
from sim.config.datafiles import DATA_FILE_KEYS
from sim.config.library import study_folder
from sim.config.scenarios import data_file_path

PACKAGE = "paris-guarantees-sim"
_CHUNK = 1 << 20


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _git(here: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(here), *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_state() -> tuple[str | None, bool | None]:
    """(commit, whether tracked files differ from it) of the git work tree the running code is
    tracked in; (None, None) when it is not (a wheel installed anywhere, even inside a clone)."""
    here = Path(__file__).resolve().parent
    if _git(here, "ls-files", "--error-unmatch", "__init__.py") is None:
        return None, None
    commit = _git(here, "rev-parse", "HEAD")
    if not commit:
        return None, None
    changes = _git(here, "status", "--porcelain", "--untracked-files=no")
    return commit, (bool(changes) if changes is not None else None)


def package_info() -> dict[str, Any]:
    """The package's name, version, where it was imported from, and its git commit if any."""
    commit, changed = git_state()
    info: dict[str, Any] = {"name": PACKAGE, "version": sim.__version__,
                            "location": str(Path(sim.__file__).resolve().parent), "git_commit": commit}
    if commit is not None:
        info["git_uncommitted_changes"] = changed
    return info


def file_record(path: Path) -> dict[str, str]:
    """``{"origin", "path", "sha256"}`` of one input file."""
    real = Path(path).resolve()
    origin, shown = "file", str(real)
    for where, root, prefix in (("shipped", Path(sc.SCENARIOS_DIR), "scenarios"),
                                ("shipped", Path(sc.EXPERIMENTS_DIR), "experiments"),
                                ("study", study_folder(), "")):
        if root is None:
            continue
        try:
            rel = real.relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        origin, shown = where, str(Path(prefix) / rel) if prefix else str(rel)
        break
    return {"origin": origin, "path": shown, "sha256": sha256(real)}


def data_files(scenario: Any) -> dict[str, Path]:
    """The data files a run of ``scenario`` reads, by the key that names them."""
    return {".".join(key): data_file_path(getattr(getattr(scenario, key[0]), key[1])) for key in DATA_FILE_KEYS}


def scenario_inputs(chain: Iterable[Path], scenario: Any) -> dict[str, Any]:
    """A scenario's files (itself, then each one it extends) and the data files it reads."""
    return {"files": [file_record(p) for p in chain],
            "data_files": {key: file_record(p) for key, p in data_files(scenario).items()}}


def inputs(scenarios: dict[str, dict[str, Any]], experiment_file: Path | None = None) -> dict[str, Any]:
    """The ``inputs`` block of a manifest: the study folder, the experiment file, each scenario."""
    study = study_folder()
    out: dict[str, Any] = {"study_folder": str(study) if study is not None else None}
    if experiment_file is not None:
        out["experiment_file"] = file_record(experiment_file)
    out["scenarios"] = scenarios
    return out
