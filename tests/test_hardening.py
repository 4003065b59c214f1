"""Issue 9: nothing hangs, nothing crashes, nothing is lost.

Every reproducer of the issue, through the command line (in-process ``sim.cli.main`` unless a
hang must be bounded by a subprocess timeout): bad input exits 2 with a message naming the
file, key or flag and what is allowed, and no folder loses a file it held.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import cli, outfolder
from sim.config import ConfigError, scenarios

ROOT = Path(__file__).resolve().parents[1]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``python -m sim ARGS`` run in this process."""
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def bad(capsys, *args: str) -> str:
    code, _out, err = run_cli(capsys, *args)
    assert code == 2, err
    assert err.strip()
    return err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- hangs and memory blow-ups -------------------------------------------------------------

def billion_laughs(folder: Path) -> Path:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return write(folder, "laughs.yaml", "\n".join(lines) + "\n")


def test_billion_laughs_fails_at_once(tmp_path):
    path = billion_laughs(tmp_path)
    assert path.stat().st_size < 500  # the was 342 bytes
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "laughs.yaml" in proc.stderr and "aliases" in proc.stderr and "at most" in proc.stderr
    assert time.monotonic() - started < 30


def test_billion_laughs_run_and_recursive_alias(tmp_path, capsys):
    err = bad(capsys, "run", billion_laughs(tmp_path), "--out", tmp_path / "o")
    assert "aliases" in err and not (tmp_path / "o").exists()
    err = bad(capsys, "validate", write(tmp_path, "rec.yaml", "monitoring: &m\n  coverage: *m\n"))
    assert "rec.yaml:1" in err and "alias" in err


def test_too_many_aliases(tmp_path, capsys):
    text = "x: &x 1\nlist: [" + ", ".join(["*x"] * 150) + "]\n"
    err = bad(capsys, "validate", write(tmp_path, "many.yaml", text))
    assert "more than 100 aliases" in err and "many.yaml:2" in err


