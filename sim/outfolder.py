"""Output folders: one contract for every command and function that writes a result.

The contract (docs/OUTPUTS.md, "Output folders"), in one place:

- **Lock first, then decide.** A writer takes the folder's lock (``holding``: an advisory
  lock on the hidden file ``.DIR.sim-lock`` beside it) before it looks at what the folder
  holds; a folder another process holds is refused, ``--overwrite`` or not. ``DIR`` and
  a sweep's ``DIR.partial`` share one lock.
- A folder's ``manifest.json`` lists the entries the tool wrote there (``files``; a name
  ending in ``/`` is a folder and everything in it). Anything else is the user's: never
  deleted, never overwritten; a folder holding such an entry is refused as a target. The
  only unlisted names the tool counts as its own are the hidden working names it derives
  from a listed one (``.NAME.tmp-PID-XXXXXXXX``, ``.NAME.old-PID-XXXXXXXX``,
  ``.NAME.sim-lock`` and ``atomic_write``'s ``.NAME.XXXXXXXX.tmp``).
- A folder holding another result of the tool is replaced only with ``--overwrite``.
- A finished result appears at once: it is written to a hidden sibling folder, then moved
  in place with one rename (an atomic exchange on Linux); the old result is moved aside
  and its listed entries removed only after that. A kill leaves the old result or the
  new one, never a mix.
- Stale files: a hidden sibling is recorded in the lock file before it is created; the
  next writer that takes the lock removes what a dead holder recorded, and nothing else.
- A full disk or a path the file system refuses is a clear error (``write_failure``);
  the old result is kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import re
import secrets
import shutil
import stat
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sim.config import Notice
from sim.errors import FolderError
from sim.files import write_manifest

try:
    import fcntl  # POSIX advisory locks
except ImportError:  # pragma: no cover - Windows has none: no lock, the rest of the contract holds
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
# Files analyze derives from runs.csv (listed in the manifest before they are written).
ANALYSIS_FILES = ("summary.csv", "differences.csv", "sensitivity.csv", "p_escalation.png", "survival.png",
                  "lever_effects.png", "sensitivity.png", "comparison.csv", "differences.png", "contrasts.png")
LOCK_SUFFIX = ".sim-lock"
PARTIAL_SUFFIX = ".partial"
TOOL = "paris-guarantees-sim"
TMP_TAG, OLD_TAG = ".tmp-", ".old-"
NAME_MAX = 255  # bytes of one name on Linux file systems
SIBLING_EXTRA = 40  # the longest name the tool derives from a folder's name adds this many bytes
PATH_MAX = 4096
# Errors of the file system while writing: reported as such, never as a traceback.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO, errno.ENAMETOOLONG,
                errno.EMLINK, errno.ENFILE, errno.EMFILE, errno.EACCES, errno.EPERM, errno.ELOOP}


def _derived(name: str, listed: set[str]) -> bool:
    """A hidden working name the tool derives from a listed entry (see the module's docstring)."""
    m = re.fullmatch(r"\.(.+?)(?:\.(?:tmp|old)-\d+-[0-9a-f]{8}|\.sim-lock|\.[a-z0-9_]{8}\.tmp)", name)
    return bool(m) and (m.group(1) in listed or m.group(1) + "/" in listed)


@dataclass
class Contents:
    """What an existing output folder holds."""

    path: Path
    exists: bool = False
    manifest: dict[str, Any] | None = None
    ours: list[str] = field(default_factory=list)  # entries the manifest lists (or derives)
    foreign: list[str] = field(default_factory=list)  # every other entry: the user's

    @property
    def empty(self) -> bool:
        return not self.ours and not self.foreign

    def describe(self) -> str:
        m = self.manifest or {}
        command = m.get("command") or ("sweep" if "fingerprint" in m else "")
        command = command.split()[3] if command.startswith("python -m sim ") and len(command.split()) > 3 \
            else command
        what = {"run": f"a run of {m.get('scenario')!r} (seed {m.get('seed')})",
                "sweep": f"a sweep of {m.get('experiment')!r} ({m.get('runs_done', '?')} of "
                         f"{m.get('runs_planned', '?')} runs, {m.get('status', '?')})",
                "validate-model": f"a validate-model result ({m.get('mode', '?')})",
                "validate-history": f"a validate-history result ({m.get('mode', '?')})",
                "sensitivity": f"a sensitivity study ({m.get('mode', '?')})",
                "calibrate": "a calibration",
                "discover": f"a scenario discovery of {m.get('outcome', '?')!r}",
                "analyze": "tables and plots of analyze"}.get(command, "results of this tool")
        return what


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The tool's manifest in ``folder``: None when there is none or it is not the tool's."""
    path = folder / MANIFEST
    try:
        if not path.is_file() or path.stat().st_size > 50_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    if not all(isinstance(f, str) and f and "/" not in f.rstrip("/") and f not in (".", "..", "./", "../")
               for f in data["files"]):
        return None
    return data


def owned(manifest: dict[str, Any] | None) -> set[str]:
    """The entries a manifest lists (and the manifest itself)."""
    if manifest is None:
        return set()
    return {*manifest["files"], MANIFEST}


def inspect(folder: Path, flag: str = "--out") -> Contents:
    """Which entries of ``folder`` the tool wrote (its manifest lists them) and which it did not."""
    c = Contents(folder)
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return c
    except NotADirectoryError:
        raise FolderError(f"{folder}: {flag} must be a folder, and this is a file") from None
    except OSError as exc:
        raise FolderError(f"{folder}: cannot read the folder ({exc.strerror})") from None
    c.exists = True
    c.manifest = read_manifest(folder)
    mine = owned(c.manifest)
    for name in entries:
        path = folder / name
        is_dir = path.is_dir() and not path.is_symlink()
        listed = name in mine if not is_dir else (name + "/" in mine or name in mine)
        if listed or (c.manifest is not None and _derived(name, mine)):
            c.ours.append(name)
        else:
            c.foreign.append(name + ("/" if is_dir else ""))
    return c


def _show(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_path(out: Path, flag: str = "--out") -> None:
    """Refuse a path the file system cannot hold beside its working names (too long)."""
    text = os.fsencode(os.path.abspath(out))
    name = os.fsencode(Path(os.path.abspath(out)).name)
    if len(name) + SIBLING_EXTRA > NAME_MAX:
        raise FolderError(f"{str(out)[:80]}...: {flag}: a folder name of {len(name)} bytes is too long; allowed: at "
                          f"most {NAME_MAX - SIBLING_EXTRA} bytes (the tool writes beside it under longer names)")
    if len(text) + SIBLING_EXTRA > PATH_MAX:
        raise FolderError(f"{str(out)[:80]}...: {flag}: a path of {len(text)} bytes is too long; allowed: at most "
                          f"{PATH_MAX - SIBLING_EXTRA} bytes")
    for part in Path(os.path.abspath(out)).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            raise FolderError(f"{str(out)[:80]}...: {flag}: a folder name of the path is longer than {NAME_MAX} "
                              f"bytes; allowed: names of at most {NAME_MAX} bytes")


def check_target(out: Path, *, overwrite: bool, flag: str = "--out", overwrite_flag: str = "--overwrite") -> Contents:
    """Refuse ``out`` unless the command may put a result there. Nothing is written."""
    out = Path(out)
    check_path(out, flag)
    try:
        ancestor = out
        while not os.path.lexists(ancestor):
            if ancestor.parent == ancestor:
                break
            ancestor = ancestor.parent
        if ancestor.is_symlink() and not ancestor.exists():
            raise FolderError(f"{ancestor}: a broken symbolic link; pick another {flag}")
        if ancestor != out and not ancestor.is_dir():
            raise FolderError(f"{out}: {ancestor} is a file, not a folder; pick another {flag}")
        if out.exists() and not out.is_dir():
            raise FolderError(f"{out}: {flag} must be a folder, and this is a file")
        contents = inspect(out, flag)
        if contents.exists and not writable(out):
            raise FolderError(f"{out}: the folder is read-only; make it writable or pick another {flag}")
        parent = Path(os.path.abspath(out)).parent if contents.exists else ancestor
        if not writable(parent):
            raise FolderError(f"{out}: cannot write in {parent} (read-only); pick another {flag}")
    except OSError as exc:
        raise FolderError(f"{out}: {flag}: {exc.strerror or exc}; pick another {flag}") from None
    if contents.foreign:
        raise FolderError(
            f"{out}: holds files this tool did not write ({_show(contents.foreign)}; its manifest.json does not "
            f"list them); it never deletes or overwrites them, {overwrite_flag} or not: pick an empty or new {flag}")
    if contents.ours and not overwrite:
        raise FolderError(
            f"{out}: holds {contents.describe()}; give {overwrite_flag} to replace it (only once the new result is "
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


# --- the lock ----------------------------------------------------------------------------------

def lock_path(out: Path) -> Path:
    """The lock file of ``out`` (``DIR`` and ``DIR.partial`` share one)."""
    out = absolute(out)
    return out.parent / f".{out.name.removesuffix(PARTIAL_SUFFIX) or out.name}{LOCK_SUFFIX}"


@dataclass
class Hold:
    """A held lock of an output folder, and the record of the hidden siblings this process made."""

    out: Path
    path: Path
    fd: int
    record: dict[str, Any]

    def sibling(self, tag: str) -> Path:
        """A fresh hidden sibling name of ``out`` (``.DIR.tmp-PID-XXXXXXXX``), recorded before it exists."""
        name = f".{self.out.name}{tag}{os.getpid()}-{secrets.token_hex(4)}"
        self.record["created"].append(name)
        self._save()
        return self.out.parent / name

    def forget(self, path: Path) -> None:
        if path.name in self.record["created"]:
            self.record["created"].remove(path.name)
            self._save()

    def _save(self) -> None:
        if self.fd < 0:
            return
        data = (json.dumps(self.record) + "\n").encode()
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)
        except OSError as exc:
            raise FolderError(write_failure(exc, self.out, f"recording its working names in {self.path}")) from None


def _read_record(fd: int) -> dict[str, Any] | None | bool:
    """The record in a lock file: a dict, None when empty, False when it is not the tool's."""
    try:
        raw = os.pread(fd, 65536, 0)
    except OSError:
        return None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict) or data.get("tool") != TOOL or not isinstance(data.get("created"), list):
        return False
    return data


