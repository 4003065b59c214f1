"""Output folders: what the commands may do with a folder that already exists.

The contract (docs/OUTPUTS.md, "Output folders"), in one place:

- A folder's ``manifest.json`` lists the files the tool wrote there (``files``; a name
  ending in ``/`` is a folder and everything in it). Anything else is the user's: never
  deleted, never overwritten. A folder holding such files is refused as a target.
- A folder holding another result of the tool is replaced only with ``--overwrite``.
- A finished result appears at once: it is written to a hidden sibling folder, then moved
  in place with one rename (an atomic exchange on Linux); the old result is moved aside
  and removed only after that. A kill leaves the old result or the new one, never a mix.
- Every check happens before any work starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sim.errors import FolderError
from sim.files import write_manifest

MANIFEST = "manifest.json"
# Files analyze derives from runs.csv (a sweep's manifest owns them even if it predates the list).
ANALYSIS_FILES = ("summary.csv", "differences.csv", "sensitivity.csv", "p_escalation.png", "survival.png",
                  "lever_effects.png", "sensitivity.png", "comparison.csv", "differences.png")
_HIDDEN_TAGS = (".tmp-", ".old-")


@dataclass
class Contents:
    """What an existing output folder holds."""

    path: Path
    exists: bool = False
    manifest: dict[str, Any] | None = None
    ours: list[str] = field(default_factory=list)  # entries the tool wrote
    foreign: list[str] = field(default_factory=list)  # entries the user put there

    @property
    def empty(self) -> bool:
        return not self.ours and not self.foreign

    def describe(self) -> str:
        m = self.manifest or {}
        command = m.get("command") or ("sweep" if "fingerprint" in m else "")
        what = {"run": f"a run of {m.get('scenario')!r} (seed {m.get('seed')})",
                "sweep": f"a sweep of {m.get('experiment')!r} ({m.get('runs_done', '?')} of "
                         f"{m.get('runs_planned', '?')} runs, {m.get('status', '?')})",
                "validate-model": f"a validate-model result ({m.get('mode', '?')})",
                "sensitivity": f"a sensitivity study ({m.get('mode', '?')})",
                "analyze": "tables and plots of analyze"}.get(command, "results of this tool")
        return what


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The tool's manifest in ``folder``: None when there is none or it is not the tool's."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    if not all(isinstance(f, str) for f in data["files"]):
        return None
    return data


def owned(manifest: dict[str, Any] | None) -> set[str]:
    if manifest is None:
        return set()
    names = {*manifest["files"], MANIFEST}
    if "fingerprint" in manifest or manifest.get("command") == "sweep":
        names.update(ANALYSIS_FILES)
    return names


def inspect(folder: Path) -> Contents:
    """Which entries of ``folder`` the tool wrote and which it did not."""
    c = Contents(folder)
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return c
    except NotADirectoryError:
        raise FolderError(f"{folder}: --out must be a folder, and this is a file") from None
    except OSError as exc:
        raise FolderError(f"{folder}: cannot read the folder ({exc.strerror})") from None
    c.exists = True
    c.manifest = read_manifest(folder)
    mine = owned(c.manifest)
    for name in entries:
        is_dir = (folder / name).is_dir()
        leftover = name.startswith(".") and (name.endswith(".tmp") or any(t in name for t in _HIDDEN_TAGS))
        if name in mine or (is_dir and name + "/" in mine) or (c.manifest is not None and leftover) \
                or (name == ".lock" and c.manifest is not None):
            c.ours.append(name)
        else:
            c.foreign.append(name + ("/" if is_dir else ""))
    return c


def _show(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_target(out: Path, *, overwrite: bool, flag: str = "--out") -> Contents:
    """Refuse ``out`` unless the command may put a result there. Nothing is written."""
    out = Path(out)
    ancestor = out
    while not ancestor.exists():
        if ancestor.is_symlink():  # a dangling link
            raise FolderError(f"{ancestor}: a broken symbolic link; pick another {flag}")
        if ancestor.parent == ancestor:
            break
        ancestor = ancestor.parent
    if ancestor != out and not ancestor.is_dir():
        raise FolderError(f"{out}: {ancestor} is a file, not a folder; pick another {flag}")
    if out.exists() and not out.is_dir():
        raise FolderError(f"{out}: {flag} must be a folder, and this is a file")
    contents = inspect(out)
    if contents.exists and not writable(out):
        raise FolderError(f"{out}: the folder is read-only; make it writable or pick another {flag}")
    parent = Path(os.path.abspath(out)).parent if contents.exists else ancestor
    if not writable(parent):
        raise FolderError(f"{out}: cannot write in {parent} (read-only); pick another {flag}")
    if contents.foreign:
        raise FolderError(
            f"{out}: holds files this tool did not write ({_show(contents.foreign)}); it never deletes or "
            f"overwrites them: pick an empty or new {flag}")
    if contents.ours and not overwrite:
        raise FolderError(
            f"{out}: holds {contents.describe()}; give --overwrite to replace it (only once the new result is "
            f"complete), or pick another {flag}")
    return contents


def writable(folder: Path) -> bool:
    """Writable, and not marked read-only (honoured even when running as root)."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(folder, os.W_OK | os.X_OK)