def test_deep_nesting_and_size(tmp_path, capsys):
    err = bad(capsys, "validate", write(tmp_path, "deep.yaml", "monitoring: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "deep.yaml:1" in err and "nested more than" in err
    big = write(tmp_path, "big.yaml", "description: '" + "x" * 1_100_000 + "'\n")
    err = bad(capsys, "validate", big)
    assert "too large" in err and "at most 1,000,000 bytes" in err


def test_not_a_regular_file_does_not_block(capsys):
    for path in ("/dev/zero", "/dev/null"):
        if Path(path).exists():
            assert "not a regular file" in bad(capsys, "validate", path)


HUGE = """
    design: grid
    levers:
      monitoring.coverage: {low: 0.0, high: 1.0, steps: 1000}
      monitoring.us_lead_share: {low: 0.0, high: 1.0, steps: 1000}
      force.size: {low: 0.0, high: 3.0, steps: 1000}
    replications: 99999
    """


def test_huge_design_is_refused_before_it_is_laid_out(tmp_path, capsys):
    started = time.monotonic()
    err = bad(capsys, "validate", write(tmp_path, "huge.yaml", HUGE))
    assert time.monotonic() - started < 10
    assert "huge.yaml" in err and "design" in err and "1,000,000,000" in err and "at most 50,000" in err


def test_a_hundred_million_steps_is_refused(tmp_path, capsys):
    path = write(tmp_path, "steps.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 100000000}
        replications: 10
        """)
    err = bad(capsys, "validate", path)
    assert "steps.yaml:3" in err and "levers.monitoring.coverage.steps" in err and "2 to 1,000" in err


def test_sweep_size_is_shown_and_capped(tmp_path, capsys):
    path = write(tmp_path, "big.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 100}
        replications: 20000
        """)
    err = bad(capsys, "sweep", path, "--out", tmp_path / "o")
    assert "2,000,000 runs" in err and "--max-runs" in err and not (tmp_path / "o.partial").exists()
    path = write(tmp_path, "disk.yaml", """
        design: grid
        levers:
          monitoring.coverage: {low: 0.0, high: 1.0, steps: 10}
        replications: 5000
        outputs: {steps: true, events: true}
        """)
    err = bad(capsys, "sweep", path, "--out", tmp_path / "o", "--max-gb", "1")
    assert "GB" in err and "--max-gb" in err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["sweep", "validate-model"])
def test_workers_are_capped(command, capsys):
    args = ["sweep", "experiments/quick.yaml"] if command == "sweep" else ["validate-model"]
    err = bad(capsys, *args, "--workers", "1000")
    assert "--workers" in err and "1000" in err and "cores" in err


def test_seed_range(tmp_path, capsys):
    err = bad(capsys, "run", "paris_declaration", "--seed", str(10**29), "--out", tmp_path / "o")
    assert "--seed" in err and "9223372036854775807" in err and not (tmp_path / "o").exists()
    code, _, err = run_cli(capsys, "run", "paris_declaration", "--seed", str(2**63 - 1), "--weeks", "3",
                           "--out", tmp_path / "o")
    assert code == 0, err
    runs = pd.read_csv(tmp_path / "o" / "runs.csv")
    assert runs["seed"].dtype == "int64" and int(runs["seed"].iloc[0]) == 2**63 - 1


# --- silent loss of results ----------------------------------------------------------------

TINY = """
    name: tiny
    scenarios: [budapest_memorandum]
    design: grid
    levers:
      monitoring.coverage: [0.3, 0.9]
    replications: 3
    horizon_weeks: 12
    """


def test_sweep_never_replaces_another_sweep_nor_user_files(tmp_path, capsys):
    other = write(tmp_path, "other.yaml", TINY.replace("name: tiny", "name: other"))
    out = tmp_path / "out"
    assert run_cli(capsys, "sweep", other, "--out", out, "--workers", "1")[0] == 0
    before = tree(out)
    exp = write(tmp_path, "tiny.yaml", TINY)
    err = bad(capsys, "sweep", exp, "--out", out, "--workers", "1")
    assert "holds a sweep of 'other'" in err and "--overwrite" in err and tree(out) == before
    # The user's own files beside it: refused even with --overwrite.
    (out / "my_notes.txt").write_text("mine")
    err = bad(capsys, "sweep", exp, "--out", out, "--workers", "1", "--overwrite")
    assert "my_notes.txt" in err and "did not write" in err
    assert tree(out) == {**before, "my_notes.txt": b"mine"}
    # A folder holding only the user's summary.csv and events.csv: never wiped.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.csv").write_text("my,summary\n")
    (mine / "events.csv").write_text("my,events\n")
    for extra in ([], ["--overwrite"]):
        err = bad(capsys, "sweep", exp, "--out", mine, "--workers", "1", *extra)
        assert "summary.csv" in err and "events.csv" in err
        assert tree(mine) == {"summary.csv": b"my,summary\n", "events.csv": b"my,events\n"}
    # With --overwrite, a folder the tool wrote is replaced by the complete new sweep.
    (out / "my_notes.txt").unlink()
    assert run_cli(capsys, "sweep", exp, "--out", out, "--workers", "1", "--overwrite")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"] == "tiny" and manifest["status"] == "complete" and manifest["runs_done"] == 6
    assert not (tmp_path / "out.partial").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_second_run_is_refused_without_overwrite(tmp_path, capsys):
    out = tmp_path / "o"
    assert run_cli(capsys, "run", "paris_declaration", "--weeks", "6", "--seed", "1", "--out", out)[0] == 0
    before = tree(out)
    err = bad(capsys, "run", "paris_declaration", "--weeks", "6", "--seed", "2", "--out", out)
    assert "holds a run of 'paris_declaration' (seed 1)" in err and "--overwrite" in err
    assert tree(out) == before
    assert run_cli(capsys, "run", "budapest_memorandum", "--weeks", "6", "--seed", "2", "--out", out,
                   "--overwrite")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 2 and manifest["scenario"] == "budapest_memorandum"
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "manifest.json", "runs.csv", "steps.csv"]