def _holder(record: dict[str, Any] | None | bool) -> str:
    if not isinstance(record, dict):
        return "another process"
    what = f"process {record.get('pid', '?')}"
    if record.get("command"):
        what += f", {record['command']}"
    if record.get("started"):
        what += f", since {record['started']}"
    return what


def _make_parents(folder: Path, flag: str) -> list[Path]:
    """Create ``folder`` and its missing parents; return the ones created (removed again on a refusal)."""
    missing = []
    p = folder
    while not os.path.lexists(p) and p.parent != p:
        missing.append(p)
        p = p.parent
    for m in reversed(missing):
        try:
            m.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            _remove_empty(missing)
            raise FolderError(f"{folder}: cannot create the folder for {flag} ({exc.strerror})") from None
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for m in folders:  # deepest first
        with contextlib.suppress(OSError):
            m.rmdir()


def _held_message(out: Path, holder: dict[str, Any] | None | bool, flag: str) -> str:
    return (f"{out}: another process is writing there now ({_holder(holder)}); nothing was changed, --overwrite "
            f"or not: wait for it to finish, or pick another {flag}")


def refuse_if_held(out: Path, flag: str = "--out") -> None:
    """FolderError when another process holds ``out``'s lock now (creates nothing). A check made
    before the lock that refuses a folder calls this first: the user is told a writer is busy there,
    not that the folder needs --overwrite."""
    if fcntl is None:  # pragma: no cover - Windows
        return
    try:
        path = lock_path(out)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (OSError, ValueError):
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise FolderError(_held_message(absolute(out), _read_record(fd), flag)) from None
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def holding(out: Path, *, flag: str = "--out", purpose: str = "") -> Iterator[Hold]:
    """Hold the lock of ``out`` (refused at once if another process holds it), then clean up what a
    dead holder recorded. Decide what to do with the folder only inside this block."""
    out = absolute(out)
    check_path(out, flag)
    made = _make_parents(out.parent, flag)
    path = lock_path(out)
    if fcntl is None:  # pragma: no cover - Windows
        yield Hold(out, path, -1, {"tool": TOOL, "created": []})
        return
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            _remove_empty(made)
            if exc.errno == errno.ELOOP:
                raise FolderError(f"{path}: a symbolic link where the tool keeps the lock of {out}; move it "
                                  f"away") from None
            raise FolderError(f"{out}: cannot write beside it in {out.parent} ({exc.strerror}); pick another "
                              f"{flag}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_record(fd)
            os.close(fd)
            _remove_empty(made)
            raise FolderError(_held_message(out, holder, flag)) from None
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: take the new one
    previous = _read_record(fd)
    if previous is False:
        os.close(fd)
        raise FolderError(f"{path}: not a lock file of this tool (the tool keeps the lock of {out} under this "
                          f"name); move it away")
    hold = Hold(out, path, fd, {"tool": TOOL, "pid": os.getpid(), "command": purpose,
                                "started": time.strftime("%Y-%m-%d %H:%M:%S"), "created": []})
    try:
        hold._save()
        if isinstance(previous, dict):
            _clean_recorded(out, previous["created"])
        yield hold
    finally:
        for name in list(hold.record["created"]):  # what the block left behind (normally nothing)
            _remove_sibling(out, name)
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _clean_recorded(out: Path, names: list[Any]) -> None:
    """Remove the hidden siblings a dead holder of the lock recorded (only those, only if still there)."""
    for name in names:
        if isinstance(name, str):
            _remove_sibling(out, name)


def _remove_sibling(out: Path, name: str) -> None:
    pattern = rf"\.{re.escape(out.name)}(?:{re.escape(TMP_TAG)}|{re.escape(OLD_TAG)})\d+-[0-9a-f]{{8}}"
    if not re.fullmatch(pattern, name):
        return  # not a name the tool makes: never removed
    path = out.parent / name
    if not path.is_dir() or path.is_symlink():
        return
    if TMP_TAG in name:
        shutil.rmtree(path, ignore_errors=True)  # a folder the tool created empty and wrote alone
    else:
        remove_owned(path)


def remove_owned(folder: Path) -> bool:
    """Remove the entries of ``folder`` its manifest lists, then the folder if nothing is left.

    False (and a notice) when entries the manifest does not list remain: they are kept.
    """
    contents = inspect(folder)
    for name in contents.ours:
        path = folder / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
    try:
        folder.rmdir()
        return True
    except OSError:
        left = inspect(folder).foreign
        if left:
            warnings.warn(f"{folder} keeps {_show(left)}, which the tool did not write; the rest of the older "
                          f"result there was removed", Notice, stacklevel=2)
        return False


# --- writing a result ----------------------------------------------------------------------------

def write_failure(exc: OSError, out: Path, doing: str = "writing the result") -> str:
    """The message of a file-system error while writing: what failed, where, and what is kept."""
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    reason = exc.strerror or str(exc)
    hint = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space (disk quota)",
            errno.EFBIG: "the file system refuses files this large", errno.EROFS: "the file system is read-only",
            errno.ENAMETOOLONG: "pick a shorter path"}.get(exc.errno or 0, "")
    return (f"{out}: {doing} failed: {reason}{where}" + (f"; {hint}" if hint else "")
            + f"; nothing was changed in {out} (an earlier result there is kept)")


