"""Issue 20, the output-folder contract of every writer: lock first, then decide; only what the
manifest lists is the tool's; --overwrite never touches a folder another process holds; stale
names removed only when this tool recorded them; full disks, over-long paths and damaged partial
files give a clear error and keep the old result."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sim import api, files, outfolder
from sim.errors import BadInput, FolderError
from tests.helpers import ROOT, TINY_EXPERIMENT, assert_bad_input, sim_process, tree, write

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sim.outfolder import holding
    with holding(Path(sys.argv[1]), purpose="a test's other writer"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


class Holder:
    """Another process holding the lock of an output folder while the test runs."""

    def __init__(self, out: Path, seconds: float = 60) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), str(seconds)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held", self.proc.stderr.read()

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait()


def partial_of(small_sweep, tmp_path: Path, name: str = "p") -> tuple[Path, Path, Path]:
    """(experiment, DIR, DIR.partial): an interrupted copy of the small sweep (3 runs saved)."""
    exp, ref = small_sweep
    out, work = tmp_path / name, tmp_path / f"{name}.partial"
    shutil.copytree(ref, work)
    manifest = json.loads((work / "manifest.json").read_text())
    manifest.update(status="partial", runs_done=3)
    (work / "manifest.json").write_text(json.dumps(manifest))
    return exp, out, work


# --- data lost (5 cases) ------------------------------------------------------------------------

def test_overwrite_never_touches_a_folder_another_sweep_is_writing(small_sweep, tmp_path, bad_input):
    """Case 1: `sweep --overwrite` while another sweep streams into DIR.partial/: refused under the
    lock, DIR.partial/ untouched; the plain refusal does not send the user to --overwrite."""
    exp, out, work = partial_of(small_sweep, tmp_path)
    before = tree(work)
    with Holder(out):
        for extra in ((), ("--overwrite",), ("--resume",)):
            err = bad_input("sweep", exp, "--out", out, "--workers", "1", *extra)
            assert "another process is writing there now" in err and "a test's other writer" in err
            assert "give --overwrite" not in err
            assert tree(work) == before and not out.exists()


def test_two_sweeps_on_one_folder(tmp_path):
    """Concurrency: a second sweep (--overwrite) started while the first streams is refused with
    exit 2; the first finishes complete, every run its own."""
    exp = write(tmp_path, "tiny.yaml", TINY_EXPERIMENT.replace("replications: 3", "replications: 15")
                .replace("horizon_weeks: 12", "horizon_weeks: 150"))
    out = tmp_path / "o"
    first = subprocess.Popen([sys.executable, "-m", "sim", "sweep", exp, "--out", out, "--workers", "1"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "o.partial" / "runs.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        second = sim_process("sweep", exp, "--out", out, "--workers", "1", "--overwrite")
        still_running = first.poll() is None
        _, err = first.communicate(timeout=300)
    finally:
        first.kill()
    assert first.returncode == 0, err
    if still_running:  # (on a very fast machine the first may be done: then the second replaces it, as asked)
        assert "another process is writing there now" in assert_bad_input(second)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_done"] == manifest["runs_planned"] == 30
    assert len((out / "runs.csv").read_text().splitlines()) == 31
    assert not (tmp_path / "o.partial").exists()


def test_api_sweep_out_follows_the_folder_contract(tmp_path):
    """Case 2: api.sweep(out=DIR) never replaces a user's files, and never a folder another holds."""
    out = tmp_path / "mine"
    out.mkdir()
    for name in ("summary.csv", "manifest.json", "design_points.csv"):
        (out / name).write_text(f"the user's {name}\n")
    before = tree(out)
    exp = write(tmp_path, "tiny.yaml", TINY_EXPERIMENT)
    for overwrite in (False, True):
        with pytest.raises(FolderError, match="did not write"):
            api.sweep(exp, out=out, overwrite=overwrite)
        assert tree(out) == before
    fresh = tmp_path / "fresh"
    with Holder(fresh), pytest.raises(FolderError, match="another process is writing there now"):
        api.sweep(exp, out=fresh, overwrite=True)
    assert not fresh.exists() and not (tmp_path / "fresh.partial").exists()
    done = api.sweep(exp, out=fresh)
    assert done.manifest["status"] == "complete" and (fresh / "runs.csv").is_file()
    with pytest.raises(FolderError, match="give overwrite=True"):
        api.sweep(exp, out=fresh)