def test_run_into_a_sweep_folder(tmp_path, capsys):
    out = tmp_path / "sw"
    assert run_cli(capsys, "sweep", write(tmp_path, "tiny.yaml", TINY), "--out", out, "--workers", "1")[0] == 0
    before = tree(out)
    assert "summary.csv" in before
    err = bad(capsys, "run", "paris_declaration", "--weeks", "5", "--out", out)
    assert "holds a sweep of 'tiny'" in err and tree(out) == before
    # Replaced as a whole: no summary of the sweep is left beside the run.
    assert run_cli(capsys, "run", "paris_declaration", "--weeks", "5", "--out", out, "--overwrite")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "manifest.json", "runs.csv", "steps.csv"]


def test_out_folder_with_user_files_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.tex").write_text("years of work")
    for extra in ([], ["--overwrite"]):
        err = bad(capsys, "run", "paris_declaration", "--weeks", "5", "--out", ".", *extra)
        assert "thesis.tex" in err and "did not write" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.tex"]
    assert "empty path" in bad(capsys, "run", "paris_declaration", "--out", "")
    assert "empty path" in bad(capsys, "sweep", "x.yaml", "--out", "")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_run_killed_between_writes_leaves_old_or_new(tmp_path, capsys):
    """Kill `run --overwrite` (os._exit, like kill -9) at each file-system step in turn: the folder
    always holds the whole old run or the whole new one, never a mix."""
    out, new_ref = tmp_path / "o", tmp_path / "new"
    args = ["paris_declaration", "--weeks", "8"]
    assert run_cli(capsys, "run", *args, "--seed", "1", "--out", out)[0] == 0
    assert run_cli(capsys, "run", *args, "--seed", "2", "--out", new_ref)[0] == 0

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


# --- paths escape ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../x", "/tmp/abs", "", "  ", "a/b", ".hidden", "-rf"])
def test_names_are_names(tmp_path, capsys, monkeypatch, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    write(work, "s.yaml", f"extends: paris_declaration\nname: {json.dumps(name)}\n")
    err = bad(capsys, "validate", "s.yaml")
    assert "s.yaml:2" in err and "name" in err and "plain name" in err
    bad(capsys, "run", "s.yaml", "--weeks", "3")
    write(work, "e.yaml", f"name: {json.dumps(name)}\nscenarios: budapest_memorandum\ndesign: grid\n"
                          "levers: {{monitoring.coverage: [0.3, 0.9]}}\nreplications: 2\n".replace("{{", "{")
          .replace("}}", "}"))
    assert "name" in bad(capsys, "sweep", "e.yaml")
    assert sorted(p.name for p in work.iterdir()) == ["e.yaml", "s.yaml"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "e.yaml", "s.yaml"]


def test_extends_and_data_files_are_confined(tmp_path, capsys):
    write(tmp_path, "e1.yaml", "extends: ../../../../etc/passwd\n")
    err = bad(capsys, "validate", tmp_path / "e1.yaml")
    assert "e1.yaml:1" in err and "extends" in err and "../../../../etc/passwd" in err and ".yaml" in err
    write(tmp_path, "e2.yaml", "description: x\nextends: /etc/passwd.yaml\n")
    err = bad(capsys, "validate", tmp_path / "e2.yaml")
    assert "e2.yaml:2" in err and "extends" in err and "absolute" in err
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub, "base.yaml", "extends: paris_declaration\nmonitoring:\n  coverage: 0.4\n")
    write(tmp_path, "ok.yaml", "extends: sub/base.yaml\n")
    assert run_cli(capsys, "validate", tmp_path / "ok.yaml")[0] == 0
    write(tmp_path, "d1.yaml", "members:\n  data_file: ../../../../etc/passwd\n")
    err = bad(capsys, "validate", tmp_path / "d1.yaml")
    assert "d1.yaml:2" in err and "members.data_file" in err and "plain file name" in err
    write(tmp_path, "e3.yaml", "scenarios: [paris_declaration, ../../etc/passwd]\ndesign: scenarios\n"
                               "replications: 2\n")
    err = bad(capsys, "validate", tmp_path / "e3.yaml")
    assert "e3.yaml:1" in err and "scenarios.1" in err and "passwd" in err


# --- the members data file ---------------------------------------------------------------------

@pytest.fixture
def library(tmp_path, monkeypatch):
    """A copy of the scenarios library with its members file, used by load_scenario."""
    lib = tmp_path / "lib"
    shutil.copytree(scenarios.SCENARIOS_DIR, lib)
    monkeypatch.setattr(scenarios, "SCENARIOS_DIR", lib)
    return lib / "coalition_members.csv"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