def is_write_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS


@contextlib.contextmanager
def staged(out: Path, *, overwrite: bool, flag: str = "--out", overwrite_flag: str = "--overwrite",
           purpose: str = "") -> Iterator[Path]:
    """A fresh hidden sibling folder to write a result into; published into ``out`` on success.

    Checked before the lock (a refusal costs nothing), then again under it (the decision);
    the sibling is created at once, so an unwritable place fails before any work, and it is
    removed if the block raises. See ``publish`` for what happens to an older result.
    """
    try:
        check_target(out, overwrite=overwrite, flag=flag, overwrite_flag=overwrite_flag)
    except FolderError:
        refuse_if_held(out, flag)
        raise
    with holding(out, flag=flag, purpose=purpose) as hold:
        check_target(out, overwrite=overwrite, flag=flag, overwrite_flag=overwrite_flag)
        target = absolute(out)
        work = hold.sibling(TMP_TAG)
        try:
            work.mkdir(mode=0o755)
        except OSError as exc:
            raise FolderError(f"{target}: cannot write beside it in {target.parent} ({exc.strerror})") from None
        keep = False
        try:
            yield work
            try:
                publish(work, target, overwrite=overwrite, flag=flag, overwrite_flag=overwrite_flag, hold=hold)
            except FolderError as exc:
                keep = True  # the finished result stays where it is: say so
                hold.forget(work)
                raise FolderError(f"{exc}\nthe new result is kept in {work}") from None
        except OSError as exc:
            if not is_write_error(exc):
                raise
            raise FolderError(write_failure(exc, target)) from None
        finally:
            if not keep and work.exists():
                shutil.rmtree(work, ignore_errors=True)