def test_run_overwrite_keeps_hidden_files_that_look_like_the_tools(tmp_path, run_cli, bad_input):
    """Case 4: names like the tool's working names, in the result folder, are the user's."""
    out = tmp_path / "o"
    assert run_cli("run", "budapest_memorandum", "--weeks", "5", "--out", out).code == 0
    for name in (".draft.tmp", ".notes.old-1", ".lock"):
        (out / name).write_text("mine")
    before = tree(out)
    err = bad_input("run", "budapest_memorandum", "--weeks", "5", "--out", out, "--overwrite")
    assert ".draft.tmp" in err and "did not write" in err
    assert tree(out) == before


def test_run_keeps_the_users_sibling_folders(tmp_path, run_cli):
    """Case 5: hidden siblings named like the tool's, but not recorded by it, are never removed."""
    for name in (".o.old-12345", ".o.tmp-99999-mine", ".o.tmp-123-0123abcd"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("mine")
    for _ in range(2):
        assert run_cli("run", "budapest_memorandum", "--weeks", "5", "--out", tmp_path / "o", "--overwrite").code == 0
    for name in (".o.old-12345", ".o.tmp-99999-mine", ".o.tmp-123-0123abcd"):
        assert (tmp_path / name / "keep.txt").read_text() == "mine"


def test_a_dead_writers_recorded_siblings_are_cleaned(tmp_path, run_cli):
    """What a killed writer recorded in the lock file (and only that) goes at the next write."""
    out = tmp_path / "o"
    stale, users = tmp_path / ".o.tmp-4242-0123abcd", tmp_path / ".o.tmp-4242-89abcdef"
    for folder in (stale, users):
        folder.mkdir()
        (folder / "runs.csv").write_text("half\n")
    (tmp_path / ".o.sim-lock").write_text(json.dumps({"tool": outfolder.TOOL, "pid": 4242, "created": [stale.name]}))
    assert run_cli("run", "budapest_memorandum", "--weeks", "5", "--out", out).code == 0
    assert not stale.exists() and (users / "runs.csv").read_text() == "half\n"
    assert not (tmp_path / ".o.sim-lock").exists()


# --- discover -----------------------------------------------------------------------------------

def test_discover_out_is_checked(tmp_path, monkeypatch):
    """Case 3: discover --out DIR never replaces the user's feature_scores.csv or discovery.json."""
    from sim import discovery

    out = tmp_path / "d"
    out.mkdir()
    (out / "feature_scores.csv").write_text("mine\n")
    (out / "discovery.json").write_text("{}\n")
    sweep_dir = tmp_path / "sweep"
    sweep_dir.mkdir()
    monkeypatch.setattr(discovery, "load_sweep", lambda d: pytest.fail("the folder is checked before the work"))
    for overwrite in (False, True):
        with pytest.raises(FolderError, match="did not write"):
            discovery.discover(sweep_dir, out=out, overwrite=overwrite)
    assert tree(out) == {"feature_scores.csv": b"mine\n", "discovery.json": b"{}\n"}


# --- faults: full disk, over-long paths, damaged partial files ------------------------------------

def _full_disk(monkeypatch, after: int = 0) -> None:
    """Every atomic write after the first ``after`` fails as on a full disk."""
    real, count = files.atomic_write, [0]

    def full(path, text):
        count[0] += 1
        if count[0] > after:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, text)

    for module in ("sim.files", "sim.commands", "sim.experiments.sweep", "sim.validation.report"):
        monkeypatch.setattr(f"{module}.atomic_write", full)