DATA_CASES = {
    "negative_spending": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,-88.5"),
                          ["defence_spending_usd_bn", "out of range", "'-88.5'", "0 or more"], True),
    "text_in_number": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,lots"),
                       ["defence_spending_usd_bn", "not a number", "'lots'"], True),
    "empty_cell": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,"),
                   ["defence_spending_usd_bn", "empty cell"], True),
    "negative_lag": (lambda p: _edit(p, ",81.8,3644,26,", ",81.8,3644,-26,"),
                     ["ratification_lag_weeks", "out of range", "'-26'"], True),
    "unterminated_quote": (lambda p: _edit(p, "France,FRA", '"France,FRA'), ["quote", "never closed"], True),
    "binary": (lambda p: p.write_bytes(b"\x00\x01\x02PK"), ["binary"], False),
    "missing": (lambda p: p.unlink(), ["not found"], False),
    "directory": (lambda p: (p.unlink(), p.mkdir()), ["is a folder"], False),
    "misspelt_column": (lambda p: _edit(p, "usd_bn,gdp_usd_bn,", "usd_bn,gdp_usd_bm,"),
                        ["gdp_usd_bm", "did you mean 'gdp_usd_bn'", "missing column"], True),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_members_data_file_is_validated(library, tmp_path, capsys, case):
    spoil, words, has_line = DATA_CASES[case]
    spoil(library)
    for args in (["validate", "paris_declaration"], ["run", "paris_declaration", "--out", tmp_path / "o"]):
        err = bad(capsys, *args)
        assert "coalition_members.csv" in err and "members.data_file" in err, err
        for w in words:
            assert w in err, (w, err)
        if has_line:
            assert "coalition_members.csv:" in err
    assert not (tmp_path / "o").exists()


def test_data_file_error_names_the_key_that_pointed_there(library, tmp_path, capsys):
    (library.parent / "other.csv").write_text("name,iso3\nX,XXX\n")
    write(tmp_path, "s.yaml", "extends: paris_declaration\nmembers:\n  data_file: other.csv\n")
    err = bad(capsys, "validate", tmp_path / "s.yaml")
    assert "other.csv:1" in err and "missing column" in err and "members.data_file in" in err and "s.yaml:3" in err


def test_read_members_delegates_to_the_spec(tmp_path):
    from sim.data import read_members
    from sim.config.datafiles import MEMBERS, read_table

    shipped = scenarios.SCENARIOS_DIR / "coalition_members.csv"
    read_members.cache_clear()
    table = read_members(shipped)
    assert list(table.columns) == [c.name for c in MEMBERS.columns] and len(table) == 34  # North Macedonia removed (issue 18)
    assert table["borders_russia"].dtype == bool and table["gdp_usd_bn"].dtype == "float64"
    bad_file = tmp_path / "m.csv"
    bad_file.write_text(shipped.read_text().replace("United Kingdom,GBR", "United Kingdom,gbr"))
    with pytest.raises(ConfigError, match=r"m\.csv:\d+: iso3: not an allowed value \(given: 'gbr'\)"):
        read_members(bad_file)
    with pytest.raises(ConfigError):
        read_table(bad_file, MEMBERS)


# --- tracebacks and types ------------------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("1: 2\n", ["ks.yaml:1", "a key must be text", "'1'"]),
    ("monitoring:\n  ? [a, b]\n  : 1\n", ["ks.yaml:2", "a key must be text, not a list"]),
    ("monitoring:\n  coverage: true\n", ["monitoring.coverage", "wrong type", "True", "0.0 to 1.0"]),
    ("monitoring:\n  coverage: '0.5'\n", ["monitoring.coverage", "wrong type", "'0.5'"]),
    ("force:\n  build_up_weeks: 12.5\n", ["force.build_up_weeks", "wrong type", "12.5"]),
    ("horizon_weeks: '52'\n", ["horizon_weeks", "wrong type"]),
])
def test_yaml_keys_and_strict_types(tmp_path, capsys, text, words):
    err = bad(capsys, "validate", write(tmp_path, "ks.yaml", text))
    for w in words:
        assert w in err, (w, err)