def publish(work: Path, out: Path, *, overwrite: bool, flag: str = "--out", overwrite_flag: str = "--overwrite",
            hold: Hold) -> None:
    """Move the finished result in ``work`` to ``out`` in one step; then remove the old result's listed
    entries. Called with ``out``'s lock held."""
    out = absolute(out)
    contents = check_target(out, overwrite=overwrite, flag=flag, overwrite_flag=overwrite_flag)  # again
    if not contents.exists or contents.empty:
        try:
            os.rename(work, out)  # replaces an empty folder atomically
            hold.forget(work)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise FolderError(f"{out}: cannot move the result in place ({exc.strerror})") from None
    aside = hold.sibling(OLD_TAG)
    try:
        if _exchange(work, out):
            os.rename(work, aside)  # ``work`` now names the old result
        else:
            os.rename(out, aside)
            os.rename(work, out)
    except OSError as exc:
        raise FolderError(f"{out}: cannot move the result in place ({exc.strerror})") from None
    hold.forget(work)
    remove_owned(aside)
    hold.forget(aside)


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


def record_files(folder: Path, names: list[str] | tuple[str, ...], command: str = "analyze", **extra: Any) -> None:
    """Add ``names`` to the files the folder's manifest says the tool wrote (before writing them)."""
    manifest = read_manifest(folder)
    if manifest is None:
        manifest = {"command": command, "files": []}
    files = list(manifest["files"])
    files += [n for n in names if n not in files]
    write_manifest(folder / MANIFEST, {**manifest, **extra, "files": files})