def test_full_disk_keeps_the_old_run(tmp_path, run_cli, monkeypatch):
    out = tmp_path / "o"
    assert run_cli("run", "budapest_memorandum", "--weeks", "5", "--out", out).code == 0
    before = tree(out)
    _full_disk(monkeypatch, after=1)
    done = run_cli("run", "budapest_memorandum", "--weeks", "6", "--out", out, "--overwrite")
    assert done.code == 2 and "No space left on device" in done.err and "free some space" in done.err
    assert "earlier result there is kept" in done.err
    assert tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_full_disk_keeps_the_old_sweep(small_sweep, tmp_path, run_cli, monkeypatch):
    exp, ref = small_sweep
    out = tmp_path / "o"
    shutil.copytree(ref, out)
    before = tree(out)
    _full_disk(monkeypatch)
    done = run_cli("sweep", exp, "--out", out, "--workers", "1", "--overwrite")
    assert done.code == 2 and "No space left on device" in done.err
    assert tree(out) == before


@pytest.mark.parametrize("command", [("run", "budapest_memorandum", "--weeks", "5"), ("sweep", "quick")])
def test_over_long_out_is_a_clear_error(tmp_path, bad_input, command):
    err = bad_input(*command, "--out", tmp_path / ("x" * 250))
    assert "too long" in err and "allowed: at most" in err and "--out" in err
    err = bad_input(*command, "--out", tmp_path / "/".join(["y" * 200] * 22))
    assert "too long" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, damage", [
    ("runs.csv", b"\x00\x01 not,a,row\n"),
    ("runs.csv", b"7,x,y\n"),
    ("steps.csv", b"\xff\xfe\x00garbage,,,\n"),
])
def test_resume_on_a_damaged_partial_file_names_it(small_sweep, tmp_path, bad_input, name, damage):
    """Damaged partial files (not a torn last line, which resume repairs): a clear error naming the file."""
    exp, out, work = partial_of(small_sweep, tmp_path)
    lines = (work / name).read_bytes().splitlines(keepends=True)
    (work / name).write_bytes(b"".join(lines[:2]) + damage + b"".join(lines[2:]))
    before = tree(work)
    err = bad_input("sweep", exp, "--out", out, "--workers", "1", "--resume")
    assert f"{work / name}:3" in err or f"{work / name}: not UTF-8 text (byte" in err, err
    assert "cannot be resumed" in err and "Traceback" not in err
    assert tree(work) == before and not out.exists()


def test_resume_on_a_damaged_manifest_names_it(small_sweep, tmp_path, bad_input):
    exp, out, work = partial_of(small_sweep, tmp_path)
    (work / "manifest.json").write_text('{"status": "partial", "runs_do')
    err = bad_input("sweep", exp, "--out", out, "--workers", "1", "--resume")
    assert "manifest.json" in err
    assert (work / "manifest.json").read_text() == '{"status": "partial", "runs_do'


def test_every_refusal_is_bad_input(tmp_path):
    """FolderError is BadInput: exit 2 on the command line, one class to catch in the API."""
    assert issubclass(FolderError, BadInput)


def test_a_full_disk_inside_any_staged_writer_keeps_the_old_result(tmp_path):
    """validate-model, validate-history, calibrate, sensitivity, discover and run all write through
    ``staged``: a write error there is a FolderError naming the folder, and the old result stays."""
    out = tmp_path / "o"
    with outfolder.staged(out, overwrite=False) as work:
        files.write_manifest(work / "manifest.json", {"command": "validate-model", "files": ["a.csv"]})
        (work / "a.csv").write_text("old\n")
    before = tree(out)
    with pytest.raises(FolderError, match=r"No space left on device.*free some space.*earlier result there is kept"):
        with outfolder.staged(out, overwrite=True) as work:
            (work / "a.csv").write_text("new, half")
            raise OSError(errno.ENOSPC, "No space left on device", str(work / "a.csv"))
    assert tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_api_sweep_over_long_out(tmp_path):
    with pytest.raises(FolderError, match="too long"):
        api.sweep("quick", out=tmp_path / ("x" * 250))
    assert list(tmp_path.iterdir()) == []