def test_numbers_still_read_as_numbers(tmp_path, capsys):
    path = write(tmp_path, "n.yaml", "monitoring:\n  coverage: 5e-1\n  latency_weeks: 2\nforce:\n  size: 2\n")
    assert run_cli(capsys, "validate", path)[0] == 0
    assert scenarios.load_scenario(path).monitoring.coverage == 0.5


def test_experiment_types_are_strict(tmp_path, capsys):
    path = write(tmp_path, "t.yaml", "design: grid\nlevers:\n  monitoring.coverage: [0.5]\nreplications: 3\n"
                                     "master_seed: '7'\n")
    assert "t.yaml:5: master_seed: wrong type (given: '7')" in bad(capsys, "validate", path)
    path = write(tmp_path, "t.yaml", "design: grid\nlevers:\n  monitoring.coverage: [true, '0.5']\n"
                                     "replications: 3\n")
    err = bad(capsys, "validate", path)
    assert "levers.monitoring.coverage" in err and "True" in err and "'0.5'" in err and "wrong type" in err


def test_read_only_out_is_refused_before_simulating(tmp_path, capsys, monkeypatch):
    import sim.runner

    def no_simulation(*a, **kw):
        raise AssertionError("simulated although the folder is read-only")

    monkeypatch.setattr(sim.runner, "simulate", no_simulation)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert "read-only" in bad(capsys, "run", "paris_declaration", "--out", ro)
        assert "read-only" in bad(capsys, "run", "paris_declaration", "--out", ro / "sub")
        assert "read-only" in bad(capsys, "validate-model", "--quick", "--out", ro)
    finally:
        ro.chmod(stat.S_IRWXU)
    assert list(ro.iterdir()) == []


