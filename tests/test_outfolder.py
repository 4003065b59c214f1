"""Output folders: nothing is lost. A file the tool did not write is never touched, an earlier
result is replaced only with --overwrite and only by a complete new one, a kill leaves the old
result or the new one, a read-only folder is refused before any run."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from sim import cli, outfolder
from tests.helpers import TINY_EXPERIMENT, tree, write


def test_out_pointing_to_a_file_is_refused_and_the_file_untouched(tmp_path, bad_input):
    target = tmp_path / "results.txt"
    target.write_bytes(b"precious results\n")
    message = bad_input("run", "paris_declaration", "--weeks", "5", "--out", target)
    assert "results.txt" in message and "folder" in message
    assert target.read_bytes() == b"precious results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt"]


def test_out_below_a_file_is_refused(tmp_path, bad_input):
    target = tmp_path / "results.txt"
    target.write_bytes(b"precious results\n")
    message = bad_input("run", "paris_declaration", "--weeks", "5", "--out", target / "sub")
    assert "results.txt" in message
    assert target.read_bytes() == b"precious results\n"


def test_failed_run_leaves_earlier_results_intact(tmp_path, run_cli, bad_input):
    out = tmp_path / "o"
    assert run_cli("run", "paris_declaration", "--weeks", "10", "--out", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write(tmp_path, "bad.yaml", "monitoring:\n  coverage: 7\n")
    bad_input("run", tmp_path / "bad.yaml", "--out", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_sweep_never_replaces_another_sweep_nor_user_files(tmp_path, run_cli, bad_input):
    other = write(tmp_path, "other.yaml", TINY_EXPERIMENT.replace("name: tiny", "name: other"))
    out = tmp_path / "out"
    assert run_cli("sweep", other, "--out", out, "--workers", "1").code == 0
    before = tree(out)
    exp = write(tmp_path, "tiny.yaml", TINY_EXPERIMENT)
    err = bad_input("sweep", exp, "--out", out, "--workers", "1")
    assert "holds a sweep of 'other'" in err and "--overwrite" in err and tree(out) == before
    # The user's own files beside it: refused even with --overwrite.
    (out / "my_notes.txt").write_text("mine")
    err = bad_input("sweep", exp, "--out", out, "--workers", "1", "--overwrite")
    assert "my_notes.txt" in err and "did not write" in err
    assert tree(out) == {**before, "my_notes.txt": b"mine"}
    # A folder holding only the user's summary.csv and events.csv: never wiped.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.csv").write_text("my,summary\n")
    (mine / "events.csv").write_text("my,events\n")
    for extra in ([], ["--overwrite"]):
        err = bad_input("sweep", exp, "--out", mine, "--workers", "1", *extra)
        assert "summary.csv" in err and "events.csv" in err
        assert tree(mine) == {"summary.csv": b"my,summary\n", "events.csv": b"my,events\n"}
    # With --overwrite, a folder the tool wrote is replaced by the complete new sweep.
    (out / "my_notes.txt").unlink()
    assert run_cli("sweep", exp, "--out", out, "--workers", "1", "--overwrite").code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"] == "tiny" and manifest["status"] == "complete" and manifest["runs_done"] == 6
    assert not (tmp_path / "out.partial").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_second_run_is_refused_without_overwrite(tmp_path, run_cli, bad_input):
    out = tmp_path / "o"
    assert run_cli("run", "paris_declaration", "--weeks", "6", "--seed", "1", "--out", out).code == 0
    before = tree(out)
    err = bad_input("run", "paris_declaration", "--weeks", "6", "--seed", "2", "--out", out)
    assert "holds a run of 'paris_declaration' (seed 1)" in err and "--overwrite" in err
    assert tree(out) == before
    assert run_cli("run", "budapest_memorandum", "--weeks", "6", "--seed", "2", "--out", out,
                   "--overwrite").code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 2 and manifest["scenario"] == "budapest_memorandum"
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "manifest.json", "runs.csv", "steps.csv"]


def test_run_into_a_sweep_folder(tmp_path, run_cli, bad_input):
    out = tmp_path / "sw"
    assert run_cli("sweep", write(tmp_path, "tiny.yaml", TINY_EXPERIMENT), "--out", out, "--workers", "1").code == 0
    before = tree(out)
    assert "summary.csv" in before
    err = bad_input("run", "paris_declaration", "--weeks", "5", "--out", out)
    assert "holds a sweep of 'tiny'" in err and tree(out) == before
    # Replaced as a whole: no summary of the sweep is left beside the run.
    assert run_cli("run", "paris_declaration", "--weeks", "5", "--out", out, "--overwrite").code == 0
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "manifest.json", "runs.csv", "steps.csv"]


def test_out_folder_with_user_files_is_refused(tmp_path, monkeypatch, bad_input):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.tex").write_text("years of work")
    for extra in ([], ["--overwrite"]):
        err = bad_input("run", "paris_declaration", "--weeks", "5", "--out", ".", *extra)
        assert "thesis.tex" in err and "did not write" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.tex"]
    assert "empty path" in bad_input("run", "paris_declaration", "--out", "")
    assert "empty path" in bad_input("sweep", "x.yaml", "--out", "")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_run_killed_between_writes_leaves_old_or_new(tmp_path, capsys, run_cli):
    """Kill `run --overwrite` (os._exit, like kill -9) at each file-system step in turn: the folder
    always holds the whole old run or the whole new one, never a mix."""
    out, new_ref = tmp_path / "o", tmp_path / "new"
    args = ["paris_declaration", "--weeks", "8"]
    assert run_cli("run", *args, "--seed", "1", "--out", out).code == 0
    assert run_cli("run", *args, "--seed", "2", "--out", new_ref).code == 0

    def state(folder: Path) -> tuple:
        files = tree(folder)
        seed = json.loads(files.pop("manifest.json"))["seed"]
        return seed, files

    old, new = state(out), state(new_ref)
    assert old[1] != new[1]
    keep = tmp_path / "keep"
    shutil.copytree(out, keep)
    outcomes = []
    for step in range(1, 30):
        shutil.rmtree(out)
        shutil.copytree(keep, out)
        pid = os.fork()
        if pid == 0:  # the child dies at its step-th rename/replace/exchange
            count = [0]

            def dying(real):
                def wrapper(*a, **kw):
                    count[0] += 1
                    if count[0] == step:
                        os._exit(137)
                    return real(*a, **kw)
                return wrapper

            os.replace, os.rename = dying(os.replace), dying(os.rename)
            outfolder._exchange = dying(outfolder._exchange)
            try:
                code = cli.main(["run", *args, "--seed", "2", "--out", str(out), "--overwrite"])
            except BaseException:  # noqa: BLE001
                code = 99
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        now = state(out)
        assert now in (old, new), step
        outcomes.append((code, now[0]))
        if code == 0:
            break
        assert code == 137, code
    capsys.readouterr()
    seeds_after_kill = {seed for code, seed in outcomes if code == 137}
    assert outcomes[-1] == (0, 2) and len(outcomes) >= 6, outcomes  # 4 files written, then the move
    assert seeds_after_kill == {1, 2}  # killed before the move (old kept) and after it (new in place)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the last run cleaned up


def test_read_only_out_is_refused_before_simulating(tmp_path, monkeypatch, bad_input):
    import sim.commands

    def no_simulation(*a, **kw):
        raise AssertionError("simulated although the folder is read-only")

    monkeypatch.setattr(sim.commands, "simulate", no_simulation)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert "read-only" in bad_input("run", "paris_declaration", "--out", ro)
        assert "read-only" in bad_input("run", "paris_declaration", "--out", ro / "sub")
        assert "read-only" in bad_input("validate-model", "--quick", "--out", ro)
    finally:
        ro.chmod(stat.S_IRWXU)
    assert list(ro.iterdir()) == []