def absolute(out: Path) -> Path:
    """An absolute path; a symbolic link to a folder is followed (the folder is the target)."""
    out = Path(os.path.abspath(out))
    return Path(os.path.realpath(out)) if out.is_symlink() and out.is_dir() else out


def hidden_sibling(out: Path, tag: str) -> Path:
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}{tag}{os.getpid()}"


def clean_stale(out: Path) -> None:
    """Remove hidden siblings of ``out`` left by a killed process of this tool."""
    out = Path(os.path.abspath(out))
    try:
        entries = os.listdir(out.parent)
    except OSError:
        return
    for name in entries:
        for tag in _HIDDEN_TAGS:
            prefix = f".{out.name}{tag}"
            if name.startswith(prefix):
                pid = name[len(prefix):].split("-", 1)[0]
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(out.parent / name, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def staged(out: Path, *, overwrite: bool, flag: str = "--out") -> Iterator[Path]:
    """A fresh hidden sibling folder to write a result into; published into ``out`` on success.

    The sibling is created at once (so an unwritable place fails before any work) and
    removed if the block raises. See ``publish`` for what happens to an older result.
    """
    check_target(out, overwrite=overwrite, flag=flag)  # messages show the path as typed
    out = absolute(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(out)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
        os.chmod(work, 0o755)
    except OSError as exc:
        raise FolderError(f"{out}: cannot write beside it in {out.parent} ({exc.strerror})") from None
    keep = False
    try:
        yield work
        try:
            publish(work, out, overwrite=overwrite, flag=flag)
        except FolderError as exc:
            keep = True  # the finished result stays where it is: say so
            raise FolderError(f"{exc}\nthe new result is kept in {work}") from None
    finally:
        if not keep and work.exists():
            shutil.rmtree(work, ignore_errors=True)


def publish(work: Path, out: Path, *, overwrite: bool, flag: str = "--out") -> None:
    """Move the finished result in ``work`` to ``out`` in one step; then remove the old result."""
    out = absolute(out)
    contents = check_target(out, overwrite=overwrite, flag=flag)  # again: the user may have added files
    with contextlib.suppress(FileNotFoundError):
        (work / ".lock").unlink()
    if not contents.exists or contents.empty:
        try:
            os.rename(work, out)  # replaces an empty folder atomically
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise FolderError(f"{out}: cannot move the result in place ({exc.strerror}); "
                                  f"it is in {work}") from None
    aside = hidden_sibling(out, ".old-")
    if _exchange(work, out):
        os.rename(work, aside)  # ``work`` now names the old result
    else:
        os.rename(out, aside)
        os.rename(work, out)
    shutil.rmtree(aside, ignore_errors=True)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), _RENAME_EXCHANGE)
    return rc == 0


def record_files(folder: Path, names: list[str] | tuple[str, ...], **extra: Any) -> None:
    """Add ``names`` to the files the folder's manifest says the tool wrote (before writing them)."""
    manifest = read_manifest(folder)
    if manifest is None:
        manifest = {"command": "analyze", "files": []}
    files = list(manifest["files"])
    files += [n for n in names if n not in files]
    write_manifest(folder / MANIFEST, {**manifest, **extra, "files": files})