def _set_cell(text: str, column: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    i = lines[0].rstrip("\n").split(",").index(column)
    cells = lines[1].rstrip("\n").split(",")
    cells[i] = value
    lines[1] = ",".join(cells) + "\n"
    return "".join(lines)


ANALYZE_CASES = {
    "empty": (lambda t: "", ["empty"]),
    "header_only": (lambda t: t.splitlines(keepends=True)[0], ["no runs"]),
    "short_line": (lambda t: t[: len(t) // 2 + (3 if t[len(t) // 2 - 1] == "\n" else 0)], ["runs.csv:"]),
    "text_in_number": (lambda t: _set_cell(t, "survival_weeks", "soon"), ["runs.csv:2", "survival_weeks",
                                                                            "not the declared type", "'soon'"]),
    "not_a_flag": (lambda t: _set_cell(t, "escalated", "maybe"), ["runs.csv:2", "escalated", "True or False"]),
    "out_of_range": (lambda t: _set_cell(t, "survival_weeks", "999"), ["runs.csv:2", "out of range"]),
    "missing_column": (lambda t: "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 4)
                                           for line in t.splitlines()) + "\n", ["missing column"]),
    "binary": (lambda t: "\x00\x01garbage", ["binary"]),
    "duplicate_run": (lambda t: t + t.splitlines(keepends=True)[1], ["appears twice"]),
}


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    path = folder / "tiny.yaml"
    path.write_text(textwrap.dedent(TINY))
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(["sweep", str(path), "--out", str(folder / "sw"), "--workers", "1"]) == 0
    return folder / "sw"


@pytest.mark.parametrize("case", sorted(ANALYZE_CASES))
def test_analyze_on_a_damaged_runs_csv(small_sweep, tmp_path, capsys, case):
    spoil, words = ANALYZE_CASES[case]
    folder = tmp_path / "d"
    shutil.copytree(small_sweep, folder)
    runs = folder / "runs.csv"
    runs.write_text(spoil(runs.read_text()))
    before = tree(folder)
    err = bad(capsys, "analyze", folder)
    assert "runs.csv" in err
    for w in words:
        assert w in err, (w, err)
    assert tree(folder) == before  # nothing written from a damaged file


def test_analyze_never_overwrites_a_file_it_did_not_write(small_sweep, tmp_path, capsys):
    folder = tmp_path / "runs_only"
    folder.mkdir()
    shutil.copy(small_sweep / "runs.csv", folder / "runs.csv")
    (folder / "summary.csv").write_text("my own\n")
    err = bad(capsys, "analyze", folder)
    assert "summary.csv" in err and "--overwrite" in err
    assert (folder / "summary.csv").read_text() == "my own\n"
    assert run_cli(capsys, "analyze", folder, "--overwrite")[0] == 0
    assert run_cli(capsys, "analyze", folder)[0] == 0  # its own files now: a re-run needs no flag
    assert json.loads((folder / "manifest.json").read_text())["command"] == "analyze"


def test_bad_scheduler_fails_fast(tmp_path, capsys):
    exp = write(tmp_path, "tiny.yaml", TINY)
    for address in ("nonsense", "127.0.0.1:99999", "inproc:/", "", "http://x:1"):
        err = bad(capsys, "sweep", exp, "--out", tmp_path / "o", "--scheduler", address)
        assert "--scheduler" in err and "tcp://HOST:PORT" in err
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    err = bad(capsys, "sweep", exp, "--out", tmp_path / "o", "--scheduler", f"127.0.0.1:{port}")
    assert "cannot reach" in err and time.monotonic() - started < 10
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.partial").exists()


def test_a_port_that_never_answers_times_out():
    pytest.importorskip("distributed")
    from sim.cli import UsageError
    from sim.experiments.commands import dask_executor

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(UsageError, match="no Dask scheduler answered"):
            with dask_executor(f"127.0.0.1:{server.getsockname()[1]}", handshake_timeout=0.5):
                pass
    finally:
        server.close()
    assert time.monotonic() - started < 8


# --- labels, validate-model, exit codes -------------------------------------------------------

def test_design_labels_are_distinct_and_never_cut(tmp_path):
    from sim.experiments import plots
    from sim.experiments.analysis import headline
    from sim.experiments.config import load_experiment

    path = write(tmp_path, "labels.yaml", """
        design: grid
        levers:
          monitoring.coverage: [0.25, 0.5]
          force.posture: [rear, forward]
          commitments.automaticity: [0.1234561, 0.1234562]
        replications: 2
        """)
    exp = load_experiment(path)
    labels = [p.label for p in exp.points]
    assert len(set(labels)) == len(labels) == 8
    long = [f"coverage=0.25, posture=rear, size=0.5, automaticity={a}, lag_multiplier=1" for a in (0.1, 0.2, 0.3)]
    assert len({plots._short(lab) for lab in long}) == 3
    assert all(plots._short(lab).replace(",\n", ", ") == lab for lab in long)
    summary = pd.DataFrame({"design_point": [0, 1, 2], "label": long, "runs": [5] * 3, "p_escalation": [0.2] * 3,
                            "p_low": [0.1] * 3, "p_high": [0.3] * 3, "median_weeks": [float("nan")] * 3,
                            "median_low": [float("nan")] * 3, "median_high": [float("nan")] * 3,
                            "horizon_weeks": [260] * 3})
    text = headline(summary)
    assert all(lab in text for lab in long)


def test_validate_model_reports_the_replicates_it_ran():
    from sim.validation import commands, report

    rows = [{"scenario": s, "replicate": k, "horizon_weeks": 260}
            for s, n in (("budapest_memorandum", 400), ("paris_declaration", 2500), ("political_only", 2500))
            for k in range(n)]
    meta = commands._meta(type("E", (), {"master_seed": 1})(), True, pd.DataFrame(rows), 1.0, 2, "cmd")
    assert meta["replicates"] == 400
    text = report.replicates_text(meta)
    assert text == "400 paired replicates per scenario (2500 for paris_declaration and political_only)"
    assert text in report.console([], meta) and text in report.markdown([], meta, {})


def test_exit_codes_are_documented(capsys):
    code, out, _ = run_cli(capsys, "--help")
    out = " ".join(out.split())
    assert code == 0 and "0 success" in out and "1 validate-model" in out and "2 bad input" in out
    readme = (ROOT / "README.md").read_text()
    assert "Exit codes" in readme and "refused output folder" in readme
    outputs = (ROOT / "docs" / "OUTPUTS.md").read_text()
    assert "## Output folders" in outputs and "--overwrite" in outputs
